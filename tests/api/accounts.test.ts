import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { sql } from 'kysely';
import { buildTestApp, testDatabase } from '../helpers/app.ts';
import { type Agent, agentWith, sessionCookieOf, signedIn } from '../helpers/auth.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

/** Waits for something that happens after the answer, such as a mail sent in the background. */
async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition() && Date.now() - start < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
}

const uniqueEmail = (name: string) => `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 7)}@example.org`;

async function signUp(target: FastifyInstance = app, email = uniqueEmail('nieuw'), password = 'een goed wachtwoord') {
  return target.inject({ method: 'POST', url: '/api/auth/signup', payload: { email, password, displayName: 'Nieuwe Bewoner' } });
}

describe('sign-up, sign-in and sessions', () => {
  it('signs up a resident with a session cookie that is HttpOnly, SameSite=Lax and long and random', async () => {
    const response = await signUp();
    expect(response.statusCode, response.body).toBe(201);
    const cookie = response.cookies.find((c) => c.name === 'kw_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy(); // plain http here; see the next test
    // 32 random bytes in base64url: 256 bits.
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.json().user.roles).toEqual(['resident']);
    // The database keeps only a hash of the token.
    const { db } = await testDatabase();
    const stored = await db.selectFrom('sessions').select('token_hash').where('user_id', '=', response.json().user.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(cookie.value);
  });

  it('marks the cookie Secure behind TLS (a trusted proxy saying https)', async () => {
    const behindProxy = await buildTestApp({ env: { TRUST_PROXY: 'true' } });
    try {
      const response = await behindProxy.inject({
        method: 'POST', url: '/api/auth/signup', headers: { 'x-forwarded-proto': 'https' },
        payload: { email: uniqueEmail('tls'), password: 'een goed wachtwoord', displayName: 'TLS' },
      });
      expect(response.cookies.find((c) => c.name === 'kw_session')?.secure).toBe(true);
    } finally {
      await behindProxy.close();
    }
  });

  it('names the bad fields of a sign-up, and refuses a second account for one address', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email: 'geen-adres', password: 'kort', displayName: '' } });
    expect(bad.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.displayName', 'body.email', 'body.password']);
    const email = uniqueEmail('dubbel');
    expect((await signUp(app, email)).statusCode).toBe(201);
    const again = await signUp(app, email.toUpperCase());
    expect(again.statusCode).toBe(409);
    expect(again.json().error.fields).toEqual([{ field: 'body.email', message: 'already has an account' }]);
  });

  it('gives a new session id at every sign-in, and signing out ends the session on the server', async () => {
    const email = uniqueEmail('inlog');
    const first = await signUp(app, email);
    const firstCookie = sessionCookieOf(first)!;
    const login = await app.inject({
      method: 'POST', url: '/api/auth/login', payload: { email, password: 'een goed wachtwoord' },
      headers: { cookie: `kw_session=${firstCookie}`, 'x-csrf-token': first.json().csrfToken },
    });
    expect(login.statusCode, login.body).toBe(200);
    const secondCookie = sessionCookieOf(login)!;
    expect(secondCookie).not.toBe(firstCookie);
    // The session it replaced is gone, not merely forgotten by the browser.
    const old = await app.inject({ url: '/api/auth/session', headers: { cookie: `kw_session=${firstCookie}` } });
    expect(old.json().user).toBeNull();

    const agent = agentWith(app, login.json().user, secondCookie, login.json().csrfToken);
    expect((await agent.inject({ url: '/api/auth/session' })).json().user.email).toBe(email);
    const logout = await agent.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(logout.statusCode).toBe(204);
    expect((await agent.inject({ url: '/api/auth/session' })).json()).toEqual({ user: null, csrfToken: null });
    expect((await agent.inject({ url: '/api/me/assets' })).statusCode).toBe(401);
  });

  it('answers a wrong password and an unknown address the same way', async () => {
    const email = uniqueEmail('fout');
    await signUp(app, email);
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'niet goed genoeg' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: uniqueEmail('onbekend'), password: 'niet goed genoeg' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('refuses a cookie-authenticated write without the CSRF token, or from another site', async () => {
    const agent = await signedIn(app);
    const bare = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `kw_session=${agent.cookie}` } });
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error.message).toMatch(/csrf/i);
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `kw_session=${agent.cookie}`, 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrong.statusCode).toBe(403);
    const crossSite = await agent.inject({ method: 'POST', url: '/api/auth/logout', headers: { origin: 'https://evil.example' } });
    expect(crossSite.statusCode).toBe(403);
    // This site's own pages send their origin: the same host, or PUBLIC_URL's behind a proxy.
    const sameSite = await agent.inject({ method: 'PATCH', url: '/api/assets/00000000-0000-4000-8000-000000000000', headers: { origin: 'http://localhost:80' }, payload: { name: 'Nieuw' } });
    expect(sameSite.statusCode).toBe(404);
    // The session survived all three.
    expect((await agent.inject({ url: '/api/auth/session' })).json().user.id).toBe(agent.user.id);
  });

  it('lets an admin grant roles, and keeps at least one admin', async () => {
    const admin = await signedIn(app, ['admin']);
    const person = await signedIn(app);
    const granted = await admin.inject({ method: 'PUT', url: `/api/admin/users/${person.user.id}/roles`, payload: { roles: ['resident', 'professional'] } });
    expect(granted.json().roles).toEqual(['resident', 'professional']);
    // The new role counts at once, in the session the person already has.
    expect((await person.inject({ url: '/api/auth/session' })).json().user.roles).toEqual(['resident', 'professional']);
    const bad = await admin.inject({ method: 'PUT', url: `/api/admin/users/${person.user.id}/roles`, payload: { roles: ['mayor'] } });
    expect(bad.json().error.fields[0].field).toBe('body.roles.0');
    const audit = (await admin.inject({ url: '/api/admin/audit?action=roles.changed&limit=1' })).json().items[0];
    expect(audit).toMatchObject({ actorId: admin.user.id, targetType: 'user', targetId: person.user.id, details: { roles: 'resident,professional' } });
  });
});

describe('password reset', () => {
  it('mails a single-use link through SMTP; using it sets the password and ends every session', async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, _session, done) {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('end', () => {
          received.push(text);
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    const mailing = await buildTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, PUBLIC_URL: 'https://kwartier.example.nl' } });
    try {
      const email = uniqueEmail('vergeten');
      const signup = await signUp(mailing, email, 'het oude wachtwoord');
      const oldSession = sessionCookieOf(signup)!;

      // Unknown addresses get the same answer, and no mail.
      const unknown = await mailing.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: uniqueEmail('niemand') } });
      expect(unknown.statusCode).toBe(202);
      // Asked twice: the first link must die when the second is used.
      for (let i = 0; i < 2; i++) {
        const asked = await mailing.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
        expect(asked.statusCode).toBe(202);
      }
      // The answer comes before the mail goes out.
      await waitFor(() => received.length >= 2);
      expect(received).toHaveLength(2);
      expect(received[0]).toContain(`To: ${email}`);
      // The mail body is quoted-printable: soft line breaks and "=" written as "=3D".
      const [firstToken, token] = received.map((mail) => {
        const body = mail.replace(/=\r\n/g, '').replace(/=3D/g, '=');
        return /https:\/\/kwartier\.example\.nl\/\?reset=([A-Za-z0-9_-]{43})/.exec(body)?.[1];
      });
      expect(token).toBeDefined();

      const confirm = (password: string) =>
        mailing.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password } });
      expect((await confirm('het nieuwe wachtwoord')).statusCode).toBe(204);
      const again = await confirm('nog een ander wachtwoord');
      expect(again.statusCode).toBe(400);
      expect(again.json().error.fields).toEqual([{ field: 'body.token', message: 'unknown, used or expired' }]);
      const older = await mailing.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token: firstToken, password: 'een derde wachtwoord' } });
      expect(older.statusCode).toBe(400);

      expect((await mailing.inject({ url: '/api/auth/session', headers: { cookie: `kw_session=${oldSession}` } })).json().user).toBeNull();
      const login = (password: string) => mailing.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      expect((await login('het oude wachtwoord')).statusCode).toBe(401);
      expect((await login('het nieuwe wachtwoord')).statusCode).toBe(200);
    } finally {
      await mailing.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('writes the link to the server log in development, without the address; an expired link is refused', async () => {
    const lines: string[] = [];
    const logStream = new Writable({ write: (chunk, _encoding, done) => { lines.push(String(chunk)); done(); } });
    const developing = await buildTestApp({ env: { NODE_ENV: 'development', LOG_LEVEL: 'info' }, logStream });
    try {
      const email = uniqueEmail('verlopen');
      await signUp(developing, email);
      await developing.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
      await waitFor(() => lines.join('').includes('?reset='));
      const log = lines.join('');
      const token = /\?reset=([A-Za-z0-9_-]{43})/.exec(log)?.[1];
      expect(token).toBeDefined();
      expect(log).not.toContain(email);

      const { db } = await testDatabase();
      // An hour and a minute later:
      await sql`UPDATE password_resets SET expires_at = now() - interval '1 minute' WHERE user_id = (SELECT id FROM users WHERE email = ${email})`.execute(db);
      const response = await developing.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password: 'wat dan ook 123' } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields).toEqual([{ field: 'body.token', message: 'unknown, used or expired' }]);
    } finally {
      await developing.close();
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After after repeated wrong passwords for an account, whatever X-Forwarded-For says; the right password works again after the window', async () => {
    const limited = await buildTestApp({ env: { RATE_LIMIT_WINDOW_SECONDS: '4' } });
    try {
      const email = uniqueEmail('raden');
      await signUp(limited, email, 'het echte wachtwoord');
      const login = (remoteAddress: string, password: string, headers: Record<string, string> = {}) =>
        limited.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, headers, payload: { email, password } });
      // Twenty guesses at once; a client making up its own address each time gets no fresh count.
      const started = Date.now();
      const guesses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login('203.0.113.7', `gok nummer ${i}`, { 'x-forwarded-for': `198.51.100.${i}` })),
      );
      const statuses = guesses.map((response) => response.statusCode).sort();
      expect(statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
      const refused = guesses.find((response) => response.statusCode === 429)!;
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Within the window even the right password waits, from that client ...
      expect((await login('203.0.113.7', 'het echte wachtwoord')).statusCode).toBe(429);
      // ... but the account is not locked: another client signs in.
      expect((await login('192.0.2.44', 'het echte wachtwoord')).statusCode).toBe(200);
      // Someone else on the same connection (a buurthuis' wifi) signs in too.
      const neighbour = uniqueEmail('buur');
      await signUp(limited, neighbour, 'het wachtwoord van de buur');
      const sameWifi = await limited.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.7', payload: { email: neighbour, password: 'het wachtwoord van de buur' } });
      expect(sameWifi.statusCode).toBe(200);
      // An IPv6 client counts by its /64: hopping through its own addresses gives no fresh count.
      const hops = await Promise.all(Array.from({ length: 12 }, (_, i) => login(`2001:db8:1:2::${(i + 16).toString(16)}`, `gok ${i}`)));
      expect(hops.map((response) => response.statusCode).sort()).toEqual([...Array(10).fill(401), 429, 429]);

      // After the window, the right password from the first client works again.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 4_100 - (Date.now() - started))));
      expect((await login('203.0.113.7', 'het echte wachtwoord')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('rate limits across e-mail addresses', () => {
  it('refuses a network that tries more than 100 sign-ins in a window, whichever addresses it tries', async () => {
    const limited = await buildTestApp({ env: { RATE_LIMIT_WINDOW_SECONDS: '60' } });
    try {
      const attempt = (i: number, remoteAddress = '203.0.113.99') =>
        limited.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email: `geraden-${i}@example.org`, password: 'een gok van lengte' } });
      const statuses: number[] = [];
      for (let batch = 0; batch < 101; batch += 20) {
        const answers = await Promise.all(Array.from({ length: Math.min(20, 101 - batch) }, (_, i) => attempt(batch + i)));
        statuses.push(...answers.map((answer) => answer.statusCode));
      }
      expect(statuses.filter((status) => status === 401)).toHaveLength(100);
      expect(statuses.filter((status) => status === 429)).toHaveLength(1);
      const refused = await attempt(500);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Another network is counted apart.
      expect((await attempt(501, '192.0.2.99')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

describe('an account that is deleted', () => {
  let person: Agent;
  it('leaves no e-mail address, name, talent text or exact location in any table', async () => {
    const moderator = await signedIn(app, ['moderator']);
    person = await signedIn(app, ['resident'], 'teverwijderen');
    const other = await signedIn(app);
    const talentText = `Ik repareer fietsen ${Date.now()}`;
    const home = [4.4812345, 52.1587654];
    const created = await person.inject({
      method: 'POST', url: '/api/assets',
      payload: {
        kind: 'talent', category: 'klussen', name: 'Fietsen maken', description: talentText,
        location: { type: 'Point', coordinates: home }, contact: { email: `prive.${person.email}` },
        consent: { version: (await import('@kwartier/shared')).CONSENT_TEXTS.publish.version },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const talentId = created.json().id;
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${talentId}/approve` });
    // Traces elsewhere: an edit, a report on someone else's entry, a contact request received.
    await person.inject({ method: 'PATCH', url: `/api/assets/${talentId}`, payload: { description: `${talentText}, ook banden plakken` } });
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${talentId}/approve` });
    const othersEntry = await other.inject({
      method: 'POST', url: '/api/assets',
      payload: { kind: 'initiative', category: 'buurtcirkel', name: 'Buurtcirkel', location: { type: 'Point', coordinates: [4.49, 52.16] }, consent: { version: (await import('@kwartier/shared')).CONSENT_TEXTS.publish.version } },
    });
    await moderator.inject({ method: 'POST', url: `/api/moderation/assets/${othersEntry.json().id}/approve` });
    await person.inject({ method: 'POST', url: `/api/assets/${othersEntry.json().id}/reports`, payload: { reason: 'other', message: `Groet van ${person.user.displayName}` } });
    await other.inject({
      method: 'POST', url: `/api/assets/${talentId}/contact-requests`,
      payload: { message: 'Mijn fiets is stuk, kunt u helpen?', consent: { version: (await import('@kwartier/shared')).CONSENT_TEXTS.shareContact.version } },
    });

    // The download holds all of it first.
    const exported = await person.inject({ url: '/api/me/export' });
    expect(exported.headers['content-disposition']).toContain('attachment');
    expect(exported.body).toContain(talentText);
    expect(exported.body).toContain(person.email);
    expect(exported.json().entries[0].history.length).toBeGreaterThanOrEqual(3);

    const wrongPassword = await person.inject({ method: 'DELETE', url: '/api/me', payload: { password: 'niet mijn wachtwoord' } });
    expect(wrongPassword.json().error.fields).toEqual([{ field: 'body.password', message: 'wrong password' }]);
    const deleted = await person.inject({ method: 'DELETE', url: '/api/me', payload: { password: person.password } });
    expect(deleted.statusCode, deleted.body).toBe(204);

    // Every table, every text column, searched.
    const { db } = await testDatabase();
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('spatial_ref_sys', 'areas')`.execute(db);
    expect(tables.rows.length).toBeGreaterThanOrEqual(10);
    const hits: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table_name)}`.execute(db);
      const text = JSON.stringify(rows.rows);
      for (const trace of [person.email, person.user.id, person.user.displayName, talentText, String(home[0]), String(home[1])]) {
        if (text.includes(trace)) hits.push(`${table_name}: ${trace}`);
      }
    }
    const located = await sql<{ n: number }>`SELECT count(*)::int AS n FROM assets WHERE ST_DWithin(geom::geography, ST_MakePoint(${home[0]}, ${home[1]})::geography, 1)`.execute(db);
    expect(located.rows[0]!.n).toBe(0);
    expect(hits).toEqual([]);

    // The session ended; the report still counts, without a name.
    expect((await person.inject({ url: '/api/auth/session' })).json().user).toBeNull();
    const reports = (await moderator.inject({ url: `/api/moderation/assets/${othersEntry.json().id}/reports` })).json().items;
    expect(reports).toEqual([expect.objectContaining({ reason: 'other', message: null })]);
  });
});
