import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AddReportViews1765000000001 } from './1765000000001-add-report-views';

/** The tables partitioned by month of `created_at`. */
const PARTITIONED_TABLES = ['llm_generation_metrics', 'llm_generation_history'] as const;

/**
 * `llm_generation_metrics` and `llm_generation_history` become tables range-partitioned by `created_at`,
 * one partition per UTC month (`<table>_pYYYY_MM`) plus a DEFAULT partition (`<table>_default`), so that
 * no insert ever fails for lack of a partition. Every row is kept; columns, defaults, CHECKs, comments and
 * index names stay the same. The primary keys become `(id, created_at)` (PostgreSQL requires the partition
 * key in every unique constraint) under their old names.
 *
 * - `llm_create_month_partition(table, month)`: creates one month's partition if it is missing, moving the
 *   rows of that month out of the default partition.
 * - `llm_create_partitions_ahead(months)`: the current month and `months` months after it, for both tables
 *   (idempotent; run it from a scheduler, see `createPartitionsAhead` in `src/partitions.ts`).
 *
 * The report views of migration 4 read the metrics table's row type, so they are dropped and recreated.
 */
export class PartitionByMonth1765100000000 implements MigrationInterface {
  name = 'PartitionByMonth1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const views = new AddReportViews1765000000001();
    await views.down(queryRunner);

    await queryRunner.query(`
      CREATE FUNCTION llm_create_month_partition(parent text, month_start timestamp with time zone)
      RETURNS boolean LANGUAGE plpgsql VOLATILE
      AS $$
      DECLARE
        low timestamp with time zone := date_trunc('month', month_start, 'UTC');
        high timestamp with time zone := (date_trunc('month', month_start, 'UTC') AT TIME ZONE 'UTC'
                                          + interval '1 month') AT TIME ZONE 'UTC';
        partition_name text := format('%s_p%s', parent, to_char(low AT TIME ZONE 'UTC', 'YYYY_MM'));
      BEGIN
        IF to_regclass(format('public.%I', partition_name)) IS NOT NULL THEN
          RETURN false;
        END IF;
        EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       partition_name, parent);
        -- Rows of that month that went to the default partition move into the new one first, or
        -- attaching it would fail; the default partition is scanned only when it holds rows.
        IF to_regclass(format('public.%I', parent || '_default')) IS NOT NULL THEN
          EXECUTE format('WITH moved AS (DELETE FROM public.%I WHERE created_at >= %L AND created_at < %L'
                         ' RETURNING *) INSERT INTO public.%I SELECT * FROM moved',
                         parent || '_default', low, high, partition_name);
        END IF;
        EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                       parent, partition_name, low, high);
        RETURN true;
      END
      $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION llm_create_partitions_ahead(months integer) RETURNS integer
      LANGUAGE plpgsql VOLATILE
      AS $$
      DECLARE
        created integer := 0;
        parent text;
        ahead integer;
      BEGIN
        FOREACH parent IN ARRAY ARRAY['llm_generation_metrics', 'llm_generation_history'] LOOP
          FOR ahead IN 0..greatest(months, 0) LOOP
            IF llm_create_month_partition(
                 parent, (date_trunc('month', now(), 'UTC') AT TIME ZONE 'UTC' + make_interval(months => ahead))
                         AT TIME ZONE 'UTC') THEN
              created := created + 1;
            END IF;
          END LOOP;
        END LOOP;
        RETURN created;
      END
      $$
    `);
    await queryRunner.query(`COMMENT ON FUNCTION llm_create_partitions_ahead(integer) IS
      'Creates the missing monthly partitions of the partitioned tables from the current UTC month to months ahead'`);

    for (const table of PARTITIONED_TABLES) {
      const old = `${table}_unpartitioned`;
      const comment = await tableComment(queryRunner, table);
      const indexes = await plainIndexes(queryRunner, table);
      await queryRunner.query(`ALTER TABLE ${table} RENAME TO ${old}`);
      await queryRunner.query(`
        CREATE TABLE ${table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)
        PARTITION BY RANGE (created_at)
      `);
      await queryRunner.query(`CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT`);
      await queryRunner.query(
        `SELECT llm_create_month_partition($1, month)
         FROM (SELECT DISTINCT date_trunc('month', created_at, 'UTC') AS month FROM ${old}) months
         ORDER BY month`,
        [table],
      );
      await queryRunner.query(`INSERT INTO ${table} SELECT * FROM ${old}`);
      await queryRunner.query(`DROP TABLE ${old}`);
      await queryRunner.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (id, created_at)`,
      );
      for (const definition of indexes) await queryRunner.query(definition);
      await queryRunner.query(`COMMENT ON TABLE ${table} IS ${literal(comment)}`);
    }
    await queryRunner.query(`SELECT llm_create_partitions_ahead(3)`);

    await views.up(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const views = new AddReportViews1765000000001();
    await views.down(queryRunner);

    for (const table of PARTITIONED_TABLES) {
      const old = `${table}_partitioned`;
      const comment = await tableComment(queryRunner, table);
      const indexes = await plainIndexes(queryRunner, table);
      await queryRunner.query(`ALTER TABLE ${table} RENAME TO ${old}`);
      await queryRunner.query(`
        CREATE TABLE ${table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)
      `);
      await queryRunner.query(`INSERT INTO ${table} SELECT * FROM ${old}`);
      await queryRunner.query(`DROP TABLE ${old}`);
      await queryRunner.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (id)`);
      for (const definition of indexes) await queryRunner.query(definition.replace(' ON ONLY ', ' ON '));
      await queryRunner.query(`COMMENT ON TABLE ${table} IS ${literal(comment)}`);
    }
    await queryRunner.query(`DROP FUNCTION llm_create_partitions_ahead(integer)`);
    await queryRunner.query(`DROP FUNCTION llm_create_month_partition(text, timestamp with time zone)`);

    await views.up(queryRunner);
  }
}

async function tableComment(queryRunner: QueryRunner, table: string): Promise<string | null> {
  const [row] = (await queryRunner.query(`SELECT obj_description($1::regclass, 'pg_class') AS comment`, [
    table,
  ])) as { comment: string | null }[];
  return row?.comment ?? null;
}

/** `CREATE INDEX` statements of the table's indexes that back no constraint, by name. */
async function plainIndexes(queryRunner: QueryRunner, table: string): Promise<string[]> {
  const rows = (await queryRunner.query(
    `SELECT pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = $1::regclass
       AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY c.relname`,
    [table],
  )) as { definition: string }[];
  return rows.map((row) => row.definition);
}

function literal(text: string | null): string {
  return text === null ? 'NULL' : `'${text.replaceAll("'", "''")}'`;
}
