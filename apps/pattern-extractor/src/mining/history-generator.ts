/**
 * A seeded generator of realistic code-generation history with ground truth, shared by the miners'
 * tests and the benchmark. Pure and deterministic: the same seed and options give the same rows.
 *
 * Each row carries the id of the prompt template it was rendered from, the family of its generated
 * code and the family of its error (or null), so the three miners can be scored against it.
 */
import { CODE_FAMILIES, renderCode } from './history-code-families';
import { renderSlot, TEMPLATES } from './history-prompt-templates';
import { identifier, intBetween, pick, type Random } from './history-vocabulary';

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SecurityIssue {
  readonly type: string;
  readonly message: string;
}

export interface GeneratedHistoryRow {
  readonly history_id: string;
  readonly node_type: string;
  readonly method_name: string;
  readonly prompt_text: string;
  readonly generated_code: string;
  readonly language: 'python' | 'typescript';
  readonly user_feedback: string | null;
  readonly validation_passed: boolean;
  readonly syntax_valid: boolean;
  readonly truncated: boolean;
  readonly finish_reason: 'stop' | 'length';
  readonly security_issues: readonly SecurityIssue[];
  readonly truth: {
    readonly templateId: string;
    readonly codeFamily: string;
    readonly errorFamily: string | null;
  };
}

// ---------------------------------------------------------------- error families

interface ErrorOutcome {
  readonly family: string | null;
  readonly userFeedback: string | null;
  readonly validationPassed: boolean;
  readonly syntaxValid: boolean;
  readonly truncated: boolean;
  readonly securityIssues: readonly SecurityIssue[];
}

const MODULES = ['os', 'json', 're', 'typing', 'datetime', 'requests', 'logging', 'pathlib'];
const SECURITY = [
  {
    type: 'sql_injection',
    message: (random: Random) => `Possible SQL injection in query built at line ${intBetween(random, 1, 90)}`,
  },
  {
    type: 'hardcoded_secret',
    message: (random: Random) => `Hardcoded secret in variable ${identifier(random)}`,
  },
];

function errorOutcome(random: Random): ErrorOutcome {
  const clean = {
    family: null,
    userFeedback: null,
    validationPassed: true,
    syntaxValid: true,
    truncated: false,
    securityIssues: [],
  };
  const roll = random();
  if (roll < 0.45) return clean;
  if (roll < 0.55) {
    return {
      ...clean,
      family: 'feedback-missing-import',
      userFeedback: `missing import ${pick(random, MODULES)}`,
      validationPassed: false,
    };
  }
  if (roll < 0.65) {
    return {
      ...clean,
      family: 'feedback-unused-import',
      userFeedback: `unused import ${pick(random, MODULES)}`,
    };
  }
  if (roll < 0.72) {
    return {
      ...clean,
      family: 'feedback-too-long',
      userFeedback: `function ${identifier(random)} is too long (${intBetween(random, 40, 300)} lines), split it`,
    };
  }
  if (roll < 0.8) return { ...clean, family: 'syntax-invalid', validationPassed: false, syntaxValid: false };
  if (roll < 0.87) return { ...clean, family: 'truncated', validationPassed: false, truncated: true };
  const issue = pick(random, SECURITY);
  return {
    ...clean,
    family: `security-${issue.type}`,
    securityIssues: [{ type: issue.type, message: issue.message(random) }],
  };
}

// ---------------------------------------------------------------- rows

export interface HistoryGeneratorOptions {
  readonly seed: number;
  readonly rows: number;
}

/** Generates `rows` history rows from `seed`; ids are `h-<seed>-<index>`. */
export function generateHistory({ seed, rows }: HistoryGeneratorOptions): GeneratedHistoryRow[] {
  const random = mulberry32(seed);
  return Array.from({ length: rows }, (_, index) => {
    const template = pick(random, TEMPLATES);
    const methodName = pick(random, template.methodNames);
    const family = pick(random, CODE_FAMILIES);
    const code = renderCode(random, family);
    const promptText = template.parts
      .map((part) =>
        typeof part === 'string'
          ? part
          : renderSlot(random, part.slot, () => renderCode(random, pick(random, CODE_FAMILIES))),
      )
      .join('');
    const outcome = errorOutcome(random);
    return {
      history_id: `h-${seed}-${index}`,
      node_type: template.nodeType,
      method_name: methodName,
      prompt_text: promptText,
      generated_code: code,
      language: family.language,
      user_feedback: outcome.userFeedback,
      validation_passed: outcome.validationPassed,
      syntax_valid: outcome.syntaxValid,
      truncated: outcome.truncated,
      finish_reason: outcome.truncated ? 'length' : 'stop',
      security_issues: outcome.securityIssues,
      truth: { templateId: template.id, codeFamily: family.id, errorFamily: outcome.family },
    };
  });
}
