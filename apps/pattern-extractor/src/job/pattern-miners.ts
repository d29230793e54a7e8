/**
 * The three miners driven batch by batch, as the job runs them: no database here, so the same code
 * serves the job, its tests and the benchmark.
 *
 * Per batch, the prompt-template miner first learns every row, then each row is matched against the
 * templates as they stand after the batch (as `PromptTemplateMiner` recommends: a template's text
 * settles while its first rows teach it its slots). Error signatures are learnt row by row (their
 * fingerprints never move once given). Code fingerprints need no state. The batch yields one
 * assignment per row and one tally entry per (pattern, row) for the database to total up exactly.
 */
import {
  ALGORITHM_VERSION as CODE_ALGORITHM_VERSION,
  type CodeFingerprint,
  fingerprintCode,
} from '../mining/code-fingerprints';
import {
  ERROR_SIGNATURE_ALGORITHM_VERSION,
  type ErrorSignatureState,
  ErrorSignatureMiner,
  type SignatureMove,
} from '../mining/error-signatures';
import {
  ALGORITHM_VERSION as PROMPT_ALGORITHM_VERSION,
  type PromptMinerState,
  type PromptTemplate,
  PromptTemplateMiner,
  rowTokens,
} from '../mining/prompt-templates';

/** A history row joined to its metrics row (metrics columns are null when it has none). */
export interface HistoryRow {
  readonly history_id: string;
  readonly insert_xid: string;
  readonly created_at: Date;
  readonly node_type: string;
  readonly method_name: string;
  readonly prompt_text: string;
  readonly generated_code: string;
  readonly quality_score: number;
  readonly validation_passed: boolean;
  readonly user_accepted: boolean | null;
  readonly user_feedback: string | null;
  readonly manual_edits_required: boolean | null;
  readonly finish_reason: string | null;
  readonly truncated: boolean | null;
  readonly syntax_valid: boolean | null;
  readonly security_issues: readonly unknown[] | null;
  readonly model_used: string | null;
  readonly tier: string | null;
  readonly tokens_input: number | null;
  readonly tokens_output: number | null;
}

export const PATTERN_KINDS = ['high_quality_prompt', 'common_error', 'successful_implementation'] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

/** Why a row landed where it did: one line of `--assignments`. */
export interface Assignment {
  readonly history_id: string;
  readonly prompt_template: string;
  /** The row's most specific failure, or null when it shows none. */
  readonly error_signature: string | null;
  /** Null when the batch was mined without `codeForEveryRow` and the row's code was not accepted. */
  readonly code_fingerprint: string | null;
}

/** One row counted under one pattern. */
export interface Tally {
  readonly patternType: PatternKind;
  readonly fingerprint: string;
  /** Index of the row in its batch: examples are the first rows, ties go to the earlier row. */
  readonly ordinal: number;
  readonly row: HistoryRow;
}

/** What the miner knows of a pattern, beside the totals; merged into `pattern_data`. */
export interface PatternDetails {
  readonly patternType: PatternKind;
  readonly fingerprint: string;
  /** Accepted implementations keep their best example: its quality decides which one. */
  readonly bestQuality: number | null;
  readonly details: Record<string, unknown>;
}

export interface MinedBatch {
  /** Fingerprints of every prompt template as it stands after the batch. */
  readonly promptTemplates: string[];
  readonly assignments: Assignment[];
  readonly tallies: Tally[];
  readonly details: PatternDetails[];
  /**
   * Error signatures that ceased in the batch (`ErrorSignatureMiner.takeMoves`), each with the one
   * its rows belong under at the end of the batch. The batch's own rows are counted there already;
   * rows of earlier batches are the caller's to move.
   */
  readonly errorMoves: SignatureMove[];
}

export interface MinerState {
  readonly prompt: PromptMinerState;
  readonly errors: ErrorSignatureState;
}

/** Code a user took as it was: the source of `successful_implementation` patterns. */
export function isAcceptedImplementation(
  row: Pick<HistoryRow, 'user_accepted' | 'validation_passed' | 'manual_edits_required'>,
): boolean {
  return row.user_accepted === true && row.validation_passed && row.manual_edits_required !== true;
}

/** What preparing a row reads of it (`prepareRows`). */
export type PreparableRow = Pick<
  HistoryRow,
  | 'prompt_text'
  | 'method_name'
  | 'generated_code'
  | 'user_accepted'
  | 'validation_passed'
  | 'manual_edits_required'
>;

/** What mining a row needs that depends on the row alone, so it can be computed ahead of `mineBatch`. */
export interface PreparedRow {
  /** The prompt's masked tokens, as the prompt-template miner aligns them. */
  readonly promptTokens: readonly string[];
  /** Null when the row's code is not fingerprinted (see `prepareRows`). */
  readonly code: CodeFingerprint | null;
}

/**
 * The stateless part of mining a batch: prompts masked, code fingerprinted. Apart from `mineBatch`
 * so that the job can do it while PostgreSQL writes the previous batch. Only accepted code makes
 * patterns, so other rows' code is fingerprinted only with `codeForEveryRow` (for the assignments
 * file): it is the most expensive step per row.
 */
export function prepareRows(rows: readonly PreparableRow[], { codeForEveryRow = false } = {}): PreparedRow[] {
  return rows.map((row) => ({
    promptTokens: rowTokens(row),
    code: codeForEveryRow || isAcceptedImplementation(row) ? fingerprintCode(row.generated_code) : null,
  }));
}

/** Where a prompt row's template stands now: its fingerprint and what `pattern_data` shows of it. */
export interface PromptHome {
  readonly fingerprint: string;
  readonly current: boolean;
  readonly details: Record<string, unknown>;
}

export class PatternMiners {
  private readonly prompts = new PromptTemplateMiner();
  private readonly errors = new ErrorSignatureMiner();
  /** The prompt templates as of the last `mineBatch`, by fingerprint. */
  private templates = new Map<string, PromptTemplate>();

  constructor(state: MinerState | null = null) {
    if (state !== null) {
      this.prompts.importState(state.prompt);
      this.errors.importState(state.errors);
    }
  }

  exportState(): MinerState {
    return { prompt: this.prompts.exportState(), errors: this.errors.exportState() };
  }

  /** Mines one batch; `prepared` holds `prepareRows(rows)` when the caller computed it already. */
  mineBatch(rows: readonly HistoryRow[], prepared: readonly PreparedRow[] = prepareRows(rows)): MinedBatch {
    const promptFingerprints = this.prompts.learnBatch(
      rows.map(promptRow),
      prepared.map((row) => row.promptTokens),
    );
    const templates = new Map<string, PromptTemplate>(
      this.prompts.templates().map((template) => [template.fingerprint, template]),
    );
    this.templates = templates;
    const assignments: Assignment[] = [];
    const tallies: Tally[] = [];
    const details = new Map<string, PatternDetails>();
    const detail = (entry: PatternDetails) => {
      const key = `${entry.patternType}\u0000${entry.fingerprint}`;
      const existing = details.get(key);
      const keepExisting =
        existing !== undefined &&
        entry.bestQuality !== null &&
        existing.bestQuality !== null &&
        !(entry.bestQuality > existing.bestQuality);
      if (!keepExisting) details.set(key, entry);
    };

    rows.forEach((row, ordinal) => {
      const prompt = promptFingerprints[ordinal] as string;
      tallies.push({ patternType: 'high_quality_prompt', fingerprint: prompt, ordinal, row });
      const template = templates.get(prompt);
      detail({
        patternType: 'high_quality_prompt',
        fingerprint: prompt,
        bestQuality: null,
        details: promptDetails(template),
      });

      const signatures = this.errors.add({ ...row, security_issues: row.security_issues ?? [] });
      for (const signature of signatures) {
        tallies.push({ patternType: 'common_error', fingerprint: signature.fingerprint, ordinal, row });
        detail({
          patternType: 'common_error',
          fingerprint: signature.fingerprint,
          bestQuality: null,
          details: {
            algorithm_version: `error-signature/v${ERROR_SIGNATURE_ALGORITHM_VERSION}`,
            kind: signature.kind,
            template: signature.template,
          },
        });
      }

      const code = (prepared[ordinal] as PreparedRow).code;
      if (isAcceptedImplementation(row) && code !== null) {
        tallies.push({
          patternType: 'successful_implementation',
          fingerprint: code.fingerprint,
          ordinal,
          row,
        });
        detail({
          patternType: 'successful_implementation',
          fingerprint: code.fingerprint,
          bestQuality: row.quality_score,
          details: {
            algorithm_version: CODE_ALGORITHM_VERSION,
            language: code.language,
            example_history_id: row.history_id,
            example_code: row.generated_code,
            example_quality: row.quality_score,
          },
        });
      }

      assignments.push({
        history_id: row.history_id,
        prompt_template: prompt,
        error_signature: signatures[0]?.fingerprint ?? null,
        code_fingerprint: code?.fingerprint ?? null,
      });
    });
    const mined: MinedBatch = {
      promptTemplates: [...templates.keys()],
      assignments,
      tallies,
      details: [...details.values()],
      errorMoves: resolvedMoves(this.errors.takeMoves()),
    };
    return mined.errorMoves.length === 0 ? mined : refiledErrors(mined);
  }

  /**
   * The template a prompt row belongs to now, without learning it: where the job moves the totals of
   * a template that has generalised since its first rows were counted (their fingerprint went stale).
   */
  promptHome(row: Pick<HistoryRow, 'history_id' | 'node_type' | 'method_name' | 'prompt_text'>): PromptHome {
    const fingerprint = this.prompts.match(promptRow(row));
    const template = this.templates.get(fingerprint);
    return { fingerprint, current: template !== undefined, details: promptDetails(template) };
  }
}

/**
 * Where `fingerprint` ended after `moves` (old fingerprint → the one its rows moved to): a chain, a
 * pattern that moved twice, is followed to its end; no chain is longer than the map.
 */
export function movedTo(moves: ReadonlyMap<string, string>, fingerprint: string): string {
  let current = fingerprint;
  for (let step = 0; step < moves.size && moves.has(current); step += 1) {
    current = moves.get(current) as string;
  }
  return current;
}

/** Moves with each `to` followed to the signature it ended in (a family absorbed later in the list). */
function resolvedMoves(moves: readonly SignatureMove[]): SignatureMove[] {
  const next = new Map(moves.map(({ from, to }) => [from, to]));
  return moves.map(({ from, to }) => ({ from, to: movedTo(next, to) }));
}

/** A batch whose error signatures ceased (`MinedBatch.errorMoves`), its rows filed where they went. */
function refiledErrors(mined: MinedBatch): MinedBatch {
  const home = new Map(mined.errorMoves.map(({ from, to }) => [from, to]));
  const rehome = (fingerprint: string) => home.get(fingerprint) ?? fingerprint;
  const counted = new Set<string>();
  return {
    ...mined,
    assignments: mined.assignments.map((assignment) =>
      assignment.error_signature === null
        ? assignment
        : { ...assignment, error_signature: rehome(assignment.error_signature) },
    ),
    // A row whose two failures' families joined counts once under the family.
    tallies: mined.tallies.flatMap((tally) => {
      if (tally.patternType !== 'common_error') return [tally];
      const fingerprint = rehome(tally.fingerprint);
      const key = `${tally.ordinal}\u0000${fingerprint}`;
      if (counted.has(key)) return [];
      counted.add(key);
      return [{ ...tally, fingerprint }];
    }),
    details: mined.details.filter(
      (entry) => entry.patternType !== 'common_error' || !home.has(entry.fingerprint),
    ),
  };
}

function promptDetails(template: PromptTemplate | undefined): Record<string, unknown> {
  return {
    algorithm_version: PROMPT_ALGORITHM_VERSION,
    ...(template === undefined
      ? {}
      : {
          template: template.template,
          slots: template.slots,
          node_types: template.nodeTypes,
          method_names: template.methodNames,
        }),
  };
}

function promptRow(row: Pick<HistoryRow, 'history_id' | 'node_type' | 'method_name' | 'prompt_text'>) {
  return {
    history_id: row.history_id,
    node_type: row.node_type,
    method_name: row.method_name,
    prompt_text: row.prompt_text,
  };
}
