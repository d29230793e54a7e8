/**
 * The three usage examples of the seed (migration 010's summary), verbatim: tests run them as they
 * are to prove the schema still honours them, and compare the reports with them.
 */
export const SEED_EXAMPLES = {
  recordGeneration: `INSERT INTO llm_generation_metrics (
    correlation_id, node_type, service_name, method_name,
    tier, model_used, tokens_input, tokens_output, tokens_total,
    latency_ms, cost_usd, syntax_valid, onex_compliant, has_type_hints
) VALUES (
    gen_random_uuid(),
    'effect',
    'PostgresService',
    'create_connection',
    'cloud_fast',
    'glm-4.5',
    1500, 800, 2300,
    245.5, 0.00046,
    true, true, true
);`,
  costByModel: `SELECT
    tier,
    model_used,
    COUNT(*) as generations,
    SUM(cost_usd) as total_cost,
    AVG(latency_ms) as avg_latency
FROM llm_generation_metrics
WHERE created_at >= NOW() - INTERVAL '7 days'
GROUP BY tier, model_used
ORDER BY total_cost DESC;`,
  highQualityPatterns: `SELECT
    h.node_type,
    h.method_name,
    h.quality_score,
    m.model_used,
    m.tokens_total
FROM llm_generation_history h
JOIN llm_generation_metrics m ON h.correlation_id = m.correlation_id
WHERE h.validation_passed = true
  AND h.quality_score >= 0.85
ORDER BY h.quality_score DESC
LIMIT 10;`,
} as const;
