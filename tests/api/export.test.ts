import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { type Asset, EXPORT_COLUMNS } from '@kwartier/shared';
import { buildTestApp, clearAssets, resetToDemoData } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';
import { createAsset } from '../helpers/fixtures.ts';

type Feature = { id: string; geometry: { coordinates: [number, number] }; properties: Record<string, unknown> };
type Collection = { type: string; features: Feature[] };

let app: FastifyInstance;
let moderator: Agent;
let professional: Agent;
let resident: Agent;
let talent: Asset;
let shared: Asset;
beforeAll(async () => {
  await resetToDemoData();
  app = await buildTestApp();
  moderator = await signedIn(app, ['moderator']);
  professional = await signedIn(app, ['professional']);
  resident = await signedIn(app, ['resident']);
  talent = await createAsset(app, {
    kind: 'talent', category: 'klussen', name: 'Klussen met Kees', precision: 'street',
    location: { type: 'Point', coordinates: [4.4871234, 52.1598765] },
    contact: { phone: '06 1234 9876', email: 'kees.klust@example.org' },
  });
  shared = await createAsset(app, {
    name: 'Praatgroep aan huis', precision: 'street', location: { type: 'Point', coordinates: [4.4901234, 52.1621234] },
    contact: { email: 'praat.aan.huis@example.org' }, shareContactWithProfessionals: true,
  });
});
afterAll(() => app.close());

async function geojson(agent: { inject: Agent['inject'] }, query = ''): Promise<Collection> {
  const response = await agent.inject({ url: `/api/assets.geojson${query}` });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
  return response.json() as Collection;
}

const byId = (collection: Collection, id: string) => collection.features.find((feature) => feature.id === id)!;

describe('exports for each role', () => {
  it('give the public exactly what the public API shows, and residents the same', async () => {
    const anonymous = await geojson(app);
    const publicList: Asset[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await app.inject({ url: `/api/assets?limit=100&offset=${offset}` })).json() as { items: Asset[] };
      publicList.push(...page.items);
      if (page.items.length < 100) break;
    }
    expect(anonymous.features.map((f) => f.id).sort()).toEqual(publicList.map((a) => a.id).sort());
    for (const asset of publicList) {
      const feature = byId(anonymous, asset.id);
      expect(feature.geometry.coordinates).toEqual(asset.location.coordinates);
      expect(feature.properties).toMatchObject({ name: asset.name, kind: asset.kind, precision: asset.precision });
      for (const [key, value] of Object.entries(asset.contact)) expect(feature.properties[`contact.${key}`]).toBe(value);
      for (const [key, value] of Object.entries(asset.address)) expect(feature.properties[`address.${key}`]).toBe(value);
    }
    // A talent: its grid cell, no house number, no contact, nothing about sharing.
    const kees = byId(anonymous, talent.id);
    expect(kees.geometry.coordinates).not.toEqual([4.4871234, 52.1598765]);
    expect(Object.keys(kees.properties).filter((key) => key.startsWith('contact.') || key === 'shareContactWithProfessionals')).toEqual([]);
    expect(await geojson(resident)).toEqual(anonymous);
  });

  it('give professionals the contact a resident shared with them, still not the place', async () => {
    const forProfessional = await geojson(professional);
    expect(byId(forProfessional, shared.id).properties['contact.email']).toBe('praat.aan.huis@example.org');
    expect(byId(forProfessional, shared.id).geometry.coordinates).not.toEqual([4.4901234, 52.1621234]);
    expect(byId(forProfessional, talent.id).properties['contact.email']).toBeUndefined();
    expect(byId(await geojson(app), shared.id).properties['contact.email']).toBeUndefined();
  });

  it('give moderators every field, exact place included', async () => {
    const whole = await geojson(moderator);
    const kees = byId(whole, talent.id);
    expect(kees.geometry.coordinates).toEqual([4.4871234, 52.1598765]);
    expect(kees.properties).toMatchObject({ 'contact.phone': '06 1234 9876', 'contact.email': 'kees.klust@example.org', shareContactWithProfessionals: false });
  });

  it('write the same records as CSV, one column per field, with filters and clear errors', async () => {
    const response = await app.inject({ url: '/api/assets.csv?area=GM0546' });
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = parse(response.body, { bom: true }) as string[][];
    expect(header).toEqual([...EXPORT_COLUMNS]);
    const leiden = await geojson(app, '?area=GM0546');
    expect(rows).toHaveLength(leiden.features.length);
    const school = rows.find((row) => row[header!.indexOf('sourceId')] === '04PN00')!;
    expect(school[header!.indexOf('name')]).toBe('Haanstra Basisschool');
    expect(school[header!.indexOf('socialCapital')]).toBe('bridging');
    expect(JSON.parse(school[header!.indexOf('schedule')]!)).toMatchObject({ openingHours: [] });
    const bad = await app.inject({ url: '/api/assets.csv?area=Leiden&format=xls' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['query.area', 'query.format']);
  });
});

describe('a round trip', () => {
  it('exports as GeoJSON, imports into an empty database, and exports again with every field equal', async () => {
    const first = await geojson(moderator);
    expect(first.features.length).toBeGreaterThan(150);
    await clearAssets();
    const imported = await moderator.inject({
      method: 'POST', url: '/api/imports?mapping=kwartier-geojson&dryRun=true', payload: JSON.stringify(first), headers: { 'content-type': 'application/geo+json' },
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json().problems).toEqual([]);
    const started = await moderator.inject({
      method: 'POST', url: '/api/imports?mapping=kwartier-geojson', payload: JSON.stringify(first), headers: { 'content-type': 'application/geo+json' },
    });
    expect(started.statusCode, started.body).toBe(202);
    let run;
    do run = (await moderator.inject({ url: `/api/imports/${started.json().id}` })).json();
    while (run.status === 'running');
    expect(run).toMatchObject({ status: 'committed', counts: { create: first.features.length } });

    const second = await geojson(moderator);
    // Ids are new, and the source is now the export; everything that describes an asset,
    // its place and its areas included, is the same.
    const comparable = (collection: Collection) =>
      collection.features
        .map(({ geometry, properties }): Record<string, unknown> => {
          const { id: _id, source: _source, updatedAt: _updatedAt, ...fields } = properties;
          return { coordinates: geometry.coordinates, ...fields };
        })
        .sort((a, b) => String(a.sourceId).localeCompare(String(b.sourceId)));
    expect(comparable(second)).toEqual(comparable(first));
  });
});
