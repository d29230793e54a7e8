import { describe, expect, test } from '@jest/globals';
import { newHistory, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

describe('migration 6: insert_xid on history', () => {
  test('each row carries the transaction that inserted it, whatever its created_at', async () => {
    const first = await newHistory(db.dataSource, { created_at: new Date('2026-03-01T00:00:00Z') });
    const late = await newHistory(db.dataSource, { created_at: new Date('2020-01-01T00:00:00Z') });
    const [sameTransactionA, sameTransactionB] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO llm_generation_history (correlation_id, node_type, method_name, prompt_text,
         generated_code, quality_score, validation_passed)
       SELECT gen_random_uuid(), 'effect', 'm', 'p', 'c', 0.5, true FROM generate_series(1, 2)
       RETURNING id`,
    );
    const xids = new Map(
      (
        await db.dataSource.query<{ id: string; insert_xid: string }[]>(
          `SELECT id, insert_xid FROM llm_generation_history`,
        )
      ).map(({ id, insert_xid }) => [id, BigInt(insert_xid)]),
    );
    const xidOf = (row: { id: string } | undefined): bigint => {
      const xid = row === undefined ? undefined : xids.get(row.id);
      if (xid === undefined) throw new Error('a row the test inserted is missing');
      return xid;
    };
    expect(xidOf(late)).toBeGreaterThan(xidOf(first));
    expect(xidOf(sameTransactionA)).toBeGreaterThan(xidOf(late));
    expect(xidOf(sameTransactionB)).toBe(xidOf(sameTransactionA));
  });

  test('the column is not writable through the entity', async () => {
    const row = await newHistory(db.dataSource, { insert_xid: '1' });
    const [{ insert_xid }] = await db.dataSource.query<[{ insert_xid: string }]>(
      `SELECT insert_xid FROM llm_generation_history WHERE id = $1`,
      [row.id],
    );
    expect(insert_xid).not.toBe('1');
  });
});
