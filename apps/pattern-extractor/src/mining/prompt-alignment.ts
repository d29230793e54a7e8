/**
 * Alignment for the prompt-template miner (`prompt-templates.ts`): a longest common subsequence of two
 * templates (a row is a template without gaps), and the test whether they belong together. The
 * error-signature families (`error-families.ts`) align templates with the same `lcsPairs`.
 */

/** A row joins a template when the LCS covers this share of the shorter of the two token sequences. */
export const MIN_SIMILARITY = 0.5;
/** Sequences at least this long (in constants) may also join on shared runs (`belongsTogether`). */
export const LONG_SEQUENCE = 100;
/** Shared constants in runs that make two long sequences one template. */
export const MIN_SHARED_IN_RUNS = 12;
const RUN_LENGTH = 3;
/**
 * Shared constants, and content words among them, of a run at the start or the end of both sides
 * that makes them one template whatever follows it (`Overlap.anchored`).
 */
export const MIN_ANCHOR_CONSTANTS = 6;
export const MIN_ANCHOR_CONTENT = 3;
/** Tokens that may sit between two constants of an anchoring run, on either side (a gap is one). */
const ANCHOR_STEP = 2;

/** A template token is a constant string or `null`, a gap. */
export type Item = string | null;

/**
 * English function words: every prompt has them, so two prompts sharing "a", "that" and "." share
 * nothing. Punctuation and line breaks are no content either (`isContent`).
 */
const FUNCTION_WORDS = new Set(
  (
    'a an the of to for in on at by with and or but not no nor that this these those is are was were be ' +
    'been it its as from into than then if so do does can will should must may you your me my we our i ' +
    'all any each some such there here what which who how when where'
  ).split(' '),
);

const MASKED = /^[^\w\s<>]*<(?:\*|[A-Z]{2,})>[^\w\s<>]*$/;

/**
 * Whether a token is a masked variable (`<*>`, `<CODE>`, `<NUM>),`), punctuation around it aside:
 * where rows vary, not what a scaffold says.
 */
export function isMaskedToken(token: string): boolean {
  return MASKED.test(token);
}

/** `isContent` of the tokens met so far: scaffold words come back row after row. */
const contentOf = new Map<string, boolean>();
/** Tokens `contentOf` holds at most (forgotten all at once beyond): free text brings new ones. */
const MAX_CONTENT_TOKENS = 1 << 16;

/** Whether a constant carries content: a word, in any script, but a function word or a mask. */
function isContent(token: string): boolean {
  let content = contentOf.get(token);
  if (content === undefined) {
    content =
      /[\p{L}\p{N}]/u.test(token) &&
      !isMaskedToken(token) &&
      !FUNCTION_WORDS.has(token.toLowerCase().replace(/[^a-z]/g, ''));
    if (contentOf.size >= MAX_CONTENT_TOKENS) contentOf.clear();
    contentOf.set(token, content);
  }
  return content;
}

/** What two sides share, as far as `belongsTogether` asks: the LCS before a template is built of it. */
export interface Overlap {
  /** Matched index pairs (left, right) of the LCS. */
  readonly pairs: readonly (readonly [number, number])[];
  /** Constants the two sides share. */
  readonly matched: number;
  /** Shared constants that sit in runs of RUN_LENGTH or more, contiguous on both sides. */
  readonly inRuns: number;
  /**
   * Whether both sides open (or end) alike: MIN_ANCHOR_CONSTANTS shared constants or more, with
   * MIN_ANCHOR_CONTENT content words, from the first (or to the last) token of each side, at most
   * ANCHOR_STEP tokens apart, or as many as make a whole first line with that many
   * content words ("Implement the following feature:⏎"). "As a developer on the <*> team,
   * implement this:" before a paragraph of free text: the paragraphs share a few words, the rows
   * a whole scaffold.
   */
  readonly anchored: boolean;
  /**
   * Whether both sides open with the same constant, or end with one: a template whose rows begin (or
   * end) with its scaffold, not one that two prompts' free text made, with slots at both ends.
   */
  readonly edged: boolean;
  readonly leftConstants: number;
  readonly rightConstants: number;
  /** The same three counts over content constants only (`isContent`). */
  readonly matchedContent: number;
  readonly leftContent: number;
  readonly rightContent: number;
  /**
   * Whether a side's content words can make a scaffold on their own: two or more, or one that opens
   * or ends it (`Fix: <*>`). One word between slots (`<*> code <*>`) is a word of free text.
   */
  readonly leftScaffold: boolean;
  readonly rightScaffold: boolean;
  /** Whether a side has a gap: it is a template, not a row, and its constants are scaffold. */
  readonly leftIsTemplate: boolean;
  readonly rightIsTemplate: boolean;
  /**
   * Whether a side is a template that covers the other: all its constants are matched, and
   * whatever the other side has beyond them sits where it has a gap.
   */
  readonly leftCovers: boolean;
  readonly rightCovers: boolean;
}

/** A row is a template without gaps: the same alignment merges a row into a template or two templates. */
export interface Alignment extends Omit<Overlap, 'pairs'> {
  /** The merged template. */
  readonly items: Item[];
  /** Per gap of the merged template: what it covers of each side. */
  readonly leftRegions: Region[];
  readonly rightRegions: Region[];
}

/** What one gap of the merged template covers of one side: its constants and its old gaps. */
export type Region = readonly (string | { readonly gap: number })[];

/**
 * The LCS table, reused from call to call: allocating a typed array costs more than filling a small
 * table, and the miner aligns a few times per row. Only `lcsPairs` uses it, from start to end of one
 * synchronous call, so no two alignments ever share it.
 */
let lcsTable = new Uint32Array(4096);
/** Above this many cells (4 MB) a table is the call's own, so one huge prompt does not stay in memory. */
const MAX_SHARED_LCS_CELLS = 1 << 20;

/** The constants of one side numbered for `lcsPairs`: each distinct constant's id, and where each sits. */
interface NumberedConstants {
  readonly ids: ReadonlyMap<string, number>;
  readonly leftAt: readonly number[];
  readonly leftIds: readonly number[];
  /** Per item index: 1 where the item is a content constant (`isContent`). */
  readonly contentAt: Uint8Array;
  /** How many of the side's constants are content. */
  readonly contentCount: number;
  /** `makesScaffold` of the side. */
  readonly scaffold: boolean;
  readonly hasGap: boolean;
}

/**
 * `numberedConstants` of the left sides met so far. The left side is a cluster's template, aligned
 * against row after row; its items never change once made, and the entries go with them.
 */
const numberedOf = new WeakMap<readonly Item[], NumberedConstants>();

function numberedConstants(items: readonly Item[]): NumberedConstants {
  let numbered = numberedOf.get(items);
  if (numbered === undefined) {
    const ids = new Map<string, number>();
    const leftAt: number[] = [];
    const leftIds: number[] = [];
    const contentAt = contentFlags(items);
    items.forEach((item, index) => {
      if (item === null) return;
      let id = ids.get(item);
      if (id === undefined) {
        id = ids.size;
        ids.set(item, id);
      }
      leftAt.push(index);
      leftIds.push(id);
    });
    const contentCount = contentAt.reduce((sum, flag) => sum + flag, 0);
    numbered = {
      ids,
      leftAt,
      leftIds,
      contentAt,
      contentCount,
      scaffold: makesScaffold(items, contentCount),
      hasGap: leftAt.length < items.length,
    };
    numberedOf.set(items, numbered);
  }
  return numbered;
}

/**
 * LCS of the constants of both sides (gaps never match); returns the matched index pairs. Constants
 * are numbered first, so the table compares small integers rather than strings.
 */
export function lcsPairs(left: readonly Item[], right: readonly Item[]): [number, number][] {
  const { ids, leftAt, leftIds } = numberedConstants(left);
  const rightAt: number[] = [];
  const rightIds: number[] = [];
  right.forEach((item, index) => {
    const id = item === null ? undefined : ids.get(item);
    if (id === undefined) return;
    rightAt.push(index);
    rightIds.push(id);
  });
  const rows = leftAt.length;
  const cols = rightAt.length;
  const width = cols + 1;
  const size = (rows + 1) * width;
  if (lcsTable.length < size && size <= MAX_SHARED_LCS_CELLS) {
    lcsTable = new Uint32Array(Math.min(size * 2, MAX_SHARED_LCS_CELLS));
  }
  const table = size <= lcsTable.length ? lcsTable : new Uint32Array(size);
  // Only the border is read before it is written: the row below the last and the column after it.
  table.fill(0, rows * width, size);
  for (let row = 0; row < rows; row += 1) table[row * width + cols] = 0;
  for (let i = rows - 1; i >= 0; i -= 1) {
    const id = leftIds[i] as number;
    for (let j = cols - 1; j >= 0; j -= 1) {
      table[i * width + j] =
        id === rightIds[j]
          ? (table[(i + 1) * width + j + 1] as number) + 1
          : Math.max(table[(i + 1) * width + j] as number, table[i * width + j + 1] as number);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < rows && j < cols) {
    const here = table[i * width + j] as number;
    // Among equally long alignments, let a gap the left side already has swallow the right side's
    // tokens (a free-text line that happens to start like the next scaffold line), rather than
    // matching early and opening a new gap further on.
    const gapBefore = left[(leftAt[i] as number) - 1] === null;
    if (gapBefore && (table[i * width + j + 1] as number) === here) j += 1;
    else if (leftIds[i] === rightIds[j]) {
      pairs.push([leftAt[i] as number, rightAt[j] as number]);
      i += 1;
      j += 1;
    } else if ((table[(i + 1) * width + j] as number) >= (table[i * width + j + 1] as number)) i += 1;
    else j += 1;
  }
  return pairs;
}

/** Cuts `items[from, to)` into a region, numbering its gaps from `gapCounter.next`. */
function regionOf(items: readonly Item[], from: number, to: number, gapCounter: { next: number }): Region {
  const region: (string | { gap: number })[] = [];
  for (let at = from; at < to; at += 1) {
    const item = items[at] as Item;
    if (item === null) {
      region.push({ gap: gapCounter.next });
      gapCounter.next += 1;
    } else region.push(item);
  }
  return region;
}

type RegionPair = [Region, Region];

function isGap(part: Region[number] | undefined): part is { readonly gap: number } {
  return part !== undefined && typeof part !== 'string';
}

/**
 * Cuts one aligned region in two when the left side is a gap beside constants (or a slot beside a
 * switch) and the right side is plain tokens: "for <*> quickly" against "for X carefully" keeps
 * `<*>` for "X" and a second gap for "quickly"/"carefully", so a constant word next to a slot stays a
 * switch between two templates instead of melting into the slot. `switches[gap]` holds a left gap's
 * switch values (token lists), or null for a slot.
 */
function splitRegion(
  left: Region,
  right: Region,
  switches: readonly (readonly string[][] | null)[],
): RegionPair[] {
  const whole: RegionPair[] = [[left, right]];
  if (left.length < 2 || right.some(isGap)) return whole;
  const tokens = right as readonly string[];
  if (!left.some(isGap) && left.length === tokens.length) {
    // Word-for-word substitutions: each position is its own gap until the values say otherwise.
    return left.map((part, index): RegionPair => [[part], [tokens[index] as string]]);
  }
  const first = left[0];
  const last = left[left.length - 1];
  const constantsOnly = (parts: Region) => parts.every((part) => !isGap(part));
  if (isGap(first) && constantsOnly(left.slice(1)) && tokens.length > left.length - 1) {
    const cut = tokens.length - (left.length - 1);
    return [
      [[first], tokens.slice(0, cut)],
      [left.slice(1), tokens.slice(cut)],
    ];
  }
  if (isGap(last) && constantsOnly(left.slice(0, -1)) && tokens.length > left.length - 1) {
    const cut = left.length - 1;
    return [
      [left.slice(0, -1), tokens.slice(0, cut)],
      [[last], tokens.slice(cut)],
    ];
  }
  if (left.length === 2 && isGap(first) && isGap(last)) {
    const trailing = switchLength(switches[last.gap], tokens, 'suffix');
    if (trailing !== null) {
      const cut = tokens.length - trailing;
      return [
        [[first], tokens.slice(0, cut)],
        [[last], tokens.slice(cut)],
      ];
    }
    const leading = switchLength(switches[first.gap], tokens, 'prefix');
    if (leading !== null) {
      return [
        [[first], tokens.slice(0, leading)],
        [[last], tokens.slice(leading)],
      ];
    }
  }
  return whole;
}

/**
 * How many of `tokens` a switch gap takes at one end: a known value found there (longest first), else
 * the common length of its values; null when it is a slot or the tokens would leave the other gap empty.
 */
function switchLength(
  values: readonly string[][] | null | undefined,
  tokens: readonly string[],
  end: 'prefix' | 'suffix',
): number | null {
  if (values === null || values === undefined || values.length === 0) return null;
  const sorted = [...values].sort((a, b) => b.length - a.length || a.join(' ').localeCompare(b.join(' ')));
  for (const value of sorted) {
    if (value.length >= tokens.length) continue;
    const part =
      end === 'suffix' ? tokens.slice(tokens.length - value.length) : tokens.slice(0, value.length);
    if (part.every((token, index) => token === value[index])) return value.length;
  }
  const length = sorted[0]?.length ?? 0;
  const sameLength = sorted.every((value) => value.length === length);
  return sameLength && length > 0 && length < tokens.length ? length : null;
}

/** 1 per content constant of `items` (`isContent`), 0 per other item. */
function contentFlags(items: readonly Item[]): Uint8Array {
  const flags = new Uint8Array(items.length);
  items.forEach((item, index) => {
    if (item !== null && isContent(item)) flags[index] = 1;
  });
  return flags;
}

/**
 * A right side's constants and content constants, counted once per side: a row is weighed against
 * every cluster of its partition.
 */
interface SideCounts {
  readonly constants: number;
  readonly content: number;
  /** `makesScaffold` of the side. */
  readonly scaffold: boolean;
}

const sideCountsOf = new WeakMap<readonly Item[], SideCounts>();

function sideCounts(items: readonly Item[]): SideCounts {
  let counts = sideCountsOf.get(items);
  if (counts === undefined) {
    const constants = items.reduce((count, item) => (item === null ? count : count + 1), 0);
    const content = contentFlags(items).reduce((sum, flag) => sum + flag, 0);
    counts = { constants, content, scaffold: makesScaffold(items, content) };
    sideCountsOf.set(items, counts);
  }
  return counts;
}

/** Whether `from` to `to` (exclusive) is a step within an anchoring run: a gap counts as one token. */
function anchorStep(from: number, to: number): boolean {
  return to - from <= ANCHOR_STEP;
}

/** `Overlap.anchored`: a run of `pairs` long enough from the start, or to the end, of both sides. */
function anchoredRun(
  pairs: readonly (readonly [number, number])[],
  left: readonly Item[],
  right: readonly Item[],
  content: Uint8Array,
): boolean {
  const long = (constants: number, words: number) =>
    constants >= MIN_ANCHOR_CONSTANTS && words >= MIN_ANCHOR_CONTENT;
  let constants = 0;
  let words = 0;
  let leftAt = 0;
  let rightAt = 0;
  for (const [leftIndex, rightIndex] of pairs) {
    if (!anchorStep(leftAt, leftIndex) || !anchorStep(rightAt, rightIndex)) break;
    constants += 1;
    words += content[leftIndex] as number;
    leftAt = leftIndex + 1;
    rightAt = rightIndex + 1;
    if (left[leftIndex] === '\n' && words >= MIN_ANCHOR_CONTENT) return true;
  }
  if (long(constants, words)) return true;
  constants = 0;
  words = 0;
  leftAt = left.length;
  rightAt = right.length;
  for (let index = pairs.length - 1; index >= 0; index -= 1) {
    const [leftIndex, rightIndex] = pairs[index] as readonly [number, number];
    if (!anchorStep(leftIndex + 1, leftAt) || !anchorStep(rightIndex + 1, rightAt)) break;
    constants += 1;
    words += content[leftIndex] as number;
    leftAt = leftIndex;
    rightAt = rightIndex;
  }
  return long(constants, words);
}

/**
 * Whether `general`, all of whose constants `pairs` match, has a gap wherever `specific` has
 * something beyond them (`pairs` are (general, specific) index pairs).
 */
function gapsCover(
  general: readonly Item[],
  specific: readonly Item[],
  pairs: readonly (readonly [number, number])[],
  generalFirst: boolean,
): boolean {
  let generalAt = 0;
  let specificAt = 0;
  for (let index = 0; index <= pairs.length; index += 1) {
    const pair = pairs[index];
    const generalIndex = pair === undefined ? general.length : generalFirst ? pair[0] : pair[1];
    const specificIndex = pair === undefined ? specific.length : generalFirst ? pair[1] : pair[0];
    if (specificIndex > specificAt && generalIndex === generalAt) return false;
    generalAt = generalIndex + 1;
    specificAt = specificIndex + 1;
  }
  return true;
}

/** Tokens on each side of a run of function words that make it part of the free text around it. */
const FREE_TEXT_AROUND = 3;
/** Tokens on each side of a word or two in mid-line that make them part of the free text around. */
const LONG_FREE_TEXT = 8;
/** Content words in a run that free text may share by chance. */
const MAX_STRAY_WORDS = 2;

/**
 * `pairs` without the runs of matched words that free text on both sides of them shares by
 * chance, which would otherwise stay constants between two slots (`<*> the <*>`) for as long as
 * every row's paragraph has them:
 * - function words, punctuation and line breaks, with FREE_TEXT_AROUND unmatched tokens or more
 *   before and after the run (on one side at least): "Rename <*> to <*>" keeps its "to" between
 *   short values;
 * - up to MAX_STRAY_WORDS other words in mid-line, with LONG_FREE_TEXT tokens before and after: a
 *   scaffold word between two paragraphs starts or ends a line ("Keywords:").
 */
function withoutStrayWords(
  pairs: [number, number][],
  left: readonly Item[],
  right: readonly Item[],
  content: Uint8Array,
): [number, number][] {
  const token = (index: number) => left[(pairs[index] as [number, number])[0]] as string;
  const word = (index: number) => token(index) !== '\n' && !isMaskedToken(token(index));
  const filler = (index: number) =>
    !isMaskedToken(token(index)) && content[(pairs[index] as [number, number])[0]] === 0;
  /** The unmatched tokens before pair `index` (after the last one, at `pairs.length`), the longer side's. */
  const stretch = (index: number): number => {
    const [leftTo, rightTo] = pairs[index] ?? [left.length, right.length];
    const [leftFrom, rightFrom] = pairs[index - 1] ?? [-1, -1];
    return Math.max(leftTo - leftFrom - 1, rightTo - rightFrom - 1);
  };
  /** Whether a word of a line is next to pair `index` (before it: -1, after: 1) on a side. */
  const inLine = (index: number, step: -1 | 1) => {
    const [leftAt, rightAt] = pairs[index] as [number, number];
    const isWord = (item: Item | undefined) => item !== undefined && item !== null && item !== '\n';
    return isWord(left[leftAt + step]) || isWord(right[rightAt + step]);
  };
  const kept: [number, number][] = [];
  for (let start = 0; start < pairs.length;) {
    // A run of pairs next to each other on both sides: function words, or a few words.
    let end = start + 1;
    const fillers = filler(start);
    const fits = (index: number) =>
      fillers ? filler(index) : word(index) && index - start < MAX_STRAY_WORDS;
    while (end < pairs.length && fits(end) && stretch(end) === 0) end += 1;
    const around = (tokens: number) => stretch(start) >= tokens && stretch(end) >= tokens;
    const stray = fillers
      ? around(FREE_TEXT_AROUND)
      : word(start) && around(LONG_FREE_TEXT) && inLine(start, -1) && inLine(end - 1, 1);
    if (!stray) kept.push(...pairs.slice(start, end));
    start = end;
  }
  return kept;
}

/** `Overlap.leftScaffold`: `items` with `content` content words. */
function makesScaffold(items: readonly Item[], content: number): boolean {
  const isContentAt = (item: Item | undefined) => item !== undefined && item !== null && isContent(item);
  return content >= 2 || (content === 1 && (isContentAt(items[0]) || isContentAt(items[items.length - 1])));
}

/** `Overlap.edged`: the first pair joins the sides' first items, or the last their last. */
function edgedPairs(pairs: readonly (readonly [number, number])[], left: number, right: number): boolean {
  const [first, last] = [pairs[0], pairs[pairs.length - 1]];
  return (
    (first !== undefined && first[0] === 0 && first[1] === 0) ||
    (last !== undefined && last[0] === left - 1 && last[1] === right - 1)
  );
}

export function overlap(left: readonly Item[], right: readonly Item[]): Overlap {
  const numbered = numberedConstants(left);
  const pairs = withoutStrayWords(lcsPairs(left, right), left, right, numbered.contentAt);
  const rightSide = sideCounts(right);
  let matchedContent = 0;
  for (const [at] of pairs) matchedContent += numbered.contentAt[at] as number;
  const rightIsTemplate = rightSide.constants < right.length;
  return {
    pairs,
    matched: pairs.length,
    inRuns: tokensInRuns(pairs),
    anchored: anchoredRun(pairs, left, right, numbered.contentAt),
    edged: edgedPairs(pairs, left.length, right.length),
    leftConstants: numbered.leftAt.length,
    rightConstants: rightSide.constants,
    matchedContent,
    leftContent: numbered.contentCount,
    rightContent: rightSide.content,
    leftScaffold: numbered.scaffold,
    rightScaffold: rightSide.scaffold,
    leftIsTemplate: numbered.hasGap,
    rightIsTemplate,
    leftCovers:
      numbered.hasGap && pairs.length === numbered.leftAt.length && gapsCover(left, right, pairs, true),
    rightCovers:
      rightIsTemplate && pairs.length === rightSide.constants && gapsCover(right, left, pairs, false),
  };
}

/**
 * The template two sides merge into. `shared` is their `overlap`, when the caller has it already: a
 * row is weighed against every cluster of its partition, but merged into one.
 */
export function align(
  left: readonly Item[],
  right: readonly Item[],
  switches: readonly (readonly string[][] | null)[] = [],
  shared: Overlap = overlap(left, right),
): Alignment {
  const { pairs, ...counts } = shared;
  const items: Item[] = [];
  const leftRegions: Region[] = [];
  const rightRegions: Region[] = [];
  const leftGaps = { next: 0 };
  const rightGaps = { next: 0 };
  let leftAt = 0;
  let rightAt = 0;
  for (const [leftIndex, rightIndex] of [...pairs, [left.length, right.length] as [number, number]]) {
    const leftRegion = regionOf(left, leftAt, leftIndex, leftGaps);
    const rightRegion = regionOf(right, rightAt, rightIndex, rightGaps);
    if (leftRegion.length > 0 || rightRegion.length > 0) {
      for (const [leftPart, rightPart] of splitRegion(leftRegion, rightRegion, switches)) {
        items.push(null);
        leftRegions.push(leftPart);
        rightRegions.push(rightPart);
      }
    }
    if (leftIndex < left.length) items.push(left[leftIndex] as string);
    leftAt = leftIndex + 1;
    rightAt = rightIndex + 1;
  }
  return {
    ...counts,
    items,
    leftRegions,
    rightRegions,
  };
}

/** Shared constants over the constants of the smaller side (Spell's LCS test, symmetric). */
function similarity(matched: number, left: number, right: number): number {
  const smaller = Math.min(left, right);
  if (smaller === 0) return left === right ? 1 : 0;
  return matched / smaller;
}

/**
 * Whether a row or cluster belongs with another. Spell's share test, on all constants and on the
 * content words alone (unless a side has none): "Write a bash script that …" and "Give me a cron
 * expression that runs …" share "a", "that" and "." — enough by count, and nothing of their
 * scaffolds. Between two long sequences, shared runs also do: two raw prompts whose slots hold
 * dozens of lines of free text share little in ratio however much scaffold they share, so there
 * whole stretches of shared scaffold are the evidence.
 */
export function belongsTogether(alignment: Overlap, leftSettled = false, rightSettled = false): boolean {
  const { matched, leftConstants, rightConstants, matchedContent, leftContent, rightContent } = alignment;
  // A template keeps half of its constants; one its rows have settled keeps most of its content
  // words too (when it has two or more): "Generate a router for the <*> domain in the <*> module."
  // must not lose "domain" and "module." to a long prompt that only shares "Generate", "router",
  // "for" and "the". Two rows of free text may share a few words by chance, more rows hardly.
  // A template whose content words make no scaffold (`<*> code <*>`) takes in nothing: it would
  // take in every prompt that has the word.
  const keepsScaffold = (
    constants: number,
    content: number,
    isTemplate: boolean,
    scaffold: boolean,
    settled: boolean,
  ) =>
    !isTemplate ||
    (scaffold &&
      matched >= MIN_SIMILARITY * constants &&
      (!settled || content < 2 || 2 * matchedContent > content));
  const { leftIsTemplate, rightIsTemplate, leftScaffold, rightScaffold } = alignment;
  if (!keepsScaffold(leftConstants, leftContent, leftIsTemplate, leftScaffold, leftSettled)) return false;
  if (!keepsScaffold(rightConstants, rightContent, rightIsTemplate, rightScaffold, rightSettled))
    return false;
  const contentShared = similarity(matchedContent, leftContent, rightContent) >= MIN_SIMILARITY;
  if (contentShared && similarity(matched, leftConstants, rightConstants) >= MIN_SIMILARITY) return true;
  if (alignment.anchored) return true;
  const longSides = Math.min(alignment.leftConstants, alignment.rightConstants) >= LONG_SEQUENCE;
  return longSides && alignment.inRuns >= MIN_SHARED_IN_RUNS;
}

/**
 * Whether `general` is `specific` with some of its words made slots: every word constant of
 * `general` is matched, whatever `specific` has beyond them sits where `general` has a gap, a typed
 * mask of `general` left unmatched sits where `specific` has one (`<STR>` against `<*>`), and they
 * share a content word at least (a template of slots only generalises nothing) and, unless `general`
 * is `proven` on rows (see `covers` in `prompt-clusters.ts`), half of `specific`'s constants.
 */
export function generalises(general: readonly Item[], specific: readonly Item[], proven = false): boolean {
  const pairs = lcsPairs(general, specific);
  if (numberedConstants(general).contentCount === 0) return false;
  if (!proven && pairs.length < MIN_SIMILARITY * sideCounts(specific).constants) return false;
  let generalAt = 0;
  let specificAt = 0;
  for (const [generalIndex, specificIndex] of [...pairs, [general.length, specific.length] as const]) {
    const generalPart = general.slice(generalAt, generalIndex);
    const specificPart = specific.slice(specificAt, specificIndex);
    if (generalPart.some((item) => item !== null && !isMaskedToken(item))) return false;
    if (specificPart.length > 0 && generalPart.length === 0) return false;
    if (generalPart.some((item) => item !== null) && !specificPart.includes(null)) return false;
    generalAt = generalIndex + 1;
    specificAt = specificIndex + 1;
  }
  return true;
}

/** Counts matched pairs that lie in runs of at least RUN_LENGTH pairs adjacent on both sides. */
function tokensInRuns(pairs: readonly (readonly [number, number])[]): number {
  let total = 0;
  let run = 0;
  pairs.forEach(([left, right], index) => {
    const previous = pairs[index - 1];
    run = previous !== undefined && previous[0] === left - 1 && previous[1] === right - 1 ? run + 1 : 1;
    if (run === RUN_LENGTH) total += RUN_LENGTH;
    else if (run > RUN_LENGTH) total += 1;
  });
  return total;
}
