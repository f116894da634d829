import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Asset, CONSENT_TEXTS, type ContactRequest, type ManagedAsset } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';
import { assetBody, createAsset } from '../helpers/fixtures.ts';

let app: FastifyInstance;
let moderator: Agent;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
  moderator = await signedIn(app, ['moderator']);
});
afterAll(() => app.close());
beforeEach(clearAssets);

const report = (assetId: string, remoteAddress: string, agent?: Agent) =>
  (agent ?? app).inject({ method: 'POST', url: `/api/assets/${assetId}/reports`, remoteAddress, payload: { reason: 'closed', message: 'De groep bestaat niet meer.' } });
const isPublic = async (id: string) => ((await app.inject({ url: '/api/assets?limit=100' })).json().items as Asset[]).some((a) => a.id === id);

describe('reports', () => {
  it('hide an entry after three reports from different people, until a moderator looks', async () => {
    const entry = await createAsset(app);
    expect((await report(entry.id, '192.0.2.1')).json()).toEqual({ counted: true });
    // The same person again counts once, signed in or not.
    expect((await report(entry.id, '192.0.2.1')).json()).toEqual({ counted: false });
    const reporter = await signedIn(app);
    expect((await report(entry.id, '192.0.2.99', reporter)).json()).toEqual({ counted: true });
    expect((await report(entry.id, '192.0.2.98', reporter)).json()).toEqual({ counted: false });
    expect(await isPublic(entry.id)).toBe(true);

    expect((await report(entry.id, '192.0.2.3')).statusCode).toBe(202);
    expect(await isPublic(entry.id)).toBe(false);
    const queue = (await moderator.inject({ url: '/api/moderation/queue?reported=true' })).json().items as ManagedAsset[];
    expect(queue).toEqual([expect.objectContaining({ id: entry.id, status: 'hidden', openReports: 3 })]);
    const reasons = (await moderator.inject({ url: `/api/moderation/assets/${entry.id}/reports` })).json().items;
    expect(reasons).toHaveLength(3);

    // Approving puts it back and closes the reports; a hidden entry cannot be reported further.
    expect((await report(entry.id, '192.0.2.4')).statusCode).toBe(404);
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${entry.id}/approve` });
    expect(await isPublic(entry.id)).toBe(true);
    expect((await moderator.inject({ url: `/api/assets/${entry.id}/full` })).json().openReports).toBe(0);
  });

  it('count one person once, however many accounts or addresses of one network they use', async () => {
    const entry = await createAsset(app);
    const [first, second] = [await signedIn(app), await signedIn(app)];
    // Signed out, then with two accounts, all from one home connection.
    await report(entry.id, '192.0.2.50');
    await report(entry.id, '192.0.2.50', first);
    await report(entry.id, '192.0.2.50', second);
    // An IPv6 client picks any address of its /64.
    await report(entry.id, '2001:db8:5:6::1');
    await report(entry.id, '2001:db8:5:6::abcd');
    expect(await isPublic(entry.id)).toBe(true);
    expect((await moderator.inject({ url: `/api/assets/${entry.id}/full` })).json().openReports).toBe(4);
  });

  it('lets a moderator keep a reported entry on the map, closing its reports', async () => {
    const entry = await createAsset(app);
    await report(entry.id, '192.0.2.60');
    const queue = (await moderator.inject({ url: '/api/moderation/queue?reported=true&status=published' })).json().items as ManagedAsset[];
    expect(queue.map((a) => a.id)).toEqual([entry.id]);
    const kept = await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${entry.id}/approve`, payload: { message: 'Klopt nog.' } });
    expect(kept.json()).toMatchObject({ status: 'published', openReports: 0 });
    expect(await isPublic(entry.id)).toBe(true);
  });

  it('names a bad reason, and refuses reports on entries that are not public', async () => {
    const entry = await createAsset(app);
    const bad = await app.inject({ method: 'POST', url: `/api/assets/${entry.id}/reports`, payload: { reason: 'boring' } });
    expect(bad.json().error.fields).toEqual([{ field: 'body.reason', message: expect.any(String) }]);
    const pending = await createAsset(app, { status: 'pending' });
    expect((await report(pending.id, '192.0.2.5')).statusCode).toBe(404);
  });
});

describe('contact with a talent goes through the platform', () => {
  it('shows names and e-mail addresses only after the talent accepts, and hides them again after a withdrawal', async () => {
    const resident = await signedIn(app, ['resident'], 'talent');
    const asker = await signedIn(app, ['professional'], 'asker');
    const submitted = await resident.inject({
      method: 'POST', url: '/api/assets',
      payload: assetBody({ kind: 'talent', category: 'gezelschap', name: 'Samen wandelen', contact: { phone: '06 5555 1234' } }),
    });
    const talentId = (submitted.json() as ManagedAsset).id;
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${talentId}/approve` });

    const consent = { version: CONSENT_TEXTS.shareContact.version };
    const asked = await asker.inject({
      method: 'POST', url: `/api/assets/${talentId}/contact-requests`,
      payload: { message: 'Mijn cliënt zou graag samen wandelen.', consent },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const request = asked.json() as ContactRequest;
    expect(request).toMatchObject({ direction: 'outgoing', status: 'pending', counterpart: null });
    // A second open request for the same talent is one too many.
    const twice = await asker.inject({ method: 'POST', url: `/api/assets/${talentId}/contact-requests`, payload: { message: 'Nog een keer gevraagd.', consent } });
    expect(twice.statusCode).toBe(409);

    const incoming = (await resident.inject({ url: '/api/me/contact-requests' })).json().items as ContactRequest[];
    expect(incoming).toEqual([expect.objectContaining({ id: request.id, direction: 'incoming', message: 'Mijn cliënt zou graag samen wandelen.', counterpart: null })]);
    expect(JSON.stringify(incoming)).not.toContain(asker.email);

    const acceptWithout = await resident.inject({ method: 'POST', url: `/api/contact-requests/${request.id}/accept`, payload: {} });
    expect(acceptWithout.json().error.fields).toEqual([{ field: 'body.consent', message: 'required' }]);
    const accepted = await resident.inject({ method: 'POST', url: `/api/contact-requests/${request.id}/accept`, payload: { consent } });
    expect(accepted.json()).toMatchObject({ status: 'accepted', counterpart: { email: asker.email, displayName: asker.user.displayName } });
    const seenByAsker = (await asker.inject({ url: '/api/me/contact-requests' })).json().items[0] as ContactRequest;
    expect(seenByAsker.counterpart).toEqual({ email: resident.email, displayName: resident.user.displayName });
    // Still nothing in public: the talent's own phone number stays theirs to give.
    expect((await app.inject({ url: `/api/assets/${talentId}` })).body).not.toContain('5555');

    const withdrawn = await asker.inject({ method: 'POST', url: `/api/contact-requests/${request.id}/withdraw` });
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', counterpart: null });
    expect((await resident.inject({ url: '/api/me/contact-requests' })).json().items[0].counterpart).toBeNull();
  });

  it('lets the talent decline, and nobody else decide for them', async () => {
    const resident = await signedIn(app, ['resident'], 'talent');
    const asker = await signedIn(app);
    const { id: talentId } = (await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ kind: 'talent', category: 'klussen', name: 'Klussen' }) })).json();
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${talentId}/approve` });
    const { id } = (await asker.inject({
      method: 'POST', url: `/api/assets/${talentId}/contact-requests`,
      payload: { message: 'Kunt u een plank ophangen?', consent: { version: CONSENT_TEXTS.shareContact.version } },
    })).json();
    expect((await asker.inject({ method: 'POST', url: `/api/contact-requests/${id}/accept`, payload: { consent: { version: CONSENT_TEXTS.shareContact.version } } })).statusCode).toBe(403);
    expect((await moderator.inject({ method: 'POST', url: `/api/contact-requests/${id}/decline` })).statusCode).toBe(404);
    const declined = await resident.inject({ method: 'POST', url: `/api/contact-requests/${id}/decline` });
    expect(declined.json()).toMatchObject({ status: 'declined', counterpart: null });
    expect((await resident.inject({ method: 'POST', url: `/api/contact-requests/${id}/accept`, payload: { consent: { version: CONSENT_TEXTS.shareContact.version } } })).statusCode).toBe(409);
  });
});
