/**
 * Every SQL statement of the pattern extractor. One method, one statement, on the runner's single
 * connection: the advisory lock it holds is a session lock, so the lock, the batches and their
 * transactions all share that one session.
 */
import type { MaintenanceStep } from '@llm-metrics/db/entities';
import { WRITE_HORIZON_SQL } from '@llm-metrics/db/write-horizon';
import type { QueryRunner } from 'typeorm';
import type { HistoryRow, MinerState, PatternDetails, PatternKind, Tally } from './pattern-miners';

/** `live`: the totals behind `llm_patterns`; `rebuild`: what `run --full` builds beside them. */
export type Scope = 'live' | 'rebuild';

export interface Watermark {
  /** bigint as a decimal string. */
  readonly xid: string;
  readonly id: string;
}

export const ZERO_WATERMARK: Watermark = { xid: '0', id: '00000000-0000-0000-0000-000000000000' };

export interface ExtractorState {
  readonly watermark: Watermark;
  readonly minerState: MinerState | null;
  readonly rowsMined: number;
}

export interface Thresholds {
  readonly minSupport: number;
  readonly minQuality: number;
}

export interface PublishChange {
  readonly action: 'created' | 'updated' | 'retired';
  readonly key: string;
}

/** Every extractor run shares this one lock: `hashtext` of a name no other tool uses. */
const LOCK_SQL = `SELECT pg_try_advisory_lock(hashtext('llm-metrics/pattern-extractor')) AS locked`;
const UNLOCK_SQL = `SELECT pg_advisory_unlock(hashtext('llm-metrics/pattern-extractor'))`;

export class ExtractionRepository {
  constructor(private readonly runner: QueryRunner) {}

  /**
   * A statement's rows, typed by the caller. The structured result, because for UPDATE and DELETE
   * the plain one is `[rows, affected]` rather than the rows.
   */
  private async rows<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row> {
    return (await this.runner.query(sql, [...parameters], true)).records as Row;
  }

  async tryLock(): Promise<boolean> {
    const [row] = await this.rows<{ locked: boolean }[]>(LOCK_SQL);
    return row?.locked === true;
  }

  async unlock(): Promise<void> {
    await this.runner.query(UNLOCK_SQL);
  }

  /** Runs left `running` by a process that died (the caller holds the lock, so none is alive). */
  async abandonStaleRuns(): Promise<number> {
    const rows = await this.rows<{ id: string }[]>(
      `UPDATE llm_extraction_runs
       SET status = 'abandoned', finished_at = now(),
           error = 'abandoned: its process ended without finishing (found by a later run, which took over)'
       WHERE status = 'running'
       RETURNING id`,
    );
    return rows.length;
  }

  async startRun(mode: 'incremental' | 'full', watermark: Watermark, options: object): Promise<string> {
    const [row] = await this.rows<{ id: string }[]>(
      `INSERT INTO llm_extraction_runs (mode, watermark_before_xid, watermark_before_id, options)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [mode, watermark.xid, watermark.id, JSON.stringify(options)],
    );
    return (row as { id: string }).id;
  }

  async recordProgress(
    runId: string,
    progress: { rowsRead: number; watermark: Watermark; created: number; updated: number; retired: number },
  ): Promise<void> {
    await this.runner.query(
      `UPDATE llm_extraction_runs
       SET heartbeat_at = now(), rows_read = $2, watermark_after_xid = $3, watermark_after_id = $4,
           patterns_created = $5, patterns_updated = $6, patterns_retired = $7
       WHERE id = $1`,
      [
        runId,
        progress.rowsRead,
        progress.watermark.xid,
        progress.watermark.id,
        progress.created,
        progress.updated,
        progress.retired,
      ],
    );
  }

  async finishRun(
    runId: string,
    outcome: {
      status: 'succeeded' | 'failed' | 'abandoned';
      error: string | null;
      maintenance: MaintenanceStep[];
    },
  ): Promise<void> {
    await this.runner.query(
      `UPDATE llm_extraction_runs
       SET status = $2, error = $3, maintenance = $4, finished_at = now(), heartbeat_at = now()
       WHERE id = $1`,
      [runId, outcome.status, outcome.error, JSON.stringify(outcome.maintenance)],
    );
  }

  async loadState(scope: Scope): Promise<ExtractorState | null> {
    const [row] = await this.rows<
      { watermark_xid: string; watermark_id: string; miner_state: MinerState | null; rows_mined: string }[]
    >(
      `SELECT watermark_xid::text AS watermark_xid, watermark_id, miner_state, rows_mined
       FROM llm_extractor_state WHERE scope = $1`,
      [scope],
    );
    if (row === undefined) return null;
    return {
      watermark: { xid: row.watermark_xid, id: row.watermark_id },
      minerState: row.miner_state,
      rowsMined: Number(row.rows_mined),
    };
  }

  async saveState(scope: Scope, state: ExtractorState): Promise<void> {
    await this.runner.query(
      `INSERT INTO llm_extractor_state AS s (scope, watermark_xid, watermark_id, miner_state, rows_mined)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT llm_extractor_state_pkey DO UPDATE SET
         watermark_xid = EXCLUDED.watermark_xid, watermark_id = EXCLUDED.watermark_id,
         miner_state = EXCLUDED.miner_state, rows_mined = EXCLUDED.rows_mined, updated_at = now()`,
      [
        scope,
        state.watermark.xid,
        state.watermark.id,
        state.minerState === null ? null : JSON.stringify(state.minerState),
        state.rowsMined,
      ],
    );
  }

  /** Forgets what a previous `run --full` left half-built. */
  async clearRebuild(): Promise<void> {
    await this.runner.query(`DELETE FROM llm_pattern_candidates WHERE scope = 'rebuild'`);
    await this.runner.query(`DELETE FROM llm_extractor_state WHERE scope = 'rebuild'`);
  }

  /** Makes the rebuilt totals and state the live ones (inside the caller's transaction). */
  async swapRebuildIn(): Promise<void> {
    await this.runner.query(`DELETE FROM llm_pattern_candidates WHERE scope = 'live'`);
    await this.runner.query(`UPDATE llm_pattern_candidates SET scope = 'live' WHERE scope = 'rebuild'`);
    await this.runner.query(`DELETE FROM llm_extractor_state WHERE scope = 'live'`);
    await this.runner.query(`UPDATE llm_extractor_state SET scope = 'live' WHERE scope = 'rebuild'`);
  }

  /**
   * The next `limit` final history rows above `after` in key order, joined to their metrics row.
   * "Final": inserted by a transaction older than every one of this database still running (as the
   * rollups do, but per database), so a transaction committing late is read by a later batch instead
   * of being skipped.
   */
  async readBatch(
    after: Watermark,
    limit: number,
    range: { since: Date | null; until: Date | null },
  ): Promise<HistoryRow[]> {
    return this.rows<HistoryRow[]>(READ_BATCH_SQL, [after.xid, after.id, limit, range.since, range.until]);
  }

  /** Rows above the watermark, and the oldest `created_at` among them: the extractor's lag. */
  async pending(after: Watermark): Promise<{ rows: number; oldest: Date | null }> {
    const [row] = await this.rows<{ rows: string; oldest: Date | null }[]>(
      `SELECT count(*) AS rows, min(created_at) AS oldest FROM llm_generation_history
       WHERE (insert_xid, id) > ($1::bigint, $2::uuid)`,
      [after.xid, after.id],
    );
    return { rows: Number(row?.rows ?? 0), oldest: row?.oldest ?? null };
  }

  /**
   * Adds a batch's tallies to the candidates' totals. Each row is sent once, the tallies point at it:
   * a row counts under two or three patterns, and its columns would otherwise travel that often.
   */
  async addTallies(
    scope: Scope,
    tallies: readonly Tally[],
    details: readonly PatternDetails[],
  ): Promise<void> {
    if (tallies.length === 0) return;
    const positionOf = new Map<number, number>();
    const rows: HistoryRow[] = [];
    const positions = tallies.map((tally) => {
      let position = positionOf.get(tally.ordinal);
      if (position === undefined) {
        rows.push(tally.row);
        position = rows.length;
        positionOf.set(tally.ordinal, position);
      }
      return position;
    });
    const column = <T>(pick: (row: HistoryRow) => T) => rows.map(pick);
    await this.runner.query(ADD_TALLIES_SQL, [
      scope,
      tallies.map((tally) => tally.patternType),
      tallies.map((tally) => tally.fingerprint),
      positions,
      column((row) => row.history_id),
      column((row) => row.quality_score),
      column((row) => row.created_at),
      column((row) => row.validation_passed),
      column((row) => row.model_used),
      column((row) => row.tier),
      column((row) => row.tokens_input),
      column((row) => row.tokens_output),
      column((row) => row.node_type),
      JSON.stringify(
        details.map((entry) => ({
          pattern_type: entry.patternType,
          fingerprint: entry.fingerprint,
          best_quality: entry.bestQuality,
          details: entry.details,
        })),
      ),
    ]);
  }

  /**
   * Prompt templates with totals whose fingerprint is no longer a current template (it generalised
   * or merged since), with one example row to find where they went. Those found to have no home
   * (`orphan`, the rows mined when they were) are asked again while fewer than ORPHAN_RECHECK_ROWS
   * rows were mined since, the most recent ORPHAN_RECHECK_LIMIT of them: a template that takes their
   * row comes soon, if ever.
   */
  async staleTemplates(
    scope: Scope,
    current: readonly string[],
    rowsMined: number,
  ): Promise<
    {
      fingerprint: string;
      orphan: boolean;
      example: { history_id: string; node_type: string; method_name: string; prompt_text: string } | null;
    }[]
  > {
    const rows = await this.rows<
      {
        fingerprint: string;
        orphan: boolean;
        history_id: string | null;
        node_type: string;
        method_name: string;
        prompt_text: string;
      }[]
    >(STALE_TEMPLATES_SQL, [scope, current, rowsMined - ORPHAN_RECHECK_ROWS, ORPHAN_RECHECK_LIMIT]);
    return rows.map(({ fingerprint, orphan, ...example }) => ({
      fingerprint,
      orphan,
      example: example.history_id === null ? null : { ...example, history_id: example.history_id },
    }));
  }

  async moveCandidate(
    scope: Scope,
    patternType: PatternKind,
    from: string,
    to: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.runner.query(MOVE_CANDIDATE_SQL, [scope, patternType, from, to, JSON.stringify(details)]);
  }

  /** Marks a stale template whose rows have no current home, with the rows mined by then. */
  async markOrphan(scope: Scope, fingerprint: string, rowsMined: number): Promise<void> {
    await this.runner.query(
      `UPDATE llm_pattern_candidates SET details = details || jsonb_build_object('orphan', $3::bigint)
       WHERE scope = $1 AND pattern_type = 'high_quality_prompt' AND fingerprint = $2`,
      [scope, fingerprint, rowsMined],
    );
  }

  /**
   * Publishes the live candidates that meet the thresholds into `llm_patterns` (insert or update by
   * `(pattern_type, fingerprint)`) and deletes the mined patterns that no longer do. `keys` limits it
   * to those patterns (a batch's); null means every one (the end of a run).
   */
  async publish(
    thresholds: Thresholds,
    currentPromptTemplates: readonly string[],
    keys: readonly string[] | null,
  ): Promise<PublishChange[]> {
    const split = (keys ?? []).map((key) => key.split('\u0000') as [string, string]);
    const rows = await this.rows<
      { action: PublishChange['action']; pattern_type: string; fingerprint: string }[]
    >(PUBLISH_SQL, [
      thresholds.minSupport,
      thresholds.minQuality,
      currentPromptTemplates,
      keys === null,
      split.map(([type]) => type),
      split.map(([, fingerprint]) => fingerprint),
    ]);
    return rows.map((row) => ({ action: row.action, key: patternKey(row.pattern_type, row.fingerprint) }));
  }
}

export function patternKey(patternType: string, fingerprint: string): string {
  return `${patternType}\u0000${fingerprint}`;
}

/** Rows mined since a stale template was found an orphan while it is asked again (`staleTemplates`). */
export const ORPHAN_RECHECK_ROWS = 20_000;
/** Orphans asked again per batch at most, the most recent first. */
export const ORPHAN_RECHECK_LIMIT = 500;

/**
 * $1 scope, $2 current prompt templates, $3 rows mined before which an orphan is not asked again, $4
 * how many orphans at most. An orphan of a release before orphans recorded the rows mined is not.
 */
const STALE_TEMPLATES_SQL = `
  WITH stale AS (
    SELECT c.fingerprint, c.example_ids[1] AS example_id, false AS orphan
    FROM llm_pattern_candidates c
    WHERE c.scope = $1 AND c.pattern_type = 'high_quality_prompt'
      AND NOT (c.fingerprint = ANY($2::text[])) AND NOT (c.details ? 'orphan')
    UNION ALL
    (SELECT c.fingerprint, c.example_ids[1], true
     FROM llm_pattern_candidates c
     WHERE c.scope = $1 AND c.pattern_type = 'high_quality_prompt'
       AND NOT (c.fingerprint = ANY($2::text[])) AND jsonb_typeof(c.details->'orphan') = 'number'
       AND (c.details->>'orphan')::bigint >= $3
     ORDER BY (c.details->>'orphan')::bigint DESC, c.fingerprint
     LIMIT $4)
  )
  SELECT s.fingerprint, s.orphan, h.id AS history_id, h.node_type, h.method_name, h.prompt_text
  FROM stale s
  LEFT JOIN LATERAL (
    SELECT id, node_type, method_name, prompt_text FROM llm_generation_history
    WHERE id = s.example_id::uuid LIMIT 1
  ) h ON true
  ORDER BY s.fingerprint
`;

/** Rows below the database's write horizon only: a row of a transaction still open is mined once it commits. */
const READ_BATCH_SQL = `
  WITH horizon AS (SELECT ${WRITE_HORIZON_SQL} AS xid)
  SELECT h.id AS history_id, h.insert_xid::text AS insert_xid, h.created_at, h.node_type, h.method_name,
         h.prompt_text, h.generated_code, h.quality_score, h.validation_passed, h.user_accepted,
         h.user_feedback, h.manual_edits_required,
         m.finish_reason, m.truncated, m.syntax_valid, m.security_issues, m.model_used, m.tier,
         m.tokens_input, m.tokens_output
  FROM llm_generation_history h
  LEFT JOIN LATERAL (
    SELECT finish_reason, truncated, syntax_valid, security_issues, model_used, tier, tokens_input, tokens_output
    FROM llm_generation_metrics
    WHERE correlation_id = h.correlation_id
    ORDER BY created_at, id
    LIMIT 1
  ) m ON true
  WHERE (h.insert_xid, h.id) > ($1::bigint, $2::uuid)
    AND h.insert_xid < (SELECT xid FROM horizon)
    AND ($4::timestamptz IS NULL OR h.created_at >= $4::timestamptz)
    AND ($5::timestamptz IS NULL OR h.created_at < $5::timestamptz)
  ORDER BY h.insert_xid, h.id
  LIMIT $3
`;

/**
 * How two totals of one pattern merge (`c` the stored one, `EXCLUDED` the other). Every part is
 * symmetric and associative: sums, min/max, sorted unions, the five smallest example ids, the better
 * best example (ties keep the stored one) — so the order rows are counted in never shows.
 */
const MERGE_TOTALS = `
    node_type = CASE WHEN c.node_type = EXCLUDED.node_type THEN c.node_type END,
    usage_count = c.usage_count + EXCLUDED.usage_count,
    quality_sum = c.quality_sum + EXCLUDED.quality_sum,
    passed_count = c.passed_count + EXCLUDED.passed_count,
    metrics_count = c.metrics_count + EXCLUDED.metrics_count,
    tokens_input_sum = c.tokens_input_sum + EXCLUDED.tokens_input_sum,
    tokens_output_sum = c.tokens_output_sum + EXCLUDED.tokens_output_sum,
    first_used_at = least(c.first_used_at, EXCLUDED.first_used_at),
    last_used_at = greatest(c.last_used_at, EXCLUDED.last_used_at),
    models = ARRAY(SELECT DISTINCT unnest(c.models || EXCLUDED.models) ORDER BY 1),
    tiers = ARRAY(SELECT DISTINCT unnest(c.tiers || EXCLUDED.tiers) ORDER BY 1),
    example_ids = ARRAY(SELECT DISTINCT unnest(c.example_ids || EXCLUDED.example_ids) ORDER BY 1 LIMIT 5),
    best_quality = greatest(c.best_quality, EXCLUDED.best_quality)`;

/**
 * Totals per pattern of one batch, merged into the running totals. Sums are exact (the quality sum is
 * numeric), first/last are min/max, sets are sorted unions, examples the five smallest ids: any
 * grouping of the same rows into batches gives the same totals.
 */
const ADD_TALLIES_SQL = `
  WITH batch_row AS (
    SELECT * FROM unnest($5::text[], $6::double precision[], $7::timestamptz[], $8::boolean[], $9::text[],
                         $10::text[], $11::integer[], $12::integer[], $13::text[])
      WITH ORDINALITY AS r(history_id, quality, created_at, passed, model, tier, tokens_input,
                           tokens_output, node_type, position)
  ),
  tally AS (
    SELECT t.pattern_type, t.fingerprint, r.history_id, r.quality, r.created_at, r.passed, r.model,
           r.tier, r.tokens_input, r.tokens_output, r.node_type
    FROM unnest($2::text[], $3::text[], $4::bigint[]) AS t(pattern_type, fingerprint, position)
    JOIN batch_row r USING (position)
  ),
  totals AS (
    SELECT pattern_type, fingerprint,
           CASE WHEN count(DISTINCT node_type) = 1 THEN min(node_type) END AS node_type,
           count(*) AS usage_count,
           sum(quality::numeric) AS quality_sum,
           count(*) FILTER (WHERE passed) AS passed_count,
           count(tokens_input) AS metrics_count,
           coalesce(sum(tokens_input), 0) AS tokens_input_sum,
           coalesce(sum(tokens_output), 0) AS tokens_output_sum,
           min(created_at) AS first_used_at,
           max(created_at) AS last_used_at,
           coalesce(array_agg(DISTINCT model ORDER BY model) FILTER (WHERE model IS NOT NULL), '{}') AS models,
           coalesce(array_agg(DISTINCT tier ORDER BY tier) FILTER (WHERE tier IS NOT NULL), '{}') AS tiers,
           (array_agg(DISTINCT history_id ORDER BY history_id))[1:5] AS example_ids
    FROM tally
    GROUP BY pattern_type, fingerprint
  ),
  detail AS (
    SELECT * FROM jsonb_to_recordset($14::jsonb)
      AS d(pattern_type text, fingerprint text, best_quality double precision, details jsonb)
  )
  INSERT INTO llm_pattern_candidates AS c (scope, pattern_type, fingerprint, node_type, usage_count,
    quality_sum, passed_count, metrics_count, tokens_input_sum, tokens_output_sum, first_used_at,
    last_used_at, models, tiers, example_ids, best_quality, details)
  SELECT $1, t.pattern_type, t.fingerprint, t.node_type, t.usage_count, t.quality_sum, t.passed_count,
         t.metrics_count, t.tokens_input_sum, t.tokens_output_sum, t.first_used_at, t.last_used_at,
         t.models, t.tiers, t.example_ids, d.best_quality, d.details
  FROM totals t JOIN detail d USING (pattern_type, fingerprint)
  ON CONFLICT ON CONSTRAINT llm_pattern_candidates_pkey DO UPDATE SET
    ${MERGE_TOTALS},
    details = CASE
      WHEN EXCLUDED.best_quality IS NULL THEN c.details || EXCLUDED.details
      WHEN EXCLUDED.best_quality > c.best_quality THEN EXCLUDED.details
      ELSE c.details
    END
`;

/**
 * Moves the totals of a pattern of type $2 whose fingerprint went stale ($3: a prompt template that
 * generalised, an error signature whose family joined an older one) into the pattern its rows
 * belong to now ($4, with its details $5): the same exact merge, so the totals end as if every row
 * had been counted under the new fingerprint from the start.
 */
const MOVE_CANDIDATE_SQL = `
  WITH moved AS (
    DELETE FROM llm_pattern_candidates
    WHERE scope = $1 AND pattern_type = $2 AND fingerprint = $3
    RETURNING *
  )
  INSERT INTO llm_pattern_candidates AS c (scope, pattern_type, fingerprint, node_type, usage_count,
    quality_sum, passed_count, metrics_count, tokens_input_sum, tokens_output_sum, first_used_at,
    last_used_at, models, tiers, example_ids, best_quality, details)
  SELECT scope, pattern_type, $4, node_type, usage_count, quality_sum, passed_count, metrics_count,
         tokens_input_sum, tokens_output_sum, first_used_at, last_used_at, models, tiers, example_ids,
         best_quality, $5::jsonb
  FROM moved
  ON CONFLICT ON CONSTRAINT llm_pattern_candidates_pkey DO UPDATE SET ${MERGE_TOTALS}
`;

/**
 * $1 min support, $2 min quality, $3 current prompt template fingerprints, $4 every pattern or only
 * the keys ($5 types, $6 fingerprints). A prompt template that has since generalised into another
 * (its fingerprint is no longer a current template) is retired; errors need support only.
 */
const PUBLISH_SQL = `
  WITH candidate AS (
    SELECT c.*, (c.quality_sum / c.usage_count)::double precision AS avg_quality,
           c.usage_count >= $1
             AND (c.pattern_type = 'common_error' OR c.quality_sum / c.usage_count >= $2::numeric)
             AND (c.pattern_type <> 'high_quality_prompt' OR c.fingerprint = ANY($3::text[])) AS meets
    FROM llm_pattern_candidates c
    WHERE c.scope = 'live' AND c.usage_count > 0
      AND ($4 OR (c.pattern_type, c.fingerprint) IN (SELECT * FROM unnest($5::text[], $6::text[])))
  ),
  published AS (
    INSERT INTO llm_patterns AS p
      (pattern_type, fingerprint, node_type, pattern_data, usage_count, avg_quality_score, last_used_at)
    SELECT pattern_type, fingerprint, node_type,
           details || jsonb_build_object(
             'example_ids', to_jsonb(example_ids),
             'models', to_jsonb(models),
             'tiers', to_jsonb(tiers),
             'pass_rate', round(passed_count::numeric / usage_count, 4),
             'avg_tokens_input', CASE WHEN metrics_count > 0 THEN round(tokens_input_sum::numeric / metrics_count, 1) END,
             'avg_tokens_output', CASE WHEN metrics_count > 0 THEN round(tokens_output_sum::numeric / metrics_count, 1) END,
             'first_used_at', first_used_at),
           usage_count, avg_quality, last_used_at
    FROM candidate WHERE meets
    ON CONFLICT ON CONSTRAINT uq_llm_patterns_fingerprint DO UPDATE SET
      node_type = EXCLUDED.node_type, pattern_data = EXCLUDED.pattern_data,
      usage_count = EXCLUDED.usage_count, avg_quality_score = EXCLUDED.avg_quality_score,
      last_used_at = EXCLUDED.last_used_at
    WHERE (p.node_type, p.pattern_data, p.usage_count, p.avg_quality_score, p.last_used_at)
      IS DISTINCT FROM (EXCLUDED.node_type, EXCLUDED.pattern_data, EXCLUDED.usage_count,
                        EXCLUDED.avg_quality_score, EXCLUDED.last_used_at)
    RETURNING p.pattern_type, p.fingerprint, (xmax = 0) AS created
  ),
  retired AS (
    DELETE FROM llm_patterns p
    WHERE p.fingerprint IS NOT NULL
      AND ($4 OR (p.pattern_type, p.fingerprint) IN (SELECT pattern_type, fingerprint FROM candidate))
      AND NOT EXISTS (
        SELECT 1 FROM candidate c
        WHERE c.pattern_type = p.pattern_type AND c.fingerprint = p.fingerprint AND c.meets
      )
    RETURNING p.pattern_type, p.fingerprint
  )
  SELECT CASE WHEN created THEN 'created' ELSE 'updated' END AS action, pattern_type, fingerprint
  FROM published
  UNION ALL
  SELECT 'retired', pattern_type, fingerprint FROM retired
`;
