/**
 * Prompt-template miner: finds the fixed scaffold of prompts rendered from templates.
 *
 * Slots can hold one word or two hundred lines and can sit at the very start, so Drain's
 * equal-token-count assumption fails. Instead (Spell-style):
 * 1. rows are partitioned by node_type. Not by method_name: a template serves many methods whose
 *    names follow the data (`findCoupon`, `findInvoice`), so a partition per method holds a row or
 *    two, too few to show which parts are slots; the row's own method name is masked instead (2.);
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
import { hash } from 'node:crypto';
import { type Alignment, align, generalises, type Item, isMaskedToken } from './prompt-alignment';
import {
  addMember,
  bestPlacement,
  type Cluster,
  joiningVariant,
  keepsSwitches,
  MAX_EXAMPLES,
  MAX_METHOD_NAMES,
  MAX_SWITCH_VALUES,
  MIN_COVERING_ROWS,
  mergeClusters,
  PLACEMENT_ROW_COUNTS,
  type Placement,
  regionValue,
  renderTemplate,
  rowCluster,
  rowCount,
  sameShape,
  type Variant,
} from './prompt-clusters';
import { NEWLINE, promptTokens } from './prompt-masking';

export { LONG_SEQUENCE, MIN_SHARED_IN_RUNS, MIN_SIMILARITY } from './prompt-alignment';
export { MAX_EXAMPLES, MAX_SWITCH_VALUES } from './prompt-clusters';
export { promptTokens } from './prompt-masking';

/** Bump when a change to the algorithm changes fingerprints. */
export const ALGORITHM_VERSION = 'prompt-templates/9';

/**
 * Clusters kept per partition. Prompts that follow no template each start a cluster; beyond this
 * many the oldest single-row cluster is forgotten, so memory and time per row stay bounded.
 */
export const MAX_CLUSTERS_PER_PARTITION = 50;
/**
 * Clusters kept in the partition of rows without a node type: those rows come from every
 * template, so a rare template's first row would be forgotten before its second one came.
 */
export const MAX_KEYLESS_CLUSTERS = 2 * MAX_CLUSTERS_PER_PARTITION;

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
  readonly nodeTypes: string[];
  readonly methodNames: string[];
  /** The template text; slots read `<*>` (a free gap) or a typed mask such as `<NUM>`, `<CODE>`. */
  readonly template: string;
  readonly slots: string[];
  readonly memberCount: number;
  readonly exampleIds: string[];
}

interface Partition {
  key: string;
  nodeType: string;
  clusters: Cluster[];
}

/**
 * What the miner remembers of a partition's shape (the shapes of its clusters, in order) to skip
 * work whose outcome depends on nothing else: a placement or a lookalike search found at this
 * version, and a row learned without reshaping anything, whose match is the merge learning made.
 * Not part of the state: a resumed miner starts without it and only recomputes more.
 */
interface PartitionShape {
  /** Changes whenever a cluster's shape changes or clusters come, go or merge. */
  version: number;
  /** Cluster indexes whose lookalike search found nothing at this version. */
  lookalikeFree: Set<number>;
  /** What learning a row found at this version, by the row's tokens joined by spaces. */
  placements: Map<string, RememberedPlacement>;
}

interface RememberedPlacement {
  readonly placement: Placement | null;
  /** The variant the row joined when learning it reshaped nothing (`joiningVariant`). */
  joined: number | null;
}

/**
 * Placements remembered per partition at most (forgotten all at once beyond, and at every batch): an
 * alignment weighs kilobytes, and repeats come close together.
 */
const MAX_REMEMBERED_PLACEMENTS = 256;

/** A row whose learning reshaped nothing: while its partition keeps the version, it matches here. */
interface ShapeKeepingRow {
  readonly shape: PartitionShape;
  readonly version: number;
  readonly alignment: Alignment;
  readonly merged: Cluster;
  /** The variant of `merged` the row joined, when learning it only counted it (`joiningVariant`). */
  readonly variant: number | null;
}

export interface PromptMinerState {
  readonly version: string;
  /** Rows learnt so far: the next row's ordinal. */
  readonly rows: number;
  readonly partitions: Partition[];
}

/**
 * A template is its text: the same scaffold serving several node types (a "fix this code" prompt
 * for services and for routers) is one template, learnt per partition and counted together.
 */
export function templateFingerprint(template: string): string {
  return hash('sha256', `${ALGORITHM_VERSION}\u0000${canonicalTemplate(template)}`, 'hex').slice(0, 32);
}

/** Blocks a slot may hold as a whole or in part: pasted code, JSON. */
const BLOCK_MASKS = /<(?:CODE|JSON)>/g;
/** A masked variable standing alone right before or after a slot, a line break or spaces between. */
const MASK_BESIDE_SLOT = /(?<=^|[ \n])<[A-Z]+>(?=[ \n]+<\*>)|(?<=<\*>[ \n]+)<[A-Z]+>(?=$|[ \n])/g;

/**
 * What of a template tells it from others: its constants around its slots, whatever the slots
 * hold. Where the alignments of different rows (in different node types, or before and after a
 * template settled) may draw a slot's edges differently, the forms are one:
 * - a line break beside a slot went into it or stayed scaffold;
 * - pasted code or JSON fills a slot, or part of it: `Error:⏎<*> <CODE>` (a message line, then
 *   the stack trace) and `Error:⏎<CODE>` are one scaffold, as `<CODE>` and a slot whose short
 *   snippet read as no code are; so does a masked variable alone beside a slot (`<PATH>⏎<*>`: a
 *   file name line above a linter's report, or a slot that took it in);
 * - an article before a slot is part of its value or not: "You are a <*>", "You are <*>".
 */
function canonicalTemplate(template: string): string {
  let slotted = template.replace(BLOCK_MASKS, '<*>');
  for (let previous = ''; previous !== slotted;) {
    previous = slotted;
    slotted = slotted.replace(MASK_BESIDE_SLOT, '<*>');
  }
  return slotted
    .replace(/[ \n]*<\*>(?:[ \n]*<\*>)*[ \n]*/g, ' <*> ')
    .replace(/(?:^| )(?:a|an|the) <\*>/gi, ' <*>')
    .trim();
}

function partitionKey(row: Pick<PromptRow, 'node_type'>): string {
  return row.node_type ?? '';
}

/** The masked tokens the miner aligns: `promptTokens` of the row's prompt and method name. */
export function rowTokens(row: Pick<PromptRow, 'method_name' | 'prompt_text'>): string[] {
  return promptTokens(row.prompt_text, row.method_name ?? '');
}

/**
 * Incremental prompt-template miner. `add` learns a row and returns its template's fingerprint as of
 * that row; `match` classifies a row against the templates learned so far without learning it.
 *
 * A template's text, hence its fingerprint, changes while its first rows teach the miner which parts
 * are slots, so the fingerprints `add` returned for those first rows are not the template's final one.
 * For assignments and usage counts, `learn` a whole batch, then `match` each row of it (`learnBatch`):
 * on generated history that gives the same grouping as matching after the full run.
 */
export class PromptTemplateMiner {
  private partitions: Partition[] = [];
  /** Rows learnt so far: each row's ordinal, for the spans of its variant (`Variant.first`, `last`). */
  private rows = 0;
  private readonly byKey = new Map<string, Partition>();
  private readonly shapes = new Map<Partition, PartitionShape>();
  /** `keyedHomes()` since the miner last learned, or null until it is asked for again. */
  private homes: KeyedHomes | null = null;

  add(row: PromptRow): string {
    this.learn(row);
    return this.match(row);
  }

  /** `add` without computing the fingerprint, for a batch whose rows are matched afterwards. */
  learn(row: PromptRow): void {
    this.learnTokens(row, this.partitionFor(row), rowTokens(row));
  }

  /** The fingerprint `row` would get from the templates learned so far, without learning it. */
  match(row: PromptRow): string {
    const tokens = rowTokens(row);
    const found = this.matchTokens(row, tokens);
    return this.filed(partitionKey(row), tokens, templateFingerprint(renderFound(found)), found);
  }

  /**
   * Learns every row of a batch, then returns each row's fingerprint against the templates as they
   * stand after the batch: what `learn` on every row then `match` on every row returns, for less
   * work. Each prompt is masked once, and rows of one partition with the same masked tokens are
   * matched once (the templates no longer change while the batch is matched). `tokens` are the rows'
   * `promptTokens`, when the caller computed them already.
   */
  learnBatch(
    rows: readonly PromptRow[],
    tokens: readonly (readonly string[])[] = rows.map(rowTokens),
  ): string[] {
    if (tokens.length !== rows.length)
      throw new Error(`${tokens.length} token lists for ${rows.length} rows`);
    // Injective: tokens are never empty and hold no space (the line-break token is a lone "\n").
    const keys = tokens.map((masked) => masked.join(' '));
    for (const shape of this.shapes.values()) shape.placements.clear();
    const partitions = rows.map((row) => this.partitionFor(row));
    const learned = rows.map((row, index) =>
      this.learnTokens(
        row,
        partitions[index] as Partition,
        tokens[index] as readonly string[],
        keys[index] as string,
      ),
    );
    // Per partition, by tokens key: the fingerprints matched so far.
    const matched = new Map<Partition, Map<string, string>>();
    const fingerprint = rememberingFingerprints();
    // Per cluster, by variant: the fingerprint of each variant rows only counted in, once rendered.
    const variantFingerprints = new Map<Cluster, string[]>();
    const variantFingerprint = (cluster: Cluster, variant: number) => {
      let known = variantFingerprints.get(cluster);
      if (known === undefined) {
        known = [];
        variantFingerprints.set(cluster, known);
      }
      let value = known[variant];
      if (value === undefined) {
        const { values } = cluster.variants[variant] as Variant;
        value = fingerprint(renderTemplate(cluster.items, values));
        known[variant] = value;
      }
      return value;
    };
    return rows.map((row, index) => {
      const partition = partitions[index] as Partition;
      const key = keys[index] as string;
      let inPartition = matched.get(partition);
      if (inPartition === undefined) {
        inPartition = new Map();
        matched.set(partition, inPartition);
      }
      let match = inPartition.get(key);
      if (match === undefined) {
        const kept = learned[index];
        const masked = tokens[index] as readonly string[];
        const fresh = kept !== null && kept !== undefined && kept.shape.version === kept.version;
        if (fresh && kept.variant !== null) {
          const { values } = kept.merged.variants[kept.variant] as Variant;
          match = this.filed(partition.key, masked, variantFingerprint(kept.merged, kept.variant), {
            items: kept.merged.items,
            values,
          });
        } else {
          const found = fresh
            ? mergedTemplate(kept.alignment, kept.merged)
            : this.matchTokens(row, masked, partition);
          match = this.filed(partition.key, masked, fingerprint(renderFound(found)), found);
        }
        inPartition.set(key, match);
      }
      return match;
    });
  }

  /**
   * Learns one row into its partition; returns what matching it needs while the partition keeps its
   * shape, when the row reshaped nothing, else null. `tokensKey` is `tokens` joined by spaces.
   */
  private learnTokens(
    row: PromptRow,
    partition: Partition,
    tokens: readonly string[],
    tokensKey = tokens.join(' '),
  ): ShapeKeepingRow | null {
    this.homes = null;
    const ordinal = this.rows;
    this.rows += 1;
    const shape = this.shapeOf(partition);
    let remembered = shape.placements.get(tokensKey);
    const placed = remembered?.placement ?? null;
    const rejoined = remembered?.joined ?? null;
    const cluster = placed === null ? null : (partition.clusters[placed.clusterIndex] as Cluster);
    // Seen at this version and it reshaped nothing: merging it again would only count it (unless
    // this row makes an optional passage come and go).
    if (
      placed !== null &&
      rejoined !== null &&
      cluster !== null &&
      keepsSwitches(cluster.variants, rejoined, ordinal)
    ) {
      addMember(cluster, rejoined, row.history_id, row.method_name ?? '', ordinal);
      if (this.reachedPlacementCount(partition, shape, placed.clusterIndex)) return null;
      return {
        shape,
        version: shape.version,
        alignment: placed.alignment,
        merged: cluster,
        variant: rejoined,
      };
    }
    const incoming = rowCluster(tokens, row.history_id, row.method_name ?? '', ordinal);
    if (remembered === undefined) {
      remembered = { placement: bestPlacement(partition.clusters, incoming.items), joined: null };
      if (shape.placements.size >= MAX_REMEMBERED_PLACEMENTS) shape.placements.clear();
      shape.placements.set(tokensKey, remembered);
    }
    const { placement } = remembered;
    if (placement === null) {
      this.startCluster(partition, incoming);
      reshape(shape);
      return null;
    }
    const current = partition.clusters[placement.clusterIndex] as Cluster;
    // A merge that only counts the row, or otherwise keeps the shape, keeps the cluster the object
    // it was, so what is remembered of its shape (`switchValues`, the numbering of its constants)
    // stays with it.
    const joined = joiningVariant(current, placement.alignment, ordinal);
    if (joined !== null) {
      addMember(current, joined, row.history_id, row.method_name ?? '', ordinal);
      remembered.joined = joined;
    } else {
      const merged = mergeClusters(current, incoming, placement.alignment);
      if (!sameShape(current, merged)) {
        partition.clusters[placement.clusterIndex] = merged;
        reshape(shape);
        this.absorbLookalikes(partition, shape, placement.clusterIndex);
        return null;
      }
      current.variants = merged.variants;
    }
    if (this.reachedPlacementCount(partition, shape, placement.clusterIndex)) return null;
    if (this.absorbLookalikes(partition, shape, placement.clusterIndex)) return null;
    return {
      shape,
      version: shape.version,
      alignment: placement.alignment,
      merged: current,
      variant: joined,
    };
  }

  /**
   * Whether `variant` is a single row written out (every gap of its cluster holds its own value: a
   * row that a cluster of chance words took in, "<*> Timezone is the tenant timezone. <*>") that
   * `match` now files elsewhere than `fingerprint`, its own template's. Its totals then move there
   * as a stale template's do. Remembered per variant until the miner learns again.
   */
  private supersededRow(
    homes: KeyedHomes,
    partition: Partition,
    cluster: Cluster,
    variant: Variant,
    fingerprint: string,
  ): boolean {
    if (variant.count !== 1 || variant.values.some((value) => value === null)) return false;
    const known = homes.superseded.get(variant);
    if (known !== undefined) return known;
    const tokens = variantTemplate(cluster.items, variant.values, 1).items as string[];
    const row = { history_id: '', node_type: partition.nodeType, method_name: '', prompt_text: '' };
    const found = this.matchTokens(row, tokens, partition);
    const superseded =
      this.filed(partition.key, tokens, templateFingerprint(renderFound(found)), found) !== fingerprint;
    homes.superseded.set(variant, superseded);
    return superseded;
  }

  /** The template a row finds among those learned so far: its own text when none fits. */
  private matchTokens(
    row: PromptRow,
    tokens: readonly string[],
    partition = this.byKey.get(partitionKey(row)),
  ): FoundTemplate {
    // As if it were the next row learnt.
    const incoming = rowCluster(tokens, row.history_id, row.method_name ?? '', this.rows);
    const clusters = partition?.clusters ?? [];
    const placement = bestPlacement(clusters, incoming.items);
    if (placement === null) return { items: tokens, values: [] };
    const current = clusters[placement.clusterIndex] as Cluster;
    return mergedTemplate(placement.alignment, mergeClusters(current, incoming, placement.alignment));
  }
  /**
   * Every template learned so far, most used first (then by fingerprint). Not a variant that is one
   * row written out (`supersededRow`) whose row a template learnt since takes.
   */
  templates(): PromptTemplate[] {
    const byFingerprint = new Map<string, PromptTemplate>();
    const homes = this.keyedHomes();
    for (const partition of this.partitions) {
      for (const cluster of partition.clusters) {
        for (const variant of cluster.variants) {
          const own = renderTemplate(cluster.items, variant.values);
          const filed = partition.key === '' ? homes.byFingerprint.get(templateFingerprint(own)) : undefined;
          const keyed = filed ?? { fingerprint: templateFingerprint(own), template: own };
          const { fingerprint, template } = homes.byNodeType.get(keyed.fingerprint) ?? keyed;
          if (this.supersededRow(homes, partition, cluster, variant, fingerprint)) continue;
          const existing = byFingerprint.get(fingerprint);
          byFingerprint.set(fingerprint, {
            fingerprint,
            nodeTypes: [...new Set([...(existing?.nodeTypes ?? []), partition.nodeType])],
            methodNames: [...new Set([...(existing?.methodNames ?? []), ...variant.methodNames])]
              .filter((name) => name !== '')
              .slice(0, MAX_METHOD_NAMES),
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
    return structuredClone({ version: ALGORITHM_VERSION, rows: this.rows, partitions: this.partitions });
  }

  importState(state: PromptMinerState): void {
    if (state.version !== ALGORITHM_VERSION) {
      throw new Error(
        `prompt miner state is ${state.version}, this miner is ${ALGORITHM_VERSION}: rebuild it with \`run --full\``,
      );
    }
    this.partitions = structuredClone(state.partitions);
    this.rows = state.rows;
    this.byKey.clear();
    this.shapes.clear();
    this.homes = null;
    for (const partition of this.partitions) this.byKey.set(partition.key, partition);
  }

  /**
   * The fingerprint a row of partition `key` (its masked `tokens`) is filed under, `own` being its
   * template's. A keyless row goes to the most specific keyed template that generalises the row
   * itself, else to the keyed home of its template (`keyedHomes`); a keyed row to a more specific
   * one than its own that another node type proved (`specificHome`). `found` is that template, needed
   * when it may be none the miner keeps (a keyless row whose cluster was dropped,
   * `MAX_CLUSTERS_PER_PARTITION`, or whose value is new to a switch gap). A keyed template that names
   * its node type goes under the one it shares with other node types (`nodeTypeAliases`).
   */
  private filed(key: string, tokens: readonly string[], own: string, found?: FoundTemplate): string {
    const homes = this.keyedHomes();
    const keyed =
      key === '' ? this.keyedHome(homes, tokens, own, found) : this.specificHome(homes, tokens, own, found);
    return homes.byNodeType.get(keyed)?.fingerprint ?? keyed;
  }

  /**
   * `filed` for a row with a node type: a template proven in another node type that generalises the
   * row and is more specific than its own (its own partition learnt the scaffold with part of it in
   * a slot: "Review this diff:" inside a chat wrapper's user turn), else its own.
   */
  private specificHome(
    homes: KeyedHomes,
    tokens: readonly string[],
    own: string,
    found: FoundTemplate | undefined,
  ): string {
    if (found === undefined) return own;
    const key = `${own}\u0000${tokens.join(' ')}`;
    let home = homes.specificByRow.get(key);
    if (home === undefined) {
      const constants = variantTemplate(found.items, found.values, 1).constants;
      const present = new Set(tokens);
      // Most specific first: past the own template's constants, none is more specific.
      const candidate = homes.keyed.find(
        (each) => each.constants <= constants || (each.proven && generalisesRow(each, tokens, present)),
      );
      home =
        candidate === undefined || candidate.constants <= constants
          ? own
          : templateFingerprint(candidate.template);
      homes.specificByRow.set(key, home);
    }
    return home;
  }

  /** `filed` for a keyless row: the fingerprint of the keyed template it belongs to, or its own. */
  private keyedHome(
    homes: KeyedHomes,
    tokens: readonly string[],
    own: string,
    found?: FoundTemplate,
  ): string {
    const tokensKey = tokens.join(' ');
    let direct = homes.byRow.get(tokensKey);
    if (direct === undefined) {
      const present = new Set(tokens);
      const home = homes.keyed.find((candidate) => generalisesRow(candidate, tokens, present));
      direct = home === undefined ? null : templateFingerprint(home.template);
      homes.byRow.set(tokensKey, direct);
    }
    if (direct !== null) return direct;
    let home = homes.byFingerprint.get(own);
    if (home === undefined) {
      if (found === undefined) return own;
      home = homeOf(variantTemplate(found.items, found.values, 1), homes.keyed);
      homes.byFingerprint.set(own, home);
    }
    return home.fingerprint;
  }

  /**
   * Where the templates of rows without a node type belong, by their fingerprint (`homeOf`): a
   * template of a keyed partition that generalises one (`generalises`) is that template, learnt from
   * more rows. Those rows are few and come from every template, so their partition often holds a
   * template with a switch value or a typed mask where the keyed one already has a slot, or one
   * merged from several keyed templates (rows of templates that share a long preamble meet there,
   * too few to keep their templates apart), which is why `filed` weighs each row on its own first.
   * Computed once per learning, for the templates the keyless partition keeps; `filed` adds those
   * that rows find beside them, and what it found for each row.
   */
  private keyedHomes(): KeyedHomes {
    if (this.homes !== null) return this.homes;
    const keyless = this.byKey.get('');
    const keyedPartitions = this.partitions.filter((partition) => partition !== keyless);
    const keyed = keyedPartitions
      .flatMap((partition) =>
        partition.clusters.flatMap((cluster) =>
          cluster.variants.map(({ values, count }) => variantTemplate(cluster.items, values, count)),
        ),
      )
      // Most specific first; a stable sort, so the first of equals.
      .sort((left, right) => right.constants - left.constants);
    const byFingerprint = new Map<string, KeyedHome>();
    for (const cluster of keyless?.clusters ?? []) {
      for (const { values, count } of cluster.variants) {
        const own = variantTemplate(cluster.items, values, count);
        byFingerprint.set(templateFingerprint(own.template), homeOf(own, keyed));
      }
    }
    this.homes = {
      byFingerprint,
      byRow: new Map(),
      specificByRow: new Map(),
      keyed,
      byNodeType: nodeTypeAliases(keyedPartitions),
      superseded: new WeakMap(),
    };
    return this.homes;
  }

  private partitionFor(row: PromptRow): Partition {
    const key = partitionKey(row);
    let partition = this.byKey.get(key);
    if (partition === undefined) {
      partition = { key, nodeType: row.node_type ?? '', clusters: [] };
      this.partitions.push(partition);
      this.byKey.set(key, partition);
    }
    return partition;
  }

  private shapeOf(partition: Partition): PartitionShape {
    let shape = this.shapes.get(partition);
    if (shape === undefined) {
      shape = { version: 0, lookalikeFree: new Set(), placements: new Map() };
      this.shapes.set(partition, shape);
    }
    return shape;
  }

  private startCluster(partition: Partition, cluster: Cluster): void {
    const limit = partition.key === '' ? MAX_KEYLESS_CLUSTERS : MAX_CLUSTERS_PER_PARTITION;
    if (partition.clusters.length >= limit) {
      const smallest = Math.min(...partition.clusters.map(rowCount));
      partition.clusters.splice(
        partition.clusters.findIndex((candidate) => rowCount(candidate) === smallest),
        1,
      );
    }
    partition.clusters.push(cluster);
  }

  /**
   * Whether the cluster at `index`, which just learned one more row, reached a row count that
   * placements depend on (`PLACEMENT_ROW_COUNTS`): they may differ now, so the partition takes a new
   * shape version, and the cluster may take in others (`absorbLookalikes`).
   */
  private reachedPlacementCount(partition: Partition, shape: PartitionShape, index: number): boolean {
    if (!PLACEMENT_ROW_COUNTS.includes(rowCount(partition.clusters[index] as Cluster))) return false;
    reshape(shape);
    this.absorbLookalikes(partition, shape, index);
    return true;
  }

  /**
   * A cluster that just generalised may now look like another one of its partition (often a
   * cluster started by an early row whose long slots hid the scaffold), or be one of several alike
   * but for one word (`switchSiblings`): merge them, as many times as it takes. The merged cluster
   * keeps the oldest position. Returns whether it merged any.
   */
  private absorbLookalikes(partition: Partition, shape: PartitionShape, changed: number): boolean {
    let index = changed;
    let absorbed = false;
    for (;;) {
      if (shape.lookalikeFree.has(index)) return absorbed;
      const cluster = partition.clusters[index] as Cluster;
      const placement = bestPlacement(partition.clusters, cluster.items, index);
      if (placement === null) {
        const siblings = switchSiblings(partition.clusters, index);
        if (siblings.length === 0) {
          shape.lookalikeFree.add(index);
          return absorbed;
        }
        // Oldest first: the merged cluster keeps the oldest position.
        const [keep, ...rest] = [index, ...siblings].sort((left, right) => left - right) as [
          number,
          ...number[],
        ];
        partition.clusters[keep] = rest.reduce((merged, at) => {
          const sibling = partition.clusters[at] as Cluster;
          return mergeClusters(merged, sibling, align(merged.items, sibling.items));
        }, partition.clusters[keep] as Cluster);
        for (const at of rest.reverse()) partition.clusters.splice(at, 1);
        reshape(shape);
        absorbed = true;
        index = keep;
        continue;
      }
      const other = partition.clusters[placement.clusterIndex] as Cluster;
      const merged = mergeClusters(other, cluster, placement.alignment);
      const [keep, drop] =
        placement.clusterIndex < index ? [placement.clusterIndex, index] : [index, placement.clusterIndex];
      partition.clusters[keep] = merged;
      partition.clusters.splice(drop, 1);
      reshape(shape);
      absorbed = true;
      index = keep;
    }
  }
}

/** What a switch of siblings holds on each side: a word, not a gap, a mask or a line break. */
function isSwitchWord(item: Item | undefined): item is string {
  return typeof item === 'string' && item !== NEWLINE && !isMaskedToken(item);
}

/**
 * The clusters that are the one at `index` but for one word, all at the same place, when there are
 * MAX_SWITCH_VALUES of them or more: with its own, more values than a switch takes, so that place is
 * a slot ("Scaffold a <*> service <*> in <*>", "… controller …", "… DTO …"). Each of them kept the
 * word as scaffold (a template whose rows settled keeps most of its content words), so only the
 * clusters side by side tell. Empty when there are fewer.
 */
function switchSiblings(clusters: readonly Cluster[], index: number): number[] {
  const items = (clusters[index] as Cluster).items;
  const byPlace = new Map<number, number[]>();
  clusters.forEach((other, at) => {
    if (at === index || other.items.length !== items.length) return;
    let place = -1;
    for (let item = 0; item < items.length; item += 1) {
      const [mine, theirs] = [items[item], other.items[item]];
      if (mine === theirs) continue;
      if (place >= 0 || !isSwitchWord(mine) || !isSwitchWord(theirs)) return;
      place = item;
    }
    if (place >= 0) byPlace.set(place, [...(byPlace.get(place) ?? []), at]);
  });
  const found = [...byPlace.values()].find((ats) => ats.length >= MAX_SWITCH_VALUES);
  return found ?? [];
}

/** A new version of a partition's shape: what was found at the old one no longer holds. */
function reshape(shape: PartitionShape): void {
  shape.version += 1;
  shape.lookalikeFree.clear();
  shape.placements.clear();
}

/** A template as a row finds it: a cluster's items, and the values its switch gaps take. */
interface FoundTemplate {
  readonly items: readonly Item[];
  readonly values: readonly (string | null)[];
}

function renderFound(found: FoundTemplate): string {
  return renderTemplate(found.items, found.values);
}

/** A row's template in `merged`, the cluster that aligning the row gave. */
function mergedTemplate(alignment: Alignment, merged: Cluster): FoundTemplate {
  const rowValues = alignment.rightRegions.map((region) => regionValue(region, []));
  const variant = merged.variants.find((candidate) =>
    candidate.values.every((value, gap) => value === null || value === rowValues[gap]),
  );
  return { items: merged.items, values: variant?.values ?? rowValues };
}

/** A keyed template that a keyless one belongs to (`keyedHomes`), or the keyless one itself. */
interface KeyedHome {
  readonly fingerprint: string;
  readonly template: string;
}

/** Where keyless templates and rows belong, and the keyed templates, most specific first. */
interface KeyedHomes {
  readonly byFingerprint: Map<string, KeyedHome>;
  /** By a row's tokens joined by spaces: the fingerprint of the keyed template generalising it. */
  readonly byRow: Map<string, string | null>;
  /** By a keyed row's own fingerprint and tokens: where `specificHome` files it. */
  readonly specificByRow: Map<string, string>;
  readonly keyed: readonly VariantTemplate[];
  /** By a keyed template's fingerprint: the template it is once its node type is a slot. */
  readonly byNodeType: Map<string, KeyedHome>;
  /** By variant: `supersededRow`. */
  readonly superseded: WeakMap<Variant, boolean>;
}

/** A template's word as its node type would be written: `Service`, `service.`, `(service)`. */
function asNodeType(item: string): string {
  return item.toLowerCase().replace(/^[("'`]+|[)"'`.,:;!?]+$/g, '');
}

/**
 * Templates that name their own node type ("Generate a router for …" learnt among routers,
 * "Generate a job for …" among jobs): where two node types or more have the same template once
 * that word is a slot, it is one template whose slot is the node type, by the fingerprint of each.
 */
function nodeTypeAliases(partitions: readonly Partition[]): Map<string, KeyedHome> {
  // By the general template's fingerprint: two texts that differ where the alignments drew a slot's
  // edges are one template (`canonicalTemplate`); the first text stands for the group.
  const groups = new Map<string, { template: string; nodeTypes: Set<string>; fingerprints: string[] }>();
  for (const partition of partitions) {
    const word = partition.nodeType.toLowerCase();
    for (const cluster of partition.clusters) {
      for (const { values } of cluster.variants) {
        const { items, template } = variantTemplate(cluster.items, values, 0);
        const general = items.map((item) => (item !== null && asNodeType(item) === word ? null : item));
        if (general.every((item, index) => item === items[index])) continue;
        const text = renderTemplate(general, []);
        const key = templateFingerprint(text);
        const group = groups.get(key) ?? { template: text, nodeTypes: new Set<string>(), fingerprints: [] };
        group.nodeTypes.add(partition.key);
        group.fingerprints.push(templateFingerprint(template));
        groups.set(key, group);
      }
    }
  }
  const aliases = new Map<string, KeyedHome>();
  for (const [fingerprint, { template, nodeTypes, fingerprints }] of groups) {
    if (nodeTypes.size < 2) continue;
    for (const own of fingerprints) aliases.set(own, { fingerprint, template });
  }
  return aliases;
}

/** A template with its switch values written in: its text and its items. */
interface VariantTemplate {
  readonly template: string;
  readonly items: Item[];
  readonly constants: number;
  /** Constants that are words, not masks. */
  readonly words: number;
  /** Whether its rows prove its gaps slots (`MIN_COVERING_ROWS`): it generalises what they cover. */
  readonly proven: boolean;
  /** Its distinct constants: a row lacking one of them is none it generalises. */
  readonly required: readonly string[];
}

function variantTemplate(
  clusterItems: readonly Item[],
  values: readonly (string | null)[],
  rows: number,
): VariantTemplate {
  const items: Item[] = [];
  let gap = 0;
  for (const item of clusterItems) {
    if (item !== null) {
      items.push(item);
      continue;
    }
    const value = values[gap];
    gap += 1;
    if (value === null || value === undefined) items.push(null);
    else if (value !== '') items.push(...value.split(' '));
  }
  const constants = items.filter((item) => item !== null);
  return {
    template: renderTemplate(clusterItems, values),
    items,
    constants: constants.length,
    words: constants.filter((item) => !isMaskedToken(item)).length,
    proven: rows >= MIN_COVERING_ROWS,
    required: [...new Set(constants)],
  };
}

/**
 * Whether the keyed `candidate` generalises a row, its `tokens` (`present` as a set): a cheap screen
 * on the constants it requires first.
 */
function generalisesRow(
  candidate: VariantTemplate,
  tokens: readonly string[],
  present: ReadonlySet<string>,
): boolean {
  return (
    candidate.required.every((token) => present.has(token)) &&
    generalises(candidate.items, tokens, candidate.proven)
  );
}

/**
 * The home of the keyless template `own`: the most specific keyed template that generalises it (the
 * first of those), else itself.
 */
function homeOf(own: VariantTemplate, keyed: readonly VariantTemplate[]): KeyedHome {
  // `keyed` comes most specific first.
  const best = keyed.find(
    (candidate) =>
      candidate.template !== own.template &&
      // The other way round only for masks: a keyless `<*>` where a keyed template has `<STR>`.
      ((candidate.words === own.words && generalises(own.items, candidate.items)) ||
        generalises(candidate.items, own.items, candidate.proven)),
  );
  const home = best ?? own;
  return { fingerprint: templateFingerprint(home.template), template: home.template };
}

/** `templateFingerprint`, remembering what it hashed: a batch renders the same few templates again and again. */
function rememberingFingerprints(): typeof templateFingerprint {
  const byTemplate = new Map<string, string>();
  return (template) => {
    let fingerprint = byTemplate.get(template);
    if (fingerprint === undefined) {
      fingerprint = templateFingerprint(template);
      byTemplate.set(template, fingerprint);
    }
    return fingerprint;
  };
}
