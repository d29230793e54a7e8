import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Migration 010 of the source system (`010_create_llm_metrics_tables`), reproduced exactly:
 * four tables, their CHECK constraints, the 20 indexes counting primary keys and the UNIQUE on
 * `tier`, a comment on every table and column, and the three seed tiers.
 *
 * Names follow PostgreSQL's own conventions (`<table>_pkey`, `<table>_<column>_key`) for the
 * constraints the original SQL left unnamed, so the catalog matches a database migrated by it.
 */
export class CreateLlmMetricsTables1761868800000 implements MigrationInterface {
  name = 'CreateLlmMetricsTables1761868800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE llm_generation_metrics (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        correlation_id uuid NOT NULL,
        session_id uuid,
        node_type varchar(50) NOT NULL,
        service_name varchar(255) NOT NULL,
        method_name varchar(255) NOT NULL,
        operation_type varchar(100) NOT NULL DEFAULT 'method_implementation',
        tier varchar(50) NOT NULL,
        model_used varchar(255) NOT NULL,
        tokens_input integer NOT NULL,
        tokens_output integer NOT NULL,
        tokens_total integer NOT NULL,
        latency_ms double precision NOT NULL,
        cost_usd numeric(20,12),
        syntax_valid boolean,
        onex_compliant boolean,
        has_type_hints boolean,
        security_issues jsonb NOT NULL DEFAULT '[]'::jsonb,
        finish_reason varchar(50),
        truncated boolean NOT NULL DEFAULT false,
        prompt_length integer,
        response_length integer,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT llm_generation_metrics_pkey PRIMARY KEY (id),
        CONSTRAINT chk_llm_metrics_tokens_input CHECK (tokens_input >= 0),
        CONSTRAINT chk_llm_metrics_tokens_output CHECK (tokens_output >= 0),
        CONSTRAINT chk_llm_metrics_tokens_total CHECK (tokens_total >= 0),
        CONSTRAINT chk_llm_metrics_latency CHECK (latency_ms >= 0),
        CONSTRAINT chk_llm_metrics_cost CHECK (cost_usd >= 0),
        CONSTRAINT chk_llm_metrics_prompt_length CHECK (prompt_length >= 0),
        CONSTRAINT chk_llm_metrics_response_length CHECK (response_length >= 0),
        CONSTRAINT chk_llm_metrics_security_issues CHECK (jsonb_typeof(security_issues) = 'array')
      )
    `);
    await queryRunner.query(
      `CREATE INDEX idx_llm_metrics_correlation ON llm_generation_metrics (correlation_id)`,
    );
    await queryRunner.query(`CREATE INDEX idx_llm_metrics_session ON llm_generation_metrics (session_id)`);
    await queryRunner.query(`CREATE INDEX idx_llm_metrics_node_type ON llm_generation_metrics (node_type)`);
    await queryRunner.query(`CREATE INDEX idx_llm_metrics_model ON llm_generation_metrics (model_used)`);
    await queryRunner.query(
      `CREATE INDEX idx_llm_metrics_created ON llm_generation_metrics (created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_llm_metrics_tier_model ON llm_generation_metrics (tier, model_used)`,
    );

    await queryRunner.query(`
      CREATE TABLE llm_context_windows (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        tier varchar(50) NOT NULL,
        model_name varchar(255) NOT NULL,
        max_tokens integer NOT NULL,
        cost_per_1m_input_usd numeric(20,10) NOT NULL,
        cost_per_1m_output_usd numeric(20,10) NOT NULL,
        supports_streaming boolean NOT NULL DEFAULT true,
        is_active boolean NOT NULL DEFAULT true,
        updated_at timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT llm_context_windows_pkey PRIMARY KEY (id),
        CONSTRAINT llm_context_windows_tier_key UNIQUE (tier),
        CONSTRAINT chk_llm_context_windows_max_tokens CHECK (max_tokens > 0),
        CONSTRAINT chk_llm_context_windows_cost_input CHECK (cost_per_1m_input_usd >= 0),
        CONSTRAINT chk_llm_context_windows_cost_output CHECK (cost_per_1m_output_usd >= 0)
      )
    `);
    await queryRunner.query(`CREATE INDEX idx_llm_context_windows_active ON llm_context_windows (is_active)`);

    await queryRunner.query(`
      CREATE TABLE llm_generation_history (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        correlation_id uuid NOT NULL,
        node_type varchar(50) NOT NULL,
        method_name varchar(255) NOT NULL,
        prompt_text text NOT NULL,
        generated_code text NOT NULL,
        quality_score double precision NOT NULL,
        validation_passed boolean NOT NULL,
        user_accepted boolean,
        user_feedback text,
        manual_edits_required boolean,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT llm_generation_history_pkey PRIMARY KEY (id),
        CONSTRAINT chk_llm_history_quality_score CHECK (quality_score >= 0 AND quality_score <= 1)
      )
    `);
    await queryRunner.query(
      `CREATE INDEX idx_llm_history_correlation ON llm_generation_history (correlation_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_llm_history_quality ON llm_generation_history (quality_score DESC)`,
    );
    await queryRunner.query(`CREATE INDEX idx_llm_history_node_type ON llm_generation_history (node_type)`);
    await queryRunner.query(
      `CREATE INDEX idx_llm_history_validation_quality ON llm_generation_history (validation_passed, quality_score DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE llm_patterns (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        pattern_type varchar(50) NOT NULL,
        node_type varchar(50),
        pattern_data jsonb NOT NULL,
        usage_count integer NOT NULL DEFAULT 0,
        avg_quality_score double precision,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        last_used_at timestamp with time zone,
        CONSTRAINT llm_patterns_pkey PRIMARY KEY (id),
        CONSTRAINT chk_llm_patterns_type CHECK (
          pattern_type IN ('high_quality_prompt', 'common_error', 'successful_implementation')
        ),
        CONSTRAINT chk_llm_patterns_usage_count CHECK (usage_count >= 0),
        CONSTRAINT chk_llm_patterns_avg_quality CHECK (avg_quality_score >= 0 AND avg_quality_score <= 1)
      )
    `);
    await queryRunner.query(`CREATE INDEX idx_llm_patterns_type ON llm_patterns (pattern_type)`);
    await queryRunner.query(`CREATE INDEX idx_llm_patterns_node_type ON llm_patterns (node_type)`);
    await queryRunner.query(`CREATE INDEX idx_llm_patterns_quality ON llm_patterns (avg_quality_score DESC)`);
    await queryRunner.query(`CREATE INDEX idx_llm_patterns_usage ON llm_patterns (usage_count DESC)`);

    await this.addComments(queryRunner);

    await queryRunner.query(`
      INSERT INTO llm_context_windows
        (tier, model_name, max_tokens, cost_per_1m_input_usd, cost_per_1m_output_usd, supports_streaming, is_active)
      VALUES
        ('cloud_fast', 'glm-4.5', 128000, 0.20, 0.20, true, true),
        ('local', 'ollama/codellama:7b', 16384, 0.00, 0.00, true, true),
        ('cloud_premium', 'glm-4.6', 128000, 0.30, 0.30, true, true)
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE llm_patterns`);
    await queryRunner.query(`DROP TABLE llm_generation_history`);
    await queryRunner.query(`DROP TABLE llm_context_windows`);
    await queryRunner.query(`DROP TABLE llm_generation_metrics`);
  }

  private async addComments(queryRunner: QueryRunner): Promise<void> {
    for (const [table, tableComment, columns] of COMMENTS) {
      await queryRunner.query(`COMMENT ON TABLE ${table} IS '${tableComment}'`);
      for (const [column, columnComment] of Object.entries(columns)) {
        await queryRunner.query(`COMMENT ON COLUMN ${table}.${column} IS '${columnComment}'`);
      }
    }
  }
}

/**
 * The comments as they stood when this migration landed. Kept here, not shared with the
 * entities, because a migration must never change after it lands.
 */
const COMMENTS: ReadonlyArray<readonly [string, string, Readonly<Record<string, string>>]> = [
  [
    'llm_generation_metrics',
    'LLM generation metrics for cost analysis, performance monitoring and quality scoring',
    {
      id: 'Unique identifier',
      correlation_id: 'Links related operations (joins llm_generation_history)',
      session_id: 'Code generation session, when known',
      node_type: 'ONEX node type (effect, compute, reducer, orchestrator)',
      service_name: 'Service the code was generated for',
      method_name: 'Method being generated',
      operation_type: 'Operation type (method_implementation, ...)',
      tier: 'Model tier (local, cloud_fast, cloud_premium)',
      model_used: 'Specific model, e.g. glm-4.5',
      tokens_input: 'Input (prompt) tokens',
      tokens_output: 'Output (completion) tokens',
      tokens_total: 'Total tokens',
      latency_ms: 'Generation latency in milliseconds',
      cost_usd: 'Cost in USD; NULL when no price was known',
      syntax_valid: 'Generated code parses; NULL when not checked',
      onex_compliant: 'Generated code follows ONEX conventions; NULL when not checked',
      has_type_hints: 'Generated code has type hints; NULL when not checked',
      security_issues: 'Security issues found in the generated code (JSON array)',
      finish_reason: 'Completion reason (stop, length, error); NULL when not reported',
      truncated: 'Whether the response was truncated',
      prompt_length: 'Prompt length in characters',
      response_length: 'Response length in characters',
      created_at: 'When the generation was recorded',
    },
  ],
  [
    'llm_context_windows',
    'Model capabilities and prices per tier',
    {
      id: 'Unique identifier',
      tier: 'Model tier identifier',
      model_name: 'Model name',
      max_tokens: 'Maximum context window in tokens',
      cost_per_1m_input_usd: 'Input cost in USD per 1M tokens',
      cost_per_1m_output_usd: 'Output cost in USD per 1M tokens',
      supports_streaming: 'Whether the model streams responses',
      is_active: 'Whether the tier is in use',
      updated_at: 'Last update',
    },
  ],
  [
    'llm_generation_history',
    'Generated code with its prompt, quality and user feedback, for learning and pattern extraction',
    {
      id: 'Unique identifier',
      correlation_id: 'Links to llm_generation_metrics',
      node_type: 'ONEX node type',
      method_name: 'Method name',
      prompt_text: 'Full prompt sent to the LLM',
      generated_code: 'Generated code or logic',
      quality_score: 'Quality score from 0.0 to 1.0',
      validation_passed: 'Whether validation passed',
      user_accepted: 'Whether the user accepted the code; NULL until known',
      user_feedback: 'User feedback text',
      manual_edits_required: 'Whether the user had to edit the code; NULL until known',
      created_at: 'When the generation was recorded',
    },
  ],
  [
    'llm_patterns',
    'Patterns learned from generation history (prompt templates, recurring errors, accepted implementations)',
    {
      id: 'Unique identifier',
      pattern_type: 'Pattern type (high_quality_prompt, common_error, successful_implementation)',
      node_type: 'Associated ONEX node type, if any',
      pattern_data: 'Pattern details (templates, code patterns, errors)',
      usage_count: 'How many generations used or matched the pattern',
      avg_quality_score: 'Average quality score of those generations',
      created_at: 'When the pattern was first found',
      last_used_at: 'When the pattern was last used or matched',
    },
  ],
];
