/**
 * Normal forms of the two languages in generated code that declare data rather than behaviour (see
 * `code-fingerprints.ts`):
 * - SQL: keywords, types and functions are the structure, in upper case whatever case they were
 *   written in; tables, columns and aliases are the author's names, placeholders by first occurrence
 *   (unquoted identifiers are case-insensitive); strings and numbers are literals;
 * - YAML: the keys and their nesting are the structure; scalar values (names, images, ports,
 *   commands, block scalars) are literals, `VAL`; booleans and nulls are kept.
 */
import { type Token, tokenize } from './code-tokenizer';

const SQL_WORDS = new Set(
  (
    'SELECT FROM WHERE AND OR NOT NULL IS IN EXISTS BETWEEN LIKE ILIKE SIMILAR ESCAPE AS ON USING JOIN LEFT ' +
    'RIGHT INNER OUTER FULL CROSS NATURAL LATERAL GROUP BY ORDER HAVING LIMIT OFFSET FETCH NEXT ONLY UNION ' +
    'INTERSECT EXCEPT ALL ANY SOME DISTINCT CASE WHEN THEN ELSE END WITH RECURSIVE INSERT INTO VALUES ' +
    'UPDATE SET DELETE RETURNING MERGE MATCHED CONFLICT DO NOTHING EXCLUDED CREATE TABLE INDEX UNIQUE ' +
    'PRIMARY KEY FOREIGN REFERENCES CONSTRAINT CHECK DEFAULT ALTER ADD COLUMN DROP RENAME TO IF ' +
    'CONCURRENTLY CASCADE RESTRICT NO ACTION DEFERRABLE INITIALLY DEFERRED IMMEDIATE VALID VALIDATE VIEW ' +
    'MATERIALIZED TEMP TEMPORARY UNLOGGED SCHEMA SEQUENCE EXTENSION TRIGGER FUNCTION PROCEDURE RETURNS ' +
    'RETURN LANGUAGE BEGIN COMMIT ROLLBACK TRANSACTION SAVEPOINT OVER PARTITION WINDOW ROWS RANGE GROUPS ' +
    'PRECEDING FOLLOWING CURRENT ROW UNBOUNDED ASC DESC NULLS FIRST LAST TRUE FALSE FOR OF SHARE SKIP ' +
    'LOCKED NOWAIT LOCK MODE EXPLAIN ANALYZE VERBOSE VACUUM GRANT REVOKE OWNER TABLESPACE INCLUDE ' +
    'GENERATED ALWAYS IDENTITY STORED COLLATE FILTER WITHIN INTERVAL AT ZONE TIME TIMESTAMP TIMESTAMPTZ ' +
    'DATE INT INTEGER BIGINT SMALLINT SERIAL BIGSERIAL SMALLSERIAL TEXT VARCHAR CHAR CHARACTER VARYING ' +
    'BOOLEAN BOOL NUMERIC DECIMAL REAL DOUBLE PRECISION FLOAT UUID JSON JSONB BYTEA BLOB CLOB INET ' +
    'CIDR MONEY ARRAY ENUM TYPE DOMAIN AUTO_INCREMENT UNSIGNED ENGINE CHARSET BTREE HASH GIN GIST BRIN ' +
    'OIDS DECLARE LOOP WHILE EXIT PERFORM RAISE NOTICE EXCEPTION NEW OLD EACH STATEMENT EXECUTE ' +
    'BEFORE AFTER INSTEAD TRUNCATE COMMENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP LOCALTIMESTAMP'
  ).split(' '),
);

/** Words after which a name followed by `(` names a table, index or routine of the author's, not a call. */
const NAMING_WORDS = new Set(
  'ON TABLE INTO REFERENCES FROM JOIN UPDATE INDEX EXISTS VIEW FUNCTION PROCEDURE TYPE TRIGGER'.split(' '),
);

/** Column types: a word before one, first in a column definition, names the column (`type TEXT`). */
const COLUMN_TYPES = new Set(
  (
    'INT INTEGER BIGINT SMALLINT SERIAL BIGSERIAL SMALLSERIAL TEXT VARCHAR CHAR CHARACTER BOOLEAN BOOL ' +
    'NUMERIC DECIMAL REAL DOUBLE FLOAT UUID JSON JSONB BYTEA BLOB CLOB TIMESTAMP TIMESTAMPTZ DATE TIME ' +
    'INTERVAL INET CIDR MONEY'
  ).split(' '),
);

/** Placeholders `$0`, `$1`… for names, numbered by first occurrence. */
export function numbering(): (name: string) => string {
  const placeholders = new Map<string, string>();
  return (name) => {
    let value = placeholders.get(name);
    if (value === undefined) {
      value = `$${placeholders.size}`;
      placeholders.set(name, value);
    }
    return value;
  };
}

/** The SQL normal form: structure words in upper case, identifiers `$0`, `$1`…, literals masked. */
export function sqlNormalForm(code: string): string {
  const tokens = tokenize(code, 'sql');
  const placeholder = numbering();
  const out: string[] = [];
  tokens.forEach((token, at) => {
    const next = tokens[at + 1];
    switch (token.kind) {
      case 'string':
        // A double-quoted name is an identifier (case-sensitive); single quotes make a literal.
        out.push(token.text.startsWith('"') ? placeholder(token.text) : 'STR');
        return;
      case 'number':
        out.push('NUM');
        return;
      case 'name': {
        const upper = token.text.toUpperCase();
        const previous = tokens[at - 1]?.text.toUpperCase() ?? '';
        const nextWord = next?.kind === 'name' ? next.text.toUpperCase() : '';
        // `AS` before an alias is optional: `FROM users AS u` is `FROM users u`.
        if (upper === 'AS' && nextWord !== '' && !SQL_WORDS.has(nextWord) && tokens[at + 2]?.text !== '(')
          return;
        const call = next?.text === '(' && previous !== '.' && !NAMING_WORDS.has(previous);
        // A column, whatever word it is: after a qualifier (`o.date`), or defined (`(type TEXT,`).
        const column =
          (previous === '.' && next?.text !== '(') ||
          ((previous === '(' || previous === ',') && COLUMN_TYPES.has(nextWord));
        const isWord = !column && (SQL_WORDS.has(upper) || call);
        out.push(isWord ? upper : placeholder(token.text.toLowerCase()));
        return;
      }
      default:
        if (token.text === ';') return;
        if (token.text === '-' && next?.kind === 'number' && out[out.length - 1] !== 'NUM') return;
        out.push(token.text);
    }
  });
  return out.join(' ');
}

/** A YAML `key:` (plain or quoted) and what follows it on the line. */
const YAML_KEY = /^("[^"]*"|'[^']*'|[^\s:'"#-][^:#]*?|-[^\s:][^:#]*?):(?:\s+(.*))?$/;
/** A block scalar's header: `|`, `>-`, `|+2`… Its lines, all indented deeper, are its text. */
const BLOCK_SCALAR = /^[|>][-+]?\d*$/;

/**
 * Keys whose value says what the rest is, not a setting of it: a Kubernetes object's `kind` and
 * `apiVersion`, the action a workflow step `uses` (its version aside).
 */
const STRUCTURAL_KEYS = new Set(['kind', 'apiVersion', 'uses']);

/**
 * A scalar value as the normal form keeps it: booleans and nulls as written, a structural key's
 * value (`STRUCTURAL_KEYS`), anything else `VAL` (`cpu: 1` and `cpu: "250m"` are two values of one
 * setting).
 */
function yamlValue(value: string, key?: string): string {
  if (key !== undefined && STRUCTURAL_KEYS.has(key))
    return value.replace(/^["']|["']$/g, '').replace(/@.*$/, '@VAL');
  return /^(?:true|false|yes|no|on|off|null|~)$/i.test(value) ? value.toLowerCase() : 'VAL';
}

/** A comment that ends a YAML line (`# …` after a space, outside quotes), removed. */
function withoutComment(line: string): string {
  const hash = line.search(/(?:^|\s)#/);
  if (hash < 0) return line;
  const before = line.slice(0, hash);
  const quotes = (before.match(/"/g)?.length ?? 0) + (before.match(/'/g)?.length ?? 0);
  return quotes % 2 === 0 ? before.trimEnd() : line;
}

/** Top-level keys whose children the file names itself: compose services, workflow jobs… */
const NAMING_KEYS = new Set(['services', 'jobs', 'volumes', 'networks', 'secrets', 'configs']);

/** Keys under a workflow's `matrix:` that are settings of the matrix, not its own dimensions. */
const MATRIX_SETTINGS = new Set(['include', 'exclude']);

/**
 * The names a YAML file gives its own entries: the keys right under a top-level `NAMING_KEYS` key
 * (`services:\n  api:`), which other entries refer to (`depends_on: [db]`, `needs: test`), and a
 * workflow matrix's dimensions (`matrix:\n  node: [18, 20]`, used as `matrix.node`).
 */
function yamlOwnNames(code: string): Set<string> {
  const own = new Set<string>();
  let owner = false;
  let childWidth = -1;
  let matrixWidth = -1;
  let dimensionWidth = -1;
  for (const raw of code.split('\n')) {
    const content = withoutComment(raw.trim());
    if (content === '' || content.startsWith('-')) continue;
    const width = raw.length - raw.trimStart().length;
    const match = YAML_KEY.exec(content);
    const key = match?.[1]?.replace(/^["']|["']$/g, '');
    if (key === undefined) continue;
    if (width <= matrixWidth) matrixWidth = -1;
    else if (matrixWidth >= 0) {
      if (dimensionWidth < 0) dimensionWidth = width;
      if (width === dimensionWidth && !MATRIX_SETTINGS.has(key)) own.add(key);
    }
    if (key === 'matrix' && (match?.[2] ?? '') === '') {
      matrixWidth = width;
      dimensionWidth = -1;
    }
    if (width === 0) {
      owner = NAMING_KEYS.has(key);
      childWidth = -1;
    } else if (owner) {
      if (childWidth < 0) childWidth = width;
      if (width === childWidth) own.add(key);
    }
  }
  return own;
}

/**
 * The YAML normal form: one line per key or list item, `depth: - key: VALUE`, the depth counted in
 * indentation levels (2 or 4 spaces read the same, as does a list written flush under its key).
 */
export function yamlNormalForm(code: string): string {
  const own = yamlOwnNames(code);
  const placeholder = numbering();
  const named = (name: string) => (own.has(name) ? placeholder(name) : name);
  const out: string[] = [];
  const widths = [0];
  let blockWidth = -1;
  let openKeyWidth = -1;
  /** The widths of the keys whose lists are written flush under them, innermost last. */
  const flushLists: number[] = [];
  for (const raw of code.split('\n')) {
    const content = withoutComment(raw.trim());
    const actual = raw.length - raw.trimStart().length;
    if (blockWidth >= 0) {
      if (content === '' || actual > blockWidth) continue;
      blockWidth = -1;
    }
    if (content === '') continue;
    // A list flush under its key (`env:\n- name: …`) is as deep as one indented under it, each item.
    const item = content.startsWith('-');
    while (flushLists.length > 0) {
      const last = flushLists[flushLists.length - 1] as number;
      if (actual > last || (actual === last && item)) break;
      flushLists.pop();
    }
    if (item && actual === openKeyWidth) flushLists.push(actual);
    const width = item && flushLists[flushLists.length - 1] === actual ? actual + 1 : actual;
    while (width < (widths[widths.length - 1] as number)) widths.pop();
    if (width > (widths[widths.length - 1] as number)) widths.push(width);
    const parts: string[] = [];
    let rest = content;
    while (rest === '-' || rest.startsWith('- ')) {
      parts.push('-');
      rest = rest.slice(1).trimStart();
    }
    openKeyWidth = -1;
    const key = YAML_KEY.exec(rest);
    if (key !== null) {
      const name = (key[1] as string).replace(/^["']|["']$/g, '');
      parts.push(`${named(name)}:`);
      const value = key[2]?.trim() ?? '';
      if (value === '') openKeyWidth = actual;
      else if (BLOCK_SCALAR.test(value)) {
        parts.push('BLOCK');
        blockWidth = actual;
      } else parts.push(own.has(value) ? placeholder(value) : yamlValue(value, name));
    } else if (rest === '---' || rest === '...') parts.push(rest);
    else if (rest !== '') parts.push(own.has(rest) ? placeholder(rest) : yamlValue(rest));
    out.push(`${widths.length - 1} ${parts.join(' ')}`);
  }
  return out.join('\n');
}

/** Terraform blocks whose labels are a provider's type, then the file's own name. */
const TYPED_BLOCKS = new Set(['resource', 'data']);
/** Terraform blocks whose one label is the file's own name. */
const NAMED_BLOCKS = new Set(['variable', 'output', 'module']);
/** How a Terraform expression reaches the file's own names: `var.region`, `local.tags`, `module.vpc`. */
const OWN_PREFIXES = new Set(['var', 'local', 'module', 'data']);

/**
 * The names a Terraform file declares: variables, outputs, modules, locals, the names (second
 * labels) of its resources and data sources, and the iterators of its `for` expressions.
 */
function terraformNames(tokens: readonly Token[]): {
  names: Set<string>;
  locals: Set<number>;
  iterators: Set<string>;
} {
  const names = new Set<string>();
  /** The names a `for` expression binds: `[for s in var.subnets : s.id]`, `{ for k, v in … }`. */
  const iterators = new Set<string>();
  /** Where each local is declared: the index of its name in `locals { … }`. */
  const locals = new Set<number>();
  let localsDepth = -1;
  let depth = 0;
  tokens.forEach((token, at) => {
    const label = (offset: number) => {
      const part = tokens[at + offset];
      return part?.kind === 'string' ? part.text.slice(1, -1) : undefined;
    };
    if (token.text === '{') depth += 1;
    else if (token.text === '}') {
      depth -= 1;
      if (depth === localsDepth) localsDepth = -1;
    }
    if (token.text === 'for' && ['[', '{'].includes(tokens[at - 1]?.text ?? '')) {
      for (let index = at + 1; tokens[index]?.kind === 'name' && tokens[index]?.text !== 'in'; index += 2) {
        iterators.add((tokens[index] as Token).text);
        if (tokens[index + 1]?.text !== ',') break;
      }
    }
    const atLineStart = tokens[at - 1] === undefined || (tokens[at - 1] as Token).line < token.line;
    if (token.kind !== 'name' || !atLineStart) return;
    if (TYPED_BLOCKS.has(token.text) && label(2) !== undefined) names.add(label(2) as string);
    else if (NAMED_BLOCKS.has(token.text) && label(1) !== undefined) names.add(label(1) as string);
    else if (token.text === 'locals' && tokens[at + 1]?.text === '{') localsDepth = depth;
    else if (localsDepth >= 0 && depth === localsDepth + 1 && tokens[at + 1]?.text === '=') {
      names.add(token.text);
      locals.add(at);
    }
  });
  return { names, locals, iterators };
}

/**
 * The Terraform (HCL) normal form: block types, resource types, attribute names and functions are
 * the structure; the file's own names (`terraformNames`) are placeholders by first occurrence, in
 * labels and in references alike (`aws_s3_bucket.logs.id`, `var.region`); other strings and numbers
 * are literals. Comments (`#`, `//`, block comments) and layout vanish.
 */
export function terraformNormalForm(code: string): string {
  const tokens = tokenize(code, 'terraform');
  const { names: own, locals, iterators } = terraformNames(tokens);
  const placeholder = numbering();
  const out: string[] = [];
  tokens.forEach((token, at) => {
    const previous = tokens[at - 1];
    if (token.kind === 'string') {
      const text = token.text.slice(1, -1);
      // A block's labels: `resource "aws_s3_bucket" "logs" {`.
      const label = previous?.kind === 'name' || previous?.kind === 'string';
      let after = at + 1;
      while (tokens[after]?.kind === 'string') after += 1;
      const header = label && tokens[after]?.text === '{';
      if (header && own.has(text)) out.push(placeholder(text));
      else out.push(header ? text : 'STR');
      return;
    }
    if (token.kind === 'number') out.push('NUM');
    else if (
      token.kind === 'name' &&
      iterators.has(token.text) &&
      previous?.text !== '.' &&
      tokens[at + 1]?.text !== '='
    ) {
      // A `for` expression's iterator, read bare: `s.id`, `k => upper(v)`.
      out.push(placeholder(token.text));
    } else if (token.kind === 'name' && own.has(token.text)) {
      const reference = previous?.text === '.' && tokens[at - 2]?.kind === 'name';
      // A local's declaration (`locals { tags = … }`); an attribute of the same name is no reference.
      const declared = locals.has(at);
      out.push(
        reference || declared || OWN_PREFIXES.has(tokens[at - 2]?.text ?? '')
          ? placeholder(token.text)
          : token.text,
      );
    } else out.push(token.text);
  });
  return out.join(' ');
}
