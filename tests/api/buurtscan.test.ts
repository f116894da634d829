import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import area from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { point } from '@turf/helpers';
import { AssetImportSchema, type Asset, type Buurtscan, INDICATORS, POPULATION_MODEL } from '@kwartier/shared';
import { buildTestApp, resetToDemoData, testDatabase } from '../helpers/app.ts';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { upsertArea } from '../../server/src/modules/areas/areas.repository.ts';
import { insertAsset } from '../../server/src/modules/assets/assets.repository.ts';
import { assetImportToRow } from '../../server/src/modules/assets/assets.service.ts';
import { buurtscan } from '../../server/src/modules/buurtscan/buurtscan.service.ts';

type Feature = { properties: Record<string, unknown>; geometry: Parameters<typeof booleanPointInPolygon>[1] };
const cbsFile = (name: string) =>
  (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'seeds', 'data', 'cbs-wijkbuurt-2015', name), 'utf8')) as { features: Feature[] }).features;

const GEMEENTEN = [
  { code: 'GM0546', file: 'leiden' },
  { code: 'GM0307', file: 'amersfoort' },
  { code: 'GM0222', file: 'doetinchem' },
];

let app: FastifyInstance;
beforeAll(async () => {
  await resetToDemoData();
  app = await buildTestApp();
});
afterAll(() => app.close());

async function scan(query: string): Promise<Buurtscan> {
  const response = await app.inject({ url: `/api/buurtscan?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Buurtscan;
}

async function published(query: string): Promise<Asset[]> {
  const items: Asset[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await app.inject({ url: `/api/assets?${query}&limit=100&offset=${offset}` })).json();
    items.push(...page.items);
    if (items.length >= page.total) return items;
  }
}

describe('buurtscan indicators, checked against independent computations on the real CBS data', () => {
  it.each(GEMEENTEN)('counts the schools of each buurt of $file as turf does against the CBS polygons', async ({ code, file }) => {
    const schools = await published(`category=school&area=${code}`);
    expect(schools.length).toBeGreaterThan(5);
    const result = await scan(`level=buurt&gemeente=${code}&indicators=assets_per_1000.category.school`);
    const buurten = cbsFile(`buurten_2015_${file}.geojson`);
    expect(result.areas).toHaveLength(buurten.length);
    let compared = 0;
    for (const buurt of buurten) {
      const expected = schools.filter((school) => booleanPointInPolygon(point(school.location.coordinates), buurt.geometry)).length;
      const row = result.areas.find((a) => a.code === buurt.properties.BU_CODE)!;
      const value = row.values['assets_per_1000.category.school'];
      if (row.inhabitants === null || row.inhabitants === 0) {
        expect(value).toBeNull();
        continue;
      }
      expect(Math.round(((value ?? 0) * row.inhabitants) / 1000), String(buurt.properties.BU_NAAM)).toBe(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it.each(GEMEENTEN)('takes the inhabitants of $file from CBS, and its buurten add up to them within CBS rounding', async ({ code, file }) => {
    const [gemeente] = cbsFile(`gemeente_2015_${file}.geojson`);
    const byGemeente = (await scan(`level=gemeente&gemeente=${code}&indicators=assets_per_1000`)).areas[0]!;
    expect(byGemeente.inhabitants).toBe(gemeente!.properties.AANT_INW);
    const buurten = (await scan(`level=buurt&gemeente=${code}&indicators=assets_per_1000`)).areas;
    const summed = buurten.reduce((sum, buurt) => sum + (buurt.inhabitants ?? 0), 0);
    // CBS rounds buurt figures to fives and keeps some secret: the sum differs by a fraction of a percent.
    expect(Math.abs(summed - byGemeente.inhabitants!) / byGemeente.inhabitants!).toBeLessThan(0.005);
    // Assets per 1,000 inhabitants of the gemeente: every published asset inside its polygon, counted by turf.
    const all = await published(`area=${code}`);
    const inside = all.filter((asset) => booleanPointInPolygon(point(asset.location.coordinates), gemeente!.geometry)).length;
    expect(byGemeente.assets).toBe(all.length);
    expect(Math.abs(inside - all.length)).toBeLessThanOrEqual(1); // a snapped talent may sit on the edge
    expect(byGemeente.values.assets_per_1000).toBeCloseTo((all.length * 1000) / byGemeente.inhabitants!, 2);
  });

  it('gives shares between 0 and 1 that match the assets counted by their tags', async () => {
    const result = await scan('level=gemeente&gemeente=GM0546&indicators=social_capital.bonding,inclusion.low_stimulus,target_group.psychiatric');
    const row = result.areas[0]!;
    const all = await published('area=GM0546');
    const share = (test: (asset: Asset) => boolean) => Math.round((all.filter(test).length / all.length) * 10_000) / 10_000;
    expect(row.values['social_capital.bonding']).toBe(share((a) => a.socialCapital.includes('bonding')));
    expect(row.values['inclusion.low_stimulus']).toBe(share((a) => a.inclusionFeatures.includes('low_stimulus')));
    expect(row.values['target_group.psychiatric']).toBe(share((a) => a.targetGroups.includes('psychiatric')));
  });

  it('computes every indicator for every buurt of a gemeente, and names unknown ones', async () => {
    const result = await scan('level=buurt&gemeente=GM0222');
    expect(result.indicators).toHaveLength(INDICATORS.length);
    for (const row of result.areas) expect(Object.keys(row.values)).toHaveLength(INDICATORS.length);
    // Reach for every buurt of the country takes minutes: per buurt or wijk it needs a gemeente.
    const national = await app.inject({ url: '/api/buurtscan?level=buurt&indicators=reach_500.walk_in' });
    expect(national.json().error.fields).toEqual([{ field: 'query.gemeente', message: expect.any(String) }]);
    expect((await app.inject({ url: '/api/buurtscan?level=buurt&indicators=assets_per_1000' })).statusCode).toBe(200);
    const bad = await app.inject({ url: '/api/buurtscan?indicators=assets_per_1000,happiness' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].field).toBe('query.indicators.1');
  });

  it('describes each indicator, and every reach indicator states its population model', async () => {
    const catalogue = (await app.inject({ url: '/api/buurtscan/indicators' })).json();
    expect(catalogue.indicators).toHaveLength(INDICATORS.length);
    const reach = catalogue.indicators.filter((i: { group: string }) => i.group === 'reach');
    expect(reach).toHaveLength(8);
    for (const indicator of reach) expect(indicator.description.nl).toContain(POPULATION_MODEL.nl);
  });
});

describe('reach, on a case computed by hand', () => {
  /** A lon/lat square of about 1 km by 1 km in Groningen, `east` km east of 6.5. */
  const SIDE_LAT = 1 / 111.32;
  const SIDE_LON = 1 / (111.32 * Math.cos((53.2 * Math.PI) / 180));
  const square = (east: number) => ({
    type: 'Polygon',
    coordinates: [[
      [6.5 + east * SIDE_LON, 53.2], [6.5 + (east + 1) * SIDE_LON, 53.2], [6.5 + (east + 1) * SIDE_LON, 53.2 + SIDE_LAT],
      [6.5 + east * SIDE_LON, 53.2 + SIDE_LAT], [6.5 + east * SIDE_LON, 53.2],
    ]],
  });

  it('covers a quarter circle of the buurt whose corner holds the group, and weighs buurten by inhabitants', async () => {
    const { db } = await testDatabase();
    const rollback = new Error('rollback');
    const results: Record<string, Buurtscan> = {};
    await db
      .transaction()
      .execute(async (trx) => {
        const base = { year: 2015, households: null, landAreaHectares: null, keyFigures: {}, source: 'test', gemeenteCode: 'GM9999' };
        const both = { type: 'Polygon', coordinates: [[[6.5, 53.2], [6.5 + 2 * SIDE_LON, 53.2], [6.5 + 2 * SIDE_LON, 53.2 + SIDE_LAT], [6.5, 53.2 + SIDE_LAT], [6.5, 53.2]]] };
        await upsertArea(trx, { ...base, code: 'GM9999', level: 'gemeente', name: 'Proefgemeente', parentCode: null, inhabitants: 4000, geometry: both });
        await upsertArea(trx, { ...base, code: 'WK999901', level: 'wijk', name: 'Proefwijk', parentCode: 'GM9999', inhabitants: 4000, geometry: both });
        await upsertArea(trx, { ...base, code: 'BU99990101', level: 'buurt', name: 'West', parentCode: 'WK999901', inhabitants: 1000, geometry: square(0) });
        await upsertArea(trx, { ...base, code: 'BU99990102', level: 'buurt', name: 'Oost', parentCode: 'WK999901', inhabitants: 3000, geometry: square(1) });
        // A peer-support group at the south-west corner of "West".
        await insertAsset(trx, assetImportToRow(AssetImportSchema.parse({
          kind: 'initiative', category: 'lotgenotengroep', name: 'Proefgroep', location: { type: 'Point', coordinates: [6.5, 53.2] },
          source: 'test', sourceId: 'proefgroep',
        })));
        const indicators = 'reach_500.peer_support,reach_1000.peer_support';
        for (const level of ['buurt', 'wijk', 'gemeente'] as const) {
          results[level] = await buurtscan(trx as never, { level, gemeente: 'GM9999', indicators: indicators.split(',') }, new Date());
        }
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });

    // By hand: a quarter circle of radius r inside a 1 km² square holds π r² / 4.
    const westArea = area({ type: 'Feature', properties: {}, geometry: square(0) } as never);
    const quarter = (r: number) => (Math.PI * r * r) / 4 / westArea;
    const west = results.buurt!.areas.find((a) => a.code === 'BU99990101')!;
    const east = results.buurt!.areas.find((a) => a.code === 'BU99990102')!;
    // The buffers are drawn with 32 segments a quarter: 0.04 % short of a true circle.
    expect(west.values['reach_500.peer_support']).toBeCloseTo(quarter(500), 2);
    expect(west.values['reach_1000.peer_support']).toBeCloseTo(quarter(1000), 2);
    expect(east.values['reach_500.peer_support']).toBe(0);
    expect(east.values['reach_1000.peer_support']).toBeLessThan(0.001);
    // The wijk and the gemeente: weighted by inhabitants, 1,000 in West and 3,000 in Oost.
    for (const level of ['wijk', 'gemeente'] as const) {
      const row = results[level]!.areas[0]!;
      expect(row.values['reach_500.peer_support']).toBeCloseTo((1000 * quarter(500)) / 4000, 2);
      expect(row.values['reach_1000.peer_support']).toBeCloseTo((1000 * quarter(1000)) / 4000, 2);
    }
  });
});

describe('exports and the wijkanalyse', () => {
  it('exports the same figures as GeoJSON with the buurt boundaries, and as CSV', async () => {
    const json = await scan('level=buurt&gemeente=GM0546&indicators=assets_per_1000,social_capital.bonding');
    const geojson = await app.inject({ url: '/api/buurtscan.geojson?level=buurt&gemeente=GM0546&indicators=assets_per_1000,social_capital.bonding' });
    expect(geojson.headers['content-type']).toContain('application/geo+json');
    const collection = JSON.parse(geojson.body);
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(json.areas.length);
    for (const feature of collection.features) {
      expect(feature.geometry.type).toBe('MultiPolygon');
      const row = json.areas.find((area) => area.code === feature.properties.code)!;
      expect(feature.properties.assets_per_1000).toBe(row.values.assets_per_1000);
    }
    expect(collection.metadata.source).toContain('CBS');
    const csv = await app.inject({ url: '/api/buurtscan.csv?level=buurt&gemeente=GM0546&indicators=assets_per_1000' });
    const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('code,name,level,gemeente,inhabitants,assets,assets_per_1000');
    expect(lines).toHaveLength(json.areas.length + 1);
  });

  it('weighs a wijk against its gemeente, lists its gaps and the assets that carry it', async () => {
    const response = await app.inject({ url: '/api/buurtscan/wijkanalyse/WK054601' });
    expect(response.statusCode, response.body).toBe(200);
    const analysis = response.json();
    expect(analysis.wijk).toMatchObject({ code: 'WK054601', gemeenteCode: 'GM0546' });
    expect(analysis.strengths.length + analysis.weaknesses.length).toBeGreaterThan(0);
    for (const strength of analysis.strengths) expect(strength.value).toBeGreaterThanOrEqual(strength.gemeenteValue * 1.19);
    for (const weakness of analysis.weaknesses) expect(weakness.value).toBeLessThanOrEqual(weakness.gemeenteValue * 0.81);
    expect(analysis.gaps).toHaveLength(4);
    for (const gap of analysis.gaps) for (const buurt of gap.buurten) expect(buurt.code.startsWith('BU054601')).toBe(true);
    expect(analysis.assets.length).toBeGreaterThan(0);
    for (const asset of analysis.assets.slice(0, 5)) {
      expect((await app.inject({ url: `/api/assets/${asset.id}` })).json().wijk.code).toBe('WK054601');
    }
    expect((await app.inject({ url: '/api/buurtscan/wijkanalyse/WK999999' })).statusCode).toBe(404);
  });
});

describe('witte vlekken', () => {
  it('lists the buurten with no peer-support group within the distance, and none when the distance covers all', async () => {
    const groups = await published('category=lotgenotengroep&area=GM0546');
    expect(groups.length).toBeGreaterThan(0);
    const near = (await app.inject({ url: '/api/buurtscan/gaps?gemeente=GM0546&category=lotgenotengroep&distance=500' })).json();
    const buurten = cbsFile('buurten_2015_leiden.geojson');
    expect(near.buurten.length).toBeGreaterThan(0);
    expect(near.buurten.length).toBeLessThan(buurten.length);
    // Rounded to whole metres: a group 500.3 m away shows as 500.
    for (const gap of near.buurten) expect(gap.nearestMeters).toBeGreaterThanOrEqual(500);
    const far = (await app.inject({ url: '/api/buurtscan/gaps?gemeente=GM0546&category=lotgenotengroep&distance=20000' })).json();
    expect(far.buurten).toEqual([]);
    const unnamed = await app.inject({ url: '/api/buurtscan/gaps?gemeente=GM0546' });
    expect(unnamed.json().error.fields[0].field).toBe('query.kind');
  });
});
