import { beforeAll, describe, expect, test } from '@jest/globals';
import { getQualityReport, type ReportGroupField } from '../src/reports';
import {
  getRollupWatermark,
  HISTORY_ROLLUP_NAME,
  rebuildHistoryRollups,
  refreshHistoryRollups,
} from '../src/rollups';
import { seededRandom, useTestDatabase } from '../src/testing';
import {
  CATCH_UP_TIMEOUT_MS,
  insertRandomHistory,
  rawHistoryQuality,
  refreshHistoryUntilCaughtUp,
  refreshUntilCaughtUp,
} from './report-fixtures';

const db = useTestDatabase();

const HOUR_MS = 3600_000;
const START = new Date(Date.parse('2026-01-12T00:00:00Z'));
const at = (hours: number) => new Date(START.getTime() + hours * HOUR_MS);

interface HistoryPart {
  node_type: string | null;
  day: string | null;
  history_rows: number;
  avg_quality_score: number | null;
  validation_pass_rate: number | null;
}

const key = (row: { node_type: string | null; day: string | null }) => `${row.node_type}|${row.day}`;

/** The history columns of the quality report, one entry per group that has history rows. */
async function reportedHistory(from: Date, to: Date, groupBy: readonly ReportGroupField[]) {
  const rows = await getQualityReport(db.dataSource, { from, to, groupBy });
  return rows
    .filter((row) => row.history_rows > 0)
    .map((row): HistoryPart => ({
      node_type: row.node_type,
      day: row.day,
      history_rows: row.history_rows,
      avg_quality_score: row.avg_quality_score,
      validation_pass_rate: row.validation_pass_rate,
    }))
    .sort((a, b) => key(a).localeCompare(key(b)));
}

async function rawHistory(from: Date, to: Date, groupBy: readonly ReportGroupField[]) {
  const rows = (await rawHistoryQuality(db.dataSource, from, to, groupBy)) as unknown as HistoryPart[];
  return rows.sort((a, b) => key(a).localeCompare(key(b)));
}

const RANGES: [string, Date, Date][] = [
  ['the whole traffic', at(-1), at(80)],
  ['whole hours', at(3), at(40)],
  ['whole days', at(0), at(48)],
  ['ragged ends', new Date(at(2).getTime() + 17_000), new Date(at(50).getTime() + 1234)],
  ['inside one bucket', new Date(at(5).getTime() + 60_000), new Date(at(5).getTime() + 1_800_000)],
  ['one whole bucket', at(5), at(6)],
  ['an hour boundary on each side of a partial one', new Date(at(7).getTime() - 1), at(8)],
  ['empty (from = to)', at(10), at(10)],
  ['no rows in it', at(200), at(300)],
];

const GROUPINGS: ReportGroupField[][] = [[], ['node_type'], ['day'], ['node_type', 'day']];

describe('history rollup + raw tail', () => {
  const random = seededRandom(11);
  /** On and one millisecond before hour boundaries, and spread over three days. */
  const createdAt = (index: number) =>
    index % 4 === 0
      ? new Date(at(Math.floor(random() * 72)).getTime() - (index % 8 === 0 ? 0 : 1))
      : new Date(START.getTime() + random() * 72 * HOUR_MS);

  beforeAll(async () => {
    await insertRandomHistory(db.dataSource, 2000, random, createdAt);
    await refreshUntilCaughtUp(db.dataSource);
    await refreshHistoryUntilCaughtUp(db.dataSource);
    // Above the watermark: new rows, and late ones for hours already folded.
    await insertRandomHistory(db.dataSource, 300, random, createdAt);
    await insertRandomHistory(db.dataSource, 40, random, () => at(5 + random()));
  }, CATCH_UP_TIMEOUT_MS);

  test.each(RANGES)('%s: equals the raw history query for every grouping', async (_name, from, to) => {
    for (const groupBy of GROUPINGS) {
      expect(await reportedHistory(from, to, groupBy)).toEqual(await rawHistory(from, to, groupBy));
    }
  });

  test(
    'the rollup holds only what was folded; a refresh folds the late rows once',
    async () => {
      const before = await reportedHistory(at(-1), at(80), ['node_type', 'day']);
      await refreshHistoryUntilCaughtUp(db.dataSource);
      await refreshHistoryRollups(db.dataSource);
      expect(await reportedHistory(at(-1), at(80), ['node_type', 'day'])).toEqual(before);
      const [{ rolled, raw }] = await db.dataSource.query<[{ rolled: string; raw: string }]>(
        `SELECT (SELECT sum(history_rows) FROM llm_history_hourly)::text AS rolled,
              (SELECT count(*) FROM llm_generation_history)::text AS raw`,
      );
      expect(rolled).toBe(raw);
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test(
    'feedback written later (PATCH) is not folded, so the buckets never go stale',
    async () => {
      const buckets = () => db.dataSource.query<unknown[]>(`SELECT * FROM llm_history_hourly ORDER BY 1, 2`);
      const before = await buckets();
      await db.dataSource.query(
        `UPDATE llm_generation_history SET user_accepted = false, user_feedback = 'no', manual_edits_required = true`,
      );
      await refreshHistoryRollups(db.dataSource);
      expect(await buckets()).toEqual(before);
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test.each([1, 779, 780, 781])(
    'a rebuild in batches of %i gives the same buckets',
    async (batchSize) => {
      const buckets = () => db.dataSource.query<unknown[]>(`SELECT * FROM llm_history_hourly ORDER BY 1, 2`);
      await refreshHistoryUntilCaughtUp(db.dataSource);
      const expected = await buckets();
      // 2,340 rows: batch sizes around 780 end on a full, a short and a just-full batch.
      const result = await rebuildHistoryRollups(db.dataSource, { batchSize });
      await refreshHistoryUntilCaughtUp(db.dataSource);
      expect(result.rowsFolded).toBeLessThanOrEqual(2340);
      expect(await buckets()).toEqual(expected);
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test(
    'a history transaction that commits after a later one is still folded once',
    async () => {
      const slow = db.dataSource.createQueryRunner();
      await slow.connect();
      try {
        await slow.startTransaction();
        await slow.query(
          `INSERT INTO llm_generation_history (correlation_id, node_type, method_name, prompt_text,
           generated_code, quality_score, validation_passed, created_at)
         VALUES (gen_random_uuid(), 'slow_node', 'm', 'p', 'c', 0.25, true, $1)`,
          [at(30)],
        );
        await insertRandomHistory(db.dataSource, 10, random, () => at(30.5));
        await refreshHistoryRollups(db.dataSource);
        const watermark = await getRollupWatermark(db.dataSource, HISTORY_ROLLUP_NAME);
        const [{ slowXid }] = (await slow.query(`SELECT pg_current_xact_id()::text AS "slowXid"`)) as [
          { slowXid: string },
        ];
        expect(BigInt(watermark.insertXid)).toBeLessThan(BigInt(slowXid));
        await slow.commitTransaction();
      } finally {
        await slow.release();
      }
      await refreshHistoryUntilCaughtUp(db.dataSource);
      const [{ rows }] = await db.dataSource.query<[{ rows: string }]>(
        `SELECT sum(history_rows)::text AS rows FROM llm_history_hourly WHERE node_type = 'slow_node'`,
      );
      expect(rows).toBe('1');
      expect(await reportedHistory(at(0), at(80), ['day'])).toEqual(await rawHistory(at(0), at(80), ['day']));
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test('refreshHistoryRollups rejects a batch size that is not a positive integer', async () => {
    await expect(refreshHistoryRollups(db.dataSource, { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
