import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { DatabaseOpenError, ensureFolder, lockDataDir } from '../../db/data-dir-lock.ts';
import { openDatabase, openPgliteFolder } from '../../plugins/db.ts';
import { reapplyErasures } from '../accounts/accounts.service.ts';
import { erasureJournalIn, readErasures } from '../accounts/erasure-journal.ts';
import { connectionFor, findPgTool, RecoveryError, runPgTool } from './pg-tools.ts';
import { announceEverythingChanged, DROP_KWARTIER_OBJECTS, journalledErasures, serverMajorVersion, userTables } from './recovery.repository.ts';

export { RecoveryError };

/** Where the database is: PostgreSQL at `databaseUrl`, else the embedded one in `dataDir`. */
export type Target = { databaseUrl: string | undefined; dataDir: string };

export type BackupResult = { file: string; bytes: number; backend: 'postgres' | 'pglite'; tool?: string };

export type RestoreResult = {
  backend: 'postgres' | 'pglite';
  tables: number;
  /** Accounts the restored backup still held that the erasure journals say were deleted: deleted again. */
  erasedAgain: number;
  /** Fingerprints in the erasure journals: from the database replaced, and from the file in DATA_DIR. */
  journal: { fromDatabase: number; fromFile: number };
  /** The embedded database's previous folder, kept aside. */
  previous?: string;
  /** Migrations applied to bring an older backup up to this version of Kwartier. */
  migrated: string[];
};

const quiet = { info: () => {}, error: () => {} };

/** The embedded database's folder in a DATA_DIR. */
const pgliteFolder = (dataDir: string) => path.join(path.resolve(dataDir), 'pglite');
const holdsPglite = (folder: string) => existsSync(path.join(folder, 'PG_VERSION'));

/**
 * Writes `bytes` (or lets `write` write) to `file` by way of `file.partial`, owner-only: a
 * backup holds everyone's personal data, and a cut-short one must not pass for a whole one.
 */
async function writeWhole(file: string, write: (partial: string) => Promise<void>): Promise<number> {
  const partial = `${file}.partial`;
  await ensureFolder(path.dirname(path.resolve(file)));
  try {
    await write(partial);
    await chmod(partial, 0o600);
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return (await stat(file)).size;
}

/**
 * DATA_DIR's lock, for a backup or a restore of the embedded database. While a server runs on
 * it, both refuse: PGlite keeps the database in the server's memory, so files copied beside it
 * are not a consistent backup, and a restore under it would be overwritten when it closes.
 */
async function lockForRecovery(dataDir: string, what: string): Promise<() => Promise<void>> {
  try {
    await ensureFolder(path.resolve(dataDir));
    return await lockDataDir(path.resolve(dataDir));
  } catch (err) {
    if (err instanceof DatabaseOpenError) throw new RecoveryError(`${err.message.replace(/^DATA_DIR: /, '')}. A ${what} of the embedded database needs the server stopped.`);
    throw err;
  }
}

/**
 * A backup of the whole database: on PostgreSQL pg_dump's custom format (compressed, restored
 * with pg_restore); on PGlite the tarball of its data folder (`dumpDataDir`, gzipped).
 */
export async function backup(target: Target, file: string): Promise<BackupResult> {
  return target.databaseUrl ? backupPostgres(target.databaseUrl, file) : backupPglite(target.dataDir, file);
}

async function backupPostgres(url: string, file: string): Promise<BackupResult> {
  const major = await withPostgres(url, serverMajorVersion);
  const tool = await findPgTool('pg_dump', major);
  const { dbname, env } = connectionFor(url);
  const bytes = await writeWhole(file, (partial) => runPgTool(tool.binary, ['--format=custom', `--file=${partial}`, `--dbname=${dbname}`], env));
  return { file, bytes, backend: 'postgres', tool: `${tool.binary} (${tool.major})` };
}

async function backupPglite(dataDir: string, file: string): Promise<BackupResult> {
  const folder = pgliteFolder(dataDir);
  if (!holdsPglite(folder)) throw new RecoveryError(`there is no embedded database in ${folder} (DATA_DIR) to back up`);
  const unlock = await lockForRecovery(dataDir, 'backup');
  try {
    const database = await openPgliteFolder(folder);
    try {
      const tarball = await database.dumpDataDir();
      const bytes = await writeWhole(file, async (partial) => writeFile(partial, Buffer.from(await tarball.arrayBuffer())));
      return { file, bytes, backend: 'pglite' };
    } finally {
      await database.db.destroy();
    }
  } finally {
    await unlock();
  }
}

/**
 * Restores a backup over the database, then deletes again every account the erasure journals
 * (read before the database is replaced) say was deleted. Refuses to replace a database that
 * holds tables unless `replace` is set.
 */
export async function restore(target: Target, file: string, options: { replace: boolean }): Promise<RestoreResult> {
  if (!existsSync(file)) throw new RecoveryError(`${file}: no such backup file`);
  return target.databaseUrl ? restorePostgres(target.databaseUrl, target.dataDir, file, options) : restorePglite(target.dataDir, file, options);
}

/** The erasure journal's file in DATA_DIR: the erasures a lost database can no longer tell. */
const journalFileIds = (dataDir: string) => readErasures(erasureJournalIn(dataDir)!);

function refuseToReplace(what: string): never {
  throw new RecoveryError(`${what}; pass --yes to replace it with the backup`);
}

async function restorePostgres(url: string, dataDir: string, file: string, options: { replace: boolean }): Promise<RestoreResult> {
  const before = await withPostgres(url, async (db) => ({
    major: await serverMajorVersion(db),
    tables: (await userTables(db)).length,
    erased: await journalledErasures(db),
  }));
  if (before.tables > 0 && !options.replace) refuseToReplace(`the database holds ${before.tables} tables`);
  const fromFile = await journalFileIds(dataDir);
  const restoreTool = await findPgTool('pg_restore', before.major);
  const psql = await findPgTool('psql', before.major);
  const { dbname, env } = connectionFor(url);
  // pg_restore writes the backup as SQL (--clean --if-exists: DROP and CREATE EXTENSION too,
  // so that PostGIS and pg_trgm come back as they were); psql runs it after dropping what
  // Kwartier made, all in one transaction: a restore that fails half-way leaves the database
  // as it was, and an older backup comes back whole, without a newer version's tables.
  // The script holds every row of the backup: in a folder only this user may read, and gone after.
  const scratch = await mkdtemp(path.join(tmpdir(), 'kwartier-restore-'));
  const script = path.join(scratch, 'restore.sql');
  try {
    await runPgTool(restoreTool.binary, ['--clean', '--if-exists', '--no-owner', '--file', script, file], env);
    await writeFile(script, `${DROP_KWARTIER_OBJECTS}\n${await readFile(script, 'utf8')}`, { mode: 0o600 });
    await runPgTool(psql.binary, ['--no-psqlrc', '--quiet', '--single-transaction', '--set', 'ON_ERROR_STOP=1', `--dbname=${dbname}`, '--file', script], env);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const database = await openDatabase({ databaseUrl: url, dataDir: null, poolSize: 2, migrate: false }, quiet);
  try {
    return { backend: 'postgres', ...(await finishRestore(database.db, before.erased, fromFile)) };
  } finally {
    await database.close();
  }
}

/**
 * The previous folder is renamed aside, not deleted (an operator may want it back); when the
 * backup cannot be opened, the previous folder is put back and the failed one kept beside it.
 */
async function restorePglite(dataDir: string, file: string, options: { replace: boolean }): Promise<RestoreResult> {
  const folder = pgliteFolder(dataDir);
  const unlock = await lockForRecovery(dataDir, 'restore');
  try {
    const fromFile = await journalFileIds(dataDir);
    // A folder with a database in it always holds Kwartier's tables: no need to open it to ask.
    if (holdsPglite(folder) && !options.replace) refuseToReplace(`there is an embedded database in ${folder}`);
    const previous = holdsPglite(folder) ? await setAside(folder) : undefined;
    await rm(folder, { recursive: true, force: true }); // an empty folder, as ensureFolder leaves one
    const tarball = new Blob([await readFile(file)]);
    try {
      const database = await openPgliteFolder(folder, { loadDataDir: tarball });
      try {
        const finished = await finishRestore(database.db, previous?.erased ?? [], fromFile);
        return { backend: 'pglite', ...finished, ...(previous ? { previous: previous.folder } : {}) };
      } finally {
        await database.db.destroy();
      }
    } catch (err) {
      if (previous) {
        await rename(folder, `${folder}.failed-restore-${stamp()}`).catch(() => {});
        await rename(previous.folder, folder);
      }
      throw err;
    }
  } finally {
    await unlock();
  }
}

/** Reads the erasure journal of the database about to be replaced, then renames its folder aside. */
async function setAside(folder: string): Promise<{ folder: string; erased: string[] }> {
  let erased: string[] = [];
  try {
    const old = await openPgliteFolder(folder);
    try {
      erased = await journalledErasures(old.db);
    } finally {
      await old.db.destroy();
    }
  } catch (err) {
    // A database that no longer opens is a reason to restore: its erasures come from the file.
    console.error(`The database being replaced does not open (${(err as Error).message}); its erasures are taken from the journal file alone.`);
  }
  const aside = `${folder}.before-restore-${stamp()}`;
  await rename(folder, aside);
  return { folder: aside, erased };
}

/** A timestamp for folder names, sortable and without colons. */
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * The same for both databases once the backup is in: the schema brought up to this version of
 * Kwartier (the app's erasure code expects it), then the erasures re-applied.
 */
async function finishRestore(db: Kysely<DB>, fromDatabase: string[], fromFile: string[]) {
  const migrated = await migrateToLatest(db);
  const { erasedAgain } = await reapplyErasures(db, [...fromDatabase, ...fromFile]);
  await announceEverythingChanged(db);
  return { tables: (await userTables(db)).length, erasedAgain, journal: { fromDatabase: fromDatabase.length, fromFile: fromFile.length }, migrated };
}

/** A short-lived connection to PostgreSQL at `url`, without migrating it. */
async function withPostgres<T>(url: string, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  const database = await openDatabase({ databaseUrl: url, dataDir: null, poolSize: 1, migrate: false }, quiet);
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}
