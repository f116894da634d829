import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../server/src/db/types.ts';
import { DEMO_DATA_DIR } from '../server/src/lib/paths.ts';
import { countAreas, rederiveAssetAreas, upsertArea } from '../server/src/modules/areas/areas.repository.ts';
import { upsertAssetBySource } from '../server/src/modules/assets/assets.repository.ts';
import { assetImportToRow } from '../server/src/modules/assets/assets.service.ts';
import { type FeatureCollection, readCbsAreas } from '../server/src/modules/interop/area-import.ts';
import { commitInTransaction, mapFile, resolveMapping } from '../server/src/modules/interop/import.service.ts';
import { saveMapping } from '../server/src/modules/interop/import.repository.ts';
import { sampleAssets } from './samples.ts';

/** The three municipalities of the demo, with the CBS 2015 wijk- en buurtkaart. */
export const DEMO_MUNICIPALITIES = ['leiden', 'amersfoort', 'doetinchem'] as const;
export const DEMO_AREA_YEAR = 2015;

type Log = { info(obj: object, msg?: string): void };

async function readGeoJson(...segments: string[]): Promise<FeatureCollection> {
  return JSON.parse(await readFile(path.join(DEMO_DATA_DIR, ...segments), 'utf8')) as FeatureCollection;
}

const CBS_FILES = ['gemeente', 'wijken', 'buurten'];

/** The CBS 2015 areas of the demo municipalities, as area inputs. */
export async function demoAreas() {
  const areas = [];
  for (const municipality of DEMO_MUNICIPALITIES) {
    for (const prefix of CBS_FILES) {
      const file = `${prefix}_${DEMO_AREA_YEAR}_${municipality}.geojson`;
      const collection = await readGeoJson('cbs-wijkbuurt-2015', file);
      const read = readCbsAreas(collection, { year: DEMO_AREA_YEAR, source: `cbs-wijkbuurtkaart-${DEMO_AREA_YEAR}` });
      if (read.problems.length > 0) throw new Error(`${file}: ${read.problems.map((p) => `feature ${p.row}: ${p.message}`).join('; ')}`);
      areas.push(...read.areas);
    }
  }
  return areas;
}

/** DUO's school files, read through the generic import with the mappings in seeds/mappings. */
const DUO_FILES = [
  { mapping: 'duo-scholen-bo', file: 'scholen_bo_2016.geojson' },
  { mapping: 'duo-scholen-vo', file: 'scholen_vo_2016.geojson' },
];

/**
 * Loads the demo data in one transaction: all of it or none. Running it again updates the
 * same records (areas by code and year, assets by source and source id).
 */
export async function seedDemoData(db: Kysely<DB>, log: Log): Promise<{ areas: number; assets: number }> {
  const areas = await demoAreas();
  const samples = sampleAssets();
  const schools = await db.transaction().execute(async (trx) => {
    for (const area of areas) await upsertArea(trx, area);
    // Assets already stored (a re-seed) pick up any change in the areas.
    await rederiveAssetAreas(trx);
    let count = 0;
    for (const { mapping: name, file } of DUO_FILES) {
      const mapping = await resolveMapping(trx, name);
      // Saved, so that moderators find the mapping on the import screen for next year's file.
      await saveMapping(trx, mapping.name, mapping, null);
      const report = await commitInTransaction(trx, mapping, mapFile(mapping, await readFile(path.join(DEMO_DATA_DIR, 'duo-scholen-2016', file))));
      count += report.rows;
    }
    for (const asset of samples) await upsertAssetBySource(trx, assetImportToRow(asset));
    return count;
  });
  const assets = schools + samples.length;
  log.info({ areas: areas.length, assets }, 'demo data loaded');
  return { areas: areas.length, assets };
}

/** On the first start of an empty database, load the demo data. */
export async function seedDemoDataIfEmpty(db: Kysely<DB>, log: Log): Promise<void> {
  if ((await countAreas(db)) > 0) return;
  log.info({}, 'empty database: loading the demo data (CBS 2015 areas, DUO schools, sample assets)');
  await seedDemoData(db, log);
}
