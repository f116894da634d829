import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { CONSENT_TEXTS } from '@kwartier/shared';
import { clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { agentWith, sessionCookieOf, signedIn } from '../helpers/auth.ts';
import type { Mail } from '../../server/src/lib/mailer.ts';
import { eventually } from '../helpers/eventually.ts';

const lines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

/** Mails are caught here, as a mail server would take them: the reset link is read from them. */
const mails: Mail[] = [];
const mailer = { kind: 'smtp' as const, send: async (mail: Mail) => void mails.push(mail) };

let app: FastifyInstance;
beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  app = await buildApp(loadConfig({ LOG_LEVEL: 'info' }), { database: await testDatabase(), logStream, mailer });
  await app.ready();
});
afterAll(() => app.close());

describe('logs', () => {
  it("record a request's path and status, never where a client is or what was typed, nor a resident's details", async () => {
    await app.inject({ url: '/api/assets/nearby?lat=52.161234&lon=4.492345&radius=800&q=depressie' });
    const email = `marieke.logtest.${Date.now()}@example.org`;
    const signup = await app.inject({
      method: 'POST', url: '/api/auth/signup',
      payload: { email, password: 'geheim wachtwoord 1', displayName: 'Marieke Logtest' },
    });
    expect(signup.statusCode).toBe(201);
    const resident = agentWith(app, signup.json().user, sessionCookieOf(signup)!, signup.json().csrfToken, 'geheim wachtwoord 1');
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'fout wachtwoord 22' } });
    await resident.inject({
      method: 'POST', url: '/api/assets',
      payload: {
        kind: 'talent', category: 'klussen', name: 'Klussen', precision: 'street',
        location: { type: 'Point', coordinates: [4.478123, 52.155456] },
        contact: { email: 'jan@example.org', phone: '06 1234 5678' }, address: { postcode: '2321AA' },
        consent: { version: CONSENT_TEXTS.publish.version },
      },
    });
    await resident.inject({ method: 'POST', url: '/api/assets', payload: { name: 'x\u0000', email: 'jan@example.org' } });
    const log = lines.join('');
    expect(log).toContain('"path":"/api/assets/nearby"');
    expect(log).toContain('"statusCode":201');
    for (const secret of [
      '52.161234', '4.492345', 'depressie', '4.478123', 'jan@example.org', '1234 5678', '2321AA',
      'marieke.logtest', 'Marieke', 'geheim wachtwoord', 'fout wachtwoord', resident.cookie, resident.csrfToken,
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('over a whole life of an account are JSON lines, each request with its id, and hold none of what people typed or are', async () => {
    lines.length = 0;
    const email = `ans.levensloop.${Date.now()}@example.org`;
    const [password, newPassword] = ['mijn eerste wachtwoord 9', 'mijn tweede wachtwoord 9'];
    const signup = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email, password, displayName: 'Ans Levensloop' } });
    expect(signup.statusCode, signup.body).toBe(201);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    expect(login.statusCode).toBe(200);
    const resident = agentWith(app, login.json().user, sessionCookieOf(login)!, login.json().csrfToken, password);
    const talent = await resident.inject({
      method: 'POST', url: '/api/assets',
      payload: {
        kind: 'talent', category: 'gezelschap', name: 'Samen koken', precision: 'street',
        location: { type: 'Point', coordinates: [4.487613, 52.158761] },
        contact: { email: 'ans.kookt@example.org', phone: '06 8765 4321' }, address: { street: 'Hooigracht', houseNumber: '77', postcode: '2312KP', city: 'Leiden' },
        consent: { version: CONSENT_TEXTS.publish.version },
      },
    });
    expect(talent.statusCode, talent.body).toBe(201);
    const moderator = await signedIn(app, ['moderator'], 'log-moderator');
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${talent.json().id}/approve` });
    const professional = await signedIn(app, ['professional'], 'log-professional');
    const asked = await professional.inject({
      method: 'POST', url: `/api/assets/${talent.json().id}/contact-requests`,
      payload: { message: 'Mijn cliënt Kees de Vries kookt graag mee.', consent: { version: CONSENT_TEXTS.shareContact.version } },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const accepted = await resident.inject({
      method: 'POST', url: `/api/contact-requests/${asked.json().id}/accept`, payload: { consent: { version: CONSENT_TEXTS.shareContact.version } },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
    const resetToken = await eventuallyResetToken();
    const reset = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token: resetToken, password: newPassword } });
    expect(reset.statusCode, reset.body).toBe(204);
    const again = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: newPassword } });
    const signedInAgain = agentWith(app, again.json().user, sessionCookieOf(again)!, again.json().csrfToken, newPassword);
    expect((await signedInAgain.inject({ url: '/api/me/export' })).statusCode).toBe(200);
    const deleted = await signedInAgain.inject({ method: 'DELETE', url: '/api/me', payload: { password: newPassword } });
    expect(deleted.statusCode, deleted.body).toBe(204);

    const records = lines.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = records.filter((record) => 'req' in record || 'res' in record);
    expect(requests.length).toBeGreaterThanOrEqual(2 * 11); // each of the 11 requests: in and completed
    for (const record of requests) expect(record.reqId, JSON.stringify(record)).toMatch(/^req-/);
    const log = lines.join('');
    for (const secret of [
      email, 'ans.levensloop', 'Ans Levensloop', password, newPassword, 'ans.kookt', '8765 4321', '4.487613', '52.158761', 'Hooigracht', '2312KP',
      'Kees de Vries', professional.email, moderator.email, resetToken, resident.cookie, resident.csrfToken, signedInAgain.cookie,
      professional.cookie, '127.0.0.1',
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});

/** The reset link's token from the last mail: the request answers before the mail is sent. */
async function eventuallyResetToken(): Promise<string> {
  let token: string | undefined;
  await eventually(async () => {
    token = /\?reset=([\w-]+)/.exec(mails.at(-1)?.text ?? '')?.[1];
    expect(token, 'a reset mail').toBeDefined();
  });
  return token!;
}
