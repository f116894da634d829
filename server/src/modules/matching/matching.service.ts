import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import {
  type AskMatch,
  type AskTarget,
  type Availability,
  type ClientSearch,
  CONSENT_TEXTS,
  type Exchange,
  type InclusionFeature,
  type Match,
  type MatchCreate,
  type MatchProfile,
  type MatchReason,
  type MatchSearchQuery,
  type Schedule,
  type SkillCode,
  type TalentCandidate,
  type TalentProfile,
  MIN_CANDIDATES,
  can,
  compareRanked,
  isMatchableAsk,
  profileSkills,
  reasonsForOtherSide,
  reasonsToStore,
  scoreMatch,
  sumPoints,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { newToken } from '../../lib/tokens.ts';
import type { Viewer } from '../../plugins/auth.ts';
import { appSecret } from '../accounts/accounts.repository.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { insertVersion } from '../contributions/contributions.repository.ts';
import * as repository from './matching.repository.ts';
import type { MatchRecord, MatchableAsset } from './matching.repository.ts';

/**
 * Matching offers and asks. Three rules carry the privacy of it:
 * - the ask's side sees fitting talents without a name, a place, a distance finer than a band,
 *   contact or even an id: an opaque candidate handle, bound to the ask and the viewer;
 * - contact details (name and e-mail address) appear only when both sides accepted, each with
 *   their consent recorded, and only to the two sides; a withdrawal hides them again;
 * - the inclusion features a person needs filter the asks, but only their own side sees them;
 *   a proposer who is not on the person's side gets no filter at all (the person's side decides),
 *   and no match stores them;
 * - when the person is free is theirs: others learn only whether times overlap, never which,
 *   until both sides agreed (then the ask's side sees the slots, to make an appointment).
 *
 * Who answers for the ask: the asset's owner; for an asset without owner (imported, or its
 * owner left) a moderator answers on its behalf and becomes the ask's contact. Who answers for
 * the talent: its owner; for a client without an account, the professional who proposed it.
 */

function checkConsent(field: string, purpose: 'matchContact' | 'clientMatch', consent: { version: string } | undefined): string {
  if (!consent) throw invalid([{ field, message: 'required' }]);
  const current = CONSENT_TEXTS[purpose].version;
  if (consent.version !== current) {
    throw invalid([{ field: `${field}.version`, message: `the wording you agreed to has changed (now version ${current}); read it again` }]);
  }
  return consent.version;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function talentProfileOf(row: { category: string; skills: string[]; availability: unknown; needs_inclusion: string[] }): MatchProfile {
  return {
    category: row.category,
    skills: row.skills as SkillCode[],
    availability: (Array.isArray(row.availability) ? row.availability : []) as Availability,
    needsInclusion: row.needs_inclusion as InclusionFeature[],
  };
}

function askTarget(row: { category: string; inclusion_features: string[]; schedule: unknown }, ask: Exchange): AskTarget {
  return { category: row.category, inclusionFeatures: row.inclusion_features, schedule: row.schedule as Schedule, ask };
}

// Candidate handles -----------------------------------------------------------------------------

const HANDLE_DAYS = 1;

async function handleKey(db: Kysely<DB> | Transaction<DB>): Promise<Buffer> {
  return createHash('sha256').update(await appSecret(db, 'match-candidate', newToken)).digest();
}

/** An opaque handle for a talent in an ask's list: only this viewer can propose it, for this ask. */
function sealCandidate(key: Buffer, talentId: string, scope: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(scope));
  const sealed = Buffer.concat([cipher.update(`${talentId}.${Math.floor(Date.now() / 1000)}`, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

function openCandidate(key: Buffer, handle: string, scope: string): string | null {
  try {
    const raw = Buffer.from(handle, 'base64url');
    if (raw.length < 29) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(scope));
    decipher.setAuthTag(raw.subarray(12, 28));
    const [talentId, issued] = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8').split('.');
    if (!talentId || Date.now() / 1000 - Number(issued) > HANDLE_DAYS * 86_400) return null;
    return talentId;
  } catch {
    return null;
  }
}

const handleScope = (assetId: string, askIndex: number, viewerId: string) => `${assetId}:${askIndex}:${viewerId}`;

/**
 * The tie-breaker of an ask's list: a keyed hash of the talent, the ask and the viewer. Stable for
 * one viewer and ask, but it carries no id: ordering by the (public) talent id would let a viewer
 * tie places in the list to talents on the map.
 */
function tieKey(key: Buffer, talentId: string, scope: string): string {
  return createHmac('sha256', key).update(`order\u0000${scope}\u0000${talentId}`).digest('hex');
}

// Asks for a talent or a client -----------------------------------------------------------------

async function rankAsks(
  db: Kysely<DB>,
  profile: MatchProfile,
  point: { lon: number; lat: number },
  query: { radius: number; limit: number },
  options: { excludeOwner: string | null; openMatches: Map<string, string> },
): Promise<AskMatch[]> {
  const rows = await repository.assetsWithAsksNear(db, point, query.radius);
  const ranked: Array<AskMatch & { meters: number; key: string }> = [];
  for (const row of rows) {
    // One's own initiative is no match for one's own talent.
    if (options.excludeOwner !== null && row.owner_id === options.excludeOwner) continue;
    const asks = (row.asks as Exchange[]) ?? [];
    asks.forEach((ask, askIndex) => {
      const fit = scoreMatch(profile, askTarget(row, ask), row.distance_meters);
      if (!fit) return;
      ranked.push({
        asset: {
          id: row.id,
          name: row.name,
          kind: row.kind as AskMatch['asset']['kind'],
          category: row.category as AskMatch['asset']['category'],
          buurt: row.buurt_code === null ? null : { code: row.buurt_code, name: row.buurt_name ?? row.buurt_code },
          gemeente: row.gemeente_code === null ? null : { code: row.gemeente_code, name: row.gemeente_name ?? row.gemeente_code },
          inclusionFeatures: row.inclusion_features as AskMatch['asset']['inclusionFeatures'],
          schedule: row.schedule as Schedule,
        },
        askIndex,
        ask,
        distanceBand: fit.band,
        score: fit.score,
        reasons: fit.reasons,
        openMatchId: options.openMatches.get(`${row.id}:${askIndex}`) ?? null,
        meters: row.distance_meters,
        key: `${row.name}\u0000${row.id}\u0000${String(askIndex).padStart(2, '0')}`,
      });
    });
  }
  return ranked
    .sort(compareRanked)
    .slice(0, query.limit)
    .map(({ meters: _meters, key: _key, ...match }) => match);
}

/** Might this person see a talent's private side (availability, needs)? Its owner and moderators. */
function checkOwnsTalent(talent: MatchableAsset | undefined, viewer: Viewer): MatchableAsset {
  if (!talent || talent.kind !== 'talent') throw notFound('Talent');
  if (talent.owner_id === viewer.id || can(viewer.roles, 'moderate')) return talent;
  if (talent.status === 'published') throw new AppError('FORBIDDEN', 403, "Only the talent's owner sees what fits it");
  throw notFound('Talent');
}

/** The asks near a talent that fit it, best first, each with its reasons. */
export async function asksForTalent(db: Kysely<DB>, viewer: Viewer, talentId: string, query: MatchSearchQuery) {
  const talent = checkOwnsTalent(await repository.findMatchableAsset(db, talentId), viewer);
  const open = new Map((await repository.openMatchesOfTalent(db, talentId)).map((row) => [`${row.asset_id}:${row.ask_index}`, row.id]));
  const items = await rankAsks(db, talentProfileOf(talent), { lon: talent.public_lon, lat: talent.public_lat }, query, {
    excludeOwner: talent.owner_id,
    openMatches: open,
  });
  return { items, radius: query.radius };
}

/** The asks that fit a professional's client, described in the request and never stored. */
export async function asksForClient(db: Kysely<DB>, search: ClientSearch) {
  const profile: MatchProfile = { category: null, skills: search.skills, availability: search.availability, needsInclusion: search.needsInclusion };
  const [lon, lat] = search.location.coordinates;
  const items = await rankAsks(db, profile, { lon, lat }, search, { excludeOwner: null, openMatches: new Map() });
  return { items, radius: search.radius };
}

export async function setTalentProfile(db: Kysely<DB>, viewer: Viewer, talentId: string, profile: TalentProfile) {
  return db.transaction().execute(async (trx) => {
    const talent = checkOwnsTalent(await repository.findMatchableAsset(trx, talentId), viewer);
    const before = { skills: talent.skills, availability: talent.availability, needsInclusion: talent.needs_inclusion };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, to] of Object.entries(profile)) {
      const from = before[field as keyof typeof before];
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
    }
    if (Object.keys(changes).length > 0) {
      await repository.updateTalentProfile(trx, talentId, profile);
      // In the entry's own history, like any other change to it.
      await insertVersion(trx, { assetId: talentId, action: 'edited', actorId: viewer.id, changes });
    }
    const after = await repository.findMatchableAsset(trx, talentId);
    if (!after) throw notFound('Talent');
    const { availability, needsInclusion, skills } = talentProfileOf(after);
    return { skills: [...skills], availability, needsInclusion: [...needsInclusion] };
  });
}

// Talents for an ask ----------------------------------------------------------------------------

function checkAsk(asset: MatchableAsset | undefined, askIndex: number, field: string): Exchange {
  if (!asset || asset.kind === 'talent' || asset.status !== 'published') throw notFound('Asset');
  const ask = asList(asset.asks).length > askIndex ? (asset.asks as Exchange[])[askIndex] : undefined;
  if (!ask) throw invalid([{ field, message: `this asset has ${asList(asset.asks).length} asks; pick one of them by its index from 0` }]);
  if (!isMatchableAsk(ask)) {
    throw invalid([{ field, message: `this ask is for ${ask.type === 'place' ? 'a place' : 'goods'}; only asks a person can answer with time and skills are matched` }]);
  }
  return ask;
}

/** Professionals for any ask, and an asset's owner for its own. */
function mayLookForTalents(asset: MatchableAsset, viewer: Viewer): boolean {
  return can(viewer.roles, 'matchOnBehalf') || asset.owner_id === viewer.id;
}

/**
 * The talents that fit an ask, as its side may see them: category, skills, a distance band,
 * whether times overlap (never which) and the reasons. Never a name, an id, a place, a contact,
 * or the person's needs.
 *
 * What could still tie the list to people, and why it is bounded:
 * - radius: only the edges of the distance bands (see MATCH_RADII), so stepping it tells no more
 *   than the band each result shows anyway;
 * - order: equal scores are ordered by the distance band's points and then by a keyed hash
 *   (tieKey), not by the talent's public id;
 * - size: fewer than MIN_CANDIDATES fitting talents and the list is empty (with
 *   `fewerThanMinimum`), so a sparse area cannot be probed for one person; the route is
 *   rate-limited per account, so lists cannot be pulled in bulk;
 * - the inclusion filter: a person who needs a feature this asset lacks is left out, to spare
 *   them a place that does not suit them. Someone who knows a talent from the map could notice
 *   its absence. What that absence can say is bounded: only "needs at least one of the features
 *   this asset lacks" (never which one, and the asset's features change only through review, so
 *   they cannot be stepped through), and only when the list has MIN_CANDIDATES or more people, none
 *   of whom carries an id, so the viewer must tell apart several anonymous people by category,
 *   skills and band alone. A talent is also absent when its skills do not fit or it is beyond the
 *   candidate cap, so absence alone is never proof of a need. The needs themselves appear in no answer to this side.
 */
export async function talentsForAsk(db: Kysely<DB>, viewer: Viewer, assetId: string, askIndex: number, query: MatchSearchQuery) {
  const asset = await repository.findMatchableAsset(db, assetId);
  const ask = checkAsk(asset, askIndex, 'params.askIndex');
  if (!mayLookForTalents(asset!, viewer)) throw new AppError('FORBIDDEN', 403, 'Only professionals and the asset’s owner may look for talents for an ask');
  const rows = await repository.talentsNear(db, { lon: asset!.public_lon, lat: asset!.public_lat }, query.radius);
  const key = await handleKey(db);
  const scope = handleScope(assetId, askIndex, viewer.id);
  const target = askTarget(asset!, ask);
  const ranked: Array<{ talentId: string; category: string; skills: SkillCode[]; score: number; meters: number; key: string; band: TalentCandidate['distanceBand']; overlap: TalentCandidate['overlap']; reasons: MatchReason[] }> = [];
  for (const row of rows) {
    if (row.owner_id === viewer.id || row.owner_id === asset!.owner_id) continue;
    const profile = talentProfileOf(row);
    const fit = scoreMatch(profile, target, row.distance_meters);
    if (!fit) continue;
    const reasons = reasonsForOtherSide(fit.reasons);
    const score = sumPoints(reasons);
    ranked.push({
      talentId: row.id,
      category: row.category,
      skills: profileSkills(profile),
      score,
      // Only the band, not the metres: within a band the order says nothing about who is nearer.
      meters: 0,
      key: tieKey(key, row.id, scope),
      band: fit.band,
      overlap: reasons.some((reason) => reason.code === 'overlapping_times') ? true : reasons.some((reason) => reason.code === 'no_overlapping_times') ? false : null,
      reasons,
    });
  }
  const fewerThanMinimum = ranked.length < MIN_CANDIDATES;
  const proposed = fewerThanMinimum ? new Set<string>() : await repository.openTalentsOfAsk(db, assetId, askIndex, viewer.id);
  const items: TalentCandidate[] = fewerThanMinimum
    ? []
    : ranked
        .sort(compareRanked)
        .slice(0, query.limit)
        .map((row) => ({
          candidate: sealCandidate(key, row.talentId, scope),
          category: row.category as TalentCandidate['category'],
          skills: row.skills,
          distanceBand: row.band,
          overlap: row.overlap,
          score: row.score,
          reasons: row.reasons,
          alreadyProposed: proposed.has(row.talentId),
        }));
  return { ask, assetName: asset!.name, items, fewerThanMinimum, minimum: MIN_CANDIDATES, radius: query.radius };
}

// Matches ---------------------------------------------------------------------------------------

type Sides = { talent: boolean; ask: boolean; proposer: boolean };

function sidesOf(record: MatchRecord, viewer: Viewer): Sides {
  const ownerless = record.asset_owner_id === null;
  return {
    talent: record.talent_contact_id === viewer.id,
    ask:
      record.asset_owner_id === viewer.id ||
      (ownerless && (record.ask_contact_id === viewer.id || (record.ask_answer === 'pending' && record.status === 'proposed' && can(viewer.roles, 'moderate')))),
    proposer: record.proposed_by === viewer.id,
  };
}

const isParticipant = (sides: Sides) => sides.talent || sides.ask || sides.proposer;

/** Which side this viewer would answer for now, if any. */
function answeringSide(record: MatchRecord, sides: Sides): 'talent' | 'ask' | null {
  if (record.status !== 'proposed') return null;
  if (sides.talent && record.talent_answer === 'pending') return 'talent';
  if (sides.ask && record.ask_answer === 'pending') return 'ask';
  return null;
}

export function recordToMatch(record: MatchRecord, viewer: Viewer): Match {
  const sides = sidesOf(record, viewer);
  const agreed = record.status === 'agreed';
  // Stored reasons hold no inclusion features (see reasonsToStore); the slots of overlapping times
  // go to the talent's side, and to the ask's side only once both agreed (to make an appointment).
  const storedReasons = reasonsToStore(record.reasons as MatchReason[]);
  const reasons = sides.talent ? storedReasons : reasonsForOtherSide(storedReasons, { slots: agreed && sides.ask });
  // The talent is named to its own side, to a proposer who picked it from the map, and to the
  // ask's side once both agreed; before that the ask's side knows only what the candidate list showed.
  const named = sides.talent || (sides.proposer && record.proposed_via === 'talent') || (agreed && sides.ask);
  const skills = record.talent_id
    ? profileSkills({ category: record.talent_category, skills: (record.talent_skills ?? []) as SkillCode[] })
    : (record.client_skills as SkillCode[]);
  let counterpart: Match['counterpart'] = null;
  if (agreed && sides.talent && record.ask_contact_name !== null && record.ask_contact_email !== null) {
    counterpart = { displayName: record.ask_contact_name, email: record.ask_contact_email, onBehalfOfClient: null };
  } else if (agreed && sides.ask && record.talent_contact_name !== null && record.talent_contact_email !== null) {
    counterpart = { displayName: record.talent_contact_name, email: record.talent_contact_email, onBehalfOfClient: record.client_label };
  }
  return {
    id: record.id,
    status: record.status,
    talentAnswer: record.talent_answer,
    askAnswer: record.ask_answer,
    myRoles: (['talent', 'ask', 'proposer'] as const).filter((side) => sides[side]),
    canAnswer: answeringSide(record, sides) !== null,
    talent: {
      id: named ? record.talent_id : null,
      name: named ? record.talent_name : null,
      category: (record.talent_category ?? null) as Match['talent']['category'],
      skills,
      clientLabel: record.client_label,
    },
    asset: {
      id: record.asset_id,
      name: record.asset_name,
      kind: record.asset_kind as Match['asset']['kind'],
      category: record.asset_category as Match['asset']['category'],
      ownerless: record.asset_owner_id === null,
    },
    askIndex: record.ask_index,
    ask: record.ask as Exchange,
    distanceBand: record.distance_band as Match['distanceBand'],
    score: sumPoints(reasons),
    reasons,
    message: record.message,
    proposedAs: record.proposed_as,
    counterpart,
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
  };
}

async function loadMatch(db: Kysely<DB> | Transaction<DB>, id: string): Promise<MatchRecord> {
  const record = await repository.findMatch(db, id);
  if (!record) throw notFound('Match');
  return record;
}

/**
 * A proposal between a talent (or a client) and one ask. A proposer who is one of the sides has
 * said yes by proposing, with their consent to share contact details once the other side agrees.
 */
export async function proposeMatch(db: Kysely<DB>, viewer: Viewer, input: MatchCreate): Promise<Match> {
  return db.transaction().execute(async (trx) => {
    const asset = await repository.findMatchableAsset(trx, input.assetId);
    if (!asset || asset.kind === 'talent' || asset.status !== 'published') throw notFound('Asset');
    const ask = checkAsk(asset, input.askIndex, 'body.askIndex');

    let talent: MatchableAsset | undefined;
    let via: 'talent' | 'candidate' | 'client';
    let field: string;
    if (input.client) {
      via = 'client';
      field = 'body.client';
      if (!can(viewer.roles, 'matchOnBehalf')) throw new AppError('FORBIDDEN', 403, 'Only professionals may propose a match on behalf of a client');
    } else {
      let talentId: string;
      if (input.candidate !== undefined) {
        via = 'candidate';
        field = 'body.candidate';
        const opened = openCandidate(await handleKey(trx), input.candidate, handleScope(input.assetId, input.askIndex, viewer.id));
        if (!opened) throw invalid([{ field, message: 'unknown or expired candidate for this ask; search the talents for this ask again' }]);
        talentId = opened;
      } else {
        via = 'talent';
        field = 'body.talentId';
        talentId = input.talentId!;
      }
      talent = await repository.findMatchableAsset(trx, talentId);
      if (!talent || talent.kind !== 'talent' || talent.status !== 'published' || talent.owner_id === null) {
        throw invalid([{ field, message: 'no published talent that someone can answer for' }]);
      }
    }

    // Who the proposer is in this match.
    const talentSide = input.client !== undefined || talent?.owner_id === viewer.id;
    const askSide = asset.owner_id === viewer.id || (asset.owner_id === null && can(viewer.roles, 'moderate'));
    if (talentSide && askSide) throw invalid([{ field: 'body.assetId', message: 'both sides of this match would be you' }]);
    if (!talentSide && !askSide && !can(viewer.roles, 'matchOnBehalf')) {
      throw new AppError('FORBIDDEN', 403, 'Only the talent’s owner, the asset’s owner or a professional may propose a match');
    }
    // A talent is proposed by name only by its own side. Everyone else proposes from the anonymous
    // list of fitting talents: naming a talent from the map and reading the answer (a match that
    // already exists, whether it fits) would tie an anonymous match to a person.
    if (via === 'talent' && !talentSide) {
      throw new AppError('FORBIDDEN', 403, 'A talent on the map is proposed by its owner; propose from the list of talents that fit this ask instead', [
        { field: 'body.talentId', message: 'use body.candidate from GET /api/matching/assets/{id}/asks/{askIndex}/talents' },
      ]);
    }
    const consentVersion = talentSide || askSide ? checkConsent('body.consent', 'matchContact', input.consent) : null;
    const clientConsent = input.client ? checkConsent('body.client.consent', 'clientMatch', input.client.consent) : null;

    const profile: MatchProfile = input.client
      ? { category: null, skills: input.client.skills, availability: input.client.availability, needsInclusion: input.client.needsInclusion }
      : talentProfileOf(talent!);
    const meters = input.client
      ? await repository.distanceFromPoint(trx, { lon: input.client.location.coordinates[0], lat: input.client.location.coordinates[1] }, asset.id)
      : await repository.publicDistance(trx, talent!.id, asset.id);
    // The person's needs are for their own side to weigh: a proposer on the other side (the
    // asset's owner, a professional) gets neither the filter nor a word about it; the talent's
    // side decides by accepting or declining. So a refusal here says only what is public.
    const fit = meters === null ? null : scoreMatch(profile, askTarget(asset, ask), meters, { applyInclusion: talentSide });
    if (!fit) throw invalid([{ field, message: 'does not fit this ask' }]);

    const id = await repository.insertMatch(trx, {
      talentId: talent?.id ?? null,
      clientLabel: input.client?.label ?? null,
      clientSkills: input.client ? [...input.client.skills] : [],
      talentContactId: input.client ? viewer.id : talent!.owner_id,
      assetId: asset.id,
      askIndex: input.askIndex,
      ask,
      askContactId: askSide ? viewer.id : null,
      proposedBy: viewer.id,
      proposedAs: input.client || !talentSide ? (askSide ? 'ask' : 'professional') : 'talent',
      proposedVia: via,
      message: input.message ?? null,
      talentAnswer: talentSide ? 'accepted' : 'pending',
      askAnswer: askSide ? 'accepted' : 'pending',
      distanceBand: fit.band,
      score: fit.score,
      // Points only: what the person needs is not stored with the match (nor a client's needs).
      reasons: reasonsToStore(fit.reasons),
    });
    const side = talentSide ? 'talent' : askSide ? 'ask' : 'proposer';
    await repository.insertMatchVersion(trx, {
      matchId: id,
      action: 'proposed',
      side,
      actorId: viewer.id,
      changes: {
        status: { from: null, to: 'proposed' },
        talentAnswer: { from: null, to: talentSide ? 'accepted' : 'pending' },
        askAnswer: { from: null, to: askSide ? 'accepted' : 'pending' },
      },
    });
    if (consentVersion !== null) {
      await repository.insertMatchConsent(trx, { matchId: id, purpose: 'matchContact', side: talentSide ? 'talent' : 'ask', userId: viewer.id, onBehalfOfClient: false, version: consentVersion });
    }
    if (clientConsent !== null) {
      // Who recorded the client's consent, when (given_at) and in which wording.
      await repository.insertMatchConsent(trx, { matchId: id, purpose: 'clientMatch', side: 'talent', userId: viewer.id, onBehalfOfClient: true, version: clientConsent });
    }
    await recordAudit(trx, {
      action: 'match.proposed',
      outcome: 'success',
      actorId: viewer.id,
      targetType: 'match',
      targetId: id,
      details: { via, side },
    });
    return recordToMatch(await loadMatch(trx, id), viewer);
  });
}

export async function matchesOf(db: Kysely<DB>, viewer: Viewer): Promise<Match[]> {
  const rows = await repository.matchesOf(db, viewer.id, can(viewer.roles, 'moderate'));
  return rows.map((row) => recordToMatch(row, viewer)).filter((match) => match.myRoles.length > 0);
}

export async function getMatch(db: Kysely<DB>, viewer: Viewer, id: string): Promise<Match> {
  const record = await repository.findMatch(db, id);
  if (!record || !isParticipant(sidesOf(record, viewer))) throw notFound('Match');
  return recordToMatch(record, viewer);
}

export async function versionsOfMatch(db: Kysely<DB>, viewer: Viewer, id: string) {
  await getMatch(db, viewer, id);
  const rows = await repository.listMatchVersions(db, id);
  return rows.map((row) => ({ version: row.version, action: row.action, side: row.side, changes: row.changes, at: row.created_at.toISOString() }));
}

export type MatchDecision = 'accept' | 'decline' | 'withdraw';

/**
 * A side answers (accept with consent, or decline); either side or the proposer withdraws,
 * which hides the contact details again. Each change is a version and an audit entry.
 */
export async function decideMatch(db: Kysely<DB>, viewer: Viewer, id: string, decision: MatchDecision, consent?: { version: string }): Promise<Match> {
  return db.transaction().execute(async (trx) => {
    const record = await repository.findMatch(trx, id, true);
    if (!record) throw notFound('Match');
    const sides = sidesOf(record, viewer);
    if (!isParticipant(sides)) throw notFound('Match');

    let side: 'talent' | 'ask' | 'proposer';
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (decision === 'withdraw') {
      if (record.status !== 'proposed' && record.status !== 'agreed') throw new AppError('CONFLICT', 409, `This match is ${record.status} already`);
      side = sides.talent ? 'talent' : sides.ask ? 'ask' : 'proposer';
      changes.status = { from: record.status, to: 'withdrawn' };
      await repository.updateMatch(trx, id, { status: 'withdrawn' });
    } else {
      if (record.status !== 'proposed') throw new AppError('CONFLICT', 409, `This match is ${record.status} already`);
      const answering = answeringSide(record, sides);
      if (!answering) throw new AppError('FORBIDDEN', 403, 'Only the other side of this match can answer it');
      // A talent or an asset that left the map takes its matches with it: nobody agrees to them any more.
      if (decision === 'accept' && (record.asset_status !== 'published' || (record.talent_id !== null && record.talent_status !== 'published'))) {
        throw new AppError('CONFLICT', 409, 'The talent or the asset of this match is no longer on the map');
      }
      side = answering;
      const answerField = answering === 'talent' ? 'talent_answer' : 'ask_answer';
      const apiField = answering === 'talent' ? 'talentAnswer' : 'askAnswer';
      if (decision === 'accept') {
        const version = checkConsent('body.consent', 'matchContact', consent);
        const otherAccepted = (answering === 'talent' ? record.ask_answer : record.talent_answer) === 'accepted';
        changes[apiField] = { from: 'pending', to: 'accepted' };
        if (otherAccepted) changes.status = { from: 'proposed', to: 'agreed' };
        await repository.updateMatch(trx, id, {
          [answerField]: 'accepted',
          ...(otherAccepted ? { status: 'agreed' as const } : {}),
          // The one who answers for an ask becomes its contact: the owner, or a moderator for an ownerless asset.
          ...(answering === 'ask' ? { ask_contact_id: viewer.id } : {}),
        });
        await repository.insertMatchConsent(trx, { matchId: id, purpose: 'matchContact', side: answering, userId: viewer.id, onBehalfOfClient: false, version });
      } else {
        changes[apiField] = { from: 'pending', to: 'declined' };
        changes.status = { from: 'proposed', to: 'declined' };
        await repository.updateMatch(trx, id, { [answerField]: 'declined', status: 'declined' });
      }
    }
    const action = ({ accept: 'accepted', decline: 'declined', withdraw: 'withdrawn' } as const)[decision];
    await repository.insertMatchVersion(trx, { matchId: id, action, side, actorId: viewer.id, changes });
    await recordAudit(trx, { action: `match.${action}`, outcome: 'success', actorId: viewer.id, targetType: 'match', targetId: id, details: { side } });
    return recordToMatch(await loadMatch(trx, id), viewer);
  });
}

/** Everything matching holds about a person, for their data download (GET /api/me/export). */
export async function personalData(db: Kysely<DB>, viewer: Viewer) {
  return { matches: await matchesOf(db, viewer), matchConsents: await repository.consentsGivenBy(db, viewer.id) };
}
