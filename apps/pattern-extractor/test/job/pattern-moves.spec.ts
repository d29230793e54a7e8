import { describe, expect, test } from '@jest/globals';
import { useTestDatabase } from '@llm-metrics/db/testing';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Output } from '../../src/cli/output';
import { runCommand } from '../../src/cli/run-command';
import type { Assignment } from '../../src/job/pattern-miners';
import { seedHistory } from '../../src/testing/history-fixtures';
import { candidates, resetExtractor, run, testOptions } from './job-fixtures';

const db = useTestDatabase();

/**
 * Complaints of one error whose first two are kept apart ("access" is a meaning word, and no slot
 * stands where the texts differ) until the third makes the first family's template
 * `logs the <*> in plaintext at <*>`: the second family joins the first.
 */
const COMPLAINTS = [
  'logs the password in plaintext at a.ts',
  'logs the access token in plaintext at b.ts',
  'logs the secret in plaintext at c.ts',
  'logs the access token in plaintext at d.ts',
];

const quiet: Output = {
  json: true,
  info: () => undefined,
  error: () => undefined,
  progressStart: () => undefined,
  progressTo: () => undefined,
  progressStop: () => undefined,
};

/** The complaints' rows, in the order the extractor reads them. */
async function complaintRows(): Promise<string[]> {
  const ids = await seedHistory(db.dataSource, { seed: 41, rows: 30 });
  const rows = ids.slice(0, COMPLAINTS.length);
  // Nothing else fails in these rows, so the complaint is each row's signature.
  await db.dataSource.query(
    `UPDATE llm_generation_history h
     SET user_feedback = u.feedback, user_accepted = false, validation_passed = true
     FROM unnest($1::uuid[], $2::text[]) AS u(id, feedback) WHERE h.id = u.id`,
    [rows, COMPLAINTS],
  );
  await db.dataSource.query(
    `UPDATE llm_generation_metrics m
     SET security_issues = '[]', syntax_valid = true, truncated = false, finish_reason = 'stop'
     FROM llm_generation_history h WHERE h.correlation_id = m.correlation_id AND h.id = ANY($1::uuid[])`,
    [rows],
  );
  return rows;
}

/** Reads an assignments file into one line per row. */
async function readAssignments(file: string): Promise<Assignment[]> {
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Assignment);
}

describe('a prompt row left without a template', () => {
  test('moves to the template that takes it later, totals and assignment', async () => {
    // The first incident's own cluster is forgotten in batch 6 (the partition keeps 50 clusters, the
    // oldest single-row one goes first); the template is learnt from batch 7 on: for a batch, no
    // template takes the row.
    const lead = 'Summarise the incident below for the status page, in two sentences:';
    const incidents = [
      'the checkout API timed out for ten minutes',
      'payments were declined after the deploy',
      'search returned stale results all morning',
      'login emails arrived an hour late',
      'the export job crashed twice overnight',
      'image uploads failed for mobile users',
    ];
    const unique = Array.from({ length: 59 }, (_, i) =>
      ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'].map((word) => `${word}${i}`).join(' '),
    );
    const [first, ...later] = incidents.map((incident) => `${lead} ${incident}`);
    const prompts = [first as string, ...unique, ...later];
    await resetExtractor(db.dataSource);
    await db.dataSource.query(`TRUNCATE llm_generation_history, llm_generation_metrics`);
    const ids = await seedHistory(db.dataSource, { seed: 42, rows: prompts.length });
    await db.dataSource.query(
      `UPDATE llm_generation_history h SET prompt_text = u.prompt, node_type = 'compute'
       FROM unnest($1::uuid[], $2::text[]) AS u(id, prompt) WHERE h.id = u.id`,
      [ids, prompts],
    );

    const file = path.join(await mkdtemp(path.join(tmpdir(), 'orphan-')), 'assignments.jsonl');
    const code = await runCommand(db.dataSource, testOptions({ batchSize: 10, full: true }), quiet, {
      assignmentsPath: file,
    });
    expect(code).toBe(0);
    const assignments = await readAssignments(file);
    const templateOf = (id: string) => assignments.find((row) => row.history_id === id)?.prompt_template;
    const home = templateOf(ids.at(-1) as string);
    expect(templateOf(ids[0] as string)).toBe(home);
    const [row] = await db.dataSource.query<{ usage_count: number; template: string }[]>(
      `SELECT usage_count::int AS usage_count, details->>'template' AS template FROM llm_pattern_candidates
       WHERE scope = 'live' AND pattern_type = 'high_quality_prompt' AND fingerprint = $1`,
      [home],
    );
    expect(row).toEqual({ usage_count: incidents.length, template: `${lead} <*>` });
  });
});

describe('error families that join during a run', () => {
  test('move their totals and their rows to the older family, whatever the batch size', async () => {
    const rows = await complaintRows();
    await run(db.dataSource, { batchSize: 100 });
    const inOneBatch = await candidates(db.dataSource, ['common_error']);
    await resetExtractor(db.dataSource);

    const file = path.join(await mkdtemp(path.join(tmpdir(), 'error-moves-')), 'assignments.jsonl');
    const code = await runCommand(db.dataSource, testOptions({ batchSize: 1, full: true }), quiet, {
      assignmentsPath: file,
    });
    expect(code).toBe(0);
    expect(await candidates(db.dataSource, ['common_error'])).toEqual(inOneBatch);

    const assignments = await readAssignments(file);
    const signatures = rows.map(
      (id) => assignments.find((assignment) => assignment.history_id === id)?.error_signature,
    );
    expect(new Set(signatures).size).toBe(1);
    const [complaint] = await db.dataSource.query<{ usage_count: number; template: string }[]>(
      `SELECT usage_count::int AS usage_count, details->>'template' AS template FROM llm_pattern_candidates
       WHERE scope = 'live' AND pattern_type = 'common_error' AND fingerprint = $1`,
      [signatures[0]],
    );
    expect(complaint).toEqual({
      usage_count: COMPLAINTS.length,
      template: 'logs the <*> in plaintext at <*>',
    });
  });
});
