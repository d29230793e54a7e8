import { describe, expect, test } from '@jest/globals';
import { API_KEY_ROLES } from '@llm-metrics/db/entities';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_METADATA, type Access, rolesAdmittedBy } from '../src/auth/access';
import { useTestApp } from './harness';

const api = useTestApp();

interface Route {
  readonly method: string;
  readonly path: string;
  readonly access: Access;
}

/** Every route Nest registered, with the access it declares (admin when it declares none). */
function registeredRoutes(): Route[] {
  const discovery = new DiscoveryService(api.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = api.app.get(Reflector);
  return discovery.getControllers().flatMap(({ instance, metatype }) => {
    if (metatype === null || instance === null) return [];
    const prefix = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance) as object;
    return scanner.getAllMethodNames(prototype).flatMap((name) => {
      const handler = (prototype as Record<string, unknown>)[name] as object;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return [];
      const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const access =
        reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [handler as never, metatype]) ??
        'admin';
      return [
        {
          method: RequestMethod[method],
          path: `/${[prefix, path].filter((part) => part !== '' && part !== '/').join('/')}`,
          access,
        },
      ];
    });
  });
}

/** A concrete URL for a route pattern: parameters get plausible values, so only the guard can refuse. */
function concrete(path: string): string {
  return path.replace(/:tier\b/g, 'local').replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
}

describe('every route is guarded', () => {
  test('the only public route is /health; every other answers 401 without a key and 403 to roles it does not admit', async () => {
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThan(3);
    expect(routes.filter(({ access }) => access === 'public').map(({ path }) => path)).toEqual(['/health']);

    for (const route of routes.filter(({ access }) => access !== 'public')) {
      const url = concrete(route.path);
      const call = () => api.http[route.method.toLowerCase() as 'get'](url);
      const anonymous = await call();
      expect({ ...route, status: anonymous.status }).toEqual({ ...route, status: 401 });

      const admitted = rolesAdmittedBy(route.access as Exclude<Access, 'public'>);
      for (const role of API_KEY_ROLES.filter((candidate) => !admitted.includes(candidate))) {
        const refused = await call().set('Authorization', `Bearer ${await api.keyFor(role)}`);
        expect({ ...route, role, status: refused.status }).toEqual({ ...route, role, status: 403 });
      }
    }
  });
});

describe('outside /api/v1', () => {
  test('/health answers without a key and reports the database', async () => {
    const response = await api.http.get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  test('the OpenAPI document describes every field of every schema', async () => {
    const response = await api.http.get('/docs-json');
    expect(response.status).toBe(200);
    const document = response.body as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, { description?: string }> }> };
    };
    expect(Object.keys(document.paths)).toContain('/api/v1/api-keys');
    const undocumented = Object.entries(document.components.schemas).flatMap(
      ([schema, { properties = {} }]) =>
        Object.entries(properties)
          .filter(([, property]) => !property.description)
          .map(([name]) => `${schema}.${name}`),
    );
    expect(undocumented).toEqual([]);
    expect((await api.http.get('/docs')).status).toBe(200);
  });

  test('an unknown route is a 404 in the error shape; a body over the limit a 413', async () => {
    const missing = await api.http.get('/api/v2/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'NOT_FOUND', fields: [] });

    const huge = await api.http
      .post('/api/v1/api-keys')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024), role: 'viewer' }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  test('malformed JSON is a 400 in the error shape', async () => {
    const response = await api.http
      .post('/api/v1/api-keys')
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
