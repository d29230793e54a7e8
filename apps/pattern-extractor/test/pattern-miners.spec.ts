import { describe, expect, test } from '@jest/globals';
import { generateHistory } from '../src/mining/history-generator';
import {
  type HistoryRow,
  type MinedBatch,
  type MinerState,
  PatternMiners,
  prepareRows,
} from '../src/job/pattern-miners';

/** Generated history as the job reads it (metrics columns filled from the generator's outcome). */
const ROWS: HistoryRow[] = generateHistory({ seed: 21, rows: 600 }).map((row, index) => ({
  history_id: row.history_id,
  insert_xid: '1',
  created_at: new Date(Date.UTC(2026, 0, 1, 0, index)),
  node_type: row.node_type,
  method_name: row.method_name,
  prompt_text: row.prompt_text,
  generated_code: row.generated_code,
  quality_score: row.truth.errorFamily === null ? 0.9 : 0.4,
  validation_passed: row.validation_passed,
  user_accepted: row.truth.errorFamily === null,
  user_feedback: row.user_feedback,
  manual_edits_required: false,
  finish_reason: row.finish_reason,
  truncated: row.truncated,
  syntax_valid: row.syntax_valid,
  security_issues: row.security_issues,
  model_used: 'glm-4.5',
  tier: 'cloud_fast',
  tokens_input: 100,
  tokens_output: 50,
}));

/** Mines ROWS in batches of the given sizes; returns per pattern type the rows counted per fingerprint. */
function mineIn(sizes: readonly number[], resumeAfter = -1): Map<string, Map<string, number>> {
  let miners = new PatternMiners();
  const counts = new Map<string, Map<string, number>>();
  let at = 0;
  sizes.forEach((size, batch) => {
    const mined: MinedBatch = miners.mineBatch(ROWS.slice(at, at + size));
    at += size;
    for (const tally of mined.tallies) {
      const type = counts.get(tally.patternType) ?? new Map<string, number>();
      type.set(tally.fingerprint, (type.get(tally.fingerprint) ?? 0) + 1);
      counts.set(tally.patternType, type);
    }
    // As the job does: the rows of error families that joined older ones move there.
    const errors = counts.get('common_error') ?? new Map<string, number>();
    for (const { from, to } of mined.errorMoves) {
      errors.set(to, (errors.get(to) ?? 0) + (errors.get(from) ?? 0));
      errors.delete(from);
    }
    // A resumed process: only the exported state crosses over, through JSON as in the database.
    if (batch === resumeAfter)
      miners = new PatternMiners(JSON.parse(JSON.stringify(miners.exportState())) as MinerState);
  });
  expect(at).toBe(ROWS.length);
  return counts;
}

describe('PatternMiners: the job side of the miners', () => {
  test('resuming from the exported state after batch k ends exactly like one uninterrupted run', () => {
    expect(mineIn([200, 200, 200], 0)).toEqual(mineIn([200, 200, 200]));
  });

  test('error signatures and accepted implementations do not depend on batch boundaries', () => {
    const whole = mineIn([600]);
    const pieces = mineIn([1, 99, 150, 7, 343]);
    expect(pieces.get('common_error')).toEqual(whole.get('common_error'));
    expect(pieces.get('successful_implementation')).toEqual(whole.get('successful_implementation'));
  });

  test('prompt templates: totals under a fingerprint that went stale move to where their rows are now', () => {
    const whole = mineIn([600]).get('high_quality_prompt');
    // A boundary inside some template's first rows: those rows were counted under its early text.
    const miners = new PatternMiners();
    const counts = new Map<string, number>();
    const examples = new Map<string, HistoryRow>();
    let current: string[] = [];
    for (const [from, to] of [
      [0, 30],
      [30, 600],
    ] as const) {
      const mined = miners.mineBatch(ROWS.slice(from, to));
      current = mined.promptTemplates;
      for (const tally of mined.tallies.filter((each) => each.patternType === 'high_quality_prompt')) {
        counts.set(tally.fingerprint, (counts.get(tally.fingerprint) ?? 0) + 1);
        if (!examples.has(tally.fingerprint)) examples.set(tally.fingerprint, tally.row);
      }
    }
    const stale = [...counts.keys()].filter((fingerprint) => !current.includes(fingerprint));
    expect(stale.length).toBeGreaterThan(0);
    // What the job does with them: move each one's count to its example row's template now.
    for (const fingerprint of stale) {
      const home = miners.promptHome(examples.get(fingerprint) as HistoryRow);
      expect(home.current).toBe(true);
      counts.set(home.fingerprint, (counts.get(home.fingerprint) ?? 0) + (counts.get(fingerprint) ?? 0));
      counts.delete(fingerprint);
    }
    expect(counts).toEqual(whole);
    expect([...counts.values()].reduce((sum, n) => sum + n, 0)).toBe(ROWS.length);
  });

  test('code is fingerprinted for every row only when asked (for the assignments file)', () => {
    const miners = new PatternMiners();
    const rejected = ROWS.find((row) => row.user_accepted !== true) as HistoryRow;
    expect(miners.mineBatch([rejected]).assignments[0]?.code_fingerprint).toBeNull();
    expect(
      miners.mineBatch([rejected], prepareRows([rejected], { codeForEveryRow: true })).assignments[0]
        ?.code_fingerprint,
    ).toMatch(/^[0-9a-f]{32}$/);
  });

  test('rows prepared ahead mine as rows prepared by mineBatch; a mismatched preparation is refused', () => {
    const rows = ROWS.slice(0, 300);
    const prepared = prepareRows(rows);
    expect(new PatternMiners().mineBatch(rows, prepared)).toEqual(new PatternMiners().mineBatch(rows));
    expect(() => new PatternMiners().mineBatch(rows, prepared.slice(1))).toThrow(
      '299 token lists for 300 rows',
    );
  });
});
