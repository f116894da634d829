import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { backendUnderTest, buildTestApp } from '../helpers/app.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

describe('health, readiness and docs', () => {
  it('/health says the process is up; /ready that the database answers', async () => {
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/ready' })).json()).toEqual({ status: 'ok', database: backendUnderTest });
  });

  it('serves OpenAPI 3 for every route at /docs/json, and the docs page at /docs', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const route of ['/api/assets', '/api/assets/nearby', '/api/assets/{id}', '/api/assets/{id}/withdraw', '/api/moderation/assets/{id}/archive', '/api/auth/login', '/api/me/export', '/api/areas', '/api/areas/{code}', '/api/areas/containing']) {
      expect(Object.keys(spec.paths), route).toContain(route);
    }
    const nearbyParams = spec.paths['/api/assets/nearby'].get.parameters.map((p: { name: string }) => p.name);
    expect(nearbyParams).toEqual(expect.arrayContaining(['lat', 'lon', 'radius', 'kind', 'openNow']));
    expect(spec.paths['/api/assets'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('location');
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
  });
});
