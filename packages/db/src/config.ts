import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DbError } from './errors';

const DATABASE_URL_SHAPE = 'postgres://user:password@host:5432/database';

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'postgres:' || url.protocol === 'postgresql:') &&
      url.hostname !== '' &&
      url.pathname.length > 1
    );
  } catch {
    return false;
  }
}

/** The environment the db package reads. Each variable has a default and a one-line description. */
export const databaseEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, { message: `must look like ${DATABASE_URL_SHAPE}` })
    .optional()
    .describe('PostgreSQL connection URL; when unset, an embedded PostgreSQL is started under .data/'),
  EMBEDDED_PG_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(54329)
    .describe('TCP port of the embedded PostgreSQL (127.0.0.1 only)'),
  EMBEDDED_PG_DATA_DIR: z
    .string()
    .min(1)
    .optional()
    .describe('Data directory of the embedded PostgreSQL; default .data/postgres at the repository root'),
});

export interface DatabaseConfig {
  /** Set: use this server. Unset: start (or attach to) the embedded one. */
  readonly databaseUrl: string | undefined;
  readonly embedded: { readonly port: number; readonly dataDir: string };
}

/** Parses the db package's part of the environment; see `parseEnvironment` for bad values. */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const parsed = parseEnvironment(databaseEnvSchema, env);
  return {
    databaseUrl: parsed.DATABASE_URL,
    embedded: {
      port: parsed.EMBEDDED_PG_PORT,
      dataDir: path.resolve(parsed.EMBEDDED_PG_DATA_DIR ?? path.join(repositoryRoot(), '.data', 'postgres')),
    },
  };
}

/** Longest retention window accepted: a century, so that the cutoff stays a valid date. */
const MAX_RETENTION_DAYS = 36_525;

const retentionDays = (table: string) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_RETENTION_DAYS)
    .optional()
    .describe(`Days of ${table} rows kept by retention (whole monthly partitions); unset: kept forever`);

/** Retention windows (`pnpm db:retention`, the nightly maintenance). */
export const retentionEnvSchema = z.object({
  RETENTION_METRICS_DAYS: retentionDays('llm_generation_metrics'),
  RETENTION_HISTORY_DAYS: retentionDays('llm_generation_history'),
});

export interface RetentionConfig {
  /** Days of metrics kept; null: kept forever. */
  readonly metricsDays: number | null;
  /** Days of history kept; null: kept forever. */
  readonly historyDays: number | null;
}

/** Parses the retention windows; see `parseEnvironment` for bad values. */
export function loadRetentionConfig(env: NodeJS.ProcessEnv = process.env): RetentionConfig {
  const parsed = parseEnvironment(retentionEnvSchema, env);
  return {
    metricsDays: parsed.RETENTION_METRICS_DAYS ?? null,
    historyDays: parsed.RETENTION_HISTORY_DAYS ?? null,
  };
}

/**
 * Parses the environment against a schema, for every app of the workspace. An empty variable
 * (`PORT=`) means "unset", as it does for most tools. A bad value throws `CONFIG_INVALID` naming
 * the variable; the value itself is never echoed, since some carry passwords.
 */
export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
): z.output<Schema> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new DbError('CONFIG_INVALID', `Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The workspace root (where pnpm-workspace.yaml is), or the working directory outside a checkout. */
export function repositoryRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
  }
  return process.cwd();
}

/** `host:port/database` of a URL, for messages: never the user's password. */
export function describeDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}
