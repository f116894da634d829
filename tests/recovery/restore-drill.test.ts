import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { CONSENT_TEXTS } from '@kwartier/shared';
import { buildApp } from '../../server/src/app.ts';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { type Database, openDatabase } from '../../server/src/plugins/db.ts';
import { deleteAccount } from '../../server/src/modules/accounts/accounts.service.ts';
import { erasureFingerprint, readErasures } from '../../server/src/modules/accounts/erasure-journal.ts';
import { backup } from '../../server/src/modules/recovery/recovery.service.ts';
import { createMigrator, migrateDownOne } from '../../server/src/db/migrate.ts';
import { backendUnderTest, buildTestApp, resetToDemoData, TEST_DATABASE_URL, testConfig } from '../helpers/app.ts';
import { type Agent, agentWith, signedIn } from '../helpers/auth.ts';
import { assetBody, createAsset, testModerator } from '../helpers/fixtures.ts';
import { differences, snapshot, uuidsIn } from '../helpers/snapshot.ts';

/**
 * The restore drill, on the database this run tests: the shared test database (with the demo
 * and a few people's accounts, entries and contacts) is copied into a database of the drill's
 * own (never restored over: other test files use it); that one is backed up with
 * `npm run db:backup`, changed through the API (an account added, an entry edited, an account
 * deleted), and restored with `npm run db:restore`. Every table must then hold what it held at
 * backup time, except what the deleted account took with it: the same rows as the shared
 * database after that person deletes their account there.
 */

const run = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), 'kwartier-recovery-'));
const dataDir = path.join(work, 'data');
const quiet = { info: () => {}, error: () => {} };

/** A command-line tool of Kwartier on the drill's database, as `npm run` starts it. */
async function cli(tool: 'db-backup' | 'db-restore', args: string[], env: Record<string, string>) {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', `server/src/cli/${tool}.ts`, ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    return { code: 0, output: stdout };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, output: `${stdout}${stderr}` };
  }
}

/** The drill's own database: a PostgreSQL database beside the shared one, or a PGlite DATA_DIR. */
type Drill = { env: Record<string, string>; open(): Promise<Database>; drop(): Promise<void> };

async function drillDatabase(source: Database): Promise<Drill> {
  if (!TEST_DATABASE_URL) {
    return {
      env: { DATA_DIR: dataDir },
      open: () => openDatabase({ databaseUrl: undefined, dataDir, poolSize: 1 }, quiet),
      drop: async () => {},
    };
  }
  const name = `kwartier_recovery_drill_${process.pid}`;
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  await sql`DROP DATABASE IF EXISTS ${sql.id(name)}`.execute(source.db);
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(source.db);
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    open: () => openDatabase({ databaseUrl: url.toString(), dataDir, poolSize: 2 }, quiet),
    drop: async () => {
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(source.db);
    },
  };
}

/** The shared test database as a backup file, the way each backend takes one. */
async function backUpSource(source: Database, file: string): Promise<void> {
  if (TEST_DATABASE_URL) {
    await backup({ databaseUrl: TEST_DATABASE_URL, dataDir }, file);
  } else {
    writeFileSync(file, Buffer.from(await (await source.dumpDataDir!()).arrayBuffer()));
  }
}

/** An app over the drill's database, as the server builds it. */
async function appOn(database: Database): Promise<FastifyInstance> {
  const app = await buildApp(testConfig, { database });
  await app.ready();
  return app;
}

let source: Database;
let sourceApp: FastifyInstance;
let drill: Drill;
let leaving: Agent; // deletes their account after the backup
let staying: Agent; // edits an entry after the backup
let stayingEntryId: string;

beforeAll(async () => {
  source = await resetToDemoData();
  sourceApp = await buildTestApp();
  const moderator = await testModerator(sourceApp);
  const professional = await signedIn(sourceApp, ['professional'], 'drill-professional');
  leaving = await signedIn(sourceApp, ['resident'], 'drill-leaving');
  staying = await signedIn(sourceApp, ['resident'], 'drill-staying');
  // The leaving person: a published talent with contact details, a pending initiative, a
  // contact request from a professional, and a report on someone else's entry.
  const talent = await leaving.inject({
    method: 'POST', url: '/api/assets',
    payload: assetBody({ kind: 'talent', category: 'gezelschap', name: 'Samen wandelen', precision: 'street', contact: { phone: '06 5555 1234', email: 'wandel@example.org' } }),
  });
  expect(talent.statusCode, talent.body).toBe(201);
  await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${talent.json().id}/approve` });
  expect((await leaving.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ name: 'Buurtcirkel Oost' }) })).statusCode).toBe(201);
  const asked = await professional.inject({
    method: 'POST', url: `/api/assets/${talent.json().id}/contact-requests`,
    payload: { message: 'Mijn cliënt wandelt graag mee.', consent: { version: CONSENT_TEXTS.shareContact.version } },
  });
  expect(asked.statusCode, asked.body).toBe(201);
  const someoneElses = await createAsset(sourceApp, { name: 'Inloop De Haven', kind: 'contact_point', category: 'inloop' });
  await leaving.inject({ method: 'POST', url: `/api/assets/${someoneElses.id}/reports`, payload: { reason: 'closed', message: 'Dicht sinds maart.' } });
  const entry = await staying.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ name: 'Repair Café Noord' }) });
  expect(entry.statusCode, entry.body).toBe(201);
  stayingEntryId = entry.json().id;
  drill = await drillDatabase(source);
}, 120_000);

afterAll(async () => {
  await sourceApp?.close();
  await drill?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe(`a restore drill on ${backendUnderTest}`, () => {
  it('brings back every table as it was at backup time, except an account deleted since, which stays deleted', async () => {
    const copy = path.join(work, 'source.backup');
    await backUpSource(source, copy);
    const intoEmpty = await cli('db-restore', [copy], drill.env);
    expect(intoEmpty.output).toMatch(/^restored .* in \d+\.\d s: \d+ tables/m);
    const atSource = await snapshot(source.db);

    const file = path.join(work, 'drill.backup');
    const backupStarted = new Date();
    const backedUp = await cli('db-backup', ['--out', file], drill.env);
    expect(backedUp.code, backedUp.output).toBe(0);
    expect(backedUp.output).toMatch(/^backed up the \w+ database to .* \(\d+(\.\d)? [KM]B\) in \d+\.\d s/m);
    console.log(`[recovery] ${intoEmpty.output.split('\n')[0]}\n[recovery] ${backedUp.output.trim()}`);

    // After the backup: someone signs up, an entry is edited, and the leaving person deletes their account.
    let database = await drill.open();
    const atBackup = await snapshot(database.db);
    expect(differences(atBackup, atSource), 'the first restore copied every row').toEqual({});
    let app = await appOn(database);
    const signup = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email: 'nieuw.na.backup@example.org', password: 'een lang wachtwoord 7', displayName: 'Na de backup' } });
    expect(signup.statusCode, signup.body).toBe(201);
    const edited = await agentWith(app, staying.user, staying.cookie, staying.csrfToken).inject({ method: 'PATCH', url: `/api/assets/${stayingEntryId}`, payload: { name: 'Repair Café Noord (verhuisd)' } });
    expect(edited.statusCode, edited.body).toBe(200);
    const leaver = agentWith(app, leaving.user, leaving.cookie, leaving.csrfToken);
    const deleted = await leaver.inject({ method: 'DELETE', url: '/api/me', payload: { password: leaving.password } });
    expect(deleted.statusCode, deleted.body).toBe(204);
    await app.close();
    await database.close();
    expect(await readErasures(path.join(dataDir, 'account-erasures.jsonl'))).toEqual([erasureFingerprint(leaving.user.id)]);

    const refused = await cli('db-restore', [file], drill.env);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/pass --yes to replace it/);
    const restored = await cli('db-restore', [file, '--yes'], drill.env);
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output).toMatch(/\b1 account\(s\) deleted again/);
    console.log(`[recovery] ${restored.output.trim().replaceAll('\n', '\n[recovery] ')}`);

    // What is expected: the database at backup time after the same person deleted their account there.
    await deleteAccount(source.db, { id: leaving.user.id, roles: ['resident'] }, leaving.password, { file: null, log: quiet });
    const volatile = { from: backupStarted, to: new Date(), known: uuidsIn(atBackup) };
    const expected = await snapshot(source.db, volatile);
    database = await drill.open();
    try {
      const afterRestore = await snapshot(database.db, volatile);
      expect(differences(afterRestore, expected)).toEqual({});
      // And in so many words: the account is gone, what came after the backup is gone, the edit is undone.
      const users = await database.db.selectFrom('users').select(['id', 'email']).execute();
      expect(users.map((u) => u.id)).not.toContain(leaving.user.id);
      expect(users.map((u) => u.email)).not.toContain('nieuw.na.backup@example.org');
      expect(await database.db.selectFrom('assets').select('id').where('owner_id', '=', leaving.user.id).execute()).toEqual([]);
      const entry = await database.db.selectFrom('assets').select('name').where('id', '=', stayingEntryId).executeTakeFirstOrThrow();
      expect(entry.name).toBe('Repair Café Noord');
      const journal = await database.db.selectFrom('account_erasures').select('account_hash').where('account_hash', '=', erasureFingerprint(leaving.user.id)).execute();
      expect(journal).toHaveLength(1);
      // The restored database is Kwartier's again: the app answers from it.
      app = await appOn(database);
      expect((await app.inject({ url: '/api/assets?limit=1' })).statusCode).toBe(200);
      await app.close();
    } finally {
      await database.close();
    }
    if (!TEST_DATABASE_URL) {
      // The embedded database's previous folder is kept aside, not deleted.
      expect(readdirSync(dataDir).filter((name) => name.startsWith('pglite.before-restore-'))).toHaveLength(1);
      expect(existsSync(path.join(dataDir, 'kwartier.lock'))).toBe(false);
    }
  }, 180_000);

  it.runIf(TEST_DATABASE_URL)('restores a backup an older version of Kwartier made over a newer database, whole', async () => {
    // The drill database two migrations back (the erasure journal's table among them), backed
    // up, brought forward again, and then the older backup restored over it: pg_restore --clean
    // alone would leave the newer tables, and the migrations after the restore would fail.
    let database = await drill.open();
    await migrateDownOne(database.db);
    await migrateDownOne(database.db);
    await database.close();
    const older = path.join(work, 'older.backup');
    const backedUp = await cli('db-backup', ['--out', older], drill.env);
    expect(backedUp.code, backedUp.output).toBe(0);
    database = await drill.open(); // migrates forward
    await database.close();
    const restored = await cli('db-restore', [older, '--yes'], drill.env);
    expect(restored.code, restored.output).toBe(0);
    database = await drill.open();
    try {
      const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(database.db);
      expect(applied.rows.length).toBe((await createMigrator(database.db).getMigrations()).length);
      // The older backup had no erasure journal; the journal file brought the erasure into it.
      expect(await database.db.selectFrom('account_erasures').select('account_hash').execute()).toEqual([{ account_hash: erasureFingerprint(leaving.user.id) }]);
    } finally {
      await database.close();
    }
  }, 120_000);
});
