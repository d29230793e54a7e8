import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { newGeneration, newHistory, useTestDatabase } from '../src/testing';
import { CATCH_UP_DEADLINE_MS, CATCH_UP_TIMEOUT_MS } from './report-fixtures';

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
  test(
    'folds the new metrics and history rows, then finds nothing to do',
    async () => {
      await newGeneration(db.dataSource);
      await newGeneration(db.dataSource);
      await newHistory(db.dataSource);
      // Another session's open transaction may hold the watermarks back: refresh until all are in.
      const folded = { metrics: 0, history: 0 };
      const deadline = Date.now() + CATCH_UP_DEADLINE_MS;
      while ((folded.metrics < 2 || folded.history < 1) && Date.now() < deadline) {
        const output = await rollup();
        expect(output).toMatch(
          /Folded \d+ metrics rows into the hourly rollup|The metrics rollup is up to date/,
        );
        folded.metrics += Number(/Folded (\d+) metrics rows/.exec(output)?.[1] ?? 0);
        folded.history += Number(/Folded (\d+) history rows/.exec(output)?.[1] ?? 0);
      }
      expect(folded).toEqual({ metrics: 2, history: 1 });
      const output = await rollup();
      expect(output).toContain('The metrics rollup is up to date.');
      expect(output).toContain('The history rollup is up to date.');
    },
    CATCH_UP_TIMEOUT_MS,
  );
});
