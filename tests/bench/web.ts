/**
 * `npm run bench:web`: the web bundle's size (gzip) and the time from navigation to the map's
 * first `idle` with the demo data, in Debian's Chromium with software WebGL (median of runs).
 *
 *   BENCH_WEB_RUNS=7   how many page loads
 */
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { openDatabase } from '../../server/src/plugins/db.ts';
import { WEB_DIST, buildWebIfNeeded } from '../../server/src/lib/web-build.ts';
import { seedDemoData } from '../../seeds/demo.ts';

const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 7);
const quiet = { info: () => {}, error: () => {} };

function bundleSizes() {
  const files = readdirSync(path.join(WEB_DIST, 'assets')).filter((f) => /\.(js|mjs|css)$/.test(f));
  const sizes = files.map((file) => {
    const bytes = readFileSync(path.join(WEB_DIST, 'assets', file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  return sizes;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  buildWebIfNeeded({ info: (_o, msg) => console.log(msg) });
  const sizes = bundleSizes();
  console.log('Web bundle (gzip -9):');
  for (const s of sizes) console.log(`  ${s.file.padEnd(40)} ${(s.raw / 1024).toFixed(0).padStart(6)} KB raw  ${(s.gzip / 1024).toFixed(0).padStart(5)} KB gzip`);
  console.log(`  ${'total'.padEnd(40)} ${(sizes.reduce((n, s) => n + s.raw, 0) / 1024).toFixed(0).padStart(6)} KB raw  ${(sizes.reduce((n, s) => n + s.gzip, 0) / 1024).toFixed(0).padStart(5)} KB gzip`);

  const database = await openDatabase({ databaseUrl: undefined, dataDir: null }, quiet);
  await seedDemoData(database.db, quiet);
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { database });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A fresh profile each time: no cache, as a first visit.
    const browser = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'kwartier-bench-')), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    });
    const page = await browser.newPage();
    await page.goto(`${base}/?view=4.4937,52.1601,13`);
    const idle = await page.waitForSelector('[data-first-idle-ms]', { timeout: 60_000 });
    times.push(Number(await idle.getAttribute('data-first-idle-ms')));
    await browser.close();
  }
  console.log(`\nNavigation to the map's first idle (Leiden, zoom 13, demo data, PGlite), ${RUNS} cold loads:`);
  console.log(`  median ${median(times)} ms; all: ${times.join(', ')} ms`);
  await app.close();
  await database.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
