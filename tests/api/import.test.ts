import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ImportMappingInput, ImportReport } from '@kwartier/shared';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { rdNewToWgs84 } from '../../server/src/lib/rd-new.ts';
import { failInterruptedRuns, startImport } from '../../server/src/modules/interop/import.service.ts';
import { backendUnderTest, buildTestApp, resetToDemoData, TEST_DATABASE_URL, testDatabase } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';

let app: FastifyInstance;
let moderator: Agent;
beforeAll(async () => {
  await resetToDemoData();
  app = await buildTestApp();
  moderator = await signedIn(app, ['moderator']);
});
afterAll(() => app.close());

/** A sociale kaart as a welfare organisation keeps it in Excel: semicolons, Dutch headers. */
const SOCIALE_KAART: ImportMappingInput = {
  name: 'sociale-kaart-test',
  format: 'csv',
  source: 'sociale-kaart-test',
  sourceId: { column: 'Nummer' },
  coordinates: { from: 'columns', x: 'Lengtegraad', y: 'Breedtegraad' },
  fields: {
    name: { column: 'Naam' },
    category: { column: 'Soort', transforms: ['lowercase'], map: { 'lotgenoten': 'lotgenotengroep', 'inloop': 'inloop' } },
    description: { column: 'Omschrijving' },
    socialCapital: { column: 'Kapitaal', split: '|' },
    'contact.phone': { column: 'Telefoon', onInvalid: 'skip' },
    'address.city': { column: 'Plaats', transforms: ['titleCase'] },
  },
};

const HEADER = 'Nummer;Naam;Soort;Omschrijving;Kapitaal;Telefoon;Plaats;Lengtegraad;Breedtegraad';
const BOM = '\uFEFF';

async function saveMapping(mapping: ImportMappingInput) {
  const response = await moderator.inject({ method: 'PUT', url: `/api/import-mappings/${mapping.name}`, payload: mapping });
  expect(response.statusCode, response.body).toBe(200);
}

function upload(body: string | Buffer, query: string, contentType = 'text/csv') {
  return moderator.inject({ method: 'POST', url: `/api/imports?${query}`, payload: body, headers: { 'content-type': contentType } });
}

async function dryRun(body: string | Buffer, mapping = SOCIALE_KAART.name): Promise<ImportReport> {
  const response = await upload(body, `mapping=${mapping}&dryRun=true`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as ImportReport;
}

/** Starts an import and waits until its run says how it ended. */
async function importAndWait(body: string | Buffer, query: string) {
  const started = await upload(body, query);
  expect(started.statusCode, started.body).toBe(202);
  const { id } = started.json() as { id: string };
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const run = (await moderator.inject({ url: `/api/imports/${id}` })).json();
    if (run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the import did not finish');
}

async function namesOfSource(source: string): Promise<string[]> {
  const { db } = await testDatabase();
  const rows = await db.selectFrom('assets').select('name').where('source', '=', source).orderBy('name').execute();
  return rows.map((row) => row.name);
}

describe('importing DUO school files through the generic mapping', () => {
  it('loaded every school through the built-in mappings, with the quirks of the files handled', async () => {
    const { db } = await testDatabase();
    const schools = await db.selectFrom('assets').select(['source', 'source_id', 'name', 'address', 'contact']).where('source', 'like', 'duo-scholen-%').execute();
    expect(schools.filter((s) => s.source === 'duo-scholen-bo-2016')).toHaveLength(95);
    expect(schools.filter((s) => s.source === 'duo-scholen-vo-2016')).toHaveLength(43);
    // "VESTIGINGSNAAM " with a trailing space, "[url=…]Website[/url]", "LEIDEN" for Leiden.
    expect(schools.find((s) => s.source_id === '04PN00')).toMatchObject({
      name: 'Haanstra Basisschool',
      address: { street: 'Rapenburg', houseNumber: '129 -131', postcode: '2311GM', city: 'Leiden' },
      contact: { phone: '0715133631', website: 'http://www.haanstraschool.nl' },
    });
  });

  it('finds nothing to change when the same file comes again', async () => {
    const file = readFileSync(path.join(PROJECT_ROOT, 'seeds', 'data', 'duo-scholen-2016', 'scholen_vo_2016.geojson'));
    const response = await upload(file, 'mapping=duo-scholen-vo&dryRun=true', 'application/geo+json');
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json() as ImportReport;
    expect(report.counts).toEqual({ create: 0, update: 0, unchanged: 43, kept: 0, refused: 0 });
    expect(report.disappeared).toEqual([]);
  });
});

describe('a file with broken rows', () => {
  beforeAll(() => saveMapping(SOCIALE_KAART));

  // Line 1 is the header. Line 3 is Windows-1252 in a file that is otherwise UTF-8 (the dash
  // on line 2): "é" as one byte.
  const broken = Buffer.concat([
    Buffer.from(`${BOM}${HEADER}\n`),
    Buffer.from('1;Praatgroep De Kooi;lotgenoten;Elke dinsdag – ook in de vakantie;bonding|bridging;071 512 3456;LEIDEN;4,4963;52,1673\n'),
    Buffer.from('2;Caf', 'utf8'), Buffer.from([0xe9]), Buffer.from(' Samen;inloop;;bonding;;Leiden;4.49;52.16\n'),
    Buffer.from('3;Buurtkamer;buurtkamer;;;;Leiden;4.49;52.16\n'),
    Buffer.from('4;;inloop;;;;Leiden;4.49;52.16\n'),
    Buffer.from('5;Verkeerd om;inloop;;;;Leiden;52.16;4.49\n'),
    Buffer.from('6;Geen plek;inloop;;;;Leiden;;\n'),
    Buffer.from('7;Te kort;inloop\n'),
    Buffer.from('8;Telefoon fout;inloop;;bonding;bel maar;Leiden;4.49;52.16\n'),
    Buffer.from('1;Dubbel;inloop;;;;Leiden;4.49;52.16\n'),
    Buffer.from('9;Met\u0000nul;inloop;;;;Leiden;4.49;52.16\n'),
  ]);

  it('gets a report naming each row and field, with a BOM and semicolons read as they are', async () => {
    const report = await dryRun(broken);
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.row} ${p.field}`);
    expect(errors).toEqual([
      '3 file', // not UTF-8
      '4 category', // "buurtkamer" is no category of ours
      '5 name', // missing
      '6 location', // latitude and longitude swapped: not in the Netherlands
      '7 location', // no coordinates
      '8 file', // too few cells
      '10 sourceId', // number 1 twice
      '11 column Naam', // a NUL character, which PostgreSQL cannot store
    ]);
    expect(report.problems.find((p) => p.row === 4)!.message).toMatch(/"buurtkamer" is not one of Kwartier's codes.*column "Soort"/);
    expect(report.problems.find((p) => p.row === 8)!.message).toMatch(/3 cells where the header has 9/);
    // An optional detail that does not validate is left out, with a warning, not refused.
    expect(report.problems.find((p) => p.row === 9)).toMatchObject({ field: 'contact.phone', severity: 'warning' });
    expect(report.actions.find((a) => a.row === 2)).toMatchObject({ sourceId: '1', name: 'Praatgroep De Kooi', action: 'create' });
  });

  it('writes nothing, and the commit is refused with the problems by row', async () => {
    const response = await upload(broken, `mapping=${SOCIALE_KAART.name}`);
    expect(response.statusCode).toBe(400);
    const fields = (response.json().error.fields as Array<{ field: string }>).map((f) => f.field);
    expect(fields).toContain('row 4: category');
    expect(await namesOfSource('sociale-kaart-test')).toEqual([]);
  });

  it('reads a Windows-1252 file as such, and refuses files that are no CSV or GeoJSON at all', async () => {
    const latin = Buffer.concat([Buffer.from(`${HEADER}\n9;Caf`), Buffer.from([0xe9]), Buffer.from(' Samen;inloop;;;;Leiden;4.49;52.16\n')]);
    const report = await dryRun(latin);
    expect(report.problems).toEqual([]);
    expect(report.actions[0]!.name).toBe('Café Samen');
    expect((await upload('', `mapping=${SOCIALE_KAART.name}&dryRun=true`)).statusCode).toBe(400);
    const notGeoJson = await moderator.inject({
      method: 'POST', url: '/api/imports?mapping=duo-scholen-bo&dryRun=true', payload: '{"type":"Feature"', headers: { 'content-type': 'application/geo+json' },
    });
    expect(notGeoJson.json().problems[0]).toMatchObject({ field: 'file', message: expect.stringMatching(/not valid JSON/) });
  });
});

describe('importing and importing again', () => {
  const file = (rows: string[]) => `${HEADER}\n${rows.join('\n')}\n`;
  const KOOI = '1;Praatgroep De Kooi;lotgenoten;Elke dinsdag;bonding|bridging;071 512 3456;LEIDEN;4,4963;52,1673';
  const CAFE = '2;Café Samen;inloop;;bonding;;Leiden;4.49;52.16';
  const BUURT = '3;Buurtontbijt;inloop;Zaterdag;bonding;;Leiden;4.48;52.15';

  it('creates the records, then updates the changed one, leaves the others, and reports what disappeared', async () => {
    const first = await importAndWait(file([KOOI, CAFE, BUURT]), `mapping=${SOCIALE_KAART.name}&fileName=kaart.csv`);
    expect(first).toMatchObject({ status: 'committed', fileName: 'kaart.csv', counts: { create: 3, update: 0, unchanged: 0, refused: 0 }, actorId: moderator.user.id });
    expect(await namesOfSource('sociale-kaart-test')).toEqual(['Buurtontbijt', 'Café Samen', 'Praatgroep De Kooi']);
    const { db } = await testDatabase();
    const kooi = await db.selectFrom('assets').selectAll().where('source_id', '=', '1').where('source', '=', 'sociale-kaart-test').executeTakeFirstOrThrow();
    expect(kooi).toMatchObject({ category: 'lotgenotengroep', social_capital: ['bonding', 'bridging'], status: 'published', address: { city: 'Leiden' } });

    const changed = KOOI.replace('Elke dinsdag', 'Elke woensdag');
    const second = await dryRun(file([changed, CAFE]));
    expect(second.counts).toEqual({ create: 0, update: 1, unchanged: 1, kept: 0, refused: 0 });
    expect(second.disappeared.map((gone) => gone.name)).toEqual(['Buurtontbijt']);

    const committed = await importAndWait(file([changed, CAFE]), `mapping=${SOCIALE_KAART.name}&archiveDisappeared=true`);
    expect(committed).toMatchObject({ status: 'committed', archived: 1, counts: { update: 1, unchanged: 1 } });
    const rows = await db.selectFrom('assets').select(['name', 'description', 'status']).where('source', '=', 'sociale-kaart-test').orderBy('name').execute();
    expect(rows).toEqual([
      { name: 'Buurtontbijt', description: 'Zaterdag', status: 'archived' },
      { name: 'Café Samen', description: '', status: 'published' },
      { name: 'Praatgroep De Kooi', description: 'Elke woensdag', status: 'published' },
    ]);
    const history = (await moderator.inject({ url: '/api/imports' })).json().runs as Array<{ id: string; mapping: string }>;
    expect(history.filter((run) => run.mapping === SOCIALE_KAART.name).length).toBeGreaterThanOrEqual(2);
  });

  it('does not write over what a person changed in Kwartier, nor make an entry less private', async () => {
    const { db } = await testDatabase();
    const cafe = await db.selectFrom('assets').select('id').where('source', '=', 'sociale-kaart-test').where('source_id', '=', '2').executeTakeFirstOrThrow();
    // A moderator moves the café's public place to its buurt (it turned out to be someone's home).
    const edited = await moderator.inject({ method: 'PATCH', url: `/api/assets/${cafe.id}`, payload: { precision: 'buurt' } });
    expect(edited.statusCode, edited.body).toBe(200);
    const changedInSource = CAFE.replace(';;bonding;;Leiden;', ';Nu ook op zondag;bonding;;Leiden;');
    const report = await dryRun(file([KOOI.replace('Elke dinsdag', 'Elke woensdag'), changedInSource]));
    expect(report.counts).toMatchObject({ kept: 1, unchanged: 1 });
    expect(report.problems).toEqual([expect.objectContaining({ row: 3, field: 'record', severity: 'warning', message: expect.stringMatching(/changed in Kwartier/) })]);
    await importAndWait(file([KOOI.replace('Elke dinsdag', 'Elke woensdag'), changedInSource]), `mapping=${SOCIALE_KAART.name}`);
    expect(await db.selectFrom('assets').select(['precision', 'description']).where('id', '=', cafe.id).executeTakeFirstOrThrow()).toEqual({ precision: 'buurt', description: '' });

    // A source that says "buurt" and later "exact" does not put the place back on the map.
    const withPrecision = { ...SOCIALE_KAART, name: 'sociale-kaart-precisie', source: 'sociale-kaart-precisie', fields: { ...SOCIALE_KAART.fields, precision: { column: 'Precisie' } } };
    await saveMapping(withPrecision);
    const row = (precision: string) => `${HEADER};Precisie\n5;Thuisatelier;inloop;;bonding;;Leiden;4.49;52.16;${precision}\n`;
    await importAndWait(row('buurt'), `mapping=${withPrecision.name}`);
    await importAndWait(row('exact').replace('Thuisatelier;', 'Thuisatelier Anna;'), `mapping=${withPrecision.name}`);
    expect(await db.selectFrom('assets').select(['name', 'precision']).where('source', '=', withPrecision.source).executeTakeFirstOrThrow()).toEqual({ name: 'Thuisatelier Anna', precision: 'buurt' });
  });

  it('converts RD New coordinates (EPSG:28992) to WGS84', async () => {
    // The Onze Lieve Vrouwetoren in Amersfoort is the origin of RD: x 155000, y 463000.
    const [lon, lat] = rdNewToWgs84(155000, 463000);
    expect(lon).toBeCloseTo(5.38720621, 5);
    expect(lat).toBeCloseTo(52.15517440, 5);
    const rd = { ...SOCIALE_KAART, name: 'sociale-kaart-rd', source: 'sociale-kaart-rd', coordinates: { from: 'columns' as const, x: 'Lengtegraad', y: 'Breedtegraad', crs: 'EPSG:28992' as const } };
    await saveMapping(rd);
    const report = await dryRun(`${HEADER}\n1;Toren;inloop;;;;Amersfoort;155000;463000\n2;Niet in RD;inloop;;;;Amersfoort;4.49;52.16\n`, rd.name);
    expect(report.problems.map((p) => `${p.row} ${p.field}`)).toEqual(['3 location']);
    expect(report.problems[0]!.message).toMatch(/not a point in RD New/);
  });

  it('writes nothing when an import is interrupted halfway', async () => {
    const { db } = await testDatabase();
    const rows = Array.from({ length: 1200 }, (_, i) => `${100 + i};Groep ${i};inloop;;bonding;;Leiden;4.49;52.16`);
    const before = await namesOfSource('sociale-kaart-test');
    // The first batch of 500 is written inside the transaction; the second one never comes.
    const { done } = await startImport(db, null, {
      mappingName: SOCIALE_KAART.name,
      bytes: Buffer.from(file(rows)),
      archiveDisappeared: false,
      onProgress: (written) => {
        if (written >= 500) throw new Error('the power went out');
      },
    }, { wait: false });
    await expect(done).rejects.toThrow('the power went out');
    expect(await namesOfSource('sociale-kaart-test')).toEqual(before);
    const run = (await moderator.inject({ url: '/api/imports' })).json().runs[0];
    expect(run).toMatchObject({ status: 'failed', error: 'the import failed; nothing was written' });
  });
});

describe('who may import', () => {
  it('is moderators and admins only, and names bad parameters', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/imports?mapping=duo-scholen-bo&dryRun=true', payload: 'x', headers: { 'content-type': 'text/csv' } })).statusCode).toBe(401);
    const resident = await signedIn(app);
    expect((await resident.inject({ url: '/api/imports' })).statusCode).toBe(403);
    expect((await resident.inject({ url: '/api/import-mappings' })).statusCode).toBe(403);
    const bad = await moderator.inject({ method: 'POST', url: '/api/imports?mapping=Geen%20Naam&dryRun=maybe', payload: 'x', headers: { 'content-type': 'text/csv' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['query.dryRun', 'query.mapping']);
    const unknown = await moderator.inject({ method: 'POST', url: '/api/imports?mapping=onbekend&dryRun=true', payload: 'x', headers: { 'content-type': 'text/csv' } });
    expect(unknown.statusCode).toBe(404);
    const badMapping = await moderator.inject({ method: 'PUT', url: '/api/import-mappings/kapot', payload: { name: 'kapot', format: 'xls', fields: {} } });
    expect(badMapping.statusCode).toBe(400);
    expect(badMapping.json().error.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['body.format', 'body.source', 'body.fields']));
  });
});

/**
 * `npm run import` killed with SIGKILL in the middle of writing: a real process, on PostgreSQL
 * (the embedded test database lives in this process). Nothing of the file may remain.
 */
describe.runIf(backendUnderTest === 'postgres')('npm run import', () => {
  it('imports with a progress bar, and leaves nothing behind when killed halfway', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kwartier-import-'));
    const mappingFile = path.join(dir, 'kill-test.json');
    writeFileSync(mappingFile, JSON.stringify({ ...SOCIALE_KAART, name: 'kill-test', source: 'kill-test' }));
    const rows = Array.from({ length: 40_000 }, (_, i) => `${i};Groep ${i};inloop;;bonding;;Leiden;${(4.45 + (i % 100) / 1000).toFixed(4)};52.16`);
    const csv = path.join(dir, 'groot.csv');
    writeFileSync(csv, `${HEADER}\n${rows.join('\n')}\n`);
    const env = { ...process.env, DATABASE_URL: TEST_DATABASE_URL!, LOG_LEVEL: 'silent' };
    // node itself with tsx's loader: one process, so the kill reaches the importer (the tsx
    // wrapper would die alone and leave its child writing).
    const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/import.ts', ...args], { cwd: PROJECT_ROOT, env });

    const child = cli([csv, '--mapping', mappingFile, '--save']);
    let stderr = '';
    const killed = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // Killed once a tenth or more is written inside its transaction.
        if (/writing \[#+\.*\] [1-9]\d?%/.test(stderr) && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    await killed;
    expect(stderr).toMatch(/writing \[#+/);
    expect(child.signalCode).toBe('SIGKILL');
    expect(await namesOfSource('kill-test')).toEqual([]);
    // Its run was left "running"; its transaction died with it, so its lock is free.
    const { db } = await testDatabase();
    const killedRun = await db.selectFrom('import_runs').select(['id', 'status']).where('mapping', '=', 'kill-test').orderBy('started_at', 'desc').executeTakeFirstOrThrow();
    expect(killedRun.status).toBe('running');
    expect(await failInterruptedRuns(db)).toBeGreaterThanOrEqual(1);
    expect(await db.selectFrom('import_runs').select(['status', 'error']).where('id', '=', killedRun.id).executeTakeFirstOrThrow()).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/nothing was written/),
    });

    // The same file, left to finish: every row there, and a run that says so.
    const finished = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const again = cli([csv, '--mapping', 'kill-test']);
      let stdout = '';
      again.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      again.on('exit', (code) => resolve({ code, stdout }));
    });
    expect(finished.code, finished.stdout).toBe(0);
    expect(finished.stdout).toMatch(/40000 rows from source "kill-test": 40000 to create/);
    expect((await namesOfSource('kill-test')).length).toBe(40_000);
    await db.deleteFrom('assets').where('source', '=', 'kill-test').execute();
  }, 180_000);
});
