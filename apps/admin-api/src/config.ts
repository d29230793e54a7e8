import { parseEnvironment } from '@llm-metrics/db/config';
import { z } from 'zod';

const PORT_RANGE = { error: 'must be an integer from 1 to 65535' };
const POSITIVE = { error: 'must be a positive integer' };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What the admin API reads besides the db package's variables; each has a default and a description. */
export const apiEnvSchema = z.object({
  PORT: z.coerce
    .number(PORT_RANGE)
    .int(PORT_RANGE)
    .min(1, PORT_RANGE)
    .max(65535, PORT_RANGE)
    .default(3000)
    .describe('TCP port the admin API listens on (all interfaces)'),
  ADMIN_API_KEY: z
    .string()
    .min(24, { error: 'must be at least 24 characters' })
    .optional()
    .describe('A bootstrap key accepted as an admin key, so deployments can start without a manual step'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info')
    .describe('Lowest level written to the JSON log on stdout'),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number(POSITIVE)
    .int(POSITIVE)
    .min(1, POSITIVE)
    .default(6000)
    .describe('Requests one API key (or one address, without a key) may make per minute'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, { error: 'must be a size such as 512kb or 10mb' })
    .default('10mb')
    .transform(toBytes)
    .refine(Number.isSafeInteger, { error: 'must be a size such as 512kb or 10mb' })
    .describe('Largest request body accepted'),
  MIGRATE_ON_START: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((value) => value === 'true')
    .describe('Apply pending migrations before serving (false: deployments that migrate separately)'),
});

export interface ApiConfig {
  readonly port: number;
  readonly adminApiKey: string | undefined;
  readonly logLevel: LogLevel;
  readonly rateLimitPerMinute: number;
  /** `BODY_LIMIT` in bytes. */
  readonly bodyLimitBytes: number;
  readonly migrateOnStart: boolean;
}

/** Parses the environment once at boot; a bad value throws `CONFIG_INVALID` naming the variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = parseEnvironment(apiEnvSchema, env);
  return {
    port: parsed.PORT,
    adminApiKey: parsed.ADMIN_API_KEY,
    logLevel: parsed.LOG_LEVEL,
    rateLimitPerMinute: parsed.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: parsed.BODY_LIMIT,
    migrateOnStart: parsed.MIGRATE_ON_START,
  };
}

const BYTES_PER_UNIT = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;

/** `512kb` → 524288 (the format is checked before). */
function toBytes(size: string): number {
  const [, count = '', unit = 'b'] = /^(\d+)(b|kb|mb)$/.exec(size) ?? [];
  return Number(count) * BYTES_PER_UNIT[unit as keyof typeof BYTES_PER_UNIT];
}
