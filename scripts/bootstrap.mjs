#!/usr/bin/env node
// `npm start` and `npm test` on a machine with nothing but Node.js and npm: fetch the pinned pnpm
// when it is missing, install the workspace, then hand over to pnpm and turbo.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.TURBO_TELEMETRY_DISABLED ??= '1';
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { packageManager } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const pnpmVersion = packageManager.replace(/^pnpm@/, '');
const localPnpmDir = path.join(root, '.tools', 'pnpm');

const command = process.argv[2];
if (command !== 'start' && command !== 'test') {
  console.error('usage: node scripts/bootstrap.mjs start|test');
  process.exit(2);
}

const pnpm = findOrInstallPnpm();
run(pnpm, ['install', '--frozen-lockfile', '--prefer-offline']);
if (command === 'start') {
  run(pnpm, ['build']);
  // The admin API: embedded database (unless DATABASE_URL), migrations, demo data once, then the routes.
  handOver(process.execPath, ['apps/admin-api/dist/main.js', ...process.argv.slice(3)]);
} else {
  handOver(pnpm, ['exec', 'turbo', 'run', 'test']);
}

/** The pinned pnpm: on the PATH if it is the right version, else installed once under .tools/. */
function findOrInstallPnpm() {
  if (versionOf('pnpm') === pnpmVersion) return 'pnpm';
  const local = path.join(localPnpmDir, 'node_modules', '.bin', 'pnpm');
  if (!existsSync(local) || versionOf(local) !== pnpmVersion) {
    console.log(`Installing pnpm ${pnpmVersion} into .tools/pnpm ...`);
    run('npm', [
      'install',
      '--prefix',
      localPnpmDir,
      '--no-save',
      '--no-audit',
      '--no-fund',
      `pnpm@${pnpmVersion}`,
    ]);
  }
  // turbo starts package scripts through pnpm, so it must be on the PATH of everything below.
  process.env.PATH = `${path.dirname(local)}${path.delimiter}${process.env.PATH}`;
  return local;
}

function versionOf(command) {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error(`\n${path.basename(command)} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

/** Runs the long-lived last step, forwarding termination signals and its exit code. */
function handOver(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  // Ctrl-C reaches the whole process group; the child decides how to stop.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
}
