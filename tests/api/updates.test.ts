import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { AreaUpdates } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';
import { badFields, createAsset } from '../helpers/fixtures.ts';
import { createMailer } from '../../server/src/lib/mailer.ts';
import { isoWeek, sendDigests } from '../../server/src/modules/updates/digest.ts';

const PUBLIC_URL = 'https://kwartier.example.nl';
/** Leiden, where the fixtures' default place lies; and a place in Amersfoort. */
const LEIDEN = [4.4921, 52.1612] as const;
const AMERSFOORT = [5.3872, 52.1561] as const;

let app: FastifyInstance;
let professional: Agent;
let buurt: string;
let wijk: string;
beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  const { db } = await testDatabase();
  await db.deleteFrom('announcements').execute();
  await db.deleteFrom('area_follows').execute();
  await db.deleteFrom('digest_state').execute();
  app = await buildTestApp({ env: { PUBLIC_URL } });
  professional = await signedIn(app, ['professional']);
  const containing = (await app.inject({ url: `/api/areas/containing?lat=${LEIDEN[1]}&lon=${LEIDEN[0]}` })).json().items as Array<{ level: string; code: string }>;
  buurt = containing.find((area) => area.level === 'buurt')!.code;
  wijk = containing.find((area) => area.level === 'wijk')!.code;
});
afterAll(() => app.close());

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'link', 'author'].includes(name) });
type AtomText = string | { '#text': string; '@type'?: string };
type AtomLink = { '@rel'?: string; '@href': string; '@type'?: string };
type AtomEntry = { id: string; title: AtomText; updated: string; published?: string; link: AtomLink[]; summary?: AtomText; content?: AtomText };
type AtomFeed = { id: string; title: AtomText; updated: string; link: AtomLink[]; author: Array<{ name: string }>; entry?: AtomEntry[] };
const text = (value: AtomText | undefined) => (typeof value === 'object' ? value['#text'] : (value ?? ''));
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The feed, checked to be well-formed XML and to have what RFC 4287 requires of a feed and each entry. */
async function feedOf(code: string): Promise<{ raw: string; feed: AtomFeed; entries: AtomEntry[] }> {
  const response = await app.inject({ url: `/feeds/${code}.atom` });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/atom\+xml/);
  expect(XMLValidator.validate(response.body)).toBe(true);
  const parsed = parser.parse(response.body) as { feed: AtomFeed & { '@xmlns': string } };
  const feed = parsed.feed;
  expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(feed.id).toMatch(/^tag:kwartier\.example\.nl,2026:/);
  expect(text(feed.title)).toContain('Kwartier');
  expect(feed.updated).toMatch(RFC3339);
  expect(feed.author[0]!.name).toBe('Kwartier');
  expect(feed.link.find((link) => link['@rel'] === 'self')?.['@href']).toBe(`${PUBLIC_URL}/feeds/${code}.atom`);
  expect(feed.link.find((link) => link['@rel'] === 'alternate')?.['@href']).toBe(`${PUBLIC_URL}/?page=updates&area=${code}`);
  const entries = feed.entry ?? [];
  for (const entry of entries) {
    expect(entry.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(text(entry.title).length).toBeGreaterThan(0);
    expect(entry.updated).toMatch(RFC3339);
    expect(entry.published).toMatch(RFC3339);
    expect(entry.link[0]!['@href'].startsWith(`${PUBLIC_URL}/?`)).toBe(true);
  }
  expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
  return { raw: response.body, feed, entries };
}

describe('the changes of an area', () => {
  it('lists a newly published asset of the area, as JSON and in a well-formed Atom feed, and not one of another area', async () => {
    const here = await createAsset(app, { name: 'Buurtcirkel Het Plein', kind: 'initiative', category: 'buurtcirkel', location: { type: 'Point', coordinates: [...LEIDEN] } });
    const elsewhere = await createAsset(app, { name: 'Ontmoetingsplek Amersfoort', location: { type: 'Point', coordinates: [...AMERSFOORT] } });
    const pending = await createAsset(app, { name: 'Nog in de wachtrij', status: 'pending', location: { type: 'Point', coordinates: [...LEIDEN] } });

    const json = await app.inject({ url: `/api/areas/${buurt}/updates` });
    expect(json.statusCode, json.body).toBe(200);
    const updates = json.json() as AreaUpdates;
    expect(updates.area.code).toBe(buurt);
    expect(updates.feed).toBe(`/feeds/${buurt}.atom`);
    const names = updates.items.map((item) => item.title);
    expect(names).toContain(here.name);
    expect(names).not.toContain(elsewhere.name);
    expect(names).not.toContain(pending.name);
    expect(updates.items.find((item) => item.subjectId === here.id)).toMatchObject({ type: 'asset', change: 'new', link: `/?asset=${here.id}`, area: { code: buurt } });
    // Its wijk and gemeente list it too; Amersfoort does not.
    expect((await app.inject({ url: `/api/areas/${wijk}/updates` })).json().items.map((item: { title: string }) => item.title)).toContain(here.name);
    expect((await app.inject({ url: '/api/areas/GM0307/updates' })).json().items.map((item: { title: string }) => item.title)).toEqual([elsewhere.name]);

    const { entries, feed } = await feedOf(buurt);
    const entry = entries.find((candidate) => candidate.id === `urn:uuid:${here.id}`);
    expect(entry, JSON.stringify(entries)).toBeDefined();
    expect(text(entry!.title)).toBe(`Nieuw op de kaart: ${here.name}`);
    expect(entry!.link[0]!['@href']).toBe(`${PUBLIC_URL}/?asset=${here.id}`);
    expect(entries.map((candidate) => candidate.id)).not.toContain(`urn:uuid:${elsewhere.id}`);
    expect(feed.updated).toBe(entry!.updated);

    // Changed, it is the same entry, updated.
    const moderator = await signedIn(app, ['moderator']);
    const edited = await moderator.inject({ method: 'PATCH', url: `/api/assets/${here.id}`, payload: { description: 'Nu ook op woensdag.' } });
    expect(edited.statusCode, edited.body).toBe(200);
    const after = (await feedOf(buurt)).entries.filter((candidate) => candidate.id === `urn:uuid:${here.id}`);
    expect(after).toHaveLength(1);
    expect(text(after[0]!.title)).toBe(`Bijgewerkt op de kaart: ${here.name}`);
    expect(after[0]!.updated > entry!.updated).toBe(true);
    expect(after[0]!.published).toBe(entry!.published);

    // `since` leaves out what changed before it; a conditional request gets a 304.
    const since = (await app.inject({ url: `/api/areas/${buurt}/updates?since=${encodeURIComponent(after[0]!.updated)}` })).json() as AreaUpdates;
    expect(since.items.map((item) => item.subjectId)).not.toContain(here.id);
    const first = await app.inject({ url: `/feeds/${buurt}.atom` });
    expect(first.headers.etag).toBeDefined();
    expect(first.headers['last-modified']).toBe(new Date(after[0]!.updated).toUTCString());
    expect((await app.inject({ url: `/feeds/${buurt}.atom`, headers: { 'if-none-match': first.headers.etag as string } })).statusCode).toBe(304);

    expect(badFields(await app.inject({ url: `/api/areas/${buurt}/updates?since=gisteren&limit=1000` }))).toEqual(['query.since', 'query.limit']);
    expect((await app.inject({ url: '/api/areas/BU99999999/updates' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/feeds/BU99999999.atom' })).statusCode).toBe(404);
  });

  it('shows a talent without any coordinates or contact', async () => {
    const home = [4.48987, 52.16243];
    const talent = await createAsset(app, {
      kind: 'talent', category: 'klussen', name: 'Fietsen repareren', description: 'Ik maak je fiets weer heel.',
      location: { type: 'Point', coordinates: home }, address: { street: 'Breestraat', houseNumber: '99', postcode: '2311CS', city: 'Leiden' },
      contact: { email: 'fietsmaker.prive@example.org', phone: '06 1234 5678' }, inclusionFeatures: [], targetGroups: [],
    });
    const where = talent.buurt?.code ?? talent.wijk!.code;
    // A talent is a person: a later change (here a moderator's) does not show as "updated".
    const moderator = await signedIn(app, ['moderator']);
    expect((await moderator.inject({ method: 'PATCH', url: `/api/assets/${talent.id}`, payload: { description: 'Ik maak je fiets weer heel, ook in het weekend.' } })).statusCode).toBe(200);
    const { raw, entries } = await feedOf(where);
    const talentEntry = entries.find((entry) => entry.id === `urn:uuid:${talent.id}`)!;
    expect(talentEntry.updated).toBe(talentEntry.published);
    expect(text(talentEntry.title)).toBe('Nieuw op de kaart: Fietsen repareren');
    const json = (await app.inject({ url: `/api/areas/${where}/updates` })).body;
    for (const body of [raw, json]) {
      expect(body).toContain('Fietsen repareren');
      for (const secret of ['fietsmaker.prive', '1234 5678', '2311CS', 'Breestraat', String(home[0]), String(home[1]), talent.location.coordinates[0].toFixed(4), talent.location.coordinates[1].toFixed(4)]) {
        expect(body, secret).not.toContain(secret);
      }
    }
  });
});

describe('announcements', () => {
  it('show the contact a professional chose to publish, and no other', async () => {
    const withContact = await professional.inject({
      method: 'POST', url: '/api/announcements',
      payload: {
        areaCode: buurt, title: 'Nieuw wooninitiatief aan de Haarlemmerstraat',
        body: 'Vanaf maart wonen hier acht mensen met begeleiding. Kom kennismaken op de open dag.',
        contact: { name: 'Fatima El Amrani', phone: '071 512 3456' }, publishContact: true,
      },
    });
    expect(withContact.statusCode, withContact.body).toBe(201);
    expect(withContact.json()).toMatchObject({ contact: { name: 'Fatima El Amrani', phone: '071 512 3456' }, publishContact: true, editable: true });
    const without = await professional.inject({ method: 'POST', url: '/api/announcements', payload: { areaCode: wijk, title: 'Wijkspreekuur verhuist', body: 'Het spreekuur is voortaan in de bibliotheek.' } });
    expect(without.statusCode, without.body).toBe(201);
    expect(without.json().contact).toBeNull();

    // A contact without the tick is refused, not stored; the tick without a contact too.
    const unticked = await professional.inject({
      method: 'POST', url: '/api/announcements',
      payload: { areaCode: buurt, title: 'Zonder vinkje', body: 'Tekst', contact: { name: 'Jan Jansen', phone: '06 9876 5432' } },
    });
    expect(badFields(unticked)).toEqual(['body.publishContact']);
    expect(badFields(await professional.inject({ method: 'POST', url: '/api/announcements', payload: { areaCode: buurt, title: 'Vinkje', body: 'Tekst', publishContact: true } }))).toEqual(['body.contact']);
    expect(badFields(await professional.inject({ method: 'POST', url: '/api/announcements', payload: { areaCode: buurt, title: 'Wie', body: 'Tekst', contact: { name: 'Jan' }, publishContact: true } }))).toEqual(['body.contact.phone']);
    expect(badFields(await professional.inject({ method: 'POST', url: '/api/announcements', payload: { areaCode: 'XX', title: '', body: '' } })).sort()).toEqual(['body.areaCode', 'body.body', 'body.title']);
    expect(badFields(await professional.inject({ method: 'POST', url: '/api/announcements', payload: { areaCode: 'BU99999999', title: 'Nergens', body: 'Tekst' } }))).toEqual(['body.areaCode']);

    // In the buurt's feed: the buurt's own announcement with its contact, and the wijk's without one.
    const { entries } = await feedOf(buurt);
    const published = entries.find((entry) => entry.id === `urn:uuid:${withContact.json().id}`)!;
    expect(text(published.content)).toContain('Fatima El Amrani');
    expect(text(published.content)).toContain('071 512 3456');
    expect(published.link[0]!['@href']).toBe(`${PUBLIC_URL}/?page=updates&area=${buurt}#announcement-${withContact.json().id}`);
    const plain = entries.find((entry) => entry.id === `urn:uuid:${without.json().id}`)!;
    expect(text(plain.content)).not.toContain('Contact:');
    const items = (await app.inject({ url: `/api/areas/${buurt}/updates` })).json().items as AreaUpdates['items'];
    expect(items.find((item) => item.subjectId === without.json().id)!.contact).toBeNull();
    expect(items.find((item) => item.subjectId === withContact.json().id)!.contact).toEqual({ name: 'Fatima El Amrani', phone: '071 512 3456' });

    // Only its author (or a moderator) changes it; withdrawn, it leaves the feed with its contact.
    const colleague = await signedIn(app, ['professional']);
    expect((await colleague.inject({ method: 'PATCH', url: `/api/announcements/${withContact.json().id}`, payload: { title: 'Overgenomen' } })).statusCode).toBe(403);
    const changed = await professional.inject({ method: 'PATCH', url: `/api/announcements/${withContact.json().id}`, payload: { contact: null, publishContact: false } });
    expect(changed.json()).toMatchObject({ contact: null, publishContact: false });
    expect((await feedOf(buurt)).raw).not.toContain('Fatima');
    const withdrawn = await professional.inject({ method: 'POST', url: `/api/announcements/${withContact.json().id}/withdraw` });
    expect(withdrawn.json().status).toBe('withdrawn');
    expect((await feedOf(buurt)).entries.map((entry) => entry.id)).not.toContain(`urn:uuid:${withContact.json().id}`);
    const { db } = await testDatabase();
    const row = await db.selectFrom('announcements').selectAll().where('id', '=', withContact.json().id).executeTakeFirstOrThrow();
    expect([row.contact_name, row.contact_phone, row.contact_email]).toEqual([null, null, null]);
  });

  it('lose the contact their author published when the author deletes the account, and stay', async () => {
    const leaving = await signedIn(app, ['professional'], 'vertrekkende collega');
    const posted = await leaving.inject({
      method: 'POST', url: '/api/announcements',
      payload: { areaCode: buurt, title: 'Inloop in de Kooi', body: 'Elke donderdag koffie.', contact: { name: 'Vertrekkende Collega', phone: '071 599 0000' }, publishContact: true },
    });
    expect(posted.statusCode, posted.body).toBe(201);
    expect((await leaving.inject({ method: 'DELETE', url: '/api/me', payload: { password: leaving.password } })).statusCode).toBe(204);
    const { raw } = await feedOf(buurt);
    expect(raw).toContain('Inloop in de Kooi');
    expect(raw).not.toContain('Vertrekkende Collega');
    expect(raw).not.toContain('071 599 0000');
  });

  it('cannot be posted by residents or anonymously', async () => {
    const resident = await signedIn(app);
    const payload = { areaCode: buurt, title: 'Mag niet', body: 'Tekst' };
    expect((await resident.inject({ method: 'POST', url: '/api/announcements', payload })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/announcements', payload })).statusCode).toBe(401);
    const analyst = await signedIn(app, ['analyst']);
    expect((await analyst.inject({ method: 'POST', url: '/api/announcements', payload: { ...payload, title: 'Van de gemeente' } })).statusCode).toBe(201);
  });

  it('escapes what people typed, XML-special characters and all', async () => {
    const title = `Koffie & <taart> bij "De Buren" 'gratis' ]]> &amp;`;
    const body = 'Iedereen <b>welkom</b> & neem je buren mee\u0007.';
    const created = await professional.inject({ method: 'POST', url: '/api/announcements', payload: { areaCode: buurt, title, body } });
    expect(created.statusCode, created.body).toBe(201);
    const asset = await createAsset(app, { name: 'Eten & drinken <samen>', location: { type: 'Point', coordinates: [...LEIDEN] } });
    const { raw, entries } = await feedOf(buurt);
    expect(raw).toContain('Koffie &amp; &lt;taart&gt; bij &quot;De Buren&quot; &apos;gratis&apos; ]]&gt; &amp;amp;');
    expect(raw).not.toContain('<taart>');
    expect(raw).not.toContain('\u0007');
    const entry = entries.find((candidate) => candidate.id === `urn:uuid:${created.json().id}`)!;
    expect(text(entry.title)).toBe(`Mededeling: ${title}`);
    expect(text(entry.summary)).toBe('Iedereen <b>welkom</b> & neem je buren mee.');
    expect(text(entries.find((candidate) => candidate.id === `urn:uuid:${asset.id}`)!.title)).toBe('Nieuw op de kaart: Eten & drinken <samen>');
  });
});

describe('following an area', () => {
  it('follows and unfollows, lists what one follows, exports it and forgets it with the account', async () => {
    const resident = await signedIn(app);
    const followed = await resident.inject({ method: 'POST', url: `/api/me/follows/${buurt}` });
    expect(followed.statusCode, followed.body).toBe(201);
    expect(followed.json()).toMatchObject({ areaCode: buurt, level: 'buurt' });
    expect((await resident.inject({ method: 'POST', url: `/api/me/follows/${buurt}` })).statusCode).toBe(201);
    await resident.inject({ method: 'POST', url: '/api/me/follows/GM0546' });
    const list = (await resident.inject({ url: '/api/me/follows' })).json().items as Array<{ areaCode: string; areaName: string }>;
    expect(list.map((follow) => follow.areaCode)).toEqual([buurt, 'GM0546']);
    expect(list[1]!.areaName).toBe('Leiden');

    expect((await resident.inject({ method: 'POST', url: '/api/me/follows/BU99999999' })).statusCode).toBe(404);
    expect(badFields(await resident.inject({ method: 'POST', url: '/api/me/follows/Leiden' }))).toEqual(['params.code']);
    expect((await app.inject({ method: 'POST', url: `/api/me/follows/${buurt}` })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/me/follows' })).statusCode).toBe(401);

    const unfollowed = await resident.inject({ method: 'DELETE', url: `/api/me/follows/${buurt}` });
    expect(unfollowed.statusCode).toBe(204);
    expect((await resident.inject({ url: '/api/me/follows' })).json().items.map((follow: { areaCode: string }) => follow.areaCode)).toEqual(['GM0546']);

    const exported = (await resident.inject({ url: '/api/me/export' })).json();
    expect(exported.follows.map((follow: { areaCode: string }) => follow.areaCode)).toEqual(['GM0546']);
    expect(exported.digest).toBeNull();
    expect((await professional.inject({ url: '/api/me/export' })).json().announcements.length).toBeGreaterThan(0);

    const deleted = await resident.inject({ method: 'DELETE', url: '/api/me', payload: { password: resident.password } });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const { db } = await testDatabase();
    expect(await db.selectFrom('area_follows').selectAll().where('user_id', '=', resident.user.id).execute()).toEqual([]);
  });
});

/** A mail as the SMTP server got it, its quoted-printable parts decoded. */
function decoded(mail: string): string {
  const soft = mail.replace(/=\r?\n/g, '');
  return Buffer.from(soft.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

describe('the weekly digest', () => {
  it('mails each follower the changes once a week, never twice, and nothing when nothing changed', async () => {
    const received: Array<{ to: string; body: string }> = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('latin1')));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address).join(','), body: decoded(raw) });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    const silent = { info: () => {}, warn: () => {} };
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Kwartier <noreply@kwartier.invalid>', env: 'test' }, silent);
    const { db } = await testDatabase();
    try {
      const resident = await signedIn(app);
      const mailsTo = () => received.filter((mail) => mail.to === resident.email);
      expect((await resident.inject({ method: 'POST', url: `/api/me/follows/${buurt}` })).statusCode).toBe(201);
      // Following a wijk as well: what is in both comes once.
      expect((await resident.inject({ method: 'POST', url: `/api/me/follows/${wijk}` })).statusCode).toBe(201);
      const asset = await createAsset(app, { name: `Moestuin De Zonnebloem`, kind: 'initiative', category: 'moestuin', location: { type: 'Point', coordinates: [...LEIDEN] } });
      const elsewhere = await createAsset(app, { name: 'Moestuin in Amersfoort', kind: 'initiative', category: 'moestuin', location: { type: 'Point', coordinates: [...AMERSFOORT] } });

      const now = new Date();
      // Without SMTP in production nothing can be sent: refused, and nobody's week is used up.
      const nowhere = createMailer({ smtpUrl: null, from: 'Kwartier <noreply@kwartier.invalid>', env: 'production' }, silent);
      await expect(sendDigests(db, nowhere, now, { publicUrl: PUBLIC_URL })).rejects.toThrow(/SMTP_URL/);
      expect(await db.selectFrom('digest_state').selectAll().where('user_id', '=', resident.user.id).executeTakeFirst()).toBeUndefined();

      const first = await sendDigests(db, mailer, now, { publicUrl: PUBLIC_URL });
      expect(first.sent).toBeGreaterThanOrEqual(1);
      expect(mailsTo()).toHaveLength(1);
      const mail = mailsTo()[0]!.body;
      expect(mail).toContain('Content-Type: text/plain');
      expect(mail).toContain('Content-Type: text/html');
      expect(mail).toContain(`Nieuw op de kaart: ${asset.name}`);
      expect(mail).toContain(`${PUBLIC_URL}/?asset=${asset.id}`);
      // Once in the text and once in the HTML, though both the buurt and its wijk hold it.
      expect(mail.split(`Nieuw op de kaart: ${asset.name}`).length - 1).toBe(2);
      expect(mail).not.toContain(elsewhere.name);
      expect(mail).toContain(`${PUBLIC_URL}/?page=updates&amp;area=${buurt}`);
      expect((await db.selectFrom('digest_state').selectAll().where('user_id', '=', resident.user.id).executeTakeFirstOrThrow()).last_week).toBe(isoWeek(now));

      // A second run in the same week sends nothing to anyone.
      const again = await sendDigests(db, mailer, new Date(now.getTime() + 60_000), { publicUrl: PUBLIC_URL });
      expect(again.sent).toBe(0);
      expect(mailsTo()).toHaveLength(1);

      // A week later with nothing new: no mail.
      const nextWeek = new Date(now.getTime() + 7 * 24 * 3600 * 1000);
      expect((await sendDigests(db, mailer, nextWeek, { publicUrl: PUBLIC_URL })).sent).toBe(0);
      expect(mailsTo()).toHaveLength(1);

      // Something new: the next week's digest has it, and not what the first one had.
      const later = await createAsset(app, { name: 'Repair Café De Schroef', kind: 'initiative', category: 'repair_cafe', location: { type: 'Point', coordinates: [...LEIDEN] } });
      const weekAfter = new Date(now.getTime() + 14 * 24 * 3600 * 1000);
      expect((await sendDigests(db, mailer, weekAfter, { publicUrl: PUBLIC_URL })).sent).toBeGreaterThanOrEqual(1);
      expect(mailsTo()).toHaveLength(2);
      expect(mailsTo()[1]!.body).toContain(later.name);
      expect(mailsTo()[1]!.body).not.toContain(asset.name);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
