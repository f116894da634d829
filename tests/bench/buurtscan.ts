/**
 * `npm run bench:buurtscan` (also part of `npm run bench`): how long the buurtscan takes.
 *
 * 1. A municipality: BENCH_BUURTSCAN_MUNICIPAL (default 100,000) assets spread over the buurten
 *    of the three demo gemeenten (CBS 2015), then the buurtscan of all of Amersfoort's buurten
 *    with every indicator; counts and reach timed apart.
 * 2. The country: BENCH_BUURTSCAN_NATIONAL (default BENCH_ASSETS, else 1,000,000) assets over all 3,475 wijken of
 *    2024, then the scan of every wijk: the counting indicators; reach computed for every
 *    gemeente (what the server's refresher does after a bulk load); the scan with every
 *    indicator, reach kept; and the same scan after one asset changed.
 *
 * On each database of BENCH_BACKENDS (pglite,postgres); PostgreSQL is a throwaway cluster
 * unless BENCH_DATABASE_URL names one (its areas and assets are replaced!).
 */
import { performance } from 'node:perf_hooks';
import { onEachBackend } from './backends.ts';
import { sql } from 'kysely';
import { INDICATORS } from '@kwartier/shared';
import type { Database } from '../../server/src/plugins/db.ts';
import type { AreaInput } from '../../server/src/modules/areas/areas.repository.ts';
import { buurtscan } from '../../server/src/modules/buurtscan/buurtscan.service.ts';
import { refreshReach } from '../../server/src/modules/buurtscan/reach.service.ts';
import { demoAreas } from '../../seeds/demo.ts';
import { describeLoad, loadAreas, loadGeneratedAssets, nationalWijken, printProgress } from '../../seeds/national.ts';
import { saveFigures } from './measure.ts';

const MUNICIPAL = Number(process.env.BENCH_BUURTSCAN_MUNICIPAL ?? 100_000);
const NATIONAL = Number(process.env.BENCH_BUURTSCAN_NATIONAL ?? process.env.BENCH_ASSETS ?? 1_000_000);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

async function loadAreasAndAssets(database: Database, url: string | undefined, areas: AreaInput[], count: number, label: string): Promise<void> {
  const { db } = database;
  await sql`TRUNCATE assets CASCADE`.execute(db);
  await sql`DELETE FROM areas`.execute(db);
  const areasLoaded = await timed(() => loadAreas(database, areas));
  console.log(`  ${areas.length.toLocaleString('en')} ${label} loaded in ${seconds(areasLoaded.ms)}`);
  const places = areas.filter((area) => area.level === (label === 'wijken' ? 'wijk' : 'buurt'));
  const report = await loadGeneratedAssets(database, { count, seed: 2026, areas: places, databaseUrl: url, onProgress: printProgress });
  process.stdout.write(`\n  ${describeLoad(report)}\n`);
}

const COUNTED = INDICATORS.filter((indicator) => indicator.measure.type !== 'reach').map((indicator) => indicator.code);
const REACH = INDICATORS.filter((indicator) => indicator.measure.type === 'reach').map((indicator) => indicator.code);

type Result = { backend: string; what: string; ms: number; areas: number };

async function bench(backend: string, database: Database, url: string | undefined): Promise<Result[]> {
  const results: Result[] = [];
  const now = new Date();

  console.log(`  municipality: ${MUNICIPAL.toLocaleString('en')} assets over the demo buurten`);
  await loadAreasAndAssets(database, url, await demoAreas(), MUNICIPAL, 'demo areas');
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
  await loadAreasAndAssets(database, url, nationalWijken(), NATIONAL, 'wijken');
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
  saveFigures('buurtscan', results.map((result) => ({ backend: result.backend, name: result.what, value: result.ms, unit: 'ms', note: `${NATIONAL.toLocaleString('en')} assets nationally` })));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
