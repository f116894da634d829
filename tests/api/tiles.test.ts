import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Asset, AssetPage } from '@kwartier/shared';
import { sql } from 'kysely';
import { buildTestApp, clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { badFields, createAsset } from '../helpers/fixtures.ts';
import { eventually } from '../helpers/eventually.ts';
import { type DecodedFeature, boundsOf, decodeTile, features, tileOf } from '../helpers/tiles.ts';

let app: FastifyInstance;
const leiden = { lon: 4.4937, lat: 52.1601 };
const home = [4.49371234, 52.16015678] as const;
let talent: Asset;

beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  app = await buildTestApp();
  const offsets = [[0, 0], [0.001, 0.0005], [-0.0012, 0.0007], [0.0015, -0.0009], [-0.0004, -0.0011]];
  for (const [i, [dx, dy]] of offsets.entries()) {
    await createAsset(app, {
      name: `Plek ${i}`,
      ...(i % 2 === 1 ? { kind: 'facility', category: 'buurthuis', inclusionFeatures: ['wheelchair_access'] } : {}),
      location: { type: 'Point', coordinates: [leiden.lon + dx!, leiden.lat + dy!] },
    });
  }
  await createAsset(app, { name: 'Concept', status: 'pending', location: { type: 'Point', coordinates: [leiden.lon, leiden.lat] } });
  talent = await createAsset(app, { kind: 'talent', category: 'klussen', name: 'Klussen', location: { type: 'Point', coordinates: home } });
});
afterAll(() => app.close());

async function tile(path: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ url: path, headers });
  return { response, tile: decodeTile(response.rawPayload) };
}

/** Point features inside the tile proper; the tile also carries a small buffer around it. */
function inside(decoded: DecodedFeature[], t: { z: number; x: number; y: number }) {
  const [minLon, minLat, maxLon, maxLat] = boundsOf(t);
  return decoded.filter(({ geometry: { coordinates: [lon, lat] } }) => lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat);
}

async function listInTile(t: { z: number; x: number; y: number }, query = '') {
  const page = (await app.inject({ url: `/api/assets?bbox=${boundsOf(t).join(',')}&limit=100${query}` })).json() as AssetPage;
  return page.items;
}

describe('asset vector tiles', () => {
  it('hold the published assets of the tile at street zoom, at their public places, with their public fields', async () => {
    const t = tileOf(leiden.lon, leiden.lat, 15);
    const { response, tile: vt } = await tile(`/tiles/assets/${t.z}/${t.x}/${t.y}.mvt`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const decoded = inside(features(vt, 'assets', t), t);
    const listed = await listInTile(t);
    expect(listed.length).toBeGreaterThan(2);
    expect(decoded.map((f) => f.properties.id).sort()).toEqual(listed.map((a) => a.id).sort());
    expect(decoded.map((f) => f.properties.name)).not.toContain('Concept');
    for (const feature of decoded) {
      const asset = listed.find((a) => a.id === feature.properties.id)!;
      expect(feature.properties).toMatchObject({ kind: asset.kind, category: asset.category, name: asset.name });
      const [lon, lat] = feature.geometry.coordinates;
      expect(lon).toBeCloseTo(asset.location.coordinates[0], 4);
      expect(lat).toBeCloseTo(asset.location.coordinates[1], 4);
    }
  });

  it('honour the same filters as the list', async () => {
    const t = tileOf(leiden.lon, leiden.lat, 15);
    const query = '&kind=facility&inclusion=wheelchair_access';
    const { tile: vt } = await tile(`/tiles/assets/${t.z}/${t.x}/${t.y}.mvt?${query.slice(1)}`);
    const decoded = inside(features(vt, 'assets', t), t).map((f) => f.properties.id).sort();
    const listed = (await listInTile(t, query)).map((a) => a.id).sort();
    expect(listed.length).toBeGreaterThan(0);
    expect(decoded).toEqual(listed);
  });

  it('never carry a talent’s real place, only its public one', async () => {
    const t = tileOf(home[0], home[1], 18);
    for (const z of [16, 17, 18]) {
      const at = tileOf(talent.location.coordinates[0], talent.location.coordinates[1], z);
      const { tile: vt } = await tile(`/tiles/assets/${at.z}/${at.x}/${at.y}.mvt?kind=talent`);
      const [feature] = features(vt, 'assets', at);
      const [lon, lat] = feature!.geometry.coordinates;
      expect(Math.abs(lon - home[0]) + Math.abs(lat - home[1])).toBeGreaterThan(0.0005);
    }
    // Nothing in the tile of the real home stands on the home.
    const { tile: atHome } = await tile(`/tiles/assets/${t.z}/${t.x}/${t.y}.mvt?kind=talent`);
    for (const feature of features(atHome, 'assets', t)) {
      const [lon, lat] = feature.geometry.coordinates;
      expect(Math.abs(lon - home[0]) + Math.abs(lat - home[1])).toBeGreaterThan(0.0005);
    }
  });

  it('count assets in clusters at low zoom, each asset once', async () => {
    const t = tileOf(leiden.lon, leiden.lat, 10);
    const { tile: vt } = await tile(`/tiles/assets/${t.z}/${t.x}/${t.y}.mvt`);
    expect(vt.layers.assets).toBeUndefined();
    const clusters = features(vt, 'clusters', t);
    const total = clusters.reduce((sum, f) => sum + Number(f.properties.count), 0);
    expect(total).toBe((await listInTile(t)).length);
    expect(clusters.some((f) => Number(f.properties.count) > 1)).toBe(true);
  });

  it('cluster a street-zoom tile that holds more assets than a tile should carry, and stay under 500 KB', async () => {
    // 4,100 assets spread over one z14 tile in Amersfoort: past the 4,000 a tile carries singly.
    const t = tileOf(5.3872, 52.1561, 14);
    const [minLon, minLat, maxLon, maxLat] = boundsOf(t);
    const { db } = await testDatabase();
    await sql`INSERT INTO assets (kind, category, name, status, source, geom, precision)
              SELECT 'initiative', 'inloop', 'Dicht ' || i, 'published', 'test',
                     ST_SetSRID(ST_MakePoint(${minLon} + (${maxLon - minLon} * 0.9) * ((i % 64) + 0.5) / 64 + ${(maxLon - minLon) * 0.05},
                                             ${minLat} + (${maxLat - minLat} * 0.9) * ((i / 64) + 0.5) / 65 + ${(maxLat - minLat) * 0.05}), 4326), 'exact'
                FROM generate_series(0, 4099) AS i`.execute(db);
    try {
      const { response, tile: vt } = await tile(`/tiles/assets/${t.z}/${t.x}/${t.y}.mvt`);
      expect(response.rawPayload.length).toBeLessThan(500 * 1024);
      expect(vt.layers.assets).toBeUndefined();
      const clusters = features(vt, 'clusters', t);
      expect(clusters.reduce((sum, f) => sum + Number(f.properties.count), 0)).toBe(4_100);
      // One zoom further each tile holds about a quarter: single assets again.
      const inner = { z: 15, x: t.x * 2, y: t.y * 2 };
      const { tile: closer } = await tile(`/tiles/assets/${inner.z}/${inner.x}/${inner.y}.mvt`);
      expect(closer.layers.clusters).toBeUndefined();
      expect(inside(features(closer, 'assets', inner), inner).length).toBeGreaterThan(900);
    } finally {
      await sql`DELETE FROM assets WHERE source = 'test' AND name LIKE 'Dicht %'`.execute(db);
    }
  });

  it('carry an ETag and Cache-Control, and answer 304 when nothing changed', async () => {
    const t = tileOf(leiden.lon, leiden.lat, 15);
    const first = await app.inject({ url: `/tiles/assets/${t.z}/${t.x}/${t.y}.mvt` });
    // Kept, but asked again each time: an edit shows on the next look.
    expect(first.headers['cache-control']).toBe('public, no-cache');
    const etag = String(first.headers.etag);
    const again = await app.inject({ url: `/tiles/assets/${t.z}/${t.x}/${t.y}.mvt`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    await createAsset(app, { name: 'Nieuw', location: { type: 'Point', coordinates: [leiden.lon + 0.0002, leiden.lat] } });
    await eventually(async () => {
      const changed = await app.inject({ url: `/tiles/assets/${t.z}/${t.x}/${t.y}.mvt`, headers: { 'if-none-match': etag } });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
    });
  });

  it('show published assets only: a map is public and cached', async () => {
    const t = tileOf(leiden.lon, leiden.lat, 15);
    expect(badFields(await app.inject({ url: `/tiles/assets/${t.z}/${t.x}/${t.y}.mvt?status=draft` }))).toEqual(['query.status']);
    const { tile: vt } = await tile(`/tiles/assets/${t.z}/${t.x}/${t.y}.mvt?q=Concept`);
    expect(features(vt, 'assets', t)).toEqual([]);
  });

  it('name a bad tile address', async () => {
    expect(badFields(await app.inject({ url: '/tiles/assets/3/8/1.mvt' }))).toEqual(['params.x']);
    expect(badFields(await app.inject({ url: '/tiles/assets/23/0/0.mvt' }))).toEqual(['params.z']);
    expect(badFields(await app.inject({ url: '/tiles/assets/a/0/0.mvt' }))).toEqual(['params.z']);
    expect(badFields(await app.inject({ url: '/tiles/assets/3/0/0.mvt?kind=castle' }))).toEqual(['query.kind.0']);
  });
});

describe('area vector tiles', () => {
  it('hold the buurt outlines and labels of the tile', async () => {
    const t = tileOf(4.4930, 52.1560, 14); // Pieterswijk, Leiden
    const { response, tile: vt } = await tile(`/tiles/areas/${t.z}/${t.x}/${t.y}.mvt?level=buurt`);
    expect(response.statusCode).toBe(200);
    const outlines = features(vt, 'areas', t);
    expect(outlines.length).toBeGreaterThan(1);
    expect(outlines.every((f) => f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')).toBe(true);
    expect(outlines.map((f) => f.properties.code)).toContain('BU05460000');
    // MVT: an exterior ring has a positive area in tile coordinates (y down).
    const layer = vt.layers.areas!;
    for (let i = 0; i < layer.length; i++) {
      const [ring] = layer.feature(i).loadGeometry();
      let twiceArea = 0;
      for (let j = 0; j < ring!.length - 1; j++) twiceArea += ring![j]!.x * ring![j + 1]!.y - ring![j + 1]!.x * ring![j]!.y;
      expect(twiceArea, String(layer.feature(i).properties.code)).toBeGreaterThan(0);
    }
    const labels = features(vt, 'area_labels', t);
    expect(labels.every((f) => typeof f.properties.name === 'string')).toBe(true);
  });
});
