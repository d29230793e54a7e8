import { randomUUID } from 'node:crypto';
import type { CostStatus } from './entities';
import { DbError } from './errors';
import { assertTokenParts, type PriceBook } from './pricing';

/** Completion reasons the product knows; `length` means the response was cut off. */
export const FINISH_REASONS = ['stop', 'length', 'error', 'content_filter', 'tool_calls'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/**
 * One generation as a service reports it, in the seed's column names. Only what cannot be derived
 * is required; give `prompt_text` or `generated_code` to record its history row too.
 */
export interface GenerationInput {
  /** Made here when absent; a retried write can then never duplicate the row. */
  readonly id?: string;
  readonly correlation_id?: string;
  readonly session_id?: string | null;
  readonly node_type: string;
  readonly service_name: string;
  readonly method_name: string;
  readonly operation_type?: string;
  readonly tier: string;
  readonly model_used: string;
  readonly tokens_input: number;
  readonly tokens_output: number;
  /** Default: input + output. */
  readonly tokens_total?: number;
  /** Part of tokens_input read from a prompt cache. */
  readonly tokens_cached_input?: number | null;
  /** Part of tokens_input written to a prompt cache. */
  readonly tokens_cache_write?: number | null;
  /** Part of tokens_output spent on reasoning. */
  readonly tokens_reasoning?: number | null;
  readonly latency_ms: number;
  /** A cost the caller measured, as a decimal string; it wins over the price. Never a float. */
  readonly cost_usd?: string | null;
  readonly syntax_valid?: boolean | null;
  readonly onex_compliant?: boolean | null;
  readonly has_type_hints?: boolean | null;
  readonly security_issues?: readonly unknown[];
  readonly finish_reason?: FinishReason | null;
  /** Default: finish_reason is `length`. */
  readonly truncated?: boolean;
  /** Default: the length of prompt_text / generated_code when given. */
  readonly prompt_length?: number | null;
  readonly response_length?: number | null;
  /** Default: when `record()` is called. */
  readonly created_at?: Date;
  readonly prompt_text?: string;
  readonly generated_code?: string;
  /** Required with a history row: 0.0 to 1.0. */
  readonly quality_score?: number;
  /** Required with a history row. */
  readonly validation_passed?: boolean;
  readonly user_accepted?: boolean | null;
  readonly user_feedback?: string | null;
  readonly manual_edits_required?: boolean | null;
}

/** The fields a {@link GenerationInput} may carry (callers refuse others before preparing). */
export const GENERATION_INPUT_FIELDS = [
  'id',
  'correlation_id',
  'session_id',
  'node_type',
  'service_name',
  'method_name',
  'operation_type',
  'tier',
  'model_used',
  'tokens_input',
  'tokens_output',
  'tokens_total',
  'tokens_cached_input',
  'tokens_cache_write',
  'tokens_reasoning',
  'latency_ms',
  'cost_usd',
  'syntax_valid',
  'onex_compliant',
  'has_type_hints',
  'security_issues',
  'finish_reason',
  'truncated',
  'prompt_length',
  'response_length',
  'created_at',
  'prompt_text',
  'generated_code',
  'quality_score',
  'validation_passed',
  'user_accepted',
  'user_feedback',
  'manual_edits_required',
] as const satisfies readonly (keyof GenerationInput)[];

/** A metrics row exactly as it will be written. */
export interface MetricsRow {
  readonly id: string;
  readonly correlation_id: string;
  readonly session_id: string | null;
  readonly node_type: string;
  readonly service_name: string;
  readonly method_name: string;
  readonly operation_type: string;
  readonly tier: string;
  readonly model_used: string;
  readonly tokens_input: number;
  readonly tokens_output: number;
  readonly tokens_total: number;
  readonly tokens_cached_input: number | null;
  readonly tokens_cache_write: number | null;
  readonly tokens_reasoning: number | null;
  readonly latency_ms: number;
  readonly cost_usd: string | null;
  readonly cost_status: CostStatus;
  readonly price_version_id: string | null;
  readonly syntax_valid: boolean | null;
  readonly onex_compliant: boolean | null;
  readonly has_type_hints: boolean | null;
  readonly security_issues: readonly unknown[];
  readonly finish_reason: string | null;
  readonly truncated: boolean;
  readonly prompt_length: number | null;
  readonly response_length: number | null;
  readonly created_at: Date;
}

/** A history row exactly as it will be written. */
export interface HistoryRow {
  readonly id: string;
  readonly correlation_id: string;
  readonly node_type: string;
  readonly method_name: string;
  readonly prompt_text: string;
  readonly generated_code: string;
  readonly quality_score: number;
  readonly validation_passed: boolean;
  readonly user_accepted: boolean | null;
  readonly user_feedback: string | null;
  readonly manual_edits_required: boolean | null;
  readonly created_at: Date;
}

export interface PreparedGeneration {
  readonly metrics: MetricsRow;
  readonly history: HistoryRow | null;
}

const MAX_INTEGER = 2_147_483_647;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** numeric(20,12): at most 8 integer digits. */
const COST = /^\d{1,8}(\.\d+)?$/;

/**
 * Validates a generation and derives what it leaves out (ids, totals, truncation, lengths, cost).
 * A bad field throws `VALIDATION_FAILED` naming it; nothing is half-prepared.
 */
export function prepareGeneration(input: GenerationInput, prices: PriceBook, now: Date): PreparedGeneration {
  if (typeof input !== 'object' || input === null) fail('generation', 'must be an object');
  const created_at = input.created_at ?? now;
  if (!(created_at instanceof Date) || Number.isNaN(created_at.getTime()))
    fail('created_at', 'must be a valid Date');
  const correlation_id = optionalUuid(input, 'correlation_id') ?? randomUUID();
  const tokens_input = tokenCount(input, 'tokens_input', true);
  const tokens_output = tokenCount(input, 'tokens_output', true);
  const finish_reason = optionalFinishReason(input.finish_reason);
  const hasHistory = input.prompt_text !== undefined || input.generated_code !== undefined;
  const prompt_text = optionalText(input, 'prompt_text');
  const generated_code = optionalText(input, 'generated_code');
  const usage = {
    tokens_input,
    tokens_output,
    tokens_cached_input: tokenCount(input, 'tokens_cached_input', false),
    tokens_cache_write: tokenCount(input, 'tokens_cache_write', false),
    tokens_reasoning: tokenCount(input, 'tokens_reasoning', false),
  };
  assertTokenParts(usage);
  const tier = text(input, 'tier', 50);
  const model_used = text(input, 'model_used', 255);
  // Spelled out field by field: an object spread here costs V8 microseconds per row.
  const cost = prices.price({
    tier,
    model_used,
    created_at,
    cost_usd: optionalCost(input.cost_usd),
    tokens_input,
    tokens_output,
    tokens_cached_input: usage.tokens_cached_input,
    tokens_cache_write: usage.tokens_cache_write,
    tokens_reasoning: usage.tokens_reasoning,
  });
  const metrics: MetricsRow = {
    id: optionalUuid(input, 'id') ?? randomUUID(),
    correlation_id,
    session_id: optionalUuid(input, 'session_id'),
    node_type: text(input, 'node_type', 50),
    service_name: text(input, 'service_name', 255),
    method_name: text(input, 'method_name', 255),
    operation_type:
      input.operation_type === undefined ? 'method_implementation' : text(input, 'operation_type', 100),
    tier,
    model_used,
    tokens_input,
    tokens_output,
    tokens_total: tokenCount(input, 'tokens_total', false) ?? checkedSum(tokens_input, tokens_output),
    tokens_cached_input: usage.tokens_cached_input,
    tokens_cache_write: usage.tokens_cache_write,
    tokens_reasoning: usage.tokens_reasoning,
    latency_ms: latency(input.latency_ms),
    cost_usd: cost.cost_usd,
    cost_status: cost.cost_status,
    price_version_id: cost.price_version_id,
    syntax_valid: optionalBoolean(input, 'syntax_valid'),
    onex_compliant: optionalBoolean(input, 'onex_compliant'),
    has_type_hints: optionalBoolean(input, 'has_type_hints'),
    security_issues: securityIssues(input.security_issues),
    finish_reason,
    truncated: optionalBoolean(input, 'truncated') ?? finish_reason === 'length',
    prompt_length: tokenCount(input, 'prompt_length', false) ?? lengthOf(prompt_text, 'prompt_text'),
    response_length:
      tokenCount(input, 'response_length', false) ?? lengthOf(generated_code, 'generated_code'),
    created_at,
  };
  const history = hasHistory ? historyRow(input, metrics, prompt_text ?? '', generated_code ?? '') : null;
  return { metrics, history };
}

/**
 * A history row reported on its own, for a generation whose metrics row is (or will be) recorded
 * apart; `correlation_id` is what joins the two, so it is required here.
 */
export interface HistoryInput {
  readonly correlation_id: string;
  readonly node_type: string;
  readonly method_name: string;
  readonly prompt_text: string;
  readonly generated_code: string;
  readonly quality_score: number;
  readonly validation_passed: boolean;
  readonly user_accepted?: boolean | null;
  readonly user_feedback?: string | null;
  readonly manual_edits_required?: boolean | null;
  /** Default: `now`. */
  readonly created_at?: Date;
}

/** The fields a {@link HistoryInput} may carry (callers refuse others before preparing). */
export const HISTORY_INPUT_FIELDS = [
  'correlation_id',
  'node_type',
  'method_name',
  'prompt_text',
  'generated_code',
  'quality_score',
  'validation_passed',
  'user_accepted',
  'user_feedback',
  'manual_edits_required',
  'created_at',
] as const satisfies readonly (keyof HistoryInput)[];

/** Validates a standalone history row with the checks a generation's history row gets. */
export function prepareHistory(input: HistoryInput, now: Date): HistoryRow {
  if (typeof input !== 'object' || input === null) fail('history', 'must be an object');
  const generation = input as unknown as GenerationInput;
  const created_at = input.created_at ?? now;
  if (!(created_at instanceof Date) || Number.isNaN(created_at.getTime()))
    fail('created_at', 'must be a valid Date');
  const correlation_id = optionalUuid(generation, 'correlation_id');
  if (correlation_id === null) fail('correlation_id', 'must be a UUID');
  const prompt = optionalText(generation, 'prompt_text');
  if (prompt === undefined) fail('prompt_text', 'must be a string');
  const code = optionalText(generation, 'generated_code');
  if (code === undefined) fail('generated_code', 'must be a string');
  const linked = {
    correlation_id,
    node_type: text(generation, 'node_type', 50),
    method_name: text(generation, 'method_name', 255),
    created_at,
  };
  return historyRow(generation, linked, prompt, code);
}

function historyRow(
  input: GenerationInput,
  metrics: Pick<MetricsRow, 'correlation_id' | 'node_type' | 'method_name' | 'created_at'>,
  prompt: string,
  code: string,
): HistoryRow {
  const quality = input.quality_score;
  if (typeof quality !== 'number' || !(quality >= 0 && quality <= 1)) {
    fail('quality_score', 'must be a number from 0 to 1 when prompt_text or generated_code is given');
  }
  if (typeof input.validation_passed !== 'boolean') {
    fail('validation_passed', 'must be a boolean when prompt_text or generated_code is given');
  }
  const feedback = input.user_feedback === null ? null : optionalText(input, 'user_feedback');
  return {
    id: randomUUID(),
    correlation_id: metrics.correlation_id,
    node_type: metrics.node_type,
    method_name: metrics.method_name,
    prompt_text: prompt,
    generated_code: code,
    quality_score: quality,
    validation_passed: input.validation_passed,
    user_accepted: optionalBoolean(input, 'user_accepted'),
    user_feedback: feedback ?? null,
    manual_edits_required: optionalBoolean(input, 'manual_edits_required'),
    created_at: metrics.created_at,
  };
}

function fail(field: string, problem: string): never {
  throw new DbError('VALIDATION_FAILED', `${field} ${problem}`, { field });
}

function text<K extends keyof GenerationInput>(input: GenerationInput, field: K, maxLength: number): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    fail(field, `must be a non-empty string of at most ${maxLength} characters`);
  }
  return withoutNul(field, value);
}

function optionalText<K extends keyof GenerationInput>(input: GenerationInput, field: K): string | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(field, 'must be a string');
  return withoutNul(field, value);
}

/** PostgreSQL text cannot hold the NUL character. */
function withoutNul(field: string, value: string): string {
  if (value.includes('\u0000')) fail(field, 'must not contain the NUL character (\\u0000)');
  return value;
}

function optionalUuid<K extends keyof GenerationInput>(input: GenerationInput, field: K): string | null {
  const value = input[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !UUID.test(value)) fail(field, 'must be a UUID');
  return value;
}

function tokenCount<K extends keyof GenerationInput>(
  input: GenerationInput,
  field: K,
  required: true,
): number;
function tokenCount<K extends keyof GenerationInput>(
  input: GenerationInput,
  field: K,
  required: false,
): number | null;
function tokenCount<K extends keyof GenerationInput>(input: GenerationInput, field: K, required: boolean) {
  const value = input[field];
  if (!required && (value === undefined || value === null)) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_INTEGER) {
    fail(field, `must be an integer from 0 to ${MAX_INTEGER}`);
  }
  return value;
}

function checkedSum(tokensInput: number, tokensOutput: number): number {
  const total = tokensInput + tokensOutput;
  if (total > MAX_INTEGER) fail('tokens_total', `must be at most ${MAX_INTEGER}`);
  return total;
}

function latency(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail('latency_ms', 'must be a finite number >= 0');
  }
  return value;
}

function optionalCost(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !COST.test(value)) {
    fail('cost_usd', 'must be a decimal string >= 0 with at most 8 integer digits, e.g. "0.00046"');
  }
  return value;
}

function optionalBoolean<K extends keyof GenerationInput>(input: GenerationInput, field: K): boolean | null {
  const value = input[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') fail(field, 'must be a boolean');
  return value;
}

function optionalFinishReason(value: unknown): FinishReason | null {
  if (value === undefined || value === null) return null;
  if (!(FINISH_REASONS as readonly unknown[]).includes(value)) {
    fail('finish_reason', `must be one of ${FINISH_REASONS.join(', ')}`);
  }
  return value as FinishReason;
}

function securityIssues(value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('security_issues', 'must be an array');
  // jsonb cannot hold \u0000 either.
  if (JSON.stringify(value).includes('\\u0000'))
    fail('security_issues', 'must not contain the NUL character');
  return value;
}

function lengthOf(value: string | undefined, field: string): number | null {
  if (value === undefined) return null;
  if (value.length > MAX_INTEGER) fail(field, 'is too long');
  return value.length;
}
