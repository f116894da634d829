import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { type Database, openDatabase } from '../../server/src/plugins/db.ts';
import { countAreas, rederiveAssetAreas, upsertArea } from '../../server/src/modules/areas/areas.repository.ts';
import { deleteAllCounts } from '../../server/src/modules/rate-limits/rate-limits.repository.ts';
import { demoAreas, seedDemoData } from '../../seeds/demo.ts';

/** Which database this run tests: PostgreSQL when TEST_DATABASE_URL is set, else PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const backendUnderTest = TEST_DATABASE_URL ? 'postgres' : 'pglite';

let database: Promise<Database> | undefined;

/** One database for the whole run (see vitest.config.ts); PGlite lives in memory. */
export function testDatabase(): Promise<Database> {
  database ??= openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: null, poolSize: 5 }, quietLog);
  return database;
}

const quietLog = { info: () => {}, error: (obj: object, msg: string) => console.error(msg, obj) };

export const testConfig = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });

export async function buildTestApp(
  options: { now?: () => Date; env?: Record<string, string>; logStream?: NodeJS.WritableStream } = {},
): Promise<FastifyInstance> {
  const { env, ...appOptions } = options;
  const config = env ? loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }) : testConfig;
  const database = await testDatabase();
  // Rate-limit counts live in the database, shared by every app on it: each test app starts
  // with none, as each did when the counts lived in the process (every request comes from one address).
  await deleteAllCounts(database.db);
  const app = await buildApp(config, { database, ...appOptions });
  await app.ready();
  return app;
}

/** The real CBS 2015 areas of the demo, loaded once per database. */
export async function ensureDemoAreas(): Promise<void> {
  const { db } = await testDatabase();
  if ((await countAreas(db)) > 0) return;
  const areas = await demoAreas();
  await db.transaction().execute(async (trx) => {
    for (const area of areas) await upsertArea(trx, area);
    await rederiveAssetAreas(trx);
  });
}

/**
 * The demo as `npm start` loads it, and nothing else: the CBS areas, then every asset other
 * test files left behind removed and the demo's schools and samples loaded again.
 */
export async function resetToDemoData(): Promise<Database> {
  await ensureDemoAreas();
  await clearAssets();
  const database = await testDatabase();
  await seedDemoData(database.db, { info: () => {} });
  return database;
}

/** Every test starts from no assets. */
export async function clearAssets(): Promise<void> {
  const { db } = await testDatabase();
  await sql`TRUNCATE assets CASCADE`.execute(db);
}

export async function countAssetRows(): Promise<number> {
  const { db } = await testDatabase();
  const row = await db.selectFrom('assets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
