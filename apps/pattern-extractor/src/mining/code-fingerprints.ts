/**
 * Code fingerprints: the structure of generated code with identifiers, literal values, comments,
 * whitespace/formatting and import order normalised away, so a rename or a reformat collides while an
 * added branch or a different call does not. Python and TypeScript are read as below; the brace
 * languages (Go, Rust, Java, Kotlin, Scala, Swift, C#, C, C++, PHP, Dart) the same way, with their
 * own declaration forms (`code-brace-bindings.ts`) and import statements (`code-languages.ts`), and
 * Ruby, Lua, Elixir and R with theirs (`code-script-bindings.ts`); SQL, YAML and Terraform, which
 * declare data, and shell scripts and Dockerfiles, which run commands, have normal forms of their
 * own (`code-data-languages.ts`, `code-shell.ts`). The language comes from the caller, else a
 * Markdown fence's info string, else the code itself.
 *
 * A small tokenizer is enough (no parser dependency): the code is cut into names, operators, string
 * and number literals and, for Python, the layout tokens NEWLINE / INDENT / DEDENT (indentation
 * *levels*, not widths, so 2-space, 4-space and tab indents read the same). Then:
 * - comments and docstrings vanish; every string (JSX text too) becomes `STR`, every number `NUM`
 *   (`-1` too); TypeScript `;` and trailing commas vanish (formatters add and remove them freely);
 * - import statements are normalised and sorted to the top, and the names they bring are kept,
 *   unless they come from the project itself (`./user.service`, `from .models import User`): those
 *   are the code's own names, as aliases are;
 * - names the code binds itself (functions, classes, parameters, variables, loop targets, aliases,
 *   `self.x` / `this.x` members, declared fields such as `title: string` or `name = Column(…)`, also
 *   where another object's `.title` reads them) become positional placeholders `$0`, `$1`… by first
 *   occurrence: the author chose them, so a rename must collide, yet reusing one variable twice stays
 *   distinct from using two variables. Every other name is kept verbatim: keywords, builtins, imported
 *   modules, attribute and method names on other objects, keyword-argument names. Those carry the
 *   meaning of the code: `requests.get` and `requests.post`, `fetchone` and `fetchall`, differ.
 * Placeholders are numbered over the whole file rather than per scope: reordering functions is then a
 * different fingerprint, which is acceptable (it is a different file), and it keeps the rule simple.
 */
import { hash } from 'node:crypto';
import { braceBindings } from './code-brace-bindings';
import { type Bindings, boundNames, matchingClose, SELF_NAMES } from './code-bindings';
import { numbering, sqlNormalForm, terraformNormalForm, yamlNormalForm } from './code-data-languages';
import {
  SCRIPT_KEYWORDS,
  SCRIPT_MEMBER_OPERATORS,
  type ScriptLanguage,
  scriptBindings,
  scriptImports,
} from './code-script-bindings';
import { dockerfileNormalForm, makefileNormalForm, shellNormalForm } from './code-shell';
import {
  braceImports,
  braceTraits,
  type CodeLanguage,
  isBraceLanguage,
  normaliseLanguage,
} from './code-languages';
import {
  CLOSERS,
  OPENERS,
  PYTHON_KEYWORDS,
  type Token,
  tokenize,
  TYPESCRIPT_KEYWORDS,
} from './code-tokenizer';

export { type CodeLanguage, detectLanguage } from './code-languages';

/** Bump when a change to the algorithm changes fingerprints. */
export const ALGORITHM_VERSION = 'code-fingerprints/9';

/** A Markdown fence line: three or more backticks or tildes, then an optional info string. */
const FENCE_LINE = /^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^`\n]*$/;

/**
 * The code of a reply that wraps it in Markdown fences ("Here is the service:\n```ts\n…\n```"): the
 * fenced blocks' lines, joined, and the first block's info string as the language. Prose around
 * the blocks is no code; a block the reply ends inside (truncated output) runs to the end. Null when
 * no line opens a fence: then the whole text is the code.
 */
export function fencedCode(text: string): { code: string; language: string | undefined } | null {
  if (!text.includes('```') && !text.includes('~~~')) return null;
  const code: string[] = [];
  let language: string | undefined;
  let opened = false;
  /** The open block's fence (its closing line repeats the character, at least as many times). */
  let fence: string | null = null;
  /** The open fence's indentation (a block in a list item): its lines' indentation begins with it. */
  let indent = '';
  for (const line of text.split('\n')) {
    const match = FENCE_LINE.exec(line);
    if (fence === null) {
      if (match === null) continue;
      fence = match[1] as string;
      indent = /^[ \t]*/.exec(line)?.[0] ?? '';
      if (!opened && match[2] !== '') language = match[2];
      opened = true;
    } else if (match !== null && match[2] === '' && isClosing(match[1] as string, fence)) fence = null;
    else code.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
  }
  return opened ? { code: code.join('\n'), language } : null;
}

function isClosing(marker: string, fence: string): boolean {
  return marker[0] === fence[0] && marker.length >= fence.length;
}

export interface CodeFingerprint {
  readonly fingerprint: string;
  readonly language: CodeLanguage;
  /** The normalised token stream the fingerprint hashes, readable for audits and tests. */
  readonly normalized: string;
}

// ------------------------------------------------------------------------------------- statements

/** Cuts the token stream into statements: Python by NEWLINE, TypeScript by `;` and import ends. */
function splitImports(
  tokens: readonly Token[],
  language: 'python' | 'typescript',
): { imports: string[]; aliases: Set<string>; locals: Set<string>; body: Token[] } {
  const imports: string[] = [];
  const aliases = new Set<string>();
  const locals = new Set<string>();
  const body: Token[] = [];
  let at = 0;
  while (at < tokens.length) {
    const token = tokens[at] as Token;
    const previous = body[body.length - 1];
    // Without semicolons a TypeScript statement starts a line (`'use strict'` then `const fs = …`),
    // but for a dynamic `import(…)`.
    const atStatementStart =
      previous === undefined ||
      previous.kind === 'newline' ||
      previous.kind === 'dedent' ||
      previous.text === ';' ||
      previous.text === '}' ||
      (language === 'typescript' && previous.line < token.line && tokens[at + 1]?.text !== '(');
    const startsImport =
      token.kind === 'name' &&
      (token.text === 'import' || (language === 'python' && token.text === 'from')) &&
      atStatementStart;
    const required = language === 'typescript' && atStatementStart ? requireEnd(tokens, at) : -1;
    if (required >= 0) {
      imports.push(normaliseRequire(tokens.slice(at, required), aliases, locals));
      at = required;
      continue;
    }
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
    const written = tokens.slice(at, end + 1);
    const local = isLocalImport(written, language);
    const statement = local ? localImport(written, language) : written;
    // `import numpy as np`: the alias is the code's own name, renamed freely, as is the name a
    // default import gives the module (`import express from 'express'`). So is every name a local
    // import brings (`import { UserService } from './user.service'`): the project's own.
    statement.forEach((part, index) => {
      const named = part.kind === 'name' && !IMPORT_WORDS.has(part.text);
      const aliased = statement[index - 1]?.text === 'as' || (index === 1 && language === 'typescript');
      if (named && (local || aliased)) aliases.add(part.text);
      if (named && local) locals.add(part.text);
    });
    imports.push(normaliseImport(statement, aliases));
    at = end + 1;
  }
  return { imports: [...new Set(imports)].sort(), aliases, locals, body };
}

const IMPORT_WORDS = new Set(['import', 'from', 'as', 'type']);
/** A module path of the project itself rather than a package: `./x`, `../x`, `@/x`, `~/x`, `src/x`. */
const LOCAL_MODULE = /^["'](?:\.{1,2}|[@~]|src)\//;
/**
 * Top-level packages by which Python projects import their own code (`from app.db import
 * get_session`): the layouts of FastAPI, Django and Flask projects and their usual module names.
 * None is a package on PyPI that generated code would import.
 */
const PYTHON_PROJECT_PACKAGES = new Set(
  (
    'app src api core db database models schemas services crud routers utils config settings ' +
    'repositories domain tests'
  ).split(' '),
);

/**
 * An import of the project's own code: a relative module (`./user.service`, `from .models import
 * User`) or, in Python, a module of a project package (`from app.models import User`).
 */
function isLocalImport(statement: readonly Token[], language: 'python' | 'typescript'): boolean {
  if (language === 'python') {
    const root = statement[1];
    const fromModule = statement[0]?.text === 'from' && root !== undefined;
    return fromModule && (root.text.startsWith('.') || PYTHON_PROJECT_PACKAGES.has(root.text));
  }
  const module = statement.find((token) => token.kind === 'string');
  return module !== undefined && LOCAL_MODULE.test(module.text);
}

/** A local import with its module path, which follows the names it brings, made `'LOCAL'`. */
function localImport(statement: readonly Token[], language: 'python' | 'typescript'): Token[] {
  const local: Token = { kind: 'string', text: "'LOCAL'", line: statement[0]?.line ?? 0 };
  if (language !== 'python') return statement.map((token) => (token.kind === 'string' ? local : token));
  const names = statement.findIndex((token) => token.text === 'import');
  return [statement[0] as Token, local, ...statement.slice(names)];
}

/**
 * The end (exclusive) of a CommonJS import at `at` — `const fs = require('fs')`, `const { join } =
 * require('node:path')`, `const x = require('./x').default;` — or -1 when none starts there.
 */
function requireEnd(tokens: readonly Token[], at: number): number {
  if (!['const', 'let', 'var'].includes(tokens[at]?.text ?? '')) return -1;
  let index = at + 1;
  if (tokens[index]?.text === '{') index = matchingClose(tokens, index) + 1;
  else if (tokens[index]?.kind === 'name') index += 1;
  else return -1;
  const call = ['=', 'require', '(', 'string', ')'];
  for (const [offset, expected] of call.entries()) {
    const token = tokens[index + offset];
    if (token === undefined || (expected === 'string' ? token.kind !== 'string' : token.text !== expected))
      return -1;
  }
  index += call.length;
  while (tokens[index]?.text === '.' && tokens[index + 1]?.kind === 'name') index += 2;
  return tokens[index]?.text === ';' ? index + 1 : index;
}

/**
 * A CommonJS import as `require 'module' names`: destructured names sorted. The name that holds the
 * whole module (`const fs = require('fs')`) is the code's own, as an `import * as` alias is; so are
 * a renaming destructure's new names (`{ join: joinPath }`) and every name a local module brings.
 */
function normaliseRequire(statement: readonly Token[], aliases: Set<string>, locals: Set<string>): string {
  const call = statement.findIndex((token) => token.text === 'require');
  const module = statement[call + 2] as Token;
  const local = LOCAL_MODULE.test(module.text);
  const own = (name: string) => {
    aliases.add(name);
    if (local) locals.add(name);
    return 'ALIAS';
  };
  const target = statement.slice(1, call - 1);
  let names: string;
  if (target[0]?.text === '{') {
    const parts = target
      .slice(1, -1)
      .map((token) => token.text)
      .join(' ')
      .split(',')
      .map((part) => part.trim().split(/\s*:\s*/))
      .filter((part) => part[0] !== '')
      .map(([key, name]) => {
        if (name !== undefined) return `${key}: ${own(name)}`;
        return local ? own(key as string) : (key as string);
      });
    names = `{ ${parts.sort().join(' , ')} }`;
  } else names = own((target[0] as Token).text);
  const members = statement
    .slice(call + 4)
    .filter((token) => token.text !== ';')
    .map((token) => token.text)
    .join('');
  return `require '${local ? 'LOCAL' : module.text.slice(1, -1)}'${members} ${names}`;
}

/**
 * An import with the code's own names made `ALIAS`, its imported names sorted (`from x import b, a`
 * = `from x import a, b`, `import React, { b, a }` = `import React, { a, b }`) and its module in
 * single quotes (`from "x"` = `from 'x'`: a formatter's choice).
 */
function normaliseImport(tokens: readonly Token[], aliases: ReadonlySet<string>): string {
  const texts = tokens
    .filter((token) => token.kind !== 'newline' && token.text !== ';')
    .map((token) => {
      if (token.kind === 'name' && aliases.has(token.text)) return 'ALIAS';
      return token.kind === 'string' && /^["']/.test(token.text)
        ? `'${token.text.slice(1, -1)}'`
        : token.text;
    });
  const brace = texts.indexOf('{');
  const open = brace >= 0 ? brace : texts.indexOf('import');
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

// ------------------------------------------------------------------------------------- normalise

/** Keywords that are values themselves: a `-` after one is a subtraction. */
const VALUE_KEYWORDS = new Set([
  'None',
  'True',
  'False',
  'self',
  'this',
  'super',
  'null',
  'undefined',
  'true',
  'false',
]);

/** Whether `token` can end an operand, so that a `-` after it is binary. */
function endsValue(token: Token | undefined, keywords: ReadonlySet<string>): boolean {
  switch (token?.kind) {
    case 'number':
    case 'string':
      return true;
    case 'name':
      return !keywords.has(token.text) || VALUE_KEYWORDS.has(token.text);
    case 'op':
      return CLOSERS.has(token.text);
    default:
      return false;
  }
}

/** What `normaliseBody` needs to know of the code beside its tokens. */
interface BodyContext {
  readonly python: boolean;
  readonly keywords: ReadonlySet<string>;
  readonly bindings: Bindings;
  /** Import aliases and the names local imports bring: the code's own. */
  readonly aliases: ReadonlySet<string>;
  /** Names imported from the project's own modules: their members are the code's own too. */
  readonly locals: ReadonlySet<string>;
  /** Operators after which a name is a member: `.`, `?.`, and the language's own (`->`, `::`). */
  readonly memberOperators: ReadonlySet<string>;
}

function normaliseBody(
  tokens: readonly Token[],
  { python, keywords, bindings, aliases, locals, memberOperators }: BodyContext,
): string[] {
  const bound = new Set([...bindings.names, ...aliases]);
  const placeholder = numbering();
  const out: string[] = [];
  let skipNewline = false;
  let skipClose = -1;
  /**
   * Per open bracket, innermost last: whether it opens the arguments of a Python call to a callee
   * the code does not declare (whose keyword arguments are named by someone else).
   */
  const calls: boolean[] = [];
  tokens.forEach((token, at) => {
    const previous = tokens[at - 1];
    const next = tokens[at + 1];
    if (python && OPENERS.has(token.text)) {
      const defined = tokens[at - 2]?.text === 'def' || tokens[at - 2]?.text === 'class';
      const callee = previous?.kind === 'name' && !defined && !keywords.has(previous.text);
      const own =
        previous !== undefined &&
        (memberOperators.has(tokens[at - 2]?.text ?? '')
          ? bindings.members.has(previous.text)
          : bound.has(previous.text));
      calls.push(token.text === '(' && callee && !own);
    } else if (python && CLOSERS.has(token.text)) calls.pop();
    switch (token.kind) {
      case 'string': {
        // Adjacent literals are one literal split over lines (`"a" "b"`).
        if (previous?.kind === 'string') return;
        // A string alone on its line is a docstring: a comment in all but name.
        const alone =
          python &&
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
        if (token.text === ';' && !python) return;
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
        // `-1` is a literal value as `1` is: a unary minus on a number goes with the number.
        if (token.text === '-' && next?.kind === 'number' && !endsValue(previous, keywords)) return;
        if (token.text === ',' && next !== undefined && CLOSERS.has(next.text)) return;
        out.push(token.text);
        return;
      case 'name': {
        const isAttribute = previous !== undefined && memberOperators.has(previous.text);
        if (isAttribute) {
          // The code's own members, on its own object or another (`this.title`, `order.title`), and
          // those of the project's own modules (`userService.findUser`, imported from `./user.service`).
          const base = tokens[at - 2];
          const baseIsName = base?.kind === 'name' && tokens[at - 3]?.text !== '.';
          const own =
            bindings.members.has(token.text) ||
            (base?.kind === 'name' && SELF_NAMES.has(base.text)) ||
            (baseIsName && locals.has(base.text));
          // An environment variable's name is a key, as in `os.environ["X"]`: a literal value.
          const environment = base?.text === 'env' && tokens[at - 4]?.text === 'process';
          out.push(environment ? 'ENV' : own ? placeholder(`.${token.text}`) : token.text);
        } else if (
          token.text.startsWith('$') &&
          !bound.has(token.text) &&
          bindings.names.has(token.text.slice(1))
        ) {
          // Swift's projected value of the code's own property, `$isOn` beside `isOn`.
          const name = token.text.slice(1);
          out.push(`$${placeholder(bindings.members.has(name) ? `.${name}` : name)}`);
        } else if (keywords.has(token.text) || !bound.has(token.text)) out.push(token.text);
        // A keyword argument's name is the callee's (`params=params`), whatever the caller names;
        // the code's own callee's parameter is the code's own name.
        else if (
          next?.text === '=' &&
          calls[calls.length - 1] === true &&
          [',', '('].includes(previous?.text ?? '')
        )
          out.push(token.text);
        // A member's declaration shares the placeholder of its uses as `this.x`.
        else out.push(placeholder(bindings.members.has(token.text) ? `.${token.text}` : token.text));
        return;
      }
    }
  });
  return out;
}

/** What JSX text cannot hold: the brackets and operators of code around it. */
const NOT_JSX_TEXT = new Set(['{', '}', '(', ')', '<', '>', ';', '=', '=>']);

/**
 * JSX text (`<p>Loading...</p>`) as one string literal: it is a literal value, however many words it
 * has. Text is recognised right before a closing tag, back to the `>` that opens it.
 */
function jsxTextAsStrings(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  tokens.forEach((token, at) => {
    const closingTag = token.text === '<' && tokens[at + 1]?.text === '/';
    if (closingTag) {
      let start = out.length;
      while (start > 0 && !NOT_JSX_TEXT.has((out[start - 1] as Token).text)) start -= 1;
      const words = out.length - start;
      if (words > 0 && out[start - 1]?.text === '>')
        out.splice(start, words, { kind: 'string', text: 'JSX', line: token.line });
    }
    out.push(token);
  });
  return out;
}

/**
 * The structural fingerprint of `code`: equal for renames, reformatting, comments, literal values and
 * import order; different for an added branch, statement or a different call.
 */
export function fingerprintCode(generated: string, language?: string): CodeFingerprint {
  const text = generated.includes('\r') ? generated.replace(/\r\n?/g, '\n') : generated;
  const fenced = fencedCode(text);
  const code = fenced?.code ?? text;
  const resolved = normaliseLanguage(language ?? fenced?.language, code);
  // C is read as C++: the same code fenced as ```cpp or told C by its headers is one implementation.
  const dialect = resolved === 'c' ? 'cpp' : resolved;
  const normalized = normalForm(code, dialect);
  const digest = hash('sha256', `${ALGORITHM_VERSION}\u0000${dialect}\u0000${normalized}`, 'hex');
  return { fingerprint: digest.slice(0, 32), language: resolved, normalized };
}

const MEMBER_OPERATORS: ReadonlySet<string> = new Set(['.', '?.']);

function isScriptLanguage(language: CodeLanguage): language is ScriptLanguage {
  return language === 'ruby' || language === 'lua' || language === 'elixir' || language === 'r';
}

/** The normalised text of `code` in `language`, which the fingerprint hashes. */
function normalForm(code: string, language: CodeLanguage): string {
  if (language === 'sql') return sqlNormalForm(code);
  if (language === 'yaml') return yamlNormalForm(code);
  if (language === 'shell') return shellNormalForm(code);
  if (language === 'dockerfile') return dockerfileNormalForm(code);
  if (language === 'makefile') return makefileNormalForm(code);
  if (language === 'terraform') return terraformNormalForm(code);
  let imports: string[];
  let body: string[];
  if (isScriptLanguage(language)) {
    const split = scriptImports(code, language);
    const tokens = tokenize(split.body, language);
    imports = split.imports;
    body = normaliseBody(tokens, {
      python: false,
      keywords: SCRIPT_KEYWORDS[language],
      bindings: scriptBindings(tokens, language),
      aliases: new Set(split.ownNames),
      locals: new Set(split.localNames),
      memberOperators: new Set([...MEMBER_OPERATORS, ...SCRIPT_MEMBER_OPERATORS[language]]),
    });
  } else if (isBraceLanguage(language)) {
    const traits = braceTraits(language);
    const split = braceImports(code, language);
    const tokens = tokenize(split.body, language);
    imports = split.imports;
    body = normaliseBody(tokens, {
      python: false,
      keywords: traits.keywords,
      bindings: braceBindings(tokens, language, split.imported),
      aliases: new Set(split.ownNames),
      locals: new Set(split.ownNames),
      memberOperators: new Set([...MEMBER_OPERATORS, ...traits.memberOperators]),
    });
  } else {
    const split = splitImports(tokenize(code, language), language);
    const python = language === 'python';
    const keywords = python ? PYTHON_KEYWORDS : TYPESCRIPT_KEYWORDS;
    const tokens = python ? split.body : jsxTextAsStrings(split.body);
    imports = split.imports;
    body = normaliseBody(tokens, {
      python,
      keywords,
      bindings: boundNames(tokens, keywords),
      aliases: split.aliases,
      locals: split.locals,
      memberOperators: MEMBER_OPERATORS,
    });
  }
  const normalizedBody = body
    .join(' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n+/g, '\n')
    .trim();
  return [...imports, normalizedBody].filter((part) => part !== '').join('\n');
}
