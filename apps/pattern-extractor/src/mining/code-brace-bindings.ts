/**
 * The names code in the brace languages (Go, Rust, Java, Kotlin, Scala, Swift, C#, C, C++, PHP, Dart)
 * binds itself, as `code-bindings.ts` finds them for Python and TypeScript: functions, types,
 * parameters, variables, fields, enum cases, closure parameters. The declaration forms these
 * languages share are few:
 * - a keyword before the name: `func`, `fn`, `fun`, `def`, `class`, `struct`, `val`, `let`, `var`…;
 * - a type before the name (`String id`, `int count = 0`, `List<Order> load(…) {`), in the languages
 *   whose parameters read `type name`;
 * - Go's `name := …`, struct fields `Name Type`, and PHP's `$variables`;
 * - parameter lists after a declared function, by the language's `ParameterStyle`;
 * - closures: `{ a, b -> …}`, `{ a in … }`, `|a, b|`, `a -> …`, `(a, b) => …`.
 * A name declared in a type's body (a field, a method, a case) is a member: `order.total` reads it.
 */
import { type Bindings, matchingClose } from './code-bindings';
import { type BraceLanguage, type BraceTraits, braceTraits, type ParameterStyle } from './code-languages';
import { CLOSERS, OPENERS, type Token } from './code-tokenizer';

/** Keywords before a function's name (or its parameter list, for closures and initialisers). */
const FUNCTION_KEYWORDS = new Set(['func', 'fn', 'fun', 'def', 'function', 'init', 'constructor']);
/** Keywords before a type's name; its body declares members. */
const TYPE_KEYWORDS = new Set([
  'class',
  'struct',
  'enum',
  'interface',
  'trait',
  'protocol',
  'actor',
  'object',
  'record',
  'union',
  'type',
  'typealias',
  'typedef',
  'mixin',
]);
/** Jumps that may name a label: the label is the code's own. */
const LABEL_JUMPS = new Set(['break', 'continue', 'goto']);
/** Keywords before a variable's name. */
const VARIABLE_KEYWORDS = new Set(['let', 'var', 'val', 'const', 'static']);
/** What may stand between a variable keyword and its name. */
const VARIABLE_MARKERS = new Set(['mut', 'ref', 'late', 'final', 'lazy', 'weak']);
/** Keywords before the project's own package or namespace path. */
const PACKAGE_KEYWORDS = new Set(['package', 'namespace', 'mod', 'module']);
/** Modifiers: they may precede a declaration's type or name. */
const MODIFIERS = new Set(
  (
    'public private protected internal fileprivate static final const readonly abstract virtual override ' +
    'sealed async extern inline volatile transient synchronized native unsafe open lateinit late required ' +
    'partial mutating nonisolated weak lazy export default pub suspend operator data inner companion ' +
    'implicit explicit constexpr mut ref out in params inout vararg'
  ).split(' '),
);
/** Modifiers of how an argument is passed: they make a parameter no property. */
const PASSING_MODIFIERS = new Set(['mut', 'ref', 'out', 'in', 'params', 'inout', 'vararg']);
/** Words after which no declaration's type can end: a name after them is used, not declared. */
const STATEMENT_WORDS = new Set(
  (
    'return throw new delete else case goto yield await echo print in is as instanceof sizeof typeof not ' +
    'and or do then using import package namespace break continue defer go select when match if for ' +
    'while switch catch with of'
  ).split(' '),
);
/** Keywords that are types, so a name after them is declared (`int count`, `void main(`). */
const TYPE_WORDS = new Set(
  (
    'void int char short long float double bool boolean byte signed unsigned auto var string object ' +
    'decimal uint ulong ushort sbyte dynamic struct enum union'
  ).split(' '),
);
/** What follows a name a type-first declaration declares: `T x = …`, `T x;`, `T x, y`, `T x[4]`… */
const DECLARATION_FOLLOWERS = new Set(['=', ';', ',', ')', ':', '[', 'in']);

interface Context {
  readonly tokens: readonly Token[];
  readonly language: BraceLanguage;
  readonly keywords: ReadonlySet<string>;
  readonly bindings: Bindings;
  /** Per `{`: whether it opens a type's body, and which keyword made the type. */
  readonly bodies: Map<number, string>;
}

/** The `(`, `[` or `{` that the bracket at `close` closes (-1 when none does). */
function matchingOpen(tokens: readonly Token[], close: number): number {
  let depth = 0;
  for (let at = close; at >= 0; at -= 1) {
    const text = (tokens[at] as Token).text;
    if (CLOSERS.has(text)) depth += 1;
    else if (OPENERS.has(text)) depth -= 1;
    if (depth === 0) return at;
  }
  return -1;
}

/** The end (exclusive) of a generic parameter list `<…>` or Go/Scala `[…]` at `at`, or `at`. */
function genericsEnd(tokens: readonly Token[], at: number, language: BraceLanguage): number {
  const open = tokens[at]?.text;
  if (open === '[' && (language === 'go' || language === 'scala')) return matchingClose(tokens, at) + 1;
  if (open !== '<') return at;
  let depth = 0;
  for (let index = at; index < tokens.length && index < at + 60; index += 1) {
    const text = (tokens[index] as Token).text;
    if (text === '<') depth += 1;
    else if (text === '>' || text === '>>') depth -= text.length;
    else if (text === ';' || text === '{' || text === '(') return at;
    if (depth <= 0) return index + 1;
  }
  return at;
}

function isName(token: Token | undefined): token is Token & { readonly kind: 'name' } {
  return token?.kind === 'name';
}

/** Splits a bracket group `(`…`)` into its comma-separated parts (token index ranges). */
function groupParts(tokens: readonly Token[], open: number): [number, number][] {
  const close = matchingClose(tokens, open);
  const parts: [number, number][] = [];
  let depth = 0;
  let start = open + 1;
  for (let at = open + 1; at < close; at += 1) {
    const text = (tokens[at] as Token).text;
    if (OPENERS.has(text) || text === '<') depth += 1;
    else if (CLOSERS.has(text) || text === '>') depth -= 1;
    else if (text === '>>') depth -= 2;
    else if (text === ',' && depth <= 0) {
      parts.push([start, at]);
      start = at + 1;
    }
  }
  if (start < close) parts.push([start, close]);
  return parts;
}

/** The names a parameter list declares, by the language's parameter style. */
function declareParameters(
  context: Context,
  open: number,
  { style = parameterStyle(context), members = false }: { style?: ParameterStyle; members?: boolean } = {},
): void {
  const { tokens, keywords, bindings } = context;
  for (const [from, to] of groupParts(tokens, open)) {
    // Annotations (`@PathVariable`, `@Valid`) and a default value are no part of the name.
    let start = from;
    while (tokens[start]?.text === '@' && isName(tokens[start + 1])) {
      start += 2;
      while (tokens[start]?.text === '.' && isName(tokens[start + 1])) start += 2;
      if (tokens[start]?.text === '(') start = matchingClose(tokens, start) + 1;
    }
    // The names up to a default value (`= …`), not those inside brackets or after a `.`.
    const names: number[] = [];
    let colon = -1;
    /** Names a parameter binds inside brackets: C's `void (*on_pair)(…)`, Rust's `Json(body): …`. */
    const inner: number[] = [];
    for (let at = start; at < to; at += 1) {
      const token = tokens[at] as Token;
      if (token.text === '=') break;
      if (token.text === ':' && colon < 0) colon = at;
      const pointer = tokens[at + 1]?.text === '*' && isName(tokens[at + 2]) && tokens[at + 3]?.text === ')';
      if (token.text === '(' && pointer && (context.language === 'c' || context.language === 'cpp'))
        inner.push(at + 2);
      else if (token.text === '(' && context.language === 'rust' && colon < 0 && isName(tokens[at - 1])) {
        // A tuple struct's pattern: its fields' names, not the struct's.
        names.pop();
        for (let index = at + 1; index < matchingClose(tokens, at); index += 1)
          if (isName(tokens[index]) && !['(', '::'].includes(tokens[index + 1]?.text ?? ''))
            inner.push(index);
      }
      if (OPENERS.has(token.text)) at = matchingClose(tokens, at);
      else if (token.text === '<') at = Math.max(at, genericsEnd(tokens, at, context.language) - 1);
      else if (isName(token) && tokens[at - 1]?.text !== '.' && tokens[at - 1]?.text !== '::') names.push(at);
    }
    const words = names.map((at) => (tokens[at] as Token).text);
    // `val id: Long`, `private readonly repo: Repo`: a parameter that is a property too.
    const property = words.some(
      (word) => VARIABLE_KEYWORDS.has(word) || (MODIFIERS.has(word) && !PASSING_MODIFIERS.has(word)),
    );
    // A modifier is one when a name follows it (`out int count`; a parameter may be named `out`).
    const own = names.filter((_at, index) => {
      const word = words[index] as string;
      const modifier = (MODIFIERS.has(word) || VARIABLE_KEYWORDS.has(word)) && index < names.length - 1;
      return word !== '_' && !modifier && !(keywords.has(word) && !word.startsWith('$'));
    });
    let declared: number[];
    if (inner.length > 0) declared = inner;
    else if (style === 'name-colon') declared = colon < 0 ? own.slice(-1) : own.filter((at) => at < colon);
    else if (style === 'name-type') declared = own.slice(0, 1);
    else declared = own.length > 0 ? [own[own.length - 1] as number] : [];
    for (const at of declared) {
      const text = (tokens[at] as Token).text;
      bindings.names.add(text);
      if (property || members) bindings.members.add(text);
    }
  }
}

function parameterStyle(context: Context): ParameterStyle {
  return braceTraits(context.language).parameters;
}

/** Binds `name` (as a member too when `member`). */
function bind(context: Context, name: string, member: boolean): void {
  if (context.keywords.has(name) && !name.startsWith('$')) return;
  context.bindings.names.add(name);
  if (member) context.bindings.members.add(name);
}

/** Whether the innermost open `{` opens a type's body. */
function inTypeBody(context: Context, stack: readonly number[]): boolean {
  const innermost = stack[stack.length - 1];
  return innermost !== undefined && context.bodies.has(innermost);
}

/**
 * Whether `tokens[at]` ends a type, so that a name right after it is declared: `String`, `int`,
 * `List<Order>`, `Order[]`, `char *`, `int?`. The type must start where a declaration can.
 */
function endsType(context: Context, at: number): boolean {
  const { tokens, keywords } = context;
  let index = at;
  const token = tokens[index];
  if (token === undefined) return false;
  if (token.text === '*' || token.text === '&' || token.text === '?') index -= 1;
  else if (token.text === ']' && tokens[index - 1]?.text === '[') index -= 2;
  else if (token.text === '>' || token.text === '>>') {
    let depth = 0;
    for (; index >= 0 && index > at - 60; index -= 1) {
      const text = (tokens[index] as Token).text;
      if (text === '>') depth += 1;
      else if (text === '>>') depth += 2;
      else if (text === '<') depth -= 1;
      else if (text === ';' || text === '{' || text === '}' || text === '=') return false;
      if (depth === 0) break;
    }
    index -= 1;
  }
  const last = tokens[index];
  if (!isName(last)) return false;
  if (STATEMENT_WORDS.has(last.text)) return false;
  if (keywords.has(last.text) && !TYPE_WORDS.has(last.text)) return false;
  // Back over a qualified name (`java.util.List`, `std::string`) to where the type starts.
  while ((tokens[index - 1]?.text === '.' || tokens[index - 1]?.text === '::') && isName(tokens[index - 2]))
    index -= 2;
  return startsDeclaration(context, index);
}

/** Whether a declaration can start at `tokens[at]`: after a statement, a modifier or an annotation. */
function startsDeclaration(context: Context, at: number): boolean {
  const { tokens } = context;
  const previous = tokens[at - 1];
  const token = tokens[at] as Token;
  if (previous === undefined || previous.line !== token.line) return true;
  if ([';', '{', '}', '(', ','].includes(previous.text)) return true;
  if (MODIFIERS.has(previous.text) || TYPE_WORDS.has(previous.text)) return true;
  // An annotation or attribute: `@Autowired Foo foo`, `@Valid Order order`, `[SerializeField] Foo foo`.
  if (previous.text === ']') return true;
  if (previous.text === ')') return endsAnnotation(tokens, at - 1);
  return isName(previous) && tokens[at - 2]?.text === '@';
}

/** Whether the group closing at `close` is an annotation's arguments: `@Size(max = 20)`. */
function endsAnnotation(tokens: readonly Token[], close: number): boolean {
  const open = matchingOpen(tokens, close);
  return isName(tokens[open - 1]) && tokens[open - 2]?.text === '@';
}

/** After a function's parameter list: does a body (or an expression body, or `;`) follow? */
function bodyFollows(tokens: readonly Token[], close: number): boolean {
  for (let at = close + 1; at < tokens.length && at < close + 40; at += 1) {
    const text = (tokens[at] as Token).text;
    if (text === '{' || text === '=>' || text === ';') return true;
    if (text === '=' || text === '(' || text === '}' || text === ')') return false;
    const word = tokens[at] as Token;
    if (!isName(word) && !['<', '>', ',', '.', '::', '?', '*', '&', ':', '[', ']', '->'].includes(text))
      return false;
    if (isName(word) && STATEMENT_WORDS.has(word.text)) return false;
  }
  return false;
}

/** Marks the `{` that opens the body of the type declared by `keyword` at `at`. */
function markBody(context: Context, at: number, keyword: string): void {
  const { tokens } = context;
  for (let index = at + 1; index < tokens.length && index < at + 200; index += 1) {
    const text = (tokens[index] as Token).text;
    if (text === '{') {
      context.bodies.set(index, keyword);
      return;
    }
    if (text === ';' || text === '=' || text === '}') return;
    if (text === '(' || text === '[') index = matchingClose(tokens, index);
  }
}

/** A function-like keyword at `at`: its name (after a Go receiver), generics and parameters. */
function declareFunction(context: Context, at: number, member: boolean): void {
  const { tokens, language } = context;
  let index = at + 1;
  let method = member;
  // Go's receiver: `func (s *Store) Get(…)`.
  const afterGroup = tokens[index]?.text === '(' ? matchingClose(tokens, index) + 1 : -1;
  if (language === 'go' && isName(tokens[afterGroup]) && tokens[afterGroup + 1]?.text === '(') {
    declareParameters(context, index, { style: 'name-type' });
    index = matchingClose(tokens, index) + 1;
    method = true;
  }
  // Kotlin's type parameters come before the name: `fun <T> retry(…)`.
  if (language === 'kotlin') index = genericsEnd(tokens, index, language);
  // Kotlin's extension functions, `fun String.slug()`, `fun List<Order>.total()`: the name is the
  // last before the parameters, and a member, called as `title.slug()`.
  const extension = index;
  for (;;) {
    if (!isName(tokens[index])) break;
    const receiverEnd = language === 'kotlin' ? genericsEnd(tokens, index + 1, language) : index + 1;
    if (tokens[receiverEnd]?.text !== '.' || !isName(tokens[receiverEnd + 1])) break;
    index = receiverEnd + 1;
  }
  if (isName(tokens[index])) {
    bind(context, (tokens[index] as Token).text, method || index > extension);
    index += 1;
  }
  index = genericsEnd(tokens, index, language);
  if (tokens[index]?.text === '(') declareParameters(context, index);
}

/** Names of a closure's parameter list before `end` (`->` or `in`), from the `{` at `open`. */
function declareClosure(context: Context, open: number, end: number): void {
  const { tokens } = context;
  let at = open + 1;
  if (tokens[at]?.text === '[') at = matchingClose(tokens, at) + 1; // Swift's capture list
  for (; at < end; at += 1) {
    const token = tokens[at] as Token;
    if (token.text === ':') {
      // A type annotation runs to the next comma.
      while (at < end && tokens[at + 1]?.text !== ',' && tokens[at + 1]?.text !== ')') at += 1;
    } else if (isName(token)) bind(context, token.text, false);
  }
}

/** The end of a closure's parameters opening at the `{` at `open` (its `->` or `in`), or -1. */
function closureParametersEnd(context: Context, open: number): number {
  const { tokens, language } = context;
  const arrow = language === 'swift' ? 'in' : '->';
  if (language !== 'swift' && language !== 'kotlin' && language !== 'scala') return -1;
  // Kotlin's `when (x) {` arms read `value ->` too.
  if (tokens[open - 1]?.text === 'when' || (tokens[open - 1]?.text === ')' && whenGroup(tokens, open - 1)))
    return -1;
  for (let at = open + 1; at < tokens.length && at < open + 30; at += 1) {
    const token = tokens[at] as Token;
    if (token.text === arrow || (language === 'scala' && token.text === '=>')) return at;
    const allowed = isName(token) || [',', '(', ')', ':', '[', ']', '.', '<', '>', '?'].includes(token.text);
    if (!allowed || (isName(token) && context.keywords.has(token.text) && token.text !== 'self')) return -1;
  }
  return -1;
}

/** Whether the group closing at `close` is a `when (…)` subject. */
function whenGroup(tokens: readonly Token[], close: number): boolean {
  return tokens[matchingOpen(tokens, close) - 1]?.text === 'when';
}

/**
 * What the code in a brace language binds itself, and which of those names are members. `imported`
 * holds the names its imports bring (null when it cannot tell, see `BraceTraits.ambient`).
 */
export function braceBindings(
  tokens: readonly Token[],
  language: BraceLanguage,
  imported: ReadonlySet<string> | null,
): Bindings {
  const traits = braceTraits(language);
  const context: Context = {
    tokens,
    language,
    keywords: traits.keywords,
    bindings: { names: new Set<string>(), members: new Set<string>() },
    bodies: new Map(),
  };
  const typeFirst = traits.parameters === 'type-name';
  // Open `{`s, innermost last.
  const braces: number[] = [];
  tokens.forEach((token, at) => {
    if (token.text === '{') {
      // A Rust enum's struct variant, `Circle { radius: f64 }`: its fields are members too.
      const outer = braces[braces.length - 1];
      if (
        language === 'rust' &&
        isName(tokens[at - 1]) &&
        outer !== undefined &&
        context.bodies.get(outer) === 'enum'
      )
        context.bodies.set(at, 'struct');
      braces.push(at);
      const end = closureParametersEnd(context, at);
      if (end >= 0) declareClosure(context, at, end);
      return;
    }
    if (token.text === '}') {
      braces.pop();
      return;
    }
    const previous = tokens[at - 1];
    const next = tokens[at + 1];
    if (
      token.text === '|' &&
      language === 'rust' &&
      ['(', ',', '=', 'move', '{', 'return'].includes(previous?.text ?? '')
    ) {
      // A Rust closure's parameters: `|a, b|`, `move |x|`.
      for (let index = at + 1; index < tokens.length && tokens[index]?.text !== '|'; index += 1) {
        const part = tokens[index] as Token;
        if (part.text === ':')
          while (tokens[index + 1] !== undefined && ![',', '|'].includes((tokens[index + 1] as Token).text))
            index += 1;
        else if (isName(part)) bind(context, part.text, false);
      }
      return;
    }
    if (token.text === ':=' && language === 'go') {
      // `a, b := …`: back over the names and commas.
      for (let index = at - 1; index >= 0; index -= 2) {
        const name = tokens[index];
        if (!isName(name)) break;
        bind(context, name.text, false);
        if (tokens[index - 1]?.text !== ',') break;
      }
      return;
    }
    if (token.text === '=>' && language === 'rust') {
      declareMatchArm(context, at);
      return;
    }
    if (language === 'scala' && token.text === '=>' && declareCaseClause(context, at)) return;
    if (language === 'scala' && token.text === '<' && next?.text === '-' && next.line === token.line) {
      // A generator of a for comprehension, `a <- xs`, `(k, v) <- pairs`: back over its pattern.
      let start = at - 1;
      if (tokens[start]?.text === ')') start = matchingOpen(tokens, start);
      for (let index = Math.max(start, 0); index < at; index += 1) {
        const part = tokens[index] as Token;
        if (isName(part) && /^[a-z]/.test(part.text)) bind(context, part.text, false);
      }
      return;
    }
    if ((token.text === '->' || token.text === '=>') && previous !== undefined) {
      // Java `x -> …`, C# and Dart `x => …`, `(a, b) => …` (not a return type or a match arm).
      const lambdaArrow =
        token.text === '->'
          ? language === 'java'
          : (typeFirst && language !== 'java') || language === 'scala';
      if (!lambdaArrow) return;
      const before = tokens[at - 2]?.text;
      if (isName(previous) && (before === '(' || before === ',' || before === '=' || before === 'return'))
        bind(context, previous.text, false);
      else if (previous.text === ')') {
        const open = matchingOpen(tokens, at - 1);
        if (
          open >= 0 &&
          (!isName(tokens[open - 1]) || STATEMENT_WORDS.has((tokens[open - 1] as Token).text))
        ) {
          for (const [from, to] of groupParts(tokens, open)) {
            const last = tokens[to - 1];
            if (isName(last) && to - from <= 3) bind(context, last.text, false);
          }
        }
      }
      return;
    }
    if (!isName(token)) return;
    const member = inTypeBody(context, braces);
    if (previous?.text === '.' || previous?.text === '::' || previous?.text === '->') return;
    const word = token.text;
    if (language === 'php' && word.startsWith('$') && word !== '$this') {
      bind(context, word, member);
      if (member) context.bindings.members.add(word.slice(1));
      return;
    }
    if (FUNCTION_KEYWORDS.has(word) && context.keywords.has(word)) {
      declareFunction(context, at, member);
      return;
    }
    if (word === 'typedef' && context.keywords.has(word)) {
      // C's `typedef struct { … } name;`: the name before the `;`.
      let end = at + 1;
      while (end < tokens.length && tokens[end]?.text !== ';') {
        end = tokens[end]?.text === '{' ? matchingClose(tokens, end) + 1 : end + 1;
      }
      if (isName(tokens[end - 1])) bind(context, (tokens[end - 1] as Token).text, false);
      return;
    }
    if (word === 'extension' && (language === 'swift' || language === 'dart')) {
      // `extension Array where Element == Double {`, `extension Money on int {`: the functions
      // inside are members of a type the code does not declare.
      markBody(context, at, word);
      return;
    }
    if (word === 'impl' && language === 'rust') {
      // `impl Config {`, `impl Display for Config {`: the functions inside are members.
      markBody(context, at, word);
      return;
    }
    if (TYPE_KEYWORDS.has(word) && context.keywords.has(word)) {
      // `enum class Color`, `data class`, `case class`: the name follows the last keyword.
      if (isName(next) && TYPE_KEYWORDS.has(next.text)) return;
      if (isName(next)) bind(context, next.text, member);
      markBody(context, at, previous?.text === 'enum' ? 'enum' : word);
      const generics = genericsEnd(tokens, at + 2, language);
      // A primary constructor or a record's components (`class User(val id: Long)`, `record P(int
      // x)`, `case class User(id: Long)`): fields of the type.
      if (isName(next) && tokens[generics]?.text === '(')
        declareParameters(context, generics, { members: true });
      return;
    }
    if (word === 'catch' && next?.text === '(') {
      // `catch (e: Exception)`, `catch (IOException e)`.
      declareParameters(context, at + 1);
      return;
    }
    if (LABEL_JUMPS.has(word) && next?.line === token.line) {
      // A loop label, named where a jump leaves it: `break outer`, `goto done`, Kotlin's `break@outer`.
      const label = next.text === '@' && language === 'kotlin' ? tokens[at + 2] : next;
      if (isName(label) && !context.keywords.has(label.text)) bind(context, label.text, false);
      return;
    }
    if (word === 'using' && language === 'cpp' && isName(next) && tokens[at + 2]?.text === '=') {
      // A C++ type alias, `using Counts = std::unordered_map<std::string, int>;`.
      bind(context, next.text, member);
      return;
    }
    if ((word === 'is' || word === 'instanceof') && (language === 'csharp' || language === 'java')) {
      // A type pattern's variable: `o is Todo todo`, `o is not Todo todo`, `o instanceof Todo todo`.
      let index = at + 1;
      if (tokens[index]?.text === 'not') index += 1;
      while (tokens[index + 1]?.text === '.' && isName(tokens[index + 2])) index += 2;
      const variable = tokens[index + 1];
      if (isName(tokens[index]) && isName(variable) && !context.keywords.has(variable.text))
        bind(context, variable.text, false);
      return;
    }
    if (word === 'auto' && language === 'cpp') {
      // A structured binding: `auto [key, value] = …`, `const auto& [key, count] : counts`.
      let open = at + 1;
      while (tokens[open]?.text === '&' || tokens[open]?.text === '&&') open += 1;
      if (tokens[open]?.text === '[') {
        for (let index = open + 1; index < matchingClose(tokens, open); index += 1)
          if (isName(tokens[index])) bind(context, (tokens[index] as Token).text, false);
        return;
      }
    }
    if (word === 'typename' && (previous?.text === '<' || previous?.text === ',') && isName(next)) {
      // A C++ template's type parameter: `template <typename T, typename U>`.
      bind(context, next.text, false);
      return;
    }
    if (word === 'define' && previous?.text === '#' && isName(next)) {
      bind(context, next.text, false);
      return;
    }
    if (word === 'for' && !typeFirst) {
      // `for x in xs`, `for (k, v) in map`, `for (x <- xs)`: the names before `in` or `<-`.
      for (let index = at + 1; index < tokens.length && index < at + 20; index += 1) {
        const part = tokens[index] as Token;
        if (part.text === 'in' || part.text === '<' || part.text === ':=' || part.text === '{') break;
        if (isName(part) && !context.keywords.has(part.text)) bind(context, part.text, false);
      }
      return;
    }
    if (PACKAGE_KEYWORDS.has(word) && context.keywords.has(word) && startsDeclaration(context, at)) {
      // The project's own package or namespace path: `package com.acme.billing;`.
      for (let index = at + 1; isName(tokens[index]); index += 2) {
        bind(context, (tokens[index] as Token).text, true);
        if (!['.', '::', '\\'].includes(tokens[index + 1]?.text ?? '')) break;
      }
      return;
    }
    if (VARIABLE_KEYWORDS.has(word) && context.keywords.has(word)) {
      let index = at + 1;
      while (
        isName(tokens[index]) &&
        (VARIABLE_MARKERS.has((tokens[index] as Token).text) ||
          VARIABLE_KEYWORDS.has((tokens[index] as Token).text))
      )
        index += 1;
      const target = tokens[index];
      if (target?.text === '(' && language === 'go') {
        // Go's `var (` / `const (` blocks: each line's first name.
        const close = matchingClose(tokens, index);
        for (let line = index + 1; line < close; line += 1) {
          const part = tokens[line] as Token;
          if (isName(part) && part.line !== tokens[line - 1]?.line) bind(context, part.text, false);
        }
      } else if (target?.text === '(' || target?.text === '[' || target?.text === '{') {
        declareDestructured(context, index);
      } else if (isName(target)) {
        const pattern = tokens[index + 1]?.text === '(' || tokens[index + 1]?.text === '{';
        // `if let Some(x) = …`: a pattern, its names inside.
        if (pattern && !typeFirst) declareDestructured(context, index + 1);
        else if (typeFirst && isName(tokens[index + 1])) {
          // `const int size = …`, `static Foo bar;`: the typed declaration below binds it.
        } else bind(context, target.text, member);
      }
      return;
    }
    if (word === 'case' && language === 'swift' && member) {
      for (let index = at + 1; isName(tokens[index]);) {
        bind(context, (tokens[index] as Token).text, true);
        index += 1;
        if (tokens[index]?.text === '(') index = matchingClose(tokens, index) + 1;
        if (tokens[index]?.text !== ',') break;
        index += 1;
      }
      return;
    }
    if ((word === 'get' || word === 'set') && language === 'dart' && isName(next)) {
      // A Dart getter or setter: `int get total => …`, `set total(int value) {`.
      const after = tokens[at + 2]?.text;
      if (word === 'get' ? after === '=>' || after === '{' : after === '(') {
        bind(context, next.text, true);
        if (word === 'set') declareParameters(context, at + 2);
      }
      return;
    }
    if (context.keywords.has(word) && !TYPE_WORDS.has(word)) return;
    const body = braces[braces.length - 1];
    const bodyKind = body === undefined ? undefined : context.bodies.get(body);
    // Enum cases: the names right after the body's `{` or a `,` at its depth.
    if (bodyKind === 'enum' && (previous?.text === '{' || previous?.text === ',')) {
      bind(context, word, true);
      return;
    }
    // Go struct fields (`Name Type`, `lo, hi int`) and interface methods (`Name(…)`): a line's
    // first names.
    if (language === 'go' && member && previous !== undefined && previous.line !== token.line) {
      let last = at;
      while (
        tokens[last + 1]?.text === ',' &&
        isName(tokens[last + 2]) &&
        tokens[last + 2]?.line === token.line
      )
        last += 2;
      const after = tokens[last + 1];
      if (isName(after) || ['*', '[', '('].includes(after?.text ?? ''))
        for (let index = at; index <= last; index += 2) bind(context, (tokens[index] as Token).text, true);
      return;
    }
    // Fields declared `name: Type` in a struct body (Rust) or interface (`name: Type;`).
    if (
      member &&
      !typeFirst &&
      next?.text === ':' &&
      (previous?.text === '{' ||
        previous?.text === ',' ||
        previous?.text === 'pub' ||
        previous?.line !== token.line)
    ) {
      bind(context, word, true);
      return;
    }
    if (!typeFirst) return;
    // Type-first declarations: `T name = …`, `T name;`, and functions `T name(…) {`.
    const declaredByType = previous !== undefined && endsType(context, at - 1);
    const declaredByModifier = previous !== undefined && MODIFIERS.has(previous.text) && next?.text === '=';
    // C++ initialises with braces too: `std::array<T, N> data_{};`.
    const braced =
      language === 'cpp' && next?.text === '{' && tokens[matchingClose(tokens, at + 1) + 1]?.text === ';';
    if (
      (declaredByType && next !== undefined && (DECLARATION_FOLLOWERS.has(next.text) || braced)) ||
      declaredByModifier
    ) {
      bind(context, word, member);
      if (typeFirst) declareMoreDeclarators(context, at + 1, member);
      return;
    }
    // A C# property: `public string Name { get; set; }`.
    if (declaredByType && next?.text === '{' && ['get', 'set', 'init'].includes(tokens[at + 2]?.text ?? '')) {
      bind(context, word, true);
      return;
    }
    const group = genericsEnd(tokens, at + 1, language);
    if (tokens[group]?.text !== '(') return;
    const constructor = previous !== undefined && MODIFIERS.has(previous.text);
    const close = matchingClose(tokens, group);
    if ((declaredByType || constructor) && bodyFollows(tokens, close)) {
      bind(context, word, member || constructor);
      declareParameters(context, group);
    } else if (declaredByType && language === 'cpp' && [';', ','].includes(tokens[close + 1]?.text ?? '')) {
      // An object made by its constructor, `Matrix a(2, 3), b(3, 2);`.
      bind(context, word, member);
      declareMoreDeclarators(context, close + 1, member);
    }
  });
  if (traits.ambient !== null && imported !== null) bindAmbient(context, traits.ambient, imported);
  return context.bindings;
}

/**
 * The declarators after a type-first declaration's first, from `at` (after that one's name or
 * arguments) to the `;`: `int rows_, cols_;`, `int a = 1, b = 2;`, `Matrix a(2, 3), b(3, 2);`.
 */
function declareMoreDeclarators(context: Context, at: number, member: boolean): void {
  const { tokens } = context;
  for (let index = at; index < tokens.length; index += 1) {
    const text = (tokens[index] as Token).text;
    if (text === ';' || text === '{' || text === '}' || text === ')') return;
    if (text === '(' || text === '[') index = matchingClose(tokens, index);
    else if (text === ',' && isName(tokens[index + 1])) {
      const follower = tokens[index + 2]?.text ?? ';';
      if (![',', ';', '=', '(', '[', '{'].includes(follower)) return;
      bind(context, (tokens[index + 1] as Token).text, member);
      index += 1;
    }
  }
}

/**
 * Binds the names used bare that are neither declared, imported nor standard: the project's own
 * package's (see `BraceTraits.ambient`). Not a member's name, nor a Go composite literal's key.
 */
function bindAmbient(
  context: Context,
  ambient: NonNullable<BraceTraits['ambient']>,
  imported: ReadonlySet<string>,
): void {
  const { tokens, keywords, bindings } = context;
  const memberOperators = new Set(['.', '?.', '::', '->']);
  tokens.forEach((token, at) => {
    if (!isName(token) || bindings.names.has(token.text) || keywords.has(token.text)) return;
    if (ambient.names.has(token.text) || imported.has(token.text)) return;
    if (ambient.capitalisedOnly && !/^[A-Z]/.test(token.text)) return;
    const previous = tokens[at - 1]?.text;
    if (previous !== undefined && memberOperators.has(previous)) return;
    if (previous === '@' && !ambient.capitalisedOnly) return;
    if (context.language === 'go' && tokens[at + 1]?.text === ':') return;
    bindings.names.add(token.text);
  });
}

/**
 * Back from `from` over balanced brackets: the first token at depth 0 that `stops` accepts, or the
 * unmatched opener around `from` (-1 when none is).
 */
function backToStop(tokens: readonly Token[], from: number, stops: (text: string) => boolean): number {
  let at = from;
  for (let depth = 0; at >= 0; at -= 1) {
    const text = (tokens[at] as Token).text;
    if (CLOSERS.has(text)) depth += 1;
    else if (OPENERS.has(text)) {
      if (depth === 0) break;
      depth -= 1;
    } else if (depth === 0 && stops(text)) break;
  }
  return at;
}

/**
 * The bindings of a Rust match arm's pattern, before its `=>` at `arrow`: `Ok(s)`, `Shape::Circle {
 * radius }`, `Some(n) if n > 0`. Lower-case names inside its brackets, but field names before `:`
 * (`Point { x: px }` binds `px`), calls and paths.
 */
function declareMatchArm(context: Context, arrow: number): void {
  const { tokens } = context;
  const start = backToStop(tokens, arrow - 1, (text) => text === ',');
  let end = arrow;
  for (let at = start + 1, depth = 0; at < arrow; at += 1) {
    const text = (tokens[at] as Token).text;
    if (OPENERS.has(text)) depth += 1;
    else if (CLOSERS.has(text)) depth -= 1;
    else if (depth === 0 && text === 'if') {
      end = at;
      break;
    }
  }
  let depth = 0;
  for (let at = start + 1; at < end; at += 1) {
    const token = tokens[at] as Token;
    if (OPENERS.has(token.text)) depth += 1;
    else if (CLOSERS.has(token.text)) depth -= 1;
    const next = tokens[at + 1]?.text;
    const path =
      next === '(' || next === '{' || next === '::' || next === ':' || tokens[at - 1]?.text === '::';
    if (depth > 0 && isName(token) && /^[a-z_]/.test(token.text) && !path) bind(context, token.text, false);
  }
}

/**
 * A Scala `case` clause ending at the `=>` at `arrow`: the names its pattern binds (`case Num(v)`,
 * `case Add(l, r) if l == r`, `case other`, `case n: Int`), not its extractors, types or guard.
 * False when no `case` leads to the arrow (a function literal's `=>`).
 */
function declareCaseClause(context: Context, arrow: number): boolean {
  const { tokens } = context;
  const start = backToStop(tokens, arrow - 1, (text) => text === 'case' || text === ';' || text === '=>');
  if (tokens[start]?.text !== 'case') return false;
  let typed = false;
  for (let at = start + 1, depth = 0; at < arrow; at += 1) {
    const token = tokens[at] as Token;
    if (OPENERS.has(token.text)) depth += 1;
    else if (CLOSERS.has(token.text)) depth -= 1;
    if (depth === 0 && token.text === 'if') break;
    // A type ascription runs to the next `,` or `)`: `n: Int`, `xs: List[Int]`.
    if (token.text === ':') typed = true;
    else if (token.text === ',' || token.text === ')') typed = false;
    const next = tokens[at + 1]?.text;
    const variable = isName(token) && /^[a-z]/.test(token.text) && next !== '(' && next !== '.';
    if (variable && !typed && tokens[at - 1]?.text !== '.') bind(context, token.text, false);
  }
  return true;
}

/** The names a destructuring pattern at `open` declares: `(a, b)`, `[x, y]`, `{ id, name }`, `Some(x)`. */
function declareDestructured(context: Context, open: number): void {
  const { tokens } = context;
  const close = matchingClose(tokens, open);
  for (let at = open + 1; at < close; at += 1) {
    const token = tokens[at] as Token;
    const next = tokens[at + 1]?.text;
    // Constructors of a pattern (`Some(x)`, `Point { x, y }`) are no names of the code's own.
    if (isName(token) && next !== '(' && next !== '{' && next !== '::' && tokens[at - 1]?.text !== '.') {
      bind(context, token.text, false);
    }
  }
}
