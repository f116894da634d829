import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Asset } from '@kwartier/shared';
import { type Database, openDatabase } from '../../server/src/plugins/db.ts';
import { createUser, startSession } from '../../server/src/modules/accounts/accounts.service.ts';
import { backendUnderTest } from '../helpers/app.ts';
import { assetBody } from '../helpers/fixtures.ts';
import { TEST_PASSWORD } from '../helpers/auth.ts';
import { decodeTile, features, tileOf } from '../helpers/tiles.ts';
import { REPLICA_RETRY_MS } from '../../server/src/db/replicas.ts';
import {
  type Answer,
  type AppProcess,
  type Cluster,
  call,
  freePort,
  initPrimary,
  initReplica,
  psql,
  restartCluster,
  startApp,
  startCluster,
  stopApp,
  stopCluster,
} from './processes.ts';

/**
 * docker-compose.yml's production profile, run here: two app processes, each with
 * DATABASE_URL on a primary and DATABASE_READ_URL on a streaming replica made with
 * pg_basebackup -R, spoken to over HTTP. Needs the PostgreSQL binaries, which the
 * PostgreSQL pass (TEST_DATABASE_URL set) guarantees; the clusters are its own.
 */

const DATABASE = 'kwartier';
/** How long a change may take to reach the replica and the other process. */
const LAG_DEADLINE_MS = 5_000;

let root: string | undefined;
let primary: Cluster | undefined;
let replica: Cluster | undefined;
let appA: AppProcess;
let appB: AppProcess;
let database: Database | undefined;
/** A moderator's session: their entries go on the map without another review. */
let moderator: { cookie: string; csrfToken: string };

const urlOf = (cluster: Cluster) => `postgres://postgres@127.0.0.1:${cluster.port}/${DATABASE}`;

/** As the moderator: their CSRF token on every write. */
function request(app: AppProcess, pathname: string, init: { method?: string; json?: unknown; cookies?: string[] } = {}): Promise<Answer> {
  const write = init.method !== undefined && init.method !== 'GET';
  return call(app, pathname, { ...init, ...(write ? { csrfToken: moderator.csrfToken } : {}) });
}

const asModerator = (extra: string[] = []) => [`kw_session=${moderator.cookie}`, ...extra];

/** Polls until `check` holds or the deadline passes; returns the last value seen. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, deadlineMs = LAG_DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** The names of the assets in the z16 tile that holds `asset`. */
async function namesInTile(app: AppProcess, asset: Asset): Promise<string[]> {
  const [lon, lat] = asset.location.coordinates;
  const tile = tileOf(lon, lat, 16);
  const answer = await request(app, `/tiles/assets/${tile.z}/${tile.x}/${tile.y}.mvt`);
  if (answer.status !== 200) return [`status ${answer.status}`];
  return features(decodeTile(answer.bytes), 'assets', tile).map((feature) => String(feature.properties.name));
}

const replayOnReplica = (action: 'pause' | 'resume') => psql(replica!, DATABASE, `SELECT pg_wal_replay_${action}()`);

describe.runIf(backendUnderTest === 'postgres')('docker-compose.yml, profile production: two app processes on a primary and a streaming replica (in the PostgreSQL pass: needs TEST_DATABASE_URL and the PostgreSQL binaries)', () => {
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'kwartier-replication-'));
    // The postgres user must reach the clusters' folders inside it.
    chmodSync(root, 0o755);
    const [primaryPort, replicaPort] = [await freePort(), await freePort()];
    primary = await initPrimary(path.join(root, 'primary'), primaryPort);
    await psql(primary, 'postgres', `CREATE DATABASE ${DATABASE}`);
    await psql(primary, DATABASE, 'CREATE EXTENSION postgis');
    // As deploy/primary-init.sh: a role replicas log in with (trusted here, on 127.0.0.1 only).
    await psql(primary, 'postgres', 'CREATE ROLE replicator WITH REPLICATION LOGIN');
    replica = await initReplica(primary, path.join(root, 'replica'), replicaPort, 'replicator');

    // Migrations on the primary only, as the apps do at start; the replica copies them.
    database = await openDatabase({ databaseUrl: urlOf(primary), dataDir: null, poolSize: 2 }, { info: () => {}, error: () => {} });
    const user = await createUser(database.db, { email: 'moderator@cluster.test', password: TEST_PASSWORD, displayName: 'Moderator' }, ['resident', 'moderator']);
    const session = await startSession(database.db, user.id);
    moderator = { cookie: session.token, csrfToken: session.csrfToken };

    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: urlOf(primary),
      DATABASE_READ_URL: urlOf(replica),
      DATABASE_POOL_SIZE: '4',
      SEED_DEMO_DATA: 'false',
      REACH_REFRESH_SECONDS: '0',
    };
    // One after the other, as compose starts app-2 after app-1 is healthy.
    appA = await startApp('app A', env);
    appB = await startApp('app B', env);
  }, 80_000);

  afterAll(async () => {
    const steps = [
      () => stopApp(appA),
      () => stopApp(appB),
      () => database?.close(),
      () => (replica ? stopCluster(replica) : undefined),
      () => (primary ? stopCluster(primary) : undefined),
      () => (root ? rmSync(root, { recursive: true, force: true }) : undefined),
    ];
    // Every step, whatever failed before it.
    for (const step of steps) await Promise.resolve().then(step).catch((error: unknown) => console.error('cleaning up:', error));
  }, 30_000);

  let asset: Asset;

  it('serves a write through one process from the other, and the writer reads its own write at once', async () => {
    // Replay paused: the replica lacks the new asset until it resumes, so what answers tells
    // which database was read.
    await replayOnReplica('pause');
    let created: Answer;
    try {
      const submitted = await request(appA, '/api/assets', { method: 'POST', json: assetBody({ name: 'Buurtkamer Replica' }), cookies: asModerator() });
      expect(submitted.status, submitted.body).toBe(201);
      const id = (JSON.parse(submitted.body) as Asset).id;
      // Every submission waits for a moderator, also a moderator's own.
      created = await request(appA, `/api/moderation/assets/${id}/approve`, { method: 'POST', json: {}, cookies: asModerator() });
      expect(created.status, created.body).toBe(200);
      asset = JSON.parse(created.body) as Asset;
      expect(asset.status).toBe('published');
      const primaryUntil = created.cookies.find((cookie) => cookie.startsWith('kw_primary_until='));
      expect(primaryUntil, 'a write sets the read-your-writes cookie').toBeDefined();

      // With the cookie: the primary, which has it.
      const own = await request(appA, `/api/assets/${asset.id}`, { cookies: [primaryUntil!] });
      expect(own.status, own.body).toBe(200);
      expect((JSON.parse(own.body) as Asset).name).toBe('Buurtkamer Replica');
      // Without it (anyone else, on either process): the replica, which does not have it yet.
      expect((await request(appA, `/api/assets/${asset.id}`)).status).toBe(404);
      expect((await request(appB, `/api/assets/${asset.id}`)).status).toBe(404);
    } finally {
      await replayOnReplica('resume');
    }

    const onB = await eventually(
      () => request(appB, `/api/assets/${asset.id}`),
      (answer) => answer.status === 200,
    );
    expect(onB.status, onB.body).toBe(200);
    expect((JSON.parse(onB.body) as Asset).name).toBe('Buurtkamer Replica');
    const [lon, lat] = asset.location.coordinates;
    const nearby = await request(appB, `/api/assets/nearby?lat=${lat}&lon=${lon}&radius=500`);
    expect((JSON.parse(nearby.body) as { items: Asset[] }).items.map((item) => item.id)).toContain(asset.id);
  });

  it("shows a changed asset's new name in its tile on both processes, also while the replica lags", async () => {
    // Both processes have the tile (in their caches, where they keep one).
    expect(await namesInTile(appA, asset)).toEqual(['Buurtkamer Replica']);
    expect(await namesInTile(appB, asset)).toEqual(['Buurtkamer Replica']);

    // Replay paused: the replica keeps the old name, so a tile made from it would be stale.
    await replayOnReplica('pause');
    try {
      const changed = await request(appA, `/api/assets/${asset.id}`, { method: 'PATCH', json: { name: 'Buurtkamer Hernoemd' }, cookies: asModerator() });
      expect(changed.status, changed.body).toBe(200);

      const isFresh = (names: string[]) => names.length === 1 && names[0] === 'Buurtkamer Hernoemd';
      const [onA, onB] = await Promise.all([
        eventually(() => namesInTile(appA, asset), isFresh),
        eventually(() => namesInTile(appB, asset), isFresh),
      ]);
      expect(onA).toEqual(['Buurtkamer Hernoemd']);
      expect(onB).toEqual(['Buurtkamer Hernoemd']);
      // The replica was still behind: the fresh tiles came from the primary.
      const fromReplica = await request(appB, `/api/assets/${asset.id}`);
      expect((JSON.parse(fromReplica.body) as Asset).name).toBe('Buurtkamer Replica');
    } finally {
      await replayOnReplica('resume');
    }
  });

  it('keeps answering reads while the primary restarts, and takes writes again after it without a restart of the apps', async () => {
    const [lon, lat] = asset.location.coordinates;
    const tile = tileOf(lon, lat, 16);
    const reads = [`/api/assets/nearby?lat=${lat}&lon=${lon}&radius=500`, `/tiles/assets/${tile.z}/${tile.x}/${tile.y}.mvt`];
    const failures: string[] = [];
    let answered = 0;
    let restarting = true;
    const readLoop = async (app: AppProcess) => {
      while (restarting) {
        for (const pathname of reads) {
          const answer = await request(app, pathname).catch((error: Error) => ({ status: 0, body: error.message }));
          answered += 1;
          if (answer.status !== 200) failures.push(`${app.name} ${pathname}: ${answer.status} ${answer.body.slice(0, 200)}`);
        }
      }
    };
    const loops = [readLoop(appA), readLoop(appB)];
    const started = Date.now();
    await restartCluster(primary!);
    const restartMs = Date.now() - started;
    // A little longer: the first reads after the primary is back.
    await new Promise((resolve) => setTimeout(resolve, 500));
    restarting = false;
    await Promise.all(loops);
    expect(failures, `${failures.length} of ${answered} reads failed during a restart of ${restartMs} ms`).toEqual([]);
    expect(answered).toBeGreaterThan(10);

    // Writes go to the primary: through both processes, without restarting them.
    for (const [app, name] of [[appA, 'Na de herstart A'], [appB, 'Na de herstart B']] as const) {
      const written = await request(app, `/api/assets/${asset.id}`, { method: 'PATCH', json: { name }, cookies: asModerator() });
      expect(written.status, `${app.name}: ${written.body}`).toBe(200);
      expect((JSON.parse(written.body) as Asset).name).toBe(name);
    }
    const onA = await eventually(
      () => request(appA, `/api/assets/${asset.id}`),
      (answer) => answer.status === 200 && (JSON.parse(answer.body) as Asset).name === 'Na de herstart B',
    );
    expect((JSON.parse(onA.body) as Asset).name, 'the replica streams again after the restart').toBe('Na de herstart B');
  }, 45_000);

  it('reads from the primary while the replica is away, and from the replica again once it is back', async () => {
    const [lon, lat] = asset.location.coordinates;
    const reads = [`/api/assets/${asset.id}`, `/api/assets/nearby?lat=${lat}&lon=${lon}&radius=500`];
    await stopCluster(replica!, 'fast');
    for (const app of [appA, appB]) {
      for (const pathname of reads) {
        const answer = await request(app, pathname);
        expect(answer.status, `${app.name} ${pathname}: ${answer.body}`).toBe(200);
      }
    }
    await startCluster(replica!, ['hot_standby=on']);

    // Replay paused: a read that shows the name from before this change came from the replica.
    await replayOnReplica('pause');
    try {
      const changed = await request(appA, `/api/assets/${asset.id}`, { method: 'PATCH', json: { name: 'Alleen op de primary' }, cookies: asModerator() });
      expect(changed.status, changed.body).toBe(200);
      const onB = await eventually(
        () => request(appB, `/api/assets/${asset.id}`),
        (answer) => answer.status === 200 && (JSON.parse(answer.body) as Asset).name !== 'Alleen op de primary',
        REPLICA_RETRY_MS + 3_000,
      );
      expect((JSON.parse(onB.body) as Asset).name, 'app B reads from the replica again').toBe('Na de herstart B');
      // The outage is logged once per process, not once per read.
      for (const app of [appA, appB]) expect(app.output().split('read replica unreachable').length - 1, app.name).toBe(1);
    } finally {
      await replayOnReplica('resume');
    }
  }, 30_000);
});
