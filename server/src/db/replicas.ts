import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import type { DB } from './types.ts';
import { isDatabaseUnavailable } from '../plugins/errors.ts';

/**
 * Reads on PostgreSQL streaming replicas, with the primary as the fallback. A replica that
 * cannot be reached (stopped, restarting, still starting up) must not turn reads into 503s
 * while the primary could answer them: its reads go to the primary, the outage is logged once,
 * and the replica is tried again after `REPLICA_RETRY_MS`.
 */

/** How long a replica that failed is left alone before a read tries it again. */
export const REPLICA_RETRY_MS = 5_000;

type Logger = { error(obj: object, msg: string): void; info(obj: object, msg: string): void };

export type Replica = {
  /** host:port/database, for the log (never the password). */
  name: string;
  pool: pg.Pool;
  /** Whether it answered when the server started; if not, that was logged already. */
  answered: boolean;
};

type ReplicaState = Replica & { driver: PostgresDriver; downUntil: number; down: boolean };

/**
 * A connection for one read: on a replica (`replica` set) or on the primary. Outside a
 * transaction, a query the replica cannot answer for want of a connection runs again on the
 * primary; reads are safe to repeat. Inside a transaction it cannot move (what came before
 * would be lost), so there the error stands.
 */
class ReadConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    readonly owner: Driver,
    private readonly replica: ReplicaState | null,
    private readonly router: ReplicaDriver,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.replica === null || this.inTransaction) return this.inner.executeQuery<R>(query);
    try {
      const result = await this.inner.executeQuery<R>(query);
      this.router.markUp(this.replica);
      return result;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.router.markDown(this.replica, error);
      return this.router.onPrimary((connection) => connection.executeQuery<R>(query));
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * A Kysely driver over the replicas' pools, taking them in turn, and the primary's pool for
 * the fallback. It owns none of the pools: the Database that opened them closes them (Kysely
 * never destroys a driver that was never used, which would leave a replica's pool open).
 */
class ReplicaDriver implements Driver {
  readonly #replicas: ReplicaState[];
  readonly #primary: Driver;
  readonly #log: Logger;
  #next = 0;

  constructor(replicas: Replica[], primaryPool: pg.Pool, log: Logger) {
    this.#replicas = replicas.map((replica) => ({ ...replica, driver: new PostgresDriver({ pool: replica.pool }), downUntil: 0, down: !replica.answered }));
    this.#primary = new PostgresDriver({ pool: primaryPool });
    this.#log = log;
  }

  async init(): Promise<void> {
    await Promise.all([this.#primary.init(), ...this.#replicas.map((replica) => replica.driver.init())]);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    for (const replica of this.#candidates()) {
      try {
        return new ReadConnection(await replica.driver.acquireConnection(), replica.driver, replica, this);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        this.markDown(replica, error);
      }
    }
    return new ReadConnection(await this.#primary.acquireConnection(), this.#primary, null, this);
  }

  /** The replicas not resting after a failure, starting at the next in turn. */
  #candidates(): ReplicaState[] {
    const now = Date.now();
    const start = this.#next++ % this.#replicas.length;
    return [...this.#replicas.slice(start), ...this.#replicas.slice(0, start)].filter((replica) => replica.downUntil <= now);
  }

  markDown(replica: ReplicaState, error: unknown): void {
    replica.downUntil = Date.now() + REPLICA_RETRY_MS;
    if (replica.down) return;
    replica.down = true;
    this.#log.error(
      { replica: replica.name, err: { message: (error as Error).message } },
      `read replica unreachable: its reads go to the primary; trying it again every ${REPLICA_RETRY_MS / 1000} s`,
    );
  }

  markUp(replica: ReplicaState): void {
    if (!replica.down) return;
    replica.down = false;
    this.#log.info({ replica: replica.name }, 'read replica answers again');
  }

  async onPrimary<T>(run: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    const connection = await this.#primary.acquireConnection();
    try {
      return await run(connection);
    } finally {
      await this.#primary.releaseConnection(connection);
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const read = connection as ReadConnection;
    await read.owner.beginTransaction(read.inner, settings);
    read.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const read = connection as ReadConnection;
    read.inTransaction = false;
    await read.owner.commitTransaction(read.inner);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const read = connection as ReadConnection;
    read.inTransaction = false;
    await read.owner.rollbackTransaction(read.inner);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    const read = connection as ReadConnection;
    await read.owner.savepoint!(read.inner, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    const read = connection as ReadConnection;
    await read.owner.rollbackToSavepoint!(read.inner, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    const read = connection as ReadConnection;
    await read.owner.releaseSavepoint!(read.inner, name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const read = connection as ReadConnection;
    await read.owner.releaseConnection(read.inner);
  }

  async destroy(): Promise<void> {}
}

/** A Kysely for reads over these replicas, falling back to the primary's pool. */
export function replicaReader(replicas: Replica[], primaryPool: pg.Pool, log: Logger): Kysely<DB> {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new ReplicaDriver(replicas, primaryPool, log),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
