import { describe, expect, test } from '@jest/globals';
import { useTestApp } from './harness';

const api = useTestApp({ rateLimitPerMinute: 3 });

describe('rate limiting', () => {
  test('a key over its budget gets a 429 in the error shape; other keys keep theirs', async () => {
    const viewer = { Authorization: `Bearer ${await api.keyFor('viewer')}` };
    for (let request = 0; request < 3; request += 1) {
      expect((await api.http.get('/api/v1/tiers').set(viewer)).status).toBe(200);
    }
    const limited = await api.http.get('/api/v1/tiers').set(viewer);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      message: expect.any(String),
      fields: [],
      request_id: limited.headers['x-request-id'],
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // One budget per key, whatever the route.
    expect((await api.http.get('/api/v1/patterns').set(viewer)).status).toBe(429);

    const admin = { 'X-API-Key': await api.keyFor('admin') };
    expect((await api.http.get('/api/v1/tiers').set(admin)).status).toBe(200);
  });
});
