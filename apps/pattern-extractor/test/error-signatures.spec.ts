import { describe, expect, test } from '@jest/globals';
import {
  errorText,
  ERROR_SIGNATURE_ALGORITHM_VERSION,
  type ErrorSignatureRow,
  type ErrorSignatureState,
  ErrorSignatureMiner,
  errorEvents,
  errorFingerprint,
  normaliseIssueType,
  securityIssueEvent,
} from '../src/mining/error-signatures';
import { scoreGrouping } from '../src/mining/grouping-accuracy';
import { generateHistory } from '../src/mining/history-generator';

/** A clean, accepted row; override what a case is about. */
function newRow(overrides: Partial<ErrorSignatureRow> = {}): ErrorSignatureRow {
  return {
    history_id: 'h-1',
    validation_passed: true,
    quality_score: 0.9,
    user_feedback: null,
    user_accepted: true,
    manual_edits_required: false,
    finish_reason: 'stop',
    truncated: false,
    syntax_valid: true,
    security_issues: [],
    ...overrides,
  };
}

function kindsOf(row: ErrorSignatureRow): string[] {
  return new ErrorSignatureMiner().add(row).map((signature) => signature.kind);
}

describe('error signatures', () => {
  test.each([
    { name: 'a clean row', row: {}, kinds: [] },
    { name: 'validation failed', row: { validation_passed: false }, kinds: ['validation_failed'] },
    { name: 'validation unknown', row: { validation_passed: null }, kinds: [] },
    { name: 'syntax invalid', row: { syntax_valid: false }, kinds: ['syntax_invalid'] },
    { name: 'finish_reason length', row: { finish_reason: 'length' }, kinds: ['truncated'] },
    { name: 'truncated flag', row: { truncated: true, finish_reason: null }, kinds: ['truncated'] },
    { name: "Anthropic's max_tokens", row: { finish_reason: 'max_tokens' }, kinds: ['truncated'] },
    { name: "Gemini's MAX_TOKENS", row: { finish_reason: 'MAX_TOKENS' }, kinds: ['truncated'] },
    {
      name: 'both truncation signals',
      row: { truncated: true, finish_reason: 'length' },
      kinds: ['truncated'],
    },
    {
      name: 'feedback on rejected code',
      row: { user_feedback: 'wrong loop', user_accepted: false },
      kinds: ['user_feedback'],
    },
    {
      name: 'feedback on code that needed edits',
      row: { user_feedback: 'wrong loop', manual_edits_required: true },
      kinds: ['user_feedback'],
    },
    {
      name: 'feedback on undecided code',
      row: { user_feedback: 'slow', user_accepted: null },
      kinds: ['user_feedback'],
    },
    { name: 'feedback on code taken as is', row: { user_feedback: 'great, thanks' }, kinds: [] },
    { name: 'blank feedback', row: { user_feedback: '  ', user_accepted: false }, kinds: [] },
    {
      name: 'several failures, most specific first',
      row: {
        validation_passed: false,
        syntax_valid: false,
        finish_reason: 'length',
        user_feedback: 'cut off',
        user_accepted: false,
        security_issues: [{ type: 'sql_injection', message: 'query built by concatenation' }],
      },
      kinds: ['security:sql_injection', 'syntax_invalid', 'truncated', 'user_feedback', 'validation_failed'],
    },
    {
      name: 'one signature per security issue type',
      row: { security_issues: ['eval', { rule: 'Hardcoded Secret', description: 'key in source' }] },
      kinds: ['security:eval', 'security:hardcoded_secret'],
    },
    {
      name: 'the same issue twice counts once',
      row: { security_issues: [{ type: 'eval' }, { type: 'eval' }] },
      kinds: ['security:eval'],
    },
  ])('$name → $kinds', ({ row, kinds }) => {
    expect(kindsOf(newRow(row))).toEqual(kinds);
  });

  test.each([
    ['sql_injection', { kind: 'security:sql_injection', message: null }],
    ['SQL Injection', { kind: 'security:sql_injection', message: null }],
    [
      "B105: Possible hardcoded password: 'admin123'",
      { kind: 'security:b105', message: "Possible hardcoded password: 'admin123'" },
    ],
    [
      'js/sql-injection: This query string depends on a user-provided value.',
      { kind: 'security:js_sql_injection', message: 'This query string depends on a user-provided value.' },
    ],
    [
      '@typescript-eslint/no-explicit-any: Unexpected any.',
      { kind: 'security:typescript_eslint_no_explicit_any', message: 'Unexpected any.' },
    ],
    [
      'SQL Injection: query built from user input',
      { kind: 'security:sql_injection', message: 'query built from user input' },
    ],
    ['weak hash:md5', { kind: 'security:weak_hash_md5', message: null }],
    [
      'found a hardcoded secret in the config file: api_key',
      { kind: 'security:found_a_hardcoded_secret_in_the_config_file_api_key', message: null },
    ],
    [
      { type: 'XSS', message: 'unescaped <b>' },
      { kind: 'security:xss', message: 'unescaped <b>' },
    ],
    [
      { code: 'B105', detail: 'password' },
      { kind: 'security:b105', message: 'password' },
    ],
    [{ message: 'no type' }, { kind: 'security:unknown', message: 'no type' }],
    [42, { kind: 'security:unknown', message: null }],
    [null, { kind: 'security:unknown', message: null }],
    [['eval'], { kind: 'security:unknown', message: null }],
  ])('security issue %j reads as %j', (issue, event) => {
    expect(securityIssueEvent(issue)).toEqual(event);
  });

  test.each([
    ['SQL Injection', 'sql_injection'],
    ['  hardcoded-secret ', 'hardcoded_secret'],
    ['', 'unknown'],
    [null, 'unknown'],
  ])('issue type %j normalises to %j', (type, normal) => {
    expect(normaliseIssueType(type)).toBe(normal);
  });

  test('errorEvents is pure and keeps the feedback text', () => {
    const row = newRow({ user_feedback: 'missing import os', user_accepted: false });
    expect(errorEvents(row)).toEqual([{ kind: 'user_feedback', message: 'missing import os' }]);
    expect(errorEvents(row)).toEqual(errorEvents(row));
  });

  test('templates mask variables and generalise what varies', () => {
    const miner = new ErrorSignatureMiner();
    const first = miner.add(
      newRow({ user_feedback: 'function parseRow is too long (120 lines), split it', user_accepted: false }),
    );
    const second = miner.add(
      newRow({ user_feedback: 'function loadAll is too long (48 lines), split it', user_accepted: false }),
    );
    expect(first[0]?.template).toBe('function parseRow is too long (<NUM> lines), split it');
    expect(second[0]?.template).toBe('function <*> is too long (<NUM> lines), split it');
    expect(second[0]?.fingerprint).toBe(first[0]?.fingerprint);
    expect(miner.templates()).toEqual([
      {
        kind: 'user_feedback',
        template: 'function <*> is too long (<NUM> lines), split it',
        fingerprint: first[0]?.fingerprint,
        messages: 2,
      },
    ]);
  });

  test.each([
    ['missing import os', 'missing import json', true],
    ['missing import os', 'unused import os', false],
    ['Hardcoded secret in variable apiKey', 'Hardcoded secret in variable token', true],
    ['timeout after 30s', 'timeout after 5s', true],
    ['cannot read /etc/a.conf', 'cannot write /etc/a.conf', false],
    ['loop is wrong', 'loop is wrong here', false],
    ['x is missing', 'x is unused', false],
    ['function run is too long', 'function run is too short', false],
    ['Cannot find name foo', 'Cannot find name barBaz', true],
    [
      'refreshReport uses Math.random() to generate a token',
      'sync_plan uses Math.random() to generate a token',
      true,
    ],
    ['os.path.join is deprecated here', 'loadUser() is deprecated here', true],
    ['Missing import os', 'missing import json.', true],
    ['the loop is too slow!', 'The loop is too slow', true],
    ['the /orders endpoint returns 500', 'the GET /orders endpoint returns 500', true],
    ['the GET /orders endpoint returns 500', 'the /orders endpoint returns 500', true],
    ['loop is wrong', 'loop is wrong there', false],
    ['12 tests fail in a.ts', '3 tests are skipped in b.ts', false],
    [
      'this does not handle the case where the JSON is malformed',
      'this does not handle the case where the timezone is not UTC',
      true,
    ],
    ['the migration drops column orders.total', 'the migration renames column orders.total', false],
    ["'x' is defined but never used", "'x' is assigned a value but never used", false],
    ['cmd/db.go is created world-readable', 'cmd/db.go is created world-writable', false],
    ['the response is missing the Retry-After header', 'the response is missing the ETag header', true],
    ['the page loads in 4 min', 'the page loads in 82s', true],
    ['memory grows to 6.9 GB after 200 requests', 'memory grows to 422MB after 9 requests', true],
  ])('%j and %j share a signature: %s', (firstText, secondText, same) => {
    const miner = new ErrorSignatureMiner();
    const [first] = miner.add(newRow({ user_feedback: firstText, user_accepted: false }));
    const [second] = miner.add(newRow({ user_feedback: secondText, user_accepted: false }));
    expect(first?.fingerprint === second?.fingerprint).toBe(same);
  });

  test('a slot may hold a meaning word, but not a negation', () => {
    const miner = new ErrorSignatureMiner();
    const sign = (text: string) =>
      miner.add(newRow({ user_feedback: text, user_accepted: false }))[0]?.fingerprint;
    const language = sign('I asked for Rust but got Go');
    expect(sign('I asked for Java but got Go')).toBe(language);
    expect(sign('I asked for async Python but got Go')).toBe(language);
    const list = sign('the list is cached');
    expect(sign('the list is paginated')).toBe(list);
    expect(sign('the list is not paginated')).not.toBe(list);
  });

  test.each([
    ['Missing import json.', 'missing import json'],
    ['  The loop is too slow!!  ', 'the loop is too slow'],
    ['JSON parse failed…', 'JSON parse failed'],
    ['UserService is not injectable', 'UserService is not injectable'],
    ['I cannot run it?', 'I cannot run it'],
    ['version 1.2.', 'version 1.2'],
    ['...', ''],
  ])('errorText(%j) is %j', (message, text) => {
    expect(errorText(message)).toBe(text);
  });

  test('fingerprints are stable, versioned and apart by kind', () => {
    const fingerprint = errorFingerprint('truncated', '');
    expect(fingerprint).toMatch(/^[\da-f]{16}$/);
    expect(errorFingerprint('truncated', '')).toBe(fingerprint);
    expect(errorFingerprint('syntax_invalid', '')).not.toBe(fingerprint);
    expect(ERROR_SIGNATURE_ALGORITHM_VERSION).toBe(8);
    const [signature] = new ErrorSignatureMiner().add(newRow({ finish_reason: 'length' }));
    expect(signature).toEqual({ kind: 'truncated', template: null, fingerprint });
  });

  test('groups a table of error families exactly', () => {
    const families: [string, Partial<ErrorSignatureRow>][] = [];
    const modules = ['os', 'json', 're', 'typing', 'pathlib'];
    const names = ['parseRow', 'load_all', 'x1', 'renderTable'];
    for (let index = 0; index < 120; index += 1) {
      const module = modules[index % modules.length] ?? 'os';
      const name = names[index % names.length] ?? 'f';
      const rejected = { user_accepted: false, validation_passed: true };
      const table: [string, Partial<ErrorSignatureRow>][] = [
        ['missing-import', { ...rejected, user_feedback: `missing import ${module}` }],
        ['unused-import', { ...rejected, user_feedback: `unused import ${module}` }],
        [
          'too-long',
          { ...rejected, user_feedback: `function ${name} is too long (${40 + index} lines), split it` },
        ],
        ['syntax', { syntax_valid: false, validation_passed: false }],
        ['truncated', { finish_reason: 'length', validation_passed: false }],
        [
          'sql',
          {
            security_issues: [{ type: 'sql_injection', message: `Possible SQL injection at line ${index}` }],
          },
        ],
        [
          'secret',
          {
            security_issues: [{ type: 'hardcoded_secret', message: `Hardcoded secret in variable ${name}` }],
          },
        ],
        [
          'no-guard',
          { security_issues: [{ type: 'access', message: `Route /${module} has no auth guard` }] },
        ],
        [
          'no-limit',
          { security_issues: [{ type: 'access', message: `Route /${module} has no rate limit` }] },
        ],
        ['never-committed', { ...rejected, user_feedback: `the transaction in ${name} is never committed` }],
        [
          'never-rolled-back',
          { ...rejected, user_feedback: `the transaction in ${name} is never rolled back` },
        ],
      ];
      families.push(table[(index * 7) % table.length] as [string, Partial<ErrorSignatureRow>]);
    }
    const miner = new ErrorSignatureMiner();
    const primary = families.map(([, row]) => miner.add(newRow(row))[0]?.fingerprint ?? null);
    expect(
      scoreGrouping(
        families.map(([family]) => family),
        primary,
      ).ga,
    ).toBe(1);
  });

  test('an incremental run ends where a full run does', () => {
    const rows = Array.from({ length: 40 }, (_, index) =>
      newRow({
        history_id: `h-${index}`,
        user_accepted: false,
        user_feedback:
          index % 3 === 0
            ? `missing import m${index % 4}`
            : index % 3 === 1
              ? `function f${index} is too long`
              : `the ${'GET '.repeat(index % 2)}/r/${index} endpoint is slow`,
        security_issues: index % 5 === 0 ? [{ type: 'eval', message: `eval of input ${index}` }] : [],
      }),
    );
    const full = new ErrorSignatureMiner();
    const fullSignatures = rows.map((row) => full.add(row));

    const before = new ErrorSignatureMiner();
    const firstHalf = rows.slice(0, 17).map((row) => before.add(row));
    const resumed = new ErrorSignatureMiner();
    resumed.importState(
      JSON.parse(JSON.stringify(before.exportState())) as ReturnType<typeof before.exportState>,
    );
    const secondHalf = rows.slice(17).map((row) => resumed.add(row));

    expect([...firstHalf, ...secondHalf]).toEqual(fullSignatures);
    expect(resumed.exportState()).toEqual(full.exportState());
  });

  test('a family whose template generalised absorbs a family it was kept apart from', () => {
    const miner = new ErrorSignatureMiner();
    const sign = (text: string) =>
      miner.add(newRow({ user_feedback: text, user_accepted: false }))[0]?.fingerprint;
    const password = sign('logs the password in plaintext at a.ts');
    // "access" is a meaning word and no slot stands where the texts differ: another error, so far.
    const token = sign('logs the access token in plaintext at b.ts');
    expect(token).not.toBe(password);
    expect(miner.takeMoves()).toEqual([]);
    expect(sign('logs the secret in plaintext at c.ts')).toBe(password);
    expect(miner.takeMoves()).toEqual([{ from: token, to: password }]);
    expect(miner.takeMoves()).toEqual([]);
    expect(sign('logs the access token in plaintext at d.ts')).toBe(password);
    expect(miner.templates()).toEqual([
      {
        kind: 'user_feedback',
        template: 'logs the <*> in plaintext at <*>',
        fingerprint: password,
        messages: 4,
      },
    ]);
    const resumed = new ErrorSignatureMiner();
    resumed.importState(JSON.parse(JSON.stringify(miner.exportState())) as ErrorSignatureState);
    expect(resumed.exportState()).toEqual(miner.exportState());
    const next = newRow({
      user_feedback: 'logs the access token in plaintext at e.ts',
      user_accepted: false,
    });
    expect(resumed.add(next)).toEqual(miner.add(next));
  });

  test('one error whose slot holds a varying number of words is one family', () => {
    const miner = new ErrorSignatureMiner();
    const feedback = [
      'the /orders endpoint returns 500',
      'The GET /orders endpoint returns 500.',
      'the /users endpoint returns 404',
      'the POST /users/1 endpoint returns 502',
      'the /users endpoint returns nothing',
    ];
    const fingerprints = feedback.map(
      (text) => miner.add(newRow({ user_feedback: text, user_accepted: false }))[0]?.fingerprint,
    );
    expect(new Set(fingerprints).size).toBe(1);
    expect(miner.templates()).toEqual([
      {
        kind: 'user_feedback',
        template: 'the <*> <PATH> endpoint returns <*>',
        fingerprint: fingerprints[0],
        messages: 5,
      },
    ]);
  });

  test('refuses a state of another algorithm version', () => {
    expect(() => new ErrorSignatureMiner().importState({ version: 0, kinds: {} })).toThrow(/version/);
  });

  test('refuses a state whose families do not fit its clusters', () => {
    const miner = new ErrorSignatureMiner();
    for (const text of ['missing import os', 'the /a endpoint is slow', 'the GET /a endpoint is slow']) {
      miner.add(newRow({ user_feedback: text, user_accepted: false }));
    }
    const state = miner.exportState();
    const feedback = state.kinds['user_feedback'];
    expect(feedback?.families).toEqual([1, 2, 2]);
    const damaged = (families: number[]) => ({
      ...state,
      kinds: { user_feedback: { drain: feedback!.drain, families } },
    });
    expect(() => new ErrorSignatureMiner().importState(damaged([1, 2, 1, 1]))).toThrow(/family/);
    expect(() => new ErrorSignatureMiner().importState(damaged([1, 1, 2]))).toThrow(/cluster 3 in family 2/);
    expect(() => new ErrorSignatureMiner().importState(damaged([2, 2, 2]))).toThrow(/cluster 1 in family 2/);
  });

  test.each([1, 2, 3])(
    'seed %i: grouping accuracy at least 0.9 over the failures of 3000 generated rows',
    (seed) => {
      const miner = new ErrorSignatureMiner();
      const truth: string[] = [];
      const predicted: (string | null)[] = [];
      for (const row of generateHistory({ seed, rows: 3000 })) {
        const [signature] = miner.add({
          ...row,
          quality_score: null,
          user_accepted: row.truth.errorFamily === null,
          manual_edits_required: false,
        });
        if (row.truth.errorFamily === null) continue;
        truth.push(row.truth.errorFamily);
        predicted.push(signature?.fingerprint ?? null);
      }
      expect(truth.length).toBeGreaterThan(1000);
      expect(scoreGrouping(truth, predicted).ga).toBeGreaterThanOrEqual(0.9);
    },
  );
});
