import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { newGeneration, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

/** The compiled CLI behind `pnpm db:rollup` (turbo builds it first). */
const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'db.js');

async function rollup(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'rollup'], {
    env: { ...process.env, DATABASE_URL: db.url },
  });
  return stdout;
}

describe('llm-metrics-db rollup', () => {
  test('folds the new rows, then finds nothing to do', async () => {
    await newGeneration(db.dataSource);
    await newGeneration(db.dataSource);
    // Another test file's open transaction may hold the watermark back: refresh until both are in.
    let folded = 0;
    for (let attempt = 0; attempt < 20 && folded < 2; attempt += 1) {
      const output = await rollup();
      expect(output).toMatch(/Folded \d+ rows into the hourly rollups|Rollups are up to date/);
      folded += Number(/Folded (\d+) rows/.exec(output)?.[1] ?? 0);
    }
    expect(folded).toBe(2);
    expect(await rollup()).toContain('Rollups are up to date.');
  });
});
