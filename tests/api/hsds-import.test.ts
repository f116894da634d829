import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Asset, AssetImportSchema, type AssetImport, type HsdsService, type ImportReport } from '@kwartier/shared';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { hsdsDataset } from '../../server/src/modules/interop/hsds.service.ts';
import { commitInTransaction } from '../../server/src/modules/interop/import.service.ts';
import { buildTestApp, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';
import { badFields } from '../helpers/fixtures.ts';

/*
 * Import of Open Referral HSDS 3.0 datasets: the official examples, and Kwartier's own export.
 *
 * The shared PostgreSQL test database is used by others too: this file never truncates, its
 * sources carry a name of their own for this run, and only those records are deleted at the end.
 *
 * HSDS fields Kwartier does not carry, so that no round trip can keep them: alternate_name,
 * interpretation_services, application_process, fees_description, fees, wait_time,
 * accreditations, eligibility_description, minimum_age, maximum_age, assured_date, assurer_email,
 * licenses, alert, last_modified, program(s), funding, cost_options, required_documents, metadata,
 * the organization (beyond its website) and organization_identifiers; of phones the extension,
 * type, description, languages and all but one number; of contacts all but the first one's name;
 * of locations url, alternate_name, description, transportation, external identifiers, address_2,
 * attention, region, state_province, country, and accessibility other than wheelchair access and
 * low stimulus; service_area extents; of schedules valid_from, valid_to, until, count, byweekno,
 * bymonthday, byyearday, timezone, schedule_link, attending_type and description. Phones and
 * e-mail are public only for an asset shown at its exact place, so a service placed at an area's
 * centre exports without them.
 */

const EXAMPLES = path.join(PROJECT_ROOT, '..', 'shared', 'data', 'hsds-3.0.1', 'examples');
const example = (name: string) => JSON.parse(readFileSync(path.join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;
const serviceFull = example('service_full.json') as unknown as HsdsService & Record<string, unknown>;

const RUN = randomUUID().slice(0, 8);
const sourceOf = (name: string) => `test-${RUN}-${name}`;
const ORIGINALS = `hsds-test-originals-${RUN}`;

let app: FastifyInstance;
let moderator: Agent;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
  moderator = await signedIn(app, ['moderator']);
});
afterAll(async () => {
  const { db } = await testDatabase();
  await db.deleteFrom('assets').where((eb) => eb.or([eb('source', 'like', `hsds:test-${RUN}-%`), eb('source', '=', ORIGINALS)])).execute();
  await app.close();
});

function post(body: unknown, query: string, agent: Agent = moderator) {
  return agent.inject({
    method: 'POST',
    url: `/api/imports/hsds?${query}`,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

async function report(body: unknown, query: string): Promise<ImportReport> {
  const response = await post(body, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as ImportReport;
}

async function assetsOf(source: string): Promise<Array<{ id: string; source_id: string | null }>> {
  const { db } = await testDatabase();
  return db.selectFrom('assets').select(['id', 'source_id']).where('source', '=', `hsds:${source}`).orderBy('source_id').execute();
}

async function assetOf(source: string): Promise<Asset> {
  const [row] = await assetsOf(source);
  expect(row).toBeDefined();
  return (await moderator.inject({ url: `/api/assets/${row!.id}` })).json() as Asset;
}

async function exported(id: string): Promise<HsdsService> {
  const response = await app.inject({ url: `/hsds/services/${id}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as HsdsService;
}

const hhmm = (time: string | undefined) => time?.slice(0, 5);

/** Which HSDS example files hold services, and which field of theirs names the missing place. */
const FILES_WITH_SERVICES = [
  { file: 'service_full.json', badField: 'service_at_locations[0].location.latitude' },
  { file: 'organization_full.json', badField: 'service_at_locations[0].location.latitude' },
  { file: 'service_at_location_full.json', badField: 'service_at_locations[0].location.latitude' },
  { file: 'service_list.json', badField: 'service_at_locations' },
  { file: 'tabular.json', badField: 'service_at_locations[0].location.latitude' },
] as const;

describe('the official HSDS 3.0.1 examples', () => {
  for (const { file, badField } of FILES_WITH_SERVICES) {
    describe(file, () => {
      const source = sourceOf(file.replace(/[._]/g, '-'));

      it('reports the place that is not in the Netherlands as an error naming the row and field', async () => {
        const dry = await report(example(file), `source=${source}&defaultCategory=inloop&dryRun=true`);
        expect(dry.source).toBe(`hsds:${source}`);
        expect(dry.rows).toBe(1);
        const errors = dry.problems.filter((p) => p.severity === 'error');
        expect(errors).toEqual([expect.objectContaining({ row: 1, field: badField })]);
        if (badField.endsWith('latitude')) expect(errors[0]!.message).toMatch(/latitude 100 is not a latitude/);
        expect(dry.counts).toEqual({ create: 0, update: 0, unchanged: 0, kept: 0, refused: 1 });
        // And a commit of it is refused as a whole, naming the row.
        const refused = await post(example(file), `source=${source}&defaultCategory=inloop`);
        expect(badFields(refused)).toContain(`row 1: ${badField}`);
        expect(await assetsOf(source)).toEqual([]);
      });

      it('imports with a fallback area and a default category, with warnings saying so', async () => {
        const committed = await report(example(file), `source=${source}&defaultCategory=inloop&fallbackArea=GM0546`);
        expect(committed.committed).toBe(true);
        expect(committed.counts).toEqual({ create: 1, update: 0, unchanged: 0, kept: 0, refused: 0 });
        expect(committed.problems.every((p) => p.severity === 'warning')).toBe(true);
        expect(committed.problems).toContainEqual(expect.objectContaining({ row: 1, field: badField, message: expect.stringMatching(/placed at the centre of Leiden \(GM0546\) at buurt precision/) }));
        expect(committed.problems).toContainEqual(expect.objectContaining({ field: 'attributes', message: expect.stringMatching(/default category inloop/) }));

        const asset = await assetOf(source);
        expect(asset).toMatchObject({
          name: 'Community Counselling',
          kind: 'contact_point',
          category: 'inloop',
          precision: 'buurt',
          status: 'published',
          gemeente: { code: 'GM0546' },
          provenance: { source: `hsds:${source}`, sourceId: 'ac148810-d857-441c-9679-408f346de14b' },
        });
        expect(asset.description).toMatch(/^Counselling Services provided by trained professionals/);
        expect(asset.contact.website).toBe('http://example.com/counselling');
        if (file === 'service_list.json') return; // a list item carries no schedules or languages
        expect(asset.languages).toEqual(['ur']);
        expect(asset.schedule.openingHours).toEqual([{ days: ['th', 'fr'], opens: '10:00', closes: '18:00' }]);
        expect(asset.schedule.note).toMatch(/lunch break/);
        expect(asset.inclusionFeatures).toContain('wheelchair_access');
      });
    });
  }

  it('warns about what a schedule narrows down and a phone it cannot keep, naming the field', async () => {
    const service = structuredClone(serviceFull);
    service.phones = [{ ...service.phones[0]!, number: 'call us' }];
    const dry = await report(service, `source=${sourceOf('warnings')}&defaultCategory=inloop&fallbackArea=GM0546&dryRun=true`);
    const warnings = dry.problems.map((p) => `${p.field}: ${p.message}`);
    expect(warnings).toContainEqual(expect.stringMatching(/^phones\[0\]\.number: "call us" is not a phone number/));
    // The service_at_location's own schedules come first: they are the most specific.
    expect(warnings).toContainEqual(expect.stringMatching(/^service_at_locations\[0\]\.schedules\[0\]\.valid_from: valid_from, valid_to, until, count, byweekno, bymonthday, byyearday cannot be kept/));
    expect(warnings).toContainEqual(expect.stringMatching(/^service_at_locations\[0\]\.schedules\[0\]\.timezone: UTC\+3 is not kept/));
    expect(warnings).toContainEqual(expect.stringMatching(/^attributes: attributes\[0\] "name": not one of Kwartier's taxonomy terms/));
  });
});

describe('exporting an imported example again', () => {
  it('gives back the fields Kwartier carries: at an area, without the channels only an exact place shows', async () => {
    const [row] = await assetsOf(sourceOf('service-full-json'));
    const again = await exported(row!.id);
    expect(again).toMatchObject({ name: serviceFull.name, description: serviceFull.description.trim(), url: serviceFull.url });
    expect(again.languages.map((l) => l.code)).toEqual(serviceFull.languages.map((l) => l.code));
    expect(again.schedules.map((s) => [s.freq, s.interval, s.byday, s.opens_at, s.closes_at])).toEqual(
      serviceFull.schedules.map((s) => [s.freq, s.interval, s.byday, hhmm(s.opens_at), hhmm(s.closes_at)]),
    );
    expect(again.email).toBeUndefined();
    expect(again.phones).toEqual([]);
    expect(again.service_at_locations).toEqual([]);
    expect(again.service_areas[0]!.name).toMatch(/Leiden/);
  });

  it('keeps a Dutch location exact, with its address, e-mail, phone and contact person', async () => {
    const service = structuredClone(serviceFull);
    const location = service.service_at_locations[0]!.location as unknown as Record<string, unknown>;
    Object.assign(location, { latitude: 52.1601, longitude: 4.4946 });
    location.addresses = [{ address_1: 'Breestraat 117', city: 'Leiden', postal_code: '2311 CS', country: 'NL', address_type: 'physical' }];
    const source = sourceOf('dutch-place');
    const committed = await report(service, `source=${source}&defaultCategory=inloop`);
    expect(committed.counts.create).toBe(1);
    const asset = await assetOf(source);
    expect(asset).toMatchObject({
      precision: 'exact',
      location: { coordinates: [4.4946, 52.1601] },
      address: { street: 'Breestraat', houseNumber: '117', postcode: '2311 CS', city: 'Leiden' },
      contact: { phone: '+44 1234 234567', email: 'email@example.com', website: 'http://example.com/counselling', contactPerson: 'Ann Persona' },
    });

    const again = await exported(asset.id);
    expect(again).toMatchObject({ name: service.name, url: service.url, email: service.email });
    // The example writes its number in quotes, as a CSV would; the number itself comes back.
    expect(again.phones.map((p) => p.number)).toEqual(['+44 1234 234567']);
    expect(again.contacts.map((c) => c.name)).toEqual(['Ann Persona']);
    expect(again.languages.map((l) => l.code)).toEqual(['ur']);
    const placeAgain = again.service_at_locations[0]!.location;
    expect([placeAgain.latitude, placeAgain.longitude]).toEqual([52.1601, 4.4946]);
    expect(placeAgain.addresses[0]).toMatchObject({ address_1: 'Breestraat 117', postal_code: '2311 CS', city: 'Leiden' });
    expect(placeAgain.accessibility.map((a) => a.description)).toEqual(['Rolstoeltoegankelijk']);
  });
});

describe("Kwartier's own HSDS export", () => {
  const leiden: [number, number] = [4.4921, 52.1612];
  const originals: AssetImport[] = [
    {
      kind: 'facility', category: 'buurthuis', name: 'Buurthuis De Kooi', description: 'Koffie, les en ontmoeting.',
      socialCapital: ['bonding', 'bridging'], inclusionFeatures: ['wheelchair_access', 'low_stimulus', 'no_registration', 'free_or_low_cost'],
      targetGroups: ['older_people', 'lonely'], characteristics: ['open_attitude', 'in_view'], languages: ['nl', 'ar', 'tr'],
      schedule: {
        alwaysOpen: false,
        openingHours: [{ days: ['mo', 'tu'], opens: '09:00', closes: '17:00' }, { days: ['we'], opens: '13:00', closes: '16:30' }],
        meetings: [
          { weekday: 'th', starts: '19:00', ends: '21:00', recurrence: 'weekly' },
          { weekday: 'fr', starts: '10:00', ends: '12:00', recurrence: 'biweekly', anchorDate: '2026-01-02' },
          { weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'monthly', weeksOfMonth: [2, -1] },
        ],
        note: 'Niet in de zomervakantie',
      },
      contact: { phone: '071 512 3456', email: 'info@dekooi.example.nl', website: 'https://dekooi.example.nl', contactPerson: 'Fatima' },
      location: { type: 'Point', coordinates: leiden },
      address: { street: 'Kooilaan', houseNumber: '12a', postcode: '2315 AB', city: 'Leiden' },
    },
    {
      kind: 'contact_point', category: 'crisisdienst', name: 'Crisisdienst Leiden', description: '',
      schedule: { alwaysOpen: true, openingHours: [], meetings: [] }, contact: { phone: '0900 1234 567' },
      location: { type: 'Point', coordinates: [4.4870, 52.1590] },
    },
    {
      kind: 'talent', category: 'klussen', name: 'Ahmed klust graag', description: 'Kleine klussen in huis.',
      languages: ['nl', 'ar'], contact: { phone: '06 1234 5678' }, location: { type: 'Point', coordinates: leiden },
    },
    {
      kind: 'initiative', category: 'lotgenotengroep', name: 'Praatgroep Herstel', description: 'Voor wie herstelt.', precision: 'buurt',
      targetGroups: ['psychiatric'], schedule: { alwaysOpen: false, openingHours: [], meetings: [], note: 'Op afspraak' },
      location: { type: 'Point', coordinates: leiden },
    },
  ].map((asset, index) => AssetImportSchema.parse({ ...asset, source: ORIGINALS, sourceId: `original-${index}` }));

  /** A service without what names this copy rather than that one: ids, links and the date. */
  function withoutIds(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutIds);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !['id', 'service_id', 'link_id', 'location_id', 'organization_id', 'last_modified'].includes(key))
        .map(([key, inner]) => [key, withoutIds(inner)]),
    );
  }

  let originalServices: HsdsService[];
  const source = sourceOf('own-export');

  beforeAll(async () => {
    const { db } = await testDatabase();
    await db.transaction().execute((trx) =>
      commitInTransaction(trx, { name: 'test', source: ORIGINALS }, { records: originals.map((asset, index) => ({ row: index + 1, sourceId: asset.sourceId!, name: asset.name, asset, problems: [] })), problems: [] }),
    );
    const ids = new Set((await db.selectFrom('assets').select('id').where('source', '=', ORIGINALS).execute()).map((row) => row.id));
    const dataset = await hsdsDataset(db);
    originalServices = dataset.services.filter((service) => ids.has(service.id));
    expect(originalServices).toHaveLength(originals.length);
    const importedDataset = { ...dataset, services: originalServices, organizations: dataset.organizations.filter((o) => originalServices.some((s) => s.organization_id === o.id)) };
    const committed = await report(importedDataset, `source=${source}`);
    expect(committed.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(committed.counts).toEqual({ create: 4, update: 0, unchanged: 0, kept: 0, refused: 0 });
    // Recorded in the history of imports, like a file.
    const runs = (await moderator.inject({ url: '/api/imports' })).json().runs as Array<{ source: string; status: string; counts: { create: number } }>;
    expect(runs.find((run) => run.source === `hsds:${source}`)).toMatchObject({ status: 'committed', counts: { create: 4 } });
  });

  it('imports into an empty source and exports again the same services, but for their ids', async () => {
    const imported = await assetsOf(source);
    expect(imported.map((row) => row.source_id).sort()).toEqual(originalServices.map((service) => service.id).sort());
    for (const original of originalServices) {
      const copy = imported.find((row) => row.source_id === original.id)!;
      expect(withoutIds(await exported(copy.id)), original.name).toEqual(withoutIds(original));
    }
  });

  it('needs neither a default category nor a fallback area: the attributes and service areas say it all', async () => {
    const dry = await report(
      { services: originalServices, organizations: [], taxonomies: [] },
      `source=${sourceOf('own-export-dry')}&dryRun=true`,
    );
    expect(dry.counts.create).toBe(4);
    // Only the two shown at an area, placed at the centre of that area again.
    expect(dry.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/its service area \(service_areas\[0\]\), at buurt precision/),
      expect.stringMatching(/its service area \(service_areas\[0\]\), at buurt precision/),
    ]);
  });
});

describe('importing again', () => {
  const source = sourceOf('again');
  const query = `source=${source}&defaultCategory=inloop&fallbackArea=GM0546`;

  it('updates the record it made instead of making another', async () => {
    expect((await report(serviceFull, query)).counts).toEqual({ create: 1, update: 0, unchanged: 0, kept: 0, refused: 0 });
    expect((await report(serviceFull, query)).counts).toEqual({ create: 0, update: 0, unchanged: 1, kept: 0, refused: 0 });
    const renamed = { ...structuredClone(serviceFull), name: 'Community Counselling Leiden' };
    expect((await report(renamed, query)).counts).toEqual({ create: 0, update: 1, unchanged: 0, kept: 0, refused: 0 });
    const rows = await assetsOf(source);
    expect(rows).toHaveLength(1);
    expect((await assetOf(source)).name).toBe('Community Counselling Leiden');
  });

  it('makes one record per location of a service at several, each found again by service and location', async () => {
    const service = structuredClone(serviceFull);
    const [first] = service.service_at_locations;
    const second = structuredClone(first!);
    second.location.id = '3a19ff88-4620-4d17-9830-ac1d859eb5d6';
    second.location.name = 'MyCity Library';
    service.service_at_locations = [first!, second];
    const severalSource = sourceOf('several');
    const committed = await report(service, `source=${severalSource}&defaultCategory=inloop&fallbackArea=GM0546`);
    expect(committed.actions.map((a) => [a.sourceId, a.name, a.action])).toEqual([
      [`${service.id}@${first!.location.id}`, 'Community Counselling (MyCity Civic Center)', 'create'],
      [`${service.id}@${second.location.id}`, 'Community Counselling (MyCity Library)', 'create'],
    ]);
    expect((await report(service, `source=${severalSource}&defaultCategory=inloop&fallbackArea=GM0546&dryRun=true`)).counts.unchanged).toBe(2);
  });
});

describe('bad input', () => {
  const query = `source=${sourceOf('bad')}&defaultCategory=inloop&fallbackArea=GM0546&dryRun=true`;

  it('refuses a body that is not JSON', async () => {
    const response = await post('{"name": "half', query);
    expect(badFields(response)).toEqual(['body']);
    expect(response.json().error.fields[0].message).toBe('expected JSON');
  });

  it('refuses JSON that is no HSDS shape, or holds no services', async () => {
    for (const body of [{ hello: 'world' }, [1, 2], example('location.json'), example('taxonomy_list.json'), 'null']) {
      const response = await post(body, query);
      expect(badFields(response)).toEqual(['body']);
      expect(response.json().error.fields[0].message).toMatch(/HSDS/);
    }
  });

  it('refuses a default category or fallback area Kwartier does not know, naming the field', async () => {
    expect(badFields(await post(serviceFull, `source=${sourceOf('bad')}&defaultCategory=counselling&dryRun=true`))).toEqual(['query.defaultCategory']);
    expect(badFields(await post(serviceFull, `source=${sourceOf('bad')}&fallbackArea=GM9999&dryRun=true`))).toEqual(['query.fallbackArea']);
    expect(badFields(await post(serviceFull, `source=${sourceOf('bad')}&fallbackArea=Leiden&dryRun=true`))).toEqual(['query.fallbackArea']);
    expect(badFields(await post(serviceFull, 'source=Not A Name&dryRun=true'))).toEqual(['query.source']);
  });

  it('reports a service without any category of ours and no default category as an error of that row', async () => {
    const dry = await report(serviceFull, `source=${sourceOf('bad')}&fallbackArea=GM0546&dryRun=true`);
    expect(dry.problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ row: 1, field: 'attributes', message: expect.stringMatching(/no defaultCategory/) }),
    ]);
  });

  it('is for moderators only', async () => {
    const resident = await signedIn(app, ['resident']);
    expect((await post(serviceFull, query, resident)).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/api/imports/hsds?${query}`, payload: serviceFull })).statusCode).toBe(401);
  });
});
