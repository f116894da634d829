/**
 * `npm run bench`: nearby search over generated assets on each database, through the whole
 * API (Fastify inject) and as raw SQL (the same compiled queries straight to the driver).
 * Prints p50 and p95 per query type, their ratio, and the EXPLAIN ANALYZE of each query.
 *
 *   BENCH_ASSETS=100000   how many assets to generate (default 100,000)
 *   BENCH_QUERIES=300     how many searches per query type
 *   BENCH_DATABASE_URL    a PostgreSQL database to use (its assets are replaced!); without it
 *                         the bench starts a throwaway cluster with scripts/pg-test-cluster.sh
 *   BENCH_BACKENDS        pglite,postgres (default both)
 *   SHARED_DATA_DIR       where the CBS 2024 wijken are (default ../shared/data)
 *
 * The assets are spread over all 3,475 real 2024 wijken of the Netherlands with density
 * following inhabitants, so that a search sees the density a national map would have.
 *
 * Times drift on a shared machine; the ratios measured within one run hold better.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { onEachBackend } from './backends.ts';
import { sql } from 'kysely';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { Database } from '../../server/src/plugins/db.ts';
import { upsertArea } from '../../server/src/modules/areas/areas.repository.ts';
import { analyzeAssets, insertAssets, nearbyQueries, type AssetFilterInput } from '../../server/src/modules/assets/assets.repository.ts';
import { assetImportToRow } from '../../server/src/modules/assets/assets.service.ts';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { readFileSync } from 'node:fs';
import { type FeatureCollection, readCbsAreas } from '../../server/src/modules/interop/area-import.ts';
import { generateAssets, seededRandom } from '../../seeds/generate.ts';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const BATCH = 1_000;

type QueryType = { name: string; radius: number; filters: AssetFilterInput; query: string };
const QUERY_TYPES: QueryType[] = [
  { name: 'nearby 1 km, 20 nearest', radius: 1_000, filters: {}, query: '' },
  { name: 'nearby 1 km + kind & inclusion filters', radius: 1_000, filters: { kind: ['initiative', 'contact_point'], inclusion: ['low_stimulus'] }, query: '&kind=initiative,contact_point&inclusion=low_stimulus' },
  { name: 'nearby 5 km, 20 nearest', radius: 5_000, filters: {}, query: '' },
];

type Row = { backend: string; query: string; api: number[]; sql: number[] };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (value: number) => `${value.toFixed(2)} ms`.padStart(10);

const SHARED_DATA_DIR = process.env.SHARED_DATA_DIR ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'data');

function nationalWijken() {
  const file = path.join(SHARED_DATA_DIR, 'cbs-wijken-2024', 'wijken_2024_nl.geojson');
  const collection = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection;
  return readCbsAreas(collection, { year: 2024, source: 'cbs-wijken-2024' }).areas;
}

const wijken = nationalWijken();
const generated = generateAssets(ASSETS, 2026, wijken);

async function load(database: Database): Promise<void> {
  const { db } = database;
  let started = performance.now();
  await db.transaction().execute(async (trx) => {
    for (const area of wijken) await upsertArea(trx, area);
  });
  console.log(`  ${wijken.length.toLocaleString('en')} wijken loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await sql`TRUNCATE assets CASCADE`.execute(db);
  const assets = generated;
  started = performance.now();
  for (let i = 0; i < assets.length; i += BATCH) {
    await insertAssets(db, assets.slice(i, i + BATCH).map(assetImportToRow));
    if ((i / BATCH) % 20 === 19 || i + BATCH >= assets.length) {
      const done = Math.min(i + BATCH, assets.length);
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`  loaded ${done.toLocaleString('en')} assets, ${Math.round(done / seconds).toLocaleString('en')} rows/s\r`);
    }
  }
  await analyzeAssets(db);
  process.stdout.write(`\n  ${assets.length.toLocaleString('en')} assets loaded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** Search centres where people live (next to generated assets), the same for every backend. */
function centres(count: number): Array<{ lon: number; lat: number }> {
  const random = seededRandom(7);
  return Array.from({ length: count }, () => {
    const [lon, lat] = generated[Math.floor(random() * generated.length)]!.location.coordinates;
    return { lon: lon + (random() - 0.5) * 0.004, lat: lat + (random() - 0.5) * 0.004 };
  });
}

async function explain(database: Database, type: QueryType): Promise<string> {
  // Utrecht city centre: one of the densest places on the national map.
  const compiled = nearbyQueries(database.db, { lon: 5.1214, lat: 52.0907 }, type.radius, type.filters, { limit: 20, offset: 0 }).rows.compile();
  const result = await database.db.executeQuery<{ 'QUERY PLAN': string }>({
    ...compiled,
    sql: `EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) ${compiled.sql}`,
  });
  return result.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n');
}

async function measure(backend: string, database: Database): Promise<Row[]> {
  await load(database);
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { database });
  await app.ready();
  const points = centres(QUERIES);
  const rows: Row[] = [];
  for (const type of QUERY_TYPES) {
    const row: Row = { backend, query: type.name, api: [], sql: [] };
    for (const [i, centre] of [...points.slice(0, 20), ...points].entries()) {
      const warm = i < 20;
      const url = `/api/assets/nearby?lat=${centre.lat}&lon=${centre.lon}&radius=${type.radius}&limit=20${type.query}`;
      let t = performance.now();
      const response = await app.inject({ url });
      const api = performance.now() - t;
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);

      const queries = nearbyQueries(database.db, centre, type.radius, type.filters, { limit: 20, offset: 0 });
      const compiledRows = queries.rows.compile();
      const compiledCount = queries.count.compile();
      t = performance.now();
      await database.db.executeQuery(compiledRows);
      await database.db.executeQuery(compiledCount);
      const raw = performance.now() - t;
      if (!warm) {
        row.api.push(api);
        row.sql.push(raw);
      }
    }
    rows.push(row);
    console.log(`  EXPLAIN ANALYZE (${type.name}):\n${await explain(database, type)}`);
  }
  await app.close();
  return rows;
}

async function main(): Promise<void> {
  console.log(`Kwartier nearby benchmark: ${ASSETS.toLocaleString('en')} assets over ${wijken.length.toLocaleString('en')} wijken, ${QUERIES} searches per query type, node ${process.version}`);
  const results = await onEachBackend(measure);

  console.log(`\nResults (${ASSETS.toLocaleString('en')} assets; API = Fastify inject incl. validation and serialisation; SQL = the same two queries, rows and count, straight to the driver)`);
  console.log(`${'backend'.padEnd(9)}${'query'.padEnd(42)}${'API p50'.padStart(10)}${'API p95'.padStart(10)}${'SQL p50'.padStart(10)}${'SQL p95'.padStart(10)}  API/SQL p50`);
  for (const row of results) {
    const apiP50 = percentile(row.api, 50);
    const sqlP50 = percentile(row.sql, 50);
    console.log(
      `${row.backend.padEnd(9)}${row.query.padEnd(42)}${ms(apiP50)}${ms(percentile(row.api, 95))}${ms(sqlP50)}${ms(percentile(row.sql, 95))}  ${(apiP50 / sqlP50).toFixed(2)}`,
    );
  }
  const pglite = results.filter((r) => r.backend === 'pglite');
  const postgres = results.filter((r) => r.backend === 'postgres');
  if (pglite.length > 0 && postgres.length > 0) {
    console.log('\nPGlite / PostgreSQL (p50 ratios, same run)');
    for (const [i, row] of pglite.entries()) {
      const other = postgres[i]!;
      console.log(
        `  ${row.query.padEnd(42)} API ${(percentile(row.api, 50) / percentile(other.api, 50)).toFixed(2)}x   SQL ${(percentile(row.sql, 50) / percentile(other.sql, 50)).toFixed(2)}x`,
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
