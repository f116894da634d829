import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Buurtscan, INDICATORS } from '@kwartier/shared';
import { dirtyGemeenten } from '../../server/src/modules/buurtscan/reach.repository.ts';
import { areaCounts, areaCountsLive } from '../../server/src/modules/buurtscan/buurtscan.repository.ts';
import { refreshReach } from '../../server/src/modules/buurtscan/reach.service.ts';
import { seedDemoData } from '../../seeds/demo.ts';
import { buildTestApp, resetToDemoData, testDatabase } from '../helpers/app.ts';
import { createAsset, testModerator } from '../helpers/fixtures.ts';

/**
 * Reach is kept per unit and computed again where something changed: the figures must be
 * exactly those of a computation from nothing, and follow every change of the assets.
 */
let app: FastifyInstance;
beforeAll(async () => {
  await resetToDemoData();
  app = await buildTestApp();
});
afterAll(() => app.close());

const REACH = 'reach_500.peer_support,reach_1000.meeting_place,reach_500.contact_point';

async function scan(gemeente: string): Promise<Buurtscan> {
  const response = await app.inject({ url: `/api/buurtscan?level=buurt&gemeente=${gemeente}&indicators=${REACH}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Buurtscan;
}
const dirty = async () => (await dirtyGemeenten((await testDatabase()).db)).map((entry) => entry.gemeente);

describe('kept reach', () => {
  it('equals a computation from nothing', async () => {
    await refreshReach((await testDatabase()).db);
    expect(await dirty()).toEqual([]);
    const kept = await scan('GM0546');
    // Forget everything and compute again from nothing.
    const { db } = await testDatabase();
    await sql`DELETE FROM reach_cache`.execute(db);
    await sql`INSERT INTO reach_dirty (gemeente_code) SELECT DISTINCT gemeente_code FROM areas ON CONFLICT DO NOTHING`.execute(db);
    const fresh = await scan('GM0546');
    expect(fresh.areas.map((area) => area.values)).toEqual(kept.areas.map((area) => area.values));
    expect(kept.areas.some((area) => (area.values['reach_1000.meeting_place'] ?? 0) > 0)).toBe(true);
  });

  it('follows a new peer-support group at once, and marks only the gemeenten near it', async () => {
    const { db } = await testDatabase();
    await refreshReach(db);
    const before = await scan('GM0546');
    // A new group in the south of Leiden: near no other gemeente of the demo.
    const computedAt = async (target: string) =>
      (await sql<{ at: string }>`SELECT max(c.computed_at)::text AS at FROM reach_cache c JOIN areas a ON a.code = c.unit_code
                                  WHERE a.gemeente_code = 'GM0546' AND c.target = ${target}`.execute(db)).rows[0]!.at;
    const meetingBefore = await computedAt('meeting_place');
    const peerBefore = await computedAt('peer_support');
    const group = await createAsset(app, { name: 'Nieuwe lotgenotengroep', location: { type: 'Point', coordinates: [4.4897, 52.1443] } });
    expect(await dirty()).toEqual(['GM0546']);
    const after = await scan('GM0546');
    // Only the reach a peer-support group can move was computed again.
    expect(await computedAt('peer_support')).not.toBe(peerBefore);
    expect(await computedAt('meeting_place')).toBe(meetingBefore);
    const buurt = group.buurt!.code;
    const reachOf = (result: Buurtscan) => result.areas.find((area) => area.code === buurt)!.values['reach_500.peer_support']!;
    expect(reachOf(after)).toBeGreaterThan(reachOf(before));
    expect(await dirty()).toEqual([]);

    // Archived, it no longer counts.
    const moderator = await testModerator(app);
    expect((await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${group.id}/archive`, payload: { message: 'Gestopt' } })).statusCode).toBe(200);
    expect(await dirty()).toEqual(['GM0546']);
    expect(reachOf(await scan('GM0546'))).toBe(reachOf(before));
  });

  it('computes everything again after the assets were emptied at once', async () => {
    const { db } = await testDatabase();
    await refreshReach(db);
    await sql`TRUNCATE assets CASCADE`.execute(db);
    expect((await dirty()).sort()).toEqual(['GM0222', 'GM0307', 'GM0546']);
    const empty = await scan('GM0307');
    expect(empty.areas.every((area) => (area.values['reach_1000.meeting_place'] ?? 0) === 0)).toBe(true);
    await seedDemoData(db, { info: () => {} });
  });
});

describe('kept counts', () => {
  const measures = INDICATORS.filter((indicator) => indicator.measure.type !== 'reach').map((indicator) => indicator.measure as never);
  async function sameAsCounted() {
    const { db } = await testDatabase();
    for (const level of ['buurt', 'wijk', 'gemeente'] as const) {
      const scope = { level, year: 2015 };
      expect(await areaCounts(db, scope, measures)).toEqual(await areaCountsLive(db, scope, measures));
    }
  }

  it('equal counting the assets, after every kind of change', async () => {
    await sameAsCounted();
    const moderator = await testModerator(app);
    // New, changed in its tags and its place, archived, deleted, emptied at once.
    const group = await createAsset(app, { name: 'Telgroep', location: { type: 'Point', coordinates: [4.4897, 52.1443] } });
    await sameAsCounted();
    const patched = await moderator.inject({
      method: 'PATCH', url: `/api/assets/${group.id}`,
      payload: { socialCapital: ['bridging', 'linking'], inclusionFeatures: ['wheelchair_access'], location: { type: 'Point', coordinates: [5.3872, 52.1552] } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    await sameAsCounted();
    expect((await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${group.id}/archive`, payload: { message: 'Weg' } })).statusCode).toBe(200);
    await sameAsCounted();
    const { db } = await testDatabase();
    await db.deleteFrom('assets').where('source', '=', 'duo-scholen-vo-2016').execute();
    await sameAsCounted();
    await sql`TRUNCATE assets CASCADE`.execute(db);
    await sameAsCounted();
    await seedDemoData(db, { info: () => {} });
    await sameAsCounted();
  });
});
