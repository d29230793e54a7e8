/**
 * A Drain log parser (He, Zhu, Zheng, Lyu, "Drain: An Online Log Parsing Approach with Fixed Depth
 * Tree", ICWS 2017), written for the miner. Messages are masked, split into tokens and routed down a
 * tree of fixed depth: first by token count, then by their leading tokens (a token holding a digit goes
 * to the `<*>` branch, as does any token once a node has `maxChildren` children). The leaf holds
 * clusters; the message joins the most similar one when at least `similarityThreshold` of its tokens
 * equal the template's, whose differing positions then become `<*>`, or starts a new cluster.
 *
 * Deterministic (a message's cluster depends only on the messages before it) and resumable: the state
 * is plain JSON, and an imported state continues exactly as the run that exported it would have.
 */
import { DEFAULT_MASK_RULES, type MaskRule, maskWith, tokenize } from './masking';

export const WILDCARD = '<*>';
export const DRAIN_STATE_VERSION = 1;

export interface DrainOptions {
  /** Depth of the leaves, counting the root and the token-count layer (so `depth - 2` token layers). */
  readonly depth: number;
  /** Share of equal tokens (template wildcards excluded) a message needs to join a cluster. */
  readonly similarityThreshold: number;
  /** Children an inner node may have before further tokens share its `<*>` child. */
  readonly maxChildren: number;
  /** Applied to each message, in order, before tokenising. */
  readonly masks: readonly MaskRule[];
  /**
   * Words that carry meaning wherever they stand (lower case): a message never joins a cluster whose
   * template has another token where either holds one, so "cannot read x" and "cannot write x" stay
   * apart. Compared without surrounding punctuation. Classic Drain has none.
   */
  readonly pinnedWords: readonly string[];
  /**
   * Words that pin the word right after them (lower case): negations and degrees, whose object is
   * the meaning ("is never committed" vs "is never rolled back", "too low" vs "too high"). Compared
   * as `pinnedWords` are. Classic Drain has none.
   */
  readonly pinningWords: readonly string[];
  /**
   * Tokens that carry meaning by their shape, as `pinnedWords` do by their spelling (an exception's
   * headline, `KeyError:`), or null. Classic Drain has none.
   */
  readonly pinnedPattern: RegExp | null;
  /**
   * Route a code identifier (`refreshReport`, `user_id`, `os.path`, `load()`) like a token with a
   * digit, through `<*>`: in error texts a name leads many messages of one kind. Classic Drain: false.
   */
  readonly identifiersRouteAsWildcard: boolean;
}

export const DEFAULT_DRAIN_OPTIONS: DrainOptions = {
  depth: 4,
  similarityThreshold: 0.4,
  maxChildren: 100,
  masks: [],
  pinnedWords: [],
  pinningWords: [],
  pinnedPattern: null,
  identifiersRouteAsWildcard: false,
};

export interface DrainCluster {
  /** 1, 2, 3… in order of creation. */
  readonly id: number;
  readonly template: readonly string[];
  /** The (masked) tokens of the message that started it: unlike the template, they never change. */
  readonly founder: readonly string[];
  /** Messages that joined it. */
  readonly size: number;
}

/** What `exportState` returns and `importState` takes: plain JSON. */
export interface DrainState {
  readonly version: number;
  /** The options the state was learnt with; importing into differently configured Drain throws. */
  readonly config: string;
  /** In order of creation, each with the tokens of the message that founded it. */
  readonly clusters: readonly {
    readonly id: number;
    readonly template: readonly string[];
    readonly founder: readonly string[];
    readonly size: number;
  }[];
}

interface MutableCluster {
  readonly id: number;
  template: string[];
  /** The tokens of the first message: its leading ones say where the cluster sits in the tree. */
  readonly founder: readonly string[];
  size: number;
}

interface TreeNode {
  readonly children: Map<string, TreeNode>;
  readonly clusters: MutableCluster[];
}

function newNode(): TreeNode {
  return { children: new Map(), clusters: [] };
}

function hasDigit(token: string): boolean {
  return /\d/.test(token);
}

/**
 * camelCase, PascalCase with a capital inside, snake_case, a dotted or `::` path, a call, or a
 * relative path with a dot, a digit, an underscore or a capital in it; trailing punctuation aside.
 */
const IDENTIFIER =
  /^(?:[a-z][a-z0-9]*[A-Z]\w*|[A-Z][a-z0-9]+[A-Z]\w*|[A-Za-z]\w*_\w*|\w+(?:(?:\.|::)\w+)+|\w+\(.*\)|(?=[^/]*\/)(?=\S*[._A-Z\d])[\w.-]+(?:\/[\w.-]+)+)[^\w]*$/;

/**
 * Whether `token` reads as a code identifier (`refreshReport`, `OrderService`, `user_id`,
 * `os.path`, `open()`, `it(<STR>)`, `TestHandler/duplicate_event`).
 */
export function isCodeIdentifier(token: string): boolean {
  return IDENTIFIER.test(token);
}

/** Share of positions where the template holds the message's token; wildcards count apart. */
function similarity(template: readonly string[], tokens: readonly string[]) {
  let equal = 0;
  let wildcards = 0;
  template.forEach((token, index) => {
    if (token === WILDCARD) wildcards += 1;
    else if (token === tokens[index]) equal += 1;
  });
  return { score: template.length === 0 ? 1 : equal / template.length, wildcards };
}

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `GET`, `DELETE`…: before a path, a route's method. */
export function isHttpMethod(token: string): boolean {
  return HTTP_METHODS.has(token);
}

/** A token as `pinnedWords` and `pinningWords` are compared: lower case, surrounding punctuation aside. */
function bareWord(token: string): string {
  return token.toLowerCase().replace(/^[^a-z']+|[^a-z']+$/g, '');
}

/** Tokens whose `isPinned` a Drain remembers before it starts over. */
const MAX_REMEMBERED_WORDS = 65_536;

/** Inflections a pinned word may carry: "defined", "renames", "dropped", "passing", "readable". */
const INFLECTIONS = ['ing', 'able', 'ible', 'ed', 'es', 's', 'd'];

/**
 * What `word` may be inflected from: without each suffix it ends in, with an `e` put back or a
 * doubled consonant undone.
 */
function stems(word: string): string[] {
  const found: string[] = [];
  for (const suffix of INFLECTIONS) {
    const base = word.slice(0, -suffix.length);
    if (!word.endsWith(suffix) || base.length < 3) continue;
    found.push(base, `${base}e`);
    if (/([b-df-hj-np-tv-z])\1$/.test(base)) found.push(base.slice(0, -1));
  }
  return found;
}

function describeOptions(options: DrainOptions): string {
  return JSON.stringify({
    depth: options.depth,
    similarityThreshold: options.similarityThreshold,
    maxChildren: options.maxChildren,
    masks: options.masks.map((rule) => [rule.pattern.source, rule.pattern.flags, rule.placeholder]),
    pinnedWords: [...new Set(options.pinnedWords)].sort(),
    pinningWords: [...new Set(options.pinningWords)].sort(),
    pinnedPattern:
      options.pinnedPattern === null ? null : [options.pinnedPattern.source, options.pinnedPattern.flags],
    identifiersRouteAsWildcard: options.identifiersRouteAsWildcard,
  });
}

export class Drain {
  private readonly options: DrainOptions;
  private readonly byLength = new Map<number, TreeNode>();
  private readonly clusterList: MutableCluster[] = [];
  private readonly pinned: ReadonlySet<string>;
  private readonly pinning: ReadonlySet<string>;
  private readonly pinsAny: boolean;
  /** `isPinned` of the tokens met so far (a vocabulary stays small). */
  private readonly pinnedWordOf = new Map<string, boolean>();

  constructor(options: Partial<DrainOptions> = {}) {
    this.options = { ...DEFAULT_DRAIN_OPTIONS, ...options };
    this.pinned = new Set(this.options.pinnedWords.map((word) => word.toLowerCase()));
    this.pinning = new Set(this.options.pinningWords.map((word) => word.toLowerCase()));
    this.pinsAny = this.pinned.size + this.pinning.size > 0 || this.options.pinnedPattern !== null;
    if (!Number.isInteger(this.options.depth) || this.options.depth < 3) {
      throw new RangeError(`Drain depth must be an integer ≥ 3 (got ${this.options.depth})`);
    }
    if (!Number.isInteger(this.options.maxChildren) || this.options.maxChildren < 2) {
      throw new RangeError(`Drain maxChildren must be an integer ≥ 2 (got ${this.options.maxChildren})`);
    }
    // Without the global flag a mask would replace only its first match.
    const notGlobal = this.options.masks.find((rule) => !rule.pattern.global);
    if (notGlobal !== undefined) throw new RangeError(`Drain mask ${notGlobal.name} lacks the g flag`);
  }

  /** The masked tokens Drain sees for `message`. */
  tokens(message: string): string[] {
    return tokenize(maskWith(message, this.options.masks));
  }

  /** Adds one message; returns the id of the cluster it joined or started. */
  add(message: string): number {
    const tokens = this.tokens(message);
    const match = this.findMatch(tokens);
    if (match !== undefined) {
      match.template = match.template.map((token, index) => (token === tokens[index] ? token : WILDCARD));
      match.size += 1;
      return match.id;
    }
    const cluster: MutableCluster = {
      id: this.clusterList.length + 1,
      template: [...tokens],
      founder: tokens,
      size: 1,
    };
    this.place(cluster);
    return cluster.id;
  }

  /**
   * The cluster `message` would join, without learning from it (undefined when it would start one).
   * Lets a caller classify messages against a frozen model.
   */
  match(message: string): number | undefined {
    return this.findMatch(this.tokens(message))?.id;
  }

  /** The current template of a cluster, tokens joined by single spaces. */
  template(clusterId: number): string {
    return this.mutableCluster(clusterId).template.join(' ');
  }

  /** The masked message that started a cluster, tokens joined by single spaces; it never changes. */
  founder(clusterId: number): string {
    return this.mutableCluster(clusterId).founder.join(' ');
  }

  clusters(): DrainCluster[] {
    return this.clusterList.map(({ id, template, founder, size }) => ({
      id,
      template: [...template],
      founder: [...founder],
      size,
    }));
  }

  exportState(): DrainState {
    return {
      version: DRAIN_STATE_VERSION,
      config: describeOptions(this.options),
      clusters: this.clusterList.map(({ id, template, founder, size }) => ({
        id,
        template: [...template],
        founder: [...founder],
        size,
      })),
    };
  }

  /**
   * Replaces what this instance has learnt by `state`. Placing the clusters again in creation order
   * rebuilds the very tree (same branches, same `<*>` overflow, same order within each leaf).
   */
  importState(state: DrainState): void {
    if (state.version !== DRAIN_STATE_VERSION) {
      throw new Error(`Drain state version ${state.version} is not ${DRAIN_STATE_VERSION}`);
    }
    if (state.config !== describeOptions(this.options)) {
      throw new Error('Drain state was learnt with other options');
    }
    this.byLength.clear();
    this.clusterList.length = 0;
    state.clusters.forEach((saved, index) => {
      if (saved.id !== index + 1) throw new Error(`Drain state cluster ${index + 1} has id ${saved.id}`);
      this.place({ ...saved, template: [...saved.template], founder: [...saved.founder] });
    });
  }

  /** One cluster as it stands now (a live view: it changes as messages join). */
  cluster(clusterId: number): DrainCluster {
    return this.mutableCluster(clusterId);
  }

  /**
   * Whether `token` is one of `pinnedWords` (surrounding punctuation aside, maybe inflected, or a
   * part of a hyphenated word: "world-readable"), or has the shape of `pinnedPattern`.
   */
  isPinned(token: string): boolean {
    if (this.options.pinnedPattern?.test(token) === true) return true;
    // `DELETE /orders/<*>` names a route, not the action, and `open()` a function: HTTP methods and
    // code identifiers are never meaning words.
    if (this.pinned.size === 0 || isHttpMethod(token) || IDENTIFIER.test(token)) return false;
    let pinned = this.pinnedWordOf.get(token);
    if (pinned === undefined) {
      const word = bareWord(token);
      // A capitalised compound is a name (`Retry-After`), a lower-case one a word ("world-readable").
      const parts = /[A-Z]/.test(token) ? [word] : word.split('-');
      pinned = parts.some(
        (part) => this.pinned.has(part) || stems(part).some((stem) => this.pinned.has(stem)),
      );
      if (this.pinnedWordOf.size >= MAX_REMEMBERED_WORDS) this.pinnedWordOf.clear();
      this.pinnedWordOf.set(token, pinned);
    }
    return pinned;
  }

  /** Whether `token` is one of `pinningWords` (the word after it is pinned), punctuation aside. */
  pinsNext(token: string | undefined): boolean {
    return token !== undefined && this.pinning.size > 0 && this.pinning.has(bareWord(token));
  }

  private mutableCluster(clusterId: number): MutableCluster {
    const cluster = this.clusterList[clusterId - 1];
    if (cluster === undefined) throw new RangeError(`no Drain cluster ${clusterId}`);
    return cluster;
  }

  private tokenLayers(): number {
    return this.options.depth - 2;
  }

  private place(cluster: MutableCluster): void {
    this.clusterList.push(cluster);
    const route = cluster.founder.slice(0, this.tokenLayers());
    this.leafFor(cluster.founder.length, route).clusters.push(cluster);
  }

  /** The most similar cluster in the leaf `tokens` reach, if similar enough; changes nothing. */
  private findMatch(tokens: readonly string[]): MutableCluster | undefined {
    let node = this.byLength.get(tokens.length);
    for (const token of tokens.slice(0, this.tokenLayers())) {
      if (node === undefined) return undefined;
      node = node.children.get(token) ?? node.children.get(WILDCARD);
    }
    return node === undefined ? undefined : this.bestMatch(node.clusters, tokens);
  }

  /** The leaf for a new cluster of `length` tokens led by `route`, growing the branch as needed. */
  private leafFor(length: number, route: readonly string[]): TreeNode {
    let node = this.byLength.get(length);
    if (node === undefined) {
      node = newNode();
      this.byLength.set(length, node);
    }
    for (const token of route) node = this.childFor(node, token);
    return node;
  }

  private childFor(node: TreeNode, token: string): TreeNode {
    const exact = node.children.get(token);
    if (exact !== undefined) return exact;
    const wildcard = node.children.get(WILDCARD);
    const hasRoom = node.children.size + (wildcard === undefined ? 1 : 0) < this.options.maxChildren;
    const routesAsWildcard =
      hasDigit(token) || (this.options.identifiersRouteAsWildcard && IDENTIFIER.test(token));
    if (!routesAsWildcard && hasRoom) return this.grow(node, token);
    return wildcard ?? this.grow(node, WILDCARD);
  }

  private grow(node: TreeNode, token: string): TreeNode {
    const child = newNode();
    node.children.set(token, child);
    return child;
  }

  /** Whether a pinned word, or a word a pinning word leads, stands against another token somewhere. */
  private conflicts(template: readonly string[], tokens: readonly string[]): boolean {
    return template.some((token, index) => {
      const other = tokens[index] ?? '';
      if (token === WILDCARD || token === other) return false;
      return (
        this.isPinned(token) ||
        this.isPinned(other) ||
        this.pinsNext(template[index - 1]) ||
        this.pinsNext(tokens[index - 1])
      );
    });
  }

  private bestMatch(clusters: readonly MutableCluster[], tokens: readonly string[]) {
    let best: MutableCluster | undefined;
    let bestScore = -1;
    let bestWildcards = -1;
    for (const cluster of clusters) {
      if (this.pinsAny && this.conflicts(cluster.template, tokens)) continue;
      const { score, wildcards } = similarity(cluster.template, tokens);
      if (score > bestScore || (score === bestScore && wildcards > bestWildcards)) {
        best = cluster;
        bestScore = score;
        bestWildcards = wildcards;
      }
    }
    return bestScore >= this.options.similarityThreshold ? best : undefined;
  }
}

/**
 * The one configuration the miner ships for text of unknown shape: the default variable masks, four
 * levels, and a threshold that keeps one-word differences apart in short messages.
 */
export const GENERIC_DRAIN_OPTIONS: DrainOptions = {
  depth: 4,
  similarityThreshold: 0.5,
  maxChildren: 100,
  masks: DEFAULT_MASK_RULES,
  pinnedWords: [],
  pinningWords: [],
  pinnedPattern: null,
  identifiersRouteAsWildcard: false,
};
