import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { jsonb } from '../../db/json.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * One security event. Ids only: the audit log must never hold an e-mail address, a name, an
 * IP address or anything a person typed.
 */
export type AuditEvent = {
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  actorId?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, string | number | boolean | null>;
};

export async function recordAudit(db: Db, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      action: event.action,
      outcome: event.outcome,
      actor_id: event.actorId ?? null,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      details: jsonb(event.details ?? {}),
    })
    .execute();
}

export async function listAudit(db: Db, filter: { action?: string | undefined }, page: { limit: number; offset: number }) {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.action) query = query.where('action', '=', filter.action);
  return query.orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
}

/** Account deletion: the person's id leaves the log; the events themselves stay. */
export async function forgetActor(db: Db, userId: string): Promise<void> {
  await db.updateTable('audit_log').set({ target_id: null }).where('target_type', '=', 'user').where('target_id', '=', userId).execute();
}
