import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.ts';
import { type Database, openDatabase } from '../../server/src/plugins/db.ts';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { backendUnderTest, testConfig } from '../helpers/app.ts';
import { assetBody } from '../helpers/fixtures.ts';
import { signedIn } from '../helpers/auth.ts';

/**
 * A PostgreSQL restart must not take the app down: an idle pooled connection that dies
 * raises an 'error' on the pool, which kills a Node process that does not listen for it.
 * This test owns its own cluster, so that it can stop and start it.
 */
const script = path.join(PROJECT_ROOT, 'scripts', 'pg-test-cluster.sh');
const clusterDir = mkdtempSync(path.join(tmpdir(), 'kwartier-restart-'));
const cluster = (...args: string[]) => execFileSync(script, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe.runIf(backendUnderTest === 'postgres')('a PostgreSQL restart', () => {
  let database: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    const url = cluster('start', clusterDir).trim().split('\n').pop()!;
    database = await openDatabase({ databaseUrl: url, dataDir: null, poolSize: 3 }, { info: () => {}, error: () => {} });
    app = await buildApp(testConfig, { database });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    cluster('stop', clusterDir);
  });

  it('answers 503 while the database is down, and serves again without a restart of the app', async () => {
    const resident = await signedIn(app);
    const created = await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody() });
    expect(created.statusCode).toBe(201);
    // Fill the pool with idle connections that the stop will break.
    await Promise.all(Array.from({ length: 3 }, () => app.inject({ url: '/api/assets' })));

    cluster('stop', clusterDir);
    const down = await app.inject({ url: '/api/assets' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(down.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\.ts/);
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(503);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);

    cluster('start', clusterDir);
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    // The session survived too: it lives in the database, not in the process.
    const again = await resident.inject({ url: `/api/assets/${created.json().id}` });
    expect(again.statusCode).toBe(200);
    expect(again.json().name).toBe(created.json().name);
  });
});
