import type { ScriptLanguage } from './code-script-bindings';

/**
 * The languages code fingerprints read (see `code-fingerprints.ts`): naming them from a fence's info
 * string, guessing them from the code, and what the brace languages (everything but Python,
 * TypeScript, SQL and YAML) differ in: keywords, how a parameter names itself, which operators reach
 * a member, and how an import statement reads.
 */
export type CodeLanguage =
  | 'python'
  | 'typescript'
  | 'go'
  | 'rust'
  | 'java'
  | 'kotlin'
  | 'scala'
  | 'swift'
  | 'csharp'
  | 'c'
  | 'cpp'
  | 'php'
  | 'dart'
  | 'sql'
  | 'yaml'
  | 'ruby'
  | 'lua'
  | 'elixir'
  | 'r'
  | 'shell'
  | 'dockerfile'
  | 'makefile'
  | 'terraform';

export type BraceLanguage = Exclude<
  CodeLanguage,
  | 'python'
  | 'typescript'
  | 'sql'
  | 'yaml'
  | ScriptLanguage
  | 'shell'
  | 'dockerfile'
  | 'makefile'
  | 'terraform'
>;

/**
 * Where a parameter's name sits: `id string` (Go), `String id` (Java, C#, C, Dart, PHP), `id: String`
 * (Rust, Kotlin, Scala, Swift).
 */
export type ParameterStyle = 'name-type' | 'type-name' | 'name-colon';

export interface BraceTraits {
  readonly keywords: ReadonlySet<string>;
  readonly parameters: ParameterStyle;
  /** Operators after which a name is a member, beside `.` and `?.`. */
  readonly memberOperators: readonly string[];
  /** A whole import statement at the start of a line (global, multiline). */
  readonly imports: RegExp;
  /**
   * In languages that import each name they use (Go, Rust, Java, Kotlin, Scala), the names a file
   * may use without importing them: builtins, the prelude, `java.lang`. Any other name used bare,
   * neither declared nor imported, comes from the project's own package (`PlaylistRepository` beside
   * the view model that uses it): the code's own. Capitalised names only, but in Go, where every
   * name from another package is qualified (`http.Error`). Null where a file cannot tell (`using
   * System;` or `import SwiftUI` bring whole namespaces).
   */
  readonly ambient: { readonly names: ReadonlySet<string>; readonly capitalisedOnly: boolean } | null;
}

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));

const C_KEYWORDS =
  'auto break case char const continue default do double else enum extern float for goto if inline int ' +
  'long register restrict return short signed sizeof static struct switch typedef union unsigned void ' +
  'volatile while bool true false NULL';

/** What `java.lang` brings every JVM file, Kotlin's and Scala's too. */
const JAVA_LANG =
  'String Object Integer Long Double Float Boolean Character Byte Short Number Math StrictMath System ' +
  'Thread Runnable Exception RuntimeException IllegalArgumentException IllegalStateException ' +
  'NullPointerException UnsupportedOperationException IndexOutOfBoundsException ArithmeticException ' +
  'NumberFormatException InterruptedException ClassCastException CloneNotSupportedException Error ' +
  'Throwable StringBuilder StringBuffer Iterable Comparable CharSequence Override Deprecated ' +
  'SuppressWarnings FunctionalInterface SafeVarargs Void Enum Record Class ClassLoader Process ' +
  'ProcessBuilder Runtime AutoCloseable Cloneable ThreadLocal';

const TRAITS: Record<BraceLanguage, BraceTraits> = {
  go: {
    keywords: words(
      'break case chan const continue default defer else fallthrough for func go goto if import interface ' +
        'map package range return select struct switch type var nil true false iota',
    ),
    parameters: 'name-type',
    memberOperators: [],
    imports: /^[ \t]*import[ \t]*\([^)]*\)|^[ \t]*import[ \t]+(?:[\w.]+[ \t]+)?"[^"\n]*"/gm,
    ambient: {
      names: words(
        'bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 ' +
          'uint16 uint32 uint64 uintptr any comparable append cap clear close complex copy delete imag len make max ' +
          'min new panic print println real recover',
      ),
      capitalisedOnly: false,
    },
  },
  rust: {
    keywords: words(
      'as async await break const continue crate dyn else enum extern false fn for if impl in let loop ' +
        'match mod move mut pub ref return self Self static struct super trait true type unsafe use where while',
    ),
    parameters: 'name-colon',
    memberOperators: ['::'],
    imports: /^[ \t]*(?:pub(?:\([\w ]+\))?[ \t]+)?use[ \t][^;]*;|^[ \t]*extern[ \t]+crate[ \t][^;\n]*;/gm,
    ambient: {
      names: words(
        'Vec String Option Some None Result Ok Err Box ToString ToOwned Iterator IntoIterator Default Clone ' +
          'Copy Debug PartialEq Eq PartialOrd Ord Hash Send Sync Sized Drop Fn FnMut FnOnce From Into AsRef ' +
          'AsMut Extend DoubleEndedIterator ExactSizeIterator Self',
      ),
      capitalisedOnly: true,
    },
  },
  java: {
    keywords: words(
      'abstract assert boolean break byte case catch char class const continue default do double else enum ' +
        'extends final finally float for goto if implements import instanceof int interface long native new ' +
        'package private protected public return short static strictfp super switch synchronized this throw ' +
        'throws transient try void volatile while true false null var record yield sealed permits',
    ),
    parameters: 'type-name',
    memberOperators: [],
    imports: /^[ \t]*import[ \t][^;\n]*;/gm,
    ambient: { names: words(JAVA_LANG), capitalisedOnly: true },
  },
  kotlin: {
    keywords: words(
      'as break class continue do else false for fun if in interface is null object package return super ' +
        'this throw true try typealias val var when while by catch constructor data enum finally import init ' +
        'inner internal lateinit open operator out override private protected public sealed suspend vararg ' +
        'companion abstract final inline',
    ),
    parameters: 'name-colon',
    memberOperators: ['::'],
    imports: /^[ \t]*import[ \t][^\n;]*;?/gm,
    ambient: {
      names: words(
        `${JAVA_LANG} Int Unit Any Nothing Char Array IntArray LongArray ByteArray DoubleArray BooleanArray ` +
          'List MutableList Map MutableMap Set MutableSet Collection MutableCollection Sequence Pair Triple ' +
          'Result Comparator NoSuchElementException ConcurrentModificationException Regex Lazy Annotation ' +
          'Suppress JvmStatic JvmOverloads JvmField Volatile Synchronized Transient Throws HashMap ' +
          'LinkedHashMap HashSet LinkedHashSet ArrayList Appendable KotlinNullPointerException',
      ),
      capitalisedOnly: true,
    },
  },
  scala: {
    keywords: words(
      'abstract case catch class def do else extends false final finally for if implicit import lazy match ' +
        'new null object override package private protected return sealed super this throw trait try true ' +
        'type val var while with yield given using then enum',
    ),
    parameters: 'name-colon',
    memberOperators: [],
    imports: /^[ \t]*import[ \t][^\n;]*;?/gm,
    ambient: {
      names: words(
        `${JAVA_LANG} Int Unit Any AnyRef AnyVal Nothing Null Char Option Some None Either Left Right List Nil ` +
          'Seq IndexedSeq Vector Map Set Array Iterator Iterable Range BigDecimal BigInt Ordering Ordered ' +
          'Product Serializable Tuple2 Tuple3 LazyList Stream PartialFunction Function1 Function2 StringContext',
      ),
      capitalisedOnly: true,
    },
  },
  swift: {
    keywords: words(
      'associatedtype class deinit enum extension fileprivate func import init inout internal let open ' +
        'operator private protocol public rethrows static struct subscript typealias var break case continue ' +
        'default defer do else fallthrough for guard if in repeat return switch where while as catch false ' +
        'is nil self Self super throw throws true try await async actor final override mutating weak lazy ' +
        'some any',
    ),
    parameters: 'name-colon',
    memberOperators: [],
    imports: /^[ \t]*(?:@\w+[ \t]+)?import[ \t][^\n]*/gm,
    ambient: null,
  },
  csharp: {
    keywords: words(
      'abstract as base bool break byte case catch char checked class const continue decimal default ' +
        'delegate do double else enum event explicit extern false finally fixed float for foreach goto if ' +
        'implicit in int interface internal is lock long namespace new null object operator out override ' +
        'params private protected public readonly ref return sbyte sealed short sizeof stackalloc static ' +
        'string struct switch this throw true try typeof uint ulong unchecked unsafe ushort using virtual void ' +
        'volatile while var async await get set init value yield record partial where',
    ),
    parameters: 'type-name',
    memberOperators: [],
    imports: /^[ \t]*(?:global[ \t]+)?using[ \t]+[\w.]+(?:[ \t]*=[ \t]*[\w.<>]+)?[ \t]*;/gm,
    ambient: null,
  },
  c: {
    keywords: words(C_KEYWORDS),
    parameters: 'type-name',
    memberOperators: ['->'],
    imports: /^[ \t]*#[ \t]*include[ \t]*[<"][^>"\n]*[>"]/gm,
    ambient: null,
  },
  cpp: {
    keywords: words(
      `${C_KEYWORDS} class namespace template typename public private protected virtual override new delete ` +
        'this using operator friend explicit noexcept constexpr try catch throw nullptr const_cast ' +
        'static_cast dynamic_cast reinterpret_cast',
    ),
    parameters: 'type-name',
    memberOperators: ['->', '::'],
    imports: /^[ \t]*#[ \t]*include[ \t]*[<"][^>"\n]*[>"]/gm,
    ambient: null,
  },
  php: {
    keywords: words(
      'abstract and array as break callable case catch class clone const continue declare default do echo ' +
        'else elseif empty extends final finally fn for foreach function global goto if implements include ' +
        'instanceof insteadof interface isset list match namespace new or print private protected public ' +
        'readonly require return static switch throw trait try unset use var while yield true false null ' +
        'self parent',
    ),
    parameters: 'type-name',
    memberOperators: ['->', '::'],
    imports: /^[ \t]*use[ \t][^;(]*;|^[ \t]*(?:require|include)(?:_once)?\b[^;\n]*;/gm,
    ambient: null,
  },
  dart: {
    keywords: words(
      'abstract as assert async await break case catch class const continue covariant default deferred do ' +
        'dynamic else enum export extends extension external factory false final finally for get hide if ' +
        'implements import in interface is late library mixin new null on operator part required rethrow ' +
        'return set show static super switch sync this throw true try typedef var void while with yield',
    ),
    parameters: 'type-name',
    memberOperators: [],
    imports: /^[ \t]*(?:import|export)[ \t]+['"][^'"\n]*['"][^;\n]*;/gm,
    ambient: null,
  },
};

export function braceTraits(language: BraceLanguage): BraceTraits {
  return TRAITS[language];
}

export function isBraceLanguage(language: CodeLanguage): language is BraceLanguage {
  return language in TRAITS;
}

/** Fence info strings and language names, lower-cased, to the language they name. */
const LANGUAGE_NAMES: ReadonlyMap<string, CodeLanguage> = new Map(
  Object.entries({
    python: 'python',
    py: 'python',
    node: 'typescript',
    nodejs: 'typescript',
    typescript: 'typescript',
    ts: 'typescript',
    javascript: 'typescript',
    js: 'typescript',
    tsx: 'typescript',
    jsx: 'typescript',
    go: 'go',
    golang: 'go',
    rust: 'rust',
    rs: 'rust',
    java: 'java',
    kotlin: 'kotlin',
    kt: 'kotlin',
    kts: 'kotlin',
    scala: 'scala',
    swift: 'swift',
    csharp: 'csharp',
    cs: 'csharp',
    'c#': 'csharp',
    c: 'c',
    h: 'c',
    cpp: 'cpp',
    'c++': 'cpp',
    cc: 'cpp',
    cxx: 'cpp',
    hpp: 'cpp',
    php: 'php',
    dart: 'dart',
    sql: 'sql',
    postgresql: 'sql',
    postgres: 'sql',
    psql: 'sql',
    pgsql: 'sql',
    mysql: 'sql',
    sqlite: 'sql',
    plpgsql: 'sql',
    yaml: 'yaml',
    yml: 'yaml',
    ruby: 'ruby',
    rb: 'ruby',
    rails: 'ruby',
    lua: 'lua',
    luau: 'lua',
    elixir: 'elixir',
    ex: 'elixir',
    exs: 'elixir',
    r: 'r',
    rscript: 'r',
    bash: 'shell',
    sh: 'shell',
    shell: 'shell',
    zsh: 'shell',
    ksh: 'shell',
    console: 'shell',
    dockerfile: 'dockerfile',
    docker: 'dockerfile',
    containerfile: 'dockerfile',
    make: 'makefile',
    makefile: 'makefile',
    mk: 'makefile',
    terraform: 'terraform',
    tf: 'terraform',
    hcl: 'terraform',
  }) as [string, CodeLanguage][],
);

/**
 * What gives each language away, tried in order (the first that matches wins): lines only that
 * language writes. Python and TypeScript, the usual cases, are told apart last, by counting. The
 * pattern only runs when the code holds one of its hints (null: always): most code is Python or
 * TypeScript, and one search for all hints costs far less than a multiline pattern per language.
 */
interface Signal {
  readonly language: CodeLanguage;
  readonly hints: readonly string[] | null;
  readonly pattern: RegExp;
  /** A second pattern that must match too, where one line could be prose (`… what we do`). */
  readonly confirm?: RegExp;
  /** A pattern that must not match: another language's that shares the signal. */
  readonly unless?: RegExp;
}

const SIGNALS: readonly Signal[] = [
  {
    language: 'dockerfile',
    hints: ['FROM '],
    // The first instruction, after comments and `ARG`s only (`^` is the code's start).
    pattern:
      /^(?:[ \t]*(?:#[^\n]*|ARG[ \t][^\n]*)?\n)*[ \t]*FROM[ \t]+\S+(?:[ \t]+AS[ \t]+\S+)?[ \t]*(?:\n|$)/i,
  },
  {
    language: 'makefile',
    hints: ['\n\t'],
    // A rule with a recipe line (recipes start with a tab), and a variable or a phony target.
    pattern: /^[^\s:#=][^:#=\n]*::?(?!=)[^\n]*\n\t\S/m,
    confirm: /^\.PHONY[ \t]*:|\$\([A-Za-z_][\w.-]*\)|^[A-Za-z_][\w.-]*[ \t]*(?::=|\?=|\+=)/m,
  },
  {
    language: 'terraform',
    hints: ['resource "', 'variable "', 'provider "', 'module "', 'output "', 'data "', 'terraform {'],
    pattern:
      /^(?:resource|data|module|variable|output|provider)[ \t]+"[\w-]+"(?:[ \t]+"[\w-]+")?[ \t]*\{|^terraform[ \t]*\{/m,
  },
  {
    language: 'shell',
    hints: ['#!', 'set -', 'fi\n', 'done\n', 'esac'],
    pattern:
      /^#!\s*\/(?:usr\/)?bin\/(?:env\s+)?(?:ba|z|k|da)?sh\b|^[ \t]*set -[euxo]+\b|^[ \t]*(?:fi|done|esac)[ \t]*$/m,
  },
  {
    language: 'r',
    hints: ['<- function', 'library(', ' <- '],
    pattern: /^[ \t]*[\w.]+[ \t]*<-[ \t]*function[ \t]*\(|^[ \t]*library\([\w.]+\)[ \t]*$/m,
  },
  {
    language: 'elixir',
    hints: ['defmodule ', 'defp ', ' do\n'],
    pattern:
      /^[ \t]*defmodule [A-Z][\w.]* do\b|^[ \t]*defp? \w+[?!]?(?:\([^)\n]*\))?(?: when [^\n]*)?,? do:?/m,
  },
  {
    language: 'lua',
    hints: ['local ', 'then\n'],
    pattern:
      /^[ \t]*local (?:function )?\w+|^[ \t]*(?:local )?function [\w.:]+\([^)$\n]*\)[ \t]*$|\bthen[ \t]*$/m,
    confirm: /^[ \t]*end\b/m,
  },
  {
    language: 'ruby',
    hints: ['def ', ' do', "require '", 'require "'],
    pattern:
      /^[ \t]*def (?:self\.)?\w+[?!=]?(?:\([^)\n]*\))?[ \t]*$|\bdo(?: \|[^|\n]*\|)?[ \t]*$|^[ \t]*require ['"]|^[ \t]*class \w+(?:::\w+)* < [\w:]+[ \t]*$/m,
    confirm: /^[ \t]*end[ \t]*$/m,
  },
  {
    language: 'php',
    hints: ['<?php', '$'],
    pattern: /^\s*<\?php\b|\$this->|\bfunction \w+\s*\([^)\n]*\$\w|^[ \t]*\$\w+(?:\s*=[^=]|->)/m,
  },
  {
    language: 'sql',
    hints: null,
    pattern:
      /^\s*(?:(?:--[^\n]*|\/\*[\s\S]*?\*\/)\s*)*(?:SELECT|WITH|CREATE|ALTER|INSERT|UPDATE|DELETE|DROP|BEGIN|EXPLAIN)[\s;]/i,
  },
  {
    language: 'go',
    hints: ['package ', 'func '],
    pattern: /^package \w+[ \t]*$|^func (?:\(\w+ \*?[\w.[\]]+\) )?\w+(?:\[[^\]\n]*\])?\(/m,
    // Scala and Kotlin write `package x` too.
    confirm: /^(?:func |import [("]|type \w+ (?:struct|interface)\b|var \w+ |const \w+ )/m,
    // Swift's top-level `func describe(…) -> String`, `guard`, `extension Array where …`.
    unless: /\)\s*->\s*\S|^[ \t]*guard\b|^extension \w+/m,
  },
  {
    language: 'rust',
    hints: ['fn ', '::', 'let mut '],
    pattern: /^[ \t]*(?:pub(?:\([\w ]+\))? )?(?:async )?fn \w+|^use \w+::|\blet mut \w/m,
  },
  {
    language: 'kotlin',
    hints: ['fun ', 'data class', 'sealed class', 'enum class', 'annotation class'],
    pattern:
      /^[ \t]*(?:(?:private|public|internal|protected|override|suspend|inline|operator|open|abstract)\s+)*fun [\w<.`]+|^[ \t]*(?:data|sealed|enum|annotation) class\b/m,
  },
  {
    language: 'swift',
    hints: [
      'func ',
      'import SwiftUI',
      'import Foundation',
      'import UIKit',
      'import Combine',
      'import XCTest',
      'import SwiftData',
      'import Observation',
    ],
    pattern:
      /^[ \t]*(?:@\w+[ \t]+)?import (?:SwiftUI|Foundation|UIKit|Combine|XCTest|SwiftData|Observation)\b|^[ \t]*(?:(?:private|public|internal|fileprivate|static|override|final|mutating|@\w+)\s+)*func \w+/m,
  },
  {
    language: 'dart',
    hints: ["import 'package:", 'Widget build(', 'extends State'],
    pattern: /^import 'package:|\bWidget build\(BuildContext\b|\bextends State(?:less|ful)Widget\b/m,
  },
  {
    language: 'csharp',
    hints: [
      'using ',
      'namespace ',
      '[SerializeField]',
      'public class',
      'public partial',
      'public sealed',
      'public static class',
      'public abstract',
    ],
    pattern:
      /^[ \t]*using [\w.]+;[ \t]*$|^[ \t]*namespace [\w.]+[ \t]*[;{]?[ \t]*$|\bpublic (?:(?:partial|sealed|static|abstract) )*class \w+\s*:\s*\w|\[SerializeField\]/m,
  },
  {
    language: 'java',
    hints: [
      'package ',
      'import java',
      'import static ',
      'import org.',
      'import com.',
      'public class',
      'public final class',
      'public abstract class',
      'public interface',
      'public record',
      'public enum',
      'public sealed',
    ],
    pattern:
      /^package [\w.]+;|^import (?:static )?[\w.]+(?:\.\*)?;[ \t]*$|^[ \t]*(?:public|private|protected)\s+(?:(?:static|final|abstract|sealed)\s+)*(?:class|interface|record|enum)\s+\w+/m,
  },
  {
    language: 'scala',
    hints: ['case class', 'object ', '): ', ']: '],
    pattern:
      /^[ \t]*(?:final |sealed |abstract )*case class \w+|^[ \t]*object \w+(?: extends \w+)?\s*\{|^[ \t]*def \w+(?:\[[^\]\n]*\])?(?:\([^)\n]*\))*[ \t]*:[ \t]*[\w[\]]+[ \t]*=/m,
  },
  {
    language: 'cpp',
    hints: ['#include', 'std::', 'template<', 'template <'],
    pattern:
      /^#include\s*<(?:iostream|vector|string|memory|map|unordered_map|algorithm|array)>|\bstd::|^[ \t]*template\s*</m,
  },
  { language: 'c', hints: ['#include', '#define'], pattern: /^#include\s*[<"]|^#define \w+/m },
];

/** Every signal's hints, longest first. */
const ALL_HINTS = [...new Set(SIGNALS.flatMap((signal) => signal.hints ?? []))].sort(
  (a, b) => b.length - a.length,
);
/** All hints as one global pattern. */
const HINTS = new RegExp(ALL_HINTS.map((hint) => hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
/** Each hint with the hints it starts with, itself included. */
const HINT_PREFIXES: ReadonlyMap<string, readonly string[]> = new Map(
  ALL_HINTS.map((hint) => [hint, ALL_HINTS.filter((other) => hint.startsWith(other))]),
);

/**
 * The hints the code holds, in one scan. Where several start at one place the pattern finds the
 * longest, and the shorter are its prefixes: each match adds every hint it starts with.
 */
function foundHints(code: string): Set<string> {
  const found = new Set<string>();
  HINTS.lastIndex = 0;
  for (let match = HINTS.exec(code); match !== null; match = HINTS.exec(code)) {
    if (!found.has(match[0])) for (const hint of HINT_PREFIXES.get(match[0]) ?? []) found.add(hint);
    HINTS.lastIndex = match.index + 1;
  }
  return found;
}

/** A YAML line: `key:` or `key: value`, a list item, a document marker, or a block-scalar line. */
const YAML_LINE = /^\s*(?:-\s+)*(?:[\w./"'-]+:(?:\s|$)|-(?:\s|$)|---\s*$)/;

/** Guesses the language when the caller does not know it. */
export function detectLanguage(code: string): CodeLanguage {
  const sample = code.length > 20_000 ? code.slice(0, 20_000) : code;
  const found = foundHints(sample);
  for (const { language, hints, pattern, confirm, unless } of SIGNALS) {
    if (hints !== null && !hints.some((hint) => found.has(hint))) continue;
    if (unless?.test(sample) === true) continue;
    if ((confirm === undefined || confirm.test(sample)) && pattern.test(sample)) return language;
  }
  if (looksLikeYaml(sample)) return 'yaml';
  // Count signals of each language, the larger count wins; Python on a tie, as most code is Python.
  // A line ending in `{` is no signal: Python dict literals do it too.
  const count = (pattern: RegExp) => sample.match(pattern)?.length ?? 0;
  const python = count(
    /^\s*(?:def |class \w+(?:\(.*\))?:|from [\w.]+ import |import [\w.]+\s*$|elif |except\b|#)|:\s*$|\bself\.|\bNone\b/gm,
  );
  const typescript = count(
    /;\s*$|=>|===|^\s*(?:const|let|var|export|interface|function|\/\/)\b|\bthis\.|\b(?:null|undefined)\b/gm,
  );
  return typescript > python ? 'typescript' : 'python';
}

/**
 * YAML: most lines are keys or list items, none ends a statement or opens a block as code does, and
 * no line reads as Python (`def`, `class`, `import` or a bare `else:`).
 */
function looksLikeYaml(code: string): boolean {
  if (/[;{(]\s*$|^\s*(?:def|class|import|from|return)\s/m.test(code)) return false;
  const lines = code.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  if (lines.length < 2) return false;
  const structured = lines.filter((line) => YAML_LINE.test(line)).length;
  return structured >= 0.8 * lines.length;
}

export function normaliseLanguage(language: string | undefined, code: string): CodeLanguage {
  const name = (language ?? '').toLowerCase().replace(/[\s\d.]+$/, '');
  return LANGUAGE_NAMES.get(name) ?? detectLanguage(code);
}

// ------------------------------------------------------------------------------------- imports

/** The imports of brace-language code (see `braceImports`). */
export interface BraceImports {
  /** Each import statement normalised, sorted, without repeats. */
  readonly imports: string[];
  /** Aliases and the names local imports bring: the code's own names. */
  readonly ownNames: string[];
  /**
   * Every name the imports bring into scope (`HashMap`, `http` for `net/http`), or null when one
   * brings a whole namespace (`import java.util.*`, `use super::*`).
   */
  readonly imported: ReadonlySet<string> | null;
  /** The code with its import statements blanked (their line breaks kept, so lines stay put). */
  readonly body: string;
}

/**
 * The project's own package root, from the file's `package`/`namespace` declaration: its first two
 * segments (`com.acme`), or the first for PHP (`App`). Imports under it are the project's own code.
 */
function projectRoot(code: string, language: BraceLanguage): string | null {
  const declared = /^[ \t]*(?:package|namespace)[ \t]+([\w.\\]+)/m.exec(code)?.[1];
  if (declared === undefined || language === 'go') return null;
  const separator = language === 'php' ? '\\' : '.';
  const segments = declared.split(separator);
  const depth = language === 'php' ? 1 : 2;
  return segments.length < depth ? null : segments.slice(0, depth).join(separator) + separator;
}

/** One import statement as one or more normalised import lines (a Go block holds several). */
function importLines(statement: string, language: BraceLanguage): string[] {
  const withoutComments = statement.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const block = language === 'go' ? /^\s*import\s*\(([^)]*)\)/.exec(withoutComments) : null;
  const specs =
    block === null
      ? [withoutComments]
      : (block[1] as string)
          .split('\n')
          .map((spec) => spec.trim())
          .filter((spec) => spec !== '')
          .map((spec) => `import ${spec}`);
  return specs.map((spec) =>
    spec
      .replace(/\s+/g, ' ')
      .replace(/\s*;\s*$/, '')
      .replace(/'/g, '"')
      .replace(
        /\{([^}]*)\}/,
        (_braces, names: string) =>
          `{${names
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean)
            .sort()
            .join(', ')}}`,
      )
      .trim(),
  );
}

/** Whether an import line brings the project's own code, given the project's package root. */
function isLocalImport(line: string, language: BraceLanguage, root: string | null): boolean {
  switch (language) {
    case 'rust':
      return /^(?:pub(?:\([\w ]+\))? )?use (?:crate|super|self)::/.test(line);
    case 'c':
    case 'cpp':
      return /^#\s*include\s*"/.test(line);
    case 'dart':
      return (
        /^(?:import|export) "\.{0,2}\//.test(line) || /^(?:import|export) "(?!package:|dart:)/.test(line)
      );
    default: {
      if (root === null) return false;
      const path = line.replace(/^(?:import|use|using)(?: static)? /, '');
      return path.startsWith(root);
    }
  }
}

/** The names an import line brings into scope: `C` of `a.b.C`, `http` of `"net/http"`, `b, c` of `a::{b, c}`. */
function namesInScope(line: string, language: BraceLanguage): string[] {
  const alias = / as (\w+)$/.exec(line)?.[1] ?? /^import (\w+) "/.exec(line)?.[1];
  if (alias !== undefined) return [alias];
  const braces = /\{([^}]*)\}/.exec(line)?.[1];
  if (braces !== undefined) {
    const module = /(\w+)::\{/.exec(line)?.[1];
    return braces
      .split(',')
      .map((name) => name.trim().split(' ').pop() as string)
      .map((name) => (name === 'self' && module !== undefined ? module : name))
      .filter(Boolean);
  }
  if (language === 'go') {
    const path = /"([^"]*)"/.exec(line)?.[1] ?? '';
    const segments = path.split('/').filter((segment) => !/^v\d+$/.test(segment));
    return [(segments.pop() ?? '').replace(/^go-|[.-]go$/g, '').replace(/\W/g, '')];
  }
  return [/([\w$*]+)"?$/.exec(line)?.[1] ?? ''];
}

/** The names an import line binds in the code: its alias, or what a local import brings. */
function importedNames(line: string, local: boolean): string[] {
  const alias =
    / as (\w+)$/.exec(line)?.[1] ?? /^using (\w+) =/.exec(line)?.[1] ?? /^import (\w+) "/.exec(line)?.[1];
  if (alias !== undefined) return [alias];
  if (!local) return [];
  const braces = /\{([^}]*)\}/.exec(line)?.[1];
  if (braces !== undefined)
    return braces
      .split(',')
      .map((name) => name.trim().split(' ')[0] as string)
      .filter(Boolean);
  const last = /([\w$]+)"?$/.exec(line)?.[1];
  return last === undefined || last === '*' ? [] : [last];
}

/** An import line with its alias, a name of the code's own, as `ALIAS`. */
function withoutAlias(line: string): string {
  return line
    .replace(/ as \w+$/, ' as ALIAS')
    .replace(/^using \w+ =/, 'using ALIAS =')
    .replace(/^import \w+ "/, 'import ALIAS "');
}

/**
 * Cuts the import statements out of brace-language code: `import`, `use`, `using`, `#include`, Go's
 * import blocks. Their order is a formatter's choice, so they are sorted. A local import (the
 * project's own package, `crate::`, a quoted `#include`) reads `LOCAL`, and the names it brings
 * are the code's own, renamed freely.
 */
export function braceImports(code: string, language: BraceLanguage): BraceImports {
  const root = projectRoot(code, language);
  const imports = new Set<string>();
  const ownNames: string[] = [];
  let imported: Set<string> | null = new Set<string>();
  const body = code.replace(braceTraits(language).imports, (statement) => {
    for (const line of importLines(statement, language)) {
      const local = isLocalImport(line, language, root);
      ownNames.push(...importedNames(line, local));
      const names = namesInScope(line, language);
      if (names.includes('*') || /^import \. "/.test(line)) imported = null;
      else for (const name of names) imported?.add(name);
      imports.add(local ? `${line.split(' ')[0]} LOCAL` : withoutAlias(line));
    }
    return statement.replace(/[^\n]/g, '');
  });
  return { imports: [...imports].sort(), ownNames, imported, body };
}
