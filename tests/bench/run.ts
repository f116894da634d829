/**
 * `npm run bench` (first part; `npm run bench:national` alone): the national dataset, loaded once
 * per database, and what a user of the map waits for on it:
 *
 *   nearby       p50/p95 through the API (Fastify inject) and the same SQL straight to the driver
 *   list/search  GET /api/assets with kind, inclusion and area filters, and with q; the SQL the
 *                request ran, replayed raw, and its EXPLAIN ANALYZE
 *   tiles        cold (a tile nobody asked for yet) and warm latency at z6, z10, z14, z16 over the
 *                densest tiles, size, and the tile's SQL (tileQuery) beside the cold time
 *   throughput   autocannon on a warm tile (gzip, as browsers ask; and uncompressed) against a bare
 *                Fastify hello-world in the same run
 *   web          bundle size (gzip) and navigation to the map's first idle in Chromium
 *
 *   BENCH_ASSETS=1000000   generated assets over the 3,475 real 2024 wijken (density follows inhabitants)
 *   BENCH_QUERIES=200      searches per nearby query type; BENCH_LIST_QUERIES=40 per list/search type
 *   BENCH_TILES=20         distinct tiles per zoom for the cold figures
 *   BENCH_WEB_RUNS=5       page loads; BENCH_THROUGHPUT_SECONDS=10, BENCH_CONNECTIONS=50
 *   BENCH_BACKENDS         pglite,postgres (default both)
 *   BENCH_DATABASE_URL     a PostgreSQL database to use (its assets are replaced!); without it the
 *                          bench starts a throwaway cluster with scripts/pg-test-cluster.sh
 *
 * Times drift on a shared machine; the ratios measured within one run hold better.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { CONSENT_TEXTS, COUNT_CAP } from '@kwartier/shared';
import type { CompiledQuery } from 'kysely';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { Database } from '../../server/src/plugins/db.ts';
import { nearbyQueries, type AssetFilterInput } from '../../server/src/modules/assets/assets.repository.ts';
import { tileQuery } from '../../server/src/modules/tiles/tiles.repository.ts';
import type { AreaInput } from '../../server/src/modules/areas/areas.repository.ts';
import { generateAssets } from '../../seeds/generate.ts';
import { describeLoad, loadAreas, loadGeneratedAssets, nationalWijken, printProgress } from '../../seeds/national.ts';
import { onEachBackend } from './backends.ts';
import { type BenchFigure, explainAnalyze, ms, percentile, queryRecorder, saveFigures, timeQueries, timedMs } from './measure.ts';
import { describeThroughput, helloWorldThroughput, listenLocally, load, type Throughput, throughput } from './throughput.ts';
import { signedIn } from '../helpers/auth.ts';
import { firstIdleTimes, median, printBundleSizes } from './web.ts';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const LIST_QUERIES = Number(process.env.BENCH_LIST_QUERIES ?? 40);
const TILES = Number(process.env.BENCH_TILES ?? 20);
const WEB_RUNS = Number(process.env.BENCH_WEB_RUNS ?? 5);
const WARMUP = 10;

const wijken = nationalWijken();
/** Places where people live, drawn as the dataset is, the same for every backend: search centres and dense tiles. */
const people = generateAssets(5_000, 7, wijken).map((asset) => asset.location.coordinates);

type Timing = { backend: string; section: string; query: string; api: number[]; sql: number[]; note?: string };

// ---------------------------------------------------------------- nearby

type NearbyType = { name: string; radius: number; filters: AssetFilterInput; query: string };
const NEARBY_TYPES: NearbyType[] = [
  { name: 'nearby 1 km, 20 nearest', radius: 1_000, filters: {}, query: '' },
  { name: 'nearby 1 km + kind & inclusion', radius: 1_000, filters: { kind: ['initiative', 'contact_point'], inclusion: ['low_stimulus'] }, query: '&kind=initiative,contact_point&inclusion=low_stimulus' },
  { name: 'nearby 5 km, 20 nearest', radius: 5_000, filters: {}, query: '' },
];

function centres(count: number): Array<{ lon: number; lat: number }> {
  return Array.from({ length: count }, (_, i) => {
    const [lon, lat] = people[i % people.length]!;
    // A little off the place itself, as a social worker's client would be.
    return { lon: lon + (((i * 37) % 100) / 100 - 0.5) * 0.004, lat: lat + (((i * 61) % 100) / 100 - 0.5) * 0.004 };
  });
}

async function benchNearby(backend: string, database: Database, app: FastifyInstance): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (const type of NEARBY_TYPES) {
    const timing: Timing = { backend, section: 'nearby', query: type.name, api: [], sql: [] };
    for (const [i, centre] of centres(WARMUP + QUERIES).entries()) {
      const url = `/api/assets/nearby?lat=${centre.lat}&lon=${centre.lon}&radius=${type.radius}&limit=20${type.query}`;
      const started = performance.now();
      const response = await app.inject({ url });
      const api = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
      const queries = nearbyQueries(database.db, centre, type.radius, type.filters, { limit: 20, offset: 0 }, COUNT_CAP);
      const raw = await timeQueries(database.db, [queries.rows.compile(), queries.count.compile()]);
      if (i >= WARMUP) {
        timing.api.push(api);
        timing.sql.push(raw);
      }
    }
    timings.push(timing);
    // Utrecht city centre: one of the densest places on the national map.
    const utrecht = nearbyQueries(database.db, { lon: 5.1214, lat: 52.0907 }, type.radius, type.filters, { limit: 20, offset: 0 }, COUNT_CAP);
    console.log(`  EXPLAIN ANALYZE (${type.name}, Utrecht centre):\n${await explainAnalyze(database.db, utrecht.rows.compile())}`);
  }
  return timings;
}

// ---------------------------------------------------------------- list and text search

/**
 * An app whose database records the SQL each request sends: the raw time of a list request
 * is the time of exactly those queries, whatever the service and repository make of the URL.
 */
async function recordingApp(database: Database) {
  const recorder = queryRecorder(database.db);
  const app = await buildApp(benchConfig(), { database: { ...database, db: recorder.db } });
  await app.ready();
  return {
    app,
    async queriesOf(url: string): Promise<CompiledQuery[]> {
      recorder.take();
      const response = await app.inject({ url });
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
      return recorder.take();
    },
  };
}

/** The largest gemeenten by inhabitants: area filters where a list has most to sort through. */
function largestGemeenten(areas: AreaInput[], count: number): string[] {
  const inhabitants = new Map<string, number>();
  for (const area of areas) inhabitants.set(area.gemeenteCode, (inhabitants.get(area.gemeenteCode) ?? 0) + (area.inhabitants ?? 0));
  return [...inhabitants.entries()].sort((a, b) => b[1] - a[1]).slice(0, count).map(([code]) => code);
}

const GEMEENTEN = largestGemeenten(wijken, 20);
/** Words people type: wijk names (in every generated description) and categories (in names). */
const SEARCH_WORDS = ['centrum', 'noord', 'buurthuis', 'oost', 'lotgenoten', 'west', 'bibliotheek', 'zuid', 'park', 'dorp'];

type ListType = { name: string; url: (i: number) => string };
const LIST_TYPES: ListType[] = [
  { name: 'list kind & inclusion', url: () => '/api/assets?kind=initiative,contact_point&inclusion=low_stimulus&limit=20' },
  { name: 'list gemeente', url: (i) => `/api/assets?area=${GEMEENTEN[i % GEMEENTEN.length]}&limit=20` },
  { name: 'list gemeente + kind & inclusion', url: (i) => `/api/assets?area=${GEMEENTEN[i % GEMEENTEN.length]}&kind=initiative&inclusion=low_stimulus&limit=20` },
  { name: 'search q (national)', url: (i) => `/api/assets?q=${SEARCH_WORDS[i % SEARCH_WORDS.length]}&limit=20` },
  { name: 'search q in a gemeente', url: (i) => `/api/assets?q=${SEARCH_WORDS[i % SEARCH_WORDS.length]}&area=${GEMEENTEN[i % GEMEENTEN.length]}&limit=20` },
];

async function benchList(backend: string, database: Database, app: FastifyInstance): Promise<Timing[]> {
  const recording = await recordingApp(database);
  const timings: Timing[] = [];
  try {
    for (const type of LIST_TYPES) {
      const timing: Timing = { backend, section: 'list', query: type.name, api: [], sql: [] };
      for (let i = 0; i < WARMUP + LIST_QUERIES; i++) {
        const url = type.url(i);
        const started = performance.now();
        const response = await app.inject({ url });
        const api = performance.now() - started;
        if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
        const raw = await timeQueries(database.db, await recording.queriesOf(url));
        if (i >= WARMUP) {
          timing.api.push(api);
          timing.sql.push(raw);
        }
      }
      timings.push(timing);
      const queries = await recording.queriesOf(type.url(0));
      console.log(`  ${type.name}: ${type.url(0)}`);
      for (const query of queries) console.log(`  EXPLAIN ANALYZE:\n${await explainAnalyze(database.db, query)}`);
    }
  } finally {
    await recording.app.close();
  }
  return timings;
}

// ---------------------------------------------------------------- tiles

type Tile = { z: number; x: number; y: number };
const ZOOMS = [6, 10, 14, 16];

function tileOf(lon: number, lat: number, z: number): Tile {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x, y };
}

/** The `count` tiles of zoom `z` where most people live: fresh tiles for cold requests, dense ones. */
function densestTiles(z: number, count: number): Tile[] {
  const counts = new Map<string, { tile: Tile; people: number }>();
  for (const [lon, lat] of people) {
    const tile = tileOf(lon, lat, z);
    const key = `${tile.x}/${tile.y}`;
    const entry = counts.get(key) ?? { tile, people: 0 };
    entry.people += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.people - a.people).slice(0, count).map((entry) => entry.tile);
}

type TileTiming = { backend: string; z: number; tiles: number; cold: number[]; sql: number[]; warm: number[]; kb: number[] };

/**
 * Per zoom: for each tile never requested before, its SQL (run twice, the second timed, so
 * that both see the same warm database pages), then the cold request, then warm requests
 * (the server's tile cache). The tile cache is in the app, so "cold" means a tile it never saw.
 */
async function benchTiles(backend: string, database: Database, app: FastifyInstance): Promise<TileTiming[]> {
  const results: TileTiming[] = [];
  const filters: AssetFilterInput = { status: ['published'] };
  for (const z of ZOOMS) {
    const tiles = densestTiles(z, TILES);
    const timing: TileTiming = { backend, z, tiles: tiles.length, cold: [], sql: [], warm: [], kb: [] };
    for (const tile of tiles) {
      const compiled = tileQuery(database.db, tile, filters).compile();
      await database.db.executeQuery(compiled);
      timing.sql.push(await timeQueries(database.db, [compiled]));
      const url = `/tiles/assets/${tile.z}/${tile.x}/${tile.y}.mvt`;
      let started = performance.now();
      const cold = await app.inject({ url });
      timing.cold.push(performance.now() - started);
      if (cold.statusCode !== 200 && cold.statusCode !== 204) throw new Error(`${url}: ${cold.statusCode} ${cold.body}`);
      timing.kb.push(cold.rawPayload.length / 1024);
      for (let again = 0; again < 5; again++) {
        started = performance.now();
        await app.inject({ url });
        timing.warm.push(performance.now() - started);
      }
    }
    results.push(timing);
    const densest = tileQuery(database.db, tiles[0]!, filters).compile();
    console.log(`  EXPLAIN ANALYZE (tile ${tiles[0]!.z}/${tiles[0]!.x}/${tiles[0]!.y}):\n${await explainAnalyze(database.db, densest)}`);
  }
  return results;
}

// ---------------------------------------------------------------- load

const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const LOAD_CONNECTIONS = 50;
const LOAD_RESIDENTS = 50;

/** A resident's new initiative, the write a load test sends (it waits for a moderator). */
function submission(i: number): string {
  const [lon, lat] = people[i % people.length]!;
  return JSON.stringify({
    kind: 'initiative',
    category: 'lotgenotengroep',
    name: `Lotgenotengroep ${i}`,
    description: 'Elke dinsdag, iedereen welkom.',
    socialCapital: ['bonding'],
    inclusionFeatures: ['peer_experts'],
    location: { type: 'Point', coordinates: [lon, lat] },
    consent: { version: CONSENT_TEXTS.publish.version },
  });
}

/**
 * Issue 9's load: autocannon for LOAD_SECONDS (30) at 50 connections on nearby, the list,
 * tiles and one write (residents submitting initiatives, a session per connection), each over
 * 500 places where people live. Errors and timeouts must be 0.
 */
async function benchLoad(base: string, app: FastifyInstance): Promise<Throughput[]> {
  const places = people.slice(0, 500);
  const routes = [
    { name: 'nearby 1 km', paths: places.map(([lon, lat]) => `/api/assets/nearby?lat=${lat}&lon=${lon}&radius=1000&limit=20`) },
    { name: 'list (a map view)', paths: places.map(([lon, lat]) => `/api/assets?bbox=${lon! - 0.01},${lat! - 0.006},${lon! + 0.01},${lat! + 0.006}&limit=20`) },
    { name: 'tiles z15', paths: places.map(([lon, lat]) => { const t = tileOf(lon!, lat!, 15); return `/tiles/assets/15/${t.x}/${t.y}.mvt`; }) },
  ];
  const results: Throughput[] = [];
  for (const route of routes) {
    const result = await load({ base, paths: route.paths, headers: { 'accept-encoding': 'gzip' }, connections: LOAD_CONNECTIONS, duration: LOAD_SECONDS });
    results.push({ ...result, url: route.name });
    console.log(`  load, ${route.name.padEnd(20)} ${describeThroughput(result)}`);
  }
  const residents = await Promise.all(Array.from({ length: LOAD_RESIDENTS }, (_, i) => signedIn(app, ['resident'], `load-${i}`)));
  const write = await load({
    base,
    method: 'POST',
    paths: ['/api/assets'],
    body: submission(0),
    headers: { 'content-type': 'application/json' },
    connectionHeaders: residents.map((resident) => ({ cookie: `kw_session=${resident.cookie}`, 'x-csrf-token': resident.csrfToken })),
    connections: LOAD_CONNECTIONS,
    duration: LOAD_SECONDS,
  });
  results.push({ ...write, url: 'submit an initiative' });
  console.log(`  load, ${'submit an initiative'.padEnd(20)} ${describeThroughput(write)} ${JSON.stringify(write.statusCodes)}`);
  return results;
}

// ---------------------------------------------------------------- one backend

function benchConfig() {
  // A one-second window: the load test's residents submit many entries each (30 a window).
  return loadConfig({ LOG_LEVEL: 'silent', SEED_DEMO_DATA: 'false', RATE_LIMIT_WINDOW_SECONDS: '1' });
}

type BackendResult = {
  backend: string;
  timings: Timing[];
  tiles: TileTiming[];
  tile: { requestsPerSecond: number; line: string };
  identity: { requestsPerSecond: number; line: string };
  health: { requestsPerSecond: number; line: string };
  hello: { requestsPerSecond: number; line: string };
  idle: number[];
  idleStreet: number[];
  load: Throughput[];
  loadRowsPerSecond: number;
};

async function benchBackend(backend: string, database: Database, url: string | undefined): Promise<BackendResult[]> {
  const areasMs = await timedMs(() => loadAreas(database, wijken));
  console.log(`  ${wijken.length.toLocaleString('en')} wijken loaded in ${(areasMs / 1000).toFixed(1)} s`);
  const load = await loadGeneratedAssets(database, { count: ASSETS, seed: 2026, areas: wijken, replace: true, databaseUrl: url, onProgress: printProgress });
  console.log(`\n  ${describeLoad(load)}`);

  const app = await buildApp(benchConfig(), { database });
  await app.ready();
  try {
    const timings = [...(await benchNearby(backend, database, app)), ...(await benchList(backend, database, app))];
    const tiles = await benchTiles(backend, database, app);
    const base = await listenLocally(app);
    // The densest z14 tile, cached by the requests above; asked for as a browser asks (gzip),
    // and without compression beside it.
    const warmTile = densestTiles(14, 1)[0]!;
    const warmUrl = `${base}/tiles/assets/${warmTile.z}/${warmTile.x}/${warmTile.y}.mvt`;
    const tileThroughput = await throughput(warmUrl, { 'accept-encoding': 'gzip, deflate, br' });
    const identityThroughput = await throughput(warmUrl);
    // The app's own floor: its cheapest route through all of Kwartier's hooks and plugins.
    const health = await throughput(`${base}/health`);
    const hello = await helloWorldThroughput();
    console.log(
      `  throughput, warm tile (gzip):     ${describeThroughput(tileThroughput)}\n  throughput, warm tile (identity): ${describeThroughput(identityThroughput)}\n` +
      `  throughput, GET /health:          ${describeThroughput(health)}\n  throughput, hello-world:          ${describeThroughput(hello)}`,
    );
    const loadResults = await benchLoad(base, app);
    // The whole country in view (the target), and Utrecht at zoom 13 (single assets where they are densest).
    const idle = await firstIdleTimes(base, '/?view=5.29,52.13,7', WEB_RUNS);
    console.log(`  map first idle (the Netherlands, zoom 7): ${idle.join(', ')} ms`);
    const idleStreet = await firstIdleTimes(base, '/?view=5.1214,52.0907,13', WEB_RUNS);
    console.log(`  map first idle (Utrecht, zoom 13): ${idleStreet.join(', ')} ms`);
    return [{
      backend, timings, tiles, idle, idleStreet, load: loadResults,
      tile: { requestsPerSecond: tileThroughput.requestsPerSecond, line: describeThroughput(tileThroughput) },
      identity: { requestsPerSecond: identityThroughput.requestsPerSecond, line: describeThroughput(identityThroughput) },
      health: { requestsPerSecond: health.requestsPerSecond, line: describeThroughput(health) },
      hello: { requestsPerSecond: hello.requestsPerSecond, line: describeThroughput(hello) },
      loadRowsPerSecond: load.rows / (load.ms / 1000),
    }];
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------- report

function printTimings(results: BackendResult[]): void {
  console.log(`\nQueries (${ASSETS.toLocaleString('en')} assets; API = Fastify inject incl. validation and serialisation; SQL = the same queries straight to the driver)`);
  console.log(`${'backend'.padEnd(9)}${'query'.padEnd(36)}${'API p50'.padStart(11)}${'API p95'.padStart(11)}${'SQL p50'.padStart(11)}${'SQL p95'.padStart(11)}  API/SQL p50  p95`);
  for (const row of results.flatMap((r) => r.timings)) {
    const [a50, a95, s50, s95] = [percentile(row.api, 50), percentile(row.api, 95), percentile(row.sql, 50), percentile(row.sql, 95)];
    console.log(`${row.backend.padEnd(9)}${row.query.padEnd(36)}${ms(a50)}${ms(a95)}${ms(s50)}${ms(s95)}  ${(a50 / s50).toFixed(2).padStart(11)}  ${(a95 / s95).toFixed(2)}`);
  }
  console.log(`\nTiles (cold = a tile the server never made; warm = the same again; SQL = tileQuery straight to the driver)`);
  console.log(`${'backend'.padEnd(9)}${'zoom'.padEnd(6)}${'tiles'.padStart(6)}${'cold p50'.padStart(11)}${'cold p95'.padStart(11)}${'SQL p50'.padStart(11)}${'SQL p95'.padStart(11)}${'warm p50'.padStart(11)}${'warm p95'.padStart(11)}  cold/SQL p50   KB mean    KB max`);
  for (const row of results.flatMap((r) => r.tiles)) {
    const [c50, s50] = [percentile(row.cold, 50), percentile(row.sql, 50)];
    const kbMean = row.kb.reduce((a, b) => a + b, 0) / row.kb.length;
    console.log(
      `${row.backend.padEnd(9)}${`z${row.z}`.padEnd(6)}${String(row.tiles).padStart(6)}${ms(c50)}${ms(percentile(row.cold, 95))}${ms(s50)}${ms(percentile(row.sql, 95))}` +
      `${ms(percentile(row.warm, 50))}${ms(percentile(row.warm, 95))}  ${(c50 / s50).toFixed(2).padStart(12)}  ${kbMean.toFixed(1).padStart(8)}  ${Math.max(...row.kb).toFixed(1).padStart(8)}`,
    );
  }
  console.log('\nThroughput (autocannon) and the map');
  for (const r of results) {
    console.log(`${r.backend.padEnd(9)}warm z14 tile ${r.tile.line} (gzip, as browsers ask)\n${''.padEnd(9)}  uncompressed ${r.identity.line}\n${''.padEnd(9)}GET /health   ${r.health.line}\n${''.padEnd(9)}hello-world   ${r.hello.line}\n${''.padEnd(9)}warm tile = ${((100 * r.tile.requestsPerSecond) / r.hello.requestsPerSecond).toFixed(0)}% of hello-world`);
    console.log(`${''.padEnd(9)}map first idle, national view: median ${median(r.idle)} ms (${r.idle.join(', ')}); Utrecht at zoom 13: median ${median(r.idleStreet)} ms`);
    console.log(`${''.padEnd(9)}load ${Math.round(r.loadRowsPerSecond).toLocaleString('en')} rows/s`);
    console.log(`${''.padEnd(9)}load test, ${LOAD_SECONDS} s at ${LOAD_CONNECTIONS} connections each:`);
    for (const result of r.load) console.log(`${''.padEnd(11)}${result.url.padEnd(22)}${describeThroughput(result)}`);
  }
}

function figuresOf(results: BackendResult[]): BenchFigure[] {
  return results.flatMap((r) => {
    const nearby = r.timings.filter((t) => t.section === 'nearby');
    const worst = nearby.reduce((a, b) => (percentile(b.api, 95) > percentile(a.api, 95) ? b : a));
    const z14 = r.tiles.find((t) => t.z === 14)!;
    const note = `${ASSETS.toLocaleString('en')} assets`;
    return [
      { backend: r.backend, name: 'nearby API p95', value: percentile(worst.api, 95), unit: 'ms', note: `${worst.query}, ${note}` },
      { backend: r.backend, name: 'nearby SQL p95', value: percentile(worst.sql, 95), unit: 'ms', note: `${worst.query}, ${note}` },
      { backend: r.backend, name: 'cold z14 tile p50', value: percentile(z14.cold, 50), unit: 'ms', note },
      { backend: r.backend, name: 'z14 tile SQL p50', value: percentile(z14.sql, 50), unit: 'ms', note },
      { backend: r.backend, name: 'warm tile req/s', value: r.tile.requestsPerSecond, unit: 'req/s', note },
      { backend: r.backend, name: 'hello-world req/s', value: r.hello.requestsPerSecond, unit: 'req/s' },
      { backend: r.backend, name: 'map first idle median', value: median(r.idle), unit: 'ms', note: `national view, ${note}` },
      ...r.load.map((result) => ({
        backend: r.backend,
        name: `load: ${result.url}`,
        value: result.errors + result.timeouts,
        unit: 'errors+timeouts',
        note: describeThroughput(result),
      })),
    ];
  });
}

async function main(): Promise<void> {
  console.log(`Kwartier national benchmark: ${ASSETS.toLocaleString('en')} assets over ${wijken.length.toLocaleString('en')} wijken, node ${process.version}`);
  const gzip = printBundleSizes();
  const results = await onEachBackend(benchBackend);
  printTimings(results);
  saveFigures('national', [...figuresOf(results), { backend: '-', name: 'web bundle gzip', value: gzip / 1024, unit: 'KB' }]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
