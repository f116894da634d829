/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import type { AssetPage } from '@kwartier/shared';
import { buildApp } from '../../server/src/app.ts';
import { buildWebIfNeeded } from '../../server/src/lib/web-build.ts';
import { createUser } from '../../server/src/modules/accounts/accounts.service.ts';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, chromiumInstalled } from '../helpers/browser.ts';
import { ensureDemoAreas, testConfig, testDatabase } from '../helpers/app.ts';

/**
 * A resident's contribution through the web app, end to end, in Debian's Chromium: signing
 * up, placing an initiative with a click on the map, a moderator asking for a change, the
 * resident changing it, the moderator approving, and a visitor finding it on the map.
 * Each person has their own browser context, so their own session cookie.
 */
const browserInstalled = chromiumInstalled();

/** Where the entry is placed: the centre of the map as opened, away from the demo's assets. */
const PLACE = { lon: 4.48, lat: 52.15 };
const VIEW = `${PLACE.lon.toFixed(4)},${PLACE.lat.toFixed(4)},17`;
/** Unique per run: a database on PostgreSQL outlives the run. */
const run = randomUUID().slice(0, 8);
const resident = { name: 'Rosa', email: `rosa-${run}@test.kwartier.nl`, password: 'een lang wachtwoord voor rosa' };
const moderator = { name: 'Moderator Mo', email: `mo-${run}@test.kwartier.nl`, password: 'een lang wachtwoord voor mo' };
const entryName = `Repair Café De Schroevendraaier ${run}`;
const changeRequest = 'Zet er ook bij of mensen hun eigen gereedschap mogen meenemen.';

let app: FastifyInstance;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const outsideRequests: string[] = [];

beforeAll(async () => {
  if (!browserInstalled) return;
  buildWebIfNeeded({ info: () => {} });
  const database = await testDatabase();
  await ensureDemoAreas();
  await createUser(database.db, { email: moderator.email, password: moderator.password, displayName: moderator.name }, ['resident', 'moderator']);
  app = await buildApp(testConfig, { database });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.close();
});

/** A person with their own cookies, who cannot reach the internet. */
async function person(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    outsideRequests.push(url.href);
    return route.abort();
  });
  return context.newPage();
}

async function openMap(page: Page, query: string): Promise<void> {
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('[data-map-ready="true"]', { timeout: 60_000 });
}

async function clickMapCentre(page: Page): Promise<void> {
  const box = (await page.getByTestId('map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** The moderator's queue, narrowed to this run's entry, with the entry opened. */
async function openInQueue(page: Page): Promise<void> {
  await page.getByRole('searchbox').fill(entryName);
  const item = page.getByTestId('queue-item').filter({ hasText: entryName });
  await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
  await item.locator('.card-toggle').click();
  await page.getByTestId('queue-entry').waitFor();
}

describe.runIf(browserInstalled)('contributing through the web app', () => {
  it('a resident submits an initiative, changes it on request, and after approval anyone finds it on the map', async () => {
    // A resident signs up from the top bar.
    const rosa = await person();
    await openMap(rosa, `?view=${VIEW}`);
    await rosa.getByRole('button', { name: 'Inloggen' }).click();
    await rosa.getByRole('button', { name: /Maak er een/ }).click();
    await rosa.getByLabel('Je naam').fill(resident.name);
    await rosa.getByRole('textbox', { name: 'E-mailadres' }).fill(resident.email);
    await rosa.getByLabel('Wachtwoord', { exact: true }).fill(resident.password);
    await rosa.getByRole('button', { name: 'Account maken' }).click();
    await expect.poll(() => rosa.getByTestId('signed-in-as').textContent()).toBe(resident.name);

    // She places an initiative with a click on the map, and fills in the form.
    await rosa.getByRole('button', { name: 'Zet iets op de kaart' }).click();
    await rosa.waitForURL(/page=contribute/);
    await clickMapCentre(rosa);
    await expect.poll(() => rosa.getByTestId('place-status').textContent()).toContain('Plek gekozen');
    await rosa.getByRole('radio', { name: /Bewonersinitiatief/ }).check();
    await rosa.getByLabel('Categorie').selectOption('repair_cafe');
    await rosa.getByLabel('Naam', { exact: true }).fill(entryName);
    await rosa.getByLabel('Omschrijving').fill('Samen kapotte spullen repareren, met koffie.');
    await rosa.getByRole('button', { name: '+ Vaste bijeenkomst' }).click();
    await rosa.getByRole('checkbox', { name: 'Gratis of goedkoop' }).check();
    await rosa.getByRole('textbox', { name: 'Website' }).fill('https://schroevendraaier.example.org');
    await rosa.getByRole('textbox', { name: 'E-mailadres' }).fill('rosa.prive@example.org');
    // The preview keeps the e-mail address private: an exact-place initiative shows it, so she picks "street".
    await rosa.getByRole('radio', { name: /Straat \(afgerond/ }).check();
    const preview = rosa.getByTestId('privacy-preview');
    expect(await preview.locator('.public').textContent()).not.toContain('rosa.prive@example.org');
    expect(await preview.locator('.private').textContent()).toContain('rosa.prive@example.org');

    // Without consent nothing is sent; with it, the entry is submitted.
    await rosa.getByRole('button', { name: 'Indienen' }).click();
    await expect.poll(() => rosa.getByRole('alert').first().textContent()).toContain('Kijk de gemarkeerde velden na');
    await rosa.getByRole('checkbox', { name: /Ik geef toestemming/ }).check();
    await rosa.getByRole('button', { name: 'Indienen' }).click();
    await expect.poll(() => rosa.getByTestId('contribute-done').locator('h2').textContent(), { timeout: 10_000 })
      .toBe('Ingediend — een moderator kijkt ernaar');

    // The moderator signs in, finds it in the queue at the place clicked, and asks for a change.
    const mo = await person();
    await mo.goto(`${base}/?page=login&next=moderation&view=${VIEW}`);
    await mo.getByRole('textbox', { name: 'E-mailadres' }).fill(moderator.email);
    await mo.getByLabel('Wachtwoord', { exact: true }).fill(moderator.password);
    await mo.getByRole('button', { name: 'Inloggen' }).last().click();
    await mo.waitForURL(/page=moderation/);
    await openInQueue(mo);
    const exact = (await mo.getByTestId('queue-entry').locator('.facts dd').first().textContent()) ?? '';
    const [lat, lon] = (exact.match(/-?\d+\.\d+/g) ?? []).map(Number);
    expect(Math.abs(lat! - PLACE.lat)).toBeLessThan(0.0005);
    expect(Math.abs(lon! - PLACE.lon)).toBeLessThan(0.0005);
    expect(await mo.getByTestId('queue-entry').textContent()).toContain('rosa.prive@example.org');
    await mo.getByRole('button', { name: 'Vraag aanpassing' }).click();
    await expect.poll(() => mo.getByRole('alert').first().textContent()).toContain('Schrijf wat er aangepast moet worden');
    await mo.getByLabel('Bericht aan de indiener').fill(changeRequest);
    await mo.getByRole('button', { name: 'Vraag aanpassing' }).click();
    await expect.poll(() => mo.getByRole('status').filter({ hasText: 'Aanpassing gevraagd' }).count()).toBe(1);
    // It stays in the queue, now waiting for the author.
    await expect.poll(() => mo.getByTestId('queue-item').filter({ hasText: entryName }).textContent()).toContain('Aanpassing gevraagd');

    // The resident sees the message under "Mijn bijdragen", changes the entry and saves it.
    await rosa.getByRole('button', { name: 'Mijn bijdragen' }).first().click();
    const mine = rosa.getByTestId('my-entry').filter({ hasText: entryName });
    await expect.poll(() => mine.getAttribute('data-status')).toBe('changes_requested');
    expect(await mine.getByTestId('moderation-message').textContent()).toContain(changeRequest);
    await mine.getByRole('button', { name: /^Aanpassen/ }).click();
    await rosa.waitForURL(/edit=[0-9a-f-]{36}/);
    await expect.poll(() => rosa.getByLabel('Naam', { exact: true }).inputValue()).toBe(entryName);
    await rosa.getByLabel('Omschrijving').fill('Samen kapotte spullen repareren, met koffie. Eigen gereedschap meenemen mag.');
    await rosa.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
    await rosa.getByTestId('contribute-done').waitFor();
    await rosa.getByRole('button', { name: 'Mijn bijdragen' }).first().click();
    await expect.poll(() => rosa.getByTestId('my-entry').filter({ hasText: entryName }).getAttribute('data-status')).toBe('pending');

    // The moderator approves the changed entry.
    await mo.reload();
    await openInQueue(mo);
    expect(await mo.getByTestId('queue-entry').textContent()).toContain('Eigen gereedschap meenemen mag');
    await mo.getByRole('button', { name: 'Goedkeuren' }).click();
    await expect.poll(() => mo.getByRole('status').filter({ hasText: 'goedgekeurd' }).count()).toBe(1);

    // A visitor, not signed in, finds it in the list and on the map.
    const visitor = await person();
    await openMap(visitor, `?q=${encodeURIComponent(entryName)}&view=${VIEW}`);
    await expect.poll(() => visitor.locator('[data-testid="results"] .result strong').allTextContents(), { timeout: 15_000 }).toEqual([entryName]);
    // On the map it sits at its public point (snapped, at street precision): a click there opens it.
    const listed = (await (await fetch(`${base}/api/assets?q=${encodeURIComponent(entryName)}`)).json()) as AssetPage;
    const [publicLon, publicLat] = listed.items[0]!.location.coordinates;
    // Not the place clicked: the public point never gives the exact one away.
    expect(Math.hypot(publicLon - PLACE.lon, publicLat - PLACE.lat)).toBeGreaterThan(0.0001);
    await openMap(visitor, `?view=${publicLon.toFixed(5)},${publicLat.toFixed(5)},18`);
    await visitor.waitForSelector('[data-first-idle-ms]', { timeout: 30_000 });
    await clickMapCentre(visitor);
    const detail = visitor.getByTestId('detail');
    await expect.poll(() => detail.locator('h2').textContent(), { timeout: 10_000 }).toBe(entryName);
    expect(await detail.textContent()).not.toContain('rosa.prive@example.org');
    expect(await detail.textContent()).toContain('https://schroevendraaier.example.org');
    expect(outsideRequests).toEqual([]);
  }, 240_000);
});
