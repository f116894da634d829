/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import type { Role } from '@kwartier/shared';
import { browserAs, chromiumInstalled, demoServerAndBrowser } from '../helpers/browser.ts';

/**
 * The buurt updates page in Chromium against the real server and the demo data: a visitor
 * reads the news of a buurt and finds its feed, a resident follows the buurt, a professional
 * posts an announcement with a published contact.
 */
const browserInstalled = chromiumInstalled();
const SHOTS = '/tmp/shots';
/** Unique per run: a database on PostgreSQL outlives the run. */
const run = randomUUID().slice(0, 8);

let app: FastifyInstance;
let base: string;
let browser: BrowserContext;
let buurt: string;

beforeAll(async () => {
  if (!browserInstalled) return;
  mkdirSync(SHOTS, { recursive: true });
  ({ app, base, browser } = await demoServerAndBrowser({ viewport: { width: 1280, height: 900 } }));
  // A buurt of Leiden with demo entries in it.
  const assets = (await app.inject({ url: '/api/assets?area=GM0546&kind=initiative&limit=20' })).json().items as Array<{ buurt: { code: string } | null }>;
  buurt = assets.find((asset) => asset.buurt !== null)!.buurt!.code;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});


describe.skipIf(!browserInstalled)('buurt updates page', () => {
  it('shows a visitor the news of a buurt, with its feed in the page and in the head', async () => {
    const { page } = await as(null);
    await page.goto(`${base}/?page=updates&area=${buurt}`);
    await page.getByTestId('updates-list').waitFor();
    expect(await page.getByTestId('update-entry').count()).toBeGreaterThan(0);
    expect(await page.locator('#updates-title').textContent()).toMatch(/^Nieuws uit /);
    expect(await page.getByTestId('feed-link').getAttribute('href')).toBe(`/feeds/${buurt}.atom`);
    expect(await page.locator('head link[rel="alternate"][type="application/atom+xml"]').getAttribute('href')).toBe(`/feeds/${buurt}.atom`);
    expect(await page.getByText('Log in om dit gebied te volgen').count()).toBe(1);
    expect(await page.getByTestId('announcement-form').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/updates-visitor.png` });
    await page.close();
  });

  it('lets a resident follow the buurt', async () => {
    const { page, agent } = await as(['resident']);
    await page.goto(`${base}/?page=updates&area=${buurt}`);
    const button = page.getByTestId('follow-button');
    await button.waitFor();
    await page.waitForFunction(() => !(document.querySelector('[data-testid="follow-button"]') as HTMLButtonElement).disabled);
    expect(await button.textContent()).toBe('Volg deze buurt');
    await button.click();
    await page.getByText('Niet meer volgen').waitFor();
    expect((await agent!.inject({ url: '/api/me/follows' })).json().items.map((follow: { areaCode: string }) => follow.areaCode)).toEqual([buurt]);
    await page.screenshot({ path: `${SHOTS}/updates-resident.png` });
    await page.close();
  });

  it('lets a professional post an announcement with a published contact', async () => {
    const { page } = await as(['professional']);
    await page.goto(`${base}/?page=updates&area=${buurt}`);
    const form = page.getByTestId('announcement-form');
    await form.waitFor();
    const title = `Nieuw wooninitiatief ${run}`;
    await form.getByLabel('Titel', { exact: true }).fill(title);
    await form.getByLabel('Bericht', { exact: true }).fill('Vanaf maart wonen hier acht mensen met begeleiding. Kom kennismaken!');
    await form.getByLabel('Contactpersoon', { exact: true }).fill('Fatima El Amrani');
    await form.getByLabel('Telefoonnummer', { exact: true }).fill('071 512 3456');
    // Without the tick the contact is not sent.
    await form.getByRole('button', { name: 'Plaatsen' }).click();
    await form.locator('.error-summary').waitFor();
    await form.getByLabel(/Publiceer dit contact/).check();
    await form.getByRole('button', { name: 'Plaatsen' }).click();
    await page.getByText('De mededeling staat online.').waitFor();
    const entry = page.getByTestId('update-entry').filter({ hasText: title });
    await entry.waitFor();
    expect(await entry.getByTestId('announcement-contact').textContent()).toBe('Contact: Fatima El Amrani, 071 512 3456');
    await page.screenshot({ path: `${SHOTS}/updates-professional.png`, fullPage: false });
    await entry.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/updates-professional-entry.png` });
    await page.close();
  });
});

/** The browser as a person with these roles, or as a visitor. */
const as = (roles: Role[] | null) => browserAs(browser, app, base, roles);
