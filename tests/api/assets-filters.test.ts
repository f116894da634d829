import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Asset, AssetPage } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas } from '../helpers/app.ts';
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
