import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { AreaLevel } from '@kwartier/shared';
import type { DB } from '../server/src/db/types.ts';
import { DEMO_DATA_DIR } from '../server/src/lib/paths.ts';
import { countAreas, rederiveAssetAreas, upsertArea } from '../server/src/modules/areas/areas.repository.ts';
import { upsertAssetBySource } from '../server/src/modules/assets/assets.repository.ts';
import { assetImportToRow } from '../server/src/modules/assets/assets.service.ts';
import { type FeatureCollection, readCbsAreas } from './cbs.ts';
import { readDuoSchools } from './duo.ts';
import { sampleAssets } from './samples.ts';

/** The three municipalities of the demo, with the CBS 2015 wijk- en buurtkaart. */
export const DEMO_MUNICIPALITIES = ['leiden', 'amersfoort', 'doetinchem'] as const;
export const DEMO_AREA_YEAR = 2015;

type Log = { info(obj: object, msg?: string): void };

async function readGeoJson(...segments: string[]): Promise<FeatureCollection> {
  return JSON.parse(await readFile(path.join(DEMO_DATA_DIR, ...segments), 'utf8')) as FeatureCollection;
}

const CBS_FILES: Array<{ level: AreaLevel; prefix: string }> = [
  { level: 'gemeente', prefix: 'gemeente' },
  { level: 'wijk', prefix: 'wijken' },
  { level: 'buurt', prefix: 'buurten' },
];

/** The CBS 2015 areas of the demo municipalities, as area inputs. */
export async function demoAreas() {
  const areas = [];
  for (const municipality of DEMO_MUNICIPALITIES) {
    for (const { level, prefix } of CBS_FILES) {
      const file = `${prefix}_${DEMO_AREA_YEAR}_${municipality}.geojson`;
      const collection = await readGeoJson('cbs-wijkbuurt-2015', file);
      areas.push(...readCbsAreas(collection, level, DEMO_AREA_YEAR, `cbs-wijkbuurtkaart-${DEMO_AREA_YEAR}`));
    }
  }
  return areas;
}

export async function demoSchools() {
  return [
    ...readDuoSchools(await readGeoJson('duo-scholen-2016', 'scholen_bo_2016.geojson'), 'primary', 'duo-scholen-bo-2016'),
    ...readDuoSchools(await readGeoJson('duo-scholen-2016', 'scholen_vo_2016.geojson'), 'secondary', 'duo-scholen-vo-2016'),
  ];
}

/**
 * Loads the demo data in one transaction: all of it or none. Running it again updates the
 * same records (areas by code and year, assets by source and source id).
 */
export async function seedDemoData(db: Kysely<DB>, log: Log): Promise<{ areas: number; assets: number }> {
  const areas = await demoAreas();
  const assets = [...(await demoSchools()), ...sampleAssets()];
  await db.transaction().execute(async (trx) => {
    for (const area of areas) await upsertArea(trx, area);
    // Assets already stored (a re-seed) pick up any change in the areas.
    await rederiveAssetAreas(trx);
    for (const asset of assets) await upsertAssetBySource(trx, assetImportToRow(asset));
  });
  log.info({ areas: areas.length, assets: assets.length }, 'demo data loaded');
  return { areas: areas.length, assets: assets.length };
}

/** On the first start of an empty database, load the demo data. */
export async function seedDemoDataIfEmpty(db: Kysely<DB>, log: Log): Promise<void> {
  if ((await countAreas(db)) > 0) return;
  log.info({}, 'empty database: loading the demo data (CBS 2015 areas, DUO schools, sample assets)');
  await seedDemoData(db, log);
}
