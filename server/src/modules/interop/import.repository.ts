import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB, NewAssetRow } from '../../db/types.ts';
import { jsonb } from '../../db/json.ts';

type Db = Kysely<DB> | Transaction<DB>;

// Mappings ----------------------------------------------------------------------------------

export async function listMappings(db: Db) {
  return db.selectFrom('import_mappings').select(['name', 'mapping', 'updated_at']).orderBy('name').execute();
}

export async function findMapping(db: Db, name: string): Promise<unknown> {
  const row = await db.selectFrom('import_mappings').select('mapping').where('name', '=', name).executeTakeFirst();
  return row?.mapping;
}

export async function saveMapping(db: Db, name: string, mapping: unknown, actorId: string | null): Promise<void> {
  await db
    .insertInto('import_mappings')
    .values({ name, mapping: jsonb(mapping), updated_by: actorId })
    .onConflict((oc) => oc.column('name').doUpdateSet({ mapping: jsonb(mapping), updated_by: actorId, updated_at: sql`now()` as never }))
    .execute();
}

// The records of a source ---------------------------------------------------------------------

export type SourceRecordState = { id: string; source_id: string; name: string; status: string; source_hash: string | null };

export async function recordsOfSource(db: Db, source: string): Promise<SourceRecordState[]> {
  return (await db
    .selectFrom('assets')
    .select(['id', 'source_id', 'name', 'status', 'source_hash'])
    .where('source', '=', source)
    .where('source_id', 'is not', null)
    .execute()) as SourceRecordState[];
}

/**
 * Only one import of a source at a time: the second waits for the first to end, and then sees
 * its records. Held until the transaction ends.
 */
export async function lockSource(db: Transaction<DB>, source: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`kwartier-import:${source}`}))`.execute(db);
}

/**
 * New and changed records of a source in one statement. A changed record keeps its status (an
 * entry a moderator archived stays archived) and its owner.
 */
export async function upsertAssetsBySource(db: Transaction<DB>, rows: NewAssetRow[]): Promise<void> {
  if (rows.length === 0) return;
  const updated = [
    'kind', 'category', 'name', 'description', 'social_capital', 'inclusion_features', 'target_groups', 'languages',
    'characteristics', 'schedule', 'contact', 'asks', 'offers', 'address', 'geom',
    'share_contact_with_professionals', 'source_hash',
  ] as const;
  await db
    .insertInto('assets')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['source', 'source_id'])
        .where('source_id', 'is not', null)
        .doUpdateSet((eb) => ({
          ...Object.fromEntries(updated.map((column) => [column, eb.ref(`excluded.${column}`)])),
          // A source never makes an entry less private: a place a moderator coarsened stays so.
          precision: sql`CASE WHEN assets.precision <> 'exact' AND excluded.precision = 'exact' THEN assets.precision ELSE excluded.precision END`,
          updated_at: sql`now()`,
        })),
    )
    .execute();
}

export async function archiveRecords(db: Transaction<DB>, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  // One array parameter, not one per id: a large source has more ids than a statement has parameters.
  const result = await db
    .updateTable('assets')
    .set({ status: 'archived', updated_at: sql`now()` as never })
    .where(sql<boolean>`id = ANY(${sql.val([...ids])}::uuid[])`)
    .where('status', '<>', 'archived')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// Runs ------------------------------------------------------------------------------------------

export async function startRun(
  db: Db,
  run: { mapping: string; source: string; fileName: string | null; rows: number; writes: number; actorId: string | null },
) {
  const { id } = await db
    .insertInto('import_runs')
    .values({ mapping: run.mapping, source: run.source, file_name: run.fileName, rows: run.rows, actor_id: run.actorId, progress_done: 0, progress_total: run.writes })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function finishRun(
  db: Db,
  id: string,
  result: { status: 'committed' | 'failed'; counts?: unknown; archived?: number; report?: unknown; error?: string },
): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({
      status: result.status,
      counts: result.counts === undefined ? null : jsonb(result.counts),
      archived: result.archived ?? 0,
      report: result.report === undefined ? null : jsonb(result.report),
      error: result.error ?? null,
      finished_at: sql`now()` as never,
    })
    .where('id', '=', id)
    .execute();
}

const runLockKey = (id: string) => sql`hashtext(${`kwartier-import-run:${id}`})`;

/**
 * Held by a run's import transaction while it writes; it goes when the transaction ends, however
 * it ends. False when the run is no longer running once the lock is held: a process that started
 * between the run's creation and this lock found the lock free and took the run for abandoned.
 */
export async function lockRun(db: Transaction<DB>, id: string): Promise<boolean> {
  await sql`SELECT pg_advisory_xact_lock(${runLockKey(id)})`.execute(db);
  const row = await db.selectFrom('import_runs').select('status').where('id', '=', id).executeTakeFirst();
  return row?.status === 'running';
}

/**
 * How far a running run is, written outside its transaction (which shows nothing until it ends),
 * so that a poll through any process sees it. A write that arrives after the run ended does nothing.
 */
export async function recordProgress(db: Kysely<DB>, id: string, done: number, total: number): Promise<void> {
  await db.updateTable('import_runs').set({ progress_done: done, progress_total: total }).where('id', '=', id).where('status', '=', 'running').execute();
}

export async function runningRunIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('import_runs').select('id').where('status', '=', 'running').execute()).map((row) => row.id);
}

/**
 * A run still "running" whose lock is free has no transaction behind it any more: its process
 * stopped, and the transaction with it, so it wrote nothing. Marks it so; a run another
 * process is writing holds its lock and is left alone.
 */
export async function failRunIfAbandoned(db: Transaction<DB>, id: string): Promise<boolean> {
  const { rows } = await sql<{ free: boolean }>`SELECT pg_try_advisory_xact_lock(${runLockKey(id)}) AS free`.execute(db);
  if (!rows[0]?.free) return false;
  const result = await db
    .updateTable('import_runs')
    .set({ status: 'failed', error: 'interrupted: the server stopped during the import; nothing was written', finished_at: sql`now()` as never })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

const runColumns = [
  'import_runs.id',
  'import_runs.mapping',
  'import_runs.source',
  'import_runs.file_name',
  'import_runs.status',
  'import_runs.rows',
  'import_runs.counts',
  'import_runs.archived',
  'import_runs.error',
  'import_runs.actor_id',
  'users.display_name as actor_name',
  'import_runs.started_at',
  'import_runs.finished_at',
  'import_runs.progress_done',
  'import_runs.progress_total',
] as const;

export async function listRuns(db: Db, limit: number) {
  return db.selectFrom('import_runs').leftJoin('users', 'users.id', 'import_runs.actor_id').select(runColumns).orderBy('import_runs.started_at', 'desc').limit(limit).execute();
}

export async function findRun(db: Db, id: string) {
  return db
    .selectFrom('import_runs')
    .leftJoin('users', 'users.id', 'import_runs.actor_id')
    .select([...runColumns, 'import_runs.report'])
    .where('import_runs.id', '=', id)
    .executeTakeFirst();
}
