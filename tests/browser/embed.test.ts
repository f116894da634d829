/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { AssetPage } from '@kwartier/shared';
import { chromiumInstalled, demoServerAndBrowser, mapColours } from '../helpers/browser.ts';

/**
 * The embeddable map as a library's website shows it: a page on another site (origin B,
 * "localhost") with an iframe of Kwartier's /embed (origin A, 127.0.0.1), in Debian's Chromium.
 * Every request is recorded; anything not for A or B is aborted, as on a machine without internet.
 */
const browserInstalled = chromiumInstalled();
/** Screenshots for people to look at; set KWARTIER_SHOTS to a folder to keep them. */
const SHOTS = process.env.KWARTIER_SHOTS;

const PRESET = 'area=GM0546&kind=facility,initiative';

let app: FastifyInstance;
let base: string;
let browser: BrowserContext;
let host: Server;
let hostBase: string;
const requested: string[] = [];

/** The embedding site: one iframe of `src`, `w` by `h` pixels, with a heading above it. */
function hostPage(url: URL): string {
  const src = url.searchParams.get('src') ?? '';
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bibliotheek</title></head>
<body style="margin:0;padding:16px;font-family:sans-serif;background:#eef"><h1 style="margin:0 0 8px;font-size:18px">Bibliotheek Leiden</h1>
<iframe src="${escape(`${base}${src}`)}" width="${Number(url.searchParams.get('w'))}" height="${Number(url.searchParams.get('h'))}" title="Kwartier" style="border:1px solid #999"></iframe></body></html>`;
}

beforeAll(async () => {
  if (!browserInstalled) return;
  ({ app, base, browser } = await demoServerAndBrowser({ viewport: { width: 1200, height: 800 } }));
  host = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(hostPage(new URL(request.url ?? '/', 'http://localhost')));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const address = host.address();
  hostBase = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
  // Registered after the helper's: it sees every request first and hands all but B's on to it.
  await browser.route('**/*', (route) => {
    const url = new URL(route.request().url());
    requested.push(url.href);
    return url.origin === hostBase ? route.continue() : route.fallback();
  });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => host?.close(resolve));
});

/** The host page with the embed in a frame of `width` by `height`, once the embed's map is ready. */
async function embedIn(src: string, width: number, height: number, options: { acceptLanguage?: string } = {}): Promise<{ page: Page; frame: Frame }> {
  const page = await browser.newPage();
  if (options.acceptLanguage) await page.setExtraHTTPHeaders({ 'accept-language': options.acceptLanguage });
  await page.goto(`${hostBase}/?src=${encodeURIComponent(src)}&w=${width}&h=${height}`);
  const frame = await expect.poll(() => page.frames().find((f) => f.url().startsWith(`${base}/embed`)), { timeout: 10_000 }).toBeTruthy().then(
    () => page.frames().find((f) => f.url().startsWith(`${base}/embed`))!,
  );
  await frame.waitForSelector('[data-map-ready="true"]', { timeout: 60_000 });
  await frame.waitForSelector('[data-first-idle-ms]', { timeout: 60_000 });
  await frame.waitForSelector('[data-testid="results"] .result');
  return { page, frame };
}


async function shot(page: Page, name: string, selector = 'iframe'): Promise<void> {
  if (SHOTS) await page.locator(selector).first().screenshot({ path: `${SHOTS}/embed-${name}.png` });
}

const names = (frame: Frame) => frame.locator('[data-testid="results"] .result strong').allTextContents();

async function apiNames(query: string): Promise<{ names: string[]; total: number }> {
  const page = (await (await fetch(`${base}/api/assets?${query}&limit=50`)).json()) as AssetPage;
  return { names: page.items.map((asset) => asset.name), total: page.total };
}

describe.runIf(browserInstalled)('the embeddable map on another site', () => {
  it('draws the map in the frame, and lists only what the preset filters find', async () => {
    const { page, frame } = await embedIn(`/embed?${PRESET}&lang=nl`, 900, 520);
    expect(await mapColours(page, frame)).toBeGreaterThan(8);
    const api = await apiNames(PRESET);
    expect(api.total).toBeGreaterThan(0);
    // The preset narrows the list: without it there are more.
    expect((await apiNames('area=GM0546')).total).toBeGreaterThan(api.total);
    expect(await names(frame)).toEqual(api.names);
    expect(await frame.locator('.embed-count').textContent()).toBe(api.total === 1 ? '1 plek' : `${api.total} plekken`);
    expect(await frame.locator('.embed-header h1').textContent()).toContain('Leiden');
    // Wide: the list beside the map.
    const map = (await frame.locator('.embed-map').boundingBox())!;
    const list = (await frame.locator('.embed-list').boundingBox())!;
    expect(list.x).toBeGreaterThanOrEqual(map.x + map.width - 1);
    await shot(page, 'wide-nl', 'body');
    await page.close();
  });

  it('a click in the list shows the place on the map; a link opens the whole app in a new tab', async () => {
    const { page, frame } = await embedIn(`/embed?${PRESET}`, 900, 520, { acceptLanguage: 'nl-NL,nl;q=0.9' });
    const first = frame.locator('[data-testid="results"] .result').first();
    await first.click();
    await expect.poll(() => first.getAttribute('aria-expanded')).toBe('true');
    await frame.getByRole('button', { name: 'Inzoomen' }).click();
    await page.waitForTimeout(1000);
    await shot(page, 'selected-nl', 'body');
    const open = frame.locator('.embed-header a');
    expect(await open.getAttribute('target')).toBe('_blank');
    const href = new URL((await open.getAttribute('href'))!);
    expect(href.origin).toBe(base);
    expect(href.searchParams.get('kind')).toBe('facility,initiative');
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1000)));
    // No cookie for Kwartier nor for the embedding site, after all of that.
    expect(await browser.cookies()).toEqual([]);
    await page.close();
  });

  it('speaks English with lang=en', async () => {
    const { page, frame } = await embedIn(`/embed?${PRESET}&lang=en`, 900, 520, { acceptLanguage: 'nl-NL' });
    expect(await frame.evaluate(() => document.documentElement.lang)).toBe('en');
    const total = (await apiNames(PRESET)).total;
    expect(await frame.locator('.embed-count').textContent()).toBe(total === 1 ? '1 place' : `${total} places`);
    expect(await frame.locator('.embed-header h1').textContent()).toContain("Facility · Residents' initiative in Leiden");
    expect(await frame.getByRole('region', { name: 'Map of neighbourhood assets' }).count()).toBe(1);
    expect(await frame.getByRole('button', { name: 'Zoom in' }).count()).toBe(1);
    await shot(page, 'wide-en', 'body');
    await page.close();
  });

  it('without lang, speaks the visitor’s language', async () => {
    for (const [acceptLanguage, lang] of [['en-GB,en;q=0.9', 'en'], ['nl-NL,nl;q=0.9,en;q=0.5', 'nl'], ['fr-FR,fr;q=0.9', 'nl']] as const) {
      const { page, frame } = await embedIn(`/embed?${PRESET}`, 600, 400, { acceptLanguage });
      expect(await frame.evaluate(() => document.documentElement.lang), acceptLanguage).toBe(lang);
      await page.close();
    }
  });

  it('in a narrow frame (300 × 500) shows the list under the map, and fits from 280 px', async () => {
    for (const [width, lang] of [[300, 'nl'], [280, 'en']] as const) {
      const { page, frame } = await embedIn(`/embed?${PRESET}&lang=${lang}`, width, 500);
      const map = (await frame.locator('.embed-map').boundingBox())!;
      const list = (await frame.locator('.embed-list').boundingBox())!;
      expect(list.y).toBeGreaterThanOrEqual(map.y + map.height - 1);
      expect(Math.abs(list.x - map.x)).toBeLessThan(2);
      expect(map.height).toBeGreaterThan(150);
      expect(await mapColours(page, frame)).toBeGreaterThan(4);
      expect(await frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      expect(await names(frame)).toEqual((await apiNames(PRESET)).names);
      await shot(page, `narrow-${lang}`, 'body');
      await page.close();
    }
  });

  it('a bad filter shows in the frame which parameter is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${hostBase}/?src=${encodeURIComponent('/embed?kind=dragon&lang=en')}&w=400&h=300`);
    const frame = page.frameLocator('iframe');
    await expect.poll(() => frame.locator('h1').textContent(), { timeout: 10_000 }).toBe('This map cannot be shown');
    expect(await frame.locator('li code').textContent()).toBe('kind');
    await page.close();
  });

  it('made no request to any host but Kwartier and the embedding site', () => {
    expect(requested.some((url) => url.startsWith(`${base}/tiles/assets/`) && new URL(url).searchParams.get('kind') === 'facility,initiative' && new URL(url).searchParams.get('area') === 'GM0546')).toBe(true);
    expect(requested.some((url) => url.startsWith(hostBase))).toBe(true);
    const elsewhere = requested.filter((url) => !/^(data|blob):/.test(url) && ![base, hostBase].includes(new URL(url).origin));
    expect(elsewhere).toEqual([]);
    expect(requested.some((url) => url.startsWith(`${base}/embed`))).toBe(true);
  });

  it('never sends a visitor’s Kwartier session to the API or the tiles', async () => {
    const sent: string[] = [];
    const page = await browser.newPage();
    await page.route(`${base}/**`, (route) => {
      const cookie = route.request().headers().cookie;
      if (cookie) sent.push(`${route.request().url()} ${cookie}`);
      return route.fallback();
    });
    // A visitor signed in to Kwartier opens the embed on Kwartier's own origin, where the cookie would go.
    await browser.addCookies([{ name: 'kw_session', value: 'a'.repeat(43), url: base }]);
    await page.goto(`${base}/embed?${PRESET}`);
    await page.waitForSelector('[data-first-idle-ms]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="results"] .result');
    await page.locator('[data-testid="results"] .result').first().click();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1000)));
    const apiOrTiles = sent.filter((entry) => entry.startsWith(`${base}/api/`) || entry.startsWith(`${base}/tiles/`));
    expect(apiOrTiles).toEqual([]);
    // The page itself is a navigation, which carries the cookie: the test would see a leak.
    expect(sent.some((entry) => entry.startsWith(`${base}/embed`))).toBe(true);
    await browser.clearCookies();
    await page.close();
  });

  it('the app makes the embed code from its filters and the area in view, with a live preview', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${base}/?kind=initiative,facility&category=lotgenotengroep,buurthuis,repair_cafe&view=4.4937,52.1601,13`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 60_000 });
    const panel = page.getByTestId('embed-code');
    await panel.locator('summary').click();
    const snippet = panel.getByTestId('embed-snippet');
    await expect.poll(() => snippet.inputValue(), { timeout: 10_000 }).toContain('area=GM0546');
    let code = await snippet.inputValue();
    expect(code).toContain(`src="${base}/embed?kind=initiative,facility&amp;category=lotgenotengroep,buurthuis,repair_cafe&amp;area=GM0546"`);
    expect(code).toContain('width="100%"');
    await panel.getByLabel('Taal van de kaart').selectOption('en');
    await panel.getByLabel('Breedte').selectOption('320');
    await panel.getByLabel('Hoogte').selectOption('600');
    code = await snippet.inputValue();
    expect(code).toContain('lang=en');
    expect(code).toMatch(/width="320" height="600"/);
    const preview = page.frameLocator('.embed-code-preview iframe');
    await expect.poll(() => preview.locator('.embed-count').textContent(), { timeout: 30_000 }).toMatch(/places?$/);
    const api = await apiNames('area=GM0546&kind=initiative,facility&category=lotgenotengroep,buurthuis,repair_cafe');
    expect(api.total).toBe(3);
    await expect.poll(() => preview.locator('[data-testid="results"] .result strong').allTextContents()).toEqual(api.names);
    await panel.locator('summary').evaluate((summary) => {
      summary.scrollIntoView({ block: 'start' });
      summary.closest('.sidebar')?.scrollBy(0, -70);
    });
    await page.waitForTimeout(1500);
    await shot(page, 'code-panel', 'body');
    await page.close();
  });
});
