import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { generateHistory } from '../src/mining/history-generator';
import { type PreparableRow, prepareRows } from '../src/job/pattern-miners';
import { RowPreparer } from '../src/job/row-preparer';

/** The compiled worker: `pnpm build` makes it, as the CLI tests need `dist/main.js`. */
const WORKER = path.join(__dirname, '..', 'dist', 'job', 'prepare-worker.js');

const rows: PreparableRow[] = generateHistory({ seed: 3, rows: 300 }).map((row, index) => ({
  ...row,
  user_accepted: index % 3 !== 0,
  manual_edits_required: index % 5 === 0,
}));

describe('RowPreparer', () => {
  test.each([false, true])(
    'on its worker thread, prepares a batch exactly as prepareRows does (code for every row: %s)',
    async (codeForEveryRow) => {
      const preparer = RowPreparer.start(WORKER);
      try {
        expect(preparer.threaded).toBe(true);
        // The first batch in this thread, the others on the worker.
        const batches = await Promise.all(
          [0, 100, 200].map((from) => preparer.prepare(rows.slice(from, from + 100), codeForEveryRow)),
        );
        expect(batches.flat()).toEqual(prepareRows(rows, { codeForEveryRow }));
        expect(await preparer.prepare([], codeForEveryRow)).toEqual([]);
      } finally {
        await preparer.close();
      }
    },
  );

  test('without a compiled worker, prepares in the calling thread', async () => {
    const preparer = RowPreparer.start(path.join(__dirname, 'no-such-worker.js'));
    expect(preparer.threaded).toBe(false);
    expect(await preparer.prepare(rows, false)).toEqual(prepareRows(rows));
    await preparer.close();
  });

  test('a worker that dies fails the batches waiting on it, and those after', async () => {
    const dying = path.join(__dirname, 'fixtures', 'exiting-worker.js');
    const preparer = RowPreparer.start(dying);
    try {
      expect(await preparer.prepare(rows, false)).toEqual(prepareRows(rows));
      await expect(preparer.prepare(rows, false)).rejects.toThrow('exited with code 3');
      await expect(preparer.prepare(rows, false)).rejects.toThrow('exited with code 3');
    } finally {
      await preparer.close();
    }
  });
});
