import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AgendaItem } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';
import { createAsset } from '../helpers/fixtures.ts';

let app: FastifyInstance;
let professional: Agent;
beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  const { db } = await testDatabase();
  await db.deleteFrom('agenda_items').execute();
  app = await buildTestApp();
  professional = await signedIn(app, ['professional']);
});
afterAll(() => app.close());

describe('sociale wijkagenda', () => {
  it('keeps items per buurt and wijk, lists them under their wijk and gemeente, and exports them as CSV', async () => {
    const buurthuis = await createAsset(app, { kind: 'facility', category: 'buurthuis', name: 'Buurthuis De Kooi' });
    const created = await professional.inject({
      method: 'POST', url: '/api/agenda',
      payload: {
        areaCode: 'BU05460100', title: 'Lotgenotengroep voor de Kooi starten', description: 'Samen met het buurthuis, elke dinsdag; "koffie" erbij.',
        characteristics: ['open_attitude', 'in_view'], indicator: 'reach_1000.peer_support', gap: { category: 'lotgenotengroep', distance: 1000 },
        assetIds: [buurthuis.id], ownerOrganisation: 'Wijkteam Noord', status: 'planned', dueDate: '2027-03-31',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const item = created.json() as AgendaItem;
    expect(item).toMatchObject({ areaCode: 'BU05460100', status: 'planned', dueDate: '2027-03-31', assetIds: [buurthuis.id] });
    await professional.inject({ method: 'POST', url: '/api/agenda', payload: { areaCode: 'WK054601', title: 'Wijkoverleg over eenzaamheid' } });
    await professional.inject({ method: 'POST', url: '/api/agenda', payload: { areaCode: 'BU03070000', title: 'In Amersfoort' } });

    const titles = async (area: string) => ((await app.inject({ url: `/api/agenda?area=${area}` })).json().items as AgendaItem[]).map((i) => i.title).sort();
    expect(await titles('BU05460100')).toEqual(['Lotgenotengroep voor de Kooi starten']);
    expect(await titles('WK054601')).toEqual(['Lotgenotengroep voor de Kooi starten', 'Wijkoverleg over eenzaamheid']);
    expect(await titles('GM0546')).toEqual(['Lotgenotengroep voor de Kooi starten', 'Wijkoverleg over eenzaamheid']);

    const done = await professional.inject({ method: 'PATCH', url: `/api/agenda/${item.id}`, payload: { status: 'done' } });
    expect(done.json().status).toBe('done');

    const csv = await app.inject({ url: '/api/agenda.csv?area=GM0546' });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('area_code,area_name,title,description,characteristics,indicator,gap,owner_organisation,status,due_date,asset_ids');
    expect(lines).toHaveLength(3);
    expect(csv.body).toContain('"Samen met het buurthuis, elke dinsdag; ""koffie"" erbij."');
    expect(csv.body).toContain('Wijkteam Noord,done,2027-03-31');
  });

  it('names bad links, and lets only professionals and analysts write', async () => {
    const bad = await professional.inject({
      method: 'POST', url: '/api/agenda',
      payload: { areaCode: 'BU99999999', title: 'Nergens', indicator: 'geluk', assetIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(bad.json().error.fields.map((f: { field: string }) => f.field)).toEqual(['body.areaCode']);
    const badLinks = await professional.inject({
      method: 'POST', url: '/api/agenda', payload: { areaCode: 'BU05460100', title: 'Los', indicator: 'geluk', assetIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(badLinks.json().error.fields.map((f: { field: string }) => f.field)).toEqual(['body.indicator', 'body.assetIds.0']);
    const resident = await signedIn(app);
    expect((await resident.inject({ method: 'POST', url: '/api/agenda', payload: { areaCode: 'BU05460100', title: 'Mag niet' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/agenda', payload: { areaCode: 'BU05460100', title: 'Mag niet' } })).statusCode).toBe(401);
  });

  it('suggests items from the measured gaps, which can be taken over as they are', async () => {
    await createAsset(app, { kind: 'initiative', category: 'lotgenotengroep', name: 'Groep in het centrum', location: { type: 'Point', coordinates: [4.4937, 52.1601] } });
    const suggested = await professional.inject({ url: '/api/agenda/suggestions?gemeente=GM0546' });
    expect(suggested.statusCode, suggested.body).toBe(200);
    const items = suggested.json().items;
    const peer = items.filter((item: { indicator: string }) => item.indicator === 'reach_1000.peer_support');
    expect(peer.length).toBeGreaterThan(0);
    // Not the buurt that holds the group: it has one within 1 km.
    const containing = (await app.inject({ url: '/api/areas/containing?lat=52.1601&lon=4.4937' })).json().items.find((a: { level: string }) => a.level === 'buurt');
    expect(peer.map((item: { areaCode: string }) => item.areaCode)).not.toContain(containing.code);
    const { reason: _reason, ...first } = peer[0];
    const taken = await professional.inject({ method: 'POST', url: '/api/agenda', payload: first });
    expect(taken.statusCode, taken.body).toBe(201);
    // Taken over, it is no longer suggested.
    const again = (await professional.inject({ url: '/api/agenda/suggestions?gemeente=GM0546' })).json().items;
    expect(again.some((item: { areaCode: string; indicator: string }) => item.areaCode === first.areaCode && item.indicator === first.indicator)).toBe(false);
  });
});
