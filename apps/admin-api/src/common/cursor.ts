import { ApiException } from './api-error';

/**
 * Opaque page cursors: base64url of a small JSON object holding the keyset of the last row served
 * (its sort key and id). Clients pass them back as they are; anything that does not decode into the
 * expected shape is a 400 naming `cursor`, never a database error.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

const BASE64URL = /^[\w-]{1,512}$/;

/** Decodes a cursor and checks it with `accept`, which returns the typed position or undefined. */
export function decodeCursor<Position>(
  cursor: string,
  accept: (value: Record<string, unknown>) => Position | undefined,
): Position {
  const invalid = () => ApiException.invalid('cursor', 'is not a cursor this list handed out');
  if (!BASE64URL.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  const position = accept(value as Record<string, unknown>);
  if (position === undefined) throw invalid();
  return position;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A timestamp as the list queries format it (UTC, microseconds), so no precision is lost on the way. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The keyset of lists ordered by `(created_at, id)`, newest first. */
export interface CreatedAtPosition {
  /** `created_at` of the last row served, formatted by SQL with microseconds. */
  readonly at: string;
  readonly id: string;
}

export function acceptCreatedAtPosition(value: Record<string, unknown>): CreatedAtPosition | undefined {
  const { at, id } = value;
  if (typeof at !== 'string' || !TIMESTAMP.test(at) || Number.isNaN(Date.parse(at))) return undefined;
  if (typeof id !== 'string' || !UUID.test(id)) return undefined;
  return { at, id };
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** SQL that formats a timestamp column for the `at` of a {@link CreatedAtPosition}. */
export function cursorInstantSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** SQL that formats `created_at` for a {@link CreatedAtPosition}. */
export const CURSOR_AT_SQL = cursorInstantSql('created_at');

/** A page of a list: the rows and the cursor of the next page (null on the last one). */
export interface Page<Row> {
  readonly data: Row[];
  readonly next_cursor: string | null;
}

/**
 * Cuts the `limit + 1` rows a query fetched into a page: the extra row only says there is more, and
 * the cursor points after the last row served.
 */
export function toPage<Row, Position extends Record<string, string | number>>(
  rows: readonly Row[],
  limit: number,
  positionOf: (row: Row) => Position,
): { rows: Row[]; next_cursor: string | null } {
  const served = rows.slice(0, limit);
  const last = served.at(-1);
  const more = rows.length > limit && last !== undefined;
  return { rows: served, next_cursor: more ? encodeCursor(positionOf(last)) : null };
}
