import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import proj4 from 'proj4';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { RD_NEW_PROJ } from '../../server/src/lib/rd-new.ts';
import { rederiveAssetAreas } from '../../server/src/modules/areas/areas.repository.ts';
import { buildTestApp, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';

/**
 * The real 2024 wijken and gemeenten of the demo municipalities, cut from the national PDOK
 * files, loaded as years far from the demo's 2015 so that nothing else sees them, and removed
 * afterwards.
 */
const YEAR = 2091;
const RD_YEAR = 2092;
const DEMO_GEMEENTEN = ['GM0546', 'GM0307', 'GM0222'];

type Collection = { type: 'FeatureCollection'; features: Array<{ type: 'Feature'; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }> };

function national(file: string): Collection {
  return JSON.parse(readFileSync(path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'cbs-wijken-2024', file), 'utf8')) as Collection;
}
const demo = (collection: Collection): Collection => ({
  type: 'FeatureCollection',
  features: collection.features.filter((feature) => DEMO_GEMEENTEN.includes(String(feature.properties.gemeentecode))),
});
const wijken = demo(national('wijken_2024_nl.geojson'));
const gemeenten = demo(national('gemeenten_2024_nl.geojson'));
const both: Collection = { type: 'FeatureCollection', features: [...gemeenten.features, ...wijken.features] };

/** GDAL reads GeoPackages. CI installs it; elsewhere a missing GDAL skips that one test, saying why. */
function gdalInstalled(): boolean {
  const installed = ['/usr/bin/ogr2ogr', '/usr/local/bin/ogr2ogr'].some((file) => existsSync(file));
  if (!installed) {
    if (process.env.CI) throw new Error('CI needs GDAL (ogr2ogr) for the GeoPackage test');
    console.warn('GeoPackage test not run: no GDAL. Install it with `apt-get install gdal-bin`.');
  }
  return installed;
}

let app: FastifyInstance;
let admin: Agent;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
  admin = await signedIn(app, ['admin']);
});
afterAll(async () => {
  const { db } = await testDatabase();
  await db.deleteFrom('areas').where('year', 'in', [YEAR, RD_YEAR]).execute();
  await rederiveAssetAreas(db);
  await app.close();
});

function load(collection: unknown, query: string, agent: { inject: Agent['inject'] } = admin) {
  return agent.inject({ method: 'POST', url: `/api/areas/import?${query}`, payload: JSON.stringify(collection), headers: { 'content-type': 'application/geo+json' } });
}

async function areasOf(year: number) {
  const { db } = await testDatabase();
  return db
    .selectFrom('areas')
    .select(['code', 'level', 'name', 'parent_code', 'gemeente_code', 'inhabitants'])
    .select(sql<number>`ST_Area(geom::geography)`.as('square_metres'))
    .where('year', '=', year)
    .orderBy('code')
    .execute();
}

describe('loading CBS areas', () => {
  it('reads PDOK’s wijken and gemeenten with their figures, one gemeente from its land and water parts', async () => {
    const dry = await load(both, `year=${YEAR}&dryRun=true`);
    expect(dry.statusCode, dry.body).toBe(200);
    const expectedWijken = wijken.features.length;
    expect(dry.json()).toMatchObject({ byLevel: { gemeente: 3, wijk: expectedWijken, buurt: 0 }, created: 3 + expectedWijken, committed: false, problems: [] });
    expect(await areasOf(YEAR)).toEqual([]);

    const loaded = await load(both, `year=${YEAR}`);
    expect(loaded.json()).toMatchObject({ committed: true, created: 3 + expectedWijken });
    const areas = await areasOf(YEAR);
    expect(areas.filter((area) => area.level === 'wijk')).toHaveLength(expectedWijken);
    // Inhabitants per gemeente as CBS counts them, and the wijken add up to them.
    const leiden = areas.find((area) => area.code === 'GM0546')!;
    const source = gemeenten.features.find((feature) => feature.properties.gemeentecode === 'GM0546' && typeof feature.properties.aantal_inwoners === 'number')!;
    expect(leiden.inhabitants).toBe(source.properties.aantal_inwoners);
    const leidenWijken = areas.filter((area) => area.level === 'wijk' && area.gemeente_code === 'GM0546');
    expect(leidenWijken.every((wijk) => wijk.parent_code === 'GM0546')).toBe(true);
    // CBS rounds each area's count on its own: the wijken add up to within a few people.
    const summed = leidenWijken.reduce((sum, wijk) => sum + (wijk.inhabitants ?? 0), 0);
    expect(Math.abs(summed - leiden.inhabitants!)).toBeLessThan(10);
  });

  it('reads the same file in RD New (EPSG:28992) to the same places', async () => {
    const toRd = proj4('WGS84', RD_NEW_PROJ);
    const project = (value: unknown): unknown =>
      Array.isArray(value) && typeof value[0] === 'number' ? toRd.forward(value as [number, number]) : (value as unknown[]).map(project);
    const rd = { ...wijken, features: wijken.features.map((feature) => ({ ...feature, geometry: { ...feature.geometry, coordinates: project(feature.geometry.coordinates) } })) };
    const loaded = await load(rd, `year=${RD_YEAR}`);
    expect(loaded.json(), loaded.body).toMatchObject({ committed: true, problems: [] });
    const fromRd = await areasOf(RD_YEAR);
    const fromWgs84 = (await areasOf(YEAR)).filter((area) => area.level === 'wijk');
    expect(fromRd.map((area) => area.code)).toEqual(fromWgs84.map((area) => area.code));
    for (const [i, area] of fromRd.entries()) {
      expect(Math.abs(area.square_metres - fromWgs84[i]!.square_metres) / fromWgs84[i]!.square_metres).toBeLessThan(0.001);
    }
  });

  it('reads a GeoPackage in RD New through GDAL, to the same places', async () => {
    if (!gdalInstalled()) return;
    // The same wijken as a GeoPackage in RD New, the way CBS publishes its kaart.
    const dir = mkdtempSync(path.join(tmpdir(), 'kwartier-gpkg-'));
    writeFileSync(path.join(dir, 'wijken.geojson'), JSON.stringify(wijken));
    execFileSync('ogr2ogr', ['-f', 'GPKG', '-t_srs', 'EPSG:28992', path.join(dir, 'wijken.gpkg'), path.join(dir, 'wijken.geojson'), '-nln', 'wijken']);
    const bytes = readFileSync(path.join(dir, 'wijken.gpkg'));
    const response = await admin.inject({ method: 'POST', url: `/api/areas/import?year=${RD_YEAR}`, payload: bytes, headers: { 'content-type': 'application/geopackage+sqlite3' } });
    expect(response.json(), response.body).toMatchObject({ committed: true, problems: [], byLevel: { wijk: wijken.features.length } });
    const fromGpkg = await areasOf(RD_YEAR);
    const fromWgs84 = (await areasOf(YEAR)).filter((area) => area.level === 'wijk');
    expect(fromGpkg.map((area) => [area.code, area.name, area.inhabitants])).toEqual(fromWgs84.map((area) => [area.code, area.name, area.inhabitants]));
    for (const [i, area] of fromGpkg.entries()) {
      expect(Math.abs(area.square_metres - fromWgs84[i]!.square_metres) / fromWgs84[i]!.square_metres).toBeLessThan(0.001);
    }
  });

  it('replaces a year’s areas of the gemeenten in the file cleanly on a re-import', async () => {
    const leidenWijken = wijken.features.filter((feature) => feature.properties.gemeentecode === 'GM0546');
    const [dropped, renamed, ...rest] = leidenWijken;
    const again = { type: 'FeatureCollection', features: [{ ...renamed!, properties: { ...renamed!.properties, wijknaam: 'Nieuwe naam' } }, ...rest] };
    const response = await load(again, `year=${YEAR}`);
    expect(response.json()).toMatchObject({ committed: true, removed: [dropped!.properties.wijkcode], replaced: leidenWijken.length - 1, created: 0 });
    const areas = await areasOf(YEAR);
    expect(areas.find((area) => area.code === dropped!.properties.wijkcode)).toBeUndefined();
    expect(areas.find((area) => area.code === renamed!.properties.wijkcode)!.name).toBe('Nieuwe naam');
    // Amersfoort and Doetinchem were not in the file: untouched.
    expect(areas.filter((area) => area.gemeente_code === 'GM0307' && area.level === 'wijk').length).toBeGreaterThan(20);
  });

  it('reports features it cannot read, and then changes nothing', async () => {
    const broken = {
      type: 'FeatureCollection',
      features: [
        wijken.features[0],
        { type: 'Feature', properties: { wijknaam: 'Zonder code' }, geometry: wijken.features[0]!.geometry },
        { type: 'Feature', properties: { wijkcode: 'WK999999', gemeentecode: 'GM9999' }, geometry: { type: 'Point', coordinates: [5, 52] } },
        { type: 'Feature', properties: { wijkcode: 'WK999998', gemeentecode: 'GM9999' }, geometry: { type: 'Polygon', coordinates: [[['5', 52], [5.1, 52]]] } },
        { type: 'Feature', properties: { wijkcode: 'WK999997', gemeentecode: 'GM9999' }, geometry: { type: 'MultiPolygon', coordinates: 'zes' } },
      ],
    };
    const before = await areasOf(YEAR);
    const response = await load(broken, `year=${YEAR}`);
    expect(response.json()).toMatchObject({ committed: false });
    expect(response.json().problems.map((p: { row: number; field: string }) => `${p.row} ${p.field}`)).toEqual(['2 code', '3 geometry', '4 geometry', '5 geometry']);
    expect(await areasOf(YEAR)).toEqual(before);
    expect((await load('{"type":', `year=${YEAR}`)).json().problems[0]).toMatchObject({ field: 'file' });
  });

  it('is for admins only, and names a missing year', async () => {
    const moderator = await signedIn(app, ['moderator']);
    expect((await load(both, `year=${YEAR}`, moderator)).statusCode).toBe(403);
    expect((await load(both, `year=${YEAR}`, app)).statusCode).toBe(401);
    const noYear = await load(both, 'dryRun=true');
    expect(noYear.statusCode).toBe(400);
    expect(noYear.json().error.fields[0].field).toBe('query.year');
  });
});
