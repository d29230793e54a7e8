/**
 * Masking for the prompt-template miner (`prompt-templates.ts`): pasted code and program output,
 * multi-line JSON and the row's own method name become single tokens before alignment, then the shared
 * variable masks apply.
 */
import { maskVariables } from './masking';

export const SLOT = '<*>';
export const NEWLINE = '\n';

const FENCED_BLOCK = /^[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?^[ \t]*\1[ \t]*$/gm;
const MAX_JSON_LINES = 2000;

/** Replaces each multi-line JSON value that starts a line by `<JSON>` (it must parse). */
function maskJsonBlocks(lines: readonly string[]): string[] {
  const out: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] as string;
    const trimmed = line.trim();
    const end = /^[[{]/.test(trimmed) ? jsonEnd(lines, index) : -1;
    if (end >= 0) {
      out.push('<JSON>');
      index = end + 1;
    } else {
      out.push(line);
      index += 1;
    }
  }
  return out;
}

/** The last line of a JSON value starting at line `start`, or -1. Bracket depth first, then a parse. */
function jsonEnd(lines: readonly string[], start: number): number {
  let depth = 0;
  let inString = false;
  const limit = Math.min(lines.length, start + MAX_JSON_LINES);
  for (let index = start; index < limit; index += 1) {
    const line = lines[index] as string;
    for (let at = 0; at < line.length; at += 1) {
      const char = line[at];
      if (inString) {
        if (char === '\\') at += 1;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') depth -= 1;
    }
    if (depth <= 0) {
      try {
        JSON.parse(lines.slice(start, index + 1).join('\n'));
        return index;
      } catch {
        return -1;
      }
    }
  }
  return -1;
}

/**
 * A line that reads as source code rather than prose: it starts with a statement keyword, a
 * decorator or an upper-case SQL statement, is an indented call or assignment, ends like a statement
 * or a block, or is an assignment or a bare call. Prompt scaffolds are prose (and end sentences with
 * `.` or `:`), so a run of such lines is a pasted-code slot even without a fence; masking it keeps
 * LCS from anchoring on code tokens.
 */
const STATEMENT_LINE = new RegExp(
  [
    String.raw`^\s*(?:def|class|import|from|return|if|elif|else|for|while|try|except|finally|with|raise|async|await|const|let|var|function|export|interface|public|private|protected|yield|lambda|pass|package|func|fn|pub|use|impl|mod|namespace|using|struct|enum|trait|val|fun|void|static|final|defer|end)\b`,
    String.raw`^\s*@\w`,
    String.raw`^\s*(?:(?:CREATE|ALTER|DROP)\s+(?:TABLE|INDEX|VIEW|UNIQUE|MATERIALIZED|TYPE|OR\s+REPLACE)|SELECT|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS)\b`,
    // An upper-case SQL clause that goes on a statement: `FROM orders o`, `LEFT JOIN …`, `AND …`.
    String.raw`^\s*(?:FROM|WHERE|(?:(?:LEFT|RIGHT|INNER|FULL|CROSS)\s+)?(?:OUTER\s+)?JOIN|GROUP\s+BY|ORDER\s+BY|HAVING|LIMIT|OFFSET|UNION|VALUES|RETURNING|AND|OR)\s+\S`,
    String.raw`^\s*<\?php\b|^\s*\?>\s*$`,
    String.raw`^(?: {2,}|\t)[\w.]+(?:\(|\[|\.\w|\s*[-+*/]?=[^=])`,
    String.raw`[;{}]\s*$`,
    String.raw`^\s*[)\]}]+[;,]?\s*$`,
    String.raw`^\s*[\w.[\]]+\s*(?:=|\+=|-=|\*=|:=)\s*\S`,
    String.raw`^\s*[\w.]+[!?]?\(.*\)\s*$`,
  ].join('|'),
);

/**
 * A sentence that opens with a word that is also a statement keyword, written in lower case: "if
 * the coupon does not exist, raise an error", "use async/await. error messages…". A determiner
 * after the keyword and two words more make it prose (code names no variable `the`), so does a
 * full stop between words before any bracket, brace, `;` or `=`.
 */
const PROSE_LEAD =
  /^\s*[a-z]+ (?:(?:the|this|these|those|our|your|my|its|their) [a-z'’]+ [a-z'’]+|[^(){};=]*[a-z]{2}[.!?] [a-z])/;

/** Whether a line reads as source code (`STATEMENT_LINE`), not as a sentence (`PROSE_LEAD`). */
function isStatement(line: string): boolean {
  return STATEMENT_LINE.test(line) && !PROSE_LEAD.test(line);
}

/**
 * A line that reads as a comment. Markdown headings (`# Task`) and bullets (`* item`) read the same,
 * so a comment is code only inside code or when the next line that is neither blank nor a comment
 * is a statement (a docstring or a commented header above pasted code).
 */
const COMMENT_LINE = /^\s*(?:#|\/\/|\/\*|\*)/;

/** Per line: whether the first line from it on that is neither blank nor a comment is a statement. */
function statementsAhead(lines: readonly string[]): boolean[] {
  const ahead: boolean[] = new Array<boolean>(lines.length);
  let next = false;
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index] as string;
    if (line.trim() !== '' && !COMMENT_LINE.test(line)) next = isStatement(line);
    ahead[index] = next;
  }
  return ahead;
}

/**
 * A line of program output pasted into a prompt: a stack frame or trace header (JavaScript, Java,
 * .NET, Python, Go's `pkg.(*T).Method(0x1)`), an exception line (with its message or without one,
 * `java.util.ConcurrentModificationException`), a compiler or linter diagnostic (`file(3,5): error TS…`,
 * `file:3:5: error`, ESLint's `3:5  error`), a test runner's report (Jest, pytest), a timestamped
 * or levelled log line, a query plan line. Like code, a run of them is one slot however long.
 */
const OUTPUT_LINE = new RegExp(
  [
    String.raw`^\s+at \S`,
    String.raw`^\s*File "[^"]+", line \d+`,
    String.raw`^Traceback \(most recent call last\):`,
    String.raw`^(?:[\w$]+\.)*[\w$]*(?:Error|Exception|Fault)\b(?::\s|\s*$)`,
    String.raw`^(?:Exception in thread |Caused by: |panic: |goroutine \d+ \[|\[signal )`,
    String.raw`^(?:created by )?[\w./-]+\.(?:\(\*?\w+\)\.)?\w+\(.*\)\s*$`,
    String.raw`^\S+\(\d+,\d+\): (?:error|warning)\b`,
    String.raw`^\S+?:\d+(?::\d+)?: (?:error|warning|note|fatal error|\w*Error|\w*Exception)\b`,
    String.raw`^\s*\d+:\d+\s+(?:error|warning)\s`,
    String.raw`^(?:✖ \d+ problems?|Tests:\s+\d|(?:PASS|FAIL) \S|\s*● |E {2,}\S|> {2,}\S|={3,}|_{5,} )`,
    String.raw`^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d`,
    String.raw`^\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\]?[\s:]`,
    String.raw`\(cost=\d|^\s*(?:Planning|Execution) Time: `,
  ].join('|'),
);

/** Where a pasted unified diff starts: `diff --git`, a `---` or `+++` file header, a hunk header. */
const DIFF_START = /^(?:diff --git |--- \S|\+\+\+ \S|@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@)/;
/**
 * A line of a diff, once in one: a header, `index`, a hunk, an added, removed or context line. A
 * bullet (`- item`) is none, so a list after the diff is no part of it.
 */
const DIFF_LINE = /^(?:[+@\\ ]|-(?! \S)|diff |index |new file|deleted file|similarity |rename )/;

/**
 * A fill-in-the-middle marker that code follows: the prefix's and the suffix's (StarCoder's
 * `<fim_prefix>`, Code Llama's `<PRE>`, DeepSeek's `<｜fim▁begin｜>`…), on a line of its own.
 */
const FIM_CODE_START = /^(?:<fim_(?:prefix|suffix)>|<(?:PRE|SUF)>|<[|｜]fim[▁_](?:begin|hole)[|｜]>)$/;

function maskCodeLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let inCode = false;
  let inDiff = false;
  // Between a FIM marker and the next special token every line is code, a cut-off word too.
  let inFim = false;
  // Computed at the first comment met outside code: most prompts have none.
  let ahead: boolean[] | null = null;
  lines.forEach((line, index) => {
    // A blank line inside pasted code does not end it, nor does an indented line (a docstring, a
    // wrapped argument list) that reads like no code on its own.
    if (line.trim() === '') {
      if (!inCode) out.push(line);
      return;
    }
    if (SPECIAL_TOKEN_LINE.test(line)) {
      inFim = FIM_CODE_START.test(line.trim());
      inCode = false;
      out.push(line);
      return;
    }
    inDiff = DIFF_START.test(line) || (inDiff && DIFF_LINE.test(line));
    const isCode =
      inFim ||
      inDiff ||
      isStatement(line) ||
      OUTPUT_LINE.test(line) ||
      (inCode && /^[ \t]/.test(line)) ||
      (COMMENT_LINE.test(line) && (inCode || (ahead ??= statementsAhead(lines))[index] === true));
    if (!isCode) {
      out.push(line);
      inCode = false;
    } else if (!inCode) {
      out.push('<CODE>');
      inCode = true;
    }
  });
  return out;
}

/**
 * The pattern of a method name as a whole word, compiled once per name: rows of one method come by
 * the thousand. At most MAX_METHOD_PATTERNS are kept (all forgotten beyond). Shared safely: the `g`
 * flag is only used through `String.prototype.replace`, which resets `lastIndex`.
 */
const methodPatterns = new Map<string, RegExp>();
const MAX_METHOD_PATTERNS = 1_000;

function methodNamePattern(methodName: string): RegExp {
  let pattern = methodPatterns.get(methodName);
  if (pattern === undefined) {
    if (methodPatterns.size >= MAX_METHOD_PATTERNS) methodPatterns.clear();
    pattern = new RegExp(`(?<![\\w])${escapeRegExp(methodName)}(?![\\w])`, 'g');
    methodPatterns.set(methodName, pattern);
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a method name reads as code (`get_user`, `findAll`, `load2`) rather than as a word: a
 * method named `model` or `handler` must not turn the scaffold's "a SQLAlchemy model" into a slot.
 */
function isCodeName(methodName: string): boolean {
  return methodName.length >= 3 && /[_\dA-Z]/.test(methodName.slice(1));
}

/**
 * Control tokens of chat and fill-in-the-middle formats (`<|im_start|>`, `<fim_prefix>`, `[INST]`,
 * `<<SYS>>`, `</s>`): scaffold, though written flush against the code or text they frame.
 */
const SPECIAL_TOKEN =
  /<[|｜][^|｜\s<>]+[|｜]>|<fim_[a-z]+>|<(?:PRE|SUF|MID|EOT)>|\[\/?INST\]|<<\/?SYS>>|<\/?s>/g;
/** A line that is one special token (`promptTokens` puts each on a line of its own). */
const SPECIAL_TOKEN_LINE = new RegExp(`^\\s*(?:${SPECIAL_TOKEN.source})\\s*$`);

/** Chinese, Japanese and Korean script (and their punctuation), which separates no words by spaces. */
const CJK = /[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af]/;
/** A run of CJK script, or a run of anything else. */
const SCRIPT_RUN = /[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af]+|[^\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af]+/g;

/**
 * The masked token sequence of a prompt: whitespace-separated tokens, line breaks as tokens. Where
 * CJK script meets another, a token ends too: "次のRustコードを…" names the language in a word of
 * its own, as "Refactor this Rust code" does.
 */
/** Stands for the special token it numbers while variables are masked: no mask reads it. */
const SPECIAL_STAND_IN = /\uf8ff[\ue000-\uf8fe]/g;

/** `maskVariables`, special tokens left as they are: `[/INST]` is no path. */
function maskKeepingSpecialTokens(text: string): string {
  if (!/[<[]/.test(text)) return maskVariables(text);
  const specials: string[] = [];
  const standIns = text.replace(SPECIAL_TOKEN, (token) => {
    specials.push(token);
    return `\uf8ff${String.fromCharCode(0xe000 + specials.length - 1)}`;
  });
  if (specials.length === 0 || specials.length > 0x18ff) return maskVariables(text);
  return maskVariables(standIns).replace(
    SPECIAL_STAND_IN,
    (standIn) => specials[standIn.charCodeAt(1) - 0xe000] as string,
  );
}

export function promptTokens(promptText: string, methodName = ''): string[] {
  // The scans are skipped where they cannot match: most prompts have neither a `\r` nor a fence.
  let text = promptText.includes('\r') ? promptText.replace(/\r\n?/g, '\n') : promptText;
  // On lines of their own, so that code masking leaves them be.
  if (/[<[]/.test(text)) text = text.replace(SPECIAL_TOKEN, '\n$&\n');
  if (text.includes('```') || text.includes('~~~')) text = text.replace(FENCED_BLOCK, '<CODE>');
  text = maskCodeLines(maskJsonBlocks(text.split('\n'))).join('\n');
  if (isCodeName(methodName)) text = text.replace(methodNamePattern(methodName), SLOT);
  text = maskKeepingSpecialTokens(text);
  const tokens: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let words = trimmed.split(/\s+/);
    if (CJK.test(trimmed)) words = words.flatMap((word) => word.match(SCRIPT_RUN) ?? [word]);
    if (tokens.length > 0) tokens.push(NEWLINE);
    tokens.push(...words);
  }
  return tokens;
}
