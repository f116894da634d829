import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Place } from '@kwartier/shared';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { clearAssets, ensureDemoAreas, testDatabase } from '../helpers/app.ts';
import { badFields, createAsset } from '../helpers/fixtures.ts';

/**
 * PDOK's Locatieserver, played back on loopback from an answer in its documented format
 * (tests/fixtures): the test machine has no internet, and a test must not depend on it.
 */
const recorded = readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'locatieserver-free-breestraat-leiden.json'), 'utf8');
const asked: URL[] = [];
let failing = false;
let stub: Server;
let stubUrl: string;

let app: FastifyInstance;

beforeAll(async () => {
  stub = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    asked.push(url);
    if (failing) return void response.writeHead(503).end('{"error":"busy"}');
    response.writeHead(200, { 'content-type': 'application/json' }).end(recorded);
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const address = stub.address();
  stubUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/bzk/locatieserver/search/v3_1/free`;
  await ensureDemoAreas();
  await clearAssets();
  const config = loadConfig({ LOG_LEVEL: 'silent', LOCATIESERVER_URL: stubUrl });
  app = await buildApp(config, { database: await testDatabase() });
  await app.ready();
  await createAsset(app, { name: 'Lotgenotengroep Breestraat' });
});
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => stub.close(resolve));
});

async function places(q: string): Promise<Place[]> {
  const response = await app.inject({ url: `/api/places?q=${encodeURIComponent(q)}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as Place[];
}

describe('places to search near', () => {
  it('finds addresses and postcodes through the Locatieserver, and buurten and assets in our own database', async () => {
    const found = await places('Breestraat');
    expect(asked.at(-1)?.searchParams.get('q')).toBe('Breestraat');
    expect(found).toEqual(expect.arrayContaining([
      { label: 'Breestraat 12, 2311CS Leiden', type: 'address', lat: 52.15921, lon: 4.49196, source: 'locatieserver' },
      { label: '2311CS Leiden', type: 'postcode', lat: 52.15901, lon: 4.4912, source: 'locatieserver' },
      expect.objectContaining({ label: 'Lotgenotengroep Breestraat', type: 'asset', source: 'kwartier' }),
    ]));
  });

  it('finds a buurt by its name, at its label point', async () => {
    const found = await places('Pieterswijk');
    const buurt = found.find((p) => p.type === 'buurt' && p.label === 'Pieterswijk')!;
    const area = (await app.inject({ url: '/api/areas/BU05460000' })).json();
    expect([buurt.lon, buurt.lat]).toEqual(area.properties.labelPoint.coordinates);
  });

  it('still answers with our own places when the Locatieserver is down', async () => {
    failing = true;
    let found: Place[];
    try {
      found = await places('Pieterswijk');
    } finally {
      failing = false;
    }
    expect(found.every((p) => p.source === 'kwartier')).toBe(true);
    expect(found.map((p) => p.label)).toContain('Pieterswijk');
  });

  it('names a too-short search', async () => {
    expect(badFields(await app.inject({ url: '/api/places?q=a' }))).toEqual(['query.q']);
  });
});
