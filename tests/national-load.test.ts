import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { AssetImport } from '@kwartier/shared';
import { TEST_DATABASE_URL, backendUnderTest, clearAssets, ensureDemoAreas, resetToDemoData, testDatabase } from './helpers/app.ts';
import { insertAssets } from '../server/src/modules/assets/assets.repository.ts';
import { assetImportToRow } from '../server/src/modules/assets/assets.service.ts';
import { demoAreas } from '../seeds/demo.ts';
import { generateAssets } from '../seeds/generate.ts';
import { type LoadMethod, NotEmptyError, loadAssets, loadGeneratedAssets } from '../seeds/national.ts';

const COUNT = 2_000;
/** Every kind and precision the location trigger treats apart, among the first assets. */
const SAMPLES = 120;

let assets: AssetImport[];
beforeAll(async () => {
  await ensureDemoAreas();
  const buurten = (await demoAreas()).filter((area) => area.level === 'buurt');
  assets = generateAssets(COUNT, 11, buurten).map((asset, i) => {
    // Buurt precision (the buurt's label point) and a place outside every area (a 1 km cell).
    if (i % 7 === 3 && asset.kind !== 'talent') return { ...asset, precision: 'buurt' };
    if (i === 5) return { ...asset, location: { type: 'Point', coordinates: [5.9, 53.3] } };
    return asset;
  });
});
afterAll(async () => {
  await resetToDemoData();
});

/** Every stored column but the ones a write sets anew (id, times) or the test sets apart (source). */
async function storedBySourceId(source: string) {
  const { db } = await testDatabase();
  const result = await sql<{ source_id: string; row: Record<string, unknown> }>`
    SELECT source_id, to_jsonb(a) - 'id' - 'source' - 'created_at' - 'updated_at' AS row
      FROM assets a WHERE source = ${source} ORDER BY source_id`.execute(db);
  return new Map(result.rows.map((r) => [r.source_id, r.row]));
}

const methods: LoadMethod[] = backendUnderTest === 'postgres' ? ['copy', 'json'] : ['json'];

describe(`the national loader (${backendUnderTest})`, () => {
  it.each(methods)('stores with %s exactly what an insert through the app stores', async (method) => {
    await clearAssets();
    const database = await testDatabase();
    // Batches of 700: the last one is shorter, and the statement triggers run three times.
    const report = await loadAssets(database, assets, { method, batchSize: 700, databaseUrl: TEST_DATABASE_URL });
    expect(report.rows).toBe(COUNT);
    const appSource = 'through-the-app';
    await insertAssets(database.db, assets.slice(0, SAMPLES).map((asset) => assetImportToRow({ ...asset, source: appSource })));

    const loaded = await storedBySourceId('kwartier-generated');
    const inserted = await storedBySourceId(appSource);
    expect(loaded.size).toBe(COUNT);
    expect(inserted.size).toBe(SAMPLES);
    for (const [sourceId, row] of inserted) expect(loaded.get(sourceId), sourceId).toEqual(row);

    // The samples cover every branch of the location trigger.
    const rows = [...inserted.values()];
    expect(new Set(rows.map((row) => row.precision))).toEqual(new Set(['exact', 'street', 'buurt']));
    expect(rows.some((row) => row.kind === 'talent')).toBe(true);
    expect(rows.filter((row) => row.buurt_code === null)).toHaveLength(1);
  });

  it('keeps the published counts per area as the statement triggers would for any insert', async () => {
    const { db } = await testDatabase();
    const result = await sql<{ area_code: string; kept: number; counted: number }>`
      SELECT c.area_code, c.count AS kept, (SELECT count(*) FROM assets a WHERE a.status = 'published' AND a.gemeente_code = c.area_code) AS counted
        FROM area_asset_counts c WHERE c.dimension = 'all' AND c.area_code LIKE 'GM%'`.execute(db);
    expect(result.rows.length).toBeGreaterThanOrEqual(3);
    for (const row of result.rows) expect(Number(row.kept), row.area_code).toBe(Number(row.counted));
  });

  it('refuses a database with assets unless told to replace them, then replaces them', async () => {
    const database = await testDatabase();
    const buurten = (await demoAreas()).filter((area) => area.level === 'buurt');
    await expect(loadGeneratedAssets(database, { count: 10, seed: 1, areas: buurten })).rejects.toBeInstanceOf(NotEmptyError);
    const report = await loadGeneratedAssets(database, { count: 300, seed: 1, areas: buurten, replace: true, databaseUrl: TEST_DATABASE_URL });
    expect(report.rows).toBe(300);
    const { n } = await database.db.selectFrom('assets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(300);
  });
});
