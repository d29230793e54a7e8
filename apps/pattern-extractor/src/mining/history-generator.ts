/**
 * A seeded generator of realistic code-generation history with ground truth, shared by the miners'
 * tests and the benchmark. Pure and deterministic: the same seed and options give the same rows.
 *
 * Each row carries the id of the prompt template it was rendered from, the family of its generated
 * code and the family of its error (or null), so the three miners can be scored against it.
 */

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

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
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

// ---------------------------------------------------------------- vocabularies

const ENTITIES = [
  'User',
  'Order',
  'Invoice',
  'Customer',
  'Product',
  'Payment',
  'Shipment',
  'Account',
  'Session',
  'Report',
  'Ticket',
  'Comment',
  'Review',
  'Coupon',
  'Warehouse',
  'Supplier',
  'Employee',
  'Project',
  'Task',
  'Budget',
  'Refund',
  'Subscription',
  'Address',
  'Device',
];
const VERBS = [
  'fetch',
  'load',
  'create',
  'update',
  'delete',
  'sync',
  'validate',
  'archive',
  'export',
  'merge',
];
const FIELDS = ['name', 'email', 'total', 'status', 'created_at', 'owner_id', 'price', 'quantity', 'region'];
const WORDS = [
  'the',
  'service',
  'should',
  'handle',
  'records',
  'quickly',
  'and',
  'retry',
  'on',
  'failure',
  'make',
  'sure',
  'that',
  'every',
  'request',
  'is',
  'logged',
  'with',
  'its',
  'latency',
  'please',
  'avoid',
  'global',
  'state',
  'use',
  'small',
  'functions',
  'customers',
  'complain',
  'about',
  'slow',
  'pages',
  'when',
  'data',
  'grows',
  'cache',
  'results',
  'for',
  'a',
  'few',
  'minutes',
  'keep',
  'it',
  'simple',
  'we',
  'need',
  'pagination',
  'too',
  'errors',
  'must',
  'be',
  'reported',
  'clearly',
  'to',
  'users',
];

function identifier(random: Random): string {
  return `${pick(random, VERBS)}_${pick(random, ENTITIES).toLowerCase()}`;
}

function sentence(random: Random): string {
  const words = Array.from({ length: intBetween(random, 5, 14) }, () => pick(random, WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Free text: one to twelve sentences over one to six lines. */
function freeText(random: Random): string {
  const lines = Array.from({ length: intBetween(random, 1, 6) }, () =>
    Array.from({ length: intBetween(random, 1, 2) }, () => sentence(random)).join(' '),
  );
  return lines.join('\n');
}

function jsonValue(random: Random): string {
  const entries = Array.from({ length: intBetween(random, 1, 5) }, () => [
    pick(random, FIELDS),
    random() < 0.5 ? intBetween(random, 0, 5000) : pick(random, ENTITIES),
  ]);
  return JSON.stringify(Object.fromEntries(entries), null, random() < 0.7 ? 2 : undefined);
}

// ---------------------------------------------------------------- code families

/**
 * A code family is a structure with placeholders: `@0`, `@1`… identifiers the model names freely,
 * `#` a number literal, `$` a string literal. Renames, literal changes, comments and reformatting
 * keep the family; the structural variants (an added branch, a different call) are other families.
 */
interface CodeFamily {
  readonly id: string;
  readonly language: 'python' | 'typescript';
  readonly lines: readonly string[];
}

const PY_FETCH = [
  'import json',
  'import requests',
  '',
  'def @0(@1, @2):',
  '    @3 = requests.get(@1 + "/items/" + str(@2), timeout=#)',
  '    @3.raise_for_status()',
  '    return json.loads(@3.text)',
];
const PY_TOTAL = [
  'def @0(@1):',
  '    @2 = #',
  '    for @3 in @1:',
  '        @2 += @3.price * @3.quantity',
  '    return @2',
];
const PY_REPO = [
  'class @0:',
  '    def __init__(self, @1):',
  '        self.@2 = @1',
  '',
  '    def @3(self, @4):',
  '        @5 = self.@2.execute($, (@4,))',
  '        return @5.fetchone()',
];
const PY_VALIDATE = [
  'import re',
  '',
  'def @0(@1):',
  '    if not @1:',
  '        raise ValueError($)',
  '    return re.match($, @1) is not None',
];

const CODE_FAMILIES: readonly CodeFamily[] = [
  { id: 'py-fetch', language: 'python', lines: PY_FETCH },
  {
    id: 'py-fetch-post',
    language: 'python',
    lines: PY_FETCH.map((line) => line.replace('requests.get', 'requests.post')),
  },
  {
    id: 'py-fetch-branch',
    language: 'python',
    lines: [
      ...PY_FETCH.slice(0, 5),
      '    if @3.status_code == #:',
      '        return None',
      ...PY_FETCH.slice(5),
    ],
  },
  { id: 'py-total', language: 'python', lines: PY_TOTAL },
  {
    id: 'py-total-filter',
    language: 'python',
    lines: [...PY_TOTAL.slice(0, 3), '        if @3.price > #:', '    ' + PY_TOTAL[3], PY_TOTAL[4] as string],
  },
  { id: 'py-repo', language: 'python', lines: PY_REPO },
  {
    id: 'py-repo-all',
    language: 'python',
    lines: PY_REPO.map((line) => line.replace('fetchone', 'fetchall')),
  },
  { id: 'py-validate', language: 'python', lines: PY_VALIDATE },
  {
    id: 'py-validate-strip',
    language: 'python',
    lines: [...PY_VALIDATE.slice(0, 5), '    @1 = @1.strip()', PY_VALIDATE[5] as string],
  },
  {
    id: 'ts-handler',
    language: 'typescript',
    lines: [
      "import { Injectable } from '@nestjs/common';",
      '',
      '@Injectable()',
      'export class @0 {',
      '  async @1(@2: string): Promise<number> {',
      '    const @3 = await this.@4.findOne(@2);',
      '    return @3.total * #;',
      '  }',
      '}',
    ],
  },
  {
    id: 'ts-handler-guard',
    language: 'typescript',
    lines: [
      "import { Injectable } from '@nestjs/common';",
      '',
      '@Injectable()',
      'export class @0 {',
      '  async @1(@2: string): Promise<number> {',
      '    const @3 = await this.@4.findOne(@2);',
      '    if (!@3) {',
      '      throw new Error($);',
      '    }',
      '    return @3.total * #;',
      '  }',
      '}',
    ],
  },
];

/** Renders a family with fresh names and literals, and a random but harmless formatting. */
function renderCode(random: Random, family: CodeFamily): string {
  const names = new Map<string, string>();
  const nameFor = (slot: string) => {
    const known = names.get(slot);
    if (known !== undefined) return known;
    const isClass = family.lines.some((line) => line.includes(`class ${slot}`));
    let name = '';
    // Two slots never share a name: that would change the structure, not rename it.
    while (name === '' || [...names.values()].includes(name)) {
      name = isClass
        ? `${pick(random, ENTITIES)}${pick(random, ['Repository', 'Service', 'Client', 'Store'])}`
        : `${identifier(random)}${random() < 0.3 ? intBetween(random, 1, 9) : ''}`;
    }
    names.set(slot, name);
    return name;
  };
  const python = family.language === 'python';
  const indentUnit = python ? pick(random, ['    ', '  ', '\t']) : pick(random, ['  ', '    ']);
  const quote = pick(random, ['"', "'"]);
  const tightOperators = random() < 0.3;
  let lines = family.lines.map((line) => {
    const depth = (/^ */.exec(line)?.[0].length ?? 0) / (python ? 4 : 2);
    let body = line
      .trimStart()
      .replace(/@\d+/g, (slot) => nameFor(slot))
      .replace(/#/g, () => String(intBetween(random, 0, 999)))
      .replace(/\$/g, () => `${quote}${pick(random, WORDS)} ${pick(random, FIELDS)}${quote}`);
    if (tightOperators) body = body.replace(/ ([+*]|==) /g, '$1');
    return body === '' ? '' : `${indentUnit.repeat(depth)}${body}`;
  });
  const firstDef = lines.findIndex((line) => /^\s*def .*:$/.test(line));
  if (firstDef >= 0 && random() < 0.3) {
    const indent = /^\s*/.exec(lines[firstDef] ?? '')?.[0] ?? '';
    const docstring = `${indent}${indentUnit}${quote.repeat(3)}${sentence(random)}${quote.repeat(3)}`;
    lines = [...lines.slice(0, firstDef + 1), docstring, ...lines.slice(firstDef + 1)];
  }
  if (!python && random() < 0.3) lines = lines.map((line) => line.replace(/;$/, ''));
  if (random() < 0.4) {
    const at = intBetween(random, 0, lines.length - 1);
    const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
    const comment = `${python ? '#' : '//'} ${sentence(random)}`;
    lines = [...lines.slice(0, at), `${indent}${comment}`, ...lines.slice(at)];
  }
  if (random() < 0.3) lines = lines.flatMap((line) => (line.startsWith(indentUnit) ? [line] : ['', line]));
  const importCount = lines.filter((line) => /^import /.test(line)).length;
  if (importCount > 1 && random() < 0.5) {
    const imports = lines.slice(0, importCount).reverse();
    lines = [...imports, ...lines.slice(importCount)];
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- prompt templates

type SlotKind =
  'word' | 'entity' | 'language' | 'code' | 'fenced-code' | 'json' | 'text' | 'number' | 'path' | 'uuid';
type TemplatePart = string | { readonly slot: SlotKind };

interface PromptTemplate {
  readonly id: string;
  readonly nodeType: string;
  /** Usually one; a template may serve several methods. */
  readonly methodNames: readonly string[];
  readonly parts: readonly TemplatePart[];
}

const slot = (kind: SlotKind): TemplatePart => ({ slot: kind });

const SERVICE_TEMPLATE: readonly TemplatePart[] = [
  'You are a senior Python engineer.\nWrite the method `',
  slot('word'),
  '` of the ',
  slot('entity'),
  'Service class.\nRequirements:\n',
  slot('text'),
  '\nReturn only the code, no explanations.',
];

const TEMPLATES: readonly PromptTemplate[] = [
  { id: 'service-python', nodeType: 'service', methodNames: ['generate_method'], parts: SERVICE_TEMPLATE },
  {
    id: 'service-typescript',
    nodeType: 'service',
    methodNames: ['generate_method'],
    parts: SERVICE_TEMPLATE.map((part) =>
      typeof part === 'string' ? part.replace('Python', 'TypeScript') : part,
    ),
  },
  {
    id: 'fix-code',
    nodeType: 'repair',
    methodNames: ['fix_errors'],
    parts: [
      'The following code fails validation:\n',
      slot('fenced-code'),
      '\nErrors reported by the checker:\n',
      slot('json'),
      '\nFix every error and keep the public interface unchanged.',
    ],
  },
  {
    id: 'fix-code-v2',
    nodeType: 'repair',
    methodNames: ['fix_errors'],
    parts: [
      'Repair this module so that it passes the linter and the type checker.\nModule path: ',
      slot('path'),
      '\n',
      slot('code'),
      '\nDo not change function signatures. Explain nothing.',
    ],
  },
  {
    id: 'user-request-first',
    nodeType: 'chat',
    methodNames: ['answer_request'],
    parts: [
      slot('text'),
      '\n---\nAnswer the request above with working code for the project ',
      slot('uuid'),
      '.\nUse the existing helpers where possible.',
    ],
  },
  {
    id: 'unit-tests',
    nodeType: 'tests',
    methodNames: ['write_tests'],
    parts: [
      'Write unit tests for the function below using pytest.\nCover at least ',
      slot('number'),
      ' cases, including edge cases.\n',
      slot('fenced-code'),
    ],
  },
  {
    id: 'integration-tests',
    nodeType: 'tests',
    methodNames: ['write_tests'],
    parts: [
      'Write integration tests for the function below using pytest.\nCover at least ',
      slot('number'),
      ' cases, including edge cases.\n',
      slot('fenced-code'),
    ],
  },
  {
    id: 'schema-model',
    nodeType: 'model',
    methodNames: ['model_from_schema'],
    parts: [
      'Create a pydantic model named ',
      slot('entity'),
      ' from this JSON example:\n',
      slot('json'),
      '\nAll fields are required.',
    ],
  },
  {
    id: 'schema-model-optional',
    nodeType: 'model',
    methodNames: ['model_from_schema'],
    parts: [
      'Create a pydantic model named ',
      slot('entity'),
      ' from this JSON example:\n',
      slot('json'),
      '\nAll fields are optional.',
    ],
  },
  {
    id: 'docstring',
    nodeType: 'docs',
    methodNames: ['write_docstring'],
    parts: ['Add a Google-style docstring to ', slot('word'), ':\n', slot('code')],
  },
  {
    id: 'sql-query',
    nodeType: 'repository',
    methodNames: ['build_query'],
    parts: [
      'Write a SQL query over the table ',
      slot('word'),
      ' that returns ',
      slot('text'),
      '\nUse bound parameters and never interpolate values.\nLimit the result to ',
      slot('number'),
      ' rows.',
    ],
  },
  {
    id: 'review-snippet',
    nodeType: 'review',
    methodNames: ['review_function', 'review_class'],
    parts: [
      'Review this ',
      slot('language'),
      ' snippet for bugs and style issues:\n',
      slot('code'),
      '\nList each problem on its own line.',
    ],
  },
  {
    id: 'ticket-first',
    nodeType: 'chat',
    methodNames: ['answer_request'],
    parts: [slot('entity'), ' ticket summary:\n', slot('text'), '\nWrite a short plan, then the code.'],
  },
  {
    id: 'lookup-cache',
    nodeType: 'repository',
    methodNames: ['add_lookup'],
    parts: [slot('entity'), ' cache: add a lookup by ', slot('word'), ' and return None when missing.'],
  },
  {
    id: 'lookup-store',
    nodeType: 'repository',
    methodNames: ['add_lookup'],
    parts: [slot('entity'), ' store: add a lookup by ', slot('word'), ' and return None when missing.'],
  },
  {
    id: 'refactor',
    nodeType: 'service',
    methodNames: ['refactor_method'],
    parts: [
      'Refactor the code below. Goal: ',
      slot('text'),
      '\nKeep behaviour identical.\n',
      slot('fenced-code'),
      '\nContext file: ',
      slot('path'),
    ],
  },
];

function renderSlot(random: Random, kind: SlotKind, code: () => string): string {
  switch (kind) {
    case 'word':
      return identifier(random);
    case 'entity':
      return pick(random, ENTITIES);
    case 'language':
      return pick(random, ['Python', 'TypeScript', 'Go', 'Rust', 'Java']);
    case 'code':
      return code();
    case 'fenced-code':
      return `\`\`\`python\n${code()}\n\`\`\``;
    case 'json':
      return jsonValue(random);
    case 'text':
      return freeText(random);
    case 'number':
      return String(intBetween(random, 2, 40));
    case 'path':
      return `src/${pick(random, VERBS)}/${identifier(random)}.py`;
    case 'uuid':
      return Array.from({ length: 5 }, (_, index) =>
        Array.from({ length: [8, 4, 4, 4, 12][index] as number }, () =>
          Math.floor(random() * 16).toString(16),
        ).join(''),
      ).join('-');
  }
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
