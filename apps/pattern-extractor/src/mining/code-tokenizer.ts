/**
 * The small tokenizer behind code fingerprints (see `code-fingerprints.ts`): names, operators, string
 * and number literals, each with its line, and for Python the layout tokens NEWLINE / INDENT / DEDENT.
 */
import type { CodeLanguage } from './code-languages';

type TokenKind = 'name' | 'string' | 'number' | 'op' | 'newline' | 'indent' | 'dedent';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** The line the token starts on (0-based): where a statement ends in languages without `;`. */
  readonly line: number;
}

export const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield match case'
  ).split(' '),
);
export const TYPESCRIPT_KEYWORDS = new Set(
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
  '::',
  '..',
];
export const OPENERS = new Set(['(', '[', '{']);
export const CLOSERS = new Set([')', ']', '}']);

// ------------------------------------------------------------------------------------- tokenizer

const STRING_PREFIX = /^[rRbBuUfF]{1,2}(?=['"])/;
/** A name: as `^[\w$]+` on the next 200 characters. Sticky, so no slice of the code is made. */
const NAME = /[\w$]{1,200}/y;
/** Indentation, on the next 200 characters; sticky as NAME. */
const INDENT = /[ \t]{0,200}/y;
/** A number with what sticks to it (`1e5`, `0x1F`, `1_000`, `2.5f`), on the next 100 characters. */
const NUMBER = /[\w.]{0,100}/y;
/** The operators by their first character, each list in the order of OPERATORS (longest first). */
const OPERATORS_BY_FIRST = OPERATORS.reduce((byFirst, operator) => {
  const first = operator[0] as string;
  byFirst.set(first, [...(byFirst.get(first) ?? []), operator]);
  return byFirst;
}, new Map<string, string[]>());

/**
 * The tokenizer's character classes by character code (`/\s/`, `/\d/`, `/[A-Za-z_$]/` on one
 * character), without running a regular expression for the ASCII characters code is mostly made of.
 */
function isSpace(char: string): boolean {
  const unit = char.charCodeAt(0);
  if (unit < 128) return unit === 32 || (unit >= 9 && unit <= 13);
  return /\s/.test(char);
}

function isDigit(char: string | undefined): boolean {
  const unit = char === undefined ? NaN : char.charCodeAt(0);
  return unit >= 48 && unit <= 57;
}

function isNameStart(char: string): boolean {
  const unit = char.charCodeAt(0);
  return (unit >= 65 && unit <= 90) || (unit >= 97 && unit <= 122) || unit === 95 || unit === 36;
}

/** The length of a Python string prefix (`r`, `b`, `f`, `rb`…) opening a literal at `at`, or 0. */
function stringPrefixLength(code: string, at: number): number {
  if (!'rRbBuUfF'.includes(code[at] as string)) return 0;
  return STRING_PREFIX.exec(code.slice(at, at + 3))?.[0].length ?? 0;
}

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
/**
 * The code inside a template literal's `${…}` parts, each as `${`, its tokens and `}$` (no bracket:
 * they leave bracket depths alone): the text of the literal is a value, what it interpolates is
 * code (`${d.getHours()}` is a call).
 */
function interpolations(literal: string, language: CodeLanguage, startLine: number): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < literal.length) {
    if (literal[at] === '\\') at += 2;
    else if (literal.startsWith('${', at)) {
      let depth = 1;
      let end = at + 2;
      while (end < literal.length && depth > 0) {
        if (literal[end] === '{') depth += 1;
        else if (literal[end] === '}') depth -= 1;
        end += 1;
      }
      const inner = literal.slice(at + 2, depth === 0 ? end - 1 : end);
      const line = startLine + countLines(literal, 0, at);
      tokens.push({ kind: 'op', text: '${', line });
      for (const token of tokenize(inner, language)) tokens.push({ ...token, line: line + token.line });
      tokens.push({ kind: 'op', text: '}$', line: startLine + countLines(literal, 0, end) });
      at = end;
    } else at += 1;
  }
  return tokens;
}

/** The line breaks in `text[from, to)`. */
function countLines(text: string, from: number, to: number): number {
  let lines = 0;
  for (let at = from; at < to; at += 1) if (text.charCodeAt(at) === 10) lines += 1;
  return lines;
}

/** What starts a comment that runs to the end of the line. */
function lineComment(language: CodeLanguage): string {
  switch (language) {
    case 'python':
    case 'ruby':
    case 'elixir':
    case 'r':
      return '#';
    case 'sql':
    case 'lua':
      return '--';
    default:
      return '//';
  }
}

/** The block comment opening at `at` (`/* … *\/`, Lua's `--[[ … ]]`): its end, or -1 when none opens. */
function blockCommentEnd(code: string, at: number, language: CodeLanguage): number {
  let close: string;
  if (language === 'lua') {
    const level = /^--\[(=*)\[/.exec(code.slice(at, at + 12))?.[1];
    if (level === undefined) return -1;
    close = `]${level}]`;
  } else if (['python', 'ruby', 'elixir', 'r'].includes(language)) return -1;
  else if (code.startsWith('/*', at)) close = '*/';
  else return -1;
  const end = code.indexOf(close, at + 2);
  return end < 0 ? code.length : end + close.length;
}

/**
 * Whether a `#` at `at` starts a comment in a language whose comments also read `//`: Terraform's,
 * PHP's (`# …`, not an attribute `#[Route('/')]`).
 */
function isHashComment(code: string, at: number, language: CodeLanguage): boolean {
  if (code[at] !== '#') return false;
  return language === 'terraform' || (language === 'php' && code[at + 1] !== '[');
}

export function tokenize(code: string, language: CodeLanguage): Token[] {
  const python = language === 'python';
  const comment = lineComment(language);
  const tokens: Token[] = [];
  const indents = [0];
  let depth = 0;
  let at = 0;
  let lineStart = true;
  // The line at `at`, kept up wherever a line break is consumed.
  let line = 0;
  const push = (kind: TokenKind, text: string) => tokens.push({ kind, text, line });
  while (at < code.length) {
    if (lineStart && python && depth === 0) {
      INDENT.lastIndex = at;
      const indent = INDENT.exec(code)?.[0] ?? '';
      const rest = code[at + indent.length];
      at += indent.length;
      lineStart = false;
      if (rest === '\n' || rest === '\r' || rest === '#' || rest === undefined) continue;
      const width = indent.replace(/\t/g, '    ').length;
      if (width > (indents[indents.length - 1] as number)) {
        indents.push(width);
        push('indent', 'INDENT');
      }
      while (width < (indents[indents.length - 1] as number)) {
        indents.pop();
        push('dedent', 'DEDENT');
      }
      continue;
    }
    const char = code[at] as string;
    const blockEnd = char === '/' || char === '-' ? blockCommentEnd(code, at, language) : -1;
    if (char === '\n') {
      if (python && depth === 0 && tokens.length > 0 && tokens[tokens.length - 1]?.kind !== 'newline') {
        const last = tokens[tokens.length - 1];
        if (last?.kind !== 'indent' && last?.kind !== 'dedent') push('newline', 'NEWLINE');
      }
      // Inside brackets a line break joins lines: the next line's indentation is no block's.
      lineStart = depth === 0;
      line += 1;
      at += 1;
    } else if (isSpace(char)) at += 1;
    else if (char === '\\' && code[at + 1] === '\n') {
      line += 1;
      at += 2;
    } else if (blockEnd >= 0) {
      line += countLines(code, at, blockEnd);
      at = blockEnd;
    } else if (code.startsWith(comment, at) || isHashComment(code, at, language)) {
      const end = code.indexOf('\n', at);
      at = end < 0 ? code.length : end;
    } else if (
      char === "'" &&
      language === 'rust' &&
      isNameStart(code[at + 1] ?? '') &&
      code[at + 2] !== "'"
    ) {
      // A lifetime (`'a`, `'static`), not a character literal.
      NAME.lastIndex = at + 1;
      const name = NAME.exec(code)?.[0] ?? '';
      push('name', `'${name}`);
      at += 1 + name.length;
    } else if (char === '"' || char === "'" || char === '`' || (python && stringPrefixLength(code, at) > 0)) {
      const prefix = python ? stringPrefixLength(code, at) : 0;
      const end = stringEnd(code, at + prefix);
      const text = code.slice(at + prefix, end);
      push('string', text);
      if (char === '`') tokens.push(...interpolations(text, language, line));
      line += countLines(code, at, end);
      at = end;
    } else if (isDigit(char) || (char === '.' && isDigit(code[at + 1]))) {
      NUMBER.lastIndex = at;
      const number = NUMBER.exec(code)?.[0] ?? char;
      push('number', number);
      at += number.length;
    } else if (isNameStart(char)) {
      NAME.lastIndex = at;
      const name = NAME.exec(code)?.[0] ?? char;
      push('name', name);
      at += name.length;
    } else {
      const candidates = OPERATORS_BY_FIRST.get(char) ?? [];
      // R's assignment, `x <- 1` (elsewhere `a<-1` compares with a negative number).
      const assignment = language === 'r' && code.startsWith('<-', at) ? '<-' : undefined;
      const operator = assignment ?? candidates.find((candidate) => code.startsWith(candidate, at)) ?? char;
      if (OPENERS.has(operator)) depth += 1;
      if (CLOSERS.has(operator)) depth = Math.max(0, depth - 1);
      push('op', operator);
      at += operator.length;
    }
  }
  if (python) {
    // As Python's own tokenizer: the last line ends whether or not the file ends with a line break.
    const last = tokens[tokens.length - 1];
    if (last !== undefined && last.kind !== 'newline') push('newline', 'NEWLINE');
    while (indents.length > 1) {
      indents.pop();
      push('dedent', 'DEDENT');
    }
  }
  return tokens;
}
