import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { buildApp } from '../../server/src/app.ts';
import { sql } from 'kysely';
import { PRIMARY_COOKIE, openDatabase, readerFor, type Database } from '../../server/src/plugins/db.ts';
import { TEST_DATABASE_URL, backendUnderTest, buildTestApp, clearAssets, ensureDemoAreas, testConfig, testDatabase } from '../helpers/app.ts';
import { assetBody, createAsset, testModerator } from '../helpers/fixtures.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';

/**
 * Which database a request reads from, without a real replica: the "replica" here is the test
 * database seen through a second Kysely that records every statement it runs
 * (tests/cluster/replication.test.ts has the real one).
 */

/** SELECT, INSERT, UPDATE, DELETE...: the statement a query node (or raw SQL) is. */
function statementOf(node: RootOperationNode): string {
  if (node.kind === 'RawNode') return (node.sqlFragments.join(' ').trim().split(/\s+/)[0] ?? '').toUpperCase();
  return node.kind.replace(/QueryNode$/, '').toUpperCase();
}

function recorder(statements: string[]): KyselyPlugin {
  return {
    transformQuery: ({ node }) => {
      statements.push(statementOf(node));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

const onReplica: string[] = [];
let app: FastifyInstance;
let moderator: Agent;

/** The statements a request ran on the "replica". */
async function replicaStatementsOf(run: () => Promise<{ statusCode: number; body: string }>, status = 200): Promise<string[]> {
  const before = onReplica.length;
  const response = await run();
  expect(response.statusCode, response.body).toBe(status);
  return onReplica.slice(before);
}

const cookieOf = (response: { cookies: Array<{ name: string; value: string; maxAge?: number }> }) =>
  response.cookies.find((cookie) => cookie.name === PRIMARY_COOKIE);

const nearby = '/api/assets/nearby?lat=52.1612&lon=4.4921&radius=1000';

beforeAll(async () => {
  await ensureDemoAreas();
  const shared = await testDatabase();
  const withReplica: Database = { ...shared, readDb: shared.db.withPlugin(recorder(onReplica)), hasReplica: true };
  app = await buildApp(testConfig, { database: withReplica });
  await app.ready();
  moderator = await testModerator(app);
});
afterAll(() => app.close());
beforeEach(clearAssets);

describe('reads on a replica, writes and one’s own recent writes on the primary', () => {
  it('sends the public search, areas, places and the buurtscan to the replica', async () => {
    for (const url of [
      nearby,
      '/api/assets?kind=initiative',
      '/api/areas?level=wijk&parent=GM0546',
      '/api/areas/containing?lat=52.1612&lon=4.4921',
      '/api/places?q=Leiden',
      '/api/buurtscan?level=buurt&gemeente=GM0546&indicators=assets_per_1000',
    ]) {
      expect(await replicaStatementsOf(() => app.inject({ url })), url).not.toEqual([]);
    }
  });

  it('after a write, keeps that client on the primary for READ_YOUR_WRITES_SECONDS', async () => {
    const submitted = await moderator.inject({ method: 'POST', url: '/api/assets', payload: assetBody() });
    expect(submitted.statusCode).toBe(201);
    const cookie = cookieOf(submitted);
    expect(cookie?.maxAge).toBe(5);
    expect(Number(cookie!.value)).toBeGreaterThan(Date.now() + 4_000);
    expect(Number(cookie!.value)).toBeLessThanOrEqual(Date.now() + 5_000);

    const withCookie = { cookie: `${PRIMARY_COOKIE}=${cookie!.value}` };
    expect(await replicaStatementsOf(() => app.inject({ url: nearby, headers: withCookie }))).toEqual([]);
    expect(await replicaStatementsOf(() => app.inject({ url: '/api/places?q=Brug', headers: withCookie }))).toEqual([]);
    // Once the moment has passed, back to the replica.
    const ended = { cookie: `${PRIMARY_COOKIE}=${Date.now() - 1}` };
    expect(await replicaStatementsOf(() => app.inject({ url: nearby, headers: ended }))).not.toEqual([]);
    // A value that is no time at all counts as no cookie.
    expect(await replicaStatementsOf(() => app.inject({ url: nearby, headers: { cookie: `${PRIMARY_COOKIE}=soon` } }))).not.toEqual([]);
  });

  it('sets no cookie for a refused write or a read', async () => {
    const refused = await moderator.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ name: '' }) });
    expect(refused.statusCode).toBe(400);
    expect(cookieOf(refused)).toBeUndefined();
    expect(cookieOf(await app.inject({ url: nearby }))).toBeUndefined();
  });

  it("reads a signed-in person's own entries on the primary, whatever the cookie says", async () => {
    const resident = await signedIn(app);
    await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody() });
    // An ended read-your-writes moment: a `readDb` read would go to the replica.
    const cookie = `kw_session=${resident.cookie}; ${PRIMARY_COOKIE}=0`;
    const mine = await replicaStatementsOf(() => app.inject({ url: '/api/me/assets', headers: { cookie } }));
    expect(mine).toEqual([]);
  });

  it('brings reach up to date on the primary and only reads on the replica', async () => {
    // A new peer-support group in Leiden: the gemeente's reach is out of date.
    await createAsset(app);
    const statements = await replicaStatementsOf(() =>
      app.inject({ url: '/api/buurtscan?level=buurt&gemeente=GM0546&indicators=reach_500.peer_support' }),
    );
    expect(statements).toContain('SELECT');
    expect(statements.filter((statement) => statement !== 'SELECT' && statement !== 'WITH')).toEqual([]);
  });
});

describe('without a replica', () => {
  it('reads everything on the primary and sets no cookie', async () => {
    const plain = await buildTestApp();
    try {
      const writer = await signedIn(plain, ['moderator']);
      const submitted = await writer.inject({ method: 'POST', url: '/api/assets', payload: assetBody() });
      expect(submitted.statusCode).toBe(201);
      expect(cookieOf(submitted)).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it('follows the rule: no replica, or a recent write, means the primary', async () => {
    const shared = await testDatabase();
    const replica = shared.db.withPlugin(recorder([]));
    const now = 1_000_000;
    expect(readerFor({ db: shared.db, readDb: shared.db, hasReplica: false }, String(now + 1), now)).toBe(shared.db);
    expect(readerFor({ db: shared.db, readDb: replica, hasReplica: true }, String(now + 1), now)).toBe(shared.db);
    expect(readerFor({ db: shared.db, readDb: replica, hasReplica: true }, String(now), now)).toBe(replica);
    expect(readerFor({ db: shared.db, readDb: replica, hasReplica: true }, undefined, now)).toBe(replica);
  });
});

describe.runIf(backendUnderTest === 'postgres')('a replica that does not answer', () => {
  it('leaves its reads to the primary, says so once, and does not stop the start', async () => {
    const errors: string[] = [];
    const log = { info: () => {}, error: (_details: object, message: string) => errors.push(message) };
    // Port 1: nothing listens there, as for a replica that is stopped.
    const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, readUrls: ['postgres://postgres@127.0.0.1:1/kwartier'], dataDir: null, poolSize: 1 }, log);
    try {
      expect(database.hasReplica).toBe(true);
      for (let i = 0; i < 3; i += 1) {
        const { rows } = await sql<{ recovering: boolean }>`SELECT pg_is_in_recovery() AS recovering`.execute(database.readDb);
        expect(rows[0]?.recovering).toBe(false);
      }
      expect(errors).toEqual(['DATABASE_READ_URL: cannot reach this read replica yet; its reads go to the primary']);
    } finally {
      await database.close();
    }
  });
});
