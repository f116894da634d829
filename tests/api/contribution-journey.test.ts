import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Asset, type AssetVersion, CONSENT_TEXTS, type ManagedAsset } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas } from '../helpers/app.ts';
import { type Agent, agentWith, sessionCookieOf, signedIn } from '../helpers/auth.ts';
import { assetBody } from '../helpers/fixtures.ts';

let app: FastifyInstance;
let moderator: Agent;
beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
  moderator = await signedIn(app, ['moderator']);
});
afterAll(() => app.close());
beforeEach(clearAssets);

const publicIds = async () => ((await app.inject({ url: '/api/assets?limit=100' })).json().items as Asset[]).map((a) => a.id);

/** A resident who signed up through the API, as the web app does. */
async function signUp(): Promise<Agent> {
  const email = `bewoner-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.org`;
  const password = 'mijn eigen wachtwoord';
  const response = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email, password, displayName: 'Fatima' } });
  expect(response.statusCode, response.body).toBe(201);
  const { user, csrfToken } = response.json();
  expect(user.roles).toEqual(['resident']);
  return agentWith(app, user, sessionCookieOf(response)!, csrfToken, password);
}

describe('a resident puts an initiative on the map', () => {
  it('signs up, submits, gets asked for a change, edits, and is approved: then the entry is public', async () => {
    const resident = await signUp();

    // Submitted: pending, on nobody's map, but in the author's list and the moderators' queue.
    const submitted = await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ name: 'Wandelgroep Morsweg' }) });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const entry = submitted.json() as ManagedAsset;
    expect(entry.status).toBe('pending');
    expect(entry.ownerId).toBe(resident.user.id);
    expect(await publicIds()).not.toContain(entry.id);
    expect((await app.inject({ url: `/api/assets/${entry.id}` })).statusCode).toBe(404);
    const queue = (await moderator.inject({ url: '/api/moderation/queue' })).json();
    expect(queue.items.map((a: ManagedAsset) => a.id)).toContain(entry.id);

    // The moderator asks for a change; the author sees the status and the message.
    const asked = await moderator.inject({
      method: 'POST', url: `/api/moderation/assets/${entry.id}/request-changes`,
      payload: { message: 'Wilt u erbij zetten hoe laat de groep start?' },
    });
    expect(asked.statusCode, asked.body).toBe(200);
    const mine = (await resident.inject({ url: '/api/me/assets' })).json().items as ManagedAsset[];
    expect(mine).toEqual([expect.objectContaining({ id: entry.id, status: 'changes_requested', moderationMessage: 'Wilt u erbij zetten hoe laat de groep start?' })]);

    // The author edits: back in the queue, the message answered.
    const schedule = { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'tu', starts: '10:00', ends: '11:30', recurrence: 'weekly' }] };
    const edited = await resident.inject({ method: 'PATCH', url: `/api/assets/${entry.id}`, payload: { schedule } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ status: 'pending', moderationMessage: null });

    // Approved: on the map for everyone.
    const approved = await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${entry.id}/approve` });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await publicIds()).toContain(entry.id);
    const seen = (await app.inject({ url: `/api/assets/${entry.id}` })).json() as Asset;
    expect(seen).toMatchObject({ name: 'Wandelgroep Morsweg', status: 'published', schedule });

    // Every step is a version: what changed, who, when.
    const versions = (await resident.inject({ url: `/api/assets/${entry.id}/versions` })).json().items as AssetVersion[];
    expect(versions.map((v) => [v.action, v.actorId])).toEqual([
      ['submitted', resident.user.id],
      ['changes_requested', moderator.user.id],
      ['resubmitted', resident.user.id],
      ['approved', moderator.user.id],
    ]);
    expect(versions[1]!.message).toBe('Wilt u erbij zetten hoe laat de groep start?');
    expect(Object.keys(versions[2]!.changes).sort()).toEqual(['schedule', 'status']);
    expect(versions[2]!.changes.status).toEqual({ from: 'changes_requested', to: 'pending' });
  });

  it('sends an edit of a published entry back to the queue, and a withdrawal takes it off the map', async () => {
    const resident = await signUp();
    const { id } = (await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody() })).json() as ManagedAsset;
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${id}/approve` });
    expect(await publicIds()).toContain(id);

    const edited = await resident.inject({ method: 'PATCH', url: `/api/assets/${id}`, payload: { name: 'De Brug op dinsdag' } });
    expect(edited.json().status).toBe('pending');
    expect(await publicIds()).not.toContain(id);

    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${id}/approve` });
    const withdrawn = await resident.inject({ method: 'POST', url: `/api/assets/${id}/withdraw` });
    expect(withdrawn.json().status).toBe('archived');
    expect(await publicIds()).not.toContain(id);
  });

  it('keeps a moderator’s edit of a published entry public, recorded as a version', async () => {
    const resident = await signUp();
    const { id } = (await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody() })).json() as ManagedAsset;
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${id}/approve` });
    const fixed = await moderator.inject({ method: 'PATCH', url: `/api/assets/${id}`, payload: { description: 'Elke dinsdag, koffie staat klaar.' } });
    expect(fixed.json().status).toBe('published');
    const versions = (await resident.inject({ url: `/api/assets/${id}/versions` })).json().items as AssetVersion[];
    expect(versions.at(-1)).toMatchObject({ action: 'edited', actorId: moderator.user.id });
  });

  it('rejects with a reason the author reads, and refuses a decision that does not fit the status', async () => {
    const resident = await signUp();
    const { id } = (await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody() })).json() as ManagedAsset;
    const noReason = await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${id}/reject`, payload: {} });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields).toEqual([{ field: 'body.message', message: 'required' }]);
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${id}/reject`, payload: { message: 'Dit is reclame.' } });
    expect((await resident.inject({ url: `/api/assets/${id}/full` })).json()).toMatchObject({ status: 'rejected', moderationMessage: 'Dit is reclame.' });
    const approveRejected = await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${id}/approve` });
    expect(approveRejected.statusCode).toBe(409);
    // An edit does not undo the "no": it would put the entry back in the queue.
    const edit = await resident.inject({ method: 'PATCH', url: `/api/assets/${id}`, payload: { name: 'Toch wel' } });
    expect(edit.statusCode).toBe(409);
    expect((await resident.inject({ url: `/api/assets/${id}/full` })).json()).toMatchObject({ status: 'rejected', name: 'Lotgenotengroep De Brug' });
  });

  it('lets only the author share their contact details with professionals, with their consent', async () => {
    const resident = await signUp();
    const { id } = (await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody() })).json() as ManagedAsset;
    const byModerator = await moderator.inject({ method: 'PATCH', url: `/api/assets/${id}`, payload: { shareContactWithProfessionals: true } });
    expect(byModerator.json().error.fields).toEqual([{ field: 'body.shareContactWithProfessionals', message: expect.any(String) }]);
    const withoutConsent = await resident.inject({ method: 'PATCH', url: `/api/assets/${id}`, payload: { shareContactWithProfessionals: true } });
    expect(withoutConsent.json().error.fields).toEqual([{ field: 'body.consent', message: expect.stringContaining('required') }]);
    const shared = await resident.inject({
      method: 'PATCH', url: `/api/assets/${id}`,
      payload: { shareContactWithProfessionals: true, consent: { version: CONSENT_TEXTS.publish.version } },
    });
    expect(shared.json().shareContactWithProfessionals).toBe(true);
    const consents = (await resident.inject({ url: '/api/me/export' })).json().consents;
    expect(consents).toHaveLength(2);
  });

  it('records the consent and its wording version, and refuses a submission without it or with an old wording', async () => {
    const resident = await signUp();
    const { consent: _consent, ...withoutConsent } = assetBody();
    const missing = await resident.inject({ method: 'POST', url: '/api/assets', payload: withoutConsent });
    expect(missing.json().error.fields).toEqual([{ field: 'body.consent', message: 'required' }]);
    const old = await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ consent: { version: '2020-01-01' } }) });
    expect(old.json().error.fields).toEqual([{ field: 'body.consent.version', message: expect.stringContaining('changed') }]);

    const created = (await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody() })).json() as ManagedAsset;
    const exported = (await resident.inject({ url: '/api/me/export' })).json();
    expect(exported.consents).toEqual([
      expect.objectContaining({ purpose: 'publish', wording_version: CONSENT_TEXTS.publish.version, subject_id: created.id }),
    ]);
  });

  it('refuses a body that sets what only Kwartier sets: status, owner, provenance', async () => {
    const resident = await signUp();
    for (const field of ['status', 'ownerId', 'createdBy', 'source', 'isSample']) {
      const response = await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody({ [field]: field === 'isSample' ? true : 'published' }) });
      expect(response.statusCode, field).toBe(400);
      expect(response.json().error.fields).toEqual([{ field: `body.${field}`, message: 'unknown field' }]);
    }
    const { id } = (await resident.inject({ method: 'POST', url: '/api/assets', payload: assetBody() })).json() as ManagedAsset;
    const promote = await resident.inject({ method: 'PATCH', url: `/api/assets/${id}`, payload: { status: 'published' } });
    expect(promote.json().error.fields).toEqual([{ field: 'body.status', message: 'unknown field' }]);
    expect((await resident.inject({ url: `/api/assets/${id}/full` })).json().status).toBe('pending');
  });
});
