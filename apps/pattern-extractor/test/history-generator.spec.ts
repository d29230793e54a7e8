import { describe, expect, test } from '@jest/globals';
import { generateHistory, mulberry32 } from '../src/mining/history-generator';

describe('mulberry32', () => {
  test('is deterministic per seed and stays in [0, 1)', () => {
    const first = mulberry32(42);
    const second = mulberry32(42);
    const values = Array.from({ length: 1000 }, () => first());
    expect(Array.from({ length: 1000 }, () => second())).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(values[0]);
  });
});

describe('generateHistory', () => {
  const rows = generateHistory({ seed: 7, rows: 2000 });

  test('the same seed gives the same rows, another seed other rows', () => {
    expect(generateHistory({ seed: 7, rows: 2000 })).toEqual(rows);
    expect(generateHistory({ seed: 8, rows: 50 })).not.toEqual(rows.slice(0, 50));
  });

  test.each([0, 1])('%i rows', (count) => {
    expect(generateHistory({ seed: 1, rows: count })).toHaveLength(count);
  });

  test('ids are unique and every row carries its ground truth', () => {
    expect(new Set(rows.map((row) => row.history_id)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.truth.templateId).toEqual(expect.any(String));
      expect(row.truth.codeFamily).toEqual(expect.any(String));
    }
  });

  test('covers the template situations the miner must handle', () => {
    const templates = new Map<string, Set<string>>();
    for (const row of rows) {
      const key = `${row.node_type}/${row.method_name}`;
      templates.set(key, (templates.get(key) ?? new Set()).add(row.truth.templateId));
    }
    // Some method names are served by two templates (near-duplicates or rewrites).
    expect([...templates.values()].filter((ids) => ids.size === 2).length).toBeGreaterThanOrEqual(3);
    const prompts = rows.map((row) => row.prompt_text);
    expect(prompts.some((text) => text.includes('```python\n'))).toBe(true);
    expect(prompts.some((text) => /\n\{\n {2}"/.test(text))).toBe(true);
    expect(prompts.some((text) => /\n(?:import|def|class) /.test(text) && !text.includes('```'))).toBe(true);
    const slotFirst = rows.filter((row) => row.truth.templateId === 'user-request-first');
    expect(new Set(slotFirst.map((row) => row.prompt_text.slice(0, 20))).size).toBeGreaterThan(10);
  });

  test('code families come in python and typescript, several renderings each', () => {
    const byFamily = new Map<string, Set<string>>();
    for (const row of rows) {
      byFamily.set(
        row.truth.codeFamily,
        (byFamily.get(row.truth.codeFamily) ?? new Set()).add(row.generated_code),
      );
    }
    expect(new Set(rows.map((row) => row.language))).toEqual(new Set(['python', 'typescript']));
    for (const renderings of byFamily.values()) expect(renderings.size).toBeGreaterThan(50);
  });

  test('error families are consistent with the text fields', () => {
    const families = new Set(rows.map((row) => row.truth.errorFamily));
    expect(families).toEqual(
      new Set([
        null,
        'feedback-missing-import',
        'feedback-unused-import',
        'feedback-too-long',
        'syntax-invalid',
        'truncated',
        'security-sql_injection',
        'security-hardcoded_secret',
      ]),
    );
    for (const row of rows) {
      const family = row.truth.errorFamily;
      if (family === 'feedback-missing-import') expect(row.user_feedback).toMatch(/^missing import \w+$/);
      if (family === 'feedback-unused-import') expect(row.user_feedback).toMatch(/^unused import \w+$/);
      if (family === 'truncated') expect([row.truncated, row.finish_reason]).toEqual([true, 'length']);
      if (family === 'syntax-invalid') expect(row.syntax_valid).toBe(false);
      if (family?.startsWith('security-')) {
        expect(row.security_issues).toEqual([
          { type: family.slice('security-'.length), message: expect.any(String) },
        ]);
      }
      if (family === null) {
        expect([row.user_feedback, row.validation_passed, row.security_issues]).toEqual([null, true, []]);
      }
    }
  });
});
