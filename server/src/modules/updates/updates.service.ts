import type { Kysely } from 'kysely';
import {
  type Announcement,
  type AnnouncementCreate,
  type AnnouncementUpdate,
  type AreaUpdates,
  type Follow,
  type UpdateEntry,
  AGENDA_STATUSES,
  CATEGORIES,
  can,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import type { Viewer } from '../../plugins/auth.ts';
import { findAssetById } from '../assets/assets.repository.ts';
import { assetRecordToAsset } from '../assets/assets.service.ts';
import * as repository from './updates.repository.ts';

const SUMMARY_LENGTH = 400;

/** A summary: the text cut at a word near `length`. */
function shorten(text: string, length = SUMMARY_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const cut = flat.slice(0, length);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), length - 40)).trimEnd()}…`;
}

function mayEdit(row: repository.AnnouncementRow, viewer: Viewer | null): boolean {
  return viewer !== null && (row.created_by === viewer.id || can(viewer.roles, 'moderate'));
}

function contactOf(row: repository.AnnouncementRow): Announcement['contact'] {
  // Only a contact whose publication was chosen is ever stored; this is the second lock.
  if (!row.publish_contact || row.contact_name === null) return null;
  return {
    name: row.contact_name,
    ...(row.contact_phone ? { phone: row.contact_phone } : {}),
    ...(row.contact_email ? { email: row.contact_email } : {}),
  };
}

function rowToAnnouncement(row: repository.AnnouncementRow, viewer: Viewer | null): Announcement {
  return {
    id: row.id,
    areaCode: row.area_code,
    areaName: row.area_name,
    title: row.title,
    body: row.body,
    contact: contactOf(row),
    publishContact: row.publish_contact,
    status: row.status as Announcement['status'],
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    editable: mayEdit(row, viewer),
  };
}

/**
 * New when it appeared after `since`, or, with no `since`, when it has not changed since it
 * appeared: publishing (an approval) and storing set both times in one transaction, to the same now().
 */
function changeOf(published: Date, updated: Date, since: Date | null): UpdateEntry['change'] {
  if (since) return published > since ? 'new' : 'updated';
  return updated.getTime() <= published.getTime() ? 'new' : 'updated';
}

const categoryLabel = (code: string) => CATEGORIES.find((category) => category.code === code)?.label.nl ?? code;
const agendaStatusLabel = (code: string) => AGENDA_STATUSES.find((status) => status.code === code)?.label.nl ?? code;

/**
 * The changes of an area as anyone may see them, newest first: published assets (through the
 * public mapper, and then only their name, kind, description and area: never a place or a
 * contact), agenda items, and announcements with the contact their authors chose to publish.
 */
export async function changesOf(db: Kysely<DB>, code: string, since: Date | null, limit: number, viewer: Viewer | null): Promise<UpdateEntry[]> {
  // Times leave in milliseconds, PostgreSQL keeps microseconds: "after since" is from the next
  // millisecond, so that the newest time a client was shown, sent back, does not show it again.
  const from = since ? new Date(since.getTime() + 1) : null;
  const [assetRows, agendaRows, announcementRows] = await Promise.all([
    repository.changedAssets(db, code, from, limit),
    repository.changedAgendaItems(db, code, from, limit),
    repository.changedAnnouncements(db, code, from, limit),
  ]);
  const entries: UpdateEntry[] = [];
  for (const row of assetRows) {
    const record = await findAssetById(db, row.id);
    if (!record || record.status !== 'published') continue;
    const asset = assetRecordToAsset(record, null);
    const area = asset.buurt ?? asset.wijk ?? asset.gemeente;
    entries.push({
      id: `urn:uuid:${asset.id}`,
      type: 'asset',
      subjectId: asset.id,
      change: changeOf(row.published_at, row.updated_at, since),
      title: asset.name,
      summary: shorten(`${categoryLabel(asset.category)}${asset.description ? `. ${asset.description}` : ''}`),
      link: `/?asset=${asset.id}`,
      area: area ? { code: area.code, name: area.name } : null,
      assetKind: asset.kind,
      assetCategory: asset.category,
      contact: null,
      editable: false,
      published: row.published_at.toISOString(),
      updated: row.updated_at.toISOString(),
    });
  }
  for (const row of agendaRows) {
    entries.push({
      id: `urn:uuid:${row.id}`,
      type: 'agenda',
      subjectId: row.id,
      change: changeOf(row.created_at, row.updated_at, since),
      title: row.title,
      summary: shorten(`${agendaStatusLabel(row.status)}${row.description ? `. ${row.description}` : ''}`),
      link: `/?page=agenda&area=${row.area_code}`,
      area: { code: row.area_code, name: row.area_name ?? row.area_code },
      assetKind: null,
      assetCategory: null,
      contact: null,
      editable: false,
      published: row.created_at.toISOString(),
      updated: row.updated_at.toISOString(),
    });
  }
  for (const row of announcementRows) {
    entries.push({
      id: `urn:uuid:${row.id}`,
      type: 'announcement',
      subjectId: row.id,
      change: changeOf(row.created_at, row.updated_at, since),
      title: row.title,
      summary: row.body,
      link: `/?page=updates&area=${row.area_code}#announcement-${row.id}`,
      area: { code: row.area_code, name: row.area_name ?? row.area_code },
      assetKind: null,
      assetCategory: null,
      contact: contactOf(row),
      editable: mayEdit(row, viewer),
      published: row.created_at.toISOString(),
      updated: row.updated_at.toISOString(),
    });
  }
  return entries
    .sort((a, b) => (a.updated === b.updated ? a.id.localeCompare(b.id) : a.updated < b.updated ? 1 : -1))
    .slice(0, limit);
}

export async function areaOrNotFound(db: Kysely<DB>, code: string): Promise<repository.AreaLabelRow> {
  const area = await repository.findAreaLabel(db, code);
  if (!area) throw notFound('Area');
  return area;
}

export async function areaUpdates(db: Kysely<DB>, code: string, query: { since?: string | undefined; limit: number }, viewer: Viewer | null): Promise<AreaUpdates> {
  const area = await areaOrNotFound(db, code);
  const since = query.since ? new Date(query.since) : null;
  return {
    area,
    since: since?.toISOString() ?? null,
    feed: `/feeds/${area.code}.atom`,
    items: await changesOf(db, area.code, since, query.limit, viewer),
  };
}

// Announcements ---------------------------------------------------------------------------------

export async function createAnnouncement(db: Kysely<DB>, viewer: Viewer, input: AnnouncementCreate): Promise<Announcement> {
  if (!(await repository.findAreaLabel(db, input.areaCode))) throw invalid([{ field: 'body.areaCode', message: 'no such area' }]);
  const id = await repository.insertAnnouncement(db, input.areaCode, input, viewer.id);
  return rowToAnnouncement((await repository.findAnnouncement(db, id))!, viewer);
}

/** Its author changes or withdraws an announcement, or a moderator does. */
async function editableAnnouncement(db: Kysely<DB>, viewer: Viewer, id: string): Promise<repository.AnnouncementRow> {
  const row = await repository.findAnnouncement(db, id);
  if (!row || row.status !== 'published') throw notFound('Announcement');
  if (!mayEdit(row, viewer)) throw new AppError('FORBIDDEN', 403, 'Only its author or a moderator may change this announcement');
  return row;
}

export async function updateAnnouncement(db: Kysely<DB>, viewer: Viewer, id: string, patch: AnnouncementUpdate): Promise<Announcement> {
  await editableAnnouncement(db, viewer, id);
  if (!(await repository.updateAnnouncement(db, id, patch, viewer.id))) throw notFound('Announcement');
  return rowToAnnouncement((await repository.findAnnouncement(db, id))!, viewer);
}

export async function withdrawAnnouncement(db: Kysely<DB>, viewer: Viewer, id: string): Promise<Announcement> {
  await editableAnnouncement(db, viewer, id);
  if (!(await repository.withdrawAnnouncement(db, id, viewer.id))) throw notFound('Announcement');
  return rowToAnnouncement((await repository.findAnnouncement(db, id))!, viewer);
}

// Follows ---------------------------------------------------------------------------------------

function rowToFollow(row: repository.FollowRow): Follow {
  return { areaCode: row.area_code, areaName: row.area_name, level: row.level, createdAt: row.created_at.toISOString() };
}

export async function follows(db: Kysely<DB>, viewer: Viewer): Promise<Follow[]> {
  return (await repository.followsOf(db, viewer.id)).map(rowToFollow);
}

export async function follow(db: Kysely<DB>, viewer: Viewer, code: string): Promise<Follow> {
  await areaOrNotFound(db, code);
  await repository.insertFollow(db, viewer.id, code);
  return (await follows(db, viewer)).find((candidate) => candidate.areaCode === code)!;
}

export async function unfollow(db: Kysely<DB>, viewer: Viewer, code: string): Promise<void> {
  await repository.deleteFollow(db, viewer.id, code);
}

/** What the updates module holds about a person, for their data export. */
export async function personalData(db: Kysely<DB>, userId: string) {
  const viewer = { id: userId, roles: [] };
  return {
    follows: (await repository.followsOf(db, userId)).map(rowToFollow),
    digest: (await repository.digestStateOf(db, userId)) ?? null,
    announcements: (await repository.announcementsBy(db, userId)).map((row) => rowToAnnouncement(row, viewer)),
  };
}
