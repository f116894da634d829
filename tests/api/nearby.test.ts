import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import distance from '@turf/distance';
import { point } from '@turf/helpers';
import type { NearbyResult } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas } from '../helpers/app.ts';
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
});
