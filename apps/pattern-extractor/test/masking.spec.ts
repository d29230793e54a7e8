import { describe, expect, test } from '@jest/globals';
import {
  DEFAULT_MASK_RULES,
  EMAIL_RULE,
  HEX_RULE,
  IP_RULE,
  type MaskRule,
  MEASURE_RULE,
  NUMBER_RULE,
  PATH_RULE,
  QUOTED_RULE,
  TIMESTAMP_RULE,
  URL_RULE,
  UUID_RULE,
  applyMaskRule,
  maskVariables,
  maskWith,
  tokenize,
} from '../src/mining/masking';

describe('masking', () => {
  const ruleCases: [MaskRule, string, string][] = [
    [URL_RULE, 'see https://example.com/a/b?c=1 now', 'see <URL> now'],
    [EMAIL_RULE, 'mail ops.team+x@example.co.uk today', 'mail <EMAIL> today'],
    [UUID_RULE, 'row 3F2504E0-4F89-11D3-9A0C-0305E82C3301 gone', 'row <UUID> gone'],
    [TIMESTAMP_RULE, 'at 2026-01-15T12:00:00.000Z and 09:01:05', 'at <TS> and <TS>'],
    [TIMESTAMP_RULE, 'on 2026-01-15', 'on <TS>'],
    [IP_RULE, 'from 10.251.73.220:50010 to 192.168.0.1', 'from <IP> to <IP>'],
    [QUOTED_RULE, `import "lodash" and 'x, y' but don't`, `import <STR> and <STR> but don't`],
    [QUOTED_RULE, 'call `fn()` now', 'call <STR> now'],
    [
      PATH_RULE,
      'open /var/log/app.log and ./src/a.ts and C:\\Temp\\x.txt',
      'open <PATH> and <PATH> and <PATH>',
    ],
    [PATH_RULE, 'either and/or', 'either and/or'],
    [PATH_RULE, 'for GET /api/users/:id/orders and /users/{user_id}.', 'for GET <PATH> and <PATH>.'],
    [HEX_RULE, 'addr 0x7ffe12 commit 9fceb02d0ae598e95dc970b74767f19372d61af8', 'addr <HEX> commit <HEX>'],
    [HEX_RULE, 'a deadbeefcafe word', 'a deadbeefcafe word'],
    [
      NUMBER_RULE,
      'retry 3 of 5 after 250ms, -1.5 or 40%',
      'retry <NUM> of <NUM> after <NUM>, <NUM> or <NUM>',
    ],
    [NUMBER_RULE, 'utf8 v2 and 2nd', 'utf8 v2 and 2nd'],
    [
      MEASURE_RULE,
      'took 4 min, 23 seconds, 3m37s and 1h30m for 6.9 GB',
      'took <NUM>, <NUM>, <NUM> and <NUM> for <NUM>',
    ],
    [MEASURE_RULE, 'expected 3 arguments in 2 steps', 'expected 3 arguments in 2 steps'],
  ];
  test.each(ruleCases.map(([rule, text, expected]) => ({ name: rule.name, rule, text, expected })))(
    '$name: $text',
    ({ rule, text, expected }) => {
      expect(applyMaskRule(text, rule)).toBe(expected);
    },
  );

  const prechecked = DEFAULT_MASK_RULES.filter((rule) => rule.anyOf !== undefined);
  test.each(prechecked.map((rule) => ({ name: rule.name, rule })))(
    '$name: every match holds one of the substrings that let the rule run',
    ({ rule }) => {
      const texts = ruleCases.filter(([each]) => each === rule).map(([, text]) => text);
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) {
        for (const match of text.match(rule.pattern) ?? []) {
          expect(rule.anyOf?.some((part) => match.includes(part))).toBe(true);
        }
      }
      const plain = 'plain words 12 and more';
      expect(applyMaskRule(plain, rule)).toBe(plain.replace(rule.pattern, rule.placeholder));
    },
  );

  test.each([
    ['missing import "react" in /src/app.tsx line 12', 'missing import <STR> in <PATH> line <NUM>'],
    ['unused import "react" in /src/app.tsx line 12', 'unused import <STR> in <PATH> line <NUM>'],
    ['GET http://10.0.0.1:8080/x failed at 12:00:01', 'GET <URL> failed at <TS>'],
    ['user 42 (a@b.io) id 123e4567-e89b-12d3-a456-426614174000', 'user <NUM> (<EMAIL>) id <UUID>'],
    ['', ''],
  ])('maskVariables(%j) is %j', (text, expected) => {
    expect(maskVariables(text)).toBe(expected);
  });

  test('is pure: the same input masks the same way every time', () => {
    const text = 'a 1 b 0xff c "q"';
    expect(maskWith(text, DEFAULT_MASK_RULES)).toBe(maskWith(text, DEFAULT_MASK_RULES));
    expect(maskVariables(text)).toBe('a <NUM> b <HEX> c <STR>');
  });

  test.each([
    ['', []],
    ['   ', []],
    [' a  b\tc\n', ['a', 'b', 'c']],
  ])('tokenize(%j)', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });
});
