import { createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import {
  type AssetCreate,
  type AssetStatus,
  type AssetUpdate,
  type AssetVersion,
  type ContactRequest,
  type ManagedAsset,
  type ModerationDecision,
  type ModerationQueueQuery,
  MODERATION_DECISIONS,
  CONSENT_TEXTS,
  type ConsentPurpose,
  QUEUE_STATUSES,
  REPORTS_TO_HIDE,
  type VersionAction,
  can,
  categoryFitsKind,
  talentIsNotExact,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { newToken } from '../../lib/tokens.ts';
import { clientNetwork } from '../../lib/network.ts';
import type { Viewer } from '../../plugins/auth.ts';
import * as assets from '../assets/assets.repository.ts';
import type { ManagedAssetRecord } from '../assets/assets.repository.ts';
import { API_PROVENANCE, assetFieldsToRow, assetUpdateToRow, managedRecordToAsset } from '../assets/assets.service.ts';
import { appSecret, insertConsent } from '../accounts/accounts.repository.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import * as repository from './contributions.repository.ts';
import type { FieldChanges } from './contributions.repository.ts';

/**
 * Submitting, editing and moderating entries, their history, reports and contact requests.
 * Every write is one transaction that locks the entry, changes it, and records a version.
 */

/** The consent a person gave must be to the wording shown now; an old form must be reloaded. */
function checkConsent(purpose: ConsentPurpose, version: string): void {
  const current = CONSENT_TEXTS[purpose].version;
  if (version !== current) {
    throw invalid([{ field: 'body.consent.version', message: `the wording you agreed to has changed (now version ${current}); read it again` }]);
  }
}

/** The editable fields of a stored entry, named as the API names them, for the history. */
function editableFields(record: ManagedAssetRecord): Record<string, unknown> {
  const managed = managedRecordToAsset(record);
  return {
    kind: managed.kind,
    category: managed.category,
    name: managed.name,
    description: managed.description,
    socialCapital: managed.socialCapital,
    inclusionFeatures: managed.inclusionFeatures,
    targetGroups: managed.targetGroups,
    languages: managed.languages,
    characteristics: managed.characteristics,
    schedule: managed.schedule,
    contact: managed.contact,
    asks: managed.asks,
    offers: managed.offers,
    location: managed.exactLocation,
    precision: managed.precision,
    address: managed.address,
    shareContactWithProfessionals: managed.shareContactWithProfessionals,
    // Matching's fields: absent on entries that never had them, compared as empty.
    skills: managed.skills ?? [],
    availability: managed.availability ?? [],
    needsInclusion: managed.needsInclusion ?? [],
  };
}

/** Each field of `next` whose value differs from `before`, with both values. */
function fieldChanges(before: Record<string, unknown>, next: Record<string, unknown>): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, to] of Object.entries(next)) {
    if (to === undefined) continue;
    const from = before[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}

async function loadManaged(db: Kysely<DB> | Transaction<DB>, id: string): Promise<ManagedAsset> {
  const record = await assets.findManagedAssetById(db, id);
  if (!record) throw notFound('Asset');
  return managedRecordToAsset(record);
}

const isOwner = (record: { owner_id: string | null }, viewer: Viewer) => record.owner_id !== null && record.owner_id === viewer.id;

/**
 * The author and moderators may manage an entry. Anyone else is told it does not exist,
 * unless it is public anyway, where "not yours" is the honest answer.
 */
function checkMayManage(record: ManagedAssetRecord, viewer: Viewer): void {
  if (isOwner(record, viewer) || can(viewer.roles, 'moderate')) return;
  if (record.status === 'published') throw new AppError('FORBIDDEN', 403, 'Only its author and moderators may change this entry');
  throw notFound('Asset');
}

// Submitting and editing ----------------------------------------------------------------------

/** A new entry: pending until a moderator approves it, owned by whoever submitted it. */
export async function submitAsset(db: Kysely<DB>, viewer: Viewer, input: AssetCreate): Promise<ManagedAsset> {
  checkConsent('publish', input.consent.version);
  const { consent, ...fields } = input;
  return db.transaction().execute(async (trx) => {
    const id = await assets.insertAsset(trx, assetFieldsToRow(fields, { status: 'pending', ownerId: viewer.id, provenance: API_PROVENANCE }));
    const created = await assets.findManagedAssetById(trx, id);
    if (!created) throw notFound('Asset');
    await repository.insertVersion(trx, {
      assetId: id,
      action: 'submitted',
      actorId: viewer.id,
      changes: fieldChanges({}, { ...editableFields(created), status: 'pending' }),
    });
    await insertConsent(trx, { userId: viewer.id, purpose: 'publish', version: consent.version, subjectId: id });
    return managedRecordToAsset(created);
  });
}

/** The status an author's edit leads to: a change to what the public sees is reviewed again. */
function statusAfterAuthorEdit(status: string): { status: AssetStatus; action: VersionAction } {
  if (status === 'pending' || status === 'draft') return { status: status as AssetStatus, action: 'edited' };
  return { status: 'pending', action: 'resubmitted' };
}

export async function editAsset(db: Kysely<DB>, viewer: Viewer, id: string, input: AssetUpdate): Promise<ManagedAsset> {
  const { consent, ...patch } = input;
  return db.transaction().execute(async (trx) => {
    const current = await assets.findManagedAssetForUpdate(trx, id);
    if (!current) throw notFound('Asset');
    checkMayManage(current, viewer);

    const merged = {
      kind: patch.kind ?? current.kind,
      category: patch.category ?? current.category,
      precision: patch.precision ?? current.precision,
    };
    const problems = [];
    if (!categoryFitsKind(merged)) {
      problems.push({ field: 'body.category', message: `category ${merged.category} does not belong to kind ${merged.kind}` });
    }
    if (current.kind === 'talent' && merged.kind !== 'talent') {
      // A talent was given, with its home and contact details, on the promise that they stay
      // private; turning it into another kind would publish them.
      problems.push({ field: 'body.kind', message: 'a talent stays a talent; add the initiative as a new entry instead' });
    }
    if (!talentIsNotExact(merged)) {
      problems.push({ field: 'body.precision', message: "a talent's location is shown at street or buurt precision, never exact" });
    }
    if (problems.length > 0) throw invalid(problems);

    const byModerator = can(viewer.roles, 'moderate');
    const byOwner = isOwner(current, viewer);
    if (!byModerator && (current.status === 'rejected' || current.status === 'archived')) {
      // A moderator's "no" is not undone by an edit: it would put the entry back in the queue.
      throw new AppError('CONFLICT', 409, `This entry is ${current.status}; it can no longer be changed. Add it again as a new entry.`);
    }
    if (patch.shareContactWithProfessionals === true && !current.share_contact_with_professionals) {
      // Sharing someone's contact details is theirs to decide, with their consent recorded.
      if (!byOwner) {
        throw invalid([{ field: 'body.shareContactWithProfessionals', message: 'only the author can choose to share their contact details' }]);
      }
      if (!consent) throw invalid([{ field: 'body.consent', message: 'required when sharing contact details with professionals' }]);
      checkConsent('publish', consent.version);
      await insertConsent(trx, { userId: viewer.id, purpose: 'publish', version: consent.version, subjectId: id });
    }

    const changes = fieldChanges(editableFields(current), patch);
    if (Object.keys(changes).length === 0) return managedRecordToAsset(current);

    // A moderator's edit is trusted as it is; an author's edit of what the public sees goes
    // back to the queue, so that nothing reaches the map unreviewed.
    const next = byModerator ? { status: current.status as AssetStatus, action: 'edited' as const } : statusAfterAuthorEdit(current.status);
    if (next.status !== current.status) changes.status = { from: current.status, to: next.status };
    await assets.updateAsset(
      trx,
      id,
      { ...assetUpdateToRow(patch), status: next.status, ...(byModerator ? {} : { moderation_message: null }) },
      { byPerson: true },
    );
    await repository.insertVersion(trx, { assetId: id, action: next.action, actorId: viewer.id, changes });
    if (byModerator && !byOwner) {
      await recordAudit(trx, { action: 'moderation.edit', outcome: 'success', actorId: viewer.id, targetType: 'asset', targetId: id });
    }
    return loadManaged(trx, id);
  });
}

/** The author takes an entry off the map; it is kept (archived) with its history. */
export async function withdrawAsset(db: Kysely<DB>, viewer: Viewer, id: string): Promise<ManagedAsset> {
  return db.transaction().execute(async (trx) => {
    const current = await assets.findManagedAssetForUpdate(trx, id);
    if (!current) throw notFound('Asset');
    if (!isOwner(current, viewer)) {
      checkMayManage(current, viewer);
      throw new AppError('FORBIDDEN', 403, 'Only its author can withdraw an entry; moderators archive it');
    }
    if (current.status === 'archived') return managedRecordToAsset(current);
    await assets.updateAsset(trx, id, { status: 'archived' });
    await repository.insertVersion(trx, {
      assetId: id,
      action: 'withdrawn',
      actorId: viewer.id,
      changes: { status: { from: current.status, to: 'archived' } },
    });
    return loadManaged(trx, id);
  });
}

export async function getManagedAsset(db: Kysely<DB>, viewer: Viewer, id: string): Promise<ManagedAsset> {
  const record = await assets.findManagedAssetById(db, id);
  if (!record) throw notFound('Asset');
  if (!isOwner(record, viewer) && !can(viewer.roles, 'moderate')) throw notFound('Asset');
  return managedRecordToAsset(record);
}

export async function myAssets(db: Kysely<DB>, viewer: Viewer, page: { limit: number; offset: number }) {
  const { rows, total } = await assets.listManagedAssets(db, { ownerId: viewer.id }, page);
  return { items: rows.map(managedRecordToAsset), total };
}

export async function versionsOf(db: Kysely<DB>, viewer: Viewer, id: string): Promise<AssetVersion[]> {
  await getManagedAsset(db, viewer, id);
  const rows = await repository.listVersions(db, id);
  return rows.map((row) => ({
    version: row.version,
    action: row.action as VersionAction,
    actorId: row.actor_id,
    actorName: row.actor_name,
    changes: row.changes,
    message: row.message,
    at: row.created_at.toISOString(),
  }));
}

// Moderation ----------------------------------------------------------------------------------

export async function moderate(
  db: Kysely<DB>,
  moderator: Viewer,
  id: string,
  decision: ModerationDecision,
  message: string | null,
): Promise<ManagedAsset> {
  return db.transaction().execute(async (trx) => {
    const current = await assets.findManagedAssetForUpdate(trx, id);
    if (!current) throw notFound('Asset');
    const rule = MODERATION_DECISIONS[decision];
    if (!(rule.from as readonly string[]).includes(current.status)) {
      throw new AppError('CONFLICT', 409, `This entry is ${current.status}; it cannot be given "${decision}" now`);
    }
    await assets.updateAsset(trx, id, { status: rule.to, moderation_message: message });
    // Whatever the decision, a moderator has looked: the reports that led here are dealt with.
    await repository.resolveReports(trx, id);
    await repository.insertVersion(trx, {
      assetId: id,
      action: rule.action,
      actorId: moderator.id,
      changes: { status: { from: current.status, to: rule.to } },
      message,
    });
    await recordAudit(trx, { action: `moderation.${decision}`, outcome: 'success', actorId: moderator.id, targetType: 'asset', targetId: id });
    return loadManaged(trx, id);
  });
}

export async function moderationQueue(db: Kysely<DB>, query: ModerationQueueQuery) {
  const { limit, offset, status, ...filter } = query;
  const { rows, total } = await assets.listManagedAssets(
    db,
    { ...filter, status: status ?? [...QUEUE_STATUSES] } as assets.ManagedFilter,
    { limit, offset },
  );
  return { items: rows.map(managedRecordToAsset), total };
}

// Reports -------------------------------------------------------------------------------------

/**
 * Who reported, as keys that count each person and each network once without saying who or
 * where they are: keyed hashes (the app's own secret) of the account id, or else of the
 * network, and of the network always.
 */
async function reporterKeys(db: Kysely<DB> | Transaction<DB>, viewer: Viewer | null, address: string) {
  const secret = await appSecret(db, 'reporter-key', newToken);
  const hash = (text: string) => createHmac('sha256', secret).update(text).digest('hex');
  const network = `network:${clientNetwork(address)}`;
  return { reporterKey: hash(viewer ? `user:${viewer.id}` : network), networkKey: hash(network) };
}

/**
 * Anyone may report a published entry. Reports from three different people, on three
 * different networks, take it off the map (status hidden) until a moderator has looked.
 */
export async function reportAsset(
  db: Kysely<DB>,
  reporter: { viewer: Viewer | null; address: string },
  id: string,
  report: { reason: string; message?: string | undefined },
): Promise<{ counted: boolean }> {
  const keys = await reporterKeys(db, reporter.viewer, reporter.address);
  return db.transaction().execute(async (trx) => {
    const current = await assets.findManagedAssetForUpdate(trx, id);
    if (!current || current.status !== 'published') throw notFound('Asset');
    const counted = await repository.insertReport(trx, {
      assetId: id,
      reporterId: reporter.viewer?.id ?? null,
      ...keys,
      reason: report.reason,
      message: report.message ?? null,
    });
    if (counted && (await repository.countOpenReporters(trx, id)) >= REPORTS_TO_HIDE) {
      await assets.updateAsset(trx, id, { status: 'hidden' });
      await repository.insertVersion(trx, {
        assetId: id,
        action: 'hidden_after_reports',
        actorId: null,
        changes: { status: { from: 'published', to: 'hidden' } },
      });
      await recordAudit(trx, { action: 'moderation.hidden_after_reports', outcome: 'success', targetType: 'asset', targetId: id });
    }
    return { counted };
  });
}

export async function reportsOf(db: Kysely<DB>, id: string) {
  const rows = await repository.openReports(db, id);
  return rows.map((row) => ({ id: row.id, reason: row.reason, message: row.message, createdAt: row.created_at.toISOString() }));
}

// Contact requests ----------------------------------------------------------------------------

function contactRequestFor(row: NonNullable<Awaited<ReturnType<typeof repository.findContactRequest>>>, viewer: Viewer): ContactRequest {
  const incoming = row.owner_id === viewer.id;
  const accepted = row.status === 'accepted';
  const counterpart = incoming
    ? { displayName: row.requester_name, email: row.requester_email }
    : row.owner_name !== null && row.owner_email !== null
      ? { displayName: row.owner_name, email: row.owner_email }
      : null;
  return {
    id: row.id,
    assetId: row.asset_id,
    assetName: row.asset_name,
    direction: incoming ? 'incoming' : 'outgoing',
    status: row.status as ContactRequest['status'],
    message: row.message,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
    // Only once both sides agreed does either see who the other is and how to reach them.
    counterpart: accepted ? counterpart : null,
  };
}

/**
 * A request to get in touch with the person behind a published entry (a talent, or a
 * resident's initiative). Their e-mail address is never shown; they decide.
 */
export async function requestContact(
  db: Kysely<DB>,
  viewer: Viewer,
  assetId: string,
  input: { message: string; consent: { version: string } },
): Promise<ContactRequest> {
  checkConsent('shareContact', input.consent.version);
  return db.transaction().execute(async (trx) => {
    const asset = await assets.findAssetById(trx, assetId);
    if (!asset || asset.status !== 'published' || asset.owner_id === null) throw notFound('Asset');
    if (asset.owner_id === viewer.id) throw invalid([{ field: 'params.id', message: 'this is your own entry' }]);
    const id = await repository.insertContactRequest(trx, { assetId, requesterId: viewer.id, message: input.message });
    await insertConsent(trx, { userId: viewer.id, purpose: 'shareContact', version: input.consent.version, subjectId: id });
    const row = await repository.findContactRequest(trx, id);
    if (!row) throw notFound('Contact request');
    return contactRequestFor(row, viewer);
  });
}

export async function contactRequestsOf(db: Kysely<DB>, viewer: Viewer): Promise<ContactRequest[]> {
  return (await repository.contactRequestsOf(db, viewer.id)).map((row) => contactRequestFor(row, viewer));
}

export type ContactDecision = 'accept' | 'decline' | 'withdraw';

/**
 * The person asked accepts (with their consent to share) or declines; either side may
 * withdraw later, which hides the contact details again.
 */
export async function decideContactRequest(
  db: Kysely<DB>,
  viewer: Viewer,
  id: string,
  decision: ContactDecision,
  consent?: { version: string },
): Promise<ContactRequest> {
  return db.transaction().execute(async (trx) => {
    const row = await repository.findContactRequest(trx, id, true);
    const isAsked = row?.owner_id === viewer.id;
    const isAsker = row?.requester_id === viewer.id;
    if (!row || (!isAsked && !isAsker)) throw notFound('Contact request');
    if (decision === 'withdraw') {
      if (row.status !== 'pending' && row.status !== 'accepted') {
        throw new AppError('CONFLICT', 409, `This request is ${row.status} already`);
      }
      await repository.setContactRequestStatus(trx, id, 'withdrawn');
    } else {
      if (!isAsked) throw new AppError('FORBIDDEN', 403, 'Only the person asked can accept or decline');
      if (row.status !== 'pending') throw new AppError('CONFLICT', 409, `This request is ${row.status} already`);
      if (decision === 'accept') {
        if (!consent) throw invalid([{ field: 'body.consent', message: 'required' }]);
        checkConsent('shareContact', consent.version);
        await insertConsent(trx, { userId: viewer.id, purpose: 'shareContact', version: consent.version, subjectId: id });
      }
      await repository.setContactRequestStatus(trx, id, decision === 'accept' ? 'accepted' : 'declined');
    }
    const updated = await repository.findContactRequest(trx, id);
    if (!updated) throw notFound('Contact request');
    return contactRequestFor(updated, viewer);
  });
}
