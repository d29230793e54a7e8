/**
 * Clusters of the prompt-template miner (`prompt-templates.ts`): one merged template and its variants,
 * the per-gap values that tell a switch (constant per template) from a slot.
 */
import {
  type Alignment,
  align,
  belongsTogether,
  type Item,
  isMaskedToken,
  type Overlap,
  overlap,
  type Region,
} from './prompt-alignment';
import { NEWLINE, SLOT } from './prompt-masking';

/** A gap with at most this many distinct values is a switch (constant per template), not a slot. */
export const MAX_SWITCH_VALUES = 2;
/** Example history ids kept per template. */
export const MAX_EXAMPLES = 5;
/** Method names a template lists at most (`pattern_data.method_names`). */
export const MAX_METHOD_NAMES = 20;

export interface Variant {
  /** Per gap: its value for these rows (tokens joined by spaces), or null once the gap is a slot. */
  values: (string | null)[];
  count: number;
  /** The ordinals of its first and last rows (`PromptTemplateMiner` numbers the rows it learns). */
  first: number;
  last: number;
  examples: string[];
  /** The method names of these rows, first seen first, at most MAX_METHOD_NAMES. */
  methodNames: string[];
}

export interface Cluster {
  items: Item[];
  variants: Variant[];
}

/**
 * `switchValues` of the clusters met so far. A cluster's items and variant values never change once
 * it is made (a merge that changes them makes a new cluster; one that does not only updates counts
 * and examples), and a row is aligned against the same clusters row after row; the entries go with
 * their clusters.
 */
const switchValuesOf = new WeakMap<Cluster, (string[][] | null)[]>();

function cachedSwitchValues(cluster: Cluster): (string[][] | null)[] {
  let values = switchValuesOf.get(cluster);
  if (values === undefined) {
    values = switchValues(cluster);
    switchValuesOf.set(cluster, values);
  }
  return values;
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

/** The value a variant takes for a merged gap: its old gap values and the constants around them. */
export function regionValue(region: Region, values: readonly (string | null)[]): string | null {
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
    if (existing === undefined) {
      byKey.set(key, { ...variant, examples: [...variant.examples], methodNames: [...variant.methodNames] });
    } else {
      existing.count += variant.count;
      existing.first = Math.min(existing.first, variant.first);
      existing.last = Math.max(existing.last, variant.last);
      existing.examples = [...existing.examples, ...variant.examples].slice(0, MAX_EXAMPLES);
      existing.methodNames = withMethodNames(existing.methodNames, variant.methodNames);
    }
  }
  return [...byKey.values()];
}

/**
 * Whether a gap value (tokens joined by spaces) is masked variables only, on lines of their own or
 * not: a value no constant holds (an `env:` block that is `<CODE>` in one row is empty in another).
 */
function isMaskedValue(value: string): boolean {
  const tokens = value.split(' ');
  return (
    tokens.some((token) => isMaskedToken(token)) &&
    tokens.every((token) => token === '\n' || isMaskedToken(token))
  );
}

/** Words an optional passage holds at least: fewer, and its presence is a constant difference. */
export const MIN_OPTIONAL_WORDS = 4;

/**
 * Whether a gap must be a slot: it is one already in some variant, one of its values is masked
 * variables only (where one row has a variable, its method name or a number, the words other rows
 * have there vary with them: "a middleware named <*>" and "named timed"), or, among the variants
 * that agree on every other gap, it takes more than MAX_SWITCH_VALUES values or some rows leave it
 * empty while others fill it with MIN_OPTIONAL_WORDS words or more, in turn: an optional passage
 * ("Use a multi-stage build." in some rows only; rows that lack it up to some row and carry it from
 * there on are a template's new version). One word more or less, or one word for another, is a
 * constant difference: another template. Counting among agreeing variants keeps three templates
 * apart that share a cluster ("Write a concise commit message for …", "… a detailed …", "Write a
 * commit message following …"), while "use Python", "use Go", "use Rust" in one scaffold is a slot;
 * past MAX_SWITCH_VALUES + 1 values in all it is a slot whatever the other gaps hold (two gaps whose
 * values go together, "into Prisma code (TypeScript)", "into GORM code (Go)").
 */
function isSlotGap(variants: readonly Variant[], gap: number): boolean {
  const distinct = new Set(variants.map((variant) => variant.values[gap] ?? null));
  if (distinct.has(null) || distinct.size > MAX_SWITCH_VALUES + 1) return true;
  if ([...distinct].some((value) => isMaskedValue(value as string))) return true;
  // Per context (the other gaps' values), per value of this gap: the ordinals its rows span.
  const byContext = new Map<string, Map<string, { first: number; last: number }>>();
  for (const variant of variants) {
    const context = variant.values.map((value, index) => (index === gap ? '' : value)).join('\u0000');
    const values = byContext.get(context) ?? new Map<string, { first: number; last: number }>();
    const value = variant.values[gap] as string;
    const span = values.get(value);
    values.set(value, {
      first: Math.min(span?.first ?? variant.first, variant.first),
      last: Math.max(span?.last ?? variant.last, variant.last),
    });
    byContext.set(context, values);
  }
  return [...byContext.values()].some((values) => {
    if (values.size > MAX_SWITCH_VALUES) return true;
    const without = values.get('');
    if (without === undefined) return false;
    // An optional passage comes and goes among the rows; one that some rows lack before a point
    // and carry after it (or the other way round) is a template's new version, another template.
    return [...values].some(
      ([value, span]) =>
        value.split(' ').length >= MIN_OPTIONAL_WORDS &&
        span.first < without.last &&
        without.first < span.last,
    );
  });
}

/**
 * Turns every gap that must be a slot (`isSlotGap`) into one, until none is left: a gap that becomes
 * a slot leaves the variants agreeing on more, so a gap checked before it may be one now.
 */
function settleSlots(variants: Variant[], gaps: number): Variant[] {
  let settled = variants;
  for (let changed = true; changed;) {
    changed = false;
    for (let gap = 0; gap < gaps; gap += 1) {
      if (settled.every((variant) => variant.values[gap] === null) || !isSlotGap(settled, gap)) continue;
      settled = settled.map((variant) => ({
        ...variant,
        values: variant.values.map((value, index) => (index === gap ? null : value)),
      }));
      changed = true;
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
export function mergeClusters(left: Cluster, right: Cluster, alignment: Alignment): Cluster {
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
 * Where the next gap after `from` is when only line breaks and masked variables stand before it,
 * one line break at least (`\n<TS> <*>`: a log line's timestamp); -1 otherwise.
 */
function linesToNextGap(items: readonly Item[], from: number): number {
  let newline = false;
  for (let at = from; at < items.length; at += 1) {
    const item = items[at];
    if (item === null) return newline ? at : -1;
    if (item === NEWLINE) newline = true;
    else if (item === undefined || !isMaskedToken(item)) return -1;
  }
  return -1;
}

/**
 * Gaps separated only by line breaks are one multi-line slot (`<*>\n<*>` → `<*>`): a line break is
 * no scaffold, and left apart the second gap would hold whatever lines the alignment gave it. So
 * are gaps between lines of masked variables (`<*>\n<TS> <*>\n<TS> <*>`, a pasted log): how many
 * such lines the template keeps is how few the shortest row had.
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
    for (let end = linesToNextGap(cluster.items, at); end >= 0; end = linesToNextGap(cluster.items, at)) {
      region.push(...(cluster.items.slice(at, end) as string[]), { gap });
      gap += 1;
      at = end + 1;
    }
    items.push(null);
    regions.push(region);
  }
  if (regions.length === gap) return cluster;
  return { items, variants: settleSlots(mapVariants(cluster.variants, regions), regions.length) };
}

/**
 * Whether two clusters have the same shape: the same items and the same variant values, in the same
 * order. Everything the miner decides (placements, merges, templates) depends on the shapes of the
 * clusters and on whether each has reached `PLACEMENT_ROW_COUNTS` alone; counts and examples only
 * ride along.
 */
export function sameShape(left: Cluster, right: Cluster): boolean {
  if (left.items.length !== right.items.length || left.variants.length !== right.variants.length) {
    return false;
  }
  if (left.items.some((item, index) => item !== right.items[index])) return false;
  return left.variants.every((variant, index) => {
    const values = (right.variants[index] as Variant).values;
    return (
      variant.values.length === values.length && variant.values.every((value, gap) => value === values[gap])
    );
  });
}

/**
 * The variant of `current` that a row joins when merging it (`alignment`, the row on the right) would
 * change nothing but that variant's count and examples: the alignment gives back the cluster's own
 * items, each old gap its own region, and the row's values are those of one variant (a slot takes any
 * value). What `mergeClusters` would then give is `current` with one more member (`addMember`), so
 * the miner need not make the merged cluster. Null when merging does more.
 */
export function joiningVariant(current: Cluster, alignment: Alignment, ordinal: number): number | null {
  const { items, leftRegions, rightRegions } = alignment;
  if (items.length !== current.items.length) return null;
  for (let at = 0; at < items.length; at += 1) if (items[at] !== current.items[at]) return null;
  const ownRegions = leftRegions.every((region, gap) => {
    const part = region[0];
    return region.length === 1 && typeof part === 'object' && part.gap === gap;
  });
  if (!ownRegions) return null;
  const rowValues = rightRegions.map((region) => regionValue(region, []));
  const joined = current.variants.findIndex((variant) =>
    variant.values.every((value, gap) => value === null || value === rowValues[gap]),
  );
  if (joined === -1) return null;
  return keepsSwitches(current.variants, joined, ordinal) ? joined : null;
}

/**
 * Whether counting row `ordinal` in variant `joined` leaves every switch gap a switch: a row that
 * lacks an optional passage after rows that carried it makes the passage come and go, a slot.
 */
export function keepsSwitches(variants: readonly Variant[], joined: number, ordinal: number): boolean {
  const switches = (variants[0]?.values ?? []).flatMap((value, gap) => (value === null ? [] : [gap]));
  if (switches.length === 0) return true;
  const counted = variants.map((variant, index) =>
    index === joined
      ? { ...variant, first: Math.min(variant.first, ordinal), last: Math.max(variant.last, ordinal) }
      : variant,
  );
  return switches.every((gap) => !isSlotGap(counted, gap));
}

/**
 * Counts one more row in a variant of `cluster`, as merging it would (`joiningVariant`). Only counts,
 * examples and method names change in place: they ride along, the shape everything is decided on
 * stays put.
 */
export function addMember(
  cluster: Cluster,
  variantIndex: number,
  historyId: string,
  methodName: string,
  ordinal: number,
): void {
  const variant = cluster.variants[variantIndex] as Variant;
  variant.count += 1;
  variant.first = Math.min(variant.first, ordinal);
  variant.last = Math.max(variant.last, ordinal);
  if (variant.examples.length < MAX_EXAMPLES) variant.examples = [...variant.examples, historyId];
  const names = variant.methodNames;
  if (names.length < MAX_METHOD_NAMES && !names.includes(methodName))
    variant.methodNames = [...names, methodName];
}

/** `known`, then the names of `more` it lacks, up to MAX_METHOD_NAMES. */
function withMethodNames(known: readonly string[], more: readonly string[]): string[] {
  return [...new Set([...known, ...more])].slice(0, MAX_METHOD_NAMES);
}

/** A cluster of one row, the `ordinal`-th the miner learns. */
export function rowCluster(
  tokens: readonly string[],
  historyId: string,
  methodName: string,
  ordinal: number,
): Cluster {
  return {
    items: [...tokens],
    variants: [
      {
        values: [],
        count: 1,
        first: ordinal,
        last: ordinal,
        examples: [historyId],
        methodNames: [methodName],
      },
    ],
  };
}

export function renderTemplate(items: readonly Item[], values: readonly (string | null)[]): string {
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

export interface Placement {
  readonly clusterIndex: number;
  readonly alignment: Alignment;
}

/** Rows a template must have learned before it takes in whatever its gaps cover (`covers`). */
export const MIN_COVERING_ROWS = 5;
/** Rows after which a template's content words are its scaffold (`belongsTogether`). */
export const MIN_SETTLED_ROWS = 3;

/** The rows a cluster has learned. */
export function rowCount(cluster: Cluster): number {
  return cluster.variants.reduce((sum, variant) => sum + variant.count, 0);
}

/**
 * Row counts at which a cluster's placements may change (`belongsTogether`, `covers`): besides its
 * shape, what placements depend on.
 */
export const PLACEMENT_ROW_COUNTS: readonly number[] = [MIN_SETTLED_ROWS, MIN_COVERING_ROWS];

/**
 * Whether one side is a template proven on MIN_COVERING_ROWS rows that covers the other, an unproven
 * one (`Overlap.leftCovers`): a row whose free text is long beside a short scaffold
 * ("### Instruction:⏎<*>⏎<CODE>") shares little of its own, yet all of the template's; so does a
 * cluster that two such rows started. The template's content words must make a scaffold
 * (`Overlap.leftScaffold`): `<*> code <*>` would take in every prompt that says "code".
 */
function covers(shared: Overlap, leftProven: boolean, rightProven: boolean): boolean {
  return (
    (shared.leftCovers && leftProven && !rightProven && shared.leftScaffold) ||
    (shared.rightCovers && rightProven && !leftProven && shared.rightScaffold)
  );
}

/**
 * Whether a candidate fits better than the best so far: one that both sides open or end alike
 * (`Overlap.anchored`) before one that only shares words in between (two paragraphs of free text
 * written alike, in prompts of two templates), then the one sharing more constants.
 */
function better(candidate: Overlap, best: Overlap): boolean {
  if (candidate.anchored !== best.anchored) return candidate.anchored;
  if (candidate.edged !== best.edged) return candidate.edged;
  return candidate.matched > best.matched;
}

/**
 * The cluster `items` fit best (`better`, then oldest), or null: above MIN_SIMILARITY, or covered
 * (`covers`). `items` are a row's, or those of the cluster at `skip`.
 */
export function bestPlacement(
  clusters: readonly Cluster[],
  items: readonly Item[],
  skip = -1,
): Placement | null {
  let best: { clusterIndex: number; shared: Overlap } | null = null;
  const own = skip >= 0 ? rowCount(clusters[skip] as Cluster) : 1;
  clusters.forEach((cluster, clusterIndex) => {
    if (clusterIndex === skip) return;
    const shared = overlap(cluster.items, items);
    const rows = rowCount(cluster);
    const together = belongsTogether(shared, rows >= MIN_SETTLED_ROWS, own >= MIN_SETTLED_ROWS);
    if (!together && !covers(shared, rows >= MIN_COVERING_ROWS, own >= MIN_COVERING_ROWS)) return;
    if (best === null || better(shared, best.shared)) best = { clusterIndex, shared };
  });
  if (best === null) return null;
  const { clusterIndex, shared } = best;
  const cluster = clusters[clusterIndex] as Cluster;
  return { clusterIndex, alignment: align(cluster.items, items, cachedSwitchValues(cluster), shared) };
}
