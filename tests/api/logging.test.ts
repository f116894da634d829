import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { CONSENT_TEXTS } from '@kwartier/shared';
import { clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { agentWith, sessionCookieOf } from '../helpers/auth.ts';

const lines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

let app: FastifyInstance;
beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  app = await buildApp(loadConfig({ LOG_LEVEL: 'info' }), { database: await testDatabase(), logStream });
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
});
