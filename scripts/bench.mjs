#!/usr/bin/env node
// `pnpm bench [ID…]`: runs every compiled benchmark of the workspace, or only the named ones, each in
// its own Node process, one after the other (they would disturb each other's timings in parallel).
// A benchmark is a program `<package>/dist/bench/**/<id>-<name>.bench.js` (compiled from the
// package's `bench/` by its `build:bench` script); its ID is the file name's prefix, upper-cased
// (`p1-ingest.bench.js` is P1). It prints a table and its `BENCH <ID> ratio=…` lines
// (../shared/DESIGN.md, "Performance protocol"); this runner repeats those lines at the end.
// Exit codes: 0 all ran, 1 one failed, 2 bad arguments (an unknown ID).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WORKSPACE_DIRS = ['packages', 'apps'];

const benchmarks = discover();
const args = process.argv.slice(2);
if (args.some((arg) => arg === '-h' || arg === '--help')) {
  console.log('usage: pnpm bench [ID…]   (environment: BENCH_ROWS, BENCH_RUNS, DATABASE_URL, …)');
  console.log(`benchmarks: ${benchmarks.map((benchmark) => benchmark.id).join(' ') || 'none built'}`);
  process.exit(0);
}
const wanted = args.map((arg) => arg.toUpperCase());
const unknown = wanted.filter((id) => !benchmarks.some((benchmark) => benchmark.id === id));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; there are: ${benchmarks.map((b) => b.id).join(' ')}`,
  );
  process.exit(2);
}
const selected = wanted.length === 0 ? benchmarks : benchmarks.filter((b) => wanted.includes(b.id));
if (selected.length === 0) {
  console.error('no benchmark is built: run `pnpm bench`, which builds them first');
  process.exit(1);
}

// Ctrl-C reaches the benchmark too (same process group); it drops its scratch database and exits,
// and this runner reports what it has.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

const benchLines = [];
const failed = [];
for (const benchmark of selected) {
  console.log(`\n== ${benchmark.id} (${path.relative(root, benchmark.file)})`);
  const code = await run(benchmark, (line) => {
    if (line.startsWith('BENCH ')) benchLines.push(line);
  });
  if (code !== 0) failed.push(`${benchmark.id} (exit ${code})`);
}

console.log('\n== summary');
for (const line of benchLines) console.log(line);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}

/** Compiled benchmarks of every workspace package, sorted by ID (M1, M2, P1, P2, …). */
function discover() {
  const found = [];
  for (const group of WORKSPACE_DIRS) {
    const groupDir = path.join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      const packageDir = path.join(groupDir, entry.name);
      const benchDir = path.join(packageDir, 'dist', 'bench');
      if (!entry.isDirectory() || !existsSync(path.join(packageDir, 'package.json'))) continue;
      if (!existsSync(benchDir)) continue;
      for (const file of readdirSync(benchDir, { recursive: true })) {
        const match = /^([a-z]+\d+)-[\w-]+\.bench\.js$/i.exec(path.basename(String(file)));
        if (match)
          found.push({
            id: match[1].toUpperCase(),
            file: path.join(benchDir, String(file)),
            cwd: packageDir,
          });
      }
    }
  }
  const byId = new Map();
  for (const benchmark of found) {
    if (byId.has(benchmark.id)) {
      console.error(
        `two benchmarks are ${benchmark.id}: ${byId.get(benchmark.id).file} and ${benchmark.file}`,
      );
      process.exit(1);
    }
    byId.set(benchmark.id, benchmark);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** Runs one benchmark, passing its output through line by line; resolves with its exit code. */
function run({ file, cwd }, onLine) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', file], {
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (data) => {
      process.stdout.write(data);
      const lines = (pending + data).split('\n');
      pending = lines.pop();
      lines.forEach(onLine);
    });
    child.on('error', (error) => {
      console.error(error);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      if (pending !== '') onLine(pending);
      resolve(code ?? (signal === null ? 1 : 128));
    });
  });
}
