import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Frame, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { Role } from '@kwartier/shared';
import { buildApp } from '../../server/src/app.ts';
import { buildWebIfNeeded } from '../../server/src/lib/web-build.ts';
import { seedDemoData } from '../../seeds/demo.ts';
import { clearAssets, testConfig, testDatabase } from './app.ts';
import { type Agent, signedIn } from './auth.ts';

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

/**
 * The browser as a person with these roles (their session cookie), or as a visitor (no
 * cookie), in a fresh page.
 */
export async function browserAs(
  browser: BrowserContext,
  app: FastifyInstance,
  base: string,
  roles: Role[] | null,
): Promise<{ page: Page; agent: Agent | null }> {
  await browser.clearCookies();
  const agent = roles ? await signedIn(app, roles) : null;
  if (agent) await browser.addCookies([{ name: 'kw_session', value: agent.cookie, url: base }]);
  return { page: await browser.newPage(), agent };
}

/** How many distinct colours the map's canvas shows (a blank map has one or two); `root` is the page or the frame that holds the map. */
export async function mapColours(page: Page, root: Page | Frame = page): Promise<number> {
  const png = await root.locator('[data-testid="map"] canvas').screenshot();
  return page.evaluate(async (bytes) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) colours.add((data[i]! >> 4 << 8) | (data[i + 1]! >> 4 << 4) | (data[i + 2]! >> 4));
    return colours.size;
  }, [...png]);
}
