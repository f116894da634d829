import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { AssetCreateSchema, CONSENT_TEXTS } from '@kwartier/shared';
import { buildTestApp, ensureDemoAreas } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';
import { assetBody } from '../helpers/fixtures.ts';
import { moderate, requestContact, submitAsset } from '../../server/src/modules/contributions/contributions.service.ts';

/**
 * Who may do what, tried for real: anonymous and every role, against every write and every
 * private read, on entries and requests of other people. Each case gets fresh records, so
 * that one actor's success does not change what the next one meets.
 */
type Actor = 'anonymous' | 'owner' | 'resident' | 'professional' | 'moderator' | 'analyst' | 'admin';
const ACTORS: Actor[] = ['anonymous', 'owner', 'resident', 'professional', 'moderator', 'analyst', 'admin'];
const SIGNED_IN: Actor[] = ['owner', 'resident', 'professional', 'moderator', 'analyst', 'admin'];
const MODERATORS: Actor[] = ['moderator', 'admin'];

let app: FastifyInstance;
const agents = {} as Record<Exclude<Actor, 'anonymous'>, Agent>;
let requester: Agent;

beforeAll(async () => {
  await ensureDemoAreas();
  app = await buildTestApp();
  agents.owner = await signedIn(app, ['resident'], 'owner');
  agents.resident = await signedIn(app, ['resident']);
  agents.professional = await signedIn(app, ['professional']);
  agents.moderator = await signedIn(app, ['moderator']);
  agents.analyst = await signedIn(app, ['analyst']);
  agents.admin = await signedIn(app, ['admin']);
  requester = await signedIn(app, ['resident'], 'requester');
});
afterAll(() => app.close());

/** A fresh entry of the owner's, pending or published. */
async function ownersEntry(status: 'pending' | 'published' = 'pending', kind: 'initiative' | 'talent' = 'initiative') {
  const fields = kind === 'talent' ? { kind: 'talent', category: 'klussen', name: 'Klussen', precision: 'street' } : {};
  const entry = await submitAsset(app.db, agents.owner.user, AssetCreateSchema.parse(assetBody(fields)));
  if (status === 'published') await moderate(app.db, agents.moderator.user, entry.id, 'approve', null);
  return entry.id;
}

/** A fresh contact request from `requester` to the owner's published talent. */
async function contactRequestToOwner() {
  const assetId = await ownersEntry('published', 'talent');
  const request = await requestContact(app.db, requester.user, assetId, {
    message: 'Ik zoek iemand die kan helpen met klussen.',
    consent: { version: CONSENT_TEXTS.shareContact.version },
  });
  return request.id;
}

type Case = { name: string; allowed: Actor[]; request: () => Promise<InjectOptions> };

const accept = { consent: { version: CONSENT_TEXTS.shareContact.version } };
const CASES: Case[] = [
  // Private reads
  { name: 'read a pending entry', allowed: ['owner', ...MODERATORS], request: async () => ({ url: `/api/assets/${await ownersEntry()}` }) },
  { name: 'read an entry whole', allowed: ['owner', ...MODERATORS], request: async () => ({ url: `/api/assets/${await ownersEntry('published')}/full` }) },
  { name: 'read the history', allowed: ['owner', ...MODERATORS], request: async () => ({ url: `/api/assets/${await ownersEntry('published')}/versions` }) },
  { name: 'list pending entries', allowed: MODERATORS, request: async () => ({ url: '/api/assets?status=pending' }) },
  { name: 'search pending entries nearby', allowed: MODERATORS, request: async () => ({ url: '/api/assets/nearby?lat=52.16&lon=4.49&status=pending' }) },
  { name: 'read the queue', allowed: MODERATORS, request: async () => ({ url: '/api/moderation/queue' }) },
  { name: 'read the reports', allowed: MODERATORS, request: async () => ({ url: `/api/moderation/assets/${await ownersEntry('published')}/reports` }) },
  { name: 'list my entries', allowed: SIGNED_IN, request: async () => ({ url: '/api/me/assets' }) },
  { name: 'list my contact requests', allowed: SIGNED_IN, request: async () => ({ url: '/api/me/contact-requests' }) },
  { name: 'download my data', allowed: SIGNED_IN, request: async () => ({ url: '/api/me/export' }) },
  { name: 'list accounts', allowed: ['admin'], request: async () => ({ url: '/api/admin/users' }) },
  { name: 'read the audit log', allowed: ['admin'], request: async () => ({ url: '/api/admin/audit' }) },
  // Writes
  { name: 'submit an entry', allowed: SIGNED_IN, request: async () => ({ method: 'POST', url: '/api/assets', payload: assetBody() }) },
  { name: 'edit a pending entry', allowed: ['owner', ...MODERATORS], request: async () => ({ method: 'PATCH', url: `/api/assets/${await ownersEntry()}`, payload: { name: 'Anders' } }) },
  { name: 'edit a published entry', allowed: ['owner', ...MODERATORS], request: async () => ({ method: 'PATCH', url: `/api/assets/${await ownersEntry('published')}`, payload: { name: 'Anders' } }) },
  { name: 'withdraw an entry', allowed: ['owner'], request: async () => ({ method: 'POST', url: `/api/assets/${await ownersEntry('published')}/withdraw` }) },
  { name: 'approve', allowed: MODERATORS, request: async () => ({ method: 'POST', url: `/api/moderation/assets/${await ownersEntry()}/approve` }) },
  { name: 'ask for a change', allowed: MODERATORS, request: async () => ({ method: 'POST', url: `/api/moderation/assets/${await ownersEntry()}/request-changes`, payload: { message: 'Graag een tijd erbij.' } }) },
  { name: 'reject', allowed: MODERATORS, request: async () => ({ method: 'POST', url: `/api/moderation/assets/${await ownersEntry()}/reject`, payload: { message: 'Geen initiatief.' } }) },
  { name: 'archive', allowed: MODERATORS, request: async () => ({ method: 'POST', url: `/api/moderation/assets/${await ownersEntry('published')}/archive` }) },
  { name: 'report a published entry', allowed: ACTORS, request: async () => ({ method: 'POST', url: `/api/assets/${await ownersEntry('published')}/reports`, payload: { reason: 'incorrect' } }) },
  {
    name: 'ask a talent for contact',
    // The owner cannot ask themselves (400); everyone else signed in may ask.
    allowed: ['resident', 'professional', 'moderator', 'analyst', 'admin'],
    request: async () => ({
      method: 'POST', url: `/api/assets/${await ownersEntry('published', 'talent')}/contact-requests`,
      payload: { message: 'Mag ik u iets vragen over klussen?', consent: { version: CONSENT_TEXTS.shareContact.version } },
    }),
  },
  { name: 'accept a contact request', allowed: ['owner'], request: async () => ({ method: 'POST', url: `/api/contact-requests/${await contactRequestToOwner()}/accept`, payload: accept }) },
  { name: 'decline a contact request', allowed: ['owner'], request: async () => ({ method: 'POST', url: `/api/contact-requests/${await contactRequestToOwner()}/decline` }) },
  { name: 'withdraw someone else’s contact request', allowed: ['owner'], request: async () => ({ method: 'POST', url: `/api/contact-requests/${await contactRequestToOwner()}/withdraw` }) },
  { name: 'grant roles', allowed: ['admin'], request: async () => ({ method: 'PUT', url: `/api/admin/users/${requester.user.id}/roles`, payload: { roles: ['resident'] } }) },
  { name: 'read the spreading scores', allowed: ['analyst', 'admin'], request: async () => ({ url: '/api/buurtscan/scores?gemeente=GM0546' }) },
  { name: 'read a buurt’s entered figures', allowed: ['analyst', 'admin'], request: async () => ({ url: '/api/areas/BU05460000/context' }) },
  { name: 'enter a buurt’s figures', allowed: ['analyst', 'admin'], request: async () => ({ method: 'PUT', url: '/api/areas/BU05460000/context', payload: { values: { known_pressure: 3 } } }) },
  { name: 'change the score weights', allowed: ['analyst', 'admin'], request: async () => ({ method: 'PUT', url: '/api/buurtscan/weights', payload: { draagkracht: {}, draaglast: {} } }) },
  { name: 'add an agenda item', allowed: ['professional', 'analyst', 'admin'], request: async () => ({ method: 'POST', url: '/api/agenda', payload: { areaCode: 'BU05460000', title: 'Proef' } }) },
  { name: 'read agenda suggestions', allowed: ['professional', 'analyst', 'admin'], request: async () => ({ url: '/api/agenda/suggestions?gemeente=GM0222' }) },
  { name: 'delete an account', allowed: [], request: async () => ({ method: 'DELETE', url: '/api/me', payload: { password: 'niet het wachtwoord' } }) },
];

async function send(actor: Actor, options: InjectOptions): Promise<LightMyRequestResponse> {
  return actor === 'anonymous' ? app.inject(options) : agents[actor].inject(options);
}

describe('authorisation matrix', () => {
  it('allows each write and private read to exactly the roles that may do it', async () => {
    const unexpected: string[] = [];
    let tried = 0;
    for (const testCase of CASES) {
      for (const actor of ACTORS) {
        const response = await send(actor, await testCase.request());
        tried++;
        const succeeded = response.statusCode >= 200 && response.statusCode < 300;
        const shouldSucceed = testCase.allowed.includes(actor);
        if (succeeded !== shouldSucceed) {
          unexpected.push(`${actor} ${testCase.name}: ${response.statusCode} ${response.body.slice(0, 120)}`);
        } else if (!succeeded && ![400, 401, 403, 404].includes(response.statusCode)) {
          unexpected.push(`${actor} ${testCase.name}: refused with ${response.statusCode}`);
        }
      }
    }
    expect(tried).toBe(CASES.length * ACTORS.length);
    expect(unexpected).toEqual([]);
  });

  it('answers anonymous writes with 401 and wrong roles with 403, in the one error shape', async () => {
    const anonymous = await app.inject({ method: 'POST', url: '/api/assets', payload: assetBody() });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
    const resident = await agents.resident.inject({ url: '/api/moderation/queue' });
    expect(resident.statusCode).toBe(403);
    expect(resident.json().error.code).toBe('FORBIDDEN');
  });

  it('lists a person’s own entries only', async () => {
    const id = await ownersEntry();
    const theirs = (await agents.resident.inject({ url: '/api/me/assets' })).json().items.map((a: { id: string }) => a.id);
    expect(theirs).not.toContain(id);
    const owners = (await agents.owner.inject({ url: '/api/me/assets' })).json().items.map((a: { id: string }) => a.id);
    expect(owners).toContain(id);
  });

  it('writes each refusal to the audit log, with ids and no personal data', async () => {
    await agents.resident.inject({ url: '/api/admin/users' });
    const log = (await agents.admin.inject({ url: '/api/admin/audit?action=authorization.denied&limit=5' })).json().items;
    expect(log[0]).toMatchObject({ action: 'authorization.denied', outcome: 'denied', actorId: agents.resident.user.id, details: { route: '/api/admin/users', status: 403 } });
    expect(JSON.stringify(log)).not.toContain(agents.resident.email);
  });
});
