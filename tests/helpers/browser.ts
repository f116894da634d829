import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildApp } from '../../server/src/app.ts';
import { buildWebIfNeeded } from '../../server/src/lib/web-build.ts';
import { seedDemoData } from '../../seeds/demo.ts';
import { clearAssets, testConfig, testDatabase } from './app.ts';

/** Debian's Chromium, driven by playwright-core; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Software WebGL (SwiftShader) and no background traffic: see ../shared/STACK-NOTES.md. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

/**
 * Without Chromium (a fresh machine before `apt-get install chromium`), `npm test` still runs
 * everything else and says why these did not run. CI installs Chromium, and there a missing
 * browser is a failure, never a skip.
 */
export function chromiumInstalled(): boolean {
  const installed = existsSync(CHROMIUM);
  if (!installed) {
    if (process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the browser tests`);
    console.warn(`\nBrowser tests not run: no Chromium at ${CHROMIUM}. Install it with \`apt-get install chromium\`, or set CHROMIUM_PATH.\n`);
  }
  return installed;
}

/**
 * The real server on a free port with exactly the demo data (assets other test files left
 * behind would change what pages list), the web app built, and Chromium in a fresh profile.
 * Every request the pages make passes `onRequest`; requests to other hosts are aborted, as on
 * a machine without internet.
 */
export async function demoServerAndBrowser(options: { viewport: { width: number; height: number }; onRequest?: (url: URL) => void }) {
  buildWebIfNeeded({ info: () => {} });
  await clearAssets();
  const database = await testDatabase();
  await seedDemoData(database.db, { info: () => {} });
  const app = await buildApp(testConfig, { database });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'kwartier-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport,
  });
  await browser.route('**/*', (route) => {
    const url = new URL(route.request().url());
    options.onRequest?.(url);
    return url.hostname === '127.0.0.1' ? route.continue() : route.abort();
  });
  return { app, base, browser };
}
