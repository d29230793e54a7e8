import {
  ENTITIES,
  FIELDS,
  identifier,
  intBetween,
  pick,
  type Random,
  sentence,
  WORDS,
} from './history-vocabulary';

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

export const CODE_FAMILIES: readonly CodeFamily[] = [
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
export function renderCode(random: Random, family: CodeFamily): string {
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
