/**
 * Ruby, Lua, Elixir and R for code fingerprints (see `code-fingerprints.ts`): languages with neither
 * types nor declaration keywords for variables, whose blocks end in `end`. What they bind:
 * - a name assigned at the start of a statement (`total = 0`, `a, b = …`, `{:ok, user} = …`,
 *   `count ||= 0`), and Lua's `local` names;
 * - functions: `def`, `defp`, `defmacro`, `function`, with their parameters (Ruby's may go without
 *   parentheses), and the names of classes and modules (`class Order`, `defmodule Shop.Cart`);
 * - block and closure parameters: `do |item|`, `{ |a, b| … }`, `fn acc, x -> … end`, the names of a
 *   `case` arm before its `->`, `for k, v in pairs(t)`, `rescue Error => e`;
 * - members: Ruby's `@ivar` and `attr_accessor :name`, Elixir's `defstruct [:name]` and `@attr`,
 *   methods. `order.total` reads them.
 * Imports (`require`, `require_relative`, `alias`, `import`, `use`, Lua's `local x = require "x"`)
 * are cut out and sorted, as the brace languages' are; Ruby's `=begin` blocks and Elixir's `@doc`
 * strings, as comments.
 */
import { type Bindings, matchingClose } from './code-bindings';
import { CLOSERS, OPENERS, type Token } from './code-tokenizer';

export type ScriptLanguage = 'ruby' | 'lua' | 'elixir' | 'r';

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));

export const SCRIPT_KEYWORDS: Record<ScriptLanguage, ReadonlySet<string>> = {
  ruby: words(
    'alias and begin break case class def defined do else elsif end ensure false for if in module next nil ' +
      'not or redo rescue retry return self super then true undef unless until when while yield lambda proc ' +
      'attr_accessor attr_reader attr_writer private protected public require require_relative include ' +
      'extend raise puts new',
  ),
  lua: words(
    'and break do else elseif end false for function goto if in local nil not or repeat return then true ' +
      'until while self require',
  ),
  elixir: words(
    'after and catch cond do else end false fn in nil not or rescue true when def defp defmacro defmacrop ' +
      'defmodule defstruct defimpl defprotocol defguard defdelegate case with receive quote unquote import ' +
      'alias require use try raise',
  ),
  r: words(
    'if else repeat while function for in next break TRUE FALSE NULL NA NA_integer_ NA_real_ ' +
      'NA_character_ Inf NaN return library require',
  ),
};

/** Operators after which a name is a member: `.` everywhere, Lua's `obj:method()`, Ruby's `::`. */
export const SCRIPT_MEMBER_OPERATORS: Record<ScriptLanguage, readonly string[]> = {
  ruby: ['::'],
  lua: [':'],
  elixir: [],
  r: ['$', '@'],
};

/** Keywords before a function's name. */
const FUNCTION_WORDS = new Set(['def', 'defp', 'defmacro', 'defmacrop', 'function', 'defguard']);
/** Keywords before a class's or module's name. */
const TYPE_WORDS = new Set(['class', 'module', 'defmodule', 'defprotocol']);
/** Calls whose symbol arguments name members: `attr_reader :name`, `defstruct [:name]`. */
const MEMBER_DECLARATIONS = new Set(['attr_accessor', 'attr_reader', 'attr_writer', 'defstruct']);
/** dplyr verbs whose named arguments create the data frame's columns: `mutate(total = price * qty)`. */
const COLUMN_VERBS = new Set(['mutate', 'transmute', 'summarise', 'summarize', 'reframe']);
/** RSpec's `let(:user) { … }`: the symbol names a value the examples use bare. */
const LET_WORDS = new Set(['let', 'let!', 'subject']);
/** Elixir's module attributes that are the language's own (`@doc`, `@spec`), not the module's. */
const ELIXIR_ATTRIBUTES = words(
  'doc moduledoc spec impl type typep opaque callback macrocallback behaviour derive enforce_keys tag ' +
    'since deprecated dialyzer compile on_load external_resource',
);

// ------------------------------------------------------------------------------------- imports

/** Import statements, one per line, by language. */
const IMPORTS: Record<ScriptLanguage, RegExp> = {
  ruby: /^[ \t]*(?:require|require_relative|load)[ \t(]+['"][^'"\n]*['"][ \t)]*(?:#[^\n]*)?$/gm,
  lua: /^[ \t]*(?:local[ \t]+\w+[ \t]*=[ \t]*)?require[ \t(]*['"][^'"\n]*['"][ \t);]*(?:--[^\n]*)?$/gm,
  elixir:
    /^[ \t]*(?:alias|import|use|require)[ \t]+[A-Z][\w.]*(?:\.\{[^}\n]*\})?(?:,[^\n#]*)?[ \t]*(?:#[^\n]*)?$/gm,
  r: /^[ \t]*(?:suppressPackageStartupMessages\()?(?:library|require)\(["']?[\w.]+["']?\)\)?[ \t;]*(?:#[^\n]*)?$/gm,
};

/**
 * Comments that the tokenizer does not know, blanked (their line breaks kept): Ruby's `=begin` …
 * `=end` blocks; Elixir's documentation attributes, which are docstrings in all but name.
 */
const COMMENTS: Record<ScriptLanguage, RegExp | null> = {
  ruby: /^=begin\b[\s\S]*?^=end\b[^\n]*/gm,
  lua: null,
  r: null,
  elixir: /^[ \t]*@(?:module|type)?doc[ \t]+(?:"{3}[\s\S]*?"{3}|~[sS]"{3}[\s\S]*?"{3}|"(?:[^"\\\n]|\\.)*")/gm,
};

export interface ScriptImports {
  readonly imports: string[];
  /** The names imports bind that are the code's own: Lua's `local json`, aliases, local modules. */
  readonly ownNames: string[];
  /** The modules of the project's own that imports bring: their members are the code's own too. */
  readonly localNames: string[];
  /** The code with its imports blanked (line breaks kept). */
  readonly body: string;
}

/** The project's own top-level module in Elixir: the first segment of the first `defmodule`. */
function elixirRoot(code: string): string | null {
  return /^[ \t]*defmodule[ \t]+([A-Z]\w*)/m.exec(code)?.[1] ?? null;
}

/** One import statement normalised, and the code's own names it binds. */
function scriptImport(
  statement: string,
  language: ScriptLanguage,
  root: string | null,
): { line: string; own: string[]; local: boolean } {
  const code = statement.replace(language === 'lua' ? /--[^\n]*$/ : /#[^\n]*$/, '');
  const text = code.trim().replace(/\s+/g, ' ').replace(/'/g, '"').replace(/[()]/g, ' ').trim();
  const path = /"([^"]*)"/.exec(text)?.[1] ?? '';
  switch (language) {
    case 'ruby':
      return text.startsWith('require_relative') || path.startsWith('.')
        ? { line: 'require LOCAL', own: [], local: true }
        : { line: `require "${path}"`, own: [], local: false };
    case 'r':
      return {
        line: `library(${/\((?:library|require)?\(?["']?([\w.]+)/.exec(code.replace(/\s/g, ''))?.[1] ?? ''})`,
        own: [],
        local: false,
      };
    case 'lua': {
      const name = /^local (\w+)/.exec(text)?.[1];
      const line = `require "${path}"${name === undefined ? '' : ' ALIAS'}`;
      return { line, own: name === undefined ? [] : [name], local: false };
    }
    case 'elixir': {
      const [keyword, module = ''] = text.split(/[ ,]+/);
      const alias = /\bas: ([A-Z]\w*)/.exec(text)?.[1];
      const local = root !== null && module.split('.')[0] === root;
      const own = local ? [module.split('.').pop() as string] : [];
      if (alias !== undefined) own.push(alias);
      const options = text.replace(/^\S+ [\w.]+(?:\.\{[^}]*\})?,? ?/, '').replace(/as: \w+/, 'as: ALIAS');
      const line = `${keyword} ${local ? 'LOCAL' : module}${options === '' ? '' : ` ${options}`}`;
      return { line, own, local };
    }
  }
}

/** Cuts the import statements out of Ruby, Lua or Elixir code, sorted (see `braceImports`). */
export function scriptImports(code: string, language: ScriptLanguage): ScriptImports {
  const root = language === 'elixir' ? elixirRoot(code) : null;
  const imports = new Set<string>();
  const ownNames: string[] = [];
  const localNames: string[] = [];
  const comments = COMMENTS[language];
  const uncommented = comments === null ? code : code.replace(comments, (text) => text.replace(/[^\n]/g, ''));
  const body = uncommented.replace(IMPORTS[language], (statement) => {
    const { line, own, local } = scriptImport(statement, language, root);
    imports.add(line);
    ownNames.push(...own);
    if (local) localNames.push(...own);
    return '';
  });
  return { imports: [...imports].sort(), ownNames, localNames, body };
}

// ------------------------------------------------------------------------------------- bindings

interface Context {
  readonly tokens: readonly Token[];
  readonly language: ScriptLanguage;
  readonly keywords: ReadonlySet<string>;
  readonly bindings: Bindings;
}

function isName(token: Token | undefined): token is Token & { readonly kind: 'name' } {
  return token?.kind === 'name';
}

function bind(context: Context, name: string, member = false): void {
  if (context.keywords.has(name)) return;
  context.bindings.names.add(name);
  if (member) context.bindings.members.add(name);
}

/** Whether a statement starts at `at`: first on its line, or after `;`. */
function startsStatement(tokens: readonly Token[], at: number): boolean {
  const previous = tokens[at - 1];
  return previous === undefined || previous.line !== (tokens[at] as Token).line || previous.text === ';';
}

/**
 * Whether the name at `at` is a variable of a pattern: neither a key (`name:`), nor an atom
 * (`:ok`), nor a member (`.x`), nor a call (`f(`), nor a module (`User`).
 */
function isPatternVariable(tokens: readonly Token[], at: number): boolean {
  const token = tokens[at] as Token;
  const previous = tokens[at - 1]?.text;
  const next = tokens[at + 1]?.text;
  if (!isName(token) || /^[A-Z]/.test(token.text)) return false;
  return previous !== ':' && previous !== '.' && previous !== '@' && next !== ':' && next !== '(';
}

/** Binds the variables of the pattern in `tokens[from, to)`. */
function bindPattern(context: Context, from: number, to: number): void {
  for (let at = from; at < to; at += 1) {
    if (isPatternVariable(context.tokens, at)) bind(context, (context.tokens[at] as Token).text);
  }
}

/** The comma-separated parts of `tokens[from, to)` at bracket depth 0. */
function parts(tokens: readonly Token[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let start = from;
  for (let at = from; at < to; at += 1) {
    const text = (tokens[at] as Token).text;
    if (text === '(' || text === '[' || text === '{') at = matchingClose(tokens, at);
    else if (text === ',') {
      out.push([start, at]);
      start = at + 1;
    }
  }
  if (start < to) out.push([start, to]);
  return out;
}

/** Parameters in `tokens[from, to)`: Ruby's and Lua's names, Elixir's patterns up to a default. */
function declareParameters(context: Context, from: number, to: number): void {
  const { tokens } = context;
  for (const [start, end] of parts(tokens, from, to)) {
    if (context.language === 'elixir') {
      const defaultAt = tokens.slice(start, end).findIndex((token) => token.text === '\\');
      bindPattern(context, start, defaultAt < 0 ? end : start + defaultAt);
      continue;
    }
    // `*rest`, `**opts`, `&block`, `name:` (a keyword argument), `name = 1`: the first name.
    const name = tokens.slice(start, end).find((token) => isName(token));
    if (name !== undefined) bind(context, name.text);
  }
}

/** A function keyword at `at`: its name (`self.x`, `M.x`, `M:x`: the last part) and parameters. */
function declareFunction(context: Context, at: number): void {
  const { tokens } = context;
  let index = at + 1;
  while (
    isName(tokens[index]) &&
    ['.', ':'].includes(tokens[index + 1]?.text ?? '') &&
    isName(tokens[index + 2])
  ) {
    if (tokens[index]?.text !== 'self') bind(context, (tokens[index] as Token).text);
    index += 2;
  }
  if (!isName(tokens[index])) {
    // An anonymous Lua function, `function(a, b)`.
    if (tokens[index]?.text === '(') declareParameters(context, index + 1, matchingClose(tokens, index));
    return;
  }
  bind(context, (tokens[index] as Token).text, true);
  index += 1;
  while (tokens[index]?.text === '?' || tokens[index]?.text === '!') index += 1;
  if (tokens[index]?.text === '(') {
    declareParameters(context, index + 1, matchingClose(tokens, index));
  } else if (context.language === 'ruby') {
    // `def greet name, greeting = "hi"`: the parameters run to the end of the line.
    let end = index;
    while (end < tokens.length && tokens[end]?.line === tokens[index]?.line) end += 1;
    declareParameters(context, index, end);
  }
}

/** Assignment targets at a statement start: `a = …`, `a, b = …`, `{:ok, x} = …`, `x ||= …`. */
function declareAssignment(context: Context, at: number): void {
  const { tokens } = context;
  let index = at;
  const from = at;
  for (;;) {
    const token = tokens[index];
    if (token?.text === '{' || token?.text === '[' || token?.text === '%' || token?.text === '(') {
      if (token.text === '%') index += tokens[index + 1]?.text === '{' ? 1 : 2;
      if (tokens[index]?.text !== '{' && tokens[index]?.text !== '[' && tokens[index]?.text !== '(') return;
      index = matchingClose(tokens, index) + 1;
    } else if (isName(token) && tokens[index - 1]?.text !== '@') index += 1;
    else return;
    if (tokens[index]?.text !== ',') break;
    index += 1;
  }
  const operator = tokens[index]?.text;
  const assigns =
    operator === '=' ||
    operator === '<-' ||
    ((operator === '||' || operator === '&&') && tokens[index + 1]?.text === '=');
  if (!assigns) return;
  bindPattern(context, from, index);
  // A capitalised name assigned alone: a Ruby constant (`TAX_RATE = 0.2`, also read as
  // `Invoice::TAX_RATE`), a Lua or R variable like any other. Elixir binds no module.
  const target = tokens[from];
  if (index === from + 1 && isName(target) && /^[A-Z]/.test(target.text) && context.language !== 'elixir')
    bind(context, target.text, context.language === 'ruby');
}

/** What Ruby, Lua or Elixir code binds itself, and which of those names are members. */
export function scriptBindings(tokens: readonly Token[], language: ScriptLanguage): Bindings {
  const context: Context = {
    tokens,
    language,
    keywords: SCRIPT_KEYWORDS[language],
    bindings: { names: new Set<string>(), members: new Set<string>() },
  };
  // Open `(` and `[` before each token: a line inside them continues an argument list, no statement.
  let open = 0;
  const inArguments = tokens.map((token) => {
    const inside = open > 0;
    if (token.text === '(' || token.text === '[') open += 1;
    else if ((token.text === ')' || token.text === ']') && open > 0) open -= 1;
    return inside;
  });
  tokens.forEach((token, at) => {
    const previous = tokens[at - 1];
    const next = tokens[at + 1];
    if (token.text === '@' && isName(next) && next.line === token.line) {
      // Ruby's instance variables; Elixir's module attributes but the language's own.
      if (language === 'ruby' || (language === 'elixir' && !ELIXIR_ATTRIBUTES.has(next.text)))
        bind(context, next.text, true);
      return;
    }
    if (token.text === '|' && language === 'ruby' && (previous?.text === 'do' || previous?.text === '{')) {
      // A block's parameters: `do |item, index|`, `{ |(k, v)| … }`.
      let end = at + 1;
      while (end < tokens.length && tokens[end]?.text !== '|' && tokens[end]?.line === token.line) end += 1;
      bindPattern(context, at + 1, end);
      return;
    }
    if (token.text === '->' && language === 'elixir') {
      // A clause head before `->` on its line, or on the lines its brackets span: `fn acc, x ->`,
      // `{:ok, user} ->`, `x when x > 0 ->`, `fn {_k,\n times} ->`.
      let start = at;
      for (let depth = 0; start > 0; start -= 1) {
        const before = tokens[start - 1] as Token;
        if (depth === 0 && (before.text === 'fn' || before.line !== (tokens[start] as Token).line)) break;
        if (CLOSERS.has(before.text)) depth += 1;
        else if (OPENERS.has(before.text)) {
          if (depth === 0) break;
          depth -= 1;
        }
      }
      const guard = tokens.slice(start, at).findIndex((part) => part.text === 'when');
      bindPattern(context, start, guard < 0 ? at : start + guard);
      return;
    }
    if (token.text === '=>' && previous?.text !== undefined && language === 'ruby' && isName(next)) {
      // `rescue ActiveRecord::RecordInvalid => e`.
      const line = tokens.filter((part) => part.line === token.line);
      if (line[0]?.text === 'rescue') bind(context, next.text);
      return;
    }
    // A pattern at a statement's start (`{:ok, user} = …`) opens with a bracket, not a name.
    if (['{', '[', '%'].includes(token.text) && startsStatement(tokens, at)) declareAssignment(context, at);
    if (!isName(token)) return;
    const word = token.text;
    if (previous?.text === '.' || previous?.text === '::' || previous?.text === '@') return;
    if (FUNCTION_WORDS.has(word)) {
      declareFunction(context, at);
      return;
    }
    if (TYPE_WORDS.has(word)) {
      // `class Order < ApplicationRecord`, `module Billing`, `defmodule Shop.Cart do`.
      for (let index = at + 1; isName(tokens[index]); index += 2) {
        bind(context, (tokens[index] as Token).text, true);
        if (tokens[index + 1]?.text !== '.' && tokens[index + 1]?.text !== '::') break;
      }
      return;
    }
    if (MEMBER_DECLARATIONS.has(word) || (LET_WORDS.has(word) && next?.text === '(')) {
      // `attr_reader :name, :email`, `defstruct [:name, email: nil]`, `let(:user) { … }`.
      for (let index = at + 1; index < tokens.length && tokens[index]?.line === token.line; index += 1) {
        const part = tokens[index] as Token;
        const symbol = isName(part) && (tokens[index - 1]?.text === ':' || tokens[index + 1]?.text === ':');
        if (symbol) bind(context, part.text, MEMBER_DECLARATIONS.has(word));
        if (LET_WORDS.has(word) && part.text === ')') break;
      }
      return;
    }
    if (COLUMN_VERBS.has(word) && language === 'r' && next?.text === '(') {
      for (const [start] of parts(tokens, at + 2, matchingClose(tokens, at + 1))) {
        const column = tokens[start];
        if (isName(column) && tokens[start + 1]?.text === '=') bind(context, column.text);
      }
      return;
    }
    if (word === 'local' && language === 'lua') {
      // `local a, b = …`, `local function f(…)`.
      if (next?.text === 'function') return;
      for (let index = at + 1; isName(tokens[index]); index += 2) {
        bind(context, (tokens[index] as Token).text);
        if (tokens[index + 1]?.text !== ',') break;
      }
      return;
    }
    if (word === 'for') {
      // `for k, v in pairs(t) do`, `for i = 1, n do`, `for item in items`.
      for (let index = at + 1; isName(tokens[index]); index += 2) {
        bind(context, (tokens[index] as Token).text);
        if (tokens[index + 1]?.text !== ',') break;
      }
      return;
    }
    if (startsStatement(tokens, at) && !inArguments[at]) declareAssignment(context, at);
  });
  return context.bindings;
}
