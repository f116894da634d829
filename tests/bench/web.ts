/**
 * `npm run bench:web`: the web bundle's size (gzip) and the time from navigation to the map's
 * first `idle` with the demo data, in Debian's Chromium with software WebGL (median of runs).
 *
 *   BENCH_WEB_RUNS=7   how many page loads
 *
 * Its parts also measure the national dataset in `npm run bench` (run.ts).
 */
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser.ts';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { openDatabase } from '../../server/src/plugins/db.ts';
import { WEB_DIST, buildWebIfNeeded } from '../../server/src/lib/web-build.ts';
import { seedDemoData } from '../../seeds/demo.ts';
import { listenLocally } from './throughput.ts';

const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 7);
const IDLE_LIMIT_MS = 60_000;
const quiet = { info: () => {}, error: () => {} };

function bundleSizes() {
  const files = readdirSync(path.join(WEB_DIST, 'assets')).filter((f) => /\.(js|mjs|css)$/.test(f));
  const sizes = files.map((file) => {
    const bytes = readFileSync(path.join(WEB_DIST, 'assets', file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  return sizes;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Builds the web app when its sources changed, prints each file's size; returns the total gzip bytes. */
export function printBundleSizes(): number {
  buildWebIfNeeded({ info: (_o, msg) => console.log(msg) });
  const sizes = bundleSizes();
  console.log('Web bundle (gzip -9):');
  for (const s of sizes) console.log(`  ${s.file.padEnd(40)} ${(s.raw / 1024).toFixed(0).padStart(6)} KB raw  ${(s.gzip / 1024).toFixed(0).padStart(5)} KB gzip`);
  const gzip = sizes.reduce((n, s) => n + s.gzip, 0);
  console.log(`  ${'total'.padEnd(40)} ${(sizes.reduce((n, s) => n + s.raw, 0) / 1024).toFixed(0).padStart(6)} KB raw  ${(gzip / 1024).toFixed(0).padStart(5)} KB gzip`);
  return gzip;
}

/**
 * Milliseconds from navigation to the map's first `idle` (the page marks it on the map's
 * container), for `runs` cold loads of `base` + `pathAndQuery`, each in a fresh profile.
 */
export async function firstIdleTimes(base: string, pathAndQuery: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const browser = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'kwartier-bench-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}${pathAndQuery}`);
      // A map that never settles is a figure too (the limit), not a reason to lose the others.
      const idle = await page.waitForSelector('[data-first-idle-ms]', { timeout: IDLE_LIMIT_MS }).catch(() => null);
      if (idle === null) console.log(`  the map did not reach idle within ${IDLE_LIMIT_MS / 1000} s; counted as ${IDLE_LIMIT_MS} ms`);
      times.push(idle === null ? IDLE_LIMIT_MS : Number(await idle.getAttribute('data-first-idle-ms')));
    } finally {
      await browser.close();
    }
  }
  return times;
}

async function main() {
  printBundleSizes();
  const database = await openDatabase({ databaseUrl: undefined, dataDir: null }, quiet);
  await seedDemoData(database.db, quiet);
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { database });
  const base = await listenLocally(app);
  const times = await firstIdleTimes(base, '/?view=4.4937,52.1601,13', RUNS);
  console.log(`\nNavigation to the map's first idle (Leiden, zoom 13, demo data, PGlite), ${RUNS} cold loads:`);
  console.log(`  median ${median(times)} ms; all: ${times.join(', ')} ms`);
  await app.close();
  await database.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
