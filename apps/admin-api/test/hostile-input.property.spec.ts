import { beforeAll, describe, expect, test } from '@jest/globals';
import { newHistory, newPattern } from '@llm-metrics/db/testing';
import * as fc from 'fast-check';
import { TEST_ADMIN_KEY, useTestApp } from './harness';

/**
 * Hostile bodies and query strings at the write and list routes: whatever arrives, the answer is never
 * a 5xx, and a request that is refused writes nothing (rows are counted before and after).
 */
const api = useTestApp();
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

const SQL = ["' OR '1'='1", "'; DROP TABLE llm_generation_metrics; --", 'tier) OR true --', '$1', '\\x00'];

/** Values no field expects: wrong types, edge numbers, huge and odd strings, nested junk. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    -1,
    -0.5,
    1.5,
    2 ** 31,
    2 ** 53 + 1,
    1e308,
    -1e308,
    Number.MAX_VALUE,
    '',
    ' ',
    'NaN',
    'Infinity',
    '1e999',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x'.repeat(70_000),
    '2026-13-45T99:99:99Z',
    '0000-01-01T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    '00000000-0000-0000-0000-00000000000g',
    null,
    true,
    {},
    [],
    [[[[[[]]]]]],
    { $gt: '' },
    { __proto__: { polluted: true } },
    nest(200),
    ...SQL,
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

function nest(depth: number): unknown {
  let value: unknown = 'deep';
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { value };
  return value;
}

const validGeneration = {
  node_type: 'effect',
  service_name: 'PostgresService',
  method_name: 'create_connection',
  tier: 'cloud_fast',
  model_used: 'glm-4.5',
  tokens_input: 1500,
  tokens_output: 800,
  latency_ms: 245.5,
};
const generationFields = [
  ...Object.keys(validGeneration),
  'id',
  'correlation_id',
  'session_id',
  'tokens_total',
  'tokens_cached_input',
  'tokens_reasoning',
  'cost_usd',
  'security_issues',
  'finish_reason',
  'created_at',
  'prompt_text',
  'quality_score',
  'validation_passed',
  'colour',
];

const validHistory = {
  correlation_id: '5e0c3c2a-1111-4222-8333-444455556666',
  node_type: 'effect',
  method_name: 'create_connection',
  prompt_text: 'p',
  generated_code: 'c',
  quality_score: 0.5,
  validation_passed: true,
};

/** A valid object with one to three fields replaced by hostile values (or extra ones added). */
const spoiled = (valid: object, fields: readonly string[]) =>
  fc
    .dictionary(fc.constantFrom(...fields), hostileValue, { minKeys: 1, maxKeys: 3 })
    .map((junk) => ({ ...valid, ...junk }));

/** Bodies: spoiled objects, batches hiding one among valid items, and arbitrary JSON. */
const hostileBody = (valid: object, fields: readonly string[]) =>
  fc.oneof(
    spoiled(valid, fields),
    fc
      .tuple(fc.nat({ max: 5 }), spoiled(valid, fields))
      .map(([position, bad]) => [...Array.from({ length: position }, () => valid), bad, valid]),
    fc.jsonValue({ maxDepth: 4 }),
    hostileValue,
  );

/** Query strings: each known filter or an unknown one, given a hostile string (or several). */
const hostileQuery = (names: readonly string[]) =>
  fc.dictionary(
    fc.constantFrom(...names, 'colour', 'cursor', 'limit', 'from', 'to'),
    fc.oneof(
      hostileValue.map((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))),
      fc.constantFrom(
        'eyJhdCI6MX0',
        'e30',
        '!!!',
        'A'.repeat(600),
        Buffer.from('{"at":"2026-01-01T00:00:00.000000Z","id":"x"}').toString('base64url'),
      ),
      fc.array(fc.constantFrom(...SQL), { minLength: 2, maxLength: 3 }),
    ),
    { maxKeys: 4 },
  );

async function rowCounts(): Promise<string> {
  const [row] = await api.dataSource.query<[Record<string, string>]>(
    `SELECT (SELECT count(*) FROM llm_generation_metrics) AS metrics,
            (SELECT count(*) FROM llm_generation_history) AS history,
            (SELECT count(*) FROM llm_patterns) AS patterns,
            (SELECT md5(coalesce(string_agg(h::text, ',' ORDER BY id), '')) FROM llm_generation_history h) AS history_rows,
            (SELECT md5(coalesce(string_agg(p::text, ',' ORDER BY id), '')) FROM llm_patterns p) AS pattern_rows`,
  );
  return JSON.stringify(row);
}

/** Sends one request; asserts no 5xx, and no change to the tables when it was refused. */
async function check(send: () => Promise<{ status: number; text: string }>, label = ''): Promise<void> {
  const before = await rowCounts();
  const response = await send();
  if (response.status >= 500) throw new Error(`${label} ${response.status}: ${response.text.slice(0, 500)}`);
  if (response.status >= 400) expect(await rowCounts()).toBe(before);
}

let historyId = '';
let patternId = '';
beforeAll(async () => {
  historyId = (await newHistory(api.dataSource)).id;
  patternId = (await newPattern(api.dataSource)).id;
});

describe('hostile input never causes a 5xx, and a refused request writes nothing', () => {
  test('POST /api/v1/generations', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody(validGeneration, generationFields), (body) =>
        check(() => api.http.post('/api/v1/generations').set(admin).type('json').send(JSON.stringify(body))),
      ),
      { numRuns: RUNS },
    );
  });

  test('POST /api/v1/history', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileBody(validHistory, [...Object.keys(validHistory), 'created_at', 'user_feedback', 'tier']),
        (body) =>
          check(() => api.http.post('/api/v1/history').set(admin).type('json').send(JSON.stringify(body))),
      ),
      { numRuns: RUNS },
    );
  });

  test('PATCH feedback and pattern curation, POST uses, with hostile ids too', async () => {
    const id = fc.oneof(
      fc.constant('REAL'),
      fc.constantFrom(
        'not-a-uuid',
        '00000000-0000-4000-8000-000000000000',
        "1' OR '1'='1",
        '%00',
        'x'.repeat(300),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        id,
        hostileBody({ user_accepted: true }, [
          'user_accepted',
          'user_feedback',
          'manual_edits_required',
          'quality_score',
        ]),
        hostileBody({ node_type: 'effect' }, [
          'pattern_data',
          'avg_quality_score',
          'node_type',
          'usage_count',
        ]),
        async (target, feedback, curation) => {
          const history = target === 'REAL' ? historyId : encodeURIComponent(target);
          const pattern = target === 'REAL' ? patternId : encodeURIComponent(target);
          await check(() =>
            api.http
              .patch(`/api/v1/history/${history}/feedback`)
              .set(admin)
              .type('json')
              .send(JSON.stringify(feedback)),
          );
          await check(() =>
            api.http
              .patch(`/api/v1/patterns/${pattern}`)
              .set(admin)
              .type('json')
              .send(JSON.stringify(curation)),
          );
          await check(() =>
            api.http
              .post(`/api/v1/patterns/${pattern}/uses`)
              .set(admin)
              .type('json')
              .send(JSON.stringify(curation)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test.each([
    [
      '/api/v1/generations',
      [
        'tier',
        'model_used',
        'node_type',
        'service_name',
        'method_name',
        'session_id',
        'correlation_id',
        'finish_reason',
        'cost_status',
      ],
    ],
    [
      '/api/v1/history',
      [
        'node_type',
        'method_name',
        'correlation_id',
        'min_quality',
        'max_quality',
        'validation_passed',
        'user_accepted',
      ],
    ],
    ['/api/v1/patterns', ['pattern_type', 'node_type', 'sort']],
    ['/api/v1/analytics/cost', ['group_by']],
    ['/api/v1/analytics/latency', ['group_by']],
    ['/api/v1/analytics/top-generations', ['min_quality_score']],
  ])('GET %s with hostile query strings', async (path, names) => {
    await fc.assert(
      fc.asyncProperty(hostileQuery(names), (query) =>
        check(() => api.http.get(path).set(admin).query(query)),
      ),
      { numRuns: RUNS },
    );
  });
});

describe('deeply nested bodies', () => {
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  test.each([100, 5000, 50_000])('nesting %i levels deep is refused without a 5xx', async (depth) => {
    const bodies = [
      deep(depth),
      `{"security_issues":${deep(depth)}}`,
      `{"pattern_data":{"a":${deep(depth)}}}`,
    ];
    const urls: [string, 'post' | 'patch'][] = [
      ['/api/v1/generations', 'post'],
      ['/api/v1/history', 'post'],
      [`/api/v1/history/${historyId}/feedback`, 'patch'],
      [`/api/v1/patterns/${patternId}`, 'patch'],
    ];
    for (const [url, method] of urls) {
      for (const body of bodies) {
        await check(() => api.http[method](url).set(admin).type('json').send(body), `${method} ${url}`);
      }
    }
  });
});
