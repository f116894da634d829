import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetCreateSchema } from '@kwartier/shared';
import { type Database, openDatabase } from '../../server/src/plugins/db.ts';
import type { Viewer } from '../../server/src/plugins/auth.ts';
import { moderate, submitAsset } from '../../server/src/modules/contributions/contributions.service.ts';
import { backendUnderTest } from '../helpers/app.ts';
import { assetBody } from '../helpers/fixtures.ts';
import {
  type Answer,
  type AppProcess,
  type Cluster,
  call,
  crashCluster,
  freePort,
  initCluster,
  killApp,
  psql,
  restartCluster,
  startApp,
  startCluster,
  stopApp,
  stopCluster,
} from '../cluster/processes.ts';
import {
  type Session,
  Tally,
  approve,
  isDefect,
  tallyLabel,
  brokenMultiStepRules,
  callAs,
  cleanUp,
  countAssets,
  failureOf,
  idOf,
  judge,
  removeFolder,
  seconds,
  sessionsFor,
  sleep,
  submit,
  tempRoot,
} from './faults.ts';

/**
 * Issue 9, faults, on a real PostgreSQL cluster this file starts (and crashes) itself, with
 * Kwartier running as a separate process spoken to over HTTP, as in production:
 * - PostgreSQL restarted (immediate, then fast) under a steady load of reads and writes;
 * - PostgreSQL killed with SIGKILL while writes come in: every write answered 2xx is there after;
 * - the app killed with SIGKILL during writes made of several steps and during an import:
 *   nothing half-written (`npm run import` killed halfway: tests/api/import.test.ts).
 * Needs the PostgreSQL binaries, which the PostgreSQL pass (TEST_DATABASE_URL set) guarantees.
 */

const DATABASE = 'kwartier';
/** Concurrent clients in the load, each a moderator with a session of their own. */
const LOOPS = 20;
/** After PostgreSQL is back, every kind of request must succeed again within this. */
const RECOVERY_DEADLINE_MS = 5_000;

let root: string | undefined;
let cluster: Cluster | undefined;
let database: Database | undefined;
let app: AppProcess | undefined;
let moderators: Session[] = [];

const urlOf = (c: Cluster) => `postgres://postgres@127.0.0.1:${c.port}/${DATABASE}`;

/**
 * The app as production runs it. Rate-limit windows of one second: the load's 20 moderators
 * submit far fewer than 30 a second each, so no 429 muddles the count. Reach computed every
 * second, so that background work, too, meets the restarts.
 */
const startKwartier = () =>
  startApp('kwartier', {
    NODE_ENV: 'production',
    DATABASE_URL: urlOf(cluster!),
    DATABASE_POOL_SIZE: '10',
    SEED_DEMO_DATA: 'false',
    RATE_LIMIT_WINDOW_SECONDS: '1',
    REACH_REFRESH_SECONDS: '1',
  });

/** Published entries near the load's point, so that nearby and the list read real rows. */
async function publishNearbyEntries(count: number): Promise<void> {
  const [moderator] = moderators;
  const viewer: Viewer = { id: moderator!.userId, roles: ['resident', 'moderator'] };
  for (let i = 0; i < count; i += 1) {
    const input = AssetCreateSchema.parse(assetBody({ name: `Buurtkamer ${i}`, location: { type: 'Point', coordinates: [4.49 + i / 5000, 52.16] } }));
    const { id } = await submitAsset(database!.db, viewer, input);
    await moderate(database!.db, viewer, id, 'approve', null);
  }
}

describe.runIf(backendUnderTest === 'postgres')('faults on PostgreSQL: restarts, crashes and killed processes (in the PostgreSQL pass: needs TEST_DATABASE_URL and the PostgreSQL binaries)', () => {
  beforeAll(async () => {
    root = tempRoot('faults');
    // The postgres user must reach the cluster's folder inside it.
    chmodSync(root, 0o755);
    cluster = await initCluster(path.join(root, 'pg'), await freePort());
    await psql(cluster, 'postgres', `CREATE DATABASE ${DATABASE}`);
    await psql(cluster, DATABASE, 'CREATE EXTENSION postgis');
    // Migrations run here, before the app starts; the test reads the database through this.
    database = await openDatabase({ databaseUrl: urlOf(cluster), dataDir: null, poolSize: 2 }, { info: () => {}, error: () => {} });
    moderators = await sessionsFor(database.db, LOOPS, ['moderator'], 'moderator');
    await publishNearbyEntries(30);
    app = await startKwartier();
  }, 90_000);

  afterAll(async () => {
    await cleanUp([
      () => stopApp(app),
      () => database?.close(),
      () => (cluster ? stopCluster(cluster) : undefined),
      () => removeFolder(root),
    ]);
  }, 30_000);

  it('answers 2xx or a clean 503 to a load while PostgreSQL restarts (immediate, then fast), stays up, and serves again within seconds', async () => {
    type Outcome = { op: string; verdict: string; startedAt: number; endedAt: number };
    const outcomes: Outcome[] = [];
    const ops = {
      nearby: (_: Session) => call(app!, '/api/assets/nearby?lat=52.16&lon=4.49&radius=2000&limit=20', { timeoutMs: 15_000 }),
      list: (_: Session) => call(app!, '/api/assets?limit=20&kind=initiative', { timeoutMs: 15_000 }),
      submit: (session: Session) => submit(app!, session, `Tijdens de herstart ${outcomes.length}`),
    };
    let loading = true;
    const loop = async (session: Session, offset: number) => {
      for (let i = offset; loading; i += 1) {
        const [op, send] = Object.entries(ops)[i % 3]!;
        const startedAt = Date.now();
        const verdict = await send(session).then(judge, failureOf);
        outcomes.push({ op, verdict, startedAt, endedAt: Date.now() });
      }
    };
    const loops = moderators.map((session, i) => loop(session, i));

    const restarts: Array<{ mode: 'immediate' | 'fast'; ms: number; backAt: number }> = [];
    for (const mode of ['immediate', 'fast'] as const) {
      await sleep(1_500);
      const started = Date.now();
      await restartCluster(cluster!, mode);
      restarts.push({ mode, ms: Date.now() - started, backAt: Date.now() });
    }
    await sleep(2_000);
    loading = false;
    await Promise.all(loops);

    const tally = new Tally();
    for (const { op, verdict } of outcomes) tally.add(`${op} ${tallyLabel(verdict)}`);
    const defects = outcomes.filter(({ verdict }) => isDefect(verdict));
    const slowestMs = Math.max(...outcomes.map(({ startedAt, endedAt }) => endedAt - startedAt));
    const recoveries = restarts.map(({ mode, ms, backAt }) => {
      // Per kind of request: how long after PostgreSQL was back its first 2xx came.
      const firstOk = Object.keys(ops).map((op) => {
        const ok = outcomes.filter((o) => o.op === op && o.verdict === 'ok' && o.startedAt >= backAt).sort((a, b) => a.endedAt - b.endedAt)[0];
        return ok ? ok.endedAt - backAt : Number.POSITIVE_INFINITY;
      });
      return { mode, ms, firstOkMs: Math.max(...firstOk) };
    });
    console.log(
      `restart under load: ${outcomes.length} answers from ${LOOPS} clients, the slowest in ${slowestMs} ms\n${tally}\n` +
        recoveries.map((r) => `  pg_ctl restart -m ${r.mode}: ${seconds(r.ms)}; every kind of request 2xx again ${r.firstOkMs} ms after`).join('\n'),
    );

    expect(defects.slice(0, 5), `${defects.length} answers were neither 2xx nor a clean 503`).toEqual([]);
    expect(tally.get('submit unavailable') + tally.get('nearby unavailable') + tally.get('list unavailable'), 'the restarts were felt').toBeGreaterThan(0);
    expect(app!.child.exitCode, app!.output()).toBeNull();
    // What the log says: the outage, never an error the handler did not know (a 500 would be one).
    expect(app!.output()).not.toMatch(/unhandled error|uncaught|unhandledRejection/i);
    for (const { mode, firstOkMs } of recoveries) expect(firstOkMs, `after the ${mode} restart`).toBeLessThan(RECOVERY_DEADLINE_MS);
    expect((await call(app!, '/ready')).status).toBe(200);
  }, 60_000);

  it('keeps every write it answered 2xx when PostgreSQL is killed with SIGKILL while writes come in', async () => {
    expect(await psql(cluster!, DATABASE, 'SHOW fsync')).toBe('on');
    expect(await psql(cluster!, DATABASE, 'SHOW synchronous_commit')).toBe('on');
    const recoveriesBefore = crashRecoveries();
    const WRITES = 200;
    const acknowledged: string[] = [];
    const tally = new Tally();
    const defects: string[] = [];
    let crash: Promise<void> | undefined;
    let crashedAtAck = 0;
    // Ten per moderator, all at once; PostgreSQL dies once half are acknowledged, the rest in flight.
    const writes = Array.from({ length: WRITES }, async (_, i) => {
      const verdict = await submit(app!, moderators[i % LOOPS]!, `Voor de crash ${i}`).then((answer) => {
        if (answer.status === 201) acknowledged.push(idOf(answer));
        return judge(answer);
      }, failureOf);
      tally.add(tallyLabel(verdict));
      if (isDefect(verdict)) defects.push(verdict);
      if (!crash && acknowledged.length >= WRITES / 2) {
        crashedAtAck = acknowledged.length;
        crash = crashCluster(cluster!);
      }
    });
    await Promise.all(writes);
    await crash;

    const started = Date.now();
    await startCluster(cluster!);
    const recoveryMs = Date.now() - started;
    const found = await countAssets(database!.db, acknowledged);
    console.log(
      `kill -9 of PostgreSQL during ${WRITES} writes (at the ${crashedAtAck}th acknowledgement):\n${tally}\n` +
        `  acknowledged ${acknowledged.length}, found ${found}, lost ${acknowledged.length - found}; crash recovery and start ${seconds(recoveryMs)}`,
    );
    expect(crash, 'PostgreSQL was killed').toBeDefined();
    expect(crashRecoveries(), 'PostgreSQL recovered from a crash, not from a clean stop').toBe(recoveriesBefore + 1);
    expect(found).toBe(acknowledged.length);
    expect(tally.total()).toBe(WRITES);
    expect(defects.slice(0, 5), `${defects.length} answers were neither 2xx nor a clean 503`).toEqual([]);

    // The app lived through it and writes again, without a restart.
    expect(app!.child.exitCode, app!.output()).toBeNull();
    const after = await submit(app!, moderators[0]!, 'Na de crash');
    expect(after.status, after.body).toBe(201);
  }, 60_000);

  it('leaves nothing half-written when the app is killed with SIGKILL during writes of several steps and during an import', async () => {
    const [importer] = moderators;
    const importRun = await startLargeImport(importer!);
    const acknowledged = { submitted: [] as string[], approved: [] as string[] };
    const ROUNDS = 3;
    // Requests the kills cut off (no answer): transactions that died halfway, or just before.
    let cutOff = 0;
    const answerOf = (request: Promise<Answer>) =>
      request.catch(() => {
        cutOff += 1;
        return undefined;
      });
    for (let round = 0; round < ROUNDS; round += 1) {
      if (round > 0) app = await startKwartier();
      let writing = true;
      // Submit an entry, approve it, again: two transactions of three and four steps each.
      const loop = async (session: Session) => {
        for (let i = 0; writing; i += 1) {
          const submitted = await answerOf(submit(app!, session, `Onderbroken ${round}-${i}`));
          if (submitted?.status !== 201) continue;
          acknowledged.submitted.push(idOf(submitted));
          const approved = await answerOf(approve(app!, session, idOf(submitted)));
          if (approved?.status === 200) acknowledged.approved.push(idOf(submitted));
        }
      };
      const loops = moderators.slice(0, 8).map(loop);
      // The first round dies while the import writes; the others at a random moment.
      if (round === 0) await importWriting(importRun);
      else await sleep(300 + Math.random() * 1_200);
      // Writing stops before the kill resolves: a loop must not count refused connections as cut off.
      const kill = killApp(app!);
      writing = false;
      await kill;
      await Promise.all(loops);
    }
    // Started once more: it marks the killed import as failed as it starts.
    app = await startKwartier();
    const run = await callAs(app, importer!, `/api/imports/${importRun}`);
    const importedRows = await database!.db.selectFrom('assets').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', 'faults-import').executeTakeFirstOrThrow();
    const broken = await brokenMultiStepRules(database!.db);
    const found = { submitted: await countAssets(database!.db, acknowledged.submitted), approved: await publishedCount(acknowledged.approved) };
    console.log(
      `app killed ${ROUNDS} times during writes (${cutOff} requests cut off without an answer): submissions acknowledged ${acknowledged.submitted.length}, found ${found.submitted}; ` +
        `approvals acknowledged ${acknowledged.approved.length}, published ${found.approved}; rules broken: ${Object.keys(broken).length}; ` +
        `import killed halfway: ${Number(importedRows.n)} of its rows in assets, its run ${JSON.parse(run.body).status}`,
    );
    expect(broken).toEqual({});
    expect(found).toEqual({ submitted: acknowledged.submitted.length, approved: acknowledged.approved.length });
    expect(acknowledged.approved.length, 'writes were made between the kills').toBeGreaterThan(10);
    expect(cutOff, 'the kills cut writes off halfway').toBeGreaterThan(0);
    expect(Number(importedRows.n)).toBe(0);
    expect(JSON.parse(run.body)).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted.*nothing was written/) });
  }, 90_000);
});

/** How often the cluster's log says it started after a crash (WAL replayed from the last checkpoint). */
function crashRecoveries(): number {
  return readFileSync(`${cluster!.dir}/pg.log`, 'utf8').split('automatic recovery in progress').length - 1;
}

/** How many of `ids` are published. */
async function publishedCount(ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const row = await database!.db.selectFrom('assets').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'in', ids).where('status', '=', 'published').executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Starts an import of 30,000 rows through the API (it runs on in the app after the 202).
 * Small enough to upload in a moment, large enough to be killed while it writes.
 */
async function startLargeImport(moderator: Session): Promise<string> {
  const mapping = {
    name: 'faults-import',
    format: 'csv',
    source: 'faults-import',
    sourceId: { column: 'Nummer' },
    coordinates: { from: 'columns', x: 'Lengtegraad', y: 'Breedtegraad' },
    fields: { name: { column: 'Naam' }, category: { column: 'Soort' } },
  };
  const saved = await callAs(app!, moderator, '/api/import-mappings/faults-import', { method: 'PUT', json: mapping });
  expect(saved.status, saved.body).toBe(200);
  const rows = Array.from({ length: 30_000 }, (_, i) => `${i};Inloop ${i};inloop;${(4.45 + (i % 100) / 1000).toFixed(4)};52.16`);
  const started = await callAs(app!, moderator, '/api/imports?mapping=faults-import', {
    method: 'POST',
    body: `Nummer;Naam;Soort;Lengtegraad;Breedtegraad\n${rows.join('\n')}\n`,
    contentType: 'text/csv',
  });
  expect(started.status, started.body).toBe(202);
  return idOf(started);
}

/** Resolves once the import's run says it has written rows (inside its transaction), not all. */
async function importWriting(runId: string): Promise<void> {
  const [moderator] = moderators;
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const run = JSON.parse((await callAs(app!, moderator!, `/api/imports/${runId}`)).body) as { status: string; progress: { done: number; total: number } | null };
    expect(run.status, 'the import was killed before it finished').toBe('running');
    if (run.progress && run.progress.done > 0) return;
    await sleep(50);
  }
  throw new Error('the import never started writing');
}
