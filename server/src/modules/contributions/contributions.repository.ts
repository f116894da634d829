import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { jsonb } from '../../db/json.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

// Versions ------------------------------------------------------------------------------------

/**
 * Adds the next version of an entry. The caller holds the entry's row lock, so versions are
 * numbered without gaps or races; the primary key would refuse a duplicate anyway.
 */
export async function insertVersion(
  db: Db,
  version: { assetId: string; action: string; actorId: string | null; changes: FieldChanges; message?: string | null },
): Promise<void> {
  await db
    .insertInto('asset_versions')
    .columns(['asset_id', 'version', 'action', 'actor_id', 'changes', 'message'])
    .expression(
      db
        .selectFrom('asset_versions')
        .select([
          sql<string>`${version.assetId}::uuid`.as('asset_id'),
          sql<number>`coalesce(max(version), 0) + 1`.as('version'),
          sql<string>`${version.action}`.as('action'),
          sql<string | null>`${version.actorId}::uuid`.as('actor_id'),
          jsonb(version.changes).as('changes'),
          sql<string | null>`${version.message ?? null}::text`.as('message'),
        ])
        .where('asset_id', '=', version.assetId),
    )
    .execute();
}

export async function listVersions(db: Db, assetId: string) {
  return db
    .selectFrom('asset_versions')
    .leftJoin('users', 'users.id', 'asset_versions.actor_id')
    .select([
      'asset_versions.version',
      'asset_versions.action',
      'asset_versions.actor_id',
      'users.display_name as actor_name',
      'asset_versions.changes',
      'asset_versions.message',
      'asset_versions.created_at',
    ])
    .where('asset_versions.asset_id', '=', assetId)
    .orderBy('asset_versions.version')
    .execute();
}

// Reports -------------------------------------------------------------------------------------

/** Records a report unless this reporter has an open one on the entry; true when recorded. */
export async function insertReport(
  db: Db,
  report: { assetId: string; reporterId: string | null; reporterKey: string; networkKey: string; reason: string; message: string | null },
): Promise<boolean> {
  const result = await db
    .insertInto('asset_reports')
    .values({
      asset_id: report.assetId,
      reporter_id: report.reporterId,
      reporter_key: report.reporterKey,
      network_key: report.networkKey,
      reason: report.reason,
      message: report.message,
    })
    .onConflict((oc) => oc.columns(['asset_id', 'reporter_key']).where('resolved_at', 'is', null).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * How many different people have an open report on an entry: different reporters from
 * different networks. Two accounts on one connection, or one person signed in and out, count
 * once.
 */
export async function countOpenReporters(db: Db, assetId: string): Promise<number> {
  const row = await db
    .selectFrom('asset_reports')
    .select([
      sql<number>`count(DISTINCT reporter_key)`.as('reporters'),
      sql<number>`count(DISTINCT network_key)`.as('networks'),
    ])
    .where('asset_id', '=', assetId)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Math.min(Number(row.reporters), Number(row.networks));
}

export async function openReports(db: Db, assetId: string) {
  return db
    .selectFrom('asset_reports')
    .select(['id', 'reason', 'message', 'created_at'])
    .where('asset_id', '=', assetId)
    .where('resolved_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

/** A moderator has looked: the open reports are closed, whatever the decision. */
export async function resolveReports(db: Db, assetId: string): Promise<void> {
  await db.updateTable('asset_reports').set({ resolved_at: sql`now()` as never }).where('asset_id', '=', assetId).where('resolved_at', 'is', null).execute();
}

export async function reportsBy(db: Db, reporterId: string) {
  return db
    .selectFrom('asset_reports')
    .select(['asset_id', 'reason', 'message', 'created_at', 'resolved_at'])
    .where('reporter_id', '=', reporterId)
    .execute();
}

/** Account deletion: reports stay (they count), but no longer say who made them. */
export async function anonymiseReportsBy(db: Db, reporterId: string): Promise<void> {
  await db
    .updateTable('asset_reports')
    .set({
      reporter_id: null,
      reporter_key: sql`'deleted:' || gen_random_uuid()` as never,
      network_key: sql`'deleted:' || gen_random_uuid()` as never,
      message: null,
    })
    .where('reporter_id', '=', reporterId)
    .execute();
}

// Contact requests ----------------------------------------------------------------------------

export async function insertContactRequest(db: Db, request: { assetId: string; requesterId: string; message: string }): Promise<string> {
  const row = await db
    .insertInto('contact_requests')
    .values({ asset_id: request.assetId, requester_id: request.requesterId, message: request.message })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A contact request with what both sides may need: the entry, its owner and the requester. */
function selectContactRequest(db: Db) {
  return db
    .selectFrom('contact_requests')
    .innerJoin('assets', 'assets.id', 'contact_requests.asset_id')
    .innerJoin('users as requester', 'requester.id', 'contact_requests.requester_id')
    .leftJoin('users as owner', 'owner.id', 'assets.owner_id')
    .select([
      'contact_requests.id',
      'contact_requests.asset_id',
      'assets.name as asset_name',
      'assets.owner_id',
      'contact_requests.requester_id',
      'contact_requests.message',
      'contact_requests.status',
      'contact_requests.created_at',
      'contact_requests.decided_at',
      'requester.display_name as requester_name',
      'requester.email as requester_email',
      'owner.display_name as owner_name',
      'owner.email as owner_email',
    ]);
}
export type ContactRequestRecord = Awaited<ReturnType<typeof findContactRequest>> & object;

export async function findContactRequest(db: Db, id: string, lock = false) {
  if (lock) await db.selectFrom('contact_requests').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return selectContactRequest(db).where('contact_requests.id', '=', id).executeTakeFirst();
}

export async function contactRequestsOf(db: Db, userId: string) {
  return selectContactRequest(db)
    .where((eb) => eb.or([eb('contact_requests.requester_id', '=', userId), eb('assets.owner_id', '=', userId)]))
    .orderBy('contact_requests.created_at', 'desc')
    .execute();
}

export async function setContactRequestStatus(db: Db, id: string, status: 'accepted' | 'declined' | 'withdrawn'): Promise<void> {
  await db.updateTable('contact_requests').set({ status, decided_at: sql`now()` as never }).where('id', '=', id).execute();
}
