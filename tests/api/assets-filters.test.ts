import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { type Asset, type AssetPage, COUNT_CAP, type NearbyResult } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { badFields, createAsset, testModerator } from '../helpers/fixtures.ts';

let app: FastifyInstance;
const ids: Record<string, string> = {};

/** A small, known world: each asset differs from the others in what the filters look at. */
beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  app = await buildTestApp();
  const make = async (key: string, overrides: Record<string, unknown>) => {
    ids[key] = (await createAsset(app, overrides)).id;
  };
  await make('peerGroupLeiden', {
    name: 'Lotgenoten Herstelgroep', description: 'Samen werken aan herstel', socialCapital: ['bonding'], inclusionFeatures: ['peer_experts', 'low_stimulus', 'free_or_low_cost'],
    targetGroups: ['psychiatric'], characteristics: ['open_attitude'], location: { type: 'Point', coordinates: [4.4921, 52.1612] },
  });
  await make('libraryLeiden', {
    kind: 'facility', category: 'bibliotheek', name: 'Bibliotheek Centrum', description: 'Boeken en een 100% gratis taalspreekuur',
    socialCapital: ['bridging', 'linking'], inclusionFeatures: ['wheelchair_access', 'free_or_low_cost'], targetGroups: ['everyone', 'newcomers'],
    characteristics: ['resources'], location: { type: 'Point', coordinates: [4.4870, 52.1590] },
  });
  await make('wijkteamAmersfoort', {
    description: '', kind: 'contact_point', category: 'wijkteam', name: 'Wijkteam Zuid', socialCapital: ['linking'], inclusionFeatures: ['easy_language'],
    targetGroups: ['multiple_problems'], characteristics: ['in_view', 'safety'], location: { type: 'Point', coordinates: [5.388, 52.1575] },
  });
  await make('pendingDoetinchem', {
    kind: 'public_space', category: 'plein', name: 'Simonsplein', description: '', status: 'pending', socialCapital: ['bridging'], inclusionFeatures: [],
    targetGroups: ['everyone'], characteristics: ['safety'], location: { type: 'Point', coordinates: [6.2965, 51.9655] },
  });
});
afterAll(() => app.close());

async function names(query: string, as: { inject: FastifyInstance['inject'] } = app): Promise<string[]> {
  const response = await as.inject({ url: `/api/assets?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as AssetPage).items.map((asset) => Object.entries(ids).find(([, id]) => id === asset.id)?.[0] ?? asset.id).sort();
}

describe('asset list filters', () => {
  it('lists published assets only, unless a moderator asks for a status', async () => {
    expect(await names('')).toEqual(['libraryLeiden', 'peerGroupLeiden', 'wijkteamAmersfoort']);
    const moderator = await testModerator(app);
    expect(await names('status=pending', moderator as never)).toEqual(['pendingDoetinchem']);
    expect(await names('status=pending,published', moderator as never)).toHaveLength(4);
    const refused = await app.inject({ url: '/api/assets?status=pending' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.fields).toEqual([{ field: 'query.status', message: expect.any(String) }]);
  });

  it.each([
    ['kind=facility', ['libraryLeiden']],
    ['kind=facility&kind=contact_point', ['libraryLeiden', 'wijkteamAmersfoort']],
    ['category=lotgenotengroep', ['peerGroupLeiden']],
    ['socialCapital=linking', ['libraryLeiden', 'wijkteamAmersfoort']],
    ['socialCapital=bonding,linking', ['libraryLeiden', 'peerGroupLeiden', 'wijkteamAmersfoort']],
    ['inclusion=free_or_low_cost', ['libraryLeiden', 'peerGroupLeiden']],
    ['inclusion=free_or_low_cost,peer_experts', ['peerGroupLeiden']],
    ['targetGroup=newcomers', ['libraryLeiden']],
    ['characteristic=safety', ['wijkteamAmersfoort']],
    ['area=GM0546', ['libraryLeiden', 'peerGroupLeiden']],
    ['area=GM0307', ['wijkteamAmersfoort']],
    ['area=WK054601', ['peerGroupLeiden']],
    ['bbox=4.48,52.15,4.50,52.17', ['libraryLeiden', 'peerGroupLeiden']],
    ['bbox=5,52,6,53', ['wijkteamAmersfoort']],
    ['q=herstel', ['peerGroupLeiden']],
    ['q=TAALSPREEKUUR', ['libraryLeiden']],
    ['q=100%25', ['libraryLeiden']],
    ['q=%25', ['libraryLeiden']],
    ['q=_', []],
    ['kind=facility&socialCapital=bonding', []],
  ])('%s', async (query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  it('finds an asset by the buurt code it was placed in', async () => {
    const asset = (await app.inject({ url: `/api/assets/${ids.peerGroupLeiden}` })).json() as Asset;
    expect(await names(`area=${asset.buurt!.code}`)).toEqual(['peerGroupLeiden']);
  });

  it('pages through results in name order with a total', async () => {
    const first = (await app.inject({ url: '/api/assets?limit=2' })).json() as AssetPage;
    const second = (await app.inject({ url: '/api/assets?limit=2&offset=2' })).json() as AssetPage;
    expect(first.total).toBe(3);
    expect(first.items.map((a) => a.name)).toEqual(['Bibliotheek Centrum', 'Lotgenoten Herstelgroep']);
    expect(second.items.map((a) => a.name)).toEqual(['Wijkteam Zuid']);
  });

  it('refuses a page larger than the maximum and names the parameter', async () => {
    expect(badFields(await app.inject({ url: '/api/assets?limit=101' }))).toEqual(['query.limit']);
    expect(badFields(await app.inject({ url: '/api/assets?offset=-1' }))).toEqual(['query.offset']);
  });

  it('refuses unknown filter values and names them', async () => {
    expect(badFields(await app.inject({ url: '/api/assets?kind=castle' }))).toEqual(['query.kind.0']);
    expect(badFields(await app.inject({ url: '/api/assets?inclusion=wheelchair_access,flying' }))).toEqual(['query.inclusion.1']);
    expect(badFields(await app.inject({ url: '/api/assets?area=Leiden' }))).toEqual(['query.area.0']);
    expect(badFields(await app.inject({ url: '/api/assets?bbox=5,53,4,52' }))).toEqual(['query.bbox']);
    expect(badFields(await app.inject({ url: '/api/assets?bbox=1,2,3' }))).toEqual(['query.bbox']);
    expect(badFields(await app.inject({ url: '/api/assets?kinds=facility' }))).toEqual(['query.kinds']);
  });
});

describe('counts of long lists', () => {
  const centre = { lon: 6.2959, lat: 51.9650 };
  const box = [6.28, 51.955, 6.31, 51.975].join(',');

  beforeAll(async () => {
    // 1,005 published assets in Doetinchem: past what a list counts.
    const { db } = await testDatabase();
    await sql`INSERT INTO assets (kind, category, name, status, source, geom, precision)
              SELECT 'initiative', 'inloop', 'Telling ' || lpad(i::text, 4, '0'), 'published', 'test',
                     ST_SetSRID(ST_MakePoint(${centre.lon} + (i % 40) * 0.0002, ${centre.lat} + (i / 40) * 0.0002), 4326), 'exact'
                FROM generate_series(1, ${COUNT_CAP + 5}) AS i`.execute(db);
  });
  afterAll(async () => {
    const { db } = await testDatabase();
    await sql`DELETE FROM assets WHERE source = 'test' AND name LIKE 'Telling %'`.execute(db);
  });

  it('say "more than 1,000" instead of counting every match, and still page past it', async () => {
    const page = (await app.inject({ url: `/api/assets?bbox=${box}&limit=20` })).json() as AssetPage;
    expect(page).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    const last = (await app.inject({ url: `/api/assets?bbox=${box}&limit=20&offset=${COUNT_CAP}` })).json() as AssetPage;
    expect(last.items.map((asset) => asset.name)).toEqual(['Telling 1001', 'Telling 1002', 'Telling 1003', 'Telling 1004', 'Telling 1005']);
    const nearby = (await app.inject({ url: `/api/assets/nearby?lat=${centre.lat}&lon=${centre.lon}&radius=2000` })).json() as NearbyResult;
    expect(nearby).toMatchObject({ total: COUNT_CAP, totalCapped: true });
  });

  it('count exactly below the cap', async () => {
    const page = (await app.inject({ url: `/api/assets?bbox=${box}&q=${encodeURIComponent('Telling 09')}` })).json() as AssetPage;
    expect(page).toMatchObject({ total: 100, totalCapped: false });
    const nearby = (await app.inject({ url: `/api/assets/nearby?lat=${centre.lat}&lon=${centre.lon}&radius=2000&q=Telling%20100` })).json() as NearbyResult;
    expect(nearby).toMatchObject({ total: 6, totalCapped: false });
  });
});
