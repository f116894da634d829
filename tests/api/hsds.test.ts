import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import distance from '@turf/distance';
import { point } from '@turf/helpers';
import {
  ASSET_KINDS,
  type Asset,
  CATEGORIES,
  CHARACTERISTICS,
  type HsdsOrganizationList,
  type HsdsPage,
  type HsdsService,
  type HsdsServiceAtLocation,
  type HsdsServiceAtLocationList,
  type HsdsServiceList,
  type HsdsTaxonomy,
  type HsdsTaxonomyTerm,
  INCLUSION_FEATURES,
  SOCIAL_CAPITAL_TYPES,
  TARGET_GROUPS,
} from '@kwartier/shared';
import { buildTestApp, resetToDemoData, testDatabase } from '../helpers/app.ts';
import { badFields, createAsset } from '../helpers/fixtures.ts';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { hsdsDataset } from '../../server/src/modules/interop/hsds.service.ts';

// ---------------------------------------------------------------------------------------------
// The official HSDS 3.0.1 schemas, made strict: every object schema refuses fields it does not
// name, so that a misspelt or invented field fails as surely as a missing one.

const HSDS_DIR = path.join(PROJECT_ROOT, '..', 'shared', 'data', 'hsds-3.0.1', 'schema');
const readSchema = (name: string) => JSON.parse(readFileSync(path.join(HSDS_DIR, name), 'utf8')) as Record<string, unknown>;

function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  if (schema.type === 'object' || (typeof schema.properties === 'object' && schema.properties !== null)) schema.additionalProperties = false;
  Object.values(schema).forEach(closeObjects);
}

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);

function strict(schema: Record<string, unknown>): ValidateFunction {
  const copy = structuredClone(schema);
  closeObjects(copy);
  return ajv.compile(copy);
}

const compiled = (name: string) => readSchema(path.join('compiled', name));
const serviceSchema = compiled('service.json');
type SchemaNode = Record<string, unknown> & { properties: Record<string, SchemaNode>; items: SchemaNode };
/** The taxonomy term and taxonomy as the compiled service schema nests them under its attributes. */
const termSchema = (serviceSchema as SchemaNode).properties.attributes!.items.properties.taxonomy_term!;
const taxonomySchema = termSchema.properties.taxonomy_detail!;

const validators = {
  service: strict(serviceSchema),
  serviceList: strict(compiled('service_list.json')),
  organization: strict(compiled('organization.json')),
  organizationList: strict(compiled('organization_list.json')),
  serviceAtLocation: strict(compiled('service_at_location.json')),
  serviceAtLocationList: strict(compiled('service_at_location_list.json')),
  taxonomy: strict(taxonomySchema),
  taxonomyTerm: strict(termSchema),
};

/** The paging wrapper of the OpenAPI template, every field required, around items of one schema. */
const openapi = readSchema('openapi.json') as { components: { schemas: { Page: { properties: Record<string, unknown> } } } };
function pageValidator(item: Record<string, unknown>): ValidateFunction {
  const page = openapi.components.schemas.Page;
  return strict({
    type: 'object',
    properties: { ...page.properties, contents: { type: 'array', items: item } },
    required: [...Object.keys(page.properties), 'contents'],
  });
}

const problems: string[] = [];
let validated = 0;
function check(validate: ValidateFunction, value: unknown, what: string): void {
  validated += 1;
  if (!validate(value)) problems.push(`${what}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
}

// ---------------------------------------------------------------------------------------------

let app: FastifyInstance;
/** Every HSDS answer the tests read, for the privacy scan. */
const answers: string[] = [];

async function get<T>(url: string): Promise<T> {
  const response = await app.inject({ url });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  answers.push(response.body);
  return response.json() as T;
}

/** Every page of a list endpoint. */
async function allPages<T>(url: string, perPage = 100): Promise<{ pages: HsdsPage<T>[]; items: T[] }> {
  const pages: HsdsPage<T>[] = [];
  for (let page = 1; ; page++) {
    const result = await get<HsdsPage<T>>(`${url}${url.includes('?') ? '&' : '?'}per_page=${perPage}&page=${page}`);
    pages.push(result);
    if (result.last_page || page > 1000) break;
  }
  return { pages, items: pages.flatMap((page) => page.contents) };
}

// A talent and a resident's initiative at street precision, at known homes with known contact
// details: none of it may leave in HSDS. And a facility at its exact place, which may.
const TALENT_HOME = { lon: 4.50123, lat: 52.16234 };
const CIRCLE_HOME = { lon: 4.47731, lat: 52.15478 };
const FACILITY = { lon: 4.48123, lat: 52.15711 };
const SECRETS = [
  'Geheimstraat', '2312XY', '2312 XY', 'jan.talent@example.nl', '06 1234 5678', 'Jan Geheim',
  'Verborgenlaan', '2313QQ', '2313 QQ', 'piet.buurt@example.nl', '06 9876 5432', 'Piet Verborgen',
  '4.50123', '52.16234', '4.47731', '52.15478',
];

let talent: Asset;
let circle: Asset;
let facility: Asset;
let publishedTotal: number;

beforeAll(async () => {
  await resetToDemoData();
  app = await buildTestApp();
  talent = await createAsset(app, {
    kind: 'talent', category: 'klussen', name: 'Klussen met Jan', precision: 'street',
    description: 'Ik help met kleine klussen in huis.',
    location: { type: 'Point', coordinates: [TALENT_HOME.lon, TALENT_HOME.lat] },
    address: { street: 'Geheimstraat', houseNumber: '7', postcode: '2312XY', city: 'Leiden' },
    contact: { phone: '06 1234 5678', email: 'jan.talent@example.nl', contactPerson: 'Jan Geheim' },
    socialCapital: ['bridging'], inclusionFeatures: ['free_or_low_cost'], targetGroups: ['older_people'], characteristics: ['meaningful'],
  });
  circle = await createAsset(app, {
    kind: 'initiative', category: 'buurtcirkel', name: 'Buurtcirkel Achterom', precision: 'street',
    location: { type: 'Point', coordinates: [CIRCLE_HOME.lon, CIRCLE_HOME.lat] },
    address: { street: 'Verborgenlaan', houseNumber: '3', postcode: '2313QQ', city: 'Leiden' },
    contact: { phone: '06 9876 5432', email: 'piet.buurt@example.nl', contactPerson: 'Piet Verborgen', website: 'https://buurtcirkel.example.org' },
  });
  facility = await createAsset(app, {
    kind: 'facility', category: 'buurthuis', name: 'Buurthuis Het Testpunt', precision: 'exact',
    description: 'Een buurthuis met inloop.',
    location: { type: 'Point', coordinates: [FACILITY.lon, FACILITY.lat] },
    address: { street: 'Proefstraat', houseNumber: '12', postcode: '2399ZZ', city: 'Leiden' },
    contact: { phone: '071 512 3456', email: 'info@testpunt.example.org', website: 'https://testpunt.example.org', contactPerson: 'Balie' },
    languages: ['nl', 'ar'],
    inclusionFeatures: ['wheelchair_access', 'low_stimulus', 'no_registration', 'free_or_low_cost'],
    targetGroups: ['everyone', 'newcomers'],
    schedule: {
      alwaysOpen: false,
      openingHours: [{ days: ['mo', 'tu', 'we'], opens: '09:00', closes: '17:00' }],
      meetings: [
        { weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'monthly', weeksOfMonth: [2, -1] },
        { weekday: 'th', starts: '19:00', ends: '21:00', recurrence: 'biweekly', anchorDate: '2026-01-08' },
      ],
      note: 'Niet in de zomervakantie',
    },
  });
  publishedTotal = (await app.inject({ url: '/api/assets?limit=1' })).json().total as number;
});
afterAll(() => app.close());

describe('HSDS output validates against the official 3.0.1 schemas (every object closed)', () => {
  it('the closed schemas refuse an unknown field, a missing required one and a malformed id', async () => {
    const service = await get<HsdsService>(`/hsds/services/${facility.id}`);
    expect(validators.service(service)).toBe(true);
    expect(validators.service({ ...service, colour: 'red' })).toBe(false);
    const [place] = service.service_at_locations;
    const deepExtra = { ...service, service_at_locations: [{ ...place, location: { ...place!.location, owner: 'x' } }] };
    expect(validators.service(deepExtra)).toBe(false);
    const { status: _status, ...withoutStatus } = service;
    expect(validators.service(withoutStatus)).toBe(false);
    expect(validators.service({ ...service, id: 'asset-1' })).toBe(false);
    expect(validators.service({ ...service, last_modified: 'yesterday' })).toBe(false);
  });

  it('every service: the list, the fully nested list, and each /hsds/services/{id}', async () => {
    const list = await allPages<HsdsServiceList>('/hsds/services');
    expect(list.items).toHaveLength(publishedTotal);
    expect(publishedTotal).toBeGreaterThan(150);
    list.pages.forEach((page, i) => check(pageValidator(compiled('service_list.json')), page, `services page ${i + 1}`));
    list.items.forEach((item) => check(validators.serviceList, item, `service_list ${item.id}`));

    const full = await allPages<HsdsService>('/hsds/services?full=true&lang=en');
    full.items.forEach((item) => check(validators.service, item, `services?full ${item.id}`));

    for (const { id } of list.items) {
      const service = await get<HsdsService>(`/hsds/services/${id}`);
      expect(service.id).toBe(id);
      check(validators.service, service, `service ${id}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('organizations, service_at_locations, taxonomies and terms, listed and one by one', async () => {
    const organizations = await allPages<HsdsOrganizationList>('/hsds/organizations');
    organizations.pages.forEach((page) => check(pageValidator(compiled('organization_list.json')), page, 'organizations page'));
    // One per asset that is not a talent, and one for the residents.
    const talents = (await app.inject({ url: '/api/assets?kind=talent&limit=1' })).json().total as number;
    expect(talents).toBeGreaterThan(0);
    expect(organizations.items).toHaveLength(publishedTotal - talents + 1);
    expect(new Set(organizations.items.map((o) => o.id)).size).toBe(organizations.items.length);
    for (const organization of organizations.items) {
      check(validators.organizationList, organization, `organization_list ${organization.id}`);
      check(validators.organization, await get(`/hsds/organizations/${organization.id}`), `organization ${organization.id}`);
    }
    (await allPages('/hsds/organizations?full=true', 50)).items.forEach((item) => check(validators.organization, item, 'organizations?full'));

    const places = await allPages<HsdsServiceAtLocationList>('/hsds/service_at_locations');
    expect(places.items.length).toBeGreaterThan(100);
    places.pages.forEach((page) => check(pageValidator(compiled('service_at_location_list.json')), page, 'service_at_locations page'));
    for (const item of places.items) {
      check(validators.serviceAtLocationList, item, `service_at_location_list ${item.id}`);
      const one = await get<HsdsServiceAtLocation>(`/hsds/service_at_locations/${item.id}`);
      expect(one.service.id).toBe(item.service_id);
      check(validators.serviceAtLocation, one, `service_at_location ${item.id}`);
    }
    (await allPages('/hsds/service_at_locations?full=true')).items.forEach((item) => check(validators.serviceAtLocation, item, 'service_at_locations?full'));

    for (const lang of ['nl', 'en']) {
      const taxonomies = await allPages<HsdsTaxonomy>(`/hsds/taxonomies?lang=${lang}`);
      taxonomies.items.forEach((item) => check(validators.taxonomy, item, `taxonomy ${item.id}`));
      const terms = await allPages<HsdsTaxonomyTerm>(`/hsds/taxonomy_terms?lang=${lang}`);
      terms.items.forEach((item) => check(validators.taxonomyTerm, item, `taxonomy_term ${item.id}`));
      check(validators.taxonomyTerm, await get(`/hsds/taxonomy_terms/${terms.items[0]!.id}`), 'one term');
      check(validators.taxonomy, await get(`/hsds/taxonomies/${taxonomies.items[0]!.id}`), 'one taxonomy');
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('the export dataset: every published service as service_full', async () => {
    const { db } = await testDatabase();
    const dataset = await hsdsDataset(db);
    answers.push(JSON.stringify(dataset));
    expect(dataset.services).toHaveLength(publishedTotal);
    dataset.services.forEach((service) => check(validators.service, service, `dataset service ${service.id}`));
    dataset.organizations.forEach((organization) => check(validators.organizationList, organization, `dataset organization ${organization.id}`));
    dataset.taxonomy_terms.forEach((term) => check(validators.taxonomyTerm, term, `dataset term ${term.id}`));
    expect(dataset.services.every((service) => dataset.organizations.some((o) => o.id === service.organization_id))).toBe(true);
    // The same service as the API sends.
    const fromApi = await get<HsdsService>(`/hsds/services/${facility.id}`);
    expect(dataset.services.find((service) => service.id === facility.id)).toEqual(fromApi);
    expect(problems.slice(0, 5)).toEqual([]);
    expect(validated).toBeGreaterThan(4 * publishedTotal);
  });
});

describe('the mapping', () => {
  it('publishes a facility with its place, address, accessibility, schedule, languages and contact', async () => {
    const service = await get<HsdsService>(`/hsds/services/${facility.id}`);
    expect(service).toMatchObject({ name: 'Buurthuis Het Testpunt', status: 'active', url: 'https://testpunt.example.org', email: 'info@testpunt.example.org' });
    expect(service.phones.map((phone) => phone.number)).toEqual(['071 512 3456']);
    expect(service.contacts.map((contact) => contact.name)).toEqual(['Balie']);
    expect(service.languages.map((language) => [language.code, language.name])).toEqual([['nl', 'Nederlands'], ['ar', 'Arabisch']]);
    expect(service.application_process).toMatch(/Zonder aanmelding/);
    expect(service.eligibility_description).toBe('Voor: Nieuwkomers');

    const [place] = service.service_at_locations;
    expect(service.service_at_locations).toHaveLength(1);
    expect(place!.location).toMatchObject({ latitude: FACILITY.lat, longitude: FACILITY.lon, location_type: 'physical' });
    expect(place!.location.addresses).toEqual([expect.objectContaining({ address_1: 'Proefstraat 12', postal_code: '2399ZZ', city: 'Leiden', country: 'NL' })]);
    expect(place!.location.accessibility.map((a) => a.description)).toEqual(['Rolstoeltoegankelijk', 'Prikkelarm']);
    expect(service.service_areas).toEqual([]);

    expect(service.schedules.map((s) => [s.freq, s.interval, s.byday, s.opens_at, s.closes_at, s.dtstart ?? null])).toEqual([
      ['WEEKLY', 1, 'MO,TU,WE', '09:00', '17:00', null],
      ['MONTHLY', 1, '2TU,-1TU', '14:00', '16:00', null],
      ['WEEKLY', 2, 'TH', '19:00', '21:00', '2026-01-08'],
    ]);
    expect(service.schedules.every((s) => s.notes === 'Niet in de zomervakantie')).toBe(true);

    // The organization and service_at_location ids lead back to the same asset.
    const organization = await get<{ id: string; services: HsdsService[] }>(`/hsds/organizations/${service.organization_id}`);
    expect(organization.services.map((s) => s.id)).toEqual([facility.id]);
    const atLocation = await get<HsdsServiceAtLocation>(`/hsds/service_at_locations/${place!.id}`);
    expect(atLocation.service.id).toBe(facility.id);
  });

  it('keeps ids stable from one answer and one language to the next', async () => {
    const nl = await get<HsdsService>(`/hsds/services/${facility.id}`);
    const en = await get<HsdsService>(`/hsds/services/${facility.id}?lang=en`);
    const ids = (service: HsdsService) => JSON.stringify(service).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g);
    expect(ids(en)).toEqual(ids(nl));
    expect(en.attributes.find((a) => a.taxonomy_term.code === 'wheelchair_access')!.taxonomy_term.name).toBe('Wheelchair access');
    expect(nl.attributes.find((a) => a.taxonomy_term.code === 'wheelchair_access')!.taxonomy_term.name).toBe('Rolstoeltoegankelijk');
  });

  it('puts every talent under the residents organization, with no place of its own', async () => {
    const service = await get<HsdsService>(`/hsds/services/${talent.id}`);
    const organization = await get<{ name: string; locations: unknown[] }>(`/hsds/organizations/${service.organization_id}`);
    expect(organization.name).toBe('Bewoners via Kwartier');
    expect(organization.locations).toEqual([]);
    expect(service.service_at_locations).toEqual([]);
    expect(service.service_areas).toHaveLength(1);
    expect(service.service_areas[0]!.name).toContain('Leiden');
  });
});

describe('paging and place filters', () => {
  it('pages as the template says, and respects per_page', async () => {
    const first = await get<HsdsPage<HsdsServiceList>>('/hsds/services?per_page=7');
    expect(first).toMatchObject({
      total_items: publishedTotal, total_pages: Math.ceil(publishedTotal / 7), page_number: 1, size: 7,
      first_page: true, last_page: false, empty: false,
    });
    expect(first.contents).toHaveLength(7);
    const second = await get<HsdsPage<HsdsServiceList>>('/hsds/services?per_page=7&page=2');
    expect(second).toMatchObject({ page_number: 2, size: 7, first_page: false });
    expect(second.contents.map((s) => s.id).some((id) => first.contents.some((s) => s.id === id))).toBe(false);

    const lastNumber = Math.ceil(publishedTotal / 7);
    const last = await get<HsdsPage<HsdsServiceList>>(`/hsds/services?per_page=7&page=${lastNumber}`);
    expect(last).toMatchObject({ last_page: true, size: publishedTotal - 7 * (lastNumber - 1) });
    const beyond = await get<HsdsPage<HsdsServiceList>>(`/hsds/services?per_page=7&page=${lastNumber + 1}`);
    expect(beyond).toMatchObject({ empty: true, size: 0, contents: [], last_page: true });
    expect((await get<HsdsPage<unknown>>('/hsds/services')).size).toBe(20);
  });

  it('proximity from a point: nearest first, all within the distance', async () => {
    const result = await get<HsdsPage<HsdsServiceAtLocationList>>(
      `/hsds/service_at_locations?lat=${FACILITY.lat}&lon=${FACILITY.lon}&proximity=1500&per_page=100`,
    );
    expect(result.contents[0]!.service_id).toBe(facility.id);
    expect(result.total_items).toBeGreaterThan(3);
    const distances = result.contents.map((item) =>
      distance(point([FACILITY.lon, FACILITY.lat]), point([item.location.longitude, item.location.latitude]), { units: 'meters' }),
    );
    expect(distances.every((d) => d <= 1501)).toBe(true);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));

    const services = await get<HsdsPage<HsdsServiceList>>(`/hsds/services?lat=${FACILITY.lat}&lon=${FACILITY.lon}&proximity=1500&per_page=3`);
    expect(services.contents[0]!.id).toBe(facility.id);
    expect(services.size).toBe(3);
    // Services include what has no public place (the talent's cell lies within 1.5 km); locations do not.
    expect(services.total_items).toBeGreaterThan(result.total_items);
  });

  it('postcode: from the centre of the postcode, within proximity', async () => {
    for (const query of ['postcode=2399ZZ', 'postcode=2399%20zz&proximity=300']) {
      const result = await get<HsdsPage<HsdsServiceAtLocationList>>(`/hsds/service_at_locations?${query}`);
      expect(result.contents[0]!.service_id, query).toBe(facility.id);
      const services = await get<HsdsPage<HsdsServiceList>>(`/hsds/services?${query}&per_page=1`);
      expect(services.contents.map((s) => s.id), query).toEqual([facility.id]);
    }
    const tight = await get<HsdsPage<HsdsServiceAtLocationList>>('/hsds/service_at_locations?postcode=2399ZZ&proximity=1');
    expect(tight.contents.map((item) => item.service_id)).toEqual([facility.id]);
  });

  it('a private postcode finds nothing: it cannot be used to probe a home', async () => {
    for (const postcode of ['2312XY', '2313QQ']) {
      expect((await get<HsdsPage<unknown>>(`/hsds/services?postcode=${postcode}`)).total_items).toBe(0);
      expect((await get<HsdsPage<unknown>>(`/hsds/service_at_locations?postcode=${postcode}`)).total_items).toBe(0);
    }
  });

  it('search and taxonomy_term_id filter', async () => {
    const found = await get<HsdsPage<HsdsServiceList>>('/hsds/services?search=Testpunt');
    expect(found.contents.map((s) => s.id)).toEqual([facility.id]);

    const terms = (await allPages<HsdsTaxonomyTerm>('/hsds/taxonomy_terms')).items;
    const talentTerm = terms.find((term) => term.code === 'talent')!;
    const talents = await allPages<HsdsService>(`/hsds/services?taxonomy_term_id=${talentTerm.id}&full=true`);
    const talentTotal = (await app.inject({ url: '/api/assets?kind=talent&limit=1' })).json().total as number;
    expect(talents.items).toHaveLength(talentTotal);
    expect(talents.items.every((s) => s.attributes.some((a) => a.taxonomy_term_id === talentTerm.id))).toBe(true);

    const wheelchair = terms.find((term) => term.code === 'wheelchair_access')!;
    const accessible = await allPages<HsdsServiceAtLocation>(`/hsds/service_at_locations?taxonomy_term_id=${wheelchair.id}&full=true`);
    expect(accessible.items.length).toBeGreaterThan(0);
    expect(accessible.items.every((item) => item.location.accessibility.some((a) => a.description === 'Rolstoeltoegankelijk'))).toBe(true);

    const unknownTerm = await get<HsdsPage<unknown>>('/hsds/services?taxonomy_term_id=00000000-0000-4000-8000-000000000000');
    expect(unknownTerm).toMatchObject({ total_items: 0, empty: true });
  });
});

describe('privacy', () => {
  it('a talent and a street-precision initiative have no place, address, phone or e-mail in any HSDS answer', async () => {
    for (const asset of [talent, circle]) {
      const service = await get<HsdsService>(`/hsds/services/${asset.id}`);
      expect(service.service_at_locations).toEqual([]);
      expect(service.phones).toEqual([]);
      expect(service.contacts).toEqual([]);
      expect(service.email).toBeUndefined();
      await get(`/hsds/services?search=${encodeURIComponent(asset.name)}&full=true`);
      await get(`/hsds/organizations?search=${encodeURIComponent(asset.name)}&full=true`);
      expect((await app.inject({ url: `/hsds/service_at_locations/${service.id}` })).statusCode).toBe(404);
    }
    // The initiative's website is public, as on the map.
    expect((await get<HsdsService>(`/hsds/services/${circle.id}`)).url).toBe('https://buurtcirkel.example.org');
    await allPages('/hsds/services?full=true');
    await allPages('/hsds/organizations?full=true');

    const everything = answers.join('\n');
    expect(everything).toContain('Klussen met Jan');
    expect(everything).toContain('071 512 3456'); // what may be public is there: the scan can see
    for (const secret of SECRETS) expect(everything, secret).not.toContain(secret);

    // No coordinates within 1 km of either home, whatever their digits.
    const coordinates: Array<[number, number]> = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      const object = node as Record<string, unknown>;
      if (typeof object.latitude === 'number' && typeof object.longitude === 'number') coordinates.push([object.longitude, object.latitude]);
      Object.values(object).forEach(walk);
    };
    answers.forEach((answer) => walk(JSON.parse(answer)));
    expect(coordinates.length).toBeGreaterThan(100);
    for (const home of [TALENT_HOME, CIRCLE_HOME]) {
      const nearest = Math.min(...coordinates.map((c) => distance(point(c), point([home.lon, home.lat]), { units: 'meters' })));
      expect(nearest).toBeGreaterThan(150);
    }
  });
});

describe('taxonomy', () => {
  it('has a term for every tag of ours, with stable ids, and every attribute points to one', async () => {
    const terms = (await allPages<HsdsTaxonomyTerm>('/hsds/taxonomy_terms')).items;
    const taxonomies = (await allPages<HsdsTaxonomy>('/hsds/taxonomies')).items;
    expect(new Set(terms.map((term) => term.id)).size).toBe(terms.length);
    const codesIn = (taxonomyName: string) =>
      terms.filter((term) => term.taxonomy_id === taxonomies.find((t) => t.name.includes(taxonomyName))!.id).map((term) => term.code).sort();
    const codes = (list: readonly { code: string }[]) => list.map((term) => term.code).sort();
    expect(codesIn('soort en categorie')).toEqual([...codes(ASSET_KINDS), ...codes(CATEGORIES)].sort());
    expect(codesIn('sociaal kapitaal')).toEqual(codes(SOCIAL_CAPITAL_TYPES));
    expect(codesIn('inclusie')).toEqual(codes(INCLUSION_FEATURES));
    expect(codesIn('doelgroep')).toEqual(codes(TARGET_GROUPS));
    expect(codesIn('kenmerken')).toEqual(codes(CHARACTERISTICS));

    // Categories are children of their kind.
    const byId = new Map(terms.map((term) => [term.id, term]));
    const library = terms.find((term) => term.code === 'bibliotheek')!;
    expect(byId.get(library.parent_id!)!.code).toBe('facility');
    expect(terms.every((term) => term.parent_id === undefined || byId.has(term.parent_id))).toBe(true);
    const top = await allPages<HsdsTaxonomyTerm>('/hsds/taxonomy_terms?top_only=true');
    expect(top.items.every((term) => term.parent_id === undefined)).toBe(true);
    expect(top.items).toHaveLength(terms.length - CATEGORIES.length);
    const children = await allPages<HsdsTaxonomyTerm>(`/hsds/taxonomy_terms?parent_id=${library.parent_id}`);
    expect(children.items.map((term) => term.code).sort()).toEqual(CATEGORIES.filter((c) => c.kind === 'facility').map((c) => c.code).sort());

    // English names under the same ids.
    const english = (await allPages<HsdsTaxonomyTerm>('/hsds/taxonomy_terms?lang=en')).items;
    expect(english.map((term) => term.id)).toEqual(terms.map((term) => term.id));
    expect(english.find((term) => term.code === 'bibliotheek')).toMatchObject({ name: 'Library', language: 'en' });
    expect(library).toMatchObject({ name: 'Bibliotheek', language: 'nl' });

    const services = (await allPages<HsdsService>('/hsds/services?full=true')).items;
    let attributes = 0;
    for (const service of services) {
      for (const attribute of service.attributes) {
        attributes += 1;
        expect(byId.get(attribute.taxonomy_term_id), `${service.name}: ${attribute.taxonomy_term_id}`).toEqual(attribute.taxonomy_term);
        expect(attribute.link_id).toBe(service.id);
      }
    }
    expect(attributes).toBeGreaterThan(2 * services.length);
    // Every tag of the facility is there.
    const facilityCodes = services.find((s) => s.id === facility.id)!.attributes.map((a) => a.taxonomy_term.code);
    expect(facilityCodes).toEqual(expect.arrayContaining(['facility', 'buurthuis', ...facility.inclusionFeatures, ...facility.targetGroups]));
  });
});

describe('documentation', () => {
  it('lists the HSDS routes and their query parameters in the OpenAPI document', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json();
    const params = spec.paths['/hsds/services'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['page', 'per_page', 'search', 'taxonomy_term_id', 'postcode', 'proximity']));
    for (const route of ['/hsds/services/{id}', '/hsds/organizations', '/hsds/service_at_locations', '/hsds/taxonomy_terms/{id}']) {
      expect(Object.keys(spec.paths)).toContain(route);
    }
  });
});

describe('bad query parameters', () => {
  const cases: Array<[string, string]> = [
    ['/hsds/services?per_page=0', 'query.per_page'],
    ['/hsds/services?per_page=1000', 'query.per_page'],
    ['/hsds/services?page=abc', 'query.page'],
    ['/hsds/services?page=0', 'query.page'],
    ['/hsds/services?postcode=abc', 'query.postcode'],
    ['/hsds/services?postcode=2311CS&proximity=-5', 'query.proximity'],
    ['/hsds/services?proximity=100', 'query.proximity'],
    ['/hsds/services?taxonomy_term_id=xyz', 'query.taxonomy_term_id'],
    ['/hsds/services?lat=52.1', 'query.lon'],
    ['/hsds/services?lat=52.1&lon=4.5&postcode=2311CS', 'query.postcode'],
    ['/hsds/services?full=maybe', 'query.full'],
    ['/hsds/services?format=ndjson', 'query.format'],
    ['/hsds/services?lang=fr', 'query.lang'],
    ['/hsds/services?colour=red', 'query.colour'],
    ['/hsds/service_at_locations?proximity=abc&postcode=2311CS', 'query.proximity'],
    ['/hsds/organizations?per_page=-1', 'query.per_page'],
    ['/hsds/taxonomy_terms?top_only=maybe', 'query.top_only'],
    ['/hsds/taxonomy_terms?taxonomy_id=1', 'query.taxonomy_id'],
    ['/hsds/services/not-a-uuid', 'params.id'],
    ['/hsds/organizations/123', 'params.id'],
  ];
  it.each(cases)('%s names %s', async (url, field) => {
    expect(badFields(await app.inject({ url }))).toContain(field);
  });

  it('an unknown id is 404', async () => {
    for (const kind of ['services', 'organizations', 'service_at_locations', 'taxonomies', 'taxonomy_terms']) {
      const response = await app.inject({ url: `/hsds/${kind}/00000000-0000-4000-8000-000000000000` });
      expect(response.statusCode, kind).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
  });
});
