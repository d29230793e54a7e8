/**
 * The names a piece of code binds itself: functions, classes, parameters, variables, loop targets,
 * aliases. Code fingerprints turn them into positional placeholders (see `code-fingerprints.ts`).
 */
import { CLOSERS, OPENERS, type Token } from './code-tokenizer';

/** The names by which code refers to its own object: `self.x`, `this.x`, `cls.x`, PHP's `$this->x`. */
export const SELF_NAMES: ReadonlySet<string> = new Set(['self', 'this', 'cls', '$this']);

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

/**
 * What may precede a TypeScript member or a constructor parameter that is also a property:
 * `private readonly repo`, `static cache = …`, `protected load() {`.
 */
const MEMBER_MODIFIERS = new Set(['private', 'protected', 'public', 'readonly', 'override', 'static']);

const LAYOUT_KINDS: ReadonlySet<string> = new Set(['newline', 'indent', 'dedent']);
/** What precedes a statement-level assignment target, beside layout. */
const STATEMENT_SEPARATORS = new Set([';', '{', '}', ',']);
/** What follows an assignment target: `x = …`, `x += …`, `a, b = …`, `x: int = …`. */
const TARGET_FOLLOWERS = new Set(['=', ':=', '+=', '-=', '*=', '/=', ',', ':']);

/** The bracket that closes the one at `open` (the last token when none does). */
export function matchingClose(tokens: readonly Token[], open: number): number {
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

/**
 * A TypeScript type parameter list `<T, U extends Base = Default>` opening at `open`: where it ends
 * (the index after its `>`) and the names it declares. No list (`end` is `open`, no names) when none
 * opens there or the `<` is a comparison (`if (a < b(c)) {`).
 */
function typeParameters(tokens: readonly Token[], open: number): { end: number; names: string[] } {
  const none = { end: open, names: [] };
  if (tokens[open]?.text !== '<') return none;
  const names: string[] = [];
  let depth = 0;
  for (let at = open; at < tokens.length && at < open + 200; at += 1) {
    const token = tokens[at] as Token;
    if (token.text === '<') depth += 1;
    else if (token.text === '>' || token.text === '>>') depth -= token.text.length;
    else if (token.kind === 'newline' || token.text === ';' || token.text === '{') return none;
    const previous = tokens[at - 1]?.text;
    if (token.kind === 'name' && depth === 1 && (previous === '<' || previous === ','))
      names.push(token.text);
    if (depth <= 0) return { end: at + 1, names };
  }
  return none;
}

/**
 * Names declared at depth 1 of the group `(`…`)` opening at `open`: parameters (with their TypeScript
 * property modifiers) and destructured names.
 */
function declaredInGroup(tokens: readonly Token[], open: number, { names: bound, members }: Bindings): void {
  const close = matchingClose(tokens, open);
  let depth = 0;
  /**
   * Per open bracket, innermost last: whether it holds declared names, the group itself or a
   * destructuring pattern in it, `([key, value]) =>`, `({ id, name }) =>`.
   */
  const patterns: boolean[] = [];
  const declaring = (previous: string | undefined) =>
    previous === '(' ||
    previous === ',' ||
    previous === '*' ||
    previous === '**' ||
    previous === '...' ||
    previous === '{' ||
    previous === '[';
  for (let at = open; at <= close; at += 1) {
    const token = tokens[at] as Token;
    const previous = tokens[at - 1]?.text;
    if (OPENERS.has(token.text)) {
      const pattern =
        depth === 0 ||
        ((token.text === '[' || token.text === '{') && patterns[depth - 1] === true && declaring(previous));
      patterns.push(pattern);
      depth += 1;
    } else if (CLOSERS.has(token.text)) {
      patterns.pop();
      depth -= 1;
    }
    // A parameter decorator, `@Param('id') id`: the name after it is the parameter.
    if (token.text === '@' && depth === 1) {
      let end = at + 1;
      while (tokens[end + 1]?.text === '.' && tokens[end + 2]?.kind === 'name') end += 2;
      if (tokens[end + 1]?.text === '(') end = matchingClose(tokens, end + 1);
      const name = tokens[end + 1];
      if (name?.kind === 'name') bound.add(name.text);
      at = end;
      continue;
    }
    const modifier = depth === 1 && previous !== undefined && MEMBER_MODIFIERS.has(previous);
    if (token.kind === 'name' && patterns[depth - 1] === true && (declaring(previous) || modifier)) {
      bound.add(token.text);
      if (previous !== undefined && MEMBER_MODIFIERS.has(previous)) members.add(token.text);
    }
  }
}

/** What code binds itself (see `code-fingerprints.ts` for why those become placeholders). */
export interface Bindings {
  readonly names: Set<string>;
  /**
   * The names among them that are members, used as `this.x`, `self.x` or `order.x`: methods,
   * fields (declared with a modifier, a type or in a Python class body), constructor parameter
   * properties.
   */
  readonly members: Set<string>;
}

/** Whether a name followed by `tokens[at]` is declared with a type: `x: T`, `x?: T`, `x!: T`. */
function typeAnnotationFollows(tokens: readonly Token[], at: number): boolean {
  const text = tokens[at]?.text;
  return text === ':' || ((text === '?' || text === '!') && tokens[at + 1]?.text === ':');
}

/**
 * The fields of TypeScript class and interface bodies and object types (`title: string;`,
 * `@Column() title?: string`) and of Python class bodies (`title: str`, `title = Column(String)`),
 * and Python annotations anywhere (`total: int`).
 */
function declareFields(tokens: readonly Token[], { names, members }: Bindings): void {
  // Per open bracket (TypeScript) or indented block (Python): whether it is a class body.
  const bodies: boolean[] = [];
  let bodyAhead = false;
  tokens.forEach((token, at) => {
    const previous = tokens[at - 1];
    if ((token.text === 'class' || token.text === 'interface') && previous?.text !== '.') bodyAhead = true;
    else if (token.text === 'type' && tokens[at + 1]?.kind === 'name') {
      // A TypeScript object type, `type Entry<V> = { value: V; expiresAt: number }`: fields too.
      const end = typeParameters(tokens, at + 2).end;
      if (tokens[end]?.text === '=' && tokens[end + 1]?.text === '{') bodyAhead = true;
    } else if (token.kind === 'indent' || OPENERS.has(token.text)) {
      bodies.push(bodyAhead && token.text !== '(' && token.text !== '[');
      if (token.text !== '(' && token.text !== '[') bodyAhead = false;
    } else if (token.kind === 'dedent' || CLOSERS.has(token.text)) bodies.pop();
    else if (token.kind === 'newline' && previous?.text !== ':') bodyAhead = false;
    if (token.kind !== 'name' || previous?.text === '.') return;
    const inBody = bodies[bodies.length - 1] === true;
    const pythonStatement = previous === undefined || LAYOUT_KINDS.has(previous.kind);
    const next = tokens[at + 1];
    if (inBody && (typeAnnotationFollows(tokens, at + 1) || (pythonStatement && next?.text === '='))) {
      names.add(token.text);
      members.add(token.text);
    } else if (inBody && isMethodSignature(tokens, at)) {
      names.add(token.text);
      members.add(token.text);
      const generics = typeParameters(tokens, at + 1);
      for (const name of generics.names) names.add(name);
      declaredInGroup(tokens, generics.end, { names, members });
    } else if (
      pythonStatement &&
      next?.text === ':' &&
      !LAYOUT_KINDS.has(tokens[at + 2]?.kind ?? 'newline')
    ) {
      names.add(token.text);
    }
  });
}

/**
 * Whether the name at `at` in a TypeScript class or interface body declares a method without a body:
 * `get(key: string): Promise<string>;` in an interface, `abstract load(): void;` in a class.
 */
function isMethodSignature(tokens: readonly Token[], at: number): boolean {
  const token = tokens[at] as Token;
  const previous = tokens[at - 1];
  const startsMember =
    previous === undefined ||
    previous.line !== token.line ||
    [';', '{', '}', 'abstract', 'async'].includes(previous.text) ||
    MEMBER_MODIFIERS.has(previous.text);
  const group = typeParameters(tokens, at + 1).end;
  if (!startsMember || tokens[group]?.text !== '(') return false;
  const close = matchingClose(tokens, group);
  const after = tokens[returnTypeEnd(tokens, close + 1)];
  // A Python call in a class body ends at a newline token; a signature at `;`, `}` or a new line.
  return (
    after === undefined ||
    [';', '}', ','].includes(after.text) ||
    (after.kind !== 'newline' && after.line !== (tokens[close] as Token).line)
  );
}

/** The names `tokens` bind, and which of them are members. */
export function boundNames(tokens: readonly Token[], keywords: ReadonlySet<string>): Bindings {
  const bindings: Bindings = { names: new Set<string>(), members: new Set<string>() };
  const bound = bindings.names;
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
      case 'enum': {
        if (next?.kind === 'name') bound.add(next.text);
        // A Python method: its first parameter is `self` or `cls`.
        if (token.text === 'def' && next?.kind === 'name' && SELF_NAMES.has(tokens[at + 3]?.text ?? ''))
          bindings.members.add(next.text);
        // The parameter list: right after the keyword (`function (`) or after the name and its type
        // parameters (`function paginate<T>(`).
        const generics = typeParameters(tokens, next?.kind === 'name' ? at + 2 : at + 1);
        for (const name of generics.names) bound.add(name);
        if (token.text !== 'class' && token.text !== 'interface' && tokens[generics.end]?.text === '(') {
          declaredInGroup(tokens, generics.end, bindings);
        }
        return;
      }
      case 'type':
        // A TypeScript type alias, `type UserInput<T> = …` (not a property or variable named `type`).
        if (next?.kind === 'name' && ['=', '<'].includes(tokens[at + 2]?.text ?? '')) {
          bound.add(next.text);
          for (const name of typeParameters(tokens, at + 2).names) bound.add(name);
        }
        break;
      case 'constructor':
        // A TypeScript constructor's parameters (`this.constructor` is a member, not a declaration).
        if (next?.text === '(' && previous?.text !== '.') declaredInGroup(tokens, at + 1, bindings);
        return;
      case 'const':
      case 'let':
      case 'var':
        if (next?.kind === 'name') bound.add(next.text);
        else if (next?.text === '{' || next?.text === '[') declaredInGroup(tokens, at + 1, bindings);
        return;
      case 'as':
      case 'catch':
        if (next?.kind === 'name') bound.add(next.text);
        if (next?.text === '(' && tokens[at + 2]?.kind === 'name') bound.add((tokens[at + 2] as Token).text);
        return;
      case 'break':
      case 'continue':
        // A loop label: `break outer`.
        if (next?.kind === 'name' && next.line === token.line && !keywords.has(next.text))
          bound.add(next.text);
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
        LAYOUT_KINDS.has(previous.kind) ||
        STATEMENT_SEPARATORS.has(previous.text) ||
        MEMBER_MODIFIERS.has(previous.text));
    if (statementLevel && next !== undefined && TARGET_FOLLOWERS.has(next.text)) {
      if (next.text === ',' || next.text === ':') {
        if (!isTupleOrAnnotatedTarget(tokens, at)) return;
      }
      bound.add(token.text);
      if (previous !== undefined && MEMBER_MODIFIERS.has(previous.text)) bindings.members.add(token.text);
    }
    // A TypeScript method: `name(params) {`, `name<T>(params): T {`.
    const generics = typeParameters(tokens, at + 1);
    const group = generics.end;
    if (tokens[group]?.text === '(' && !CONTROL_KEYWORDS.has(token.text)) {
      const close = matchingClose(tokens, group);
      const after = tokens[returnTypeEnd(tokens, close + 1)]?.text;
      // A method of an object literal, too: `reducers: { addItem(state, action) {…}, … }`.
      if (
        after === '{' &&
        previous?.text !== '.' &&
        (previous === undefined ||
          statementLevel ||
          previous.text === 'async' ||
          ((previous.text === '{' || previous.text === ',') && depths[at] !== 0) ||
          endsDecorator(tokens, at - 1))
      ) {
        bound.add(token.text);
        bindings.members.add(token.text);
        for (const name of generics.names) bound.add(name);
        declaredInGroup(tokens, group, bindings);
      }
    }
  });
  declareFields(tokens, bindings);
  tokens.forEach((token, at) => {
    // `(params) =>`, also where a keyword leads it: `return (a, b) => …`.
    if (token.text === '(') {
      const close = matchingClose(tokens, at);
      if (tokens[returnTypeEnd(tokens, close + 1)]?.text === '=>') declaredInGroup(tokens, at, bindings);
    }
    // `x => …` (not a return type: `): number =>`).
    const before = tokens[at - 1]?.text;
    if (token.kind === 'name' && tokens[at + 1]?.text === '=>' && before !== ':' && before !== '|') {
      bound.add(token.text);
    }
  });
  return bindings;
}

/** Whether `tokens[end]` ends a decorator: `@Get`, `@nest.Get`, `@Get(':id')`. */
function endsDecorator(tokens: readonly Token[], end: number): boolean {
  let at = end;
  if (tokens[at]?.text === ')') {
    for (let depth = 0; at >= 0; at -= 1) {
      const text = (tokens[at] as Token).text;
      if (CLOSERS.has(text)) depth += 1;
      else if (OPENERS.has(text)) depth -= 1;
      if (depth === 0) break;
    }
    at -= 1;
  }
  if (tokens[at]?.kind !== 'name') return false;
  while (tokens[at - 1]?.text === '.' && tokens[at - 2]?.kind === 'name') at -= 2;
  return tokens[at - 1]?.text === '@';
}

/** The bracket depth before each token, not counting `{}` (TypeScript blocks are statement level). */
function bracketDepths(tokens: readonly Token[]): number[] {
  const depths: number[] = [];
  const stack: string[] = [];
  let depth = 0;
  for (const token of tokens) {
    depths.push(depth);
    if (OPENERS.has(token.text)) {
      stack.push(token.text);
      if (token.text !== '{') depth += 1;
    } else if (CLOSERS.has(token.text)) {
      const opener = stack.pop();
      if (opener !== undefined && opener !== '{') depth -= 1;
    }
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
