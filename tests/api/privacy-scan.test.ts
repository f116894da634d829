import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import distance from '@turf/distance';
import { point } from '@turf/helpers';
import { type Asset, AssetCreateSchema, CONSENT_TEXTS } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';
import { assetBody } from '../helpers/fixtures.ts';
import { decodeTile, features, tileOf } from '../helpers/tiles.ts';
import { moderate, requestContact, submitAsset } from '../../server/src/modules/contributions/contributions.service.ts';

/**
 * The privacy scan: talents and a resident's initiative stored at known places, by residents
 * with known e-mail addresses. Every answer anyone but the owner and moderators can get is
 * searched for those places and addresses. The tolerance is a metre: a public place is a
 * grid-cell centre, hundreds of metres from the home, so nothing near the home may show.
 */
const HOMES = [
  { lon: 4.4781237, lat: 52.1554561 }, // Leiden, Haagweg
  { lon: 4.4936711, lat: 52.1619283 }, // Leiden centre
  { lon: 5.3891234, lat: 52.1573456 }, // Amersfoort
];

let app: FastifyInstance;
let residents: Agent[];
let professional: Agent;
let stranger: Agent;
let ids: string[];
/** What must never show: account e-mail addresses, addresses, and contact details not shared. */
const secrets: string[] = [];
/** Contact details a resident shared with professionals: secret from everyone else. */
const sharedWithProfessionals: string[] = [];

beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  app = await buildTestApp();
  const moderator = await signedIn(app, ['moderator']);
  professional = await signedIn(app, ['professional']);
  stranger = await signedIn(app, ['resident'], 'stranger');
  residents = [];
  ids = [];
  for (const [i, home] of HOMES.entries()) {
    const resident = await signedIn(app, ['resident'], `privacy${i}`);
    residents.push(resident);
    const contactEmail = `thuis${i}.${Date.now()}@example.org`;
    const talent = i < 2;
    const body = assetBody({
      ...(talent ? { kind: 'talent', category: i === 0 ? 'klussen' : 'gezelschap', precision: i === 0 ? 'street' : 'buurt' } : { precision: 'street' }),
      name: talent ? `Talent ${i}` : 'Buurtcirkel aan huis',
      description: 'Ik help graag.',
      location: { type: 'Point', coordinates: [home.lon, home.lat] },
      // Secrets that cannot turn up by chance in a UUID or a tile's bytes: "10b" once did.
      address: { street: 'Teststraat', houseNumber: `${731 + i}-K`, postcode: `23${i}1XY`, city: 'Leiden' },
      contact: { email: contactEmail, phone: `06 9876 54${i}${i}`, contactPerson: `Persoon Geheim${i}` },
      // Shared with professionals: they may see the contact, never the place.
      shareContactWithProfessionals: i === 1,
    });
    const entry = await submitAsset(app.db, resident.user, AssetCreateSchema.parse(body));
    await moderate(app.db, moderator.user, entry.id, 'approve', null);
    ids.push(entry.id);
    secrets.push(resident.email, `23${i}1XY`, `${731 + i}-K`);
    (i === 1 ? sharedWithProfessionals : secrets).push(contactEmail, `06 9876 54${i}${i}`, `Persoon Geheim${i}`);
  }
  // A contact request that is pending: the asker must not see who the talent is yet.
  await requestContact(app.db, stranger.user, ids[0]!, { message: 'Kunt u mij helpen met een kast?', consent: { version: CONSENT_TEXTS.shareContact.version } });
});
afterAll(() => app.close());

/** Every [lon, lat] pair in a JSON document. */
function coordinatePairs(value: unknown, found: Array<[number, number]> = []): Array<[number, number]> {
  if (Array.isArray(value)) {
    if (value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number') found.push([value[0], value[1]]);
    else for (const item of value) coordinatePairs(item, found);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.lon === 'number' && typeof record.lat === 'number') found.push([record.lon, record.lat]);
    for (const item of Object.values(record)) coordinatePairs(item, found);
  }
  return found;
}

function nearAHome([lon, lat]: [number, number]): boolean {
  return HOMES.some((home) => distance(point([lon, lat]), point([home.lon, home.lat]), { units: 'meters' }) < 1);
}

/** Text forms of each home's coordinates, as a careless serialiser might write them. */
const coordinateTexts = HOMES.flatMap((home) => [home.lon, home.lat].flatMap((n) => [String(n), n.toFixed(6), n.toFixed(5)]));

type Finding = { where: string; what: string };

function scanText(where: string, text: string, findings: Finding[], isProfessional = false) {
  const hidden = [...secrets, ...coordinateTexts, ...(isProfessional ? [] : sharedWithProfessionals)];
  for (const secret of hidden) if (text.includes(secret)) findings.push({ where, what: secret });
}

function scanJson(where: string, text: string, findings: Finding[], isProfessional = false) {
  scanText(where, text, findings, isProfessional);
  for (const pair of coordinatePairs(JSON.parse(text))) if (nearAHome(pair)) findings.push({ where, what: pair.join(',') });
}

/** Every JSON answer about assets that these viewers can get. */
function publicUrls(): string[] {
  const urls = ['/api/assets?limit=100', '/api/assets?kind=talent&limit=100', '/api/assets?q=Talent', '/api/places?q=Talent', '/api/places?q=Buurtcirkel', '/api/client-config'];
  for (const home of HOMES) {
    // Searched from next door: an answer echoes its own centre, which is no leak, but which
    // would hide one at the home itself.
    const lat = (home.lat + 0.0004).toFixed(4);
    const lon = (home.lon - 0.0006).toFixed(4);
    for (const radius of [100, 500, 2000]) urls.push(`/api/assets/nearby?lat=${lat}&lon=${lon}&radius=${radius}&limit=100`);
    urls.push(`/api/areas/containing?lat=${lat}&lon=${lon}`);
  }
  for (const id of ids) urls.push(`/api/assets/${id}`);
  return urls;
}

describe('privacy scan', () => {
  it('finds no home and no e-mail address in any answer to anonymous visitors, other residents or professionals', async () => {
    const findings: Finding[] = [];
    let scanned = 0;
    for (const [who, send] of [
      ['anonymous', (url: string) => app.inject({ url })],
      ['stranger', (url: string) => stranger.inject({ url })],
      ['professional', (url: string) => professional.inject({ url })],
    ] as const) {
      for (const url of publicUrls()) {
        const response = await send(url);
        expect(response.statusCode, `${who} ${url}`).toBe(200);
        scanJson(`${who} ${url}`, response.body, findings, who === 'professional');
        scanned++;
      }
      // The exports, for their role: GeoJSON as JSON, CSV as text (coordinates as digits).
      const geojson = await send('/api/assets.geojson');
      expect(geojson.statusCode, `${who} export`).toBe(200);
      scanJson(`${who} /api/assets.geojson`, geojson.body, findings, who === 'professional');
      scanText(`${who} /api/assets.csv`, (await send('/api/assets.csv')).body, findings, who === 'professional');
      scanned += 2;
      // Their own data download and contact requests hold nothing of the residents.
      for (const url of ['/api/me/export', '/api/me/contact-requests', '/api/me/assets']) {
        if (who === 'anonymous') continue;
        const response = await send(url);
        scanJson(`${who} ${url}`, response.body, findings, who === 'professional');
        scanned++;
      }
    }
    // The professional did see what was shared with them: the scan could have found it.
    const shared = await professional.inject({ url: '/api/assets?limit=100' });
    expect(sharedWithProfessionals.every((detail) => shared.body.includes(detail))).toBe(true);
    expect(scanned).toBeGreaterThan(50);
    expect(findings).toEqual([]);
  });

  it('finds no home and no e-mail address in any map tile covering them, at any zoom', async () => {
    const findings: Finding[] = [];
    let featuresSeen = 0;
    for (const home of HOMES) {
      for (let z = 5; z <= 18; z++) {
        const t = tileOf(home.lon, home.lat, z);
        const response = await app.inject({ url: `/tiles/assets/${t.z}/${t.x}/${t.y}.mvt` });
        expect(response.statusCode).toBe(200);
        scanText(`tile ${z}/${t.x}/${t.y}`, response.rawPayload.toString('latin1'), findings);
        const decoded = features(decodeTile(response.rawPayload), 'assets', t);
        featuresSeen += decoded.length;
        for (const feature of decoded) {
          if (nearAHome(feature.geometry.coordinates)) findings.push({ where: `tile ${z}/${t.x}/${t.y}`, what: feature.geometry.coordinates.join(',') });
          scanText(`tile ${z}/${t.x}/${t.y}`, JSON.stringify(feature.properties), findings);
        }
      }
    }
    expect(featuresSeen).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });

  it('measures search distances from the public place, so that distances cannot be used to find a home', async () => {
    const home = HOMES[0]!;
    const response = await app.inject({ url: `/api/assets/nearby?lat=${home.lat}&lon=${home.lon}&radius=1000` });
    const talent = (response.json().items as Array<Asset & { distanceMeters: number }>).find((a) => a.id === ids[0])!;
    const [lon, lat] = talent.location.coordinates;
    const toPublic = distance(point([home.lon, home.lat]), point([lon, lat]), { units: 'meters' });
    expect(talent.distanceMeters).toBeGreaterThan(1);
    expect(Math.abs(talent.distanceMeters - toPublic)).toBeLessThan(1);
  });

  it('shows a professional the contact a resident shared with professionals, and still not the place', async () => {
    const shared = (await professional.inject({ url: `/api/assets/${ids[1]}` })).json() as Asset;
    expect(shared.contact.email).toMatch(/^thuis1\./);
    const notShared = (await professional.inject({ url: `/api/assets/${ids[0]}` })).json() as Asset;
    expect(notShared.contact).toEqual({});
    expect((await stranger.inject({ url: `/api/assets/${ids[1]}` })).json().contact).toEqual({});
  });

  it('gives the owner their own exact place and contact, and nobody else', async () => {
    const own = await residents[0]!.inject({ url: `/api/assets/${ids[0]}/full` });
    expect(own.json().exactLocation.coordinates).toEqual([HOMES[0]!.lon, HOMES[0]!.lat]);
    for (const other of [stranger, professional]) expect((await other.inject({ url: `/api/assets/${ids[0]}/full` })).statusCode).toBe(404);
  });
});
