import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { ImportMappingInput } from '@kwartier/shared';
import { buildApp } from '../../server/src/app.ts';
import { type Database, openDatabase } from '../../server/src/plugins/db.ts';
import { failInterruptedRuns } from '../../server/src/modules/interop/import.service.ts';
import { refreshReach } from '../../server/src/modules/buurtscan/reach.service.ts';
import { backendUnderTest, buildTestApp, resetToDemoData, TEST_DATABASE_URL, testConfig, testDatabase } from '../helpers/app.ts';
import { type Agent, agentWith, sessionCookieOf, signedIn, TEST_PASSWORD } from '../helpers/auth.ts';

/**
 * The API runs as several processes behind a load balancer: two apps on one database must
 * behave as one. Whatever one process knows that a request to the other needs lives in the
 * database: sessions, rate-limit counts, an import's progress, who computes a gemeente's reach.
 */
let a: FastifyInstance;
let b: FastifyInstance;
beforeAll(async () => {
  await resetToDemoData();
  a = await buildTestApp();
  b = await buildTestApp();
});
afterAll(async () => {
  await a.close();
  await b.close();
});

const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> => {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`waited in vain for ${what}`);
};

describe('rate limits', () => {
  const signUp = (app: FastifyInstance, i: number) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      remoteAddress: '198.51.100.20',
      payload: { email: `samen-${i}-${Date.now()}@example.org`, password: 'een goed wachtwoord', displayName: 'Samen' },
    });

  it('count the hits through both processes together, also when they come at the same moment', async () => {
    // Sign-up allows 10 per network per window: six through each process, all at once.
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => signUp(i % 2 === 0 ? a : b, i)));
    expect(responses.map((response) => response.statusCode).sort()).toEqual([...Array(10).fill(201), 429, 429]);
    for (const app of [a, b]) {
      const refused = await signUp(app, 99);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    }
    // One row (the apps started with none), counting all of them, which does not say who.
    const { db } = await testDatabase();
    const rows = await db.selectFrom('rate_limit_counts').select(['key', 'count']).execute();
    expect(rows).toEqual([{ key: expect.stringMatching(/^[0-9a-f]{64}$/), count: 14 }]);
  });
});

describe('sessions', () => {
  it('signed in through one process are accepted by the other, and signed out through it for both', async () => {
    const person = await signedIn(a);
    const login = await a.inject({ method: 'POST', url: '/api/auth/login', payload: { email: person.email, password: TEST_PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const cookie = sessionCookieOf(login)!;
    const throughB = agentWith(b, person.user, cookie, login.json().csrfToken);
    const session = (await throughB.inject({ url: '/api/auth/session' })).json();
    expect(session).toMatchObject({ user: { id: person.user.id }, csrfToken: login.json().csrfToken });
    // A write through B with the token A handed out (CSRF is checked against the session).
    expect((await throughB.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    const throughA = agentWith(a, person.user, cookie, login.json().csrfToken);
    expect((await throughA.inject({ url: '/api/auth/session' })).json().user).toBeNull();
  });
});

describe('an import', () => {
  const MAPPING: ImportMappingInput = {
    name: 'meerdere-processen',
    format: 'csv',
    source: 'meerdere-processen',
    sourceId: { column: 'Nummer' },
    coordinates: { from: 'columns', x: 'Lengtegraad', y: 'Breedtegraad' },
    fields: { name: { column: 'Naam' }, category: { column: 'Soort' } },
  };
  const csv = (rows: string[]) => `Nummer;Naam;Soort;Lengtegraad;Breedtegraad\n${rows.join('\n')}\n`;
  const group = (i: number, name = `Groep ${i}`) => `${i};${name};inloop;4.49;52.16`;
  let moderatorA: Agent;
  let moderatorB: Agent;

  beforeAll(async () => {
    moderatorA = await signedIn(a, ['moderator']);
    moderatorB = agentWith(b, moderatorA.user, moderatorA.cookie, moderatorA.csrfToken);
    const saved = await moderatorA.inject({ method: 'PUT', url: `/api/import-mappings/${MAPPING.name}`, payload: MAPPING });
    expect(saved.statusCode, saved.body).toBe(200);
  });

  const start = async (body: string) => {
    const started = await moderatorA.inject({ method: 'POST', url: `/api/imports?mapping=${MAPPING.name}`, payload: body, headers: { 'content-type': 'text/csv' } });
    expect(started.statusCode, started.body).toBe(202);
    return (started.json() as { id: string }).id;
  };
  const runThroughB = async (id: string) => (await moderatorB.inject({ url: `/api/imports/${id}` })).json();

  it('started through one process is followed to its report through the other', async () => {
    const id = await start(csv([group(1), group(2)]));
    const run = await until(() => runThroughB(id), (r) => r.status !== 'running', 'the import to end');
    expect(run).toMatchObject({ status: 'committed', progress: null, report: { counts: { create: 2 } } });
  });

  /**
   * Halfway, held there by a row lock of this test on a record of the second batch: the progress
   * is in the run's row, written outside the import's transaction. PostgreSQL only: the embedded
   * database has one connection, which the import's transaction holds to its end (and a poll
   * waits for it).
   */
  it.runIf(backendUnderTest === 'postgres')('shows its progress through the other process while it runs, and is not taken for interrupted there', async () => {
    const { db } = await testDatabase();
    const rows = Array.from({ length: 1200 }, (_, i) => group(1001 + i));
    // Record 1600 exists already, so the second batch of 500 updates it; this test locks it first.
    rows[599] = group(1600, 'Groep 1600, hernoemd');
    const first = await start(csv([group(1600)]));
    await until(() => runThroughB(first), (r) => r.status === 'committed', 'the first import');
    let release!: () => void;
    const locked = new Promise<void>((resolveLocked) => {
      const held = db.transaction().execute(async (trx) => {
        await sql`SELECT 1 FROM assets WHERE source = ${MAPPING.source} AND source_id = '1600' FOR UPDATE`.execute(trx);
        resolveLocked();
        await new Promise<void>((resolve) => (release = resolve));
      });
      held.catch(() => undefined);
    });
    await locked;

    const id = await start(csv(rows));
    try {
      const running = await until(() => runThroughB(id), (r) => (r.progress?.done ?? 0) > 0, 'progress through B');
      expect(running).toMatchObject({ status: 'running', progress: { done: 500, total: 1200 }, report: null });
      const listed = (await moderatorB.inject({ url: '/api/imports' })).json().runs.find((r: { id: string }) => r.id === id);
      expect(listed).toMatchObject({ status: 'running', progress: { done: 500, total: 1200 } });
      // A process starting now finds the run's lock held, and leaves it running.
      expect(await failInterruptedRuns(db)).toBe(0);
      expect((await runThroughB(id)).status).toBe('running');
    } finally {
      release();
    }
    const finished = await until(() => runThroughB(id), (r) => r.status !== 'running', 'the import to end');
    expect(finished).toMatchObject({ status: 'committed', progress: null, counts: { create: 1199, update: 1 } });
  });
});

describe('reach', () => {
  const gemeente = 'GM0546';
  /** Marks the gemeente dirty; `taken`: as if another process were computing it. */
  const markDirty = async (taken: boolean) => {
    const { db } = await testDatabase();
    await sql`INSERT INTO reach_dirty (gemeente_code, touched, refreshing_until)
              VALUES (${gemeente}, '{*}', CASE WHEN ${taken} THEN now() + interval '1 minute' END)
              ON CONFLICT (gemeente_code) DO UPDATE SET touched = '{*}', refreshing_until = excluded.refreshing_until`.execute(db);
  };
  const dirty = async () => (await sql<{ gemeente_code: string }>`SELECT gemeente_code FROM reach_dirty`.execute((await testDatabase()).db)).rows.map((r) => r.gemeente_code);

  it('of a gemeente another process is computing is left to it, and a buurtscan waits for it', async () => {
    const { db } = await testDatabase();
    await refreshReach(db);
    await markDirty(true);
    // The background refresher of this process passes it by.
    expect(await refreshReach(db)).toBe(0);
    expect(await dirty()).toEqual([gemeente]);
    // A buurtscan needs it fresh: it waits, and when the other process gave up, computes it itself.
    let finished = false;
    const waiting = refreshReach(db, { gemeenten: [gemeente], waitForOthers: true }).then((count) => ((finished = true), count));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(false);
    await sql`UPDATE reach_dirty SET refreshing_until = NULL WHERE gemeente_code = ${gemeente}`.execute(db);
    expect(await waiting).toBe(1);
    expect(await dirty()).toEqual([]);
  });

  it('of a gemeente is taken by one of two processes asking at once', async () => {
    const { db } = await testDatabase();
    await markDirty(false);
    const counts = await Promise.all([refreshReach(db), refreshReach(db)]);
    expect(counts.sort()).toEqual([0, 1]);
    expect(await dirty()).toEqual([]);
  });
});

/**
 * The database going away under a rate-limited route: the count cannot be kept, and the answer
 * is the usual 503, not a 500. The app reaches PostgreSQL through a proxy this test closes.
 */
describe.runIf(backendUnderTest === 'postgres')('a rate-limited route without its database', () => {
  let proxy: Server;
  const sockets = new Set<Socket>();
  let database: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    const target = new URL(TEST_DATABASE_URL!);
    proxy = createServer((client) => {
      const server = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, server]) {
        sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    const url = new URL(TEST_DATABASE_URL!);
    url.host = `127.0.0.1:${port}`;
    database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, poolSize: 2 }, { info: () => {}, error: () => {} });
    app = await buildApp(testConfig, { database });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers 503 with the usual error shape', async () => {
    const signUp = () =>
      app.inject({ method: 'POST', url: '/api/auth/signup', remoteAddress: '198.51.100.77', payload: { email: `weg-${Date.now()}@example.org`, password: 'een goed wachtwoord', displayName: 'Weg' } });
    expect((await signUp()).statusCode).toBe(201);
    const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    const down = await signUp();
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(down.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
