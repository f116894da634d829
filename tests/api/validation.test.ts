import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, clearAssets, countAssetRows, ensureDemoAreas } from '../helpers/app.ts';
import { assetBody, badFields, createAsset } from '../helpers/fixtures.ts';
import { signedIn } from '../helpers/auth.ts';

let app: FastifyInstance;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
});
afterAll(() => app.close());
beforeEach(clearAssets);

const post = (payload: unknown) => app.inject({ method: 'POST', url: '/api/assets', payload: payload as object });

describe('bad input is answered 400 with the field named, and nothing is written', () => {
  it.each([
    ['a wrong type', { name: 42 }, ['body.name']],
    ['a missing field', { name: undefined }, ['body.name']],
    ['a longitude out of range', { location: { type: 'Point', coordinates: [190, 52] } }, ['body.location.coordinates.0']],
    ['a latitude out of range', { location: { type: 'Point', coordinates: [4.49, -95] } }, ['body.location.coordinates.1']],
    ['a point with three coordinates', { location: { type: 'Point', coordinates: [4.49, 52.1, 3] } }, ['body.location.coordinates']],
    ['a polygon for a location', { location: { type: 'Polygon', coordinates: [[[4, 52], [5, 52], [5, 53], [4, 52]]] } }, ['body.location.type', 'body.location.coordinates']],
    ['an unknown kind', { kind: 'castle' }, ['body.kind']],
    ['an unknown category', { category: 'spa' }, ['body.category']],
    ['an unknown social-capital type', { socialCapital: ['bonding', 'gluing'] }, ['body.socialCapital.1']],
    ['an unknown inclusion feature', { inclusionFeatures: ['flying'] }, ['body.inclusionFeatures.0']],
    ['an unknown target group', { targetGroups: ['aliens'] }, ['body.targetGroups.0']],
    ['an unknown characteristic', { characteristics: ['cosy'] }, ['body.characteristics.0']],
    ['a repeated tag', { socialCapital: ['bonding', 'bonding'] }, ['body.socialCapital']],
    ['an oversize name', { name: 'x'.repeat(201) }, ['body.name']],
    ['an oversize description', { description: 'x'.repeat(5001) }, ['body.description']],
    ['an unknown field', { rating: 5 }, ['body.rating']],
    ['an unknown nested field', { address: { street: 'Breestraat', floor: 2 } }, ['body.address.floor']],
    ['a malformed e-mail address', { contact: { email: 'not-an-address' } }, ['body.contact.email']],
    ['a website that is not http', { contact: { website: 'javascript:alert(1)' } }, ['body.contact.website']],
    ['an unknown status', { status: 'secret' }, ['body.status']],
    ['a talent at an exact address', { kind: 'talent', category: 'klussen', precision: 'exact' }, ['body.precision']],
    ['the database-derived buurt', { buurt: { code: 'BU05460000', name: 'Pieterswijk' } }, ['body.buurt']],
    ['latitude and longitude swapped', { location: { type: 'Point', coordinates: [52.1612, 4.4921] } }, ['body.location.coordinates']],
    ['a missing location sent as [0, 0]', { location: { type: 'Point', coordinates: [0, 0] } }, ['body.location.coordinates']],
    ['a NUL character in a name', { name: 'Repair\u0000café' }, ['body.name']],
    ['a NUL character deep in a schedule', { schedule: { note: 'x\u0000' } }, ['body.schedule.note']],
    ['a lone UTF-16 surrogate', { address: { street: 'Breestraat \ud800' } }, ['body.address.street']],
    ['a claimed provenance', { source: 'duo-scholen-bo-2016', sourceId: '04PN00', isSample: true }, ['body.source', 'body.sourceId', 'body.isSample']],
  ])('%s', async (_what, change, fields) => {
    const response = await post(assetBody(change));
    expect(badFields(response)).toEqual(fields);
    expect(response.body).not.toMatch(/at .*\.ts:\d+|SELECT|INSERT/);
    expect(await countAssetRows()).toBe(0);
  });

  it('an update with bad fields changes nothing', async () => {
    const created = await createAsset(app);
    const patch = await app.inject({
      method: 'PATCH', url: `/api/assets/${created.id}`,
      payload: { name: 'Goede naam', location: { type: 'Point', coordinates: [4.49, 152] } },
    });
    expect(badFields(patch)).toEqual(['body.location.coordinates.1']);
    expect((await app.inject({ url: `/api/assets/${created.id}` })).json().name).toBe(created.name);
    expect(badFields(await app.inject({ method: 'PATCH', url: `/api/assets/${created.id}`, payload: {} }))).toEqual(['body']);
    expect(badFields(await app.inject({ method: 'PATCH', url: `/api/assets/${created.id}`, payload: { id: 'x' } }))).toEqual(['body.id']);
  });

  it('malformed JSON, a wrong content type and an oversize body get clear errors', async () => {
    const malformed = await app.inject({ method: 'POST', url: '/api/assets', headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('BAD_REQUEST');

    const text = await app.inject({ method: 'POST', url: '/api/assets', headers: { 'content-type': 'text/plain' }, payload: 'hallo' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await post(assetBody({ description: 'x'.repeat(300 * 1024) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');

    const array = await post([assetBody()]);
    expect(badFields(array)).toEqual(['body']);
    expect(await countAssetRows()).toBe(0);
  });

  it('names a missing parameter as required, and a NUL in a query string', async () => {
    const missing = await app.inject({ url: '/api/assets/nearby?lon=4.49' });
    expect(missing.json().error.fields).toEqual([{ field: 'query.lat', message: 'required' }]);
    expect(badFields(await app.inject({ url: '/api/assets?q=a%00b' }))).toEqual(['query.q']);
    expect(badFields(await app.inject({ url: '/api/areas?q=a%00b' }))).toEqual(['query.q']);
    expect(badFields(await app.inject({ url: '/api/assets/nearby?lat=0x34&lon=4.49' }))).toEqual(['query.lat']);
    expect(badFields(await app.inject({ url: '/api/assets?openAt=0999-06-01T12:00:00Z' }))).toEqual(['query.openAt']);
  });

  // Found by the fuzz tests (tests/fuzz/routes.test.ts): both read "0x10" as 16.
  it('numbers in a query string are decimal only, in a bbox and in the updates limit too', async () => {
    expect(badFields(await app.inject({ url: '/api/assets?bbox=4.48,0x10,4.50,52.17' }))).toEqual(['query.bbox.1']);
    expect(badFields(await app.inject({ url: '/api/assets?bbox=4.48,1e1,4.50,52.17' }))).toEqual(['query.bbox.1']);
    expect((await app.inject({ url: '/api/assets?bbox=4.48,52.15,4.50,52.17' })).statusCode).toBe(200);
    expect(badFields(await app.inject({ url: '/api/areas/GM0546/updates?limit=0x10' }))).toEqual(['query.limit']);
    expect(badFields(await app.inject({ url: '/api/areas/GM0546/updates?limit=1e1' }))).toEqual(['query.limit']);
    expect((await app.inject({ url: '/api/areas/GM0546/updates?limit=10' })).statusCode).toBe(200);
  });

  // Found by the fuzz tests (tests/fuzz/content-type.test.ts): the bytes were stored as U+FFFD.
  it('a body that is not UTF-8 is a 400, and nothing is written', async () => {
    const moderator = await signedIn(app, ['moderator']);
    const [before, after] = JSON.stringify(assetBody({ name: 'Buurthuis @@' })).split('@@');
    const invalidUtf8 = Buffer.concat([Buffer.from(before!), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after!)]);
    const response = await moderator.inject({ method: 'POST', url: '/api/assets', headers: { 'content-type': 'application/json' }, payload: invalidUtf8 });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'BAD_REQUEST', message: 'The body is not valid UTF-8' } });
    expect(await countAssetRows()).toBe(0);
    // Still JSON as before: the same body in UTF-8 is taken.
    const fine = await moderator.inject({ method: 'POST', url: '/api/assets', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify(assetBody({ name: 'Buurthuis Zoë' })) });
    expect(fine.statusCode).toBe(201);
    expect(fine.json().name).toBe('Buurthuis Zoë');
  });

  // Found by the fuzz tests: a mapping (read by its handler, not the route schema) named only "body".
  it('an unknown field in an import mapping is named', async () => {
    const moderator = await signedIn(app, ['moderator']);
    const mapping = (await moderator.inject({ url: '/api/import-mappings/kwartier-csv' })).json();
    const response = await moderator.inject({ method: 'PUT', url: '/api/import-mappings/kwartier-csv', payload: { ...mapping, rating: 5 } });
    expect(badFields(response)).toEqual(['body.rating']);
  });

  it('a body nested ten thousand levels deep is a 400, not a crash', async () => {
    const depth = 10_000;
    const payload = `{"kind":"talent","asks":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const response = await app.inject({ method: 'POST', url: '/api/assets', headers: { 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields[0].message).toMatch(/nested more than/);
    expect(await countAssetRows()).toBe(0);
  });

  it('a malformed URL or an overlong id answers in the one error shape', async () => {
    const badUrl = await app.inject({ url: '/api/assets/%ZZ' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    const longId = await app.inject({ url: `/api/assets/${'a'.repeat(300)}` });
    expect(longId.statusCode).toBe(414);
    expect(longId.json()).toMatchObject({ error: { code: 'URI_TOO_LONG' } });
  });

  it('an unknown route answers 404 in the same error shape', async () => {
    const response = await app.inject({ url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
