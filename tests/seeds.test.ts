import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ASSET_KIND_CODES, INCLUSION_FEATURE_CODES, SOCIAL_CAPITAL_CODES } from '@kwartier/shared';
import { cbsNumber, readCbsAreas, type FeatureCollection } from '../server/src/modules/interop/area-import.ts';
import { sampleAssets } from '../seeds/samples.ts';
import { seedDemoData } from '../seeds/demo.ts';
import { PROJECT_ROOT } from '../server/src/lib/paths.ts';
import { buildTestApp, clearAssets, countAssetRows, testDatabase } from './helpers/app.ts';
import { testModerator } from './helpers/fixtures.ts';

const shared = (...segments: string[]) =>
  JSON.parse(readFileSync(path.resolve(PROJECT_ROOT, '..', 'shared', 'data', ...segments), 'utf8')) as FeatureCollection;

describe('reading the real open data as it comes', () => {
  it('reads CBS buurten with -99999999 as unknown', () => {
    const { areas, problems } = readCbsAreas(shared('cbs-wijkbuurt-2015', 'buurten_2015_amersfoort.geojson'), { year: 2015, source: 'test' });
    expect(problems).toEqual([]);
    expect(areas).toHaveLength(145);
    expect(areas.every((area) => area.level === 'buurt' && area.parentCode?.startsWith('WK0307'))).toBe(true);
    const values = areas.flatMap((a) => Object.values(a.keyFigures));
    expect(values).toContain(null);
    expect(values.some((v) => v !== null && v < -1000)).toBe(false);
    expect(cbsNumber(-99999999)).toBeNull();
    expect(cbsNumber(-99999997)).toBeNull();
    expect(cbsNumber(0)).toBe(0);
  });

  it('has sample data for every kind, social-capital type and inclusion feature, marked as samples', () => {
    const samples = sampleAssets();
    expect(new Set(samples.map((s) => s.kind))).toEqual(new Set(ASSET_KIND_CODES));
    expect(new Set(samples.flatMap((s) => s.socialCapital))).toEqual(new Set(SOCIAL_CAPITAL_CODES));
    expect(new Set(samples.flatMap((s) => s.inclusionFeatures))).toEqual(new Set(INCLUSION_FEATURE_CODES));
    expect(samples.every((s) => s.isSample && s.source === 'kwartier-sample')).toBe(true);
  });
});

describe('loading the demo data', () => {
  beforeAll(clearAssets);

  it('loads areas, schools and samples, and a second run updates instead of duplicating', async () => {
    const { db } = await testDatabase();
    const log = { info: () => {} };
    const first = await seedDemoData(db, log);
    const rows = await countAssetRows();
    expect(first).toEqual({ areas: 337, assets: 161 });
    expect(rows).toBe(161);
    await seedDemoData(db, log);
    expect(await countAssetRows()).toBe(rows);

    const app = await buildTestApp();
    const schools = (await app.inject({ url: '/api/assets?category=school&area=GM0546&limit=100' })).json();
    expect(schools.total).toBe(27 + 13);
    const unplaced = await db.selectFrom('assets').select('name').where('gemeente_code', 'is', null).execute();
    expect(unplaced).toEqual([]);

    // An asset a moderator archived stays archived when its source is read again.
    const school = schools.items[0];
    const moderator = await testModerator(app);
    expect((await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${school.id}/archive` })).statusCode).toBe(200);
    await seedDemoData(db, log);
    expect((await moderator.inject({ url: `/api/assets/${school.id}` })).json().status).toBe('archived');
    await app.close();
  });
});
