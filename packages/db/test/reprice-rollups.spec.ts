import { describe, expect, test } from '@jest/globals';
import { addPriceVersion } from '../src/price-versions';
import { getCostReport } from '../src/reports';
import { repriceGenerations } from '../src/reprice';
import { refreshRollups } from '../src/rollups';
import { newGeneration, useTestDatabase } from '../src/testing';

const db = useTestDatabase();

const HOUR_MS = 3_600_000;
const START = new Date('2026-02-01T00:00:00.000Z');
const CHANGE = new Date('2026-02-02T06:30:00.000Z');
const END = new Date('2026-02-04T00:00:00.000Z');

/** The seed's cost-by-model question over [START, END), straight from the raw rows. */
const rawCostByModel = () =>
  db.dataSource.query<{ model_used: string; total_cost: string; unpriced: number }[]>(
    `SELECT model_used, coalesce(sum(cost_usd), 0)::text AS total_cost,
            (count(*) FILTER (WHERE cost_status = 'unpriced'))::integer AS unpriced
     FROM llm_generation_metrics WHERE created_at >= $1 AND created_at < $2
     GROUP BY model_used ORDER BY model_used`,
    [START, END],
  );

const reportedCostByModel = async () =>
  (await getCostReport(db.dataSource, { from: START, to: END, groupBy: ['model_used'] }))
    .map(({ model_used, total_cost, unpriced }) => ({ model_used, total_cost, unpriced }))
    .sort((a, b) => (a.model_used ?? '').localeCompare(b.model_used ?? ''));

/** Both sides as exact numbers, whatever the decimal places each prints. */
const normalised = (rows: { model_used: string | null; total_cost: string; unpriced: number }[]) =>
  rows.map((row) => ({ ...row, total_cost: Number(row.total_cost).toFixed(12) }));

describe('repricing rows already folded into the rollups', () => {
  test('keeps reports equal to the raw query, before and after the next refresh', async () => {
    const [seedPrice] = await db.dataSource.query<[{ id: string }]>(
      `SELECT id FROM llm_price_versions WHERE tier = 'cloud_premium' AND model_name = 'glm-4.6'`,
    );
    // Every 5 hours over three days: computed rows of cloud_premium and unpriced rows of a new model.
    for (let at = START.getTime(); at < END.getTime(); at += 5 * HOUR_MS) {
      await newGeneration(db.dataSource, {
        tier: 'cloud_premium',
        model_used: 'glm-4.6',
        cost_usd: '0.00069',
        cost_status: 'computed',
        price_version_id: seedPrice.id,
        created_at: new Date(at),
      });
      await newGeneration(db.dataSource, {
        tier: 'cloud_premium',
        model_used: 'glm-5',
        cost_usd: null,
        cost_status: 'unpriced',
        created_at: new Date(at + HOUR_MS),
      });
    }
    await refreshRollups(db.dataSource);
    // A few rows written after the refresh: they are read raw and must not be corrected twice.
    await newGeneration(db.dataSource, {
      tier: 'cloud_premium',
      model_used: 'glm-5',
      cost_usd: null,
      cost_status: 'unpriced',
      created_at: new Date(CHANGE.getTime() + HOUR_MS),
    });

    await addPriceVersion(db.dataSource, {
      tier: 'cloud_premium',
      model_name: 'glm-5',
      cost_per_1m_input_usd: '1.25',
      cost_per_1m_output_usd: '10',
      effective_from: CHANGE,
    });
    await addPriceVersion(db.dataSource, {
      tier: 'cloud_premium',
      model_name: 'glm-4.6',
      cost_per_1m_input_usd: '0.6',
      cost_per_1m_output_usd: '2.2',
      effective_from: CHANGE,
    });
    const report = await repriceGenerations(db.dataSource, {
      tier: 'cloud_premium',
      from: START,
      to: END,
      apply: true,
    });
    expect(report.rowsChanged).toBeGreaterThan(0);
    expect(report.transitions.unpriced.computed).toBeGreaterThan(0);

    const raw = normalised(await rawCostByModel());
    expect(normalised(await reportedCostByModel())).toEqual(raw);
    await refreshRollups(db.dataSource);
    expect(normalised(await reportedCostByModel())).toEqual(raw);
  });
});
