/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_WEIGHTS, type Role, type Scores } from '@kwartier/shared';
import { browserAs, chromiumInstalled, demoServerAndBrowser } from '../helpers/browser.ts';
import type { Agent } from '../helpers/auth.ts';

/**
 * The municipality's pages in Chromium against the real server and the demo data (Leiden):
 * the wijkanalyse with its wijk outlined on the map, the sociale wijkagenda kept by a
 * professional and read by a visitor, and the spreiding scores an analyst feeds and weighs.
 */
const browserInstalled = chromiumInstalled();

const WIJK = 'WK054601';
const BUURT = 'BU05460000';
/** Unique per run: a database on PostgreSQL outlives the run. */
const run = randomUUID().slice(0, 8);

let app: FastifyInstance;
let base: string;
let browser: BrowserContext;
let analyst: Agent | undefined;
let pressureBefore: number | null = null;

beforeAll(async () => {
  if (!browserInstalled) return;
  ({ app, base, browser } = await demoServerAndBrowser({ viewport: { width: 1280, height: 900 } }));
}, 180_000);

afterAll(async () => {
  // The weights hold for everyone, and the figure for the whole run: both back as they were.
  if (analyst) {
    await analyst.inject({ method: 'PUT', url: '/api/buurtscan/weights', payload: DEFAULT_WEIGHTS });
    await analyst.inject({ method: 'PUT', url: `/api/areas/${BUURT}/context`, payload: { values: { known_pressure: pressureBefore } } });
  }
  await browser?.close();
  await app?.close();
});



/** How many pixels of the map's canvas match `test` (r, g, b). */
async function countPixels(page: Page, test: string): Promise<number> {
  const png = await page.locator('[data-testid="map"] canvas').screenshot();
  return page.evaluate(async ([bytes, source]) => {
    const match = new Function('r', 'g', 'b', `return ${source};`) as (r: number, g: number, b: number) => boolean;
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if (match(data[i]!, data[i + 1]!, data[i + 2]!)) count += 1;
    return count;
  }, [[...png], test] as const);
}

/** The outline of the wijk (#6a1b9a): no basemap colour, class colour or asset icon is this purple. */
const PURPLE = 'r > 80 && r < 140 && g < 60 && b > 120 && b < 190';
const pause = (page: Page, ms: number) => page.evaluate((wait) => new Promise((resolve) => setTimeout(resolve, wait)), ms);

describe.runIf(browserInstalled)('the wijkanalyse', () => {
  it('shows strengths and weaknesses, gaps and assets, and draws the wijk’s outline on the map', async () => {
    const { page } = await as(null);
    await page.goto(`${base}/?page=wijk&wijk=${WIJK}`);
    await page.waitForSelector('[data-testid="wijk-summary"]', { timeout: 60_000 });
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 60_000 });
    expect(await page.getByTestId('wijk-summary').textContent()).toContain(WIJK);

    const comparisonRows = async (testId: string) => page.getByTestId(testId).locator('tbody tr').count();
    expect((await comparisonRows('wijk-strengths')) + (await comparisonRows('wijk-weaknesses'))).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: 'Sterk' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Zwak' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Witte vlekken' }).isVisible()).toBe(true);
    // Four reach targets, each with its buurten without one or "every buurt has one".
    expect(await page.locator('section[aria-labelledby="wijk-gaps"] h4').count()).toBe(4);
    const assets = page.locator('.wijk-assets button');
    expect(await assets.count()).toBeGreaterThan(0);
    expect((await assets.first().textContent())!.length).toBeGreaterThan(2);

    // The map fits the wijk and outlines it.
    await expect.poll(() => countPixels(page, PURPLE), { timeout: 15_000, interval: 1000 }).toBeGreaterThan(300);

    // Another page takes the outline off the map.
    await page.getByRole('button', { name: 'Wijkagenda' }).click();
    await page.waitForSelector('#agenda-title');
    await pause(page, 1500);
    expect(await countPixels(page, PURPLE)).toBeLessThan(20);
    await page.close();
  });
});

describe.runIf(browserInstalled)('the sociale wijkagenda', () => {
  const title = `Wandelgroep voor nieuwe bewoners ${run}`;
  const newTitle = `Wekelijkse wandelgroep voor nieuwe bewoners ${run}`;
  const items = (page: Page) => page.getByTestId('agenda-item');

  it('a professional adds an item, edits its title and changes its status; the list shows both', async () => {
    const { page } = await as(['professional']);
    await page.goto(`${base}/?page=agenda&area=${WIJK}`);
    const form = page.getByTestId('agenda-add-form');
    await form.waitFor({ timeout: 60_000 });
    expect(await form.getByLabel('Buurt- of wijkcode').inputValue()).toBe(WIJK);

    // A title too short is named with its field, and nothing is added.
    await form.getByLabel('Titel').fill('ab');
    await form.getByRole('button', { name: 'Toevoegen' }).click();
    const summary = form.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Titel:');
    expect(await form.getByLabel('Titel').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Titel').fill(title);
    await form.getByLabel('Omschrijving').fill('Elke week een uur wandelen door de wijk, met koffie na afloop.');
    await form.getByLabel('Eigenaar (organisatie)').fill('Buurtteam Noord');
    await form.getByLabel('Klaar vóór (datum)').fill('2027-03-31');
    await form.getByRole('button', { name: 'Toevoegen' }).click();
    const item = items(page).filter({ hasText: title });
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.textContent()).toContain('Buurtteam Noord');
    expect(await item.getByRole('combobox').inputValue()).toBe('idea');

    // Edit the title: the form opens in the item, filled in.
    await item.getByRole('button', { name: `Bewerk “${title}”` }).click();
    const edit = page.getByTestId('agenda-edit-form');
    expect(await edit.getByLabel('Titel').inputValue()).toBe(title);
    expect(await edit.getByLabel('Eigenaar (organisatie)').inputValue()).toBe('Buurtteam Noord');
    await edit.getByLabel('Titel').fill(newTitle);
    await edit.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    const edited = items(page).filter({ hasText: newTitle });
    await expect.poll(() => edited.locator('h4').textContent(), { timeout: 10_000 }).toBe(newTitle);
    expect(await edit.count()).toBe(0);

    // The status, straight from the list.
    await edited.getByLabel(`Status van “${newTitle}”`).selectOption('in_progress');
    await expect.poll(() => edited.getByRole('status').textContent(), { timeout: 10_000 }).toContain('Bezig');

    // Read again from the server: the list shows the new title and the new status.
    await page.reload();
    const reloaded = items(page).filter({ hasText: newTitle });
    await expect.poll(() => reloaded.count(), { timeout: 30_000 }).toBe(1);
    expect(await reloaded.getByRole('combobox').inputValue()).toBe('in_progress');
    expect(await items(page).filter({ hasText: title }).filter({ hasNotText: newTitle }).count()).toBe(0);
    await page.close();
  });

  it('a visitor sees the item, with no controls to change it', async () => {
    const { page } = await as(null);
    await page.goto(`${base}/?page=agenda&area=${WIJK}`);
    const item = items(page).filter({ hasText: newTitle });
    await expect.poll(() => item.count(), { timeout: 60_000 }).toBe(1);
    expect(await item.getByTestId('agenda-status').textContent()).toBe('Bezig');
    expect(await item.getByRole('combobox').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Bewerk/ }).count()).toBe(0);
    expect(await page.getByTestId('agenda-add-form').count()).toBe(0);
    await page.close();
  });

  it('the buurtscan’s printed report ends with the gemeente’s agenda', async () => {
    const { page } = await as(null);
    await page.goto(`${base}/?page=buurtscan&gemeente=GM0546&indicator=assets_per_1000`);
    await page.waitForSelector('[data-testid="buurtscan-table"] tbody tr', { timeout: 60_000 });
    const section = page.getByTestId('print-agenda');
    await section.locator('tbody tr').first().waitFor({ state: 'attached', timeout: 10_000 });
    expect(await section.isVisible()).toBe(false);
    await page.emulateMedia({ media: 'print' });
    expect(await section.getByRole('heading', { name: 'Sociale wijkagenda' }).isVisible()).toBe(true);
    const row = section.locator('tbody tr').filter({ hasText: newTitle });
    expect(await row.locator('td').allTextContents()).toEqual([newTitle, 'Binnenstad-Noord', 'Bezig', 'Buurtteam Noord', '31 maart 2027']);
    await page.close();
  });
});

describe.runIf(browserInstalled)('the spreiding', () => {
  it('an analyst enters a figure for a buurt and sees it in the history; a new weight changes the scores', async () => {
    const session = await as(['analyst']);
    analyst = session.agent!;
    const { page } = session;
    const before = (await analyst.inject({ url: `/api/areas/${BUURT}/context` })).json() as { values: Record<string, number | null> };
    pressureBefore = before.values.known_pressure ?? null;
    const pressure = pressureBefore === 7 ? 6 : 7;
    const scores = (await analyst.inject({ url: '/api/buurtscan/scores?gemeente=GM0546' })).json() as Scores;
    const buurtName = scores.buurten.find((buurt) => buurt.code === BUURT)!.name;

    await page.goto(`${base}/?page=spreiding&gemeente=GM0546`);
    const table = page.getByTestId('spreiding-table');
    await table.waitFor({ timeout: 60_000 });
    await table.getByRole('button', { name: buurtName, exact: true }).click();
    const detail = page.getByTestId('spreiding-detail');
    await detail.waitFor();
    const figure = detail.getByLabel('Andere bekende druk (0–10)');
    await expect.poll(() => figure.inputValue()).toBe(pressureBefore === null ? '' : String(pressureBefore));
    await figure.fill(String(pressure));
    const note = `Na het wijkoverleg ${run}`;
    await detail.getByLabel('Toelichting bij de wijziging').fill(note);
    await detail.getByRole('button', { name: 'Opslaan' }).click();
    const entry = detail.locator('li').filter({ hasText: note });
    await expect.poll(() => entry.count(), { timeout: 10_000 }).toBe(1);
    expect(await entry.textContent()).toContain(`Andere bekende druk (0–10) van ${pressureBefore ?? '–'} naar ${pressure}`);

    // A heavier weight for social assistance: the draaglast scores shown change.
    const draaglast = () => table.locator(':scope > tbody > tr:not(.expanded) > td:nth-child(3)').allTextContents();
    const shownBefore = await draaglast();
    const weight = page.getByRole('spinbutton', { name: 'Bijstandsuitkeringen per 1.000 inwoners (CBS)' });
    expect(await weight.inputValue()).toBe('1');
    await weight.fill('10');
    await page.getByRole('button', { name: 'Gewichten opslaan' }).click();
    await expect.poll(() => page.getByText('Gewichten opgeslagen').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => JSON.stringify(await draaglast()), { timeout: 10_000 }).not.toBe(JSON.stringify(shownBefore));
    await page.close();
  });
});

/** The browser as a person with these roles, or as a visitor. */
const as = (roles: Role[] | null) => browserAs(browser, app, base, roles);
