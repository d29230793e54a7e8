import { DbError } from '@llm-metrics/db/errors';
import { ApiException, type FieldErrorDto } from './api-error';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

/** Most items one write request may carry. */
export const MAX_BATCH_ITEMS = 1000;
/** Most offending fields one 400 lists; the message gives the total. */
const MAX_FIELD_ERRORS = 100;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Validates a write body that is one object or an array of up to {@link MAX_BATCH_ITEMS}, item by
 * item, with the db package's own preparation (`prepare`), so the API accepts exactly what the
 * collector accepts. Unknown fields are refused; `created_at` arrives as an ISO string and is
 * handed on as a Date. Every offending item is reported (`3.tokens_input` in an array, `tokens_input`
 * for a single object) and nothing is returned unless every item passed: the write is all or nothing.
 */
export function prepareBatch<Prepared>(
  body: unknown,
  knownFields: readonly string[],
  prepare: (item: Record<string, unknown>) => Prepared,
): Prepared[] {
  const isArray = Array.isArray(body);
  const items: unknown[] = isArray ? body : [body];
  if (items.length === 0 || items.length > MAX_BATCH_ITEMS) {
    throw ApiException.invalid('body', `must be an object or an array of 1 to ${MAX_BATCH_ITEMS} objects`);
  }
  const known = new Set(knownFields);
  const errors: FieldErrorDto[] = [];
  const prepared: Prepared[] = [];
  items.forEach((item, index) => {
    const path = (field: string) => {
      if (!isArray) return field;
      return field === 'body' ? String(index) : `${index}.${field}`;
    };
    const problems = itemProblems(item, known);
    if (problems.length > 0) {
      errors.push(...problems.map(({ field, message }) => ({ field: path(field), message })));
      return;
    }
    try {
      prepared.push(prepare(withDates(item as Record<string, unknown>)));
    } catch (error) {
      if (!(error instanceof DbError) || error.code !== 'VALIDATION_FAILED') throw error;
      const field = error.field ?? 'body';
      const message = error.message.startsWith(`${field} `)
        ? error.message.slice(field.length + 1)
        : error.message;
      errors.push({ field: path(field), message });
    }
  });
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_FIELD_ERRORS);
    const summary = shown.map(({ field, message }) => `${field} ${message}`).join('; ');
    const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : '';
    throw new ApiException(400, `${summary}${more}`, shown);
  }
  return prepared;
}

/** What is wrong with an item before the db package sees it: its shape, unknown fields, `created_at`. */
function itemProblems(item: unknown, known: ReadonlySet<string>): FieldErrorDto[] {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return [{ field: 'body', message: 'must be an object' }];
  }
  const problems = Object.keys(item)
    .filter((field) => !known.has(field))
    .map((field) => ({ field, message: 'is not a known field' }));
  for (const [field, value] of Object.entries(item)) {
    if (nestsDeeperThan(value))
      problems.push({ field, message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` });
  }
  const { created_at } = item as { created_at?: unknown };
  if (created_at !== undefined && !isIsoDateTime(created_at)) {
    problems.push({ field: 'created_at', message: 'must be an ISO 8601 date-time with a time zone' });
  }
  return problems;
}

function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function withDates(item: Record<string, unknown>): Record<string, unknown> {
  return typeof item.created_at === 'string' ? { ...item, created_at: new Date(item.created_at) } : item;
}
