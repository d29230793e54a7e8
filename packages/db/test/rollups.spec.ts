import { beforeAll, describe, expect, test } from '@jest/globals';
import { getCostReport, type ReportGroupField } from '../src/reports';
import { getRollupWatermark, rebuildRollups, refreshRollups } from '../src/rollups';
import { createTestDatabase, useTestDatabase } from '../src/testing';
import { Client } from 'pg';
import {
  CATCH_UP_TIMEOUT_MS,
  insertRandomMetrics,
  rawCostReport,
  refreshUntilCaughtUp,
} from './report-fixtures';
import { seededRandom } from '../src/testing';

const db = useTestDatabase();

const HOUR_MS = 3600_000;
/** Start of the fixture's traffic: an hour boundary, three days of rows after it. */
const START = new Date(Date.parse('2026-01-12T00:00:00Z'));
const at = (hours: number) => new Date(START.getTime() + hours * HOUR_MS);

/** The report's rows in the raw query's shape, for an exact comparison. */
async function costReport(from: Date, to: Date, groupBy: readonly ReportGroupField[]) {
  const rows = await getCostReport(db.dataSource, { from, to, groupBy });
  return rows
    .map((row) => ({
      tier: row.tier,
      model_used: row.model_used,
      node_type: row.node_type,
      service_name: row.service_name,
      day: row.day,
      generations: row.generations,
      tokens_input: String(row.tokens_input),
      tokens_total: String(row.tokens_total),
      tokens_cached_input: String(row.tokens_cached_input),
      tokens_reasoning: String(row.tokens_reasoning),
      total_cost: normalize(row.total_cost),
      unpriced: row.unpriced,
      avg_latency: row.avg_latency,
    }))
    .sort(byGroup);
}

async function rawReport(from: Date, to: Date, groupBy: readonly ReportGroupField[]) {
  const rows = await rawCostReport(db.dataSource, from, to, groupBy);
  return rows.map((row) => ({ ...row, total_cost: normalize(String(row.total_cost)) })).sort(byGroup);
}

/** Decimal strings compared by value: `1.500` and `1.5` are the same cost. */
function normalize(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
}

function byGroup(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const key = (row: Record<string, unknown>) =>
    ['tier', 'model_used', 'node_type', 'service_name', 'day'].map((field) => String(row[field])).join('|');
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

const RANGES: [string, Date, Date][] = [
  ['the whole traffic', at(-1), at(80)],
  ['whole hours', at(3), at(40)],
  ['whole days', at(0), at(48)],
  ['whole days inside ragged hours', new Date(at(-2).getTime() + 5), new Date(at(72).getTime() - 1)],
  ['ragged ends', new Date(at(2).getTime() + 17_000), new Date(at(50).getTime() + 1234)],
  ['inside one bucket', new Date(at(5).getTime() + 60_000), new Date(at(5).getTime() + 1_800_000)],
  ['one whole bucket', at(5), at(6)],
  ['an hour boundary on each side of a partial one', new Date(at(7).getTime() - 1), at(8)],
  ['empty (from = to)', at(10), at(10)],
  ['reversed', at(20), at(10)],
  ['no rows in it', at(200), at(300)],
];

const GROUPINGS: ReportGroupField[][] = [
  [],
  ['tier', 'model_used'],
  ['day'],
  ['node_type', 'service_name', 'day'],
  ['tier', 'model_used', 'node_type', 'service_name', 'day'],
];

describe('incremental rollups + raw tail', () => {
  const random = seededRandom(4);
  /** Rows on and around hour boundaries, and spread over three days. */
  const createdAt = (index: number) =>
    index % 5 === 0
      ? at(Math.floor(random() * 72) + (index % 3) - 1 + (index % 2 === 0 ? 0 : -1 / HOUR_MS))
      : new Date(START.getTime() + random() * 72 * HOUR_MS);

  beforeAll(async () => {
    await insertRandomMetrics(db.dataSource, 3000, random, createdAt);
    await refreshUntilCaughtUp(db.dataSource);
    // After the refresh: new rows, and late rows with an old created_at, served from the tail.
    await insertRandomMetrics(db.dataSource, 400, random, createdAt);
    await insertRandomMetrics(db.dataSource, 50, random, () => at(5 + random()));
  }, CATCH_UP_TIMEOUT_MS);

  test.each(RANGES)('%s: equals the raw GROUP BY for every grouping', async (_name, from, to) => {
    for (const groupBy of GROUPINGS) {
      expect(await costReport(from, to, groupBy)).toEqual(await rawReport(from, to, groupBy));
    }
  });

  test(
    'refreshing again folds the late rows once; the answers do not move',
    async () => {
      const before = await costReport(at(-1), at(80), ['tier', 'day']);
      await refreshUntilCaughtUp(db.dataSource);
      await refreshRollups(db.dataSource);
      expect(await costReport(at(-1), at(80), ['tier', 'day'])).toEqual(before);
      const [{ rolled, rolled_daily, raw }] = await db.dataSource.query<
        [{ rolled: string; rolled_daily: string; raw: string }]
      >(
        `SELECT (SELECT sum(generations) FROM llm_metrics_hourly)::text AS rolled,
              (SELECT sum(generations) FROM llm_metrics_daily)::text AS rolled_daily,
              (SELECT count(*) FROM llm_generation_metrics)::text AS raw`,
      );
      expect(rolled).toBe(raw);
      expect(rolled_daily).toBe(raw);
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test.each([1, 449, 450, 451])(
    'a rebuild in batches of %i gives the same buckets',
    async (batchSize) => {
      const buckets = () =>
        db.dataSource.query<unknown[]>(
          `SELECT * FROM llm_metrics_hourly ORDER BY bucket_start, tier, model_used, node_type, service_name`,
        );
      const histogram = () =>
        db.dataSource.query<unknown[]>(`SELECT * FROM llm_metrics_hourly_latency ORDER BY 1, 2, 3, 4, 5, 6`);
      await refreshUntilCaughtUp(db.dataSource);
      const days = () =>
        db.dataSource.query<unknown[]>(
          `SELECT * FROM llm_metrics_daily ORDER BY bucket_start, tier, model_used, node_type, service_name`,
        );
      const [expectedBuckets, expectedDays, expectedHistogram] = [
        await buckets(),
        await days(),
        await histogram(),
      ];
      // 3,450 rows: batch sizes around 450 end on a full, a short and a just-full batch.
      const result = await rebuildRollups(db.dataSource, { batchSize });
      await refreshUntilCaughtUp(db.dataSource);
      expect(result.rowsFolded).toBeLessThanOrEqual(3450);
      expect(await buckets()).toEqual(expectedBuckets);
      expect(await days()).toEqual(expectedDays);
      expect(await histogram()).toEqual(expectedHistogram);
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test(
    'a transaction that commits after a later one is still folded once',
    async () => {
      const slow = db.dataSource.createQueryRunner();
      await slow.connect();
      try {
        await slow.startTransaction();
        // The slow transaction writes first (smaller xid) and commits last.
        await slow.query(
          `INSERT INTO llm_generation_metrics (correlation_id, node_type, service_name, method_name, tier,
           model_used, tokens_input, tokens_output, tokens_total, latency_ms, cost_usd, created_at)
         VALUES (gen_random_uuid(), 'effect', 'Slow', 'm', 'local', 'slow-model', 1, 1, 2, 10, 0.5, $1)`,
          [at(30)],
        );
        await insertRandomMetrics(db.dataSource, 20, random, () => at(30.5));
        await refreshRollups(db.dataSource);
        const watermark = await getRollupWatermark(db.dataSource);
        const [{ slowXid }] = (await slow.query(`SELECT pg_current_xact_id()::text AS "slowXid"`)) as [
          { slowXid: string },
        ];
        expect(BigInt(watermark.insertXid)).toBeLessThan(BigInt(slowXid));
        expect(await costReport(at(0), at(80), ['model_used'])).toEqual(
          await rawReport(at(0), at(80), ['model_used']),
        );
        await slow.commitTransaction();
      } finally {
        await slow.release();
      }
      await refreshUntilCaughtUp(db.dataSource);
      const report = await costReport(at(0), at(80), ['model_used']);
      expect(report.find((row) => row.model_used === 'slow-model')).toMatchObject({ generations: 1 });
      expect(report).toEqual(await rawReport(at(0), at(80), ['model_used']));
    },
    CATCH_UP_TIMEOUT_MS,
  );

  test('a long transaction in another database does not hold the watermark back', async () => {
    const other = await createTestDatabase();
    const elsewhere = new Client({ connectionString: other.url });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      const { rows } = await elsewhere.query<{ xid: string }>(`SELECT pg_current_xact_id()::text AS xid`);
      await insertRandomMetrics(db.dataSource, 10, random, () => at(40));
      await refreshRollups(db.dataSource);
      const watermark = await getRollupWatermark(db.dataSource);
      // Folded past the other database's open transaction: every row of this one is in.
      expect(BigInt(watermark.insertXid)).toBeGreaterThan(BigInt(rows[0]?.xid ?? 0));
      const [{ pending }] = await db.dataSource.query<[{ pending: number }]>(
        `SELECT count(*)::int AS pending FROM llm_generation_metrics WHERE (insert_xid, id) > ($1, $2)`,
        [watermark.insertXid, watermark.id],
      );
      expect(pending).toBe(0);
      await elsewhere.query('ROLLBACK');
    } finally {
      await elsewhere.end();
      await other.drop();
    }
  });

  test('rejects a group-by field outside the fixed list', async () => {
    await expect(
      getCostReport(db.dataSource, { from: at(0), to: at(1), groupBy: ['id' as ReportGroupField] }),
    ).rejects.toThrow(/cannot group by id/);
  });

  test('refreshRollups rejects a batch size that is not a positive integer', async () => {
    await expect(refreshRollups(db.dataSource, { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
