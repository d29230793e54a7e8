/**
 * Sentry-style error signatures of generation history rows. A row yields one signature per failure
 * it shows: its kind (validation failed, syntax invalid, truncated, each security issue type, negative
 * user feedback) plus, where the failure comes with text, the template of that text — masked
 * (`maskVariables`), then clustered by a Drain per kind, so kinds never mix; Drain's clusters that
 * are one error (a slot holding more words, a name routed another way) join in families
 * (`error-families.ts`). A cluster whose template generalised may show two families to be one
 * error after all; the younger joins the older (`takeMoves` tells the job, which moves its rows).
 *
 * A signature's fingerprint hashes the algorithm version, the kind and the founding text of its
 * family's first cluster (the masked message that started it). Not the current template: that
 * widens as rows join, and a fingerprint must not move while its family lasts. The same rows in the
 * same order give the same fingerprints, in one run or resumed from `exportState()`.
 */
import { hash } from 'node:crypto';
import { Drain, type DrainOptions, type DrainState, WILDCARD } from './drain';
import { EXCEPTION_HEADLINE, familyTemplate, sameFamily } from './error-families';
import { DEFAULT_MASK_RULES, MEASURE_RULE, NUMBER_RULE } from './masking';

/** Bump when a change would file some row under another fingerprint. */
export const ERROR_SIGNATURE_ALGORITHM_VERSION = 8;

/**
 * What the miner needs of a history row joined to its metrics row. `quality_score` does not make a
 * failure (a low score is no error by itself); it rides along for the patterns' averages.
 */
export interface ErrorSignatureRow {
  readonly history_id: string;
  readonly validation_passed: boolean | null;
  readonly quality_score: number | null;
  readonly user_feedback: string | null;
  readonly user_accepted: boolean | null;
  readonly manual_edits_required: boolean | null;
  readonly finish_reason: string | null;
  readonly truncated: boolean | null;
  readonly syntax_valid: boolean | null;
  readonly security_issues: readonly unknown[];
}

export type ErrorKind =
  'validation_failed' | 'syntax_invalid' | 'truncated' | 'user_feedback' | `security:${string}`;

/** One failure of one row, before clustering. */
export interface ErrorEvent {
  readonly kind: ErrorKind;
  readonly message: string | null;
}

export interface ErrorSignature {
  readonly kind: ErrorKind;
  /** The Drain template of the masked message as of this row, or null when the failure has no text. */
  readonly template: string | null;
  readonly fingerprint: string;
}

/** What the miner keeps of one kind: its Drain, and per Drain cluster the first cluster of its family. */
export interface KindState {
  readonly drain: DrainState;
  readonly families: readonly number[];
}

export interface ErrorSignatureState {
  readonly version: number;
  /** One state per kind that had text, in the order the kinds first appeared. */
  readonly kinds: Readonly<Record<string, KindState>>;
}

/**
 * The words that make one error another wherever they stand: negations, states, actions and
 * measures that error messages and complaints turn on ("cannot read" vs "cannot write", "too long"
 * vs "too short"), also inflected ("defined", "renames", "world-readable": see `Drain.isPinned`).
 * Names (modules, functions, variables) are not in it: those vary within a family.
 */
export const ERROR_MEANING_WORDS: readonly string[] = [
  ...['not', 'no', 'never', 'cannot', "can't", "won't", "don't", "doesn't", "isn't", 'without'],
  ...['missing', 'unused', 'unknown', 'undefined', 'unexpected', 'expected', 'invalid', 'duplicate'],
  ...['deprecated', 'empty', 'null', 'required', 'optional', 'private', 'public', 'async', 'sync'],
  ...['read', 'write', 'open', 'close', 'create', 'delete', 'remove', 'update', 'insert', 'import'],
  ...['export', 'call', 'return', 'parse', 'load', 'save', 'find', 'connect', 'send', 'receive'],
  ...['assign', 'convert', 'declare', 'define', 'resolve', 'access', 'execute', 'add', 'drop'],
  ...['rename', 'move', 'copy', 'change', 'lock', 'unlock', 'allow', 'deny', 'block', 'enable'],
  ...['disable', 'start', 'stop', 'leak', 'flush', 'commit', 'fail', 'pass', 'skip'],
  ...['too', 'long', 'short', 'large', 'small', 'many', 'few', 'more', 'less', 'slow', 'fast'],
  ...['before', 'after', 'input', 'output', 'min', 'max'],
];

/**
 * Negations and degrees: the word after one is what the error is about ("is never committed" vs "is
 * never rolled back", "too low" vs "too high", "has no authentication guard" vs "has no rate
 * limiting"). In complaints about generated code "no X" and "without X" name what is missing.
 */
export const ERROR_PINNING_WORDS: readonly string[] = [
  ...['not', 'never', 'too', 'no', 'without', 'cannot', "can't", "won't", "don't", "doesn't", "isn't"],
  "aren't",
];

/**
 * Drain for short error texts: variables masked first; only the first token routes (an identifier
 * in second place, "function foo is too long", must not split a family), and a code identifier
 * there routes as `<*>` ("refreshReport uses Math.random()…"); half the tokens must
 * agree and the meaning words must match, so "missing import X" and "unused import X" stay apart.
 */
export const ERROR_DRAIN_OPTIONS: DrainOptions = {
  depth: 3,
  similarityThreshold: 0.5,
  maxChildren: 100,
  masks: DEFAULT_MASK_RULES.flatMap((rule) => (rule === NUMBER_RULE ? [MEASURE_RULE, rule] : [rule])),
  pinnedWords: ERROR_MEANING_WORDS,
  pinningWords: ERROR_PINNING_WORDS,
  pinnedPattern: EXCEPTION_HEADLINE,
  identifiersRouteAsWildcard: true,
};

const FINGERPRINT_HEX_DIGITS = 16;

/** Feedback counts as a complaint unless the user took the code as it was. */
function isNegativeFeedback(row: ErrorSignatureRow): boolean {
  const text = row.user_feedback?.trim() ?? '';
  const acceptedAsIs = row.user_accepted === true && row.manual_edits_required !== true;
  return text !== '' && !acceptedAsIs;
}

function firstString(record: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

/** `SQL Injection` and `sql-injection` are the same type: lower case, `_` between words. */
export function normaliseIssueType(type: string | null): string {
  const normal = (type ?? '')
    .toLowerCase()
    .replace(/[^a-z\d]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return normal === '' ? 'unknown' : normal;
}

/** A scanner's one-line finding: a rule id or a short type name, a colon, then the message. */
const TYPED_FINDING = /^\s*([A-Za-z@][\w./@-]*(?: [\w.-]+){0,3})\s*:\s+(\S.*)$/s;

/**
 * Reads a security issue of any shape: a bare type string (`sql_injection`), a finding line
 * (`B105: Possible hardcoded password: 'x'`, type `b105`; `js/sql-injection: …`, as CodeQL and
 * ESLint plugins name rules), or an object naming its type and message.
 */
export function securityIssueEvent(issue: unknown): ErrorEvent {
  if (typeof issue === 'string') {
    const finding = TYPED_FINDING.exec(issue);
    if (finding === null) return { kind: `security:${normaliseIssueType(issue)}`, message: null };
    return { kind: `security:${normaliseIssueType(finding[1] ?? null)}`, message: finding[2] ?? null };
  }
  if (typeof issue !== 'object' || issue === null || Array.isArray(issue)) {
    return { kind: 'security:unknown', message: null };
  }
  const record = issue as Record<string, unknown>;
  const type = firstString(record, ['type', 'rule', 'rule_id', 'code', 'category', 'name', 'id']);
  const message = firstString(record, ['message', 'description', 'detail', 'title']);
  return { kind: `security:${normaliseIssueType(type)}`, message };
}

/** Finish reasons that mean the output hit its token limit: OpenAI's `length`, Anthropic's and Gemini's. */
const TRUNCATION_FINISH_REASONS: ReadonlySet<string> = new Set(['length', 'max_tokens']);

/**
 * The failures a row shows, most specific first (security, syntax, truncation, feedback, then the
 * bare validation failure), so the first one can stand for the row where only one may.
 */
export function errorEvents(row: ErrorSignatureRow): ErrorEvent[] {
  const events: ErrorEvent[] = row.security_issues.map(securityIssueEvent);
  if (row.syntax_valid === false) events.push({ kind: 'syntax_invalid', message: null });
  if (row.truncated === true || TRUNCATION_FINISH_REASONS.has(row.finish_reason?.toLowerCase() ?? ''))
    events.push({ kind: 'truncated', message: null });
  if (isNegativeFeedback(row)) events.push({ kind: 'user_feedback', message: row.user_feedback });
  if (row.validation_passed === false) events.push({ kind: 'validation_failed', message: null });
  return events;
}

/** A capitalised first word (`Missing`, `The`), not a name (`UserService`, `JSON`, `I`). */
const SENTENCE_START = /^[A-Z](?=[a-z]+\b)/;
/** Sentence punctuation ending the text, and the spaces around it. */
const SENTENCE_END = /\s*[.!?…]+\s*$/;

/**
 * The text Drain sees for an error message or a complaint: people start a sentence with a capital
 * or not and end it with a full stop or not, so "Missing import json." reads as "missing import json".
 */
export function errorText(message: string): string {
  const trimmed = message.trim().replace(SENTENCE_END, '');
  return SENTENCE_START.test(trimmed) ? trimmed[0]?.toLowerCase() + trimmed.slice(1) : trimmed;
}

/** The fingerprint of a kind and a founding text (the empty string when there is no text). */
export function errorFingerprint(kind: ErrorKind, foundingText: string): string {
  return hash(
    'sha256',
    `error-signature/v${ERROR_SIGNATURE_ALGORITHM_VERSION}\u0000${kind}\u0000${foundingText}`,
    'hex',
  ).slice(0, FINGERPRINT_HEX_DIGITS);
}

function wildcardCount(template: readonly string[]): number {
  return template.reduce((count, token) => (token === WILDCARD ? count + 1 : count), 0);
}

/** The clusters of one kind: Drain's, and the family each belongs to (see `error-families.ts`). */
class KindClusters {
  readonly drain = new Drain(ERROR_DRAIN_OPTIONS);
  /** `familyOf[id - 1]`: the id of the first cluster of cluster `id`'s family. */
  private readonly familyOf: number[] = [];
  /** Member cluster ids by family, families in order of their first cluster. */
  private readonly members = new Map<number, number[]>();
  /** `wildcards[id - 1]`: the `<*>` in cluster `id`'s template when it last took a message. */
  private readonly wildcards: number[] = [];

  constructor(state?: KindState) {
    if (state === undefined) return;
    this.drain.importState(state.drain);
    if (state.families.length !== state.drain.clusters.length) {
      throw new Error('error signature state does not give each Drain cluster a family');
    }
    state.families.forEach((family, index) => {
      // A family is named by its first cluster: this one, or an earlier one heading a family.
      if (family !== index + 1 && !this.members.has(family)) {
        throw new Error(`error signature state puts cluster ${index + 1} in family ${family}`);
      }
      this.join(index + 1, family);
      this.wildcards.push(wildcardCount(this.drain.cluster(index + 1).template));
    });
  }

  /**
   * Adds one text; returns the id of its family, and the families it absorbed (see `absorbInto`),
   * oldest first.
   */
  add(text: string): { family: number; absorbed: number[] } {
    const clusterId = this.drain.add(text);
    if (clusterId > this.familyOf.length) {
      this.join(clusterId, this.familyFor(clusterId));
      this.wildcards.push(wildcardCount(this.drain.cluster(clusterId).template));
      return { family: this.familyOf[clusterId - 1] as number, absorbed: [] };
    }
    const wildcards = wildcardCount(this.drain.cluster(clusterId).template);
    const generalised = wildcards > (this.wildcards[clusterId - 1] as number);
    this.wildcards[clusterId - 1] = wildcards;
    const absorbed = generalised ? this.absorbLookalikes(clusterId) : [];
    return { family: this.familyOf[clusterId - 1] as number, absorbed };
  }

  /** The family's template: what all its clusters share, `<*>` where they differ. */
  template(family: number): string {
    const ids = this.members.get(family) ?? [];
    if (ids.length === 1) return this.drain.template(family);
    return familyTemplate(ids.map((id) => this.drain.cluster(id).template)).join(' ');
  }

  families(): { readonly family: number; readonly template: string; readonly messages: number }[] {
    return [...this.members].map(([family, ids]) => ({
      family,
      template: this.template(family),
      messages: ids.reduce((total, id) => total + this.drain.cluster(id).size, 0),
    }));
  }

  exportState(): KindState {
    return { drain: this.drain.exportState(), families: [...this.familyOf] };
  }

  /**
   * A cluster that generalised may now be the same error as a family it was kept apart from (its
   * first messages differed in a word that turned out a slot: "logs the password in …" before "logs
   * the <*> in …" met "logs the access token in …"). Every family one of whose clusters is the same
   * family as this cluster joins with it, into the oldest of them. Returns the families that ceased.
   */
  private absorbLookalikes(clusterId: number): number[] {
    const template = this.drain.cluster(clusterId).template;
    const own = this.familyOf[clusterId - 1] as number;
    const alike = [...this.members]
      .filter(
        ([family, ids]) =>
          family !== own &&
          ids.some((id) => sameFamily(this.drain.cluster(id).template, template, this.drain)),
      )
      .map(([family]) => family);
    if (alike.length === 0) return [];
    const families = [own, ...alike].sort((left, right) => left - right);
    const [survivor, ...absorbed] = families as [number, ...number[]];
    for (const family of absorbed) this.absorbInto(family, survivor);
    return absorbed;
  }

  /** Moves every cluster of `family` into `survivor`, an older family. */
  private absorbInto(family: number, survivor: number): void {
    const ids = this.members.get(family) ?? [];
    for (const id of ids) this.familyOf[id - 1] = survivor;
    this.members.set(
      survivor,
      [...(this.members.get(survivor) ?? []), ...ids].sort((a, b) => a - b),
    );
    this.members.delete(family);
  }

  private join(clusterId: number, family: number): void {
    this.familyOf.push(family);
    const ids = this.members.get(family);
    if (ids === undefined) this.members.set(family, [clusterId]);
    else ids.push(clusterId);
  }

  /**
   * The first family holding a cluster that is the same error, else its own: one of another length,
   * or one Drain's tree kept apart (a name leading one message routes as itself, `<*>` in another).
   */
  private familyFor(clusterId: number): number {
    const founder = this.drain.cluster(clusterId).founder;
    for (const [family, ids] of this.members) {
      if (ids.some((id) => sameFamily(this.drain.cluster(id).template, founder, this.drain))) return family;
    }
    return clusterId;
  }
}

/** Learns message templates row by row; one instance per run (or per resumed run). */
/** A signature that ceased: its family joined an older one, whose fingerprint its rows now have. */
export interface SignatureMove {
  readonly from: string;
  readonly to: string;
}

export class ErrorSignatureMiner {
  private readonly kinds = new Map<ErrorKind, KindClusters>();
  private moves: SignatureMove[] = [];

  /** The signatures of one row, most specific first, without repeats. */
  add(row: ErrorSignatureRow): ErrorSignature[] {
    const signatures = new Map<string, ErrorSignature>();
    for (const event of errorEvents(row)) {
      const signature = this.sign(event);
      if (!signatures.has(signature.fingerprint)) signatures.set(signature.fingerprint, signature);
    }
    return [...signatures.values()];
  }

  /**
   * Every message template learnt so far with its fingerprint and the number of messages it holds,
   * kinds in order of first appearance: what a pattern row should show once a run is done (a row's
   * own signature carries the template as it stood when the row came in).
   */
  templates(): (ErrorSignature & { readonly messages: number })[] {
    return [...this.kinds].flatMap(([kind, clusters]) =>
      clusters.families().map(({ family, template, messages }) => ({
        kind,
        template,
        fingerprint: errorFingerprint(kind, clusters.drain.founder(family)),
        messages,
      })),
    );
  }

  /**
   * The signatures that ceased since the last call, in order: the rows given `from` earlier belong
   * under `to` now (a `to` may cease later in the list too).
   */
  takeMoves(): SignatureMove[] {
    const moves = this.moves;
    this.moves = [];
    return moves;
  }

  exportState(): ErrorSignatureState {
    const kinds: Record<string, KindState> = {};
    for (const [kind, clusters] of this.kinds) kinds[kind] = clusters.exportState();
    return { version: ERROR_SIGNATURE_ALGORITHM_VERSION, kinds };
  }

  importState(state: ErrorSignatureState): void {
    if (state.version !== ERROR_SIGNATURE_ALGORITHM_VERSION) {
      throw new Error(
        `error signature state version ${state.version} is not ${ERROR_SIGNATURE_ALGORITHM_VERSION}: rebuild it with \`run --full\``,
      );
    }
    this.kinds.clear();
    this.moves = [];
    for (const [kind, kindState] of Object.entries(state.kinds)) {
      this.kinds.set(kind as ErrorKind, new KindClusters(kindState));
    }
  }

  private sign({ kind, message }: ErrorEvent): ErrorSignature {
    const text = message === null ? '' : errorText(message);
    if (text === '') {
      return { kind, template: null, fingerprint: errorFingerprint(kind, '') };
    }
    const clusters = this.clustersFor(kind);
    const { family, absorbed } = clusters.add(text);
    const fingerprint = errorFingerprint(kind, clusters.drain.founder(family));
    for (const gone of absorbed) {
      this.moves.push({ from: errorFingerprint(kind, clusters.drain.founder(gone)), to: fingerprint });
    }
    return { kind, template: clusters.template(family), fingerprint };
  }

  private clustersFor(kind: ErrorKind): KindClusters {
    let clusters = this.kinds.get(kind);
    if (clusters === undefined) {
      clusters = new KindClusters();
      this.kinds.set(kind, clusters);
    }
    return clusters;
  }
}
