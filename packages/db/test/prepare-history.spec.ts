import { describe, expect, test } from '@jest/globals';
import { insertHistoryBatch } from '../src/batch-writes';
import { DbError } from '../src/errors';
import { GENERATION_INPUT_FIELDS, type HistoryInput, prepareHistory } from '../src/generation';
import { FIXED_NOW, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

const history = (overrides: Record<string, unknown> = {}): HistoryInput => ({
  correlation_id: '6f1c2a7e-8d7b-4c8e-9d8a-0b7b1f6f0a11',
  node_type: 'effect',
  method_name: 'create_connection',
  prompt_text: 'Implement create_connection.',
  generated_code: 'def create_connection(): ...',
  quality_score: 0.92,
  validation_passed: true,
  ...overrides,
});

function failure(input: HistoryInput): DbError {
  try {
    prepareHistory(input, FIXED_NOW);
  } catch (error) {
    if (error instanceof DbError) return error;
    throw error;
  }
  throw new Error('prepareHistory accepted the input');
}

describe('prepareHistory', () => {
  test('derives the id and created_at; feedback defaults to unknown', () => {
    const row = prepareHistory(history(), FIXED_NOW);
    expect(row).toMatchObject({
      correlation_id: '6f1c2a7e-8d7b-4c8e-9d8a-0b7b1f6f0a11',
      created_at: FIXED_NOW,
      user_accepted: null,
      user_feedback: null,
      manual_edits_required: null,
    });
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each([
    ['correlation_id', { correlation_id: undefined }],
    ['correlation_id', { correlation_id: 'nope' }],
    ['node_type', { node_type: '' }],
    ['method_name', { method_name: 'x'.repeat(256) }],
    ['prompt_text', { prompt_text: undefined }],
    ['generated_code', { generated_code: 'a\u0000b' }],
    ['quality_score', { quality_score: 1.5 }],
    ['quality_score', { quality_score: Number.NaN }],
    ['validation_passed', { validation_passed: 'yes' }],
    ['user_accepted', { user_accepted: 1 }],
    ['user_feedback', { user_feedback: 3 }],
    ['created_at', { created_at: new Date(Number.NaN) }],
  ])('a bad %s is refused naming it', (field, overrides) => {
    expect(failure(history(overrides))).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  test('insertHistoryBatch writes the prepared rows', async () => {
    const rows = [
      prepareHistory(history(), FIXED_NOW),
      prepareHistory(history({ quality_score: 0 }), FIXED_NOW),
    ];
    await insertHistoryBatch(db.dataSource, rows);
    const stored = await db.dataSource.query<{ quality_score: number }[]>(
      `SELECT quality_score FROM llm_generation_history WHERE id = ANY($1) ORDER BY quality_score`,
      [rows.map((row) => row.id)],
    );
    expect(stored.map((row) => row.quality_score)).toEqual([0, 0.92]);
  });

  test('GENERATION_INPUT_FIELDS has no duplicates', () => {
    expect(new Set(GENERATION_INPUT_FIELDS).size).toBe(GENERATION_INPUT_FIELDS.length);
  });
});
