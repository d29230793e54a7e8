import { parseEnvironment } from '@llm-metrics/db/config';
import { z } from 'zod';

const PORT_RANGE = { error: 'must be an integer from 1 to 65535' };

/** What the admin API reads besides the db package's variables; each has a default and a description. */
export const apiEnvSchema = z.object({
  PORT: z.coerce
    .number(PORT_RANGE)
    .int(PORT_RANGE)
    .min(1, PORT_RANGE)
    .max(65535, PORT_RANGE)
    .default(3000)
    .describe('TCP port the admin API listens on (all interfaces)'),
});

export interface ApiConfig {
  readonly port: number;
}

/** Parses the environment once at boot; a bad value throws `CONFIG_INVALID` naming the variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return { port: parseEnvironment(apiEnvSchema, env).PORT };
}
