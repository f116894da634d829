import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { point } from '@turf/helpers';
import type { AreaFeature } from '@kwartier/shared';
import { buildTestApp, ensureDemoAreas } from '../helpers/app.ts';
import { badFields } from '../helpers/fixtures.ts';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';

type CbsFeature = { properties: Record<string, unknown>; geometry: Parameters<typeof booleanPointInPolygon>[1] };

/** The real CBS file from ../shared/data, read here independently of the seed code. */
function sharedCbs(file: string): CbsFeature[] {
  const full = path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'cbs-wijkbuurt-2015', file);
  return (JSON.parse(readFileSync(full, 'utf8')) as { features: CbsFeature[] }).features;
}

let app: FastifyInstance;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
});
afterAll(() => app.close());

describe('areas', () => {
  it('lists the buurten of a wijk and the wijken of a gemeente', async () => {
    const wijken = (await app.inject({ url: '/api/areas?level=wijk&parent=GM0546' })).json();
    expect(wijken.year).toBe(2015);
    expect(wijken.items).toHaveLength(10);
    const buurten = (await app.inject({ url: '/api/areas?level=buurt&parent=WK054600' })).json();
    const expected = sharedCbs('buurten_2015_leiden.geojson').filter((f) => f.properties.WK_CODE === 'WK054600');
    expect(buurten.items.map((a: { code: string }) => a.code).sort()).toEqual(expected.map((f) => f.properties.BU_CODE).sort());
    expect(buurten.items.find((a: { code: string }) => a.code === 'BU05460000')).toMatchObject({
      name: 'Pieterswijk', level: 'buurt', parentCode: 'WK054600', gemeenteCode: 'GM0546', inhabitants: 2680, households: 2090,
    });
  });

  it('lists the three demo gemeenten, and finds a buurt by name', async () => {
    const gemeenten = (await app.inject({ url: '/api/areas?level=gemeente' })).json();
    expect(gemeenten.items.map((a: { name: string }) => a.name).sort()).toEqual(['Amersfoort', 'Doetinchem', 'Leiden']);
    const found = (await app.inject({ url: '/api/areas?level=buurt&q=pieters' })).json();
    expect(found.items.map((a: { code: string }) => a.code)).toContain('BU05460000');
  });

  it('serves one area with its boundary as a GeoJSON Feature, unknown CBS figures as null', async () => {
    const response = await app.inject({ url: '/api/areas/BU05460000' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/geo+json');
    const feature = response.json() as AreaFeature;
    expect(feature.geometry.type).toBe('MultiPolygon');
    expect(feature.properties.keyFigures.P_00_14_JR).toBe(4);
    expect(booleanPointInPolygon(point(feature.properties.labelPoint.coordinates), feature.geometry)).toBe(true);

    // A buurt whose CBS file says -99999999 for a figure: stored as unknown, not as a number.
    const secret = sharedCbs('buurten_2015_amersfoort.geojson').find((f) => Object.values(f.properties).includes(-99999999))!;
    const [key] = Object.entries(secret.properties).find(([, v]) => v === -99999999)!;
    const area = (await app.inject({ url: `/api/areas/${String(secret.properties.BU_CODE)}` })).json() as AreaFeature;
    expect(area.properties.keyFigures[key]).toBeNull();
  });

  it('answers 404 for an unknown area and 400 for a malformed code', async () => {
    expect((await app.inject({ url: '/api/areas/BU99999999' })).statusCode).toBe(404);
    expect(badFields(await app.inject({ url: '/api/areas/Leiden' }))).toEqual(['params.code']);
    expect(badFields(await app.inject({ url: '/api/areas?level=province' }))).toEqual(['query.level']);
  });

  it('finds the containing buurt, wijk and gemeente as @turf/boolean-point-in-polygon does on the real polygons', async () => {
    const buurten = ['leiden', 'amersfoort', 'doetinchem'].flatMap((m) => sharedCbs(`buurten_2015_${m}.geojson`));
    // A deterministic spread of points over each municipality's extent.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const extents: Array<[number, number, number, number]> = [[4.44, 52.13, 4.54, 52.19], [5.32, 52.12, 5.45, 52.21], [6.22, 51.92, 6.36, 52.01]];
    let checked = 0;
    let inside = 0;
    for (const [minLon, minLat, maxLon, maxLat] of extents) {
      for (let i = 0; i < 40; i++) {
        const lon = minLon + random() * (maxLon - minLon);
        const lat = minLat + random() * (maxLat - minLat);
        const expected = buurten.filter((b) => booleanPointInPolygon(point([lon, lat]), b.geometry)).map((b) => b.properties.BU_CODE);
        const response = await app.inject({ url: `/api/areas/containing?lat=${lat}&lon=${lon}` });
        expect(response.statusCode).toBe(200);
        const found = (response.json().items as Array<{ level: string; code: string }>).filter((a) => a.level === 'buurt').map((a) => a.code);
        expect(found, `${lon},${lat}`).toEqual(expected);
        checked++;
        if (expected.length > 0) inside++;
      }
    }
    expect(checked).toBe(120);
    expect(inside).toBeGreaterThan(60);
  });

  it('orders a containing answer gemeente, wijk, buurt', async () => {
    const items = (await app.inject({ url: '/api/areas/containing?lat=52.1601&lon=4.4937' })).json().items;
    expect(items.map((a: { level: string }) => a.level)).toEqual(['gemeente', 'wijk', 'buurt']);
    expect(badFields(await app.inject({ url: '/api/areas/containing?lat=100&lon=4' }))).toEqual(['query.lat']);
  });
});
