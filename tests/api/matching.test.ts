import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  type AskMatch,
  CONSENT_TEXTS,
  type ManagedAsset,
  type Match,
  MIN_CANDIDATES,
  type TalentCandidate,
  scheduleSlots,
  scoreMatch,
} from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';
import { assetBody, badFields, createAsset, testModerator } from '../helpers/fixtures.ts';
import { sampleAssets } from '../../seeds/samples.ts';
import { upsertAssetBySource } from '../../server/src/modules/assets/assets.repository.ts';
import { assetImportToRow } from '../../server/src/modules/assets/assets.service.ts';
import { insertMatch } from '../../server/src/modules/matching/matching.repository.ts';

let app: FastifyInstance;
let moderator: Agent;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
  moderator = await signedIn(app, ['moderator'], 'matchmoderator');
});
afterAll(() => app.close());

/** The demo's sample assets (imported: no owner), as `npm start` loads them. */
async function loadSamples(): Promise<Map<string, string>> {
  const { db } = await testDatabase();
  for (const sample of sampleAssets()) await upsertAssetBySource(db, assetImportToRow(sample));
  const rows = await db.selectFrom('assets').select(['id', 'source_id']).where('source', '=', 'kwartier-sample').execute();
  return new Map(rows.map((row) => [row.source_id!, row.id]));
}

let samples: Map<string, string>;
beforeEach(async () => {
  await clearAssets();
  samples = await loadSamples();
});

const matchConsent = { version: CONSENT_TEXTS.matchContact.version };
const clientConsent = { version: CONSENT_TEXTS.clientMatch.version };

/** The exact place of the resident's talent: it must never reach anyone else. */
const HOME = [4.4953217, 52.1644871] as const;
const TALENT_NAME = 'Fietsen en klussen bij Marijke';
const TALENT_TEXT = 'Ik maak fietsen en kleine dingen in huis; bel me gerust op 06 1234 9876.';

/** A resident's published talent near the Repair Café Zijlpoort in Leiden, with a matching profile. */
async function residentTalent(owner: Agent, overrides: Record<string, unknown> = {}): Promise<ManagedAsset> {
  const created = await owner.inject({
    method: 'POST', url: '/api/assets',
    payload: assetBody({
      kind: 'talent', category: 'klussen', name: TALENT_NAME, description: TALENT_TEXT,
      inclusionFeatures: [], targetGroups: [], characteristics: ['meaningful'],
      location: { type: 'Point', coordinates: HOME },
      address: { street: 'Zijlsingel', houseNumber: '7', postcode: '2315KE', city: 'Leiden' },
      contact: { phone: '06 1234 9876', email: `thuis.${owner.email}` },
      skills: ['klussen', 'fietsen_repareren'],
      availability: [{ day: 'sa', parts: ['morning'] }],
      needsInclusion: ['free_or_low_cost'],
      ...overrides,
    }),
  });
  expect(created.statusCode, created.body).toBe(201);
  const talent = created.json() as ManagedAsset;
  expect((await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${talent.id}/approve` })).statusCode).toBe(200);
  return talent;
}

/**
 * Talents of `count` other residents at the same place as residentTalent's, each with its own
 * owner: without availability by default, so they score below one that gives its times.
 */
async function neighbourTalents(count: number, overrides: Record<string, unknown> = {}): Promise<Array<{ owner: Agent; talent: ManagedAsset }>> {
  const made: Array<{ owner: Agent; talent: ManagedAsset }> = [];
  for (let i = 0; i < count; i++) {
    const owner = await signedIn(app, ['resident'], `buur${i}`);
    made.push({ owner, talent: await residentTalent(owner, { availability: [], needsInclusion: [], ...overrides }) });
  }
  return made;
}

/** An initiative of one's own, published, with asks. */
async function ownInitiative(owner: Agent, overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await owner.inject({
    method: 'POST', url: '/api/assets',
    payload: assetBody({
      category: 'buurtcirkel', name: 'Buurtcirkel De Zijl', inclusionFeatures: ['free_or_low_cost', 'low_stimulus'],
      location: { type: 'Point', coordinates: [4.4975, 52.1655] },
      schedule: { openingHours: [{ days: ['sa'], opens: '09:30', closes: '12:00' }] },
      asks: [{ type: 'volunteers', description: 'Iemand die onze fietsen nakijkt', skills: ['fietsen_repareren'] }],
      ...overrides,
    }),
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${id}/approve` });
  return id;
}

describe('what fits a talent', () => {
  it('ranks the asks near it, explains each with its skill, distance band, inclusion and times, in a stable order', async () => {
    const resident = await signedIn(app, ['resident'], 'marijke');
    const talent = await residentTalent(resident);
    // Fixtures around it: one further away, one without a common time, one lacking what the
    // person needs, one asking for a room.
    const further = await createAsset(app, {
      name: 'Fietsproject Morsweg', category: 'repair_cafe', inclusionFeatures: ['free_or_low_cost'],
      location: { type: 'Point', coordinates: [4.5200, 52.1700] },
      schedule: { openingHours: [{ days: ['sa'], opens: '09:00', closes: '12:00' }] },
      asks: [{ type: 'volunteers', description: 'Fietsenmakers gezocht', skills: ['fietsen_repareren'] }],
    });
    const sunday = await createAsset(app, {
      name: 'Klusavond De Waard', category: 'buurtcirkel', inclusionFeatures: ['free_or_low_cost'],
      location: { type: 'Point', coordinates: [4.4990, 52.1660] },
      schedule: { meetings: [{ weekday: 'su', starts: '19:00', ends: '21:00', recurrence: 'weekly' }] },
      asks: [{ type: 'skill', description: 'Iemand die kan klussen', skills: ['klussen'] }],
    });
    await createAsset(app, {
      name: 'Dure Klusclub', kind: 'association', category: 'hobbyclub', inclusionFeatures: ['wheelchair_access'],
      location: { type: 'Point', coordinates: [4.4960, 52.1648] },
      asks: [{ type: 'skill', description: 'Klussers', skills: ['klussen'] }],
    });
    await createAsset(app, {
      name: 'Zaal gezocht', category: 'buurtcirkel', inclusionFeatures: ['free_or_low_cost'],
      location: { type: 'Point', coordinates: [4.4960, 52.1648] },
      asks: [{ type: 'place', description: 'Een zaal voor klusavonden', skills: ['klussen'] }],
    });

    const response = await resident.inject({ url: `/api/matching/talents/${talent.id}/asks?radius=5000` });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json().items as AskMatch[];
    const repairCafe = samples.get('leiden-repaircafe')!;
    expect(items.map((item) => [item.asset.id, item.askIndex, item.score])).toEqual([
      [repairCafe, 0, 90],
      [repairCafe, 1, 90],
      [further.id, 0, 83],
      [sunday.id, 0, 75],
    ]);
    // Repair Café: it names "klussen" (shared), is within 1 km, meets on the last Saturday morning
    // of the month (the talent's Saturday morning), and is free (what the person needs).
    expect(items[0]!.reasons).toEqual([
      { code: 'shared_skills', skills: ['klussen'], named: true, points: 40 },
      { code: 'distance', band: 'within_1km', points: 25 },
      { code: 'overlapping_times', slots: [{ day: 'sa', part: 'morning' }], points: 15 },
      { code: 'inclusion_met', features: ['free_or_low_cost'], points: 10 },
    ]);
    expect(items[1]!.reasons[0]).toEqual({ code: 'shared_skills', skills: ['fietsen_repareren'], named: true, points: 40 });
    expect(items[2]!.reasons.find((r) => r.code === 'distance')).toEqual({ code: 'distance', band: '1_3km', points: 18 });
    expect(items[3]!.reasons.find((r) => r.code.includes('times'))).toEqual({ code: 'no_overlapping_times', points: 0 });
    for (const item of items) expect(item.score).toBe(item.reasons.reduce((sum, r) => sum + r.points, 0));
    // The peer-support group asks for hospitality, a skill this talent does not name.
    expect(items.some((item) => item.asset.id === samples.get('leiden-lotgenoten-herstel'))).toBe(false);

    // The same question, the same answer, in the same order.
    const again = (await resident.inject({ url: `/api/matching/talents/${talent.id}/asks?radius=5000` })).json().items as AskMatch[];
    expect(again).toEqual(items);
    // A smaller radius leaves the further one out.
    const near = (await resident.inject({ url: `/api/matching/talents/${talent.id}/asks?radius=1000` })).json().items as AskMatch[];
    expect(near.map((item) => item.asset.id)).not.toContain(further.id);
  });

  it('uses the same rule in shared as on the server, and reads a schedule as parts of the day', () => {
    expect(scheduleSlots({ alwaysOpen: false, openingHours: [{ days: ['tu'], opens: '11:00', closes: '12:30' }], meetings: [] })).toEqual([
      { day: 'tu', part: 'morning' },
      { day: 'tu', part: 'afternoon' },
    ]);
    expect(scheduleSlots({ alwaysOpen: false, openingHours: [], meetings: [] })).toBeNull();
    const fit = scoreMatch(
      { category: 'koken', skills: [], availability: [], needsInclusion: [] },
      { category: 'buurtrestaurant', inclusionFeatures: [], schedule: { alwaysOpen: false, openingHours: [], meetings: [] }, ask: { type: 'volunteers', description: 'Koks' } },
      2500,
    );
    expect(fit?.reasons).toEqual([
      { code: 'shared_skills', skills: ['koken'], named: false, points: 30 },
      { code: 'distance', band: '1_3km', points: 18 },
      { code: 'times_unknown', points: 5 },
    ]);
  });

  it('lets the owner set skills and availability without a new review, and records it in the history', async () => {
    const resident = await signedIn(app, ['resident'], 'profiel');
    const talent = await residentTalent(resident, { skills: undefined, availability: undefined, needsInclusion: undefined });
    const set = await resident.inject({
      method: 'PUT', url: `/api/matching/talents/${talent.id}/profile`,
      payload: { skills: ['klussen'], availability: [{ day: 'we', parts: ['evening'] }] },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ skills: ['klussen'], availability: [{ day: 'we', parts: ['evening'] }], needsInclusion: [] });
    const full = (await resident.inject({ url: `/api/assets/${talent.id}/full` })).json() as ManagedAsset;
    expect(full).toMatchObject({ status: 'published', skills: ['klussen'], availability: [{ day: 'we', parts: ['evening'] }] });
    const versions = (await resident.inject({ url: `/api/assets/${talent.id}/versions` })).json().items;
    expect(versions.at(-1)).toMatchObject({ action: 'edited', changes: { skills: { from: [], to: ['klussen'] } } });
    // The public sees the skills, never the availability or the needs.
    const seen = (await app.inject({ url: `/api/assets/${talent.id}` })).json();
    expect(seen.skills).toEqual(['klussen']);
    expect(seen).not.toHaveProperty('availability');
    expect(seen).not.toHaveProperty('needsInclusion');
    const bad = await resident.inject({ method: 'PUT', url: `/api/matching/talents/${talent.id}/profile`, payload: { availability: [{ day: 'zo', parts: ['night'] }] } });
    expect(badFields(bad).sort()).toEqual(['body.availability.0.day', 'body.availability.0.parts.0']);
    const stranger = await signedIn(app);
    expect((await stranger.inject({ method: 'PUT', url: `/api/matching/talents/${talent.id}/profile`, payload: { skills: [] } })).statusCode).toBe(403);
  });
});

describe('what fits an ask', () => {
  it('shows fitting talents without who or where they are', async () => {
    const resident = await signedIn(app, ['resident'], 'anoniem');
    const talent = await residentTalent(resident);
    const neighbours = await neighbourTalents(MIN_CANDIDATES - 1);
    const professional = await signedIn(app, ['professional'], 'jobcoach');
    const repairCafe = samples.get('leiden-repaircafe')!;
    const response = await professional.inject({ url: `/api/matching/assets/${repairCafe}/asks/1/talents` });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { items: TalentCandidate[]; fewerThanMinimum: boolean; minimum: number };
    expect(body).toMatchObject({ fewerThanMinimum: false, minimum: 5 });
    expect(body.items).toHaveLength(MIN_CANDIDATES);
    const [candidate] = body.items;
    expect(Object.keys(candidate!).sort()).toEqual(['alreadyProposed', 'candidate', 'category', 'distanceBand', 'overlap', 'reasons', 'score', 'skills']);
    expect(candidate).toMatchObject({
      category: 'klussen', skills: ['klussen', 'fietsen_repareren'], distanceBand: 'within_1km',
      overlap: true, score: 80, alreadyProposed: false,
    });
    // What the person needs says something about their health: it stays with their side; and
    // when they are free is theirs too: the ask's side learns only that times overlap.
    expect(candidate!.reasons).toEqual([
      { code: 'shared_skills', skills: ['fietsen_repareren'], named: true, points: 40 },
      { code: 'distance', band: 'within_1km', points: 25 },
      { code: 'overlapping_times', points: 15 },
    ]);
    expect(body.items.slice(1).map((item) => item.overlap)).toEqual([null, null, null, null]);
    expect(response.body).not.toContain('slots');
    expect(response.body).not.toContain('morning');

    const publicTalent = (await app.inject({ url: `/api/assets/${talent.id}` })).json();
    const text = response.body;
    for (const trace of [
      ...neighbours.flatMap(({ owner, talent: other }) => [other.id, owner.email, owner.user.id]),
      TALENT_NAME, TALENT_TEXT, talent.id, resident.email, resident.user.displayName, resident.user.id, '1234 9876', 'Zijlsingel', '2315KE',
      String(HOME[0]), String(HOME[1]), HOME[0].toFixed(4), HOME[1].toFixed(4),
      String(publicTalent.location.coordinates[0]), String(publicTalent.location.coordinates[1]), 'free_or_low_cost', 'distanceMeters',
    ]) {
      expect(text, trace).not.toContain(trace);
    }
    // The handle works for this viewer and this ask only.
    const other = await signedIn(app, ['professional']);
    const stolen = await other.inject({ method: 'POST', url: '/api/matches', payload: { assetId: repairCafe, askIndex: 1, candidate: candidate!.candidate } });
    expect(badFields(stolen)).toEqual(['body.candidate']);
    const wrongAsk = await professional.inject({ method: 'POST', url: '/api/matches', payload: { assetId: repairCafe, askIndex: 0, candidate: candidate!.candidate } });
    expect(badFields(wrongAsk)).toEqual(['body.candidate']);
  });

  it('lets only professionals and the asset’s owner look, and names bad input', async () => {
    const repairCafe = samples.get('leiden-repaircafe')!;
    expect((await app.inject({ url: `/api/matching/assets/${repairCafe}/asks/0/talents` })).statusCode).toBe(401);
    const resident = await signedIn(app);
    expect((await resident.inject({ url: `/api/matching/assets/${repairCafe}/asks/0/talents` })).statusCode).toBe(403);
    const organiser = await signedIn(app, ['resident'], 'organiser');
    const own = await ownInitiative(organiser);
    expect((await organiser.inject({ url: `/api/matching/assets/${own}/asks/0/talents` })).statusCode).toBe(200);

    const professional = await signedIn(app, ['professional']);
    expect(badFields(await professional.inject({ url: `/api/matching/assets/${repairCafe}/asks/42/talents` }))).toEqual(['params.askIndex']);
    expect(badFields(await professional.inject({ url: `/api/matching/assets/${repairCafe}/asks/5/talents` }))).toEqual(['params.askIndex']);
    expect(badFields(await professional.inject({ url: `/api/matching/assets/${repairCafe}/asks/0/talents?radius=90000` }))).toEqual(['query.radius']);
    // Only the edges of the distance bands: a radius in between would measure exact distances.
    for (const radius of [500, 999, 1001, 2000, 4999, 24999]) {
      expect(badFields(await professional.inject({ url: `/api/matching/assets/${repairCafe}/asks/0/talents?radius=${radius}` })), String(radius)).toEqual(['query.radius']);
    }
    for (const radius of [1000, 3000, 5000, 10000, 25000]) {
      expect((await professional.inject({ url: `/api/matching/assets/${repairCafe}/asks/0/talents?radius=${radius}` })).statusCode, String(radius)).toBe(200);
    }
    expect(badFields(await professional.inject({ url: `/api/matching/talents/${repairCafe}/asks?radius=2500` }))).toEqual(['query.radius']);
    expect(badFields(await professional.inject({ url: '/api/matching/assets/niet-een-id/asks/0/talents' }))).toEqual(['params.id']);
    const kastanje = samples.get('leiden-buurthuis-noord')!;
    expect((await professional.inject({ url: `/api/matching/assets/${kastanje}/asks/0/talents` })).statusCode).toBe(400);
  });
});

describe('a match', () => {
  it('shows contact details only after both sides accept, and hides them again after a withdrawal', async () => {
    const resident = await signedIn(app, ['resident'], 'talenthouder');
    const talent = await residentTalent(resident);
    await neighbourTalents(MIN_CANDIDATES - 1);
    const organiser = await signedIn(app, ['resident'], 'initiatiefnemer');
    const initiative = await ownInitiative(organiser);
    const professional = await signedIn(app, ['professional'], 'kwartiermaker');

    // The only one that gives its times scores highest: the resident's.
    const [candidate] = (await professional.inject({ url: `/api/matching/assets/${initiative}/asks/0/talents` })).json().items as TalentCandidate[];
    expect(candidate!.overlap).toBe(true);
    const proposed = await professional.inject({
      method: 'POST', url: '/api/matches',
      payload: { assetId: initiative, askIndex: 0, candidate: candidate!.candidate, message: 'Ik denk dat jullie elkaar kunnen helpen.' },
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const match = proposed.json() as Match;
    expect(match).toMatchObject({ status: 'proposed', talentAnswer: 'pending', askAnswer: 'pending', myRoles: ['proposer'], canAnswer: false, counterpart: null, proposedAs: 'professional' });
    expect(match.talent).toEqual({ id: null, name: null, category: 'klussen', skills: ['klussen', 'fietsen_repareren'], clientLabel: null });
    // The proposer is on neither side: whether times overlap, not when; nothing of the needs.
    expect(match.reasons.find((r) => r.code === 'overlapping_times')).toEqual({ code: 'overlapping_times', points: 15 });
    expect(match.reasons.map((r) => r.code)).not.toContain('inclusion_met');
    // Proposed once is enough; and nobody but the talent's side may name the talent, so that a
    // 409 can never tie this anonymous match to a person on the map.
    const twice = await resident.inject({ method: 'POST', url: '/api/matches', payload: { assetId: initiative, askIndex: 0, talentId: talent.id, consent: matchConsent } });
    expect(twice.statusCode).toBe(409);
    const named = await professional.inject({ method: 'POST', url: '/api/matches', payload: { assetId: initiative, askIndex: 0, talentId: talent.id } });
    expect(named.statusCode).toBe(403);
    expect(named.json().error.fields[0].field).toBe('body.talentId');

    const forTalent = ((await resident.inject({ url: '/api/me/matches' })).json().items as Match[])[0]!;
    expect(forTalent).toMatchObject({ id: match.id, myRoles: ['talent'], canAnswer: true, counterpart: null, talent: { id: talent.id, name: TALENT_NAME } });
    // The talent's side sees its own times; a proposer from the other side applied no inclusion
    // filter (the talent's side decides by answering), so there is no inclusion reason at all.
    expect(forTalent.reasons.find((r) => r.code === 'overlapping_times')).toEqual({ code: 'overlapping_times', slots: [{ day: 'sa', part: 'morning' }], points: 15 });
    expect(forTalent.reasons.map((r) => r.code)).not.toContain('inclusion_met');
    const forAsk = ((await organiser.inject({ url: '/api/me/matches' })).json().items as Match[])[0]!;
    expect(forAsk).toMatchObject({ id: match.id, myRoles: ['ask'], canAnswer: true, counterpart: null, talent: { id: null, name: null } });
    expect(JSON.stringify(forAsk)).not.toContain('free_or_low_cost');
    expect(JSON.stringify(forAsk)).not.toContain('slots');

    // The proposer cannot answer for either side; a stranger does not see the match at all.
    expect((await professional.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: { consent: matchConsent } })).statusCode).toBe(403);
    const stranger = await signedIn(app);
    expect((await stranger.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: { consent: matchConsent } })).statusCode).toBe(404);
    expect((await stranger.inject({ url: `/api/matches/${match.id}` })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/me/matches' })).statusCode).toBe(401);

    expect(badFields(await organiser.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: {} }))).toEqual(['body.consent']);
    expect(badFields(await organiser.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: { consent: { version: '2020-01-01' } } }))).toEqual(['body.consent.version']);
    const askAccepted = await organiser.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: { consent: matchConsent } });
    expect(askAccepted.json()).toMatchObject({ status: 'proposed', askAnswer: 'accepted', counterpart: null });
    expect((await resident.inject({ url: `/api/matches/${match.id}` })).json().counterpart).toBeNull();

    const agreed = await resident.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: { consent: matchConsent } });
    expect(agreed.json()).toMatchObject({ status: 'agreed', counterpart: { displayName: organiser.user.displayName, email: organiser.email, onBehalfOfClient: null } });
    const seenByAsk = (await organiser.inject({ url: `/api/matches/${match.id}` })).json() as Match;
    expect(seenByAsk.counterpart).toEqual({ displayName: resident.user.displayName, email: resident.email, onBehalfOfClient: null });
    expect(seenByAsk.talent).toMatchObject({ id: talent.id, name: TALENT_NAME });
    // Once both agreed, the ask's side sees when the times overlap, to make an appointment.
    expect(seenByAsk.reasons.find((r) => r.code === 'overlapping_times')).toEqual({ code: 'overlapping_times', slots: [{ day: 'sa', part: 'morning' }], points: 15 });
    // Not the proposer: contact is for the two sides.
    const seenByProposer = (await professional.inject({ url: `/api/matches/${match.id}` })).json() as Match;
    expect(seenByProposer.counterpart).toBeNull();
    expect(JSON.stringify(seenByProposer)).not.toContain('slots');
    expect(JSON.stringify(seenByProposer)).not.toContain(resident.email);

    const withdrawn = await organiser.inject({ method: 'POST', url: `/api/matches/${match.id}/withdraw` });
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', counterpart: null });
    const afterwards = (await resident.inject({ url: `/api/matches/${match.id}` })).body;
    expect(afterwards).not.toContain(organiser.email);
    expect((await resident.inject({ method: 'POST', url: `/api/matches/${match.id}/withdraw` })).statusCode).toBe(409);

    // Every change of state is a version and an audit entry; both consents are recorded.
    const versions = (await resident.inject({ url: `/api/matches/${match.id}/versions` })).json().items;
    expect(versions.map((v: { action: string; side: string }) => `${v.action}:${v.side}`)).toEqual(['proposed:proposer', 'accepted:ask', 'accepted:talent', 'withdrawn:ask']);
    const { db } = await testDatabase();
    const audit = await db.selectFrom('audit_log').select('action').where('target_id', '=', match.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['match.proposed', 'match.accepted', 'match.accepted', 'match.withdrawn']);
    const consents = await db.selectFrom('match_consents').select(['purpose', 'side', 'user_id', 'wording_version']).where('match_id', '=', match.id).orderBy('id').execute();
    expect(consents).toEqual([
      { purpose: 'matchContact', side: 'ask', user_id: organiser.user.id, wording_version: CONSENT_TEXTS.matchContact.version },
      { purpose: 'matchContact', side: 'talent', user_id: resident.user.id, wording_version: CONSENT_TEXTS.matchContact.version },
    ]);
  });

  it('lets a talent’s owner propose to an imported ask, which a moderator answers on its behalf', async () => {
    const resident = await signedIn(app, ['resident'], 'voorsteller');
    const talent = await residentTalent(resident);
    const repairCafe = samples.get('leiden-repaircafe')!;
    const noConsent = await resident.inject({ method: 'POST', url: '/api/matches', payload: { assetId: repairCafe, askIndex: 0, talentId: talent.id } });
    expect(badFields(noConsent)).toEqual(['body.consent']);
    const proposed = await resident.inject({ method: 'POST', url: '/api/matches', payload: { assetId: repairCafe, askIndex: 0, talentId: talent.id, consent: matchConsent } });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const match = proposed.json() as Match;
    expect(match).toMatchObject({ talentAnswer: 'accepted', askAnswer: 'pending', myRoles: ['talent', 'proposer'], canAnswer: false, proposedAs: 'talent', asset: { ownerless: true } });
    // The talent's own side proposed: its needs were weighed, but a match stores only the points.
    expect(match.reasons.find((r) => r.code === 'inclusion_met')).toEqual({ code: 'inclusion_met', points: 10 });
    const { db } = await testDatabase();
    const stored = await db.selectFrom('matches').select('reasons').where('id', '=', match.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.reasons)).not.toContain('free_or_low_cost');
    // The moderator answering for the ask sees neither the needs nor the times before agreeing.
    const pending = ((await moderator.inject({ url: '/api/me/matches' })).json().items as Match[]).find((m) => m.id === match.id)!;
    expect(JSON.stringify(pending)).not.toContain('slots');
    expect(pending.reasons.map((r) => r.code)).not.toContain('inclusion_met');

    // The talent's list shows the proposal on that ask.
    const list = (await resident.inject({ url: `/api/matching/talents/${talent.id}/asks` })).json().items as AskMatch[];
    expect(list.find((item) => item.asset.id === repairCafe && item.askIndex === 0)?.openMatchId).toBe(match.id);

    const professional = await signedIn(app, ['professional']);
    expect((await professional.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: { consent: matchConsent } })).statusCode).toBe(404);
    const queue = (await moderator.inject({ url: '/api/me/matches' })).json().items as Match[];
    expect(queue.find((m) => m.id === match.id)).toMatchObject({ myRoles: ['ask'], canAnswer: true, counterpart: null });
    const agreed = await moderator.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: { consent: matchConsent } });
    expect(agreed.json()).toMatchObject({ status: 'agreed', counterpart: { email: resident.email } });
    const seen = (await resident.inject({ url: `/api/matches/${match.id}` })).json() as Match;
    expect(seen.counterpart).toEqual({ displayName: moderator.user.displayName, email: moderator.email, onBehalfOfClient: null });
    // A talent taken off the map is no longer agreed to.
    await neighbourTalents(MIN_CANDIDATES - 1);
    const other = await signedIn(app, ['professional']);
    const [candidate] = (await other.inject({ url: `/api/matching/assets/${repairCafe}/asks/1/talents` })).json().items as TalentCandidate[];
    expect(candidate!.overlap).toBe(true);
    const second = (await other.inject({ method: 'POST', url: '/api/matches', payload: { assetId: repairCafe, askIndex: 1, candidate: candidate!.candidate } })).json() as Match;
    await resident.inject({ method: 'POST', url: `/api/assets/${talent.id}/withdraw` });
    expect((await resident.inject({ method: 'POST', url: `/api/matches/${second.id}/accept`, payload: { consent: matchConsent } })).statusCode).toBe(409);
    // Another moderator is no side of it once one answered.
    const otherModerator = await signedIn(app, ['moderator']);
    expect((await otherModerator.inject({ url: `/api/matches/${match.id}` })).statusCode).toBe(404);
  });

  it('lets a professional propose for a client without an account, recording the client’s consent', async () => {
    const professional = await signedIn(app, ['professional'], 'jobcoach');
    const client = {
      skills: ['koken'], availability: [{ day: 'we', parts: ['evening'] }], needsInclusion: ['wheelchair_access'],
      location: { type: 'Point', coordinates: [5.4100, 52.1740] },
    };
    const search = await professional.inject({ method: 'POST', url: '/api/matching/client-asks', payload: client });
    expect(search.statusCode, search.body).toBe(200);
    const restaurant = samples.get('amersfoort-buurtrestaurant')!;
    const [first] = search.json().items as AskMatch[];
    expect(first).toMatchObject({ asset: { id: restaurant }, askIndex: 0, distanceBand: 'within_1km' });
    expect(first!.reasons).toEqual([
      { code: 'shared_skills', skills: ['koken'], named: true, points: 40 },
      { code: 'distance', band: 'within_1km', points: 25 },
      { code: 'overlapping_times', slots: [{ day: 'we', part: 'evening' }], points: 15 },
      { code: 'inclusion_met', features: ['wheelchair_access'], points: 10 },
    ]);

    const resident = await signedIn(app);
    expect((await resident.inject({ method: 'POST', url: '/api/matching/client-asks', payload: client })).statusCode).toBe(403);
    const asResident = await resident.inject({ method: 'POST', url: '/api/matches', payload: { assetId: restaurant, askIndex: 0, client: { ...client, label: 'J.B.', consent: clientConsent }, consent: matchConsent } });
    expect(asResident.statusCode).toBe(403);

    const withoutClientConsent = await professional.inject({ method: 'POST', url: '/api/matches', payload: { assetId: restaurant, askIndex: 0, client: { ...client, label: 'J.B.' }, consent: matchConsent } });
    expect(badFields(withoutClientConsent)).toEqual(['body.client.consent']);
    const badSkill = await professional.inject({ method: 'POST', url: '/api/matches', payload: { assetId: restaurant, askIndex: 0, client: { ...client, skills: ['jongleren'], label: 'J.B.', consent: clientConsent }, consent: matchConsent } });
    expect(badFields(badSkill)).toEqual(['body.client.skills.0']);
    const named = await professional.inject({ method: 'POST', url: '/api/matches', payload: { assetId: restaurant, askIndex: 0, client: { ...client, label: 'jan@example.nl', consent: clientConsent }, consent: matchConsent } });
    expect(badFields(named)).toEqual(['body.client.label']);

    const proposed = await professional.inject({
      method: 'POST', url: '/api/matches',
      payload: { assetId: restaurant, askIndex: 0, client: { ...client, label: 'J.B.', consent: clientConsent }, consent: matchConsent },
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const match = proposed.json() as Match;
    expect(match).toMatchObject({ talentAnswer: 'accepted', askAnswer: 'pending', myRoles: ['talent', 'proposer'], talent: { id: null, clientLabel: 'J.B.', skills: ['koken'] } });

    const { db } = await testDatabase();
    const consents = await db.selectFrom('match_consents').selectAll().where('match_id', '=', match.id).orderBy('id').execute();
    expect(consents.map(({ purpose, side, user_id, on_behalf_of_client, wording_version }) => ({ purpose, side, user_id, on_behalf_of_client, wording_version }))).toEqual([
      { purpose: 'matchContact', side: 'talent', user_id: professional.user.id, on_behalf_of_client: false, wording_version: CONSENT_TEXTS.matchContact.version },
      { purpose: 'clientMatch', side: 'talent', user_id: professional.user.id, on_behalf_of_client: true, wording_version: CONSENT_TEXTS.clientMatch.version },
    ]);
    expect(consents[1]!.given_at).toBeInstanceOf(Date);
    // The client's place was only for the distance: it is not stored anywhere with the match.
    const stored = JSON.stringify(await db.selectFrom('matches').selectAll().where('id', '=', match.id).execute());
    expect(stored).not.toContain('5.41');
    // Nor what the client needs: only the points of the inclusion reason.
    expect(stored).not.toContain('wheelchair_access');
    expect(match.reasons.find((r) => r.code === 'inclusion_met')).toEqual({ code: 'inclusion_met', points: 10 });

    const agreed = await moderator.inject({ method: 'POST', url: `/api/matches/${match.id}/accept`, payload: { consent: matchConsent } });
    expect(agreed.json().counterpart).toEqual({ displayName: professional.user.displayName, email: professional.email, onBehalfOfClient: 'J.B.' });
  });

  it('answers bad proposals with 400s naming the field, and strangers with 401 or 403', async () => {
    const repairCafe = samples.get('leiden-repaircafe')!;
    const resident = await signedIn(app, ['resident'], 'tweemaal');
    const talent = await residentTalent(resident);
    const body = { assetId: repairCafe, askIndex: 0, talentId: talent.id, consent: matchConsent };
    expect((await app.inject({ method: 'POST', url: '/api/matches', payload: body })).statusCode).toBe(401);
    expect(badFields(await resident.inject({ method: 'POST', url: '/api/matches', payload: { ...body, candidate: 'x'.repeat(30) } }))).toEqual(['body.talentId']);
    expect(badFields(await resident.inject({ method: 'POST', url: '/api/matches', payload: { ...body, askIndex: -1 } }))).toEqual(['body.askIndex']);
    expect(badFields(await resident.inject({ method: 'POST', url: '/api/matches', payload: { ...body, askIndex: 7 } }))).toEqual(['body.askIndex']);
    expect(badFields(await resident.inject({ method: 'POST', url: '/api/matches', payload: { ...body, assetId: 'abc' } }))).toEqual(['body.assetId']);
    // A resident may propose only their own talent.
    const other = await signedIn(app);
    expect((await other.inject({ method: 'POST', url: '/api/matches', payload: { ...body } })).statusCode).toBe(403);
    // An ask the talent does not fit.
    const lotgenoten = samples.get('leiden-lotgenoten-herstel')!;
    const unfit = await resident.inject({ method: 'POST', url: '/api/matches', payload: { ...body, assetId: lotgenoten } });
    expect(badFields(unfit)).toEqual(['body.talentId']);
    expect(unfit.body).not.toContain('inclusion');
    expect((await app.inject({ url: `/api/matching/talents/${talent.id}/asks` })).statusCode).toBe(401);
    expect((await other.inject({ url: `/api/matching/talents/${talent.id}/asks` })).statusCode).toBe(403);
    expect(badFields(await resident.inject({ url: `/api/matching/talents/${talent.id}/asks?limit=0` }))).toEqual(['query.limit']);
  });
});

describe('privacy of matching', () => {
  it('lets only the talent’s own side name a talent, and tells the other side no times and nothing of the needs', async () => {
    const resident = await signedIn(app, ['resident'], 'rolstoel');
    // The person needs free or cheap places (the initiative is), and is free on Saturday morning.
    const talent = await residentTalent(resident);
    const organiser = await signedIn(app, ['resident'], 'eigenaar');
    const initiative = await ownInitiative(organiser);
    const professional = await signedIn(app, ['professional'], 'consulent');

    // The other side cannot name a talent from the map: the answer (it fits, or a match exists)
    // would tie an anonymous match to a person. It proposes from the anonymous list instead.
    for (const viewer of [organiser, professional]) {
      const named = await viewer.inject({ method: 'POST', url: '/api/matches', payload: { assetId: initiative, askIndex: 0, talentId: talent.id, consent: matchConsent } });
      expect(named.statusCode, named.body).toBe(403);
      expect(named.json().error.fields[0].field).toBe('body.talentId');
    }

    // The talent's side proposes; the asset's owner sees whether times overlap, never when, and
    // nothing of what the person needs; proposing, withdrawing and proposing again tells no more.
    for (let round = 0; round < 2; round++) {
      const proposed = await resident.inject({ method: 'POST', url: '/api/matches', payload: { assetId: initiative, askIndex: 0, talentId: talent.id, consent: matchConsent } });
      expect(proposed.statusCode, proposed.body).toBe(201);
      const match = proposed.json() as Match;
      // The talent's own side sees its times.
      expect(match.reasons.find((r) => r.code === 'overlapping_times')).toMatchObject({ slots: [{ day: 'sa', part: 'morning' }] });
      for (const view of [(await organiser.inject({ url: `/api/matches/${match.id}` })).body, (await organiser.inject({ url: '/api/me/matches' })).body]) {
        for (const trace of ['slots', 'morning', 'free_or_low_cost']) expect(view, trace).not.toContain(trace);
      }
      expect((await resident.inject({ method: 'POST', url: `/api/matches/${match.id}/withdraw` })).statusCode).toBe(200);
    }
    // Nothing stored says what the person needs.
    const { db } = await testDatabase();
    const stored = await db.selectFrom('matches').select('reasons').where('talent_id', '=', talent.id).execute();
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain('free_or_low_cost');

    // An asset that is always open would give away the whole availability: still only yes or no.
    const alwaysOpen = await createAsset(app, {
      name: 'Fietsenwerkplaats Altijd Open', category: 'repair_cafe', inclusionFeatures: ['free_or_low_cost'],
      location: { type: 'Point', coordinates: [4.4960, 52.1648] },
      schedule: { alwaysOpen: true },
      asks: [{ type: 'volunteers', description: 'Fietsenmakers', skills: ['fietsen_repareren'] }],
    });
    const toOpen = await resident.inject({ method: 'POST', url: '/api/matches', payload: { assetId: alwaysOpen.id, askIndex: 0, talentId: talent.id, consent: matchConsent } });
    expect(toOpen.statusCode, toOpen.body).toBe(201);
    const askSide = await testModerator(app);
    const seen = (await askSide.inject({ url: `/api/matches/${toOpen.json().id}` })).body;
    for (const trace of ['slots', 'morning', '"sa"', 'free_or_low_cost']) expect(seen, trace).not.toContain(trace);
  });

  it('shows no candidates while fewer than five fit, and orders equal ones without their ids', async () => {
    const repairCafe = samples.get('leiden-repaircafe')!;
    const professional = await signedIn(app, ['professional'], 'wijkcoach');
    const list = async (viewer: Agent) => {
      const response = await viewer.inject({ url: `/api/matching/assets/${repairCafe}/asks/1/talents?radius=1000` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { items: TalentCandidate[]; fewerThanMinimum: boolean; minimum: number };
    };
    expect(await list(professional)).toMatchObject({ items: [], fewerThanMinimum: true, minimum: MIN_CANDIDATES });
    // Four talents fit: still none shown, so a sparse area cannot be probed for one person.
    const talents = await neighbourTalents(MIN_CANDIDATES - 1);
    expect(await list(professional)).toMatchObject({ items: [], fewerThanMinimum: true });
    talents.push(...(await neighbourTalents(3)));
    const shown = await list(professional);
    expect(shown.fewerThanMinimum).toBe(false);
    expect(shown.items).toHaveLength(7);
    // All equal (same place, skills and times): ties are broken by a keyed hash of the talent,
    // the ask and the viewer, never by the talent's public id.
    expect(new Set(shown.items.map((item) => item.score)).size).toBe(1);
    const order: string[] = [];
    for (const item of shown.items) {
      const proposed = await professional.inject({ method: 'POST', url: '/api/matches', payload: { assetId: repairCafe, askIndex: 1, candidate: item.candidate } });
      expect(proposed.statusCode, proposed.body).toBe(201);
      const { db } = await testDatabase();
      order.push((await db.selectFrom('matches').select('talent_id').where('id', '=', proposed.json().id).executeTakeFirstOrThrow()).talent_id!);
    }
    const ids = talents.map(({ talent }) => talent.id);
    expect([...order].sort()).toEqual([...ids].sort());
    const { db } = await testDatabase();
    const secret = (await db.selectFrom('app_secrets').select('value').where('name', '=', 'match-candidate').executeTakeFirstOrThrow()).value;
    const key = createHash('sha256').update(secret).digest();
    const scope = `${repairCafe}:1:${professional.user.id}`;
    const hmac = (id: string) => createHmac('sha256', key).update(`order\u0000${scope}\u0000${id}`).digest('hex');
    expect(order).toEqual([...ids].sort((a, b) => (hmac(a) < hmac(b) ? -1 : 1)));
    // Seven equal candidates in id order by chance: 1 in 5040.
    expect(order).not.toEqual([...ids].sort());

    // "Already proposed" is the viewer's own proposals only: another viewer learns nothing of them.
    expect((await list(professional)).items.every((item) => item.alreadyProposed)).toBe(true);
    const colleague = await signedIn(app, ['professional'], 'collega');
    expect((await list(colleague)).items.map((item) => item.alreadyProposed)).toEqual(Array(7).fill(false));
  });

  it('limits the candidate list per account', async () => {
    const repairCafe = samples.get('leiden-repaircafe')!;
    const professional = await signedIn(app, ['professional'], 'veelvrager');
    for (let i = 0; i < 60; i++) {
      expect((await professional.inject({ url: `/api/matching/assets/${repairCafe}/asks/1/talents` })).statusCode).toBe(200);
    }
    expect((await professional.inject({ url: `/api/matching/assets/${repairCafe}/asks/1/talents` })).statusCode).toBe(429);
    expect((await (await signedIn(app, ['professional'])).inject({ url: `/api/matching/assets/${repairCafe}/asks/1/talents` })).statusCode).toBe(200);
  });

  it('lists a moderator’s own matches among many ownerless ones others answered', async () => {
    const resident = await signedIn(app, ['resident'], 'eigen');
    const talent = await residentTalent(resident);
    const repairCafe = samples.get('leiden-repaircafe')!;
    const proposed = (await resident.inject({ method: 'POST', url: '/api/matches', payload: { assetId: repairCafe, askIndex: 0, talentId: talent.id, consent: matchConsent } })).json() as Match;
    const answerer = await signedIn(app, ['moderator'], 'beantwoorder');
    expect((await answerer.inject({ method: 'POST', url: `/api/matches/${proposed.id}/accept`, payload: { consent: matchConsent } })).statusCode).toBe(200);

    // 250 newer matches of ownerless assets: 150 another moderator answered, 100 still pending.
    const otherModerator = await signedIn(app, ['moderator'], 'ander');
    const professional = await signedIn(app, ['professional'], 'bulk');
    const { db } = await testDatabase();
    const ask = { type: 'volunteers', description: 'Vrijwilligers' };
    for (let i = 0; i < 250; i++) {
      const answered = i < 150;
      await insertMatch(db, {
        talentId: null, clientLabel: `C${i}`, clientSkills: ['klussen'], talentContactId: professional.user.id,
        assetId: repairCafe, askIndex: 0, ask, askContactId: answered ? otherModerator.user.id : null,
        proposedBy: professional.user.id, proposedAs: 'professional', proposedVia: 'client', message: null,
        talentAnswer: 'accepted', askAnswer: answered ? 'accepted' : 'pending', distanceBand: 'within_1km', score: 50, reasons: [],
      });
    }
    const mine = (await answerer.inject({ url: '/api/me/matches' })).json().items as Match[];
    expect(mine.find((m) => m.id === proposed.id)).toMatchObject({ status: 'agreed', myRoles: ['ask'] });
    // Besides it, the queue of pending ones it may answer, and none another moderator answered.
    expect(mine).toHaveLength(101);
    expect(mine.every((m) => m.id === proposed.id || m.askAnswer === 'pending')).toBe(true);
  });
});
