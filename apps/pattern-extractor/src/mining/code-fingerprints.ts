/**
 * Code fingerprints: the structure of generated code (mostly Python, sometimes TypeScript) with
 * identifiers, literal values, comments, whitespace/formatting and import order normalised away, so a
 * rename or a reformat collides while an added branch or a different call does not.
 *
 * A small tokenizer is enough (no parser dependency): the code is cut into names, operators, string
 * and number literals and, for Python, the layout tokens NEWLINE / INDENT / DEDENT (indentation
 * *levels*, not widths, so 2-space, 4-space and tab indents read the same). Then:
 * - comments and docstrings vanish; every string becomes `STR`, every number `NUM`; TypeScript `;`
 *   and trailing commas vanish (formatters add and remove them freely);
 * - import statements are normalised and sorted to the top, and the names they bring are kept;
 * - names the code binds itself (functions, classes, parameters, variables, loop targets, aliases,
 *   `self.x` / `this.x` members) become positional placeholders `$0`, `$1`… by first occurrence:
 *   the author chose them, so a rename must collide, yet reusing one variable twice stays distinct
 *   from using two variables. Every other name is kept verbatim: keywords, builtins, imported
 *   modules, attribute and method names on other objects, keyword-argument names. Those carry the
 *   meaning of the code: `requests.get` and `requests.post`, `fetchone` and `fetchall`, differ.
 * Placeholders are numbered over the whole file rather than per scope: reordering functions is then a
 * different fingerprint, which is acceptable (it is a different file), and it keeps the rule simple.
 */
import { createHash } from 'node:crypto';

/** Bump when a change to the algorithm changes fingerprints. */
export const ALGORITHM_VERSION = 'code-fingerprints/1';

export type CodeLanguage = 'python' | 'typescript';

export interface CodeFingerprint {
  readonly fingerprint: string;
  readonly language: CodeLanguage;
  /** The normalised token stream the fingerprint hashes, readable for audits and tests. */
  readonly normalized: string;
}

type TokenKind = 'name' | 'string' | 'number' | 'op' | 'newline' | 'indent' | 'dedent';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield match case'
  ).split(' '),
);
const TYPESCRIPT_KEYWORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with as implements interface let private protected public static yield async await of type ' +
    'readonly declare abstract undefined constructor from'
  ).split(' '),
);
const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '===',
  '!==',
  '...',
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '->',
  '=>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '&&',
  '||',
  '??',
  '?.',
  ':=',
  '<<',
  '>>',
];
const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);
/** Statement keywords after which a parenthesised group is a condition, not a parameter list. */
const CONTROL_KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'await',
  'typeof',
  'elif',
  'with',
]);
const SELF_NAMES = new Set(['self', 'this', 'cls']);

/** Guesses the language when the caller does not know it. */
export function detectLanguage(code: string): CodeLanguage {
  // Count signals of each language, the larger count wins; Python on a tie, as most code is Python.
  // A line ending in `{` is no signal: Python dict literals do it too.
  const count = (pattern: RegExp) => code.match(pattern)?.length ?? 0;
  const python = count(
    /^\s*(?:def |class \w+(?:\(.*\))?:|from [\w.]+ import |import [\w.]+\s*$|elif |except\b|#)|:\s*$|\bself\.|\bNone\b/gm,
  );
  const typescript = count(
    /;\s*$|=>|===|^\s*(?:const|let|var|export|interface|function|\/\/)\b|\bthis\.|\b(?:null|undefined)\b/gm,
  );
  return typescript > python ? 'typescript' : 'python';
}

function normaliseLanguage(language: string | undefined, code: string): CodeLanguage {
  switch ((language ?? '').toLowerCase().replace(/[\s\d.]+$/, '')) {
    case 'python':
    case 'py':
      return 'python';
    case 'node':
    case 'nodejs':
    case 'typescript':
    case 'ts':
    case 'javascript':
    case 'js':
    case 'tsx':
    case 'jsx':
      return 'typescript';
    default:
      return detectLanguage(code);
  }
}

// ------------------------------------------------------------------------------------- tokenizer

const STRING_PREFIX = /^[rRbBuUfF]{1,2}(?=['"])/;

/** The end (exclusive) of the string literal opening at `start` (quotes only, prefix excluded). */
function stringEnd(code: string, start: number): number {
  const quote = code[start] as string;
  const triple = quote !== '`' && code.startsWith(quote.repeat(3), start);
  const closing = triple ? quote.repeat(3) : quote;
  let at = start + closing.length;
  while (at < code.length) {
    if (code[at] === '\\') at += 2;
    else if (code.startsWith(closing, at)) return at + closing.length;
    else if (!triple && quote !== '`' && code[at] === '\n') return at;
    else at += 1;
  }
  return code.length;
}

function tokenize(code: string, language: CodeLanguage): Token[] {
  const python = language === 'python';
  const tokens: Token[] = [];
  const indents = [0];
  let depth = 0;
  let at = 0;
  let lineStart = true;
  while (at < code.length) {
    if (lineStart && python && depth === 0) {
      const indent = /^[ \t]*/.exec(code.slice(at, at + 200))?.[0] ?? '';
      const rest = code[at + indent.length];
      at += indent.length;
      lineStart = false;
      if (rest === '\n' || rest === '\r' || rest === '#' || rest === undefined) continue;
      const width = indent.replace(/\t/g, '    ').length;
      if (width > (indents[indents.length - 1] as number)) {
        indents.push(width);
        tokens.push({ kind: 'indent', text: 'INDENT' });
      }
      while (width < (indents[indents.length - 1] as number)) {
        indents.pop();
        tokens.push({ kind: 'dedent', text: 'DEDENT' });
      }
      continue;
    }
    const char = code[at] as string;
    const rest = code.slice(at, at + 3);
    if (char === '\n') {
      if (python && depth === 0 && tokens.length > 0 && tokens[tokens.length - 1]?.kind !== 'newline') {
        const last = tokens[tokens.length - 1];
        if (last?.kind !== 'indent' && last?.kind !== 'dedent')
          tokens.push({ kind: 'newline', text: 'NEWLINE' });
      }
      lineStart = true;
      at += 1;
    } else if (/\s/.test(char)) at += 1;
    else if (char === '\\' && code[at + 1] === '\n') at += 2;
    else if ((python && char === '#') || (!python && rest.startsWith('//'))) {
      const end = code.indexOf('\n', at);
      at = end < 0 ? code.length : end;
    } else if (!python && rest.startsWith('/*')) {
      const end = code.indexOf('*/', at + 2);
      at = end < 0 ? code.length : end + 2;
    } else if (char === '"' || char === "'" || char === '`' || (python && STRING_PREFIX.test(rest))) {
      const prefix = python ? (STRING_PREFIX.exec(rest)?.[0].length ?? 0) : 0;
      const end = stringEnd(code, at + prefix);
      tokens.push({ kind: 'string', text: code.slice(at + prefix, end) });
      at = end;
    } else if (/\d/.test(char) || (char === '.' && /\d/.test(code[at + 1] ?? ''))) {
      const number = /^[\d.]*[\w.]*/.exec(code.slice(at, at + 100))?.[0] ?? char;
      tokens.push({ kind: 'number', text: number });
      at += number.length;
    } else if (/[A-Za-z_$]/.test(char)) {
      const name = /^[\w$]+/.exec(code.slice(at, at + 200))?.[0] ?? char;
      tokens.push({ kind: 'name', text: name });
      at += name.length;
    } else {
      const operator = OPERATORS.find((candidate) => code.startsWith(candidate, at)) ?? char;
      if (OPENERS.has(operator)) depth += 1;
      if (CLOSERS.has(operator)) depth = Math.max(0, depth - 1);
      tokens.push({ kind: 'op', text: operator });
      at += operator.length;
    }
  }
  if (python) {
    // As Python's own tokenizer: the last line ends whether or not the file ends with a line break.
    const last = tokens[tokens.length - 1];
    if (last !== undefined && last.kind !== 'newline') tokens.push({ kind: 'newline', text: 'NEWLINE' });
    while (indents.length > 1) {
      indents.pop();
      tokens.push({ kind: 'dedent', text: 'DEDENT' });
    }
  }
  return tokens;
}

// ------------------------------------------------------------------------------------- statements

/** Cuts the token stream into statements: Python by NEWLINE, TypeScript by `;` and import ends. */
function splitImports(
  tokens: readonly Token[],
  language: CodeLanguage,
): { imports: string[]; aliases: Set<string>; body: Token[] } {
  const imports: string[] = [];
  const aliases = new Set<string>();
  const body: Token[] = [];
  let at = 0;
  while (at < tokens.length) {
    const token = tokens[at] as Token;
    const previous = body[body.length - 1];
    const atStatementStart =
      previous === undefined ||
      previous.kind === 'newline' ||
      previous.kind === 'dedent' ||
      previous.text === ';' ||
      previous.text === '}';
    const startsImport =
      token.kind === 'name' &&
      (token.text === 'import' || (language === 'python' && token.text === 'from')) &&
      atStatementStart;
    if (!startsImport) {
      body.push(token);
      at += 1;
      continue;
    }
    let end = at;
    if (language === 'python') {
      while (end < tokens.length && (tokens[end] as Token).kind !== 'newline') end += 1;
    } else {
      while (end < tokens.length && (tokens[end] as Token).kind !== 'string') end += 1;
      if (tokens[end + 1]?.text === ';') end += 1;
    }
    const statement = tokens.slice(at, end + 1);
    // `import numpy as np`: the alias is the code's own name, renamed freely.
    statement.forEach((part, index) => {
      if (part.kind === 'name' && statement[index - 1]?.text === 'as') aliases.add(part.text);
    });
    imports.push(
      normaliseImport(statement.map((part) => (aliases.has(part.text) ? { ...part, text: 'ALIAS' } : part))),
    );
    at = end + 1;
  }
  return { imports: [...new Set(imports)].sort(), aliases, body };
}

/** An import with its imported names sorted (`from x import b, a` = `from x import a, b`). */
function normaliseImport(tokens: readonly Token[]): string {
  const texts = tokens
    .filter((token) => token.kind !== 'newline' && token.text !== ';')
    .map((token) => token.text);
  const open = texts.findIndex((text) => text === '{' || text === 'import');
  const close = texts.indexOf('}');
  const from = open + 1;
  const to = close > open ? close : texts.length;
  const head = texts.slice(0, from);
  const names = texts
    .slice(from, to)
    .join(' ')
    .split(',')
    .map((name) =>
      name
        .trim()
        .replace(/^\(|\)$/g, '')
        .trim(),
    )
    .filter((name) => name !== '' && name !== '(' && name !== ')')
    .sort();
  return [...head, names.join(' , '), ...texts.slice(to)].join(' ');
}

// ------------------------------------------------------------------------------------- bindings

function matchingClose(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let at = open; at < tokens.length; at += 1) {
    const text = (tokens[at] as Token).text;
    if (OPENERS.has(text)) depth += 1;
    else if (CLOSERS.has(text)) {
      depth -= 1;
      if (depth === 0) return at;
    }
  }
  return tokens.length - 1;
}

/** Names declared at depth 1 of the group `(`…`)` opening at `open`: parameters and destructured names. */
function declaredInGroup(tokens: readonly Token[], open: number, bound: Set<string>): void {
  const close = matchingClose(tokens, open);
  let depth = 0;
  for (let at = open; at <= close; at += 1) {
    const token = tokens[at] as Token;
    if (OPENERS.has(token.text)) depth += 1;
    else if (CLOSERS.has(token.text)) depth -= 1;
    const previous = tokens[at - 1]?.text;
    if (
      token.kind === 'name' &&
      depth === 1 &&
      (previous === '(' ||
        previous === ',' ||
        previous === '*' ||
        previous === '**' ||
        previous === '...' ||
        previous === '{' ||
        previous === '[')
    ) {
      bound.add(token.text);
    }
  }
}

/** The names the code binds itself (see the module comment for why those become placeholders). */
function boundNames(tokens: readonly Token[], keywords: ReadonlySet<string>): Set<string> {
  const bound = new Set<string>();
  const depths = bracketDepths(tokens);
  tokens.forEach((token, at) => {
    if (token.kind !== 'name') return;
    const next = tokens[at + 1];
    const previous = tokens[at - 1];
    switch (token.text) {
      case 'def':
      case 'class':
      case 'function':
      case 'interface':
      case 'enum':
        if (next?.kind === 'name') bound.add(next.text);
        if (token.text !== 'class' && token.text !== 'interface') {
          const open = tokens.findIndex((candidate, index) => index > at && candidate.text === '(');
          if (open > at && open <= at + 2) declaredInGroup(tokens, open, bound);
        }
        return;
      case 'const':
      case 'let':
      case 'var':
        if (next?.kind === 'name') bound.add(next.text);
        else if (next?.text === '{' || next?.text === '[') declaredInGroup(tokens, at + 1, bound);
        return;
      case 'as':
      case 'catch':
        if (next?.kind === 'name') bound.add(next.text);
        if (next?.text === '(' && tokens[at + 2]?.kind === 'name') bound.add((tokens[at + 2] as Token).text);
        return;
      case 'for':
      case 'lambda':
        for (let index = at + 1; index < tokens.length; index += 1) {
          const target = tokens[index] as Token;
          if (
            target.text === 'in' ||
            target.text === 'of' ||
            target.text === ':' ||
            target.kind === 'newline'
          )
            break;
          if (target.kind === 'name' && !keywords.has(target.text)) bound.add(target.text);
        }
        return;
      default:
        break;
    }
    if (keywords.has(token.text) || previous?.text === '.' || previous?.text === '?.') return;
    // An assignment target: `x = …`, `x: int = …`, `x += …`, `a, b = …` at statement level.
    const statementLevel =
      depths[at] === 0 &&
      (previous === undefined ||
        ['newline', 'indent', 'dedent'].includes(previous.kind) ||
        [';', '{', '}', ','].includes(previous.text));
    if (
      statementLevel &&
      next !== undefined &&
      ['=', ':=', '+=', '-=', '*=', '/=', ',', ':'].includes(next.text)
    ) {
      if (next.text === ',' || next.text === ':') {
        if (!isTupleOrAnnotatedTarget(tokens, at)) return;
      }
      bound.add(token.text);
    }
    // A TypeScript method or arrow function: `name(params) {`, `(params) =>`.
    if (next?.text === '(' && !CONTROL_KEYWORDS.has(token.text)) {
      const close = matchingClose(tokens, at + 1);
      const after = tokens[returnTypeEnd(tokens, close + 1)]?.text;
      if (
        after === '{' &&
        previous?.text !== '.' &&
        (previous === undefined || statementLevel || previous.text === 'async')
      ) {
        bound.add(token.text);
        declaredInGroup(tokens, at + 1, bound);
      }
    }
  });
  tokens.forEach((token, at) => {
    if (token.text === '(' && !CONTROL_KEYWORDS.has(tokens[at - 1]?.text ?? '')) {
      const close = matchingClose(tokens, at);
      if (tokens[returnTypeEnd(tokens, close + 1)]?.text === '=>') declaredInGroup(tokens, at, bound);
    }
    // `x => …` (not a return type: `): number =>`).
    const before = tokens[at - 1]?.text;
    if (token.kind === 'name' && tokens[at + 1]?.text === '=>' && before !== ':' && before !== '|') {
      bound.add(token.text);
    }
  });
  return bound;
}

/** The bracket depth before each token, not counting `{}` (TypeScript blocks are statement level). */
function bracketDepths(tokens: readonly Token[]): number[] {
  const depths: number[] = [];
  const stack: string[] = [];
  for (const token of tokens) {
    depths.push(stack.filter((opener) => opener !== '{').length);
    if (OPENERS.has(token.text)) stack.push(token.text);
    else if (CLOSERS.has(token.text)) stack.pop();
  }
  return depths;
}

/** Skips a TypeScript return type annotation (`: Promise<number>`) after a parameter list. */
function returnTypeEnd(tokens: readonly Token[], from: number): number {
  if (tokens[from]?.text !== ':') return from;
  let at = from + 1;
  while (at < tokens.length && at < from + 40) {
    const token = tokens[at] as Token;
    if (token.kind !== 'name' && !['<', '>', ',', '[', ']', '|', '&', '.', '?'].includes(token.text))
      return at;
    at += 1;
  }
  return at;
}

/** `a, b = …` or `x: int = …`: the statement reaches a top-level `=` before it ends. */
function isTupleOrAnnotatedTarget(tokens: readonly Token[], start: number): boolean {
  let depth = 0;
  for (let at = start; at < tokens.length; at += 1) {
    const token = tokens[at] as Token;
    if (OPENERS.has(token.text)) depth += 1;
    else if (CLOSERS.has(token.text)) depth -= 1;
    if (depth < 0 || token.kind === 'newline' || token.kind === 'indent' || token.text === ';') return false;
    if (depth === 0 && token.text === '=') return true;
    if (depth === 0 && (token.text === 'in' || token.text === 'of')) return false;
  }
  return false;
}

// ------------------------------------------------------------------------------------- normalise

function normaliseBody(
  tokens: readonly Token[],
  language: CodeLanguage,
  aliases: ReadonlySet<string>,
): string[] {
  const keywords = language === 'python' ? PYTHON_KEYWORDS : TYPESCRIPT_KEYWORDS;
  const bound = new Set([...boundNames(tokens, keywords), ...aliases]);
  const placeholders = new Map<string, string>();
  const placeholder = (key: string) => {
    let value = placeholders.get(key);
    if (value === undefined) {
      value = `$${placeholders.size}`;
      placeholders.set(key, value);
    }
    return value;
  };
  const out: string[] = [];
  let skipNewline = false;
  let skipClose = -1;
  tokens.forEach((token, at) => {
    const previous = tokens[at - 1];
    const next = tokens[at + 1];
    switch (token.kind) {
      case 'string': {
        // Adjacent literals are one literal split over lines (`"a" "b"`).
        if (previous?.kind === 'string') return;
        // A string alone on its line is a docstring: a comment in all but name.
        const alone =
          language === 'python' &&
          (previous === undefined || ['newline', 'indent', 'dedent'].includes(previous.kind)) &&
          (next === undefined || ['newline', 'dedent'].includes(next.kind));
        if (alone) skipNewline = true;
        else out.push('STR');
        return;
      }
      case 'number':
        out.push('NUM');
        return;
      case 'newline':
        if (!skipNewline) out.push('\n');
        skipNewline = false;
        return;
      case 'indent':
        out.push('{');
        return;
      case 'dedent':
        skipNewline = false;
        out.push('}');
        return;
      case 'op':
        if (token.text === ';' && language === 'typescript') return;
        // `x => …` and `(x) => …` are one arrow function (formatters add the parentheses).
        if (
          token.text === '(' &&
          next?.kind === 'name' &&
          tokens[at + 2]?.text === ')' &&
          tokens[at + 3]?.text === '=>'
        ) {
          skipClose = at + 2;
          return;
        }
        if (at === skipClose) return;
        if (token.text === ',' && next !== undefined && CLOSERS.has(next.text)) return;
        out.push(token.text);
        return;
      case 'name': {
        const isAttribute = previous?.text === '.' || previous?.text === '?.';
        if (isAttribute) {
          const base = tokens[at - 2];
          out.push(
            base?.kind === 'name' && SELF_NAMES.has(base.text) ? placeholder(`.${token.text}`) : token.text,
          );
        } else if (keywords.has(token.text) || !bound.has(token.text)) out.push(token.text);
        else out.push(placeholder(token.text));
        return;
      }
    }
  });
  return out;
}

/**
 * The structural fingerprint of `code`: equal for renames, reformatting, comments, literal values and
 * import order; different for an added branch, statement or a different call.
 */
export function fingerprintCode(code: string, language?: string): CodeFingerprint {
  const resolved = normaliseLanguage(language, code);
  const tokens = tokenize(code.replace(/\r\n?/g, '\n'), resolved);
  const { imports, aliases, body } = splitImports(tokens, resolved);
  const normalizedBody = normaliseBody(body, resolved, aliases)
    .join(' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n+/g, '\n')
    .trim();
  const normalized = [...imports, normalizedBody].filter((part) => part !== '').join('\n');
  const fingerprint = createHash('sha256')
    .update(`${ALGORITHM_VERSION}\u0000${resolved}\u0000${normalized}`)
    .digest('hex')
    .slice(0, 32);
  return { fingerprint, language: resolved, normalized };
}
