import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import type { Asset } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { createAsset, testModerator } from '../helpers/fixtures.ts';
import { eventually } from '../helpers/eventually.ts';
import { decodeTile, features, tileOf, type TileId } from '../helpers/tiles.ts';
import { TileCache, tilesHolding } from '../../server/src/modules/tiles/tiles.cache.ts';

/**
 * Tiles are kept in each process's memory and dropped when the database says a change was
 * committed under them. Two apps over one database stand in for two processes behind a load
 * balancer: what one changes, the other serves fresh.
 */
let first: FastifyInstance;
let second: FastifyInstance;
let asset: Asset;
const place = { lon: 4.4937, lat: 52.1601 };

beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  first = await buildTestApp();
  second = await buildTestApp();
  asset = await createAsset(first, { name: 'Inloop De Sleutel', location: { type: 'Point', coordinates: [place.lon, place.lat] } });
});
afterAll(async () => {
  await first.close();
  await second.close();
});

const url = ({ z, x, y }: TileId, query = '') => `/tiles/assets/${z}/${x}/${y}.mvt${query}`;

async function namesIn(app: FastifyInstance, t: TileId, query = ''): Promise<string[]> {
  const response = await app.inject({ url: url(t, query) });
  expect(response.statusCode).toBe(200);
  const layer = t.z > 12 ? 'assets' : 'clusters';
  return features(decodeTile(response.rawPayload), layer, t).map((f) => String(f.properties.name ?? f.properties.count));
}

async function rename(name: string) {
  const moderator = await testModerator(first);
  const response = await moderator.inject({ method: 'PATCH', url: `/api/assets/${asset.id}`, payload: { name } });
  expect(response.statusCode).toBe(200);
}

describe('the tile cache', () => {
  it('answers a tile it has with the same bytes and ETag, and a 304 to a client that has them', async () => {
    const t = tileOf(place.lon, place.lat, 16);
    const one = await first.inject({ url: url(t) });
    const two = await first.inject({ url: url(t) });
    expect(two.rawPayload.equals(one.rawPayload)).toBe(true);
    expect(two.headers.etag).toBe(one.headers.etag);
    // Browsers ask again each time, so that an edit shows on the next look.
    expect(one.headers['cache-control']).toBe('public, no-cache');
    const again = await first.inject({ url: url(t), headers: { 'if-none-match': String(one.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('sends a kept tile gzipped to a client that takes gzip, the same tile once unpacked', async () => {
    const { db } = await testDatabase();
    const spot = { lon: 5.3872, lat: 52.1561 };
    await sql`INSERT INTO assets (kind, category, name, status, source, geom, precision)
              SELECT 'initiative', 'inloop', 'Gezellig ' || i, 'published', 'test',
                     ST_SetSRID(ST_MakePoint(${spot.lon} + (i % 10) * 0.0003, ${spot.lat} + (i / 10) * 0.0002), 4326), 'exact'
                FROM generate_series(1, 200) AS i`.execute(db);
    const t = tileOf(spot.lon, spot.lat, 15);
    const plain = await first.inject({ url: url(t) });
    await eventually(async () => {
      const packed = await first.inject({ url: url(t), headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
      expect(packed.headers['content-encoding']).toBe('gzip');
      expect(packed.rawPayload.length).toBeLessThan(plain.rawPayload.length);
      expect(gunzipSync(packed.rawPayload).equals(plain.rawPayload)).toBe(true);
      expect(packed.headers.etag).toBe(plain.headers.etag);
    });
    for (const refusing of ['identity', 'gzip;q=0', '']) {
      const response = await first.inject({ url: url(t), headers: { 'accept-encoding': refusing } });
      expect(response.headers['content-encoding'], refusing).toBeUndefined();
      expect(response.rawPayload.equals(plain.rawPayload)).toBe(true);
    }
  });

  it('serves a changed asset fresh from both processes, at street zoom and as a cluster', async () => {
    const street = tileOf(place.lon, place.lat, 16);
    const cluster = tileOf(place.lon, place.lat, 9);
    for (const app of [first, second]) {
      expect(await namesIn(app, street)).toContain('Inloop De Sleutel');
      expect(await namesIn(app, street, '?kind=initiative')).toContain('Inloop De Sleutel');
      expect(await namesIn(app, cluster)).toEqual(['1']);
    }
    await rename('Inloop Het Anker');
    await createAsset(first, { name: 'Buurtkamer', location: { type: 'Point', coordinates: [place.lon + 0.0002, place.lat] } });
    for (const app of [first, second]) {
      await eventually(async () => {
        expect(await namesIn(app, street)).toEqual(expect.arrayContaining(['Inloop Het Anker', 'Buurtkamer']));
        expect(await namesIn(app, street)).not.toContain('Inloop De Sleutel');
        // Every variant of the tile (its filters) goes, not only the one without.
        expect(await namesIn(app, street, '?kind=initiative')).toContain('Inloop Het Anker');
        expect(await namesIn(app, cluster)).toEqual(['2']);
      });
    }
  });

  it('drops an asset’s tile at its old place and its new one when it moves', async () => {
    const from = tileOf(place.lon, place.lat, 16);
    const moved = { lon: 4.4845, lat: 52.1582 };
    const to = tileOf(moved.lon, moved.lat, 16);
    expect(to).not.toEqual(from);
    for (const app of [first, second]) {
      expect(await namesIn(app, from)).toContain('Inloop Het Anker');
      expect(await namesIn(app, to)).not.toContain('Inloop Het Anker');
    }
    const moderator = await testModerator(first);
    const response = await moderator.inject({
      method: 'PATCH',
      url: `/api/assets/${asset.id}`,
      payload: { location: { type: 'Point', coordinates: [moved.lon, moved.lat] } },
    });
    expect(response.statusCode).toBe(200);
    for (const app of [first, second]) {
      await eventually(async () => {
        expect(await namesIn(app, from)).not.toContain('Inloop Het Anker');
        expect(await namesIn(app, to)).toContain('Inloop Het Anker');
      });
    }
  });

  it('keeps a tile when the change was rolled back', async () => {
    const t = tileOf(4.4845, 52.1582, 16);
    const before = await second.inject({ url: url(t) });
    const { db } = await testDatabase();
    await db
      .transaction()
      .execute(async (trx) => {
        await sql`UPDATE assets SET name = 'Nooit gebeurd' WHERE id = ${asset.id}`.execute(trx);
        throw new Error('roll back');
      })
      .catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await second.inject({ url: url(t) });
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(await namesIn(second, t)).toContain('Inloop Het Anker');
  });

  it('drops the tiles of every place a bulk change touched, however many rows share a place', async () => {
    // 350 assets on 35 places, ten on each: more rows than one notification names, fewer places.
    const { db } = await testDatabase();
    const at = (i: number) => ({ lon: 5.3872 + (i % 7) * 0.004, lat: 52.1561 + Math.floor(i / 7) * 0.003 });
    await sql`INSERT INTO assets (kind, category, name, status, source, geom, precision)
              SELECT 'initiative', 'inloop', 'Gedeeld ' || (i / 10), 'published', 'test',
                     ST_SetSRID(ST_MakePoint(5.3872 + ((i / 10) % 7) * 0.004, 52.1561 + ((i / 10) / 7) * 0.003), 4326), 'exact'
                FROM generate_series(0, 349) AS i ORDER BY i`.execute(db);
    const last = tileOf(at(34).lon, at(34).lat, 16);
    await eventually(async () => expect(await namesIn(second, last)).toContain('Gedeeld 34'));
    await sql`UPDATE assets SET name = name || ' (nieuw)' WHERE name LIKE 'Gedeeld %'`.execute(db);
    await eventually(async () => expect(await namesIn(second, last)).toContain('Gedeeld 34 (nieuw)'));
    await sql`DELETE FROM assets WHERE name LIKE 'Gedeeld %'`.execute(db);
  });

  it('drops every asset tile after a bulk change, and area tiles when areas change', async () => {
    const t = tileOf(4.4845, 52.1582, 16);
    const areaTile = `/tiles/areas/${t.z - 4}/${t.x >> 4}/${t.y >> 4}.mvt?level=buurt`;
    const namesBefore = await namesIn(second, t);
    expect(namesBefore).toContain('Inloop Het Anker');
    const areaBefore = await second.inject({ url: areaTile });
    const { db } = await testDatabase();
    // More places than one notification names (the update touches 402): "everything".
    await sql`INSERT INTO assets (kind, category, name, status, source, geom, precision)
              SELECT 'initiative', 'inloop', 'Bulk ' || i, 'published', 'test',
                     ST_SetSRID(ST_MakePoint(5.0 + i * 0.001, 52.0), 4326), 'exact'
                FROM generate_series(1, 400) AS i`.execute(db);
    await sql`UPDATE assets SET name = name || ' (bijgewerkt)' WHERE status = 'published'`.execute(db);
    await eventually(async () => expect(await namesIn(second, t)).toContain('Inloop Het Anker (bijgewerkt)'));

    const areaName = `Stationsdistrict ${Date.now()}`;
    const renamed = await sql<{ code: string }>`
      UPDATE areas SET name = ${areaName}
       WHERE code = (SELECT code FROM areas WHERE level = 'buurt' AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(4.4845, 52.1582), 4326)) LIMIT 1)
      RETURNING code`.execute(db);
    expect(renamed.rows).toHaveLength(1);
    await eventually(async () => {
      const response = await second.inject({ url: areaTile });
      expect(response.headers.etag).not.toBe(areaBefore.headers.etag);
      const names = features(decodeTile(response.rawPayload), 'areas', { z: t.z - 4, x: t.x >> 4, y: t.y >> 4 }).map((f) => f.properties.name);
      expect(names).toContain(areaName);
    });
  });
});

describe('TileCache', () => {
  const tile = (text: string) => ({ body: Buffer.from(text), etag: `"${text}"` });
  const key = (z: number, x: number, y: number, variant = '') => ({ layer: 'assets' as const, z, x, y, variant });

  it('makes a tile once however many ask for it at the same time', async () => {
    const cache = new TileCache(1_000);
    let made = 0;
    const make = async () => {
      made++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return tile('a');
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => cache.through(key(1, 0, 0), make)));
    expect(made).toBe(1);
    expect(answers.every((answer) => answer.etag === '"a"')).toBe(true);
    await cache.through(key(1, 0, 0), make);
    expect(made).toBe(1);
  });

  it('lets the least recently used tiles go once it holds more bytes than allowed', async () => {
    // Each entry costs its bytes and a fixed overhead with its key: 'assets/2/x/0?' is 13 characters.
    const entry = 256 + 13 + 10;
    const cache = new TileCache(3 * entry);
    for (const x of [0, 1, 2]) await cache.through(key(2, x, 0), async () => tile('x'.repeat(10)));
    await cache.through(key(2, 0, 0), async () => tile('again'));
    await cache.through(key(2, 3, 0), async () => tile('y'.repeat(10)));
    expect(cache.size).toEqual({ tiles: 3, bytes: 3 * entry });
    let remade = false;
    await cache.through(key(2, 1, 0), async () => ((remade = true), tile('z'.repeat(10))));
    expect(remade).toBe(true);
  });

  it('keeps memory bounded however many empty tiles and made-up URLs it is asked for', async () => {
    const cache = new TileCache(64 * 1024);
    for (let i = 0; i < 5_000; i++) {
      await cache.through(key(18, i, 0, `variant ${i}`), async () => tile(''), `/tiles/assets/18/${i}/0.mvt?q=${'x'.repeat(i % 600)}`);
    }
    expect(cache.size.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(cache.size.tiles).toBeLessThan(250);
    // Nothing at all with no budget.
    const none = new TileCache(0);
    await none.through(key(1, 0, 0), async () => tile(''), '/tiles/assets/1/0/0.mvt');
    expect(none.size).toEqual({ tiles: 0, bytes: 0 });
    expect(none.byUrl('/tiles/assets/1/0/0.mvt')).toBeUndefined();
  });

  it('does not keep a tile that was being made while a change came in: it may show the old data', async () => {
    const cache = new TileCache(1_000);
    let release!: () => void;
    const slow = cache.through(key(3, 1, 1), () => new Promise((resolve) => (release = () => resolve(tile('old')))));
    cache.applyNotification({ assets: [[0, 0]] });
    release();
    await slow;
    const fresh = await cache.through(key(3, 1, 1), async () => tile('new'));
    expect(fresh.etag).toBe('"new"');
  });

  it('finds every tile a place is drawn in: one in the middle, two or four at an edge', () => {
    expect(tilesHolding(4.4937, 52.1601, 16)).toHaveLength(1);
    const t = tileOf(4.4937, 52.1601, 16);
    // A place just inside the tile's west edge is drawn in its western neighbour's buffer too.
    const westEdge = (t.x / 2 ** 16) * 360 - 180 + 1e-7;
    expect(tilesHolding(westEdge, 52.1601, 16).map(({ x }) => x).sort()).toEqual([t.x - 1, t.x]);
  });
});
