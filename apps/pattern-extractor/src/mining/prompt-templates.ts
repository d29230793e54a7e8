/**
 * Prompt-template miner: finds the fixed scaffold of prompts rendered from templates.
 *
 * Slots can hold one word or two hundred lines and can sit at the very start, so Drain's
 * equal-token-count assumption fails. Instead (Spell-style):
 * 1. rows are partitioned by their known keys (node_type, method_name);
 * 2. obvious variables are masked: fenced code blocks, runs of lines that read as code and multi-line
 *    JSON become one token each, the row's own method name becomes `<*>`, then UUIDs, numbers, paths,
 *    quoted strings… (`masking.ts`);
 * 3. the masked tokens (line breaks kept as tokens) are aligned against each template of the partition
 *    by a longest common subsequence; what a template shares with the row stays constant, everything
 *    else becomes a gap; gaps with only line breaks between them melt into one `<*>` that may span
 *    many lines, while word-for-word substitutions keep one gap per word.
 *
 * Two templates that differ by one constant word align almost perfectly, so alignment alone would
 * merge them. What tells a slot from a constant difference is the population: a slot takes many
 * values, a constant difference takes one value per template. So each gap remembers its values per
 * variant until it has seen more than `MAX_SWITCH_VALUES` distinct ones; until then it is a *switch*
 * whose value is part of the template (each value is its own template), after that a real `<*>`.
 *
 * Learning depends only on the rows and their order, and the whole state is plain JSON, so a run
 * resumed from `exportState()` ends exactly where one uninterrupted run over the same rows would.
 */
import { createHash } from 'node:crypto';
import { maskVariables } from './masking';

/** Bump when a change to the algorithm changes fingerprints. */
export const ALGORITHM_VERSION = 'prompt-templates/1';

/** A gap with at most this many distinct values is a switch (constant per template), not a slot. */
export const MAX_SWITCH_VALUES = 3;
/** A row joins a template when the LCS covers this share of the shorter of the two token sequences. */
export const MIN_SIMILARITY = 0.5;
/**
 * Clusters kept per partition. Prompts that follow no template each start a cluster; beyond this
 * many the oldest single-row cluster is forgotten, so memory and time per row stay bounded.
 */
export const MAX_CLUSTERS_PER_PARTITION = 50;
/** Sequences at least this long (in constants) may also join on shared runs (`belongsTogether`). */
export const LONG_SEQUENCE = 100;
/** Shared constants in runs that make two long sequences one template. */
export const MIN_SHARED_IN_RUNS = 12;
const RUN_LENGTH = 3;
/** Example history ids kept per template. */
export const MAX_EXAMPLES = 5;

const SLOT = '<*>';
const NEWLINE = '\n';

export interface PromptRow {
  readonly history_id: string;
  /** Null reads as the empty key: such rows share one partition. */
  readonly node_type: string | null;
  readonly method_name: string | null;
  readonly prompt_text: string;
}

/** One template as the miner currently knows it. */
export interface PromptTemplate {
  readonly fingerprint: string;
  readonly nodeType: string;
  readonly methodNames: string[];
  /** The template text; slots read `<*>` (a free gap) or a typed mask such as `<NUM>`, `<CODE>`. */
  readonly template: string;
  readonly slots: string[];
  readonly memberCount: number;
  readonly exampleIds: string[];
}

/** A template token is a constant string or `null`, a gap. */
type Item = string | null;

interface Variant {
  /** Per gap: its value for these rows (tokens joined by spaces), or null once the gap is a slot. */
  values: (string | null)[];
  count: number;
  examples: string[];
}

interface Cluster {
  items: Item[];
  variants: Variant[];
}

interface Partition {
  key: string;
  nodeType: string;
  methodName: string;
  clusters: Cluster[];
}

export interface PromptMinerState {
  readonly version: string;
  readonly partitions: Partition[];
}

// ------------------------------------------------------------------------------------- masking

const FENCED_BLOCK = /^[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?^[ \t]*\1[ \t]*$/gm;
const MAX_JSON_LINES = 2000;

/** Replaces each multi-line JSON value that starts a line by `<JSON>` (it must parse). */
function maskJsonBlocks(text: string): string {
  const lines = text.split('\n');
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
  return out.join('\n');
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
 * A line that reads as source code rather than prose: it starts with a statement keyword or a
 * decorator, is an indented call or assignment, is a comment, ends like a statement or a block, or is an assignment or a
 * bare call. Prompt scaffolds are prose (and end sentences with `.` or `:`), so a run of such lines
 * is a pasted-code slot even without a fence; masking it keeps LCS from anchoring on code tokens.
 */
const CODE_LINE = new RegExp(
  [
    String.raw`^\s*(?:def|class|import|from|return|if|elif|else|for|while|try|except|finally|with|raise|async|await|const|let|var|function|export|interface|public|private|protected|yield|lambda|pass)\b`,
    String.raw`^\s*@\w`,
    String.raw`^(?: {2,}|\t)[\w.]+(?:\(|\[|\.\w|\s*[-+*/]?=[^=])`,
    String.raw`^\s*(?:#|//|/\*|\*)`,
    String.raw`[;{}]\s*$`,
    String.raw`^\s*[\w.[\]]+\s*(?:=|\+=|-=|\*=|:=)\s*\S`,
    String.raw`^\s*[\w.]+\(.*\)\s*$`,
  ].join('|'),
);

function maskCodeLines(text: string): string {
  const out: string[] = [];
  let inCode = false;
  for (const line of text.split('\n')) {
    // A blank line inside pasted code does not end it, nor does an indented line (a docstring, a
    // wrapped argument list) that reads like no code on its own.
    if (line.trim() === '') {
      if (!inCode) out.push(line);
    } else if (!CODE_LINE.test(line) && !(inCode && /^[ \t]/.test(line))) {
      out.push(line);
      inCode = false;
    } else if (!inCode) {
      out.push('<CODE>');
      inCode = true;
    }
  }
  return out.join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The masked token sequence of a prompt: whitespace-separated tokens, line breaks as tokens. */
export function promptTokens(promptText: string, methodName = ''): string[] {
  let text = promptText.replace(/\r\n?/g, '\n').replace(FENCED_BLOCK, '<CODE>');
  text = maskCodeLines(maskJsonBlocks(text));
  if (methodName.length >= 3) {
    text = text.replace(new RegExp(`(?<![\\w])${escapeRegExp(methodName)}(?![\\w])`, 'g'), SLOT);
  }
  text = maskVariables(text);
  const tokens: string[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim() === '' ? [] : line.trim().split(/\s+/);
    if (words.length === 0) continue;
    if (tokens.length > 0) tokens.push(NEWLINE);
    tokens.push(...words);
  }
  return tokens;
}

// ------------------------------------------------------------------------------------- alignment

/** A row is a template without gaps: the same alignment merges a row into a template or two templates. */
interface Alignment {
  /** Constants the two sides share. */
  readonly matched: number;
  /** Shared constants that sit in runs of RUN_LENGTH or more, contiguous on both sides. */
  readonly inRuns: number;
  readonly leftConstants: number;
  readonly rightConstants: number;
  /** The merged template. */
  readonly items: Item[];
  /** Per gap of the merged template: what it covers of each side. */
  readonly leftRegions: Region[];
  readonly rightRegions: Region[];
}

/** What one gap of the merged template covers of one side: its constants and its old gaps. */
type Region = readonly (string | { readonly gap: number })[];

/** LCS of the constants of both sides (gaps never match); returns the matched index pairs. */
function lcsPairs(left: readonly Item[], right: readonly Item[]): [number, number][] {
  const leftAt: number[] = [];
  left.forEach((item, index) => {
    if (item !== null) leftAt.push(index);
  });
  const vocabulary = new Set(leftAt.map((index) => left[index] as string));
  const rightAt: number[] = [];
  right.forEach((item, index) => {
    if (item !== null && vocabulary.has(item)) rightAt.push(index);
  });
  const rows = leftAt.length;
  const cols = rightAt.length;
  const width = cols + 1;
  const table = new Uint32Array((rows + 1) * width);
  for (let i = rows - 1; i >= 0; i -= 1) {
    const item = left[leftAt[i] as number];
    for (let j = cols - 1; j >= 0; j -= 1) {
      table[i * width + j] =
        item === right[rightAt[j] as number]
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
    else if (left[leftAt[i] as number] === right[rightAt[j] as number]) {
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

/** Per gap of a cluster: its switch values as token lists, or null once it is a slot. */
function switchValues(cluster: Cluster): (string[][] | null)[] {
  const gaps = cluster.items.filter((item) => item === null).length;
  return Array.from({ length: gaps }, (_, gap) => {
    const values = new Set<string>();
    for (const variant of cluster.variants) {
      const value = variant.values[gap];
      if (value === null || value === undefined) return null;
      values.add(value);
    }
    return [...values].map((value) => (value === '' ? [] : value.split(' ')));
  });
}

function align(
  left: readonly Item[],
  right: readonly Item[],
  switches: readonly (readonly string[][] | null)[] = [],
): Alignment {
  const pairs = lcsPairs(left, right);
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
    matched: pairs.length,
    inRuns: tokensInRuns(pairs),
    leftConstants: left.filter((item) => item !== null).length,
    rightConstants: right.filter((item) => item !== null).length,
    items,
    leftRegions,
    rightRegions,
  };
}

/** Shared constants over the constants of the smaller side (Spell's LCS test, symmetric). */
function similarity(alignment: Alignment): number {
  const smaller = Math.min(alignment.leftConstants, alignment.rightConstants);
  if (smaller === 0) return alignment.leftConstants === alignment.rightConstants ? 1 : 0;
  return alignment.matched / smaller;
}

/**
 * Whether a row or cluster belongs with another. Spell's share test, except between two long
 * sequences: two raw prompts whose slots hold dozens of lines of free text share little in ratio
 * however much scaffold they share, so there whole stretches of shared scaffold are the evidence.
 */
function belongsTogether(alignment: Alignment): boolean {
  if (similarity(alignment) >= MIN_SIMILARITY) return true;
  const longSides = Math.min(alignment.leftConstants, alignment.rightConstants) >= LONG_SEQUENCE;
  return longSides && alignment.inRuns >= MIN_SHARED_IN_RUNS;
}

/** Counts matched pairs that lie in runs of at least RUN_LENGTH pairs adjacent on both sides. */
function tokensInRuns(pairs: readonly [number, number][]): number {
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

// ------------------------------------------------------------------------------------- clusters

/** The value a variant takes for a merged gap: its old gap values and the constants around them. */
function regionValue(region: Region, values: readonly (string | null)[]): string | null {
  const parts: string[] = [];
  for (const part of region) {
    if (typeof part === 'string') parts.push(part);
    else {
      const value = values[part.gap];
      if (value === null || value === undefined) return null;
      if (value !== '') parts.push(value);
    }
  }
  return parts.join(' ');
}

function variantKey(values: readonly (string | null)[]): string {
  return JSON.stringify(values);
}

/** Merges variants with equal values, keeping first-seen order (counts add, examples stay oldest). */
function mergeVariants(variants: readonly Variant[]): Variant[] {
  const byKey = new Map<string, Variant>();
  for (const variant of variants) {
    const key = variantKey(variant.values);
    const existing = byKey.get(key);
    if (existing === undefined) byKey.set(key, { ...variant, examples: [...variant.examples] });
    else {
      existing.count += variant.count;
      existing.examples = [...existing.examples, ...variant.examples].slice(0, MAX_EXAMPLES);
    }
  }
  return [...byKey.values()];
}

/** Turns every gap with more than MAX_SWITCH_VALUES distinct values into a slot. */
function settleSlots(variants: Variant[], gaps: number): Variant[] {
  let settled = variants;
  for (let gap = 0; gap < gaps; gap += 1) {
    const distinct = new Set(settled.map((variant) => variant.values[gap]));
    if (distinct.has(null) || distinct.size > MAX_SWITCH_VALUES) {
      settled = settled.map((variant) => ({
        ...variant,
        values: variant.values.map((value, index) => (index === gap ? null : value)),
      }));
    }
  }
  return mergeVariants(settled);
}

function mapVariants(variants: readonly Variant[], regions: readonly Region[]): Variant[] {
  return variants.map((variant) => ({
    ...variant,
    values: regions.map((region) => regionValue(region, variant.values)),
  }));
}

/** The cluster holding both sides' rows under their merged template. */
function mergeClusters(left: Cluster, right: Cluster, alignment: Alignment): Cluster {
  const gaps = alignment.items.filter((item) => item === null).length;
  const variants = settleSlots(
    [
      ...mapVariants(left.variants, alignment.leftRegions),
      ...mapVariants(right.variants, alignment.rightRegions),
    ],
    gaps,
  );
  return joinLineSeparatedGaps({ items: alignment.items, variants });
}

/**
 * Gaps separated only by line breaks are one multi-line slot (`<*>\n<*>` → `<*>`): a line break is
 * no scaffold, and left apart the second gap would hold whatever lines the alignment gave it.
 */
function joinLineSeparatedGaps(cluster: Cluster): Cluster {
  const items: Item[] = [];
  const regions: (string | { gap: number })[][] = [];
  let gap = 0;
  let at = 0;
  while (at < cluster.items.length) {
    if (cluster.items[at] !== null) {
      items.push(cluster.items[at] as string);
      at += 1;
      continue;
    }
    const region: (string | { gap: number })[] = [{ gap }];
    gap += 1;
    at += 1;
    while (cluster.items[at] === NEWLINE && cluster.items[at + 1] === null) {
      region.push(NEWLINE, { gap });
      gap += 1;
      at += 2;
    }
    items.push(null);
    regions.push(region);
  }
  if (regions.length === gap) return cluster;
  return { items, variants: settleSlots(mapVariants(cluster.variants, regions), regions.length) };
}

function rowCluster(tokens: readonly string[], historyId: string): Cluster {
  return { items: [...tokens], variants: [{ values: [], count: 1, examples: [historyId] }] };
}

function renderTemplate(items: readonly Item[], values: readonly (string | null)[]): string {
  let gap = 0;
  const tokens = items.map((item) => {
    if (item !== null) return item;
    const value = values[gap];
    gap += 1;
    return value ?? SLOT;
  });
  return tokens
    .filter((token) => token !== '')
    .join(' ')
    .replace(/ ?\n ?/g, '\n');
}

export function templateFingerprint(nodeType: string, template: string): string {
  return createHash('sha256')
    .update(`${ALGORITHM_VERSION}\u0000${nodeType}\u0000${template}`)
    .digest('hex')
    .slice(0, 32);
}

function partitionKey(row: Pick<PromptRow, 'node_type' | 'method_name'>): string {
  return JSON.stringify([row.node_type ?? '', row.method_name ?? '']);
}

interface Placement {
  readonly clusterIndex: number;
  readonly alignment: Alignment;
}

/** The cluster `items` fit best (most shared constants, then oldest) above MIN_SIMILARITY, or null. */
function bestPlacement(clusters: readonly Cluster[], items: readonly Item[], skip = -1): Placement | null {
  let best: Placement | null = null;
  clusters.forEach((cluster, clusterIndex) => {
    if (clusterIndex === skip) return;
    const alignment = align(cluster.items, items, switchValues(cluster));
    if (!belongsTogether(alignment)) return;
    if (best === null || alignment.matched > best.alignment.matched) best = { clusterIndex, alignment };
  });
  return best;
}

/**
 * Incremental prompt-template miner. `add` learns a row and returns its template's fingerprint as of
 * that row; `match` classifies a row against the templates learned so far without learning it.
 *
 * A template's text, hence its fingerprint, changes while its first rows teach the miner which parts
 * are slots, so the fingerprints `add` returned for those first rows are not the template's final one.
 * For assignments and usage counts, `learn` a whole batch, then `match` each row of it: on generated
 * history that gives the same grouping as matching after the full run.
 */
export class PromptTemplateMiner {
  private partitions: Partition[] = [];
  private readonly byKey = new Map<string, Partition>();

  add(row: PromptRow): string {
    this.learn(row);
    return this.match(row);
  }

  /** `add` without computing the fingerprint, for a batch whose rows are matched afterwards. */
  learn(row: PromptRow): void {
    const partition = this.partitionFor(row);
    const tokens = promptTokens(row.prompt_text, row.method_name ?? '');
    const incoming = rowCluster(tokens, row.history_id);
    const placement = bestPlacement(partition.clusters, incoming.items);
    if (placement === null) this.startCluster(partition, incoming);
    else {
      const current = partition.clusters[placement.clusterIndex] as Cluster;
      partition.clusters[placement.clusterIndex] = mergeClusters(current, incoming, placement.alignment);
      this.absorbLookalikes(partition, placement.clusterIndex);
    }
  }

  /** The fingerprint `row` would get from the templates learned so far, without learning it. */
  match(row: PromptRow): string {
    const tokens = promptTokens(row.prompt_text, row.method_name ?? '');
    const incoming = rowCluster(tokens, row.history_id);
    const clusters = this.byKey.get(partitionKey(row))?.clusters ?? [];
    const placement = bestPlacement(clusters, incoming.items);
    if (placement === null) return templateFingerprint(row.node_type ?? '', renderTemplate(tokens, []));
    const current = clusters[placement.clusterIndex] as Cluster;
    const merged = mergeClusters(current, incoming, placement.alignment);
    const rowValues = placement.alignment.rightRegions.map((region) => regionValue(region, []));
    const variant = merged.variants.find((candidate) =>
      candidate.values.every((value, gap) => value === null || value === rowValues[gap]),
    );
    return templateFingerprint(
      row.node_type ?? '',
      renderTemplate(merged.items, variant?.values ?? rowValues),
    );
  }

  /** Every template learned so far, most used first (then by fingerprint). */
  templates(): PromptTemplate[] {
    const byFingerprint = new Map<string, PromptTemplate>();
    for (const partition of this.partitions) {
      for (const cluster of partition.clusters) {
        for (const variant of cluster.variants) {
          const template = renderTemplate(cluster.items, variant.values);
          const fingerprint = templateFingerprint(partition.nodeType, template);
          const existing = byFingerprint.get(fingerprint);
          byFingerprint.set(fingerprint, {
            fingerprint,
            nodeType: partition.nodeType,
            methodNames: [...new Set([...(existing?.methodNames ?? []), partition.methodName])],
            template,
            slots: template.match(/<[A-Z*]+>/g) ?? [],
            memberCount: (existing?.memberCount ?? 0) + variant.count,
            exampleIds: [...(existing?.exampleIds ?? []), ...variant.examples].slice(0, MAX_EXAMPLES),
          });
        }
      }
    }
    return [...byFingerprint.values()].sort(
      (left, right) =>
        right.memberCount - left.memberCount || left.fingerprint.localeCompare(right.fingerprint),
    );
  }

  exportState(): PromptMinerState {
    return structuredClone({ version: ALGORITHM_VERSION, partitions: this.partitions });
  }

  importState(state: PromptMinerState): void {
    if (state.version !== ALGORITHM_VERSION) {
      throw new Error(`prompt miner state is ${state.version}, this miner is ${ALGORITHM_VERSION}`);
    }
    this.partitions = structuredClone(state.partitions);
    this.byKey.clear();
    for (const partition of this.partitions) this.byKey.set(partition.key, partition);
  }

  private partitionFor(row: PromptRow): Partition {
    const key = partitionKey(row);
    let partition = this.byKey.get(key);
    if (partition === undefined) {
      partition = { key, nodeType: row.node_type ?? '', methodName: row.method_name ?? '', clusters: [] };
      this.partitions.push(partition);
      this.byKey.set(key, partition);
    }
    return partition;
  }

  private startCluster(partition: Partition, cluster: Cluster): void {
    if (partition.clusters.length >= MAX_CLUSTERS_PER_PARTITION) {
      const rows = (candidate: Cluster) =>
        candidate.variants.reduce((sum, variant) => sum + variant.count, 0);
      const smallest = Math.min(...partition.clusters.map(rows));
      partition.clusters.splice(
        partition.clusters.findIndex((candidate) => rows(candidate) === smallest),
        1,
      );
    }
    partition.clusters.push(cluster);
  }

  /**
   * A cluster that just generalised may now look like another one of its partition (often a
   * cluster started by an early row whose long slots hid the scaffold): merge them, as many times
   * as it takes. The merged cluster keeps the older position.
   */
  private absorbLookalikes(partition: Partition, changed: number): void {
    let index = changed;
    for (;;) {
      const cluster = partition.clusters[index] as Cluster;
      const placement = bestPlacement(partition.clusters, cluster.items, index);
      if (placement === null) return;
      const other = partition.clusters[placement.clusterIndex] as Cluster;
      const merged = mergeClusters(other, cluster, placement.alignment);
      const [keep, drop] =
        placement.clusterIndex < index ? [placement.clusterIndex, index] : [index, placement.clusterIndex];
      partition.clusters[keep] = merged;
      partition.clusters.splice(drop, 1);
      index = keep;
    }
  }
}
