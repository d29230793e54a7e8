import { numbering } from './code-data-languages';

/**
 * Shell scripts, Dockerfiles and Makefiles for code fingerprints (see `code-fingerprints.ts`). A
 * shell command reads as its command name, its flags and, for tools with subcommands (`git push`,
 * `docker build`), its subcommand: those are the structure. Its other words (paths, messages,
 * package names, URLs) are literal values, `VAL`; the variables and functions the script defines
 * are placeholders, by first occurrence; the environment's (`$HOME`, `$GITHUB_SHA`) and the
 * positional ones (`$1`, `$@`) are kept. Quotes, comments, line continuations, `;` against a line
 * break and the placement of `{`, `then` and `do` are layout. A Dockerfile reads as its
 * instructions, each in the same terms: `RUN`, `CMD` and `ENTRYPOINT` hold shell commands; the keys
 * of `ENV`, `ARG` and `LABEL` are kept. A Makefile reads as its assignments, rules and recipes,
 * recipes being shell commands.
 */

interface ShellToken {
  readonly kind: 'word' | 'op' | 'newline';
  readonly text: string;
}

/** Shell operators, longest first. */
const OPERATORS = [
  '2>&1',
  '&>>',
  '<<-',
  '&&',
  '||',
  ';;',
  '>>',
  '<<',
  '2>',
  '&>',
  '|',
  '&',
  ';',
  '(',
  ')',
  '<',
  '>',
];
/** Reserved words and builtins that shape a script: kept as written. */
const KEYWORDS = new Set(
  (
    'if then else elif fi for in do done while until case esac function select return exit local export ' +
    'readonly declare typeset set shift break continue eval exec trap source unset wait time'
  ).split(' '),
);
/** After these a command starts. */
const COMMAND_STARTERS = new Set([
  '|',
  '||',
  '&&',
  ';',
  '&',
  '(',
  '{',
  'then',
  'do',
  'else',
  'elif',
  'if',
  'while',
  'until',
  '!',
  'time',
  'exec',
  'sudo',
  'xargs',
]);
/** What a line break before needs no separator: a block opens or goes on. */
const NO_SEPARATOR_BEFORE = new Set([
  '{',
  '}',
  'then',
  'do',
  'else',
  'elif',
  'fi',
  'done',
  'esac',
  ';;',
  ')',
]);
/** Declaration builtins: their arguments are assignments or names. */
const DECLARERS = new Set(['local', 'export', 'readonly', 'declare', 'typeset']);
/** Tools whose first argument is a subcommand, which is structure (`git push` ≠ `git pull`). */
const SUBCOMMAND_TOOLS = new Set(
  (
    'git docker docker-compose podman kubectl helm npm pnpm yarn npx bun pip pip3 poetry uv conda apt apt-get ' +
    'apk dnf yum brew systemctl service terraform aws gcloud az gh cargo go dotnet mvn gradle make ' +
    'rustup nvm composer bundle rails rake mix kind minikube flyctl heroku'
  ).split(' '),
);
/** The variables a shell sets itself: kept, as the environment's are. */
const SPECIAL_VARIABLE = /^(?:\d+|[@*#?$!-])$/;
const NAME = /^[A-Za-z_]\w*$/;
const ASSIGNMENT = /^([A-Za-z_]\w*)(?:\[[^\]]*\])?\+?=/;
/** A variable an arithmetic expression sets: `i = 0`, `total += n`, `i++`, `--left`. */
const ARITHMETIC_ASSIGNMENT =
  /(?<![\w$])([A-Za-z_]\w*)\s*(?:(?:\*\*|<<|>>|[-+*/%&|^])?=(?!=)|\+\+|--)|(?:\+\+|--)\s*([A-Za-z_]\w*)/g;

/** Cuts shell code into words, operators and line breaks (heredoc bodies become one `HEREDOC` word). */
function shellTokens(code: string): ShellToken[] {
  const tokens: ShellToken[] = [];
  const heredocs: string[] = [];
  let at = 0;
  let word = '';
  const flush = () => {
    if (word !== '') tokens.push({ kind: 'word', text: word });
    word = '';
  };
  while (at < code.length) {
    const char = code[at] as string;
    if (char === '\\' && code[at + 1] === '\n') {
      at += 2;
    } else if (char === '\\') {
      word += code.slice(at, at + 2);
      at += 2;
    } else if (char === '\n') {
      flush();
      tokens.push({ kind: 'newline', text: '\n' });
      at += 1;
      for (const delimiter of heredocs.splice(0)) {
        // The body runs to the line that holds only the delimiter.
        const end = new RegExp(`^[ \\t]*${delimiter}[ \\t]*$`, 'm');
        const match = end.exec(code.slice(at));
        at = match === null ? code.length : at + match.index + match[0].length;
        tokens.push({ kind: 'word', text: 'HEREDOC' });
      }
    } else if (char === ' ' || char === '\t' || char === '\r') {
      flush();
      at += 1;
    } else if (char === '#' && word === '') {
      const end = code.indexOf('\n', at);
      at = end < 0 ? code.length : end;
    } else if (char === "'" || char === '"' || char === '`') {
      const end = quotedEnd(code, at);
      word += code.slice(at, end);
      at = end;
    } else if (char === '$' && code[at + 1] === '(') {
      const end = groupEnd(code, at + 1);
      word += code.slice(at, end);
      at = end;
    } else if (char === '(' && code[at + 1] === '(' && word === '') {
      // An arithmetic command or C-style loop head, `(( n++ ))`, `for ((i = 0; i < n; i++))`: one word.
      flush();
      const end = groupEnd(code, at);
      tokens.push({ kind: 'word', text: code.slice(at, end) });
      at = end;
    } else {
      const operator = OPERATORS.find((candidate) => code.startsWith(candidate, at));
      if (
        operator === undefined ||
        (operator === '2>' && word !== '') ||
        (operator === '2>&1' && word !== '')
      ) {
        word += char;
        at += 1;
        continue;
      }
      flush();
      tokens.push({ kind: 'op', text: operator });
      at += operator.length;
      if (operator === '<<' || operator === '<<-') {
        const delimiter = /^[ \t]*['"]?([\w-]+)['"]?/.exec(code.slice(at, at + 80));
        if (delimiter !== null) {
          heredocs.push((delimiter[1] as string).replace(/-/g, '\\-'));
          at += delimiter[0].length;
        }
      }
    }
  }
  flush();
  return tokens;
}

/** The end (exclusive) of the quoted text opening at `start`. */
function quotedEnd(code: string, start: number): number {
  const quote = code[start] as string;
  let at = start + 1;
  while (at < code.length && code[at] !== quote) at += quote !== "'" && code[at] === '\\' ? 2 : 1;
  return Math.min(code.length, at + 1);
}

/** The end (exclusive) of the parenthesised group opening at `open`, quotes respected. */
function groupEnd(code: string, open: number): number {
  let depth = 0;
  for (let at = open; at < code.length; at += 1) {
    const char = code[at] as string;
    if (char === "'" || char === '"' || char === '`') at = quotedEnd(code, at) - 1;
    else if (char === '(') depth += 1;
    else if (char === ')' && --depth === 0) return at + 1;
  }
  return code.length;
}

/** The names a script defines: assigned, read, looped over, declared, or functions. */
function definedNames(tokens: readonly ShellToken[]): Set<string> {
  const names = new Set<string>();
  tokens.forEach((token, at) => {
    const previous = tokens[at - 1]?.text;
    const next = tokens[at + 1]?.text;
    if (token.kind !== 'word') return;
    if (token.text.includes('((')) {
      for (const match of token.text.matchAll(ARITHMETIC_ASSIGNMENT))
        names.add((match[1] ?? match[2]) as string);
    }
    const assigned = ASSIGNMENT.exec(token.text)?.[1];
    if (assigned !== undefined) names.add(assigned);
    else if ((previous === 'for' || previous === 'select') && NAME.test(token.text)) names.add(token.text);
    else if (previous === 'function' && NAME.test(token.text.replace(/\(\)$/, '')))
      names.add(token.text.replace(/\(\)$/, ''));
    else if (NAME.test(token.text) && next === '(' && tokens[at + 2]?.text === ')') names.add(token.text);
    else if (previous !== undefined && DECLARERS.has(previous) && NAME.test(token.text))
      names.add(token.text);
    if (token.text === 'getopts') {
      // `getopts "e:t:" opt`: the last argument is the variable each option lands in.
      let last = at + 1;
      while (tokens[last + 1]?.kind === 'word') last += 1;
      const argument = tokens[last]?.text ?? '';
      if (last > at + 1 && NAME.test(argument)) names.add(argument);
    }
    if (token.text === 'read') {
      for (let index = at + 1; tokens[index]?.kind === 'word'; index += 1) {
        const argument = (tokens[index] as ShellToken).text;
        if (NAME.test(argument)) names.add(argument);
      }
    }
  });
  return names;
}

/** The script's own names, numbered by first occurrence. */
class Placeholders {
  readonly of = numbering();

  constructor(private readonly own: ReadonlySet<string>) {}

  has(name: string): boolean {
    return this.own.has(name);
  }
}

/** A variable's name as it reads: the script's own a placeholder, any other kept. */
function variable(name: string, names: Placeholders): string {
  return SPECIAL_VARIABLE.test(name) || !names.has(name) ? name : names.of(name);
}

/** A variable's reference, `$name`: the script's own a placeholder (`$0`), any other kept. */
function reference(name: string, names: Placeholders): string {
  const read = variable(name, names);
  return read.startsWith('$') ? read : `$${read}`;
}

/**
 * A word as a value: its variables (`$x`, `${x:-default}`), its command substitutions (`$(date)`,
 * normalised as commands) and `VAL` for each run of literal text between them. Quotes vanish.
 */
function valueWord(word: string, names: Placeholders): string {
  let out = '';
  let literal = false;
  const text = (piece: string) => {
    if (piece !== '' && !literal) out += 'VAL';
    literal = literal || piece !== '';
  };
  let at = 0;
  while (at < word.length) {
    const char = word[at] as string;
    if (char === '"' || char === "'") {
      if (char === "'") {
        const end = quotedEnd(word, at);
        text(word.slice(at + 1, end - 1));
        at = end;
      } else at += 1;
    } else if (char === '$' && word[at + 1] === '(') {
      const end = groupEnd(word, at + 1);
      out +=
        word[at + 2] === '('
          ? `$${arithmetic(word.slice(at + 1, end), names)}`
          : `$( ${normaliseShell(word.slice(at + 2, end - 1), names).replace(/\n/g, ' ; ')} )`;
      literal = false;
      at = end;
    } else if (char === '$' && word[at + 1] === '{') {
      const end = word.indexOf('}', at);
      const body = word.slice(at + 2, end < 0 ? word.length : end);
      const name = /^[#!]?(\w+|[@*#?$!])/.exec(body)?.[1] ?? body;
      const operation = body.slice(body.indexOf(name) + name.length).replace(/[^:\-=+?#%/]+/g, 'VAL');
      // `${x}` is `$x`; `${x:-default}` and the like keep their operation.
      out +=
        operation === '' && body === name
          ? reference(name, names)
          : `\${${variable(name, names)}${operation}}`;
      literal = false;
      at = end < 0 ? word.length : end + 1;
    } else if (char === '$' && /[\w@*#?$!]/.test(word[at + 1] ?? '')) {
      const name = /^(?:\d|[A-Za-z_]\w*|[@*#?$!])/.exec(word.slice(at + 1))?.[0] ?? '';
      out += reference(name, names);
      literal = false;
      at += 1 + name.length;
    } else {
      const end = nextSpecial(word, at);
      text(word.slice(at, end));
      at = end;
    }
  }
  return out === '' ? 'VAL' : out;
}

/** Arithmetic operators, longest first. */
const ARITHMETIC_OPERATORS =
  /^(?:\*\*=|<<=|>>=|\+\+|--|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|[-+*/%<>=!~&|^?:,;()])/;

/**
 * An arithmetic expression, `((…))` as `$((…))` holds it: variables with or without `$` read alike
 * (the script's own numbered), numbers are `VAL`, operators kept, command substitutions normalised.
 */
function arithmetic(group: string, names: Placeholders): string {
  const inner = group.slice(2, group.endsWith('))') ? -2 : group.length);
  const out: string[] = [];
  for (let at = 0; at < inner.length;) {
    const rest = inner.slice(at);
    const space = /^\s+/.exec(rest)?.[0];
    const name = /^\$(\d+|[@*#?$!]|[A-Za-z_]\w*)|^([A-Za-z_]\w*)/.exec(rest);
    const number = /^(?:0x[\da-f]+|\d+(?:#\w+)?)/i.exec(rest)?.[0];
    const operator = ARITHMETIC_OPERATORS.exec(rest)?.[0];
    let length = 1;
    if (space !== undefined) length = space.length;
    else if (/^(?:\$[({]|")/.test(rest)) {
      // A command substitution, a parameter expansion or a quoted part, read as in a word.
      if (rest.startsWith('"')) length = quotedEnd(rest, 0);
      else if (rest.startsWith('$(')) length = groupEnd(rest, 1);
      else length = rest.indexOf('}') + 1 || rest.length;
      out.push(valueWord(rest.slice(0, length), names));
    } else if (name !== null) {
      length = name[0].length;
      out.push(variable((name[1] ?? name[2]) as string, names));
    } else if (number !== undefined) {
      length = number.length;
      out.push('VAL');
    } else if (operator === ';' || operator === ',') {
      // Attached to the part they end, so that a `;` reads as no command separator.
      out.push(`${out.pop() ?? ''}${operator}`);
    } else {
      if (operator !== undefined) length = operator.length;
      out.push(rest.slice(0, length));
    }
    at += length;
  }
  return `(( ${out.join(' ')} ))`;
}

/** The index of the next quote or `$` in `word` from `at` (at least `at + 1`). */
function nextSpecial(word: string, at: number): number {
  let end = at + 1;
  while (end < word.length && !['"', "'", '$'].includes(word[end] as string)) end += 1;
  return end;
}

/** A word in a command's arguments: a flag kept (its `=value` a value), any other a value. */
function argumentWord(word: string, names: Placeholders): string {
  if (/^-{1,2}[\w-]+$/.test(word) || /^[=!<>]=?$|^-(?:eq|ne|lt|le|gt|ge)$/.test(word)) return word;
  const flag = /^(--?[\w-]+)=(.*)$/.exec(word);
  if (flag !== null) return `${flag[1]}=${valueWord(flag[2] as string, names)}`;
  if (/^[[\]]{1,2}$|^\{$|^\}$/.test(word)) return word;
  return valueWord(word, names);
}

/**
 * The normal form of shell code: one line per command, commands and flags kept, values `VAL`, the
 * script's own names numbered (see the module comment).
 */
export function shellNormalForm(code: string): string {
  const tokens = shellTokens(code);
  return normaliseShell(code, new Placeholders(definedNames(tokens)), tokens);
}

/** `shellNormalForm` with the names numbered so far (a command substitution's are the script's). */
function normaliseShell(code: string, names: Placeholders, tokens = shellTokens(code)): string {
  const out: string[] = [];
  let commandStart = true;
  let declaring = false;
  let tool: string | null = null;
  /** The tool's subcommand words read so far (`aws s3 cp`: two), 2 once an argument was not one. */
  let subcommands = 0;
  /** Inside `[[ … ]]`, where `&&` and `||` join tests, not commands. */
  let inTest = false;
  const separate = () => {
    const last = out[out.length - 1];
    if (last !== undefined && last !== ';' && !COMMAND_STARTERS.has(last) && last !== '{') out.push(';');
  };
  tokens.forEach((token, at) => {
    if (token.kind !== 'word') {
      if (token.kind === 'newline' || token.text === ';') separate();
      else out.push(token.text);
      if (inTest && (token.text === '&&' || token.text === '||')) return;
      commandStart = token.kind === 'newline' || COMMAND_STARTERS.has(token.text);
      if (commandStart) declaring = false;
      tool = null;
      return;
    }
    const word = token.text;
    if (word.startsWith('((')) {
      out.push(arithmetic(word, names));
      commandStart = false;
      return;
    }
    if (word === '[[') inTest = true;
    else if (word === ']]') inTest = false;
    if (commandStart) {
      if (NO_SEPARATOR_BEFORE.has(word) && out[out.length - 1] === ';') out.pop();
      const assignment = ASSIGNMENT.exec(word);
      if (assignment !== null) {
        // `NAME=value cmd`: an assignment, the command may follow.
        out.push(
          `${variable(assignment[1] as string, names)}=${valueWord(word.slice(assignment[0].length), names)}`,
        );
        return;
      }
      commandStart = COMMAND_STARTERS.has(word) || word === '!' || word === '{' || word === '}';
      declaring = DECLARERS.has(word);
      const bare = word.replace(/\(\)$/, '');
      if (names.has(bare) && !KEYWORDS.has(bare)) out.push(names.of(bare) + (bare === word ? '' : '()'));
      else out.push(/[/.]/.test(word) && !KEYWORDS.has(word) ? valueWord(word, names) : word);
      tool = SUBCOMMAND_TOOLS.has(word) ? word : null;
      subcommands = 0;
      if (word === 'function' || word === 'for' || word === 'select' || word === 'case') commandStart = false;
      return;
    }
    const previous = tokens[at - 1]?.text;
    if (declaring || previous === 'for' || previous === 'function' || previous === 'select') {
      const assignment = ASSIGNMENT.exec(word);
      if (assignment !== null)
        out.push(
          `${variable(assignment[1] as string, names)}=${valueWord(word.slice(assignment[0].length), names)}`,
        );
      else
        out.push(
          NAME.test(word.replace(/\(\)$/, ''))
            ? names.of(word.replace(/\(\)$/, ''))
            : argumentWord(word, names),
        );
      return;
    }
    if (word === 'in' && (tokens[at - 2]?.text === 'for' || tokens[at - 2]?.text === 'case')) {
      out.push(word);
      return;
    }
    if (tool !== null && subcommands < 2 && /^[a-z][a-z0-9-]*$/.test(word)) {
      out.push(word);
      subcommands += 1;
      return;
    }
    subcommands = 2;
    out.push(argumentWord(word, names));
  });
  while (out[out.length - 1] === ';') out.pop();
  return out.join(' ').replace(/ ; /g, '\n').replace(/^; /, '');
}

// ------------------------------------------------------------------------------------- Dockerfile

/** Instructions whose arguments are a command. */
const COMMAND_INSTRUCTIONS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL']);
/** Instructions of `KEY=value` pairs, whose keys the image's programs read. */
const KEYED_INSTRUCTIONS = new Set(['ENV', 'ARG', 'LABEL']);

/** A command in exec form, `["npm", "start"]`, as the words of a shell command; else the text. */
function execForm(text: string): string {
  if (!text.startsWith('[')) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return text;
    return `[ ${parsed.map((part) => (/[\s'"$]/.test(String(part)) ? `'${String(part).replace(/'/g, '')}'` : String(part))).join(' ')} ]`;
  } catch {
    return text;
  }
}

/**
 * The Dockerfile normal form: one line per instruction, in upper case, its arguments as shell words
 * (see `shellNormalForm`); a stage's name (`FROM node AS build`, `--from=build`) is the file's own.
 */
export function dockerfileNormalForm(code: string): string {
  const stages = new Set<string>();
  const instructions = code
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const own = new Set<string>();
  for (const line of instructions) {
    const stage = /^FROM\s.*\sAS\s+([\w.-]+)\s*$/i.exec(line)?.[1];
    if (stage !== undefined) stages.add(stage);
    // A build argument is the file's own variable: `ARG APP_PORT=3000`, then `$APP_PORT`.
    const argument = /^ARG\s+([A-Za-z_]\w*)/i.exec(line)?.[1];
    if (argument !== undefined) own.add(argument);
    const command = /^(?:RUN|CMD|ENTRYPOINT)\s+(.*)$/i.exec(line)?.[1];
    if (command !== undefined) for (const name of definedNames(shellTokens(execForm(command)))) own.add(name);
  }
  const names = new Placeholders(new Set([...stages, ...own]));
  return instructions
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      const keyword = instruction.toUpperCase();
      const argumentsText = line.slice(instruction.length).trim();
      if (COMMAND_INSTRUCTIONS.has(keyword)) {
        const words = argumentsText.split(/\s+/);
        // `RUN --mount=… npm ci`: the flags before the command.
        const command = words.findIndex((word) => !word.startsWith('--'));
        const flags = keyword === 'RUN' ? words.slice(0, command < 0 ? words.length : command) : [];
        const commandText = argumentsText.slice(flags.join(' ').length).trim();
        return [
          keyword,
          ...flags.map((flag) => argumentWord(flag, names)),
          normaliseShell(execForm(commandText), names).replace(/\n/g, ' ; '),
        ].join(' ');
      }
      const parts = rest.map((word, index) => {
        if (keyword === 'FROM' && /^AS$/i.test(word)) return 'AS';
        if (stages.has(word)) return names.of(word);
        const flag = /^--from=(.+)$/.exec(word);
        if (flag !== null && stages.has(flag[1] as string)) return `--from=${names.of(flag[1] as string)}`;
        if (KEYED_INSTRUCTIONS.has(keyword)) {
          const pair = /^([\w.-]+)=(.*)$/.exec(word);
          if (pair !== null) return `${variable(pair[1] as string, names)}=VAL`;
          // `ENV KEY value`: the key, then its value.
          return index === 0 && /^[A-Za-z_][\w.-]*$/.test(word) ? variable(word, names) : 'VAL';
        }
        return argumentWord(word, names);
      });
      return [keyword, ...parts].join(' ');
    })
    .join('\n');
}

/** A Makefile variable's assignment: `NAME := value`, `NAME ?= value`, `export NAME = value`. */
const MAKE_ASSIGNMENT = /^(?:(?:export|override)\s+)?([A-Za-z_][\w.-]*)\s*(::?=|\?=|\+=|!=|=)\s*(.*)$/;
/** A Makefile rule: its targets, then after `:` (or `::`) its prerequisites. */
const MAKE_RULE = /^([^\s:=#][^:=#]*?)\s*(::?)(?!=)\s*(.*)$/;

/** A Makefile line without its comment (a `#` at the start or after a space). */
function withoutMakeComment(line: string): string {
  return line.replace(/(?:^|\s)#.*$/, '').trim();
}

/** Make's variable references, `$(NAME)` and `${NAME}`, as the shell's `${NAME}`. */
function asShellReferences(text: string): string {
  return text.replace(/\$[({]([A-Za-z_][\w.-]*)[)}]/g, '$${$1}');
}

/**
 * The normal form of a Makefile: one line per assignment, rule and recipe command. The file's own
 * names, its variables and its targets (`build`, referred to as a prerequisite or in `.PHONY`), are
 * numbered; values are `VAL` but for the variables they read; recipes are shell commands (see
 * `shellNormalForm`), `@` (run silently) aside.
 */
export function makefileNormalForm(code: string): string {
  const lines = code.replace(/\\\r?\n/g, ' ').split('\n');
  const own = new Set<string>();
  for (const line of lines) {
    if (line.startsWith('\t')) continue;
    const text = withoutMakeComment(line);
    const assigned = MAKE_ASSIGNMENT.exec(text)?.[1];
    if (assigned !== undefined) own.add(assigned);
    else {
      for (const target of MAKE_RULE.exec(text)?.[1]?.split(/\s+/) ?? []) {
        if (/^[\w-]+$/.test(target)) own.add(target);
      }
    }
  }
  const names = new Placeholders(own);
  const value = (word: string) =>
    own.has(word) ? names.of(word) : valueWord(asShellReferences(word), names);
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith('\t')) {
      const command = line.trim().replace(/^@+/, '');
      if (command !== '' && !command.startsWith('#'))
        out.push(`\t${normaliseShell(asShellReferences(command), names).replace(/\n/g, ' ; ')}`);
      continue;
    }
    const text = withoutMakeComment(line);
    if (text === '') continue;
    const assignment = MAKE_ASSIGNMENT.exec(text);
    const rule = assignment === null ? MAKE_RULE.exec(text) : null;
    if (assignment !== null) {
      const words = (assignment[3] as string).split(/\s+/).filter((word) => word !== '');
      out.push([names.of(assignment[1] as string), assignment[2], ...words.map(value)].join(' '));
    } else if (rule !== null) {
      const targets = (rule[1] as string)
        .split(/\s+/)
        .map((target) => (own.has(target) ? names.of(target) : target));
      const prerequisites = (rule[3] as string).split(/\s+/).filter((word) => word !== '');
      out.push([...targets, rule[2], ...prerequisites.map(value)].join(' '));
    } else out.push(text.replace(/\s+/g, ' '));
  }
  return out.join('\n');
}
