import path from 'node:path';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { DatabaseOpenError, ensureFolder, lockDataDir } from '../db/data-dir-lock.ts';
import { replicaReader } from '../db/replicas.ts';
import { erasureJournalIn } from '../modules/accounts/erasure-journal.ts';

export { DatabaseOpenError };

export type Backend = 'pglite' | 'postgres';

/** An open database: the only place in Kwartier that knows which engine runs. */
export type Database = {
  /** The primary: every write, and every read that must see the latest write. */
  db: Kysely<DB>;
  /**
   * Reads that may lag the primary by a moment (search, tiles, the buurtscan): PostgreSQL
   * streaming replicas, taken in turn, or the primary while none answers. The primary's `db`
   * itself when no replica is configured, and always on PGlite. Per request, use
   * `request.readDb`, which also keeps a client that just wrote on the primary.
   */
  readDb: Kysely<DB>;
  /** Whether `readDb` reads from replicas. */
  hasReplica: boolean;
  backend: Backend;
  /**
   * The file journal of account erasures, beside the database in DATA_DIR, which a restore of an
   * older backup reads (modules/accounts/erasure-journal.ts); null without a DATA_DIR (tests).
   */
  erasureJournal: string | null;
  /** The embedded database's files as a gzipped tarball (PGlite only): what a backup holds. */
  dumpDataDir?: () => Promise<Blob>;
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

/** A pg pool that survives its database restarting. */
function openPool(url: string, poolSize: number, connectionTimeoutMillis: number, log: Logger): pg.Pool {
  // No JIT: PostGIS functions are costed so high that PostgreSQL compiles a national tile's
  // query (2.7 s of a 5.3 s run, measured) where it would have run it in a fraction of that.
  // No parallel workers: Kwartier's queries are many and short, and a search's count up to
  // 1,000 waited 27 ms for workers where it runs in 7 ms without them (the national buurtscan
  // took the same either way; only a cold z6 tile, kept once made, took 0.84 s instead of 0.6).
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis,
    options: '-c jit=off -c max_parallel_workers_per_gather=0',
  });
  // Without a listener an idle client's error (a database restart) would kill the process;
  // the pool drops that client and the next query gets a fresh connection.
  pool.on('error', (err) => log.error({ err: { message: err.message } }, 'idle database connection lost'));
  // A connection that dies while checked out emits 'error' on its client, where the pool's
  // listener does not reach; the query in flight fails on its own and is answered 503.
  pool.on('connect', (client) => {
    client.on('error', (err) => log.error({ err: { message: err.message } }, 'database connection lost'));
  });
  return pool;
}

/**
 * A replica that does not answer at once is left for the primary rather than waited for: a
 * read should not hang 5 s on every try while the replica is away.
 */
const REPLICA_CONNECT_TIMEOUT_MS = 2_000;

async function openPostgres(url: string, readUrls: readonly string[], poolSize: number, erasureJournal: string | null, log: Logger): Promise<Database> {
  const pool = openPool(url, poolSize, 5_000, log);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`SELECT 1`.execute(db);
  } catch (err) {
    await db.destroy();
    throw new DatabaseOpenError(`DATABASE_URL: cannot reach PostgreSQL at ${describeUrl(url)}: ${(err as Error).message}`);
  }
  const readers = readUrls.length > 0 ? await openReaders(readUrls, pool, poolSize, log) : { db, close: async () => {} };
  const readDb = readers.db;
  const listeners = new Set<{ stop(): Promise<void> }>();
  return {
    db,
    readDb,
    hasReplica: readDb !== db,
    backend: 'postgres',
    erasureJournal,
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
      await readers.close();
      await db.destroy();
    },
  };
}

/**
 * The reader over the replicas. A replica that is down at start-up does not stop the start:
 * its reads go to the primary until it answers (said in the log, naming the variable, in
 * case the URL is wrong rather than the replica away).
 */
async function openReaders(readUrls: readonly string[], primaryPool: pg.Pool, poolSize: number, log: Logger) {
  const replicas = await Promise.all(
    readUrls.map(async (url) => {
      const replica = { name: describeUrl(url), pool: openPool(url, poolSize, REPLICA_CONNECT_TIMEOUT_MS, log), answered: true };
      try {
        await replica.pool.query('SELECT 1');
      } catch (err) {
        replica.answered = false;
        log.error({ replica: replica.name, err: { message: (err as Error).message } }, 'DATABASE_READ_URL: cannot reach this read replica yet; its reads go to the primary');
      }
      return replica;
    }),
  );
  return {
    db: replicaReader(replicas, primaryPool, log),
    close: async () => {
      await Promise.all(replicas.map(({ pool }) => pool.end()));
    },
  };
}

/** How often the LISTEN connection is asked whether it is still there, and how long it has. */
const HEARTBEAT_MS = 20_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other queries), kept
 * open: when it is lost (a restart of PostgreSQL), it reconnects with a growing pause, and
 * `onReset` tells that what was sent in between was missed. A connection can also die without
 * a word (a firewall dropping an idle one, a failover): TCP keepalive and a heartbeat query
 * notice that too, or a process would keep its tiles forever.
 */
async function listenOnPostgres(url: string, channel: string, handlers: NotificationHandlers, log: Logger) {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
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
  const heartbeat = setInterval(() => {
    const current = client;
    if (!current) return;
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), HEARTBEAT_TIMEOUT_MS).unref());
    Promise.race([current.query('SELECT 1'), timeout]).catch((err: unknown) => {
      if (client !== current || stopped) return;
      log.error({ err: { message: (err as Error).message }, channel }, 'notification connection silent; reconnecting');
      current.end().catch(() => {});
      scheduleReconnect(250);
    });
  }, HEARTBEAT_MS);
  heartbeat.unref();
  await connect();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      await client?.end().catch(() => {});
    },
  };
}

/**
 * A PGlite with the extensions Kwartier's migrations create, in `folder` (in memory without
 * one), made from a tarball of `dumpDataDir` when `loadDataDir` is given (a restore). It takes
 * no lock: the caller holds DATA_DIR's (see `lockDataDir`).
 */
export async function openPgliteFolder(folder: string | null, options: { loadDataDir?: Blob } = {}) {
  // Imported lazily: PGlite's WebAssembly is large, and a PostgreSQL deployment never needs it.
  const [{ PGlite }, { postgis }, { pg_trgm }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-postgis'),
    // Trigram indexes make text search (ILIKE '%...%') fast: migrations/20261201130000_text_search.ts.
    import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  const pgliteOptions = { extensions: { postgis, pg_trgm }, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) };
  const pglite = folder === null ? new PGlite(pgliteOptions) : new PGlite(folder, pgliteOptions);
  await pglite.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  // A checkpoint first: the tarball's files then hold every sequence's value as it is. Without
  // it, a copy starts by replaying the WAL, where each sequence is logged 32 values ahead.
  const dumpDataDir = async () => {
    await pglite.exec('CHECKPOINT');
    return pglite.dumpDataDir('gzip');
  };
  return { pglite, db, dumpDataDir };
}

async function openPglite(dataDir: string | null, log: Logger): Promise<Database> {
  if (dataDir === null) {
    const { pglite, db, dumpDataDir } = await openPgliteFolder(null);
    return {
      db, readDb: db, hasReplica: false, backend: 'pglite', erasureJournal: null, dumpDataDir,
      ping: () => ping(db), listen: listenOnPglite(pglite), close: () => db.destroy(),
    };
  }
  const root = path.resolve(dataDir);
  const folder = path.join(root, 'pglite');
  await ensureFolder(folder);
  const unlock = await lockDataDir(root);
  try {
    log.info({ folder }, 'opening the embedded database');
    const { pglite, db, dumpDataDir } = await openPgliteFolder(folder);
    return {
      db,
      readDb: db,
      hasReplica: false,
      backend: 'pglite',
      erasureJournal: erasureJournalIn(root),
      dumpDataDir,
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
 * Opens the database the configuration names: PostgreSQL when DATABASE_URL is set (with read
 * replicas when DATABASE_READ_URL names them), otherwise the embedded PGlite in DATA_DIR (or
 * in memory when `dataDir` is null, for tests), and brings its schema up to date: on the
 * primary only, as replicas copy it from there.
 */
export async function openDatabase(
  options: { databaseUrl: string | undefined; readUrls?: readonly string[]; dataDir: string | null; poolSize?: number; migrate?: boolean },
  log: Logger,
): Promise<Database> {
  // On PostgreSQL, DATA_DIR holds only the erasure journal's file.
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.readUrls ?? [], options.poolSize ?? 10, erasureJournalIn(options.dataDir), log)
    : await openPglite(options.dataDir, log);
  // A backup takes the database as it is, with the schema it has.
  if (options.migrate === false) return database;
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

/** What the server opens: the database and replicas the configuration names. */
export function databaseOptions(config: Config): Parameters<typeof openDatabase>[0] {
  return { databaseUrl: config.databaseUrl, readUrls: config.databaseReadUrls, dataDir: config.dataDir, poolSize: config.databasePoolSize };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The primary: writes, and reads that must see the latest write. */
    db: Kysely<DB>;
    database: Database;
  }
  interface FastifyRequest {
    /**
     * Where this request's reads that may lag go: a replica, unless this client wrote a moment
     * ago (then the primary, see `readerFor`). The primary when no replica is configured.
     */
    readDb: Kysely<DB>;
  }
}

/** Set after a client's write: until when (epoch milliseconds) its reads go to the primary. */
export const PRIMARY_COOKIE = 'kw_primary_until';

/**
 * Which database serves a request's reads: the rule of read-your-writes.
 *
 * Replicas lag the primary by a moment, so what must see one's own write reads the primary:
 * - for READ_YOUR_WRITES_SECONDS after any successful write (POST, PUT, PATCH, DELETE) a
 *   client made, through any process, all its `readDb` reads: the entry someone just added
 *   or changed is in their list, on their map and in their buurtscan at once. A cookie carries
 *   this, so that it holds behind a load balancer, signed in or not;
 * - always, whatever the cookie says, everything a signed-in person reads about their own
 *   account and work (the session itself, /api/me/*, their entries with status and history,
 *   contact requests, matches, the moderation queue, agenda, analysts' weights and figures):
 *   those handlers use `app.db`, never `request.readDb`.
 * What reads replicas: the public search (the list, nearby, one asset, places), areas, tiles
 * and the buurtscan's figures, which anyone may see a second late.
 *
 * The cookie is not signed: a made-up one only sends its holder's reads to the primary,
 * which answers them as a replica would.
 */
export function readerFor(database: Pick<Database, 'db' | 'readDb' | 'hasReplica'>, primaryUntil: string | undefined, now: number): Kysely<DB> {
  if (!database.hasReplica) return database.db;
  const until = Number(primaryUntil);
  return Number.isFinite(until) && until > now ? database.db : database.readDb;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type DbPluginOptions = { config: Config; database?: Database };

/**
 * Decorates the app with the database, and each request with the database its reads go to.
 * A database handed in (tests share one across apps) stays open when the app closes; one the
 * plugin opened itself is closed with the app.
 */
export const dbPlugin = fp<DbPluginOptions>(
  async (app, { config, database }) => {
    const owned = database === undefined;
    const open = database ?? (await openDatabase(databaseOptions(config), app.log));
    app.decorate('database', open);
    app.decorate('db', open.db);
    // A getter: read when a handler asks, after @fastify/cookie (the auth plugin) parsed the cookies.
    app.decorateRequest('readDb', {
      getter(this: FastifyRequest) {
        return readerFor(open, this.cookies?.[PRIMARY_COOKIE], Date.now());
      },
    });
    const windowSeconds = config.readYourWritesSeconds;
    if (open.hasReplica && windowSeconds > 0) {
      app.addHook('onSend', async (request, reply) => {
        if (READ_METHODS.has(request.method) || reply.statusCode >= 400) return;
        reply.setCookie(PRIMARY_COOKIE, String(Date.now() + windowSeconds * 1000), {
          path: '/',
          maxAge: windowSeconds,
          httpOnly: true,
          sameSite: 'lax',
          secure: request.protocol === 'https',
        });
      });
    }
    if (owned) app.addHook('onClose', async () => open.close());
  },
  { name: 'db' },
);
