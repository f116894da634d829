import { type Expression, type Kysely, type SqlBool, type Transaction, sql } from 'kysely';
import type { DB } from '../../db/types.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type AreaLabelRow = { code: string; name: string; level: 'gemeente' | 'wijk' | 'buurt' };

/** An area's name and level, of the newest year it is known in; no geometry. */
export async function findAreaLabel(db: Db, code: string): Promise<AreaLabelRow | undefined> {
  return db.selectFrom('areas').select(['code', 'name', 'level']).where('code', '=', code).orderBy('year', 'desc').limit(1).executeTakeFirst();
}

/**
 * CBS codes nest (GM0546 holds WK0546.. and BU0546..; WK054601 holds BU054601..), so a code
 * says what lies inside it: the same rule as the wijkagenda's.
 */
function inside(column: Expression<string>, code: string): Expression<SqlBool> {
  const digits = code.slice(2);
  if (code.startsWith('GM')) return sql<SqlBool>`(${column} <> ${code} AND substr(${column}, 3, 4) = ${digits})`;
  if (code.startsWith('WK')) return sql<SqlBool>`${column} LIKE ${`BU${digits}%`}`;
  return sql<SqlBool>`false`;
}

/** The wijk and gemeente a code lies in: BU05460100 is in WK054601 and GM0546. */
export function enclosingCodes(code: string): string[] {
  const digits = code.slice(2);
  if (code.startsWith('BU')) return [`WK${digits.slice(0, 6)}`, `GM${digits.slice(0, 4)}`];
  if (code.startsWith('WK')) return [`GM${digits.slice(0, 4)}`];
  return [];
}

// Assets ----------------------------------------------------------------------------------------

export type ChangedAssetRow = { id: string; published_at: Date; updated_at: Date };

/**
 * Published assets shown in an area (by their public place, as every public list does) that
 * changed after `since`, newest first. An asset counts as published from its first approval;
 * an entry that never went through moderation (an import) from when it was stored.
 *
 * A talent is a person: it appears once, when it is first published, and never as "updated".
 * Its later changes (often private ones: when the person is available, what they need) would
 * otherwise tell every follower that this person changed something, and when.
 */
export async function changedAssets(db: Db, code: string, from: Date | null, limit: number): Promise<ChangedAssetRow[]> {
  const inArea = db
    .selectFrom('assets')
    .select((eb) => {
      const publishedAt = sql<Date>`coalesce(${eb
        .selectFrom('asset_versions')
        .select((vb) => vb.fn.min('asset_versions.created_at').as('first'))
        .whereRef('asset_versions.asset_id', '=', 'assets.id')
        .where('asset_versions.action', '=', 'approved')}, assets.created_at)`;
      return [
        'assets.id',
        publishedAt.as('published_at'),
        sql<Date>`CASE WHEN assets.kind = 'talent' THEN ${publishedAt} ELSE assets.updated_at END`.as('updated_at'),
      ];
    })
    .where('assets.status', '=', 'published')
    .where((eb) => eb.or([eb('assets.buurt_code', '=', code), eb('assets.wijk_code', '=', code), eb('assets.gemeente_code', '=', code)]));
  let query = db.selectFrom(inArea.as('changed')).selectAll();
  if (from) query = query.where('changed.updated_at', '>=', from);
  return query.orderBy('changed.updated_at', 'desc').orderBy('changed.id').limit(limit).execute();
}

// Agenda items ----------------------------------------------------------------------------------

export type ChangedAgendaRow = {
  id: string;
  area_code: string;
  area_name: string | null;
  title: string;
  description: string;
  status: string;
  created_at: Date;
  updated_at: Date;
};

/** Agenda items of an area and the areas in it that changed after `since`, newest first. */
export async function changedAgendaItems(db: Db, code: string, from: Date | null, limit: number): Promise<ChangedAgendaRow[]> {
  let query = db
    .selectFrom('agenda_items')
    .select((eb) => [
      'agenda_items.id',
      'agenda_items.area_code',
      eb.selectFrom('areas').select('areas.name').whereRef('areas.code', '=', 'agenda_items.area_code').orderBy('areas.year', 'desc').limit(1).as('area_name'),
      'agenda_items.title',
      'agenda_items.description',
      'agenda_items.status',
      'agenda_items.created_at',
      'agenda_items.updated_at',
    ])
    .where((eb) => eb.or([eb('agenda_items.area_code', '=', code), inside(sql.ref('agenda_items.area_code'), code)]));
  if (from) query = query.where('agenda_items.updated_at', '>=', from);
  return query.orderBy('agenda_items.updated_at', 'desc').orderBy('agenda_items.id').limit(limit).execute();
}

// Announcements ---------------------------------------------------------------------------------

export type AnnouncementRow = {
  id: string;
  area_code: string;
  area_name: string | null;
  title: string;
  body: string;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  publish_contact: boolean;
  status: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
};

function selectAnnouncements(db: Db) {
  return db.selectFrom('announcements').select((eb) => [
    'announcements.id',
    'announcements.area_code',
    eb.selectFrom('areas').select('areas.name').whereRef('areas.code', '=', 'announcements.area_code').orderBy('areas.year', 'desc').limit(1).as('area_name'),
    'announcements.title',
    'announcements.body',
    'announcements.contact_name',
    'announcements.contact_phone',
    'announcements.contact_email',
    'announcements.publish_contact',
    'announcements.status',
    'announcements.created_by',
    'announcements.created_at',
    'announcements.updated_at',
  ]);
}

export type AnnouncementValues = {
  title: string;
  body: string;
  contact: { name: string; phone?: string | undefined; email?: string | undefined } | null;
  publishContact: boolean;
};

/** The contact columns: filled only with the choice to publish, and that choice's time. */
function contactColumns(values: Pick<AnnouncementValues, 'contact' | 'publishContact'>) {
  const published = values.publishContact && values.contact !== null;
  return {
    contact_name: published ? values.contact!.name : null,
    contact_phone: published ? (values.contact!.phone ?? null) : null,
    contact_email: published ? (values.contact!.email ?? null) : null,
    publish_contact: published,
    contact_published_at: published ? (sql<Date>`now()` as never) : null,
  };
}

export async function insertAnnouncement(db: Db, areaCode: string, values: AnnouncementValues, actorId: string): Promise<string> {
  const row = await db
    .insertInto('announcements')
    .values({ area_code: areaCode, title: values.title, body: values.body, ...contactColumns(values), created_by: actorId, updated_by: actorId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateAnnouncement(db: Db, id: string, values: Partial<AnnouncementValues>, actorId: string): Promise<boolean> {
  const changes: Record<string, unknown> = { updated_by: actorId, updated_at: sql`now()` };
  if (values.title !== undefined) changes.title = values.title;
  if (values.body !== undefined) changes.body = values.body;
  if (values.contact !== undefined && values.publishContact !== undefined) {
    Object.assign(changes, contactColumns({ contact: values.contact, publishContact: values.publishContact }));
  }
  const result = await db.updateTable('announcements').set(changes as never).where('id', '=', id).where('status', '=', 'published').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Withdrawn, an announcement leaves the page and the feed; its contact is forgotten. */
export async function withdrawAnnouncement(db: Db, id: string, actorId: string): Promise<boolean> {
  const result = await db
    .updateTable('announcements')
    .set({
      status: 'withdrawn',
      contact_name: null,
      contact_phone: null,
      contact_email: null,
      publish_contact: false,
      contact_published_at: null,
      updated_by: actorId,
      updated_at: sql`now()` as never,
      withdrawn_at: sql`now()` as never,
    })
    .where('id', '=', id)
    .where('status', '=', 'published')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * When an author's account is deleted, the contact they published on their announcements goes
 * too (it is often themselves); the announcements stay, as the agenda's items do.
 */
export async function forgetContactsPublishedBy(db: Db, userId: string): Promise<number> {
  const result = await db
    .updateTable('announcements')
    .set({ contact_name: null, contact_phone: null, contact_email: null, publish_contact: false, contact_published_at: null })
    .where('created_by', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findAnnouncement(db: Db, id: string): Promise<AnnouncementRow | undefined> {
  return (await selectAnnouncements(db).where('announcements.id', '=', id).executeTakeFirst()) as AnnouncementRow | undefined;
}

/**
 * Published announcements that concern an area: its own, those of the areas in it, and those
 * of the wijk and gemeente it lies in (a gemeente's announcement is news in each of its buurten).
 */
export async function changedAnnouncements(db: Db, code: string, from: Date | null, limit: number): Promise<AnnouncementRow[]> {
  let query = selectAnnouncements(db)
    .where('announcements.status', '=', 'published')
    .where((eb) => eb.or([eb('announcements.area_code', 'in', [code, ...enclosingCodes(code)]), inside(sql.ref('announcements.area_code'), code)]));
  if (from) query = query.where('announcements.updated_at', '>=', from);
  return (await query.orderBy('announcements.updated_at', 'desc').orderBy('announcements.id').limit(limit).execute()) as AnnouncementRow[];
}

/** What a person wrote, for their data export. */
export async function announcementsBy(db: Db, userId: string): Promise<AnnouncementRow[]> {
  return (await selectAnnouncements(db).where('announcements.created_by', '=', userId).orderBy('announcements.created_at').execute()) as AnnouncementRow[];
}

// Follows ---------------------------------------------------------------------------------------

export type FollowRow = { area_code: string; area_name: string | null; level: 'gemeente' | 'wijk' | 'buurt' | null; created_at: Date };

/** Following twice is following once; the first time counts. */
export async function insertFollow(db: Db, userId: string, areaCode: string): Promise<void> {
  await db.insertInto('area_follows').values({ user_id: userId, area_code: areaCode }).onConflict((oc) => oc.columns(['user_id', 'area_code']).doNothing()).execute();
}

export async function deleteFollow(db: Db, userId: string, areaCode: string): Promise<boolean> {
  const result = await db.deleteFrom('area_follows').where('user_id', '=', userId).where('area_code', '=', areaCode).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function followsOf(db: Db, userId: string): Promise<FollowRow[]> {
  return (await db
    .selectFrom('area_follows')
    .select((eb) => [
      'area_follows.area_code',
      eb.selectFrom('areas').select('areas.name').whereRef('areas.code', '=', 'area_follows.area_code').orderBy('areas.year', 'desc').limit(1).as('area_name'),
      eb.selectFrom('areas').select('areas.level').whereRef('areas.code', '=', 'area_follows.area_code').orderBy('areas.year', 'desc').limit(1).as('level'),
      'area_follows.created_at',
    ])
    .where('area_follows.user_id', '=', userId)
    .orderBy('area_follows.created_at')
    .orderBy('area_follows.area_code')
    .execute()) as FollowRow[];
}

// The weekly digest -----------------------------------------------------------------------------

export type FollowerRow = { user_id: string; email: string; display_name: string; last_week: string | null; covered_until: Date | null };

/** Everyone who follows at least one area, with when their last digest was sent. */
export async function followers(db: Db): Promise<FollowerRow[]> {
  return db
    .selectFrom('users')
    .leftJoin('digest_state', 'digest_state.user_id', 'users.id')
    .select(['users.id as user_id', 'users.email', 'users.display_name', 'digest_state.last_week', 'digest_state.covered_until'])
    .where((eb) => eb.exists(eb.selectFrom('area_follows').select('area_follows.user_id').whereRef('area_follows.user_id', '=', 'users.id')))
    .orderBy('users.id')
    .execute();
}

export async function digestStateOf(db: Db, userId: string) {
  return db.selectFrom('digest_state').select(['last_week', 'covered_until', 'sent_at']).where('user_id', '=', userId).executeTakeFirst();
}

/**
 * Takes this week's digest for a follower, unless another run took it first: a compare-and-set
 * on the week it was last sent, so that two runs at once never send one twice.
 */
export async function claimDigest(
  db: Db,
  userId: string,
  previous: { last_week: string | null; covered_until: Date | null },
  next: { week: string; coveredUntil: Date },
): Promise<boolean> {
  if (previous.last_week === null) {
    const inserted = await db
      .insertInto('digest_state')
      .values({ user_id: userId, last_week: next.week, covered_until: next.coveredUntil })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .returning('user_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
  const updated = await db
    .updateTable('digest_state')
    .set({ last_week: next.week, covered_until: next.coveredUntil, sent_at: sql`now()` as never })
    .where('user_id', '=', userId)
    .where('last_week', '=', previous.last_week)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** A digest that could not be sent is given back, to be tried again at the next run. */
export async function releaseDigest(db: Db, userId: string, previous: { last_week: string | null; covered_until: Date | null }): Promise<void> {
  if (previous.last_week === null || previous.covered_until === null) {
    await db.deleteFrom('digest_state').where('user_id', '=', userId).execute();
  } else {
    await db.updateTable('digest_state').set({ last_week: previous.last_week, covered_until: previous.covered_until }).where('user_id', '=', userId).execute();
  }
}
