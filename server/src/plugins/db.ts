import path from 'node:path';
import fp from 'fastify-plugin';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { DatabaseOpenError, ensureFolder, lockDataDir } from '../db/data-dir-lock.ts';

export { DatabaseOpenError };

export type Backend = 'pglite' | 'postgres';

/** An open database: the only place in Kwartier that knows which engine runs. */
export type Database = {
  db: Kysely<DB>;
  backend: Backend;
  /** True when the database answers a query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

type Logger = { error(obj: object, msg: string): void; info(obj: object, msg: string): void };

// int8 (counts) as JavaScript numbers: Kwartier's counts stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

/** host:port/database of a URL, without the password, for messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'the given URL';
  }
}

async function openPostgres(url: string, poolSize: number, log: Logger): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  // Without a listener an idle client's error (a database restart) would kill the process;
  // the pool drops that client and the next query gets a fresh connection.
  pool.on('error', (err) => log.error({ err: { message: err.message } }, 'idle database connection lost'));
  // A connection that dies while checked out emits 'error' on its client, where the pool's
  // listener does not reach; the query in flight fails on its own and is answered 503.
  pool.on('connect', (client) => {
    client.on('error', (err) => log.error({ err: { message: err.message } }, 'database connection lost'));
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`SELECT 1`.execute(db);
  } catch (err) {
    await db.destroy();
    throw new DatabaseOpenError(`DATABASE_URL: cannot reach PostgreSQL at ${describeUrl(url)}: ${(err as Error).message}`);
  }
  return {
    db,
    backend: 'postgres',
    ping: () => ping(db),
    close: () => db.destroy(),
  };
}

async function openPglite(dataDir: string | null, log: Logger): Promise<Database> {
  // Imported lazily: PGlite's WebAssembly is large, and a PostgreSQL deployment never needs it.
  const [{ PGlite }, { postgis }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-postgis'),
  ]);
  if (dataDir === null) {
    const pglite = new PGlite({ extensions: { postgis } });
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
    return { db, backend: 'pglite', ping: () => ping(db), close: () => db.destroy() };
  }
  const root = path.resolve(dataDir);
  const folder = path.join(root, 'pglite');
  await ensureFolder(folder);
  const unlock = await lockDataDir(root);
  try {
    log.info({ folder }, 'opening the embedded database');
    const pglite = new PGlite(folder, { extensions: { postgis } });
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
    return {
      db,
      backend: 'pglite',
      ping: () => ping(db),
      close: async () => {
        await db.destroy();
        await unlock();
      },
    };
  } catch (err) {
    await unlock();
    throw err;
  }
}

async function ping(db: Kysely<DB>): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the database the configuration names: PostgreSQL when DATABASE_URL is set, otherwise
 * the embedded PGlite in DATA_DIR (or in memory when `dataDir` is null, for tests), and
 * brings its schema up to date.
 */
export async function openDatabase(
  options: { databaseUrl: string | undefined; dataDir: string | null; poolSize?: number },
  log: Logger,
): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10, log)
    : await openPglite(options.dataDir, log);
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<DB>;
    database: Database;
  }
}

export type DbPluginOptions = { config: Config; database?: Database };

/**
 * Decorates the app with the database. A database handed in (tests share one across apps)
 * stays open when the app closes; one the plugin opened itself is closed with the app.
 */
export const dbPlugin = fp<DbPluginOptions>(
  async (app, { config, database }) => {
    const owned = database === undefined;
    const open =
      database ??
      (await openDatabase(
        { databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize },
        app.log,
      ));
    app.decorate('database', open);
    app.decorate('db', open.db);
    if (owned) app.addHook('onClose', async () => open.close());
  },
  { name: 'db' },
);
