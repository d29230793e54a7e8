/** Every failure the db package reports on purpose; callers switch on `code`, never on messages. */
export const DB_ERROR_CODES = [
  'CONFIG_INVALID',
  'DATABASE_UNREACHABLE',
  'EMBEDDED_POSTGRES_FAILED',
  'VALIDATION_FAILED',
  'COLLECTOR_FULL',
  'COLLECTOR_CLOSED',
  'RETENTION_LOCKED',
] as const;
export type DbErrorCode = (typeof DB_ERROR_CODES)[number];

export class DbError extends Error {
  /** The input field at fault, for `VALIDATION_FAILED`. */
  readonly field: string | undefined;

  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: ErrorOptions & { field?: string },
  ) {
    super(message, options);
    this.name = 'DbError';
    this.field = options?.field;
  }
}
