/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import type { NearbyResult } from '@kwartier/shared';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { testDatabase } from '../helpers/app.ts';
import { chromiumInstalled, demoServerAndBrowser, mapColours } from '../helpers/browser.ts';

/**
 * The web app in Debian's Chromium (software WebGL), against the real server with the demo
 * data, on whichever database this run tests. Every request to another host is blocked, as
 * on a machine without internet: the offline style must still draw the map.
 */
const browserInstalled = chromiumInstalled();

let app: FastifyInstance;
let base: string;
let browser: BrowserContext;
const outsideRequests: string[] = [];
/** Every request the pages made, the map worker's tile requests included. */
const requested: string[] = [];

beforeAll(async () => {
  if (!browserInstalled) return;
  ({ app, base, browser } = await demoServerAndBrowser({
    viewport: { width: 1280, height: 800 },
    onRequest: (url) => {
      requested.push(url.href);
      if (url.hostname !== '127.0.0.1') outsideRequests.push(url.href);
    },
  }));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openMap(query: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('[data-map-ready="true"]', { timeout: 60_000 });
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1500)));
  return page;
}


const resultNames = (page: Page) => page.locator('[data-testid="results"] .result strong').allTextContents();

describe.runIf(browserInstalled)('the map in the browser', () => {
  it('draws the buurten and the assets with no outside request, and lists what it shows', async () => {
    const page = await openMap('?view=4.4937,52.1601,13');
    expect(await mapColours(page)).toBeGreaterThan(8);
    await page.waitForSelector('[data-testid="results"] .result');
    expect((await resultNames(page)).length).toBeGreaterThan(5);
    expect(outsideRequests).toEqual([]);
    await page.close();
  });

  it('a filter changes the list and the map together', async () => {
    const page = await openMap('?view=4.4937,52.1601,13');
    const before = await mapColours(page);
    await page.locator('summary', { hasText: 'Soort' }).click();
    await page.getByLabel('Talent', { exact: true }).check();
    await page.waitForURL(/kind=talent/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="results"] .result').length <= 2, null, { timeout: 10_000 });
    const names = await resultNames(page);
    expect(names.length).toBeGreaterThan(0);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1500)));
    expect(requested.filter((url) => url.includes('/tiles/assets/') && url.includes('kind=talent')).length).toBeGreaterThan(0);
    expect(await mapColours(page)).toBeLessThan(before);
    await page.close();
  });

  it('a "near" search lists results in distance order, with the distances of the API', async () => {
    const page = await openMap('?lat=52.16010&lon=4.49370&radius=1000&view=4.4937,52.1601,14');
    await page.waitForSelector('[data-testid="results"] .distance');
    const shown = await page.locator('[data-testid="results"] .distance').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-distance'))));
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    const api = (await (await fetch(`${base}/api/assets/nearby?lat=52.16010&lon=4.49370&radius=1000&limit=50`)).json()) as NearbyResult;
    expect(shown).toEqual(api.items.map((a) => a.distanceMeters));
    await page.close();
  });

  it('opens the detail of a peer-support group from the list, and the URL restores it in a new page', async () => {
    const page = await openMap('?q=Samen%20Sterker&view=4.4937,52.1601,13');
    await page.locator('[data-testid="results"] .result', { hasText: 'Lotgenotengroep Samen Sterker' }).click();
    const detail = page.getByTestId('detail');
    await expect.poll(() => detail.locator('h2').textContent()).toBe('Lotgenotengroep Samen Sterker');
    expect(await detail.textContent()).toContain('Ervaringsdeskundigen aanwezig');
    const url = page.url();
    expect(url).toMatch(/asset=[0-9a-f-]{36}/);
    const again = await openMap(new URL(url).search);
    await expect.poll(() => again.getByTestId('detail').locator('h2').textContent()).toBe('Lotgenotengroep Samen Sterker');
    expect(await again.getByPlaceholder('Naam of omschrijving').inputValue()).toBe('Samen Sterker');
    await page.close();
    await again.close();
  });

  it('opens the detail from a click on the map, and Back closes it again', async () => {
    const page = await openMap('?view=4.4921,52.1612,17.5');
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const detail = page.getByTestId('detail');
    await expect.poll(() => detail.locator('h2').textContent(), { timeout: 10_000 }).toBe('Lotgenotengroep Samen Sterker');
    const withDetail = page.url();
    await page.goBack();
    await expect.poll(() => page.url()).not.toBe(withDetail);
    expect(page.url()).not.toMatch(/asset=/);
    await expect.poll(() => detail.count()).toBe(0);
    await page.close();
  });

  it('searches near a place typed by name, and lists what is near it', async () => {
    const page = await openMap('?view=5.25,52.1,8');
    await page.getByPlaceholder('Adres, postcode, plaats of buurt').fill('Pieterswijk');
    await page.getByRole('button', { name: 'Zoek' }).click();
    await page.getByRole('button', { name: /^Pieterswijk/ }).first().click();
    await page.waitForURL(/lat=52\.15/);
    await page.waitForSelector('[data-testid="results"] .distance');
    expect((await resultNames(page)).length).toBeGreaterThan(0);
    await page.close();
  });

  it('falls back to the offline style when the configured basemap cannot be reached', async () => {
    // A second server whose MAP_STYLE_URL is on the internet, which this browser cannot reach.
    const styleUrl = 'https://tiles.openfreemap.org/styles/liberty';
    const online = await buildApp(loadConfig({ LOG_LEVEL: 'silent', MAP_STYLE_URL: styleUrl }), { database: await testDatabase() });
    await online.listen({ host: '127.0.0.1', port: 0 });
    const address = online.server.address();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/?view=4.4937,52.1601,13`);
    await page.waitForSelector('[data-first-idle-ms]', { timeout: 60_000 });
    expect(outsideRequests).toContain(styleUrl);
    expect(await mapColours(page)).toBeGreaterThan(8);
    await page.close();
    await online.close();
  });

  it('says so when the server cannot be reached', async () => {
    const page = await browser.newPage();
    await page.route('**/api/assets?**', (route) => route.abort('connectionrefused'));
    await page.goto(`${base}/?view=4.4937,52.1601,13`);
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('niet bereikbaar');
    await page.close();
  });

  it('when nothing matches, names the filters to loosen', async () => {
    const page = await openMap('?q=zwembad&inclusion=low_stimulus&view=4.4937,52.1601,13');
    const message = page.locator('.message', { hasText: 'Niets gevonden' });
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toContain('Prikkelarm');
    expect(await message.textContent()).toContain('“zwembad”');
    await page.close();
  });

  it('filters by category, offering only the categories of the kinds chosen', async () => {
    const page = await openMap('?kind=initiative&view=4.4937,52.1601,12');
    await page.locator('summary', { hasText: 'Categorie' }).click();
    expect(await page.getByLabel('Huisarts', { exact: true }).count()).toBe(0);
    await page.getByLabel('Lotgenotengroep', { exact: true }).check();
    await page.waitForURL(/category=lotgenotengroep/);
    await expect.poll(() => resultNames(page), { timeout: 10_000 }).toEqual(['Lotgenotengroep Samen Sterker']);
    await page.close();
  });

  it('works by keyboard alone: a filter, a result, its detail', async () => {
    const page = await openMap('?view=4.4937,52.1601,13');
    await page.waitForSelector('[data-testid="results"] .result');
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { tag: el?.tagName ?? '', type: (el as HTMLInputElement | null)?.type ?? '', text: el?.textContent ?? '', cls: el?.className ?? '' };
    });
    // Tab to the "open now" checkbox, and tick it with the space bar.
    for (let i = 0; i < 20 && (await focused()).type !== 'checkbox'; i++) await page.keyboard.press('Tab');
    expect((await focused()).type).toBe('checkbox');
    await page.keyboard.press('Space');
    await page.waitForURL(/openNow=true/);
    await page.keyboard.press('Space');
    // On to the first result, and open it with Enter: the detail's heading takes the focus.
    for (let i = 0; i < 80 && !String((await focused()).cls).includes('result'); i++) await page.keyboard.press('Tab');
    expect((await focused()).cls).toContain('result');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused()).tag, { timeout: 10_000 }).toBe('H2');
    await page.close();
  });
});
