/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import type { AssetPage, Placements, Role } from '@kwartier/shared';
import { browserAs, chromiumInstalled, demoServerAndBrowser } from '../helpers/browser.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';

/**
 * Two screens in Chromium against the real server and the demo data (Leiden): the people placed
 * in a wijk's buurten as the public sees them (small counts suppressed), and a moderator's
 * import of a CSV file through a mapping made in the editor, dry run first.
 */
const browserInstalled = chromiumInstalled();

const WIJK = 'WK054601';
const GEMEENTE = 'GM0546';
/** Unique per run: a database on PostgreSQL outlives the run. */
const run = randomUUID().slice(0, 8);
/** Screenshots for people to look at; set KWARTIER_SHOTS to a folder to keep them. */
const SHOTS = process.env.KWARTIER_SHOTS;

let app: FastifyInstance;
let base: string;
let browser: BrowserContext;
let analyst: Agent | undefined;
/** The figures of the buurten this file changed, as they were, to put back. */
const before = new Map<string, { placed_sheltered_housing: number | null; placed_shelter: number | null }>();

beforeAll(async () => {
  if (!browserInstalled) return;
  ({ app, base, browser } = await demoServerAndBrowser({ viewport: { width: 1400, height: 1000 } }));
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  if (analyst) {
    for (const [code, values] of before) await analyst.inject({ method: 'PUT', url: `/api/areas/${code}/context`, payload: { values } });
  }
  await browser?.close();
  await app?.close();
});


async function shot(page: Page, name: string, selector?: string): Promise<void> {
  if (!SHOTS) return;
  if (selector) await page.locator(selector).screenshot({ path: `${SHOTS}/${name}.png` });
  else await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

describe.runIf(browserInstalled)('people placed on the wijk page', () => {
  it('a visitor sees “< 5”, “•” and a number for the buurten an analyst entered, never the small exact figure', async () => {
    analyst = await signedIn(app, ['analyst']);
    const exact = (await analyst.inject({ url: `/api/buurtscan/placements?gemeente=${GEMEENTE}` })).json() as Placements;
    const buurten = exact.buurten.filter((buurt) => buurt.wijkCode === WIJK).slice(0, 3);
    expect(buurten).toHaveLength(3);
    const [small, middle, large] = buurten as [Placements['buurten'][number], Placements['buurten'][number], Placements['buurten'][number]];
    // 2 is a small count ("< 5"); with the wijk's total published, 7 would give it away, so 7 is held back ("•").
    const figures = new Map([[small.code, 2], [middle.code, 7], [large.code, 30]]);
    for (const [code, count] of figures) {
      const context = (await analyst.inject({ url: `/api/areas/${code}/context` })).json() as { values: Record<string, number | null> };
      before.set(code, { placed_sheltered_housing: context.values.placed_sheltered_housing ?? null, placed_shelter: context.values.placed_shelter ?? null });
      const response = await analyst.inject({ method: 'PUT', url: `/api/areas/${code}/context`, payload: { values: { placed_sheltered_housing: count, placed_shelter: null } } });
      expect(response.statusCode).toBe(200);
    }

    const { page } = await as(null);
    await page.goto(`${base}/?page=wijk&wijk=${WIJK}`);
    const section = page.getByTestId('wijk-placements');
    await section.locator('table').waitFor({ timeout: 60_000 });
    expect(await section.getByRole('heading').textContent()).toBe('Geplaatst vanuit beschermd wonen en de opvang (afgelopen twaalf maanden)');
    const cell = (code: string) => section.locator(`tr[data-code="${code}"] td.num`);
    expect((await cell(small.code).textContent())!.trim()).toBe('< 5');
    expect((await cell(middle.code).textContent())!.trim()).toBe('•');
    expect((await cell(large.code).textContent())!.trim()).toBe('30');
    // The wijk's total is published; no cell shows the small exact figures.
    expect(await section.getByTestId('placed-wijk').textContent()).toContain('39');
    const counts = (await section.locator('td.num').allTextContents()).map((text) => text.trim());
    expect(counts).not.toContain('2');
    expect(counts).not.toContain('7');
    // Buurten without a figure show a dash; the note explains the signs.
    expect(counts.filter((text) => text === '–').length).toBe(counts.length - 3);
    expect(await section.getByTestId('placed-note').textContent()).toContain('“< 5”');
    await section.scrollIntoViewIfNeeded();
    await shot(page, 'placements', '[data-testid="wijk-placements"]');
    await page.close();

    // The analyst sees the exact figures, and is told so.
    await browser.clearCookies();
    await browser.addCookies([{ name: 'kw_session', value: analyst.cookie, url: base }]);
    const analystPage = await browser.newPage();
    await analystPage.goto(`${base}/?page=wijk&wijk=${WIJK}`);
    const analystSection = analystPage.getByTestId('wijk-placements');
    await analystSection.locator('table').waitFor({ timeout: 60_000 });
    expect((await analystSection.locator(`tr[data-code="${small.code}"] td.num`).textContent())!.trim()).toBe('2');
    expect(await analystSection.getByTestId('placed-note').textContent()).toContain('Exacte aantallen (analist)');
    await analystPage.close();
  });
});

describe.runIf(browserInstalled)('the import screen', () => {
  const mappingName = `test-import-${run}`;
  const names = [`Taalcafé Importtest ${run}`, `Repair café Importtest ${run}`, `Buurtrestaurant Importtest ${run}`];
  const header = 'id;naam;categorie;lon;lat';
  const goodRows = [
    `t1-${run};${names[0]};taalcafe;4.4920;52.1640`,
    `t2-${run};${names[1]};repair_cafe;4.4870;52.1610`,
    `t3-${run};${names[2]};buurtrestaurant;4.4950;52.1580`,
  ];
  /** Windows tools write a byte-order mark; the server and the screen both read past it. */
  const csv = (rows: string[]) => Buffer.from(`\uFEFF${[header, ...rows].join('\r\n')}\r\n`, 'utf8');

  it('a moderator makes a mapping, sees a bad row refused, then imports a good file and finds it in the history', async () => {
    const { page } = await as(['moderator']);
    await page.goto(`${base}/?page=import`);
    await page.getByRole('heading', { name: 'Importeren', level: 2 }).waitFor({ timeout: 60_000 });
    // Linked from the navigation for moderators.
    expect(await page.getByRole('navigation').getByRole('button', { name: 'Importeren' }).getAttribute('aria-current')).toBe('page');

    // (a) The file: its columns are read in the browser, past the BOM.
    await page.locator('input[type="file"]').setInputFiles({ name: 'initiatieven-fout.csv', mimeType: 'text/csv', buffer: csv([...goodRows, `t4-${run};Onbekend ding ${run};kaasmakerij;4.4900;52.1600`]) });
    await expect.poll(() => page.getByTestId('import-columns').textContent(), { timeout: 10_000 }).toContain('id · naam · categorie · lon · lat');

    // (b) A new mapping in the editor: the schema names what is missing before anything is sent.
    await page.getByRole('button', { name: 'Nieuwe koppeling' }).click();
    const editor = page.getByTestId('mapping-editor');
    await editor.getByRole('button', { name: 'Koppeling opslaan' }).click();
    const summary = editor.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Naam van de koppeling: Kleine letters');
    expect(await editor.getByLabel('Naam van de koppeling').getAttribute('aria-invalid')).toBe('true');

    await editor.getByLabel('Naam van de koppeling').fill(mappingName);
    await editor.getByLabel('Bron', { exact: true }).fill(`importtest-${run}`);
    await editor.getByLabel('Status').selectOption('published');
    await editor.getByLabel('Kolom met de id in de bron').selectOption('id');
    await editor.getByLabel('Coördinaten uit').selectOption('columns');
    await editor.getByLabel('Kolom x / lengtegraad').selectOption('lon');
    await editor.getByLabel('Kolom y / breedtegraad').selectOption('lat');
    await editor.getByLabel('Coördinatenstelsel').selectOption('EPSG:4326');
    await editor.getByLabel('Naam: vullen met', { exact: true }).selectOption('column');
    await editor.getByLabel('Naam: kolom', { exact: true }).selectOption('naam');
    await editor.getByLabel('Soort: vullen met', { exact: true }).selectOption('value');
    await editor.getByLabel('Soort: waarde', { exact: true }).selectOption('initiative');
    await editor.getByLabel('Categorie: vullen met', { exact: true }).selectOption('column');
    await editor.getByLabel('Categorie: kolom', { exact: true }).selectOption('categorie');
    await shot(page, 'import-editor');
    await editor.getByRole('button', { name: 'Koppeling opslaan' }).click();
    await expect.poll(() => editor.count(), { timeout: 10_000 }).toBe(0);
    const saved = page.getByLabel('Opgeslagen koppeling');
    expect(await saved.inputValue()).toBe(mappingName);

    // (c) The dry run names the bad row and its field; importing stays impossible.
    const importButton = page.getByRole('button', { name: 'Importeren', exact: true }).last();
    expect(await importButton.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Proefimport' }).click();
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-verdict').textContent()).toContain('1 fout');
    const problemRows = page.getByTestId('import-problems').locator('tbody tr.error');
    expect(await problemRows.count()).toBe(1);
    const cells = await problemRows.first().locator('td').allTextContents();
    expect(cells[0]).toBe('5');
    expect(cells[1]).toContain('category');
    expect(cells[2]).toContain('Fout');
    expect(await report.textContent()).toContain('3 nieuw');
    expect(await importButton.isDisabled()).toBe(true);
    await shot(page, 'import-dry-run-problem');

    // A good file: no errors, then the import runs to its end.
    await page.locator('input[type="file"]').setInputFiles({ name: 'initiatieven-goed.csv', mimeType: 'text/csv', buffer: csv(goodRows) });
    await expect.poll(() => report.count()).toBe(0);
    await page.getByRole('button', { name: 'Proefimport' }).click();
    await expect.poll(() => page.getByTestId('import-verdict').textContent(), { timeout: 30_000 }).toContain('Geen fouten');
    expect(await page.getByTestId('import-problems').locator('tr.error').count()).toBe(0);
    expect(await importButton.isDisabled()).toBe(false);
    await importButton.click();
    const outcome = page.getByTestId('import-outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 60_000 }).toContain('De import is klaar.');
    expect(await outcome.textContent()).toContain('3 nieuw');
    const progress = page.getByTestId('import-progress').locator('progress');
    const [value, max] = await progress.evaluate((element: HTMLProgressElement) => [element.value, element.max]);
    expect(max).toBe(3);
    expect(value).toBe(max);
    await shot(page, 'import-outcome');

    // (e) The history: when, who, the mapping, the file, done, the counts.
    const history = page.getByTestId('import-history').locator('tbody tr').filter({ hasText: 'initiatieven-goed.csv' });
    await expect.poll(() => history.count(), { timeout: 10_000 }).toBe(1);
    const historyText = await history.textContent();
    expect(historyText).toContain(mappingName);
    expect(historyText).toContain('Test moderator');
    expect(historyText).toContain('klaar');
    expect(historyText).toContain('3 nieuw');
    await page.getByTestId('import-history').scrollIntoViewIfNeeded();
    await shot(page, 'import-history', '[data-testid="import-history"]');
    await page.close();

    // The records are on the map for everyone.
    const found = (await app.inject({ url: `/api/assets?q=${encodeURIComponent(`Importtest ${run}`)}` })).json() as AssetPage;
    expect(found.items.map((item) => item.name).sort()).toEqual([...names].sort());
  });
});

/** The browser as a person with these roles, or as a visitor. */
const as = (roles: Role[] | null) => browserAs(browser, app, base, roles);
