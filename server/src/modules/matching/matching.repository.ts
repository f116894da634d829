import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB, MatchesTable } from '../../db/types.ts';
import { jsonb, textArray } from '../../db/json.ts';
import { distanceMeters, latOf, lonOf, pointFromLonLat, withinMeters } from '../../db/spatial.ts';
import type { Updateable } from 'kysely';

type Db = Kysely<DB> | Transaction<DB>;

/** How many assets or talents near a place the ranking looks at, nearest first. */
const CANDIDATE_CAP = 500;

/** An asset as matching reads it: its public place, never its exact one. */
export async function findMatchableAsset(db: Db, id: string) {
  return db
    .selectFrom('assets')
    .select((eb) => [
      'assets.id',
      'assets.kind',
      'assets.category',
      'assets.name',
      'assets.status',
      'assets.owner_id',
      'assets.asks',
      'assets.schedule',
      'assets.inclusion_features',
      'assets.skills',
      'assets.availability',
      'assets.needs_inclusion',
      lonOf(eb.ref('assets.public_geom')).as('public_lon'),
      latOf(eb.ref('assets.public_geom')).as('public_lat'),
    ])
    .where('assets.id', '=', id)
    .executeTakeFirst();
}
export type MatchableAsset = NonNullable<Awaited<ReturnType<typeof findMatchableAsset>>>;

function areaName(code: 'assets.buurt_code' | 'assets.gemeente_code') {
  return sql<string | null>`(SELECT areas.name FROM areas WHERE areas.code = ${sql.ref(code)} ORDER BY areas.year DESC LIMIT 1)`;
}

/** Published assets with asks within a radius of a point, nearest first. */
export async function assetsWithAsksNear(db: Db, point: { lon: number; lat: number }, radius: number) {
  const here = pointFromLonLat(point.lon, point.lat);
  return db
    .selectFrom('assets')
    .select((eb) => [
      'assets.id',
      'assets.kind',
      'assets.category',
      'assets.name',
      'assets.owner_id',
      'assets.asks',
      'assets.schedule',
      'assets.inclusion_features',
      'assets.buurt_code',
      areaName('assets.buurt_code').as('buurt_name'),
      'assets.gemeente_code',
      areaName('assets.gemeente_code').as('gemeente_name'),
      distanceMeters(eb.ref('assets.public_geom'), here).as('distance_meters'),
    ])
    .where('assets.status', '=', 'published')
    .where('assets.kind', '<>', 'talent')
    .where(sql<boolean>`jsonb_array_length(assets.asks) > 0`)
    .where((eb) => withinMeters(eb.ref('assets.public_geom'), here, radius))
    .orderBy('distance_meters')
    .orderBy('assets.id')
    .limit(CANDIDATE_CAP)
    .execute();
}

/**
 * Published talents someone can answer for (they have an owner) within a radius of a point,
 * measured from their public, snapped place. Only what matching needs: no name, no contact.
 */
export async function talentsNear(db: Db, point: { lon: number; lat: number }, radius: number) {
  const here = pointFromLonLat(point.lon, point.lat);
  return db
    .selectFrom('assets')
    .select((eb) => [
      'assets.id',
      'assets.category',
      'assets.owner_id',
      'assets.skills',
      'assets.availability',
      'assets.needs_inclusion',
      distanceMeters(eb.ref('assets.public_geom'), here).as('distance_meters'),
    ])
    .where('assets.status', '=', 'published')
    .where('assets.kind', '=', 'talent')
    .where('assets.owner_id', 'is not', null)
    .where((eb) => withinMeters(eb.ref('assets.public_geom'), here, radius))
    .orderBy('distance_meters')
    .orderBy('assets.id')
    .limit(CANDIDATE_CAP)
    .execute();
}

/** The distance in metres between two assets' public places. */
export async function publicDistance(db: Db, fromId: string, toId: string): Promise<number | null> {
  const row = await db
    .selectFrom('assets as a')
    .innerJoin('assets as b', (join) => join.on('b.id', '=', toId))
    .select((eb) => distanceMeters(eb.ref('a.public_geom'), eb.ref('b.public_geom')).as('meters'))
    .where('a.id', '=', fromId)
    .executeTakeFirst();
  return row?.meters ?? null;
}

/** The distance in metres from a point to an asset's public place. */
export async function distanceFromPoint(db: Db, point: { lon: number; lat: number }, assetId: string): Promise<number | null> {
  const row = await db
    .selectFrom('assets')
    .select((eb) => distanceMeters(eb.ref('assets.public_geom'), pointFromLonLat(point.lon, point.lat)).as('meters'))
    .where('assets.id', '=', assetId)
    .executeTakeFirst();
  return row?.meters ?? null;
}

/** A talent's matching profile, set by its owner without a new review: codes from the vocabulary only. */
export async function updateTalentProfile(
  db: Db,
  id: string,
  profile: { skills?: string[] | undefined; availability?: unknown; needsInclusion?: string[] | undefined },
): Promise<void> {
  const set: Record<string, unknown> = {};
  if (profile.skills !== undefined) set.skills = textArray(profile.skills);
  if (profile.availability !== undefined) set.availability = jsonb(profile.availability);
  if (profile.needsInclusion !== undefined) set.needs_inclusion = textArray(profile.needsInclusion);
  if (Object.keys(set).length === 0) return;
  await db.updateTable('assets').set({ ...set, updated_at: sql`now()` as never }).where('id', '=', id).execute();
}

// Matches ---------------------------------------------------------------------------------------

export async function insertMatch(
  db: Db,
  match: {
    talentId: string | null;
    clientLabel: string | null;
    clientSkills: string[];
    talentContactId: string | null;
    assetId: string;
    askIndex: number;
    ask: unknown;
    askContactId: string | null;
    proposedBy: string;
    proposedAs: MatchesTable['proposed_as'];
    proposedVia: MatchesTable['proposed_via'];
    message: string | null;
    talentAnswer: 'pending' | 'accepted';
    askAnswer: 'pending' | 'accepted';
    distanceBand: string;
    score: number;
    reasons: unknown;
  },
): Promise<string> {
  const row = await db
    .insertInto('matches')
    .values({
      talent_id: match.talentId,
      client_label: match.clientLabel,
      client_skills: textArray(match.clientSkills) as never,
      talent_contact_id: match.talentContactId,
      asset_id: match.assetId,
      ask_index: match.askIndex,
      ask: jsonb(match.ask),
      ask_contact_id: match.askContactId,
      proposed_by: match.proposedBy,
      proposed_as: match.proposedAs,
      proposed_via: match.proposedVia,
      message: match.message,
      talent_answer: match.talentAnswer,
      ask_answer: match.askAnswer,
      status: match.talentAnswer === 'accepted' && match.askAnswer === 'accepted' ? 'agreed' : 'proposed',
      distance_band: match.distanceBand,
      score: match.score,
      reasons: jsonb(match.reasons),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A match with what its views need: the asset, the talent, and the people on each side. */
function selectMatch(db: Db) {
  return db
    .selectFrom('matches')
    .innerJoin('assets as asset', 'asset.id', 'matches.asset_id')
    .leftJoin('assets as talent', 'talent.id', 'matches.talent_id')
    .leftJoin('users as talent_contact', 'talent_contact.id', 'matches.talent_contact_id')
    .leftJoin('users as ask_contact', 'ask_contact.id', 'matches.ask_contact_id')
    .select([
      'matches.id',
      'matches.talent_id',
      'matches.client_label',
      'matches.client_skills',
      'matches.talent_contact_id',
      'matches.asset_id',
      'matches.ask_index',
      'matches.ask',
      'matches.ask_contact_id',
      'matches.proposed_by',
      'matches.proposed_as',
      'matches.proposed_via',
      'matches.message',
      'matches.status',
      'matches.talent_answer',
      'matches.ask_answer',
      'matches.distance_band',
      'matches.score',
      'matches.reasons',
      'matches.created_at',
      'matches.updated_at',
      'asset.name as asset_name',
      'asset.kind as asset_kind',
      'asset.category as asset_category',
      'asset.owner_id as asset_owner_id',
      'asset.status as asset_status',
      'talent.status as talent_status',
      'talent.name as talent_name',
      'talent.category as talent_category',
      'talent.skills as talent_skills',
      'talent.owner_id as talent_owner_id',
      'talent_contact.display_name as talent_contact_name',
      'talent_contact.email as talent_contact_email',
      'ask_contact.display_name as ask_contact_name',
      'ask_contact.email as ask_contact_email',
    ]);
}
export type MatchRecord = NonNullable<Awaited<ReturnType<typeof findMatch>>>;

export async function findMatch(db: Db, id: string, forUpdate = false) {
  let query = selectMatch(db).where('matches.id', '=', id);
  // Only the match row is locked: the joined rows are read, and outer joins cannot be locked.
  if (forUpdate) query = query.forUpdate('matches');
  return query.executeTakeFirst();
}

/**
 * The matches a person is part of, exactly as the service's sides say (sidesOf): the talent's
 * side, the ask's side (the asset's owner; for an asset without owner, the one who answered for
 * it, or any moderator while the ask's answer is pending) or the proposer. Filtered here, before
 * the limit, so that matches which are not the person's cannot push theirs out; and the ones that
 * name the person come before a moderator's queue of ownerless ones.
 */
export async function matchesOf(db: Db, userId: string, answersForOwnerless: boolean) {
  return selectMatch(db)
    .where((eb) =>
      eb.or([
        eb('matches.talent_contact_id', '=', userId),
        eb('matches.proposed_by', '=', userId),
        eb('asset.owner_id', '=', userId),
        eb.and([
          eb('asset.owner_id', 'is', null),
          eb.or([
            eb('matches.ask_contact_id', '=', userId),
            ...(answersForOwnerless ? [eb.and([eb('matches.ask_answer', '=', 'pending'), eb('matches.status', '=', 'proposed')])] : []),
          ]),
        ]),
      ]),
    )
    .orderBy(
      sql`(matches.talent_contact_id = ${userId} OR matches.proposed_by = ${userId} OR asset.owner_id = ${userId} OR matches.ask_contact_id = ${userId}) IS TRUE`,
      'desc',
    )
    .orderBy('matches.updated_at', 'desc')
    .orderBy('matches.id')
    .limit(200)
    .execute();
}

export async function updateMatch(db: Db, id: string, set: Updateable<MatchesTable>): Promise<void> {
  await db.updateTable('matches').set({ ...set, updated_at: sql`now()` as never }).where('id', '=', id).execute();
}

/** Open matches of a talent: which asks it was already proposed for. */
export async function openMatchesOfTalent(db: Db, talentId: string) {
  return db
    .selectFrom('matches')
    .select(['id', 'asset_id', 'ask_index'])
    .where('talent_id', '=', talentId)
    .where('status', 'in', ['proposed', 'agreed'])
    .execute();
}

/** Talents with an open match for an ask that this person proposed (never someone else's proposals). */
export async function openTalentsOfAsk(db: Db, assetId: string, askIndex: number, proposedBy: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('matches')
    .select('talent_id')
    .where('asset_id', '=', assetId)
    .where('ask_index', '=', askIndex)
    .where('proposed_by', '=', proposedBy)
    .where('talent_id', 'is not', null)
    .where('status', 'in', ['proposed', 'agreed'])
    .execute();
  return new Set(rows.map((row) => row.talent_id as string));
}

export async function insertMatchVersion(
  db: Db,
  version: { matchId: string; action: 'proposed' | 'accepted' | 'declined' | 'withdrawn'; side: 'talent' | 'ask' | 'proposer'; actorId: string | null; changes: Record<string, { from: unknown; to: unknown }> },
): Promise<void> {
  await db
    .insertInto('match_versions')
    .columns(['match_id', 'version', 'action', 'side', 'actor_id', 'changes'])
    .expression(
      db
        .selectFrom('match_versions')
        .select([
          sql<string>`${version.matchId}::uuid`.as('match_id'),
          sql<number>`coalesce(max(version), 0) + 1`.as('version'),
          sql<string>`${version.action}`.as('action'),
          sql<string>`${version.side}`.as('side'),
          sql<string | null>`${version.actorId}::uuid`.as('actor_id'),
          jsonb(version.changes).as('changes'),
        ])
        .where('match_id', '=', version.matchId),
    )
    .execute();
}

export async function listMatchVersions(db: Db, matchId: string) {
  return db.selectFrom('match_versions').select(['version', 'action', 'side', 'changes', 'created_at']).where('match_id', '=', matchId).orderBy('version').execute();
}

export async function insertMatchConsent(
  db: Db,
  consent: { matchId: string; purpose: 'matchContact' | 'clientMatch'; side: 'talent' | 'ask'; userId: string; onBehalfOfClient: boolean; version: string },
): Promise<void> {
  await db
    .insertInto('match_consents')
    .values({
      match_id: consent.matchId,
      purpose: consent.purpose,
      side: consent.side,
      user_id: consent.userId,
      on_behalf_of_client: consent.onBehalfOfClient,
      wording_version: consent.version,
    })
    .execute();
}

export async function consentsOfMatch(db: Db, matchId: string) {
  return db.selectFrom('match_consents').selectAll().where('match_id', '=', matchId).orderBy('id').execute();
}

/** The consents a person gave in matches, for their data download. */
export async function consentsGivenBy(db: Db, userId: string) {
  return db
    .selectFrom('match_consents')
    .select(['match_id', 'purpose', 'side', 'on_behalf_of_client', 'wording_version', 'given_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
}

/** When a person's account is deleted, what they wrote in their proposals goes with it. */
export async function forgetMessagesBy(db: Db, userId: string): Promise<void> {
  await db.updateTable('matches').set({ message: null }).where('proposed_by', '=', userId).execute();
}
