/** The prompt templates the history generator (`history-generator.ts`) renders prompts from. */
import {
  ENTITIES,
  freeText,
  identifier,
  intBetween,
  jsonValue,
  pick,
  type Random,
  VERBS,
} from './history-vocabulary';

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

export const TEMPLATES: readonly PromptTemplate[] = [
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

export function renderSlot(random: Random, kind: SlotKind, code: () => string): string {
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
