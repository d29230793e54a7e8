import { describe, expect, test } from '@jest/globals';
import { connectDataSource } from '../src/connection';
import {
  AddPriceHistory1764892800000,
  CreateLlmMetricsTables1761868800000,
  MIGRATIONS,
} from '../src/migrations';
import { migrate, rollback } from '../src/migrator';
import { createTestDatabase } from '../src/testing';
import { readCatalog } from './catalog';

describe('migration 2: price history', () => {
  test('keeps every recorded row and value, marks old costs provided or unpriced, and reverts cleanly', async () => {
    const database = await createTestDatabase({ migrated: false });
    const before = await connectDataSource(database.url, {
      migrations: [CreateLlmMetricsTables1761868800000],
    });
    const after = await connectDataSource(database.url, { migrations: [...MIGRATIONS.slice(0, 2)] });
    try {
      await migrate(before);
      const catalogBefore = await readCatalog(before);
      // Through SQL: the entity already knows columns this schema does not have yet.
      const insert = (cost: string | null) =>
        before.query<[{ id: string }]>(
          `INSERT INTO llm_generation_metrics (correlation_id, node_type, service_name, method_name, tier, model_used,
             tokens_input, tokens_output, tokens_total, latency_ms, cost_usd)
           VALUES (gen_random_uuid(), 'effect', 'S', 'm', 'cloud_fast', 'glm-4.5', 10, 5, 15, 1.5, $1)
           RETURNING id`,
          [cost],
        );
      const [[priced], [unpriced], [free]] = await Promise.all([
        insert('0.000000000001'),
        insert(null),
        insert('0'),
      ]);
      const rowsBefore = await before.query<Record<string, unknown>[]>(
        `SELECT * FROM llm_generation_metrics ORDER BY id`,
      );

      expect(await migrate(after)).toEqual([AddPriceHistory1764892800000.name]);
      const rowsAfter = await after.query<Record<string, unknown>[]>(
        `SELECT * FROM llm_generation_metrics ORDER BY id`,
      );
      expect(rowsAfter).toEqual(
        rowsBefore.map((row) => ({
          ...row,
          tokens_cached_input: null,
          tokens_cache_write: null,
          tokens_reasoning: null,
          price_version_id: null,
          cost_status: row.id === unpriced.id ? 'unpriced' : 'provided',
        })),
      );
      expect(rowsAfter.map((row) => row.id).sort()).toEqual([priced.id, unpriced.id, free.id].sort());

      const versions = await after.query<Record<string, unknown>[]>(
        `SELECT tier, model_name, cost_per_1m_input_usd AS input, cost_per_1m_output_usd AS output,
                effective_from::text AS effective_from, effective_to
         FROM llm_price_versions ORDER BY tier`,
      );
      expect(versions).toEqual(
        [
          { tier: 'cloud_fast', model_name: 'glm-4.5', input: '0.2000000000', output: '0.2000000000' },
          { tier: 'cloud_premium', model_name: 'glm-4.6', input: '0.3000000000', output: '0.3000000000' },
          { tier: 'local', model_name: 'ollama/codellama:7b', input: '0.0000000000', output: '0.0000000000' },
        ].map((version) => ({ ...version, effective_from: '-infinity', effective_to: null })),
      );

      await rollback(after, { all: false });
      expect(await readCatalog(after)).toEqual(catalogBefore);
      expect(await after.query(`SELECT * FROM llm_generation_metrics ORDER BY id`)).toEqual(rowsBefore);
    } finally {
      await before.destroy();
      await after.destroy();
      await database.drop();
    }
  });
});
