/**
 * `npm run bench:buurtscan` (also part of `npm run bench`): how long the buurtscan takes.
 *
 * 1. A municipality: BENCH_BUURTSCAN_MUNICIPAL (default 100,000) assets spread over the buurten
 *    of the three demo gemeenten (CBS 2015), then the buurtscan of all of Amersfoort's buurten
 *    with every indicator; counts and reach timed apart.
 * 2. The country: BENCH_BUURTSCAN_NATIONAL (default 1,000,000) assets over all 3,475 wijken of
 *    2024, then the scan of every wijk: the counting indicators; reach computed for every
 *    gemeente (what the server's refresher does after a bulk load); the scan with every
 *    indicator, reach kept; and the same scan after one asset changed.
 *
 * On each database of BENCH_BACKENDS (pglite,postgres); PostgreSQL is a throwaway cluster
 * unless BENCH_DATABASE_URL names one (its areas and assets are replaced!).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { onEachBackend } from './backends.ts';
import { sql } from 'kysely';
import { INDICATORS } from '@kwartier/shared';
import type { Database } from '../../server/src/plugins/db.ts';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { type AreaInput, upsertArea } from '../../server/src/modules/areas/areas.repository.ts';
import { analyzeAssets, insertAssets } from '../../server/src/modules/assets/assets.repository.ts';
import { assetImportToRow } from '../../server/src/modules/assets/assets.service.ts';
import { buurtscan } from '../../server/src/modules/buurtscan/buurtscan.service.ts';
import { refreshReach } from '../../server/src/modules/buurtscan/reach.service.ts';
import { type FeatureCollection, readCbsAreas } from '../../server/src/modules/interop/area-import.ts';
import { demoAreas } from '../../seeds/demo.ts';
import { generateAssets } from '../../seeds/generate.ts';

const MUNICIPAL = Number(process.env.BENCH_BUURTSCAN_MUNICIPAL ?? 100_000);
const NATIONAL = Number(process.env.BENCH_BUURTSCAN_NATIONAL ?? 1_000_000);
const SHARED_DATA_DIR = process.env.SHARED_DATA_DIR ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'data');
const BATCH = 1_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

async function loadAreasAndAssets(database: Database, areas: AreaInput[], count: number, label: string): Promise<void> {
  const { db } = database;
  await sql`TRUNCATE assets CASCADE`.execute(db);
  await sql`DELETE FROM areas`.execute(db);
  const areasLoaded = await timed(() => db.transaction().execute(async (trx) => {
    for (const area of areas) await upsertArea(trx, area);
  }));
  console.log(`  ${areas.length.toLocaleString('en')} ${label} loaded in ${seconds(areasLoaded.ms)}`);
  const places = areas.filter((area) => area.level === (label === 'wijken' ? 'wijk' : 'buurt'));
  const generated = generateAssets(count, 2026, places);
  const started = performance.now();
  for (let i = 0; i < generated.length; i += BATCH) {
    await insertAssets(db, generated.slice(i, i + BATCH).map(assetImportToRow));
    if ((i / BATCH) % 50 === 49 || i + BATCH >= generated.length) {
      const done = Math.min(i + BATCH, generated.length);
      process.stdout.write(`  loaded ${done.toLocaleString('en')} assets, ${Math.round(done / ((performance.now() - started) / 1000)).toLocaleString('en')} rows/s\r`);
    }
  }
  await analyzeAssets(database.db);
  process.stdout.write(`\n  ${generated.length.toLocaleString('en')} assets loaded in ${seconds(performance.now() - started)}\n`);
}

function nationalWijken(): AreaInput[] {
  const file = path.join(SHARED_DATA_DIR, 'cbs-wijken-2024', 'wijken_2024_nl.geojson');
  const collection = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection;
  return readCbsAreas(collection, { year: 2024, source: 'cbs-wijken-2024' }).areas;
}

const COUNTED = INDICATORS.filter((indicator) => indicator.measure.type !== 'reach').map((indicator) => indicator.code);
const REACH = INDICATORS.filter((indicator) => indicator.measure.type === 'reach').map((indicator) => indicator.code);

type Result = { backend: string; what: string; ms: number; areas: number };

async function bench(backend: string, database: Database): Promise<Result[]> {
  const results: Result[] = [];
  const now = new Date();

  console.log(`  municipality: ${MUNICIPAL.toLocaleString('en')} assets over the demo buurten`);
  await loadAreasAndAssets(database, await demoAreas(), MUNICIPAL, 'demo areas');
  const amersfoort = { level: 'buurt' as const, gemeente: 'GM0307' };
  await buurtscan(database.db, { ...amersfoort, indicators: COUNTED.slice(0, 2) }, now); // warm
  const record = (what: string, ms: number, areas: number, unit: string) => {
    results.push({ backend, what, ms, areas });
    console.log(`  ${what}: ${seconds(ms)} (${areas} ${unit})`);
  };
  const scan = async (what: string, query: Parameters<typeof buurtscan>[1], unit: string) => {
    const run = await timed(() => buurtscan(database.db, query, now));
    record(what, run.ms, run.value.areas.length, unit);
  };

  await scan(`Amersfoort buurten, ${COUNTED.length} counting indicators`, { ...amersfoort, indicators: [...COUNTED] }, 'buurten');
  // Reach is kept: the first scan after a change computes it (all eight reach indicators at
  // once, for the gemeenten concerned); every scan after that reads it.
  await scan(`Amersfoort buurten, ${REACH.length} reach indicators, computed`, { ...amersfoort, indicators: [...REACH] }, 'buurten');
  await scan(`Amersfoort buurten, all ${INDICATORS.length} indicators, reach kept`, amersfoort, 'buurten');

  console.log(`  country: ${NATIONAL.toLocaleString('en')} assets over the 2024 wijken`);
  await loadAreasAndAssets(database, nationalWijken(), NATIONAL, 'wijken');
  await scan(`all wijken, ${COUNTED.length} counting indicators`, { level: 'wijk', indicators: [...COUNTED] }, 'wijken');
  const computed = await timed(() => refreshReach(database.db));
  record(`all wijken, ${REACH.length} reach indicators computed (${computed.value} gemeenten)`, computed.ms, computed.value, 'gemeenten');
  await scan(`all wijken, all ${INDICATORS.length} indicators, reach kept`, { level: 'wijk' }, 'wijken');
  // One asset changes: only the gemeenten near it are computed again.
  await sql`UPDATE assets SET name = name || ' ' WHERE id = (SELECT id FROM assets WHERE category = 'buurthuis' AND status = 'published' LIMIT 1)`.execute(database.db);
  await scan(`all wijken, all ${INDICATORS.length} indicators, after one asset changed`, { level: 'wijk' }, 'wijken');
  return results;
}

async function main(): Promise<void> {
  console.log(`Kwartier buurtscan benchmark, node ${process.version}`);
  const results = await onEachBackend(bench);
  console.log('\nResults');
  for (const result of results) console.log(`  ${result.backend.padEnd(9)} ${result.what.padEnd(60)} ${seconds(result.ms).padStart(10)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
