/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumInstalled, demoServerAndBrowser } from '../helpers/browser.ts';

/**
 * The buurtscan page in Chromium against the real server and the demo data (Leiden):
 * the choropleth, its legend, the sortable table, the chosen buurt on the map, and the print view.
 */
const browserInstalled = chromiumInstalled();

let app: FastifyInstance;
let base: string;
let browser: BrowserContext;

beforeAll(async () => {
  if (!browserInstalled) return;
  ({ app, base, browser } = await demoServerAndBrowser({ viewport: { width: 1280, height: 900 } }));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openBuurtscan(query: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${base}/?page=buurtscan&${query}`);
  await page.waitForSelector('[data-testid="buurtscan-table"] tbody tr', { timeout: 60_000 });
  await page.waitForSelector('[data-map-ready="true"]', { timeout: 60_000 });
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 2500)));
  return page;
}

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

/** The darker classes of the ramp are blue; the offline map and the other layers have no blue. */
const BLUE = 'b > 120 && b > r + 50 && b > g + 20';
/** The outline of the chosen buurt (#c45100). */
const ORANGE = 'r > 170 && g > 50 && g < 120 && b < 60';

const values = (page: Page) =>
  page.locator('[data-testid="buurtscan-table"] tbody tr td:nth-child(3)').allTextContents();
const names = (page: Page) =>
  page.locator('[data-testid="buurtscan-table"] tbody tr td:nth-child(1)').allTextContents();
const asNumber = (text: string) => (text === '–' ? null : Number(text.replace(/\./g, '').replace(',', '.').replace('%', '')));

describe.runIf(browserInstalled)('the buurtscan in the browser', () => {
  it('colours the buurten of Leiden by class, with a legend of those classes', async () => {
    const page = await openBuurtscan('gemeente=GM0546&indicator=assets_per_1000&classes=equal');
    expect(await countPixels(page, BLUE)).toBeGreaterThan(500);
    const legend = page.getByTestId('buurtscan-legend');
    const classes = await legend.getByTestId('legend-class').allTextContents();
    expect(classes.length).toBeGreaterThanOrEqual(2);
    expect(classes.length).toBeLessThanOrEqual(5);
    // Equal intervals: the first class starts at the lowest value, the last ends at the highest.
    const shown = (await values(page)).map(asNumber).filter((n): n is number => n !== null);
    const bounds = (text: string) => text.split(' – ').map(asNumber) as number[];
    expect(bounds(classes[0]!)[0]).toBe(Math.min(...shown));
    expect(bounds(classes.at(-1)!).at(-1)).toBe(Math.max(...shown));
    expect(await legend.getByTestId('legend-no-value').textContent()).toContain('Geen waarde');
    await page.close();
  });

  it('sorts the table by a column and marks it with aria-sort', async () => {
    const page = await openBuurtscan('gemeente=GM0546&indicator=assets_per_1000');
    const nameHeader = page.locator('[data-testid="buurtscan-table"] th').first();
    await nameHeader.getByRole('button').click();
    await expect.poll(() => nameHeader.getAttribute('aria-sort')).toBe('ascending');
    const ascending = await names(page);
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, 'nl')));
    await nameHeader.getByRole('button').click();
    await expect.poll(() => nameHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await names(page)).toEqual([...ascending].reverse());

    const valueHeader = page.locator('[data-testid="buurtscan-table"] th').nth(2);
    await valueHeader.getByRole('button').click();
    await expect.poll(() => valueHeader.getAttribute('aria-sort')).toBe('descending');
    const sortedValues = (await values(page)).map(asNumber).filter((n): n is number => n !== null);
    expect(sortedValues).toEqual([...sortedValues].sort((a, b) => b - a));
    await page.close();
  });

  it('offers the gemeente’s assets for download, as the visitor may see them', async () => {
    const page = await openBuurtscan('gemeente=GM0546&indicator=assets_per_1000');
    const link = page.getByRole('link', { name: 'GeoJSON' });
    const download = await Promise.all([page.waitForEvent('download'), link.click()]).then(([event]) => event);
    const collection = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { features: Array<{ properties: { gemeente: string } }> };
    expect(collection.features.length).toBeGreaterThan(40);
    expect(collection.features.every((feature) => feature.properties.gemeente === 'GM0546')).toBe(true);
    await page.close();
  });

  it('outlines the buurt of a clicked row on the map and compares it with the gemeente', async () => {
    const page = await openBuurtscan('gemeente=GM0546&indicator=assets_per_1000');
    expect(await countPixels(page, ORANGE)).toBeLessThan(20);
    const row = page.locator('[data-testid="buurtscan-table"] tbody tr').first();
    const name = (await row.locator('td').first().textContent())!;
    await row.click();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1500)));
    expect(await countPixels(page, ORANGE)).toBeGreaterThan(50);
    const compare = await page.getByTestId('compare').textContent();
    expect(compare).toContain(name);
    expect(compare).toContain('Leiden');
    await page.close();
  });

  it('prints the map, the legend, the table and the source on A4', async () => {
    const page = await openBuurtscan('gemeente=GM0546&indicator=assets_per_1000');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.buurtscan-controls').isVisible()).toBe(false);
    expect(await page.locator('img.buurtscan-map-image').isVisible()).toBe(true);
    expect(await page.getByTestId('buurtscan-legend').isVisible()).toBe(true);
    expect(await page.locator('.buurtscan .source').textContent()).toContain('Bron: CBS, Kadaster (CC BY 4.0); Kwartier');
    const firstRow = page.locator('[data-testid="buurtscan-table"] tbody tr').first();
    expect(await firstRow.isVisible()).toBe(true);
    expect((await firstRow.textContent())!.length).toBeGreaterThan(2);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The map image alone is tens of kilobytes; an empty print is a few.
    expect(pdf.length).toBeGreaterThan(40_000);
    await page.close();
  });
});
