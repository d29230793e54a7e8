import { describe, expect, test } from '@jest/globals';
import { apiEnvSchema } from '@llm-metrics/admin-api/config';
import { databaseEnvSchema, retentionEnvSchema } from '@llm-metrics/db/config';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
}

const read = (file: string) => readFileSync(path.join(__dirname, '..', file), 'utf8');
const composeText = read('compose.yaml');
const compose = parse(composeText) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const dockerfile = read('Dockerfile');
const envExample = read('.env.example');

/** The variables each app's configuration reads (its zod schemas): what compose may pass it. */
const APP_VARIABLES: Record<string, readonly string[]> = {
  'admin-api': [...Object.keys(databaseEnvSchema.shape), ...Object.keys(apiEnvSchema.shape)],
  'pattern-extractor': [...Object.keys(databaseEnvSchema.shape), ...Object.keys(retentionEnvSchema.shape)],
  demo: Object.keys(databaseEnvSchema.shape),
};
/** Variables of the official postgres image that compose sets. */
const POSTGRES_VARIABLES = ['POSTGRES_USER', 'POSTGRES_DB', 'POSTGRES_PASSWORD'];

function service(name: string): Service {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
  return found;
}

describe('docker/compose.yaml', () => {
  test('PostgreSQL 16+ on a named volume with a healthcheck', () => {
    const postgres = service('postgres');
    expect(Number(/^postgres:(\d+)/.exec(postgres.image ?? '')?.[1])).toBeGreaterThanOrEqual(16);
    const [volume] = postgres.volumes ?? [];
    expect(Object.keys(compose.volumes)).toContain(volume?.split(':')[0]);
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
  });

  test('migrations run once after PostgreSQL is healthy; the apps wait for them', () => {
    const migrate = service('migrate');
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(migrate.command?.join(' ')).toMatch(/db\.js migrate$/);
    for (const app of ['admin-api', 'pattern-extractor', 'demo']) {
      expect(service(app).depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    }
  });

  test('demo data is an opt-in profile that runs once after the migrations', () => {
    const demo = service('demo');
    expect(demo.profiles).toEqual(['demo']);
    expect(demo.command?.join(' ')).toMatch(/db\.js demo$/);
    expect(demo.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    const always = Object.entries(compose.services).filter(([, { profiles }]) => profiles === undefined);
    expect(always.map(([name]) => name).sort()).toEqual([
      'admin-api',
      'migrate',
      'pattern-extractor',
      'postgres',
    ]);
  });

  test('the API is published and health-checked; the extractor runs its schedule', () => {
    const api = service('admin-api');
    expect(api.ports).toEqual(['${PORT:-3000}:3000']);
    expect(api.healthcheck?.test.join(' ')).toContain('/health');
    expect(service('pattern-extractor').command).toEqual(['schedule']);
  });

  test('every image is built from docker/Dockerfile by a target that exists', () => {
    const targets = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((match) => match[1]);
    const built = Object.values(compose.services).filter(({ build }) => build !== undefined);
    expect(built.length).toBeGreaterThan(0);
    for (const { build } of built) {
      expect(build?.dockerfile).toBe('docker/Dockerfile');
      expect(targets).toContain(build?.target);
    }
    for (const [name, { image, build }] of Object.entries(compose.services)) {
      if (name === 'postgres' || build !== undefined) continue;
      expect(Object.values(compose.services).some((other) => other.build && other.image === image)).toBe(
        true,
      );
    }
  });

  test('each app gets only variables its configuration reads', () => {
    for (const [name, variables] of Object.entries(APP_VARIABLES)) {
      const passed = Object.keys(service(name).environment ?? {});
      expect(passed).toContain('DATABASE_URL');
      expect(passed.filter((variable) => !variables.includes(variable))).toEqual([]);
    }
    expect(Object.keys(service('migrate').environment ?? {})).toEqual(['DATABASE_URL']);
  });

  test('.env.example declares every variable compose interpolates, and only names something reads', () => {
    const declared = [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? '');
    const interpolated = new Set(
      [...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? ''),
    );
    expect([...interpolated].filter((variable) => !declared.includes(variable))).toEqual([]);
    const known = new Set([...Object.values(APP_VARIABLES).flat(), ...POSTGRES_VARIABLES]);
    expect(declared.filter((variable) => !interpolated.has(variable) && !known.has(variable))).toEqual([]);
  });
});

describe('docker/Dockerfile', () => {
  test('runtime images run as a non-root user, the API with a HEALTHCHECK, and bake in no secret', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const stage = (name: string) => stages.find((text) => text.split('\n')[0]?.endsWith(` AS ${name}`)) ?? '';
    expect(stage('runtime')).toMatch(/^USER node$/m);
    expect(stage('admin-api')).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    expect(stage('admin-api')).toMatch(/^FROM runtime AS admin-api|^runtime AS admin-api/);
    expect(stage('pattern-extractor')).toMatch(/^runtime AS pattern-extractor/);
    const baked = [...dockerfile.matchAll(/^(?:ENV|ARG)\s+(.+)$/gm)].map((match) => match[1]).join(' ');
    for (const secret of ['DATABASE_URL', 'ADMIN_API_KEY', 'POSTGRES_PASSWORD'])
      expect(baked).not.toContain(secret);
  });

  test('runtime stages copy the production deploy output only', () => {
    expect(dockerfile).toContain('pnpm deploy --filter=@llm-metrics/admin-api --prod --no-optional');
    expect(dockerfile).toContain('pnpm deploy --filter=@llm-metrics/pattern-extractor --prod --no-optional');
    const copies = [...dockerfile.matchAll(/^COPY --from=build .*$/gm)].map((match) => match[0]);
    expect(copies).toEqual([
      'COPY --from=build --chown=node:node /out/admin-api /app',
      'COPY --from=build --chown=node:node /out/pattern-extractor /app',
    ]);
  });
});
