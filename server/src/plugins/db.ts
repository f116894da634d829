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
  /**
   * Hears NOTIFY on `channel`: `onMessage` per notification, `onReset` when notifications may
   * have been missed (the connection was lost and is back). Resolves to a function that stops.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export type NotificationHandlers = { onMessage(payload: string): void; onReset(): void };

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
  // No JIT: PostGIS functions are costed so high that PostgreSQL compiles a national tile's
  // query (2.7 s of a 5.3 s run, measured) where it would have run it in a fraction of that.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000, options: '-c jit=off' });
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
  const listeners = new Set<{ stop(): Promise<void> }>();
  return {
    db,
    backend: 'postgres',
    ping: () => ping(db),
    listen: async (channel, handlers) => {
      const listener = await listenOnPostgres(url, channel, handlers, log);
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    close: async () => {
      await Promise.all([...listeners].map((listener) => listener.stop()));
      await db.destroy();
    },
  };
}

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other queries), kept
 * open: when it is lost (a restart of PostgreSQL), it reconnects with a growing pause, and
 * `onReset` tells that what was sent in between was missed.
 */
async function listenOnPostgres(url: string, channel: string, handlers: NotificationHandlers, log: Logger) {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    next.on('notification', (message) => {
      if (message.channel === channel) handlers.onMessage(message.payload ?? '');
    });
    next.on('error', (err) => log.error({ err: { message: err.message }, channel }, 'notification connection lost'));
    next.on('end', () => {
      if (client === next && !stopped) scheduleReconnect(250);
    });
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
  };
  const scheduleReconnect = (delay: number) => {
    client = undefined;
    retry = setTimeout(() => {
      connect()
        .then(() => handlers.onReset())
        .catch(() => {
          if (!stopped) scheduleReconnect(Math.min(delay * 2, 5_000));
        });
    }, delay);
    retry.unref();
  };
  await connect();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
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
    return { db, backend: 'pglite', ping: () => ping(db), listen: listenOnPglite(pglite), close: () => db.destroy() };
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
      listen: listenOnPglite(pglite),
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

/** PGlite runs in this process: its notifications cannot be lost, so `onReset` never fires. */
function listenOnPglite(pglite: { listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>> }) {
  return async (channel: string, handlers: NotificationHandlers) => {
    const unlisten = await pglite.listen(channel, (payload) => handlers.onMessage(payload));
    return async () => unlisten();
  };
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
