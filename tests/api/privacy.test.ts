import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import distance from '@turf/distance';
import { point } from '@turf/helpers';
import type { Asset, AreaFeature } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas } from '../helpers/app.ts';
import { createAsset, testModerator } from '../helpers/fixtures.ts';

let app: FastifyInstance;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
});
afterAll(() => app.close());
beforeEach(clearAssets);

const home = { lon: 4.478123, lat: 52.155456 }; // somewhere on the Haagweg, Leiden
const talentBody = {
  kind: 'talent', category: 'klussen', name: 'Klussen in huis', precision: 'street',
  location: { type: 'Point', coordinates: [home.lon, home.lat] },
  address: { street: 'Haagweg', houseNumber: '10', postcode: '2321AA', city: 'Leiden' },
  contact: { email: 'jan@example.org', phone: '06 1234 5678' },
};

/** Every answer the public API gives about assets, as text. */
async function everythingPublic(): Promise<string> {
  const urls = [
    '/api/assets?limit=100',
    '/api/assets/nearby?lat=52.16&lon=4.49&radius=3000',
    '/api/assets?kind=talent',
  ];
  const bodies = await Promise.all(urls.map(async (url) => (await app.inject({ url })).body));
  return bodies.join('\n');
}

describe("a resident's talent never shows where they live or how to reach them", () => {
  it('answers with a location snapped to a 250 m cell, without contact details, house number or postcode', async () => {
    const created = await createAsset(app, talentBody);
    expect(created.contact).toEqual({});
    expect(created.address).toEqual({ street: 'Haagweg', city: 'Leiden' });
    const [lon, lat] = created.location.coordinates;
    const moved = distance(point([home.lon, home.lat]), point([lon, lat]), { units: 'meters' });
    expect(moved).toBeGreaterThan(1);
    expect(moved).toBeLessThan(180); // at most half the diagonal of a 250 m cell

    const all = await everythingPublic();
    for (const secret of ['jan@example.org', '1234 5678', '2321AA', String(home.lon), String(home.lat), '"10"']) {
      expect(all).not.toContain(secret);
    }
  });

  it("names the buurt of the talent's public place, not of its real one", async () => {
    // Leiden, near a buurt boundary: the 250 m cell's centre lies in another buurt than the home.
    for (const [lon, lat] of [[4.49371234, 52.16015678], [4.478123, 52.155456], [4.4855, 52.1702]]) {
      const created = await createAsset(app, { ...talentBody, location: { type: 'Point', coordinates: [lon, lat] } });
      const [publicLon, publicLat] = created.location.coordinates;
      const containing = (await app.inject({ url: `/api/areas/containing?lat=${publicLat}&lon=${publicLon}` })).json();
      const buurt = containing.items.find((a: { level: string }) => a.level === 'buurt');
      expect(created.buurt?.code ?? null).toBe(buurt?.code ?? null);
      const byArea = (await app.inject({ url: `/api/assets?kind=talent&area=${buurt.code}` })).json();
      expect(byArea.items.map((a: Asset) => a.id)).toContain(created.id);
    }
  });

  it('places a talent at street precision when none is given', async () => {
    const { precision: _precision, ...withoutPrecision } = talentBody;
    const created = await createAsset(app, withoutPrecision);
    expect(created.precision).toBe('street');
    expect(created.location.coordinates).not.toEqual([home.lon, home.lat]);
  });

  it('snaps every talent in the same cell to the same point, so they cannot be averaged back', async () => {
    const a = await createAsset(app, talentBody);
    const b = await createAsset(app, { ...talentBody, location: { type: 'Point', coordinates: [home.lon + 0.0003, home.lat + 0.0002] } });
    expect(b.location.coordinates).toEqual(a.location.coordinates);
  });

  it('shows a buurt-precision asset at its buurt’s label point', async () => {
    const created = await createAsset(app, { ...talentBody, precision: 'buurt' });
    const buurt = (await app.inject({ url: `/api/areas/${created.buurt!.code}` })).json() as AreaFeature;
    expect(created.location.coordinates).toEqual(buurt.properties.labelPoint.coordinates);
    expect(created.address).toEqual({ city: 'Leiden' });
  });

  it('keeps hiding the exact place after the location is changed', async () => {
    const created = await createAsset(app, talentBody);
    const elsewhere = { lon: 4.50111, lat: 52.16222 };
    const moved = await (await testModerator(app)).inject({
      method: 'PATCH', url: `/api/assets/${created.id}`,
      payload: { location: { type: 'Point', coordinates: [elsewhere.lon, elsewhere.lat] } },
    });
    expect(moved.statusCode).toBe(200);
    const read = await app.inject({ url: `/api/assets/${created.id}` });
    const asset = read.json() as Asset;
    expect(asset.location.coordinates).not.toEqual([elsewhere.lon, elsewhere.lat]);
    expect(read.body).not.toContain(String(elsewhere.lon));
    expect(await everythingPublic()).not.toContain(String(elsewhere.lon));
  });

  it('refuses to make a talent exact later on', async () => {
    const created = await createAsset(app, talentBody);
    const response = await (await testModerator(app)).inject({ method: 'PATCH', url: `/api/assets/${created.id}`, payload: { precision: 'exact' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ field: 'body.precision', message: expect.any(String) }]);
  });

  it("keeps a resident's initiative at street precision off its doorstep: no phone, e-mail, house number", async () => {
    const created = await createAsset(app, {
      precision: 'street',
      location: { type: 'Point', coordinates: [home.lon, home.lat] },
      contact: { phone: '06 1111 2222', email: 'piet@example.org', contactPerson: 'Piet Jansen', website: 'https://buurtcirkel.example.org' },
    });
    expect(created.contact).toEqual({ website: 'https://buurtcirkel.example.org' });
    expect(created.address).toEqual({ street: 'Breestraat', city: 'Leiden' });
    expect(created.location.coordinates).not.toEqual([home.lon, home.lat]);
    const all = await everythingPublic();
    for (const secret of ['06 1111 2222', 'piet@example.org', 'Piet Jansen', String(home.lon)]) expect(all).not.toContain(secret);
  });

  it('keeps a talent a talent, so that a change of kind cannot publish its home or contact details', async () => {
    const created = await createAsset(app, talentBody);
    const changed = await (await testModerator(app)).inject({
      method: 'PATCH', url: `/api/assets/${created.id}`,
      payload: { kind: 'initiative', category: 'buurtcirkel', precision: 'exact' },
    });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().error.fields.map((f: { field: string }) => f.field)).toContain('body.kind');
    expect(changed.body).not.toMatch(/jan@example\.org|2321AA|4\.478123/);
    const stored = (await app.inject({ url: `/api/assets/${created.id}` })).json() as Asset;
    expect(stored.kind).toBe('talent');
    expect(stored.location).toEqual(created.location);
  });

  it('never shows a buurt-precision asset more precisely than a buurt, also where no buurt is known', async () => {
    // Utrecht: no areas are loaded there, so no buurt label point; a 1 km cell instead.
    // Two homes about 250 m apart around the centre of one 1 km cell of the national grid.
    const a = await createAsset(app, { ...talentBody, precision: 'buurt', location: { type: 'Point', coordinates: [5.1183, 52.0884] } });
    const b = await createAsset(app, { ...talentBody, precision: 'buurt', location: { type: 'Point', coordinates: [5.1163, 52.0865] } });
    expect(a.buurt).toBeNull();
    expect(b.location.coordinates).toEqual(a.location.coordinates);
    const moved = distance(point([5.1183, 52.0884]), point(a.location.coordinates), { units: 'meters' });
    expect(moved).toBeGreaterThan(50);
    expect(moved).toBeLessThan(710);
  });

  it('uses a true 250 m grid in the Caribbean Netherlands too', async () => {
    // Two homes 250 m apart east-west on Bonaire fall in neighbouring cells, 250 m apart.
    const west = [-68.2700, 12.1500] as const;
    const east = [west[0] + 250 / (111_320 * Math.cos((12.15 * Math.PI) / 180)), 12.1500] as const;
    const a = await createAsset(app, { ...talentBody, location: { type: 'Point', coordinates: west } });
    const b = await createAsset(app, { ...talentBody, location: { type: 'Point', coordinates: east } });
    const spacing = distance(point(a.location.coordinates), point(b.location.coordinates), { units: 'meters' });
    expect(spacing).toBeGreaterThan(240);
    expect(spacing).toBeLessThan(262);
  });

  it('shows an organisation at its exact place with its contact details, as it chose', async () => {
    const created = await createAsset(app, { contact: { phone: '071 512 3456', email: 'info@example.org' } });
    expect(created.location.coordinates).toEqual([4.4921, 52.1612]);
    expect(created.contact).toEqual({ phone: '071 512 3456', email: 'info@example.org' });
    expect(created.address.postcode).toBe('2311CS');
  });
});
