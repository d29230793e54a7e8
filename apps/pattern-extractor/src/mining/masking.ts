/**
 * Masking of obvious variables in free text (error messages, feedback, prompts) before a miner looks
 * for the fixed part. Each kind of variable becomes a typed placeholder (`<NUM>`, `<UUID>`, …), so
 * "retry 3 of 5" and "retry 4 of 5" read the same while "missing import" and "unused import" do not.
 *
 * Every function is pure and stateless: the patterns carry the `g` flag but are only used through
 * `String.prototype.replace`, which resets `lastIndex`, so sharing them is safe.
 */

/** One kind of variable: what it looks like and the placeholder it becomes. */
export interface MaskRule {
  readonly name: string;
  readonly pattern: RegExp;
  readonly placeholder: string;
  /**
   * Substrings of which every match holds at least one: a text holding none of them is left as it
   * is without running the pattern (most texts have no URL, email or path, and the scan costs).
   */
  readonly anyOf?: readonly string[];
}

export const URL_RULE: MaskRule = {
  name: 'url',
  pattern: /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>`]+/gi,
  placeholder: '<URL>',
  anyOf: ['://'],
};

export const EMAIL_RULE: MaskRule = {
  name: 'email',
  pattern: /\b[\w.+-]+@[a-z\d-]+(?:\.[a-z\d-]+)+\b/gi,
  placeholder: '<EMAIL>',
  anyOf: ['@'],
};

export const UUID_RULE: MaskRule = {
  name: 'uuid',
  pattern: /\b[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}\b/gi,
  placeholder: '<UUID>',
  anyOf: ['-'],
};

/** ISO-8601 instants and dates, and clock times (`12:04:33.120`). */
export const TIMESTAMP_RULE: MaskRule = {
  name: 'timestamp',
  pattern:
    /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g,
  placeholder: '<TS>',
  anyOf: ['-', ':'],
};

/** IPv4 addresses with an optional port. */
export const IP_RULE: MaskRule = {
  name: 'ip',
  pattern: /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\d.])/g,
  placeholder: '<IP>',
  anyOf: ['.'],
};

/** Double-quoted, back-quoted and single-quoted strings; an apostrophe inside a word is no quote. */
export const QUOTED_RULE: MaskRule = {
  name: 'quoted',
  pattern: /"(?:[^"\\\n]|\\.)*"|`(?:[^`\\\n]|\\.)*`|(?<![\w'])'(?:[^'\\\n]|\\.)*'(?![\w'])/g,
  placeholder: '<STR>',
  anyOf: ['"', '`', "'"],
};

/**
 * Unix paths (`/a/b`, `./a`, `~/a`) and Windows paths (`C:\a\b`), starting a word; route parameters
 * (`/users/:id`, `/users/{user_id}`) are part of the path.
 */
export const PATH_RULE: MaskRule = {
  name: 'path',
  pattern:
    /(?<![\w.:/\\<>-])(?:[a-z]:\\[\w.@+-]+(?:\\[\w.@+-]+)*|(?:~|\.{1,2})?(?:\/(?::?[\w.@+-]+|\{[\w.-]+\}))+\/?)/gi,
  placeholder: '<PATH>',
  anyOf: ['/', '\\'],
};

/** `0x…` literals and long hexadecimal ids (8+ digits, at least one a decimal digit). */
export const HEX_RULE: MaskRule = {
  name: 'hex',
  pattern: /\b0x[\da-f]+\b|\b(?=[a-f]*\d)[\da-f]{8,}\b/gi,
  placeholder: '<HEX>',
};

/** Integers and decimals, signed, with an optional unit suffix (`250ms`, `3.5MB`, `40%`). */
export const NUMBER_RULE: MaskRule = {
  name: 'number',
  pattern: /(?<![\w.])[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?(?:ms|us|ns|s|m|h|[kmgt]i?b|%)?(?![\w])/gi,
  placeholder: '<NUM>',
};

/**
 * A number and its unit written apart (`4 min`, `6.9 GB`, `23 seconds`), or a duration in parts
 * (`3m37s`, `1h30m`): one measure, as `250ms` is.
 * Not among the default rules: in log lines the word after a number is often no unit of it.
 */
export const MEASURE_RULE: MaskRule = {
  name: 'measure',
  pattern:
    /(?<![\w.])(?:[-+]?\d+(?:[.,]\d+)*\s(?:ms|milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|[kmgt]i?b|bytes?|percent)|\d+[hm](?:\d+[ms])+)(?![\w])/gi,
  placeholder: '<NUM>',
};

/**
 * The rules `maskVariables` applies, in order: the wide shapes first (a URL holds a path and numbers,
 * a timestamp holds numbers), the bare numbers last.
 */
export const DEFAULT_MASK_RULES: readonly MaskRule[] = [
  URL_RULE,
  EMAIL_RULE,
  UUID_RULE,
  TIMESTAMP_RULE,
  IP_RULE,
  QUOTED_RULE,
  PATH_RULE,
  HEX_RULE,
  NUMBER_RULE,
];

/** Replaces every match of `rule` in `text` by its placeholder. */
export function applyMaskRule(text: string, rule: MaskRule): string {
  if (rule.anyOf !== undefined && !rule.anyOf.some((part) => text.includes(part))) return text;
  return text.replace(rule.pattern, rule.placeholder);
}

/** Applies `rules` one after the other (each sees the previous one's output). */
export function maskWith(text: string, rules: readonly MaskRule[]): string {
  return rules.reduce(applyMaskRule, text);
}

/** Masks URLs, emails, UUIDs, timestamps, IPs, quoted strings, paths, hex ids and numbers. */
export function maskVariables(text: string): string {
  return maskWith(text, DEFAULT_MASK_RULES);
}

/** Splits text into whitespace-separated tokens (no empty tokens). */
export function tokenize(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}
