import { describe, expect, test } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { connectDataSource } from '../src/connection';
import { AddReportViews1765000000001, MIGRATIONS, PartitionByMonth1765100000000 } from '../src/migrations';
import { migrate, rollback } from '../src/migrator';
import { createPartitionsAhead } from '../src/partitions';
import { createTestDatabase, newGeneration, newHistory, useTestDatabase } from '../src/testing';
import { readCatalog } from './catalog';

const db = useTestDatabase();

/** Instants on both sides of month edges (UTC), one given in another zone, and one long ago. */
const EDGES = [
  '2024-02-29T12:00:00.000Z',
  '2025-12-31T23:59:59.999Z',
  '2026-01-01T00:00:00.000Z',
  '2026-01-31T23:59:59.999Z',
  '2026-02-01T00:00:00.000Z',
  // 2026-03-01 00:30 in UTC+01:00 is still February in UTC.
  '2026-02-28T23:30:00.000Z',
];

/** `<table>_pYYYY_MM` of the UTC month of `instant`. */
function partitionOf(table: string, instant: Date | string): string {
  const iso = new Date(instant).toISOString();
  return `${table}_p${iso.slice(0, 4)}_${iso.slice(5, 7)}`;
}

async function rows(dataSource: DataSource, table: string): Promise<string[]> {
  const found = await dataSource.query<{ row: string }[]>(
    `SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY id, created_at`,
  );
  return found.map(({ row }) => row);
}

async function partitions(dataSource: DataSource, table: string): Promise<Record<string, string>> {
  const found = await dataSource.query<{ id: string; partition: string }[]>(
    `SELECT id, tableoid::regclass::text AS partition FROM ${table}`,
  );
  return Object.fromEntries(found.map(({ id, partition }) => [id, partition]));
}

describe('migration 5: monthly partitions', () => {
  test('a populated database converts keeping every row and value; down restores plain tables', async () => {
    const database = await createTestDatabase({ migrated: false });
    const before = await connectDataSource(database.url, {
      migrations: [...MIGRATIONS.slice(0, MIGRATIONS.indexOf(AddReportViews1765000000001) + 1)],
    });
    const after = await connectDataSource(database.url, {
      migrations: [...MIGRATIONS.slice(0, MIGRATIONS.indexOf(PartitionByMonth1765100000000) + 1)],
    });
    try {
      await migrate(before);
      const instants = [...EDGES, new Date().toISOString()];
      const metrics = await Promise.all(
        instants.map((instant) => newGeneration(before, { created_at: new Date(instant) })),
      );
      // Raw SQL: the entity already has columns that later migrations add.
      const history = await before.query<{ id: string; created_at: Date }[]>(
        `INSERT INTO llm_generation_history (correlation_id, node_type, method_name, prompt_text,
           generated_code, quality_score, validation_passed, created_at)
         SELECT gen_random_uuid(), 'effect', 'm', 'p', 'c', 0.9, true, instant
         FROM unnest($1::timestamptz[]) AS instant
         RETURNING id, created_at`,
        [instants],
      );
      await before.query(
        `INSERT INTO llm_generation_metrics (correlation_id, node_type, service_name, method_name, tier,
           model_used, tokens_input, tokens_output, tokens_total, latency_ms, cost_usd, cost_status, created_at)
         VALUES (gen_random_uuid(), 'effect', 'S', 'm', 'local', 'x', 0, 0, 0, 0, NULL, 'unpriced',
                 '2026-03-01 00:30:00+01')`,
      );
      const catalogBefore = await readCatalog(before);
      const metricsBefore = await rows(before, 'llm_generation_metrics');
      const historyBefore = await rows(before, 'llm_generation_history');
      const viewBefore = await before.query<unknown[]>(`SELECT * FROM llm_cost_analysis ORDER BY 1, 2, 3`);

      expect(await migrate(after)).toEqual([PartitionByMonth1765100000000.name]);
      // Every value, insert_xid included (the rollup watermark), is kept.
      expect(await rows(after, 'llm_generation_metrics')).toEqual(metricsBefore);
      expect(await rows(after, 'llm_generation_history')).toEqual(historyBefore);
      expect(await after.query(`SELECT * FROM llm_cost_analysis ORDER BY 1, 2, 3`)).toEqual(viewBefore);

      // Each row sits in the partition of its UTC month.
      const metricsPartitions = await partitions(after, 'llm_generation_metrics');
      for (const row of metrics) {
        expect(metricsPartitions[row.id]).toBe(partitionOf('llm_generation_metrics', row.created_at));
      }
      const historyPartitions = await partitions(after, 'llm_generation_history');
      for (const row of history) {
        expect(historyPartitions[row.id]).toBe(partitionOf('llm_generation_history', row.created_at));
      }
      expect(
        Object.values(metricsPartitions).filter((p) => p === 'llm_generation_metrics_p2026_02'),
      ).toHaveLength(3);

      // Same names for every index and constraint; the primary key now includes created_at.
      const catalogAfter = await readCatalog(after);
      for (const table of ['llm_generation_metrics', 'llm_generation_history']) {
        const names = (catalog: typeof catalogAfter, kind: 'indexes' | 'constraints') =>
          catalog[kind]
            .filter((entry) => entry.table === table)
            .map((entry) => entry.name)
            .filter((name) => !name.endsWith('_not_null'));
        expect(names(catalogAfter, 'indexes')).toEqual(names(catalogBefore, 'indexes'));
        expect(names(catalogAfter, 'constraints')).toEqual(names(catalogBefore, 'constraints'));
        expect(catalogAfter.constraints).toContainEqual({
          table,
          name: `${table}_pkey`,
          kind: 'p',
          definition: 'PRIMARY KEY (id, created_at)',
        });
        const columns = (catalog: typeof catalogAfter) => catalog.columns.filter((c) => c.table === table);
        expect(columns(catalogAfter)).toEqual(columns(catalogBefore));
        expect(catalogAfter.tables.find((t) => t.table === table)).toEqual(
          catalogBefore.tables.find((t) => t.table === table),
        );
      }

      expect(await rollback(after, { all: false })).toEqual([PartitionByMonth1765100000000.name]);
      expect(await readCatalog(before)).toEqual(catalogBefore);
      expect(await rows(before, 'llm_generation_metrics')).toEqual(metricsBefore);
      expect(await rows(before, 'llm_generation_history')).toEqual(historyBefore);
    } finally {
      await before.destroy();
      await after.destroy();
      await database.drop();
    }
  });

  test('a row past the last partition lands in the default one, and moves out when its month is created', async () => {
    const monthStart = new Date();
    monthStart.setUTCDate(1);
    monthStart.setUTCHours(0, 0, 0, 0);
    const farAhead = new Date(monthStart);
    farAhead.setUTCMonth(farAhead.getUTCMonth() + 6, 10);

    const metric = await newGeneration(db.dataSource, { created_at: farAhead });
    const history = await newHistory(db.dataSource, { created_at: farAhead });
    expect((await partitions(db.dataSource, 'llm_generation_metrics'))[metric.id]).toBe(
      'llm_generation_metrics_default',
    );
    expect((await partitions(db.dataSource, 'llm_generation_history'))[history.id]).toBe(
      'llm_generation_history_default',
    );

    // The migration made this month's and the next 3 months' partitions already.
    expect(await createPartitionsAhead(db.dataSource)).toBe(0);
    const metricsBefore = await rows(db.dataSource, 'llm_generation_metrics');
    // Months 4, 5 and 6 ahead, for both tables; then nothing more to do.
    expect(await createPartitionsAhead(db.dataSource, 6)).toBe(6);
    expect(await createPartitionsAhead(db.dataSource, 6)).toBe(0);

    expect((await partitions(db.dataSource, 'llm_generation_metrics'))[metric.id]).toBe(
      partitionOf('llm_generation_metrics', farAhead),
    );
    expect((await partitions(db.dataSource, 'llm_generation_history'))[history.id]).toBe(
      partitionOf('llm_generation_history', farAhead),
    );
    expect(await rows(db.dataSource, 'llm_generation_metrics')).toEqual(metricsBefore);
    const [{ count }] = await db.dataSource.query<[{ count: string }]>(
      `SELECT count(*) FROM llm_generation_metrics_default`,
    );
    expect(count).toBe('0');
    await expect(createPartitionsAhead(db.dataSource, -1)).rejects.toThrow(RangeError);
  });

  test('new rows route to their month; the primary key is (id, created_at) under its old name', async () => {
    const [row] = await db.dataSource.query<[{ id: string; partition: string; created_at: Date }]>(
      `INSERT INTO llm_generation_metrics (correlation_id, node_type, service_name, method_name, tier, model_used,
         tokens_input, tokens_output, tokens_total, latency_ms, cost_usd)
       VALUES (gen_random_uuid(), 'effect', 'S', 'm', 'cloud_fast', 'glm-4.5', 1, 1, 2, 1, 0.1)
       RETURNING id, tableoid::regclass::text AS partition, created_at`,
    );
    expect(row.partition).toBe(partitionOf('llm_generation_metrics', row.created_at));
    // The same id at the same instant conflicts (PostgreSQL names the partition's index); at another
    // instant it is another key.
    const copy = `INSERT INTO llm_generation_metrics SELECT * FROM llm_generation_metrics WHERE id = $1`;
    await expect(db.dataSource.query(copy, [row.id])).rejects.toMatchObject({ code: '23505' });
    await db.dataSource.query(
      `INSERT INTO llm_generation_metrics
       SELECT (jsonb_populate_record(m, jsonb_build_object('created_at', created_at - interval '1 second'))).*
       FROM llm_generation_metrics m WHERE id = $1`,
      [row.id],
    );
    const [{ keys }] = await db.dataSource.query<[{ keys: string }]>(
      `SELECT count(*) AS keys FROM llm_generation_metrics WHERE id = $1`,
      [row.id],
    );
    expect(keys).toBe('2');
    const [{ definition }] = await db.dataSource.query<[{ definition: string }]>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE conname = 'llm_generation_metrics_pkey' AND conrelid = 'llm_generation_metrics'::regclass`,
    );
    expect(definition).toBe('PRIMARY KEY (id, created_at)');
  });
});
