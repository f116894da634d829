import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Asset } from '@kwartier/shared';
import { buildTestApp, clearAssets, countAssetRows, ensureDemoAreas } from '../helpers/app.ts';
import { assetBody, badFields, createAsset, testModerator } from '../helpers/fixtures.ts';
import type { Agent } from '../helpers/auth.ts';

let app: FastifyInstance;
/** Writes need a signed-in person; a moderator's edits go live without another review. */
let moderator: Agent;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
  moderator = await testModerator(app);
});
afterAll(() => app.close());
beforeEach(clearAssets);

describe('asset create, read, update, archive', () => {
  it('creates an asset and reads it back with its buurt, wijk and gemeente', async () => {
    const created = await createAsset(app);
    expect(created.name).toBe('Lotgenotengroep De Brug');
    expect(created.status).toBe('published');
    // Breestraat, Leiden: derived from the real CBS 2015 buurt polygons.
    expect(created.gemeente).toEqual({ code: 'GM0546', name: 'Leiden' });
    expect(created.wijk?.code).toBe('WK054601');
    expect(created.buurt?.code).toMatch(/^BU054601/);

    const read = await app.inject({ url: `/api/assets/${created.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);
  });

  it('answers 201 with a Location header', async () => {
    const response = await moderator.inject({ method: 'POST', url: '/api/assets', payload: assetBody() });
    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe(`/api/assets/${(response.json() as Asset).id}`);
  });

  it('updates only the fields sent, and moves the asset to another buurt when its location changes', async () => {
    const created = await createAsset(app);
    const moved = await moderator.inject({
      method: 'PATCH',
      url: `/api/assets/${created.id}`,
      // Amersfoort centre: another gemeente altogether.
      payload: { location: { type: 'Point', coordinates: [5.388, 52.1575] }, name: 'De Brug Amersfoort' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const asset = moved.json() as Asset;
    expect(asset.name).toBe('De Brug Amersfoort');
    expect(asset.description).toBe(created.description);
    expect(asset.gemeente?.code).toBe('GM0307');
    expect(asset.buurt?.code).toMatch(/^BU0307/);
    expect(asset.location.coordinates).toEqual([5.388, 52.1575]);
    expect(Date.parse(asset.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
  });

  it('archives an asset: it leaves the public list and stays readable for moderators', async () => {
    const created = await createAsset(app);
    const archived = await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${created.id}/archive` });
    expect(archived.statusCode).toBe(200);
    expect((archived.json() as Asset).status).toBe('archived');
    const list = await app.inject({ url: '/api/assets' });
    expect(list.json().total).toBe(0);
    expect((await app.inject({ url: `/api/assets/${created.id}` })).statusCode).toBe(404);
    const archivedList = await moderator.inject({ url: '/api/assets?status=archived' });
    expect(archivedList.json().items.map((a: Asset) => a.id)).toEqual([created.id]);
  });

  it('answers 404 for an unknown id, and 400 for an id that is no UUID', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, url] of [
      ['GET', `/api/assets/${unknown}`],
      ['PATCH', `/api/assets/${unknown}`],
      ['POST', `/api/moderation/assets/${unknown}/archive`],
    ] as const) {
      const response = await moderator.inject({ method, url, ...(method === 'PATCH' ? { payload: { name: 'Nieuw' } } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    expect(badFields(await app.inject({ url: '/api/assets/12345' }))).toEqual(['params.id']);
  });

  it('refuses a category that belongs to another kind, on create and on update', async () => {
    expect(badFields(await moderator.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ category: 'huisarts' }) }))).toEqual([
      'body.category',
    ]);
    const created = await createAsset(app);
    const patched = await moderator.inject({ method: 'PATCH', url: `/api/assets/${created.id}`, payload: { kind: 'facility' } });
    expect(badFields(patched)).toEqual(['body.category']);
    expect((await app.inject({ url: `/api/assets/${created.id}` })).json().kind).toBe('initiative');
  });

  it('keeps a schedule with opening hours and a monthly meeting as given', async () => {
    const schedule = {
      alwaysOpen: false,
      openingHours: [{ days: ['mo', 'tu'], opens: '09:00', closes: '17:00' }],
      meetings: [{ weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'monthly', weeksOfMonth: [2] }],
      note: 'Elke 2e dinsdag van de maand',
    };
    const created = await createAsset(app, { schedule });
    expect(created.schedule).toEqual(schedule);
  });

  it('re-reads the record count: a rejected write leaves nothing behind', async () => {
    await createAsset(app);
    const before = await countAssetRows();
    const response = await moderator.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ kind: 'spaceship' }) });
    expect(response.statusCode).toBe(400);
    expect(await countAssetRows()).toBe(before);
  });
});
