import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import distance from '@turf/distance';
import { point } from '@turf/helpers';
import type { NearbyResult } from '@kwartier/shared';
import { sql } from 'kysely';
import { buildTestApp, clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { badFields, createAsset } from '../helpers/fixtures.ts';

let app: FastifyInstance;
const center = { lon: 4.4937, lat: 52.1601 }; // Leiden, Hooglandse Kerk area

/** Points at known bearings and distances around the centre, shuffled on purpose. */
const places: Array<[string, number, number]> = [
  ['far', 4.5300, 52.1750],
  ['near', 4.4945, 52.1605],
  ['middle', 4.5010, 52.1650],
  ['west', 4.4800, 52.1601],
  ['outside', 4.6500, 52.2500],
  ['south', 4.4937, 52.1500],
];

beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  app = await buildTestApp();
  for (const [name, lon, lat] of places) {
    await createAsset(app, { name, location: { type: 'Point', coordinates: [lon, lat] } });
  }
  // A talent near the centre: its public place is snapped, and its distance must be measured from there.
  await createAsset(app, {
    kind: 'talent', category: 'klussen', name: 'talent', precision: 'street',
    location: { type: 'Point', coordinates: [4.4938, 52.1602] },
  });
});
afterAll(() => app.close());

async function nearby(query: string): Promise<NearbyResult> {
  const response = await app.inject({ url: `/api/assets/nearby?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as NearbyResult;
}

describe('nearby search', () => {
  it('sorts by distance, and each distance agrees with @turf/distance', async () => {
    const result = await nearby(`lat=${center.lat}&lon=${center.lon}&radius=5000&limit=100`);
    const names = result.items.map((a) => a.name);
    expect(names).not.toContain('outside');
    expect(names).toEqual(expect.arrayContaining(['near', 'middle', 'west', 'south', 'far', 'talent']));
    expect(result.total).toBe(6);

    const distances = result.items.map((a) => a.distanceMeters);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    for (const asset of result.items) {
      const expected = distance(point([center.lon, center.lat]), point(asset.location.coordinates), { units: 'meters' });
      expect(asset.distanceMeters, asset.name).toBeCloseTo(expected, 0);
      expect(asset.distanceMeters).toBeLessThanOrEqual(5000);
    }
  });

  it('keeps to the radius', async () => {
    const result = await nearby(`lat=${center.lat}&lon=${center.lon}&radius=500`);
    const expected = places
      .filter(([, lon, lat]) => distance(point([center.lon, center.lat]), point([lon, lat]), { units: 'meters' }) <= 500)
      .map(([name]) => name);
    expect(result.items.map((a) => a.name).filter((n) => n !== 'talent')).toEqual(expected);
  });

  it('measures a talent from its snapped public place, not from where it really is', async () => {
    const result = await nearby(`lat=${center.lat}&lon=${center.lon}&radius=5000&q=talent`);
    const talent = result.items[0]!;
    expect(talent.location.coordinates).not.toEqual([4.4938, 52.1602]);
    const fromReal = distance(point([center.lon, center.lat]), point([4.4938, 52.1602]), { units: 'meters' });
    const fromPublic = distance(point([center.lon, center.lat]), point(talent.location.coordinates), { units: 'meters' });
    expect(talent.distanceMeters).toBeCloseTo(fromPublic, 0);
    expect(Math.abs(talent.distanceMeters - fromReal)).toBeGreaterThan(1);
  });

  it('applies the list filters too, and pages', async () => {
    const filtered = await nearby(`lat=${center.lat}&lon=${center.lon}&radius=5000&kind=talent`);
    expect(filtered.items.map((a) => a.name)).toEqual(['talent']);
    const page = await nearby(`lat=${center.lat}&lon=${center.lon}&radius=5000&limit=2&offset=1`);
    const all = await nearby(`lat=${center.lat}&lon=${center.lon}&radius=5000`);
    expect(page.items.map((a) => a.id)).toEqual(all.items.slice(1, 3).map((a) => a.id));
  });

  it('names every bad parameter', async () => {
    expect(badFields(await app.inject({ url: '/api/assets/nearby?lon=4.49&radius=100' }))).toEqual(['query.lat']);
    expect(badFields(await app.inject({ url: '/api/assets/nearby?lat=&lon=4.49' }))).toEqual(['query.lat']);
    expect(badFields(await app.inject({ url: '/api/assets/nearby?lat=91&lon=181' }))).toEqual(['query.lat', 'query.lon']);
    expect(badFields(await app.inject({ url: '/api/assets/nearby?lat=52&lon=4&radius=100000' }))).toEqual(['query.radius']);
    expect(badFields(await app.inject({ url: '/api/assets/nearby?lat=52&lon=4&radius=-5' }))).toEqual(['query.radius']);
    expect(badFields(await app.inject({ url: '/api/assets/nearby?lat=north&lon=4' }))).toEqual(['query.lat']);
  });

  it('pages through many assets that share places exactly as the whole list sorted by distance, then id', async () => {
    // 30 places at clearly different distances north-east of a point in Amersfoort, ten
    // assets on each (a grid cell's talents, a buurt's label point): ties at every page edge.
    const origin = { lon: 5.3872, lat: 52.1561 };
    const { db } = await testDatabase();
    await sql`INSERT INTO assets (kind, category, name, status, source, geom, precision)
              SELECT CASE WHEN i % 3 = 0 THEN 'facility' ELSE 'initiative' END,
                     CASE WHEN i % 3 = 0 THEN 'buurthuis' ELSE 'inloop' END,
                     'Plek ' || (i / 10) || '.' || (i % 10), 'published', 'test',
                     ST_SetSRID(ST_MakePoint(${origin.lon} + (i / 10) * 0.0011, ${origin.lat} + (i / 10) * 0.0007), 4326), 'exact'
                FROM generate_series(0, 299) AS i`.execute(db);
    try {
      const listed = await db
        .selectFrom('assets')
        .select(['id', 'kind', sql<number>`ST_X(public_geom)`.as('lon'), sql<number>`ST_Y(public_geom)`.as('lat')])
        .where('name', 'like', 'Plek %')
        .execute();
      for (const kind of [undefined, 'facility']) {
        const expected = listed
          .filter((asset) => kind === undefined || asset.kind === kind)
          .map((asset) => ({ id: asset.id, meters: distance(point([origin.lon, origin.lat]), point([asset.lon, asset.lat]), { units: 'meters' }) }))
          .sort((a, b) => a.meters - b.meters || (a.id < b.id ? -1 : 1))
          .slice(0, 60)
          .map((asset) => asset.id);
        for (const limit of [1, 7, 20]) {
          const seen: string[] = [];
          for (let offset = 0; seen.length < 60; offset += limit) {
            const page = await nearby(`lat=${origin.lat}&lon=${origin.lon}&radius=5000&limit=${limit}&offset=${offset}${kind ? `&kind=${kind}` : ''}`);
            seen.push(...page.items.map((asset) => asset.id));
            if (page.items.length < limit) break;
          }
          expect(seen.slice(0, 60), `kind ${kind ?? 'any'}, pages of ${limit}`).toEqual(expected);
        }
      }
    } finally {
      await sql`DELETE FROM assets WHERE source = 'test' AND name LIKE 'Plek %'`.execute(db);
    }
  });
});

