import { beforeAll, describe, expect, test } from '@jest/globals';
import { getQualityReport, getTopQualityGenerations } from '../src/reports';
import { refreshRollups } from '../src/rollups';
import { newGeneration, newHistory, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

const DAY_1 = new Date('2026-02-01T10:00:00Z');
const DAY_2 = new Date('2026-02-02T23:59:59.999Z');
const RANGE = { from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-02-03T00:00:00Z') };

describe('quality report', () => {
  beforeAll(async () => {
    const flags = [
      { syntax_valid: true, onex_compliant: true, has_type_hints: null, truncated: false },
      { syntax_valid: false, onex_compliant: null, has_type_hints: null, truncated: true },
      { syntax_valid: null, onex_compliant: false, has_type_hints: null, truncated: false },
    ];
    for (const [index, flag] of flags.entries()) {
      const generation = await newGeneration(db.dataSource, { ...flag, created_at: DAY_1, model_used: 'm1' });
      await newHistory(db.dataSource, {
        correlation_id: generation.correlation_id,
        quality_score: [0.9, 0.5, 0.7][index],
        validation_passed: index !== 1,
        created_at: DAY_1,
      });
    }
    await refreshRollups(db.dataSource);
    // Above the watermark, on the last millisecond of the range.
    await newGeneration(db.dataSource, { syntax_valid: true, created_at: DAY_2, model_used: 'm2' });
  });

  test('rates count only rows where the flag is known; history gives score and pass rate', async () => {
    const rows = await getQualityReport(db.dataSource, { ...RANGE, groupBy: ['day', 'model_used'] });
    expect(rows).toEqual([
      {
        tier: null,
        model_used: 'm1',
        node_type: null,
        service_name: null,
        day: '2026-02-01',
        generations: 3,
        syntax_valid_rate: 0.5,
        onex_compliant_rate: 0.5,
        type_hints_rate: null,
        truncation_rate: 1 / 3,
        history_rows: 3,
        avg_quality_score: expect.closeTo(0.7, 12) as unknown as number,
        validation_pass_rate: 2 / 3,
      },
      {
        tier: null,
        model_used: 'm2',
        node_type: null,
        service_name: null,
        day: '2026-02-02',
        generations: 1,
        syntax_valid_rate: 1,
        onex_compliant_rate: 1,
        type_hints_rate: 1,
        truncation_rate: 0,
        history_rows: 0,
        avg_quality_score: null,
        validation_pass_rate: null,
      },
    ]);
  });

  test('an empty range has no rows', async () => {
    expect(await getQualityReport(db.dataSource, { from: RANGE.to, to: RANGE.to })).toEqual([]);
  });
});

describe('top quality generations (the seed example)', () => {
  test('validated history rows at or above the threshold, best first, joined to their metrics', async () => {
    const generation = await newGeneration(db.dataSource, { model_used: 'top-model', tokens_total: 77 });
    await newHistory(db.dataSource, {
      correlation_id: generation.correlation_id,
      method_name: 'best',
      quality_score: 0.99,
    });
    await newHistory(db.dataSource, { correlation_id: generation.correlation_id, quality_score: 0.84 });
    const rows = await getTopQualityGenerations(db.dataSource, { minQualityScore: 0.85, limit: 1 });
    expect(rows).toEqual([
      {
        node_type: 'effect',
        method_name: 'best',
        quality_score: 0.99,
        model_used: 'top-model',
        tokens_total: 77,
      },
    ]);
  });
});
