import type { FastifyInstance, InjectOptions } from 'fastify';
import fc from 'fast-check';
import { sql } from 'kysely';
import { z } from 'zod';
import { AssetCreateSchema, CATEGORIES, CONSENT_TEXTS, INDICATOR_CODES, ImportMappingSchema, MATCH_RADII } from '@kwartier/shared';
import { deleteAllCounts } from '../../server/src/modules/rate-limits/rate-limits.repository.ts';
import { startSession } from '../../server/src/modules/accounts/accounts.service.ts';
import { buildTestApp, resetToDemoData, testDatabase } from './app.ts';
import { type Agent, agentWith, signedIn } from './auth.ts';
import { assetBody, testModerator } from './fixtures.ts';
import { type Broken, type Hint, type JsonSchema, type SchemaObject, breakages, validValue } from './fuzz.ts';
import { type Answer, LEAK, type Operation, type RouteKey, documentedOperations, partSchema, problemsWith, registeredRoutes } from './route-inventory.ts';
import { restoreSnapshot, takeSnapshot } from './db-state.ts';
import { submitAsset, moderate, requestContact } from '../../server/src/modules/contributions/contributions.service.ts';

/**
 * What the fuzz tests share: an app, a signed-in person for each role, pools of ids that exist
 * (so generated requests reach records, not only 404s), and the code that turns an operation's
 * schemas into requests and sends them.
 */

export const ACTORS = ['anonymous', 'resident', 'professional', 'moderator', 'analyst', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

/**
 * Routes in the router that the fuzzer leaves out, each with why. Everything else must be in
 * the OpenAPI document, where the fuzzer finds its schemas: a route added without a schema
 * fails the coverage test instead of going unfuzzed.
 */
export const NOT_FUZZED: Array<{ route: RegExp; why: string }> = [
  { route: /^GET \/$/, why: 'the web app (or a redirect to /docs): a static page that reads no input' },
  { route: /^GET \/(index|embed)\.html$/, why: 'static pages of the web build; they read no input' },
  { route: /^GET \/assets\//, why: 'hashed static files of the web build, one route per file; they read no input' },
  { route: /^GET \/docs/, why: 'Swagger UI and the OpenAPI document itself (@fastify/swagger-ui): static files with no input of ours' },
];

/**
 * Routes whose success answer is not in their schema because it is not JSON (a vector tile);
 * the fuzzer checks its content type instead.
 */
export const UNDECLARED_SUCCESS: Record<string, { status: number; contentType: RegExp }> = {
  'GET /tiles/assets/{z}/{x}/{y}.mvt': { status: 200, contentType: /^application\/vnd\.mapbox-vector-tile/ },
  'GET /tiles/areas/{z}/{x}/{y}.mvt': { status: 200, contentType: /^application\/vnd\.mapbox-vector-tile/ },
};

/**
 * Routes that take a file as bytes (CSV, GeoJSON) instead of a JSON body: the OpenAPI document
 * has no body schema for them, so the fuzzer sends small files of these kinds.
 */
const UPLOADS: Record<string, fc.Arbitrary<{ payload: string; contentType: string }>> = (() => {
  const csv = fc.constantFrom(
    'naam,soort,categorie,lat,lon\nBuurthuis Test,facility,buurthuis,52.16,4.49\n',
    'naam;plaats\n"Onafgesloten;1\n',
    '\uFEFFa,b,c\n1,2,3\n',
  );
  const json = fc.constantFrom(
    JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { naam: 'Test' }, geometry: { type: 'Point', coordinates: [4.49, 52.16] } }] }),
    JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1e308, -1e308] } }] }),
    JSON.stringify([{ id: 'x', name: 'Dienst', organization: { name: 'Org' } }]),
    '{"type":"FeatureCollection","features":',
  );
  const bytes = fc.string({ maxLength: 200 });
  const as = (contentType: string) => (payload: string) => ({ payload, contentType });
  // Each route's own content types (see acceptUploads in each): another is a 415 before anything else is read.
  return {
    'POST /api/imports': fc.oneof(csv.map(as('text/csv')), json.map(as('application/geo+json')), bytes.map(as('application/octet-stream'))),
    'POST /api/imports/hsds': fc.oneof(json.map(as('application/json')), bytes.map(as('application/octet-stream'))),
    'POST /api/areas/import': fc.oneof(json.map(as('application/geo+json')), bytes.map(as('application/octet-stream'))),
  };
})();

/** The routes that take a file. */
export const UPLOAD_ROUTES = new Set(Object.keys(UPLOADS));

/**
 * Bodies the route reads itself rather than through its schema (the mapping arrives as bytes,
 * see import.routes.ts): the schema it is held to.
 */
export const BODY_SCHEMAS: Record<string, JsonSchema> = {
  'PUT /api/import-mappings/{name}': z.toJSONSchema(ImportMappingSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema,
};

/** A request as the fuzzer builds it, before it becomes a URL. */
export type FuzzRequest = {
  operation: Operation;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body?: unknown;
  /** A file for the upload routes, instead of a JSON body. */
  upload?: { payload: string; contentType: string };
  /** For a broken request: the field that is broken, as the 400 should name it. */
  broken?: string;
};

/** Ids and codes that exist, refreshed from the database before each route is fuzzed. */
export type Pools = Record<'asset' | 'talent' | 'contactRequest' | 'match' | 'agenda' | 'announcement' | 'importRun' | 'user' | 'area' | 'gemeente' | 'mapping' | 'hsds', string[]>;

export type FuzzWorld = {
  app: FastifyInstance;
  operations: Operation[];
  agents: Record<Exclude<Actor, 'anonymous'>, Agent>;
  pools: Pools;
  hsdsIds: string[];
  stats: FuzzStats;
};

export type FuzzStats = { requests: number; byStatusClass: Record<string, number>; rateLimited: number };

/**
 * An app for fuzzing on the shared test database, as the demo has it, with people of each role
 * and a few records of theirs. The tables are snapshot first and put back by `closeFuzzWorld`,
 * so the files that run after this one find what they would have found.
 */
export async function openFuzzWorld(): Promise<FuzzWorld> {
  // What this file found, to leave behind; then the demo, which the hints and pools assume.
  await takeSnapshot((await testDatabase()).db);
  await resetToDemoData();
  const app = await buildTestApp();
  const agents = {
    resident: await signedIn(app, ['resident']),
    professional: await signedIn(app, ['professional']),
    moderator: await signedIn(app, ['moderator']),
    analyst: await signedIn(app, ['analyst']),
    admin: await signedIn(app, ['admin']),
  };
  await recordsOf(app, agents);
  const hsdsIds = await hsdsIdsOf(app);
  return { app, operations: documentedOperations(app), agents, pools: await poolsOf(app, agents), hsdsIds, stats: { requests: 0, byStatusClass: {}, rateLimited: 0 } };
}

/** Closes the app and puts every table back as the snapshot held it. */
export async function closeFuzzWorld(world: FuzzWorld): Promise<void> {
  await world.app.close();
  await restoreSnapshot((await testDatabase()).db);
}

/** Entries of the resident's (one pending, a talent and an initiative with an ask, published) and a contact request. */
async function recordsOf(app: FastifyInstance, agents: FuzzWorld['agents']): Promise<void> {
  const moderator = await testModerator(app);
  const submit = (fields: Record<string, unknown>) => submitAsset(app.db, agents.resident.user, AssetCreateSchema.parse(assetBody(fields)));
  await submit({});
  const talent = await submit({ kind: 'talent', category: 'klussen', name: 'Klussen in de buurt', precision: 'street', skills: ['klussen'] });
  await moderate(app.db, moderator.user, talent.id, 'approve', null);
  const asking = await submit({ name: 'Buurthuis zoekt hulp', asks: [{ type: 'volunteers', description: 'Iemand die kan klussen', skills: ['klussen'] }] });
  await moderate(app.db, moderator.user, asking.id, 'approve', null);
  await requestContact(app.db, agents.professional.user, talent.id, { message: 'Ik zoek iemand die kan klussen.', consent: { version: CONSENT_TEXTS.shareContact.version } });
}

async function hsdsIdsOf(app: FastifyInstance): Promise<string[]> {
  const ids: string[] = [];
  for (const list of ['/hsds/services', '/hsds/organizations', '/hsds/taxonomies', '/hsds/taxonomy_terms']) {
    const page = (await app.inject({ url: `${list}?per_page=5` })).json() as { contents?: Array<{ id: string }> };
    ids.push(...(page.contents ?? []).map((item) => item.id));
  }
  return ids;
}

/** Ids of each kind of record, a few dozen at most, the same ones for the same data. */
export async function poolsOf(app: FastifyInstance, agents: FuzzWorld['agents']): Promise<Pools> {
  const ids = async (query: string) => (await sql.raw<{ v: string }>(`SELECT v FROM (${query}) q ORDER BY md5(v) LIMIT 30`).execute(app.db)).rows.map((row) => row.v);
  const agentIds = Object.values(agents).map((agent) => `'${agent.user.id}'`).join(',');
  return {
    asset: await ids('SELECT id::text AS v FROM assets'),
    talent: await ids(`SELECT id::text AS v FROM assets WHERE kind = 'talent'`),
    contactRequest: await ids('SELECT id::text AS v FROM contact_requests'),
    match: await ids('SELECT id::text AS v FROM matches'),
    agenda: await ids('SELECT id::text AS v FROM agenda_items'),
    announcement: await ids('SELECT id::text AS v FROM announcements'),
    importRun: await ids('SELECT id::text AS v FROM import_runs'),
    // Not the fuzzer's own people: an admin changing their roles would change what they may do.
    user: await ids(`SELECT id::text AS v FROM users WHERE id NOT IN (${agentIds})`),
    area: await ids('SELECT code AS v FROM areas'),
    gemeente: await ids(`SELECT code AS v FROM areas WHERE level = 'gemeente'`),
    mapping: ['kwartier-csv', 'kwartier-geojson', 'duo-scholen-bo', ...(await ids('SELECT name AS v FROM import_mappings'))],
    hsds: [],
  };
}

/** Which pool a path parameter `id` draws from, by the route it is in. */
const ID_POOLS: Array<[RegExp, keyof Pools]> = [
  [/^\/api\/matching\/talents\//, 'talent'],
  [/^\/api\/(assets|moderation\/assets|matching\/assets)\//, 'asset'],
  [/^\/api\/contact-requests\//, 'contactRequest'],
  [/^\/api\/matches\//, 'match'],
  [/^\/api\/agenda\//, 'agenda'],
  [/^\/api\/announcements\//, 'announcement'],
  [/^\/api\/imports\//, 'importRun'],
  [/^\/api\/admin\/users\//, 'user'],
  [/^\/hsds\//, 'hsds'],
];

/** Which pool a field draws from, by its name, wherever it is. */
const FIELD_POOLS: Record<string, keyof Pools> = {
  code: 'area', area: 'area', areaCode: 'area', parent: 'area', fallbackArea: 'area',
  gemeente: 'gemeente', assetId: 'asset', assetIds: 'asset', talentId: 'talent', mapping: 'mapping',
};

/** Points near the demo's three towns (Leiden, Amersfoort, Doetinchem): on land, and where its data is. */
const TOWNS = [[4.49, 52.16], [5.39, 52.16], [6.29, 51.96]] as const;
const nearTown = fc.tuple(fc.constantFrom(...TOWNS), fc.double({ min: -0.03, max: 0.03, noNaN: true }), fc.double({ min: -0.03, max: 0.03, noNaN: true }))
  .map(([[lon, lat], dLon, dLat]) => [lon + dLon, lat + dLat] as const);
const NETHERLANDS = { point: nearTown, lon: nearTown.map(([lon]) => lon), lat: nearTown.map(([, lat]) => lat) };
const CONSENT_VERSIONS = [...new Set(Object.values(CONSENT_TEXTS).map((consent) => consent.version))];

/** Known values that fit the schema at hand (a wijk code where only gemeenten and wijken may go). */
function fromPool(values: string[], schema: SchemaObject): fc.Arbitrary<string> | undefined {
  if (schema.type !== 'string') return undefined;
  const pattern = schema.pattern ? new RegExp(schema.pattern, 'u') : undefined;
  const fitting = values.filter((value) => !pattern || pattern.test(value));
  return fitting.length > 0 ? fc.constantFrom(...fitting) : undefined;
}

/**
 * Values that get past what JSON Schema cannot say: ids that exist, points in the Netherlands,
 * the consent wording's version, indicator codes, the radii matching allows. The generator
 * mixes in the schema's own values too (but for `only`), so the 404 and "not in the
 * Netherlands" paths are fuzzed as well.
 */
export function hintFor(operation: Operation, world: FuzzWorld): Hint {
  const pools = { ...world.pools, hsds: world.hsdsIds };
  const value = (arbitrary: fc.Arbitrary<unknown> | undefined) => (arbitrary ? { value: arbitrary } : undefined);
  return (path, schema) => {
    const name = path.at(-1)!;
    const parentName = path.at(-2);
    if (path[0] === 'params' && name === 'id') return value(fromPool(pools[ID_POOLS.find(([route]) => route.test(operation.url))?.[1] ?? 'asset'], schema));
    if (path[0] === 'params' && name === 'name') return value(fromPool(pools.mapping, schema));
    if (path[0] === 'params' && (name === 'z' || name === 'x' || name === 'y')) return value(fc.integer({ min: 0, max: 16 }).map(String));
    if (name === 'lat') return value(NETHERLANDS.lat);
    if (name === 'lon') return value(NETHERLANDS.lon);
    if (name === 'coordinates' && schema.prefixItems?.length === 2) return value(NETHERLANDS.point.map(([lon, lat]) => [lon, lat]));
    if (name === 'radius') return value(/match/.test(operation.url) ? fc.constantFrom(...MATCH_RADII) : fc.integer({ min: 1, max: 50_000 }));
    if (parentName === 'consent' && name === 'version') return value(fc.constantFrom(/match/.test(operation.url) ? CONSENT_TEXTS.matchContact.version : CONSENT_TEXTS.shareContact.version, ...CONSENT_VERSIONS));
    if (name === 'proximity') return value(fc.integer({ min: 1, max: 50_000 }));
    if (parentName === 'indicators') return { value: fc.constantFrom(...INDICATOR_CODES), only: true };
    if (name === 'bbox') return value(NETHERLANDS.point.map(([lon, lat]) => [lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05]));
    const pool = FIELD_POOLS[name] ?? (parentName ? FIELD_POOLS[parentName] : undefined);
    return pool ? value(fromPool(pools[pool], schema)) : undefined;
  };
}

/**
 * Repairs across fields that no single field's schema says: a category of the asset's kind, a
 * talent never at an exact address, closing after opening, each day once.
 */
function consistent(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items = value.map(consistent);
    const days = items.map((item) => (item as { day?: unknown } | null)?.day);
    return days.every((day) => typeof day === 'string') ? items.filter((_, index) => days.indexOf(days[index]!) === index) : items;
  }
  const record: Record<string, unknown> = Object.fromEntries(Object.entries(value).map(([key, field]) => [key, consistent(field)]));
  if (typeof record.kind === 'string' && typeof record.category === 'string') {
    const ofKind = CATEGORIES.filter((category) => category.kind === record.kind);
    if (ofKind.length > 0 && !ofKind.some((category) => category.code === record.category)) {
      record.category = ofKind[record.category.length % ofKind.length]!.code;
    }
  }
  if (record.kind === 'talent' && record.precision === 'exact') record.precision = 'street';
  for (const [start, end] of [['opens', 'closes'], ['starts', 'ends']] as const) {
    if (typeof record[start] === 'string' && typeof record[end] === 'string' && record[start] >= record[end]) {
      [record[start], record[end]] = record[start] === record[end] ? ['09:00', '17:00'] : [record[end], record[start]];
    }
  }
  if (record.recurrence !== undefined && record.recurrence !== 'monthly') delete record.weeksOfMonth;
  // A match names its other side once: a talent, an anonymous candidate or a client.
  const sides = ['talentId', 'candidate', 'client'].filter((side) => record[side] !== undefined);
  for (const side of sides.slice(1)) delete record[side];
  // A search starts from a postcode or from a point, and a point has both coordinates.
  if (record.postcode !== undefined || record.lat === undefined || record.lon === undefined) {
    delete record.lat;
    delete record.lon;
  }
  if (record.publishContact !== undefined && !record.contact) delete record.publishContact;
  if (record.contact && record.publishContact === false) record.publishContact = true;
  return record;
}

/** A tile that exists: x and y below 2^z. */
function onTheMap(params: Record<string, unknown>): Record<string, unknown> {
  if (!('z' in params && 'x' in params && 'y' in params)) return params;
  const size = 2 ** Number(params.z);
  return Number.isSafeInteger(size) ? { ...params, x: String(Number(params.x) % size), y: String(Number(params.y) % size) } : params;
}

/** Valid requests for an operation (as far as its JSON Schema and the hints go). */
export function validRequest(operation: Operation, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const hint = hintFor(operation, world);
  const bodySchema = BODY_SCHEMAS[operation.key] ?? operation.body?.schema;
  const upload = UPLOADS[operation.key];
  return fc
    .record({
      params: validValue(partSchema(operation.params), ['params'], hint),
      query: validValue(partSchema(operation.query), ['query'], hint).map(consistent),
      body: bodySchema === undefined ? fc.constant(undefined) : validValue(bodySchema, ['body'], hint).map(consistent),
      upload: upload ?? fc.constant(undefined),
    })
    .map(({ params, query, body, upload }) => {
      const request: FuzzRequest = { operation, params: onTheMap(params as Record<string, unknown>), query: query as Record<string, unknown>, body, upload };
      // A mapping is saved under the name in its address.
      if (operation.key === 'PUT /api/import-mappings/{name}' && typeof body === 'object' && body !== null) request.body = { ...body, name: request.params.name };
      return request;
    });
}

export type Part = 'params' | 'query' | 'body';

/** The parts of an operation's requests that have fields to break. */
export function breakableParts(operation: Operation): Part[] {
  return [
    ...(operation.params.length > 0 ? (['params'] as const) : []),
    ...(operation.query.length > 0 ? (['query'] as const) : []),
    ...(operation.body !== undefined || BODY_SCHEMAS[operation.key] !== undefined ? (['body'] as const) : []),
  ];
}

/** A valid request with exactly one field (of one of `parts`) broken, and which one. */
export function brokenRequest(operation: Operation, world: FuzzWorld, parts: Part[] = breakableParts(operation)): fc.Arbitrary<FuzzRequest> {
  const bodySchema = BODY_SCHEMAS[operation.key] ?? operation.body?.schema;
  return validRequest(operation, world).chain((request) => {
    const ways = [
      // A path parameter cannot be left out or added to: that is another URL.
      ...(parts.includes('params') ? breakages(request.params, partSchema(operation.params), ['params'], 'text').filter((way) => isReplacement(way, request.params)) : []),
      // A route without a query schema reads no query string, so an unknown parameter there is no error.
      ...(parts.includes('query') && operation.query.length > 0 ? breakages(request.query, partSchema(operation.query), ['query'], 'text') : []),
      ...(parts.includes('body') && bodySchema !== undefined && request.body !== undefined ? breakages(request.body, bodySchema, ['body'], 'json') : []),
    ];
    // Only where the schema allows nothing to break (no field at all): the caller asked for a part without fields.
    if (ways.length === 0) throw new Error(`${operation.key}: nothing to break in ${parts.join(', ')}`);
    return fc.constantFrom(...ways).map((way): FuzzRequest => {
      const part = way.field[0] as 'params' | 'query' | 'body';
      return { ...request, [part]: way.value, broken: way.field.join('.') };
    });
  });
}

/** A broken path parameter that is still in the path: left out or added, it would be another URL. */
function isReplacement(way: Broken, params: Record<string, unknown>): boolean {
  const name = way.field[1];
  return way.field.length === 2 && name !== undefined && name in params && (way.value as Record<string, unknown>)[name] !== undefined;
}

/** A number as a query string writes it: decimal digits, never 1e-7. */
function asText(value: unknown): string {
  if (typeof value === 'number' && /e/i.test(String(value))) return value.toFixed(20).replace(/\.?0+$/, '');
  return String(value);
}

/** The request as `inject` takes it. */
export function injectOptions(request: FuzzRequest): InjectOptions {
  const path = request.operation.url.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(asText(request.params[name])));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    if (value === undefined) continue;
    const schema = request.operation.query.find((p) => p.name === name)?.schema;
    const isTuple = typeof schema === 'object' && schema.prefixItems !== undefined;
    if (Array.isArray(value) && !isTuple) for (const item of value) search.append(name, asText(item));
    else search.append(name, Array.isArray(value) ? value.map(asText).join(',') : asText(value));
  }
  const url = search.size > 0 ? `${path}?${search}` : path;
  const method = request.operation.method as InjectOptions['method'];
  if (request.upload) return { method, url, payload: request.upload.payload, headers: { 'content-type': request.upload.contentType } };
  if (request.body === undefined) return { method, url };
  return { method, url, payload: JSON.stringify(request.body), headers: { 'content-type': 'application/json' } };
}

/**
 * Sends a request as an actor. A 429 is checked (the error shape and a Retry-After), counted,
 * and the counts forgotten so the fuzzer can go on writing; then the request goes again.
 */
export async function send(world: FuzzWorld, actor: Actor, options: InjectOptions): Promise<Answer & { problems: string[] }> {
  const inject = actor === 'anonymous' ? (o: InjectOptions) => world.app.inject(o) : world.agents[actor].inject;
  let response = await inject(options);
  const problems: string[] = [];
  if (response.statusCode === 429) {
    world.stats.rateLimited += 1;
    if (response.json().error?.code !== 'RATE_LIMITED' || response.headers['retry-after'] === undefined) problems.push(`a 429 without the error shape or Retry-After: ${response.body}`);
    await deleteAllCounts(world.app.db);
    response = await inject(options);
  }
  world.stats.requests += 1;
  const statusClass = `${String(response.statusCode).slice(0, 1)}xx`;
  world.stats.byStatusClass[statusClass] = (world.stats.byStatusClass[statusClass] ?? 0) + 1;
  return { statusCode: response.statusCode, headers: response.headers, body: response.body, problems };
}

/**
 * Pages for people rather than the API: the embeddable map answers a bad parameter with a page
 * in the frame that names it (embed.routes.ts), not with the JSON error.
 */
const PAGES = new Set(['GET /embed']);

/** Sends a fuzz request and returns what is wrong with the answer. */
export async function sendAndCheck(world: FuzzWorld, actor: Actor, request: FuzzRequest): Promise<{ answer: Answer; problems: string[] }> {
  const answer = await send(world, actor, injectOptions(request));
  const problems = [...answer.problems];
  if (PAGES.has(request.operation.key) && answer.statusCode === 400) problems.push(...pageProblems(request, answer));
  else {
    problems.push(...problemsWith(request.operation, answer, UNDECLARED_SUCCESS[request.operation.key]));
    if (request.broken !== undefined) problems.push(...brokenFieldProblems(request, answer));
  }
  return { answer, problems };
}

function pageProblems(request: FuzzRequest, answer: Answer): string[] {
  const problems: string[] = [];
  if (!/^text\/html/.test(String(answer.headers['content-type']))) problems.push(`a ${answer.statusCode} page that is not HTML`);
  if (LEAK.test(answer.body)) problems.push('internals in the page');
  const parameter = request.broken?.split('.')[1];
  if (parameter && !answer.body.includes(parameter)) problems.push(`broken ${request.broken}, but the page does not name ${parameter}`);
  return problems;
}

/** Whether an answer is the schema validation's 400: the request never reached the handler. */
export function refusedBySchema(answer: Answer): boolean {
  if (answer.statusCode !== 400) return false;
  try {
    return (JSON.parse(answer.body) as { error: { message: string } }).error.message.startsWith('Invalid request:');
  } catch {
    return false; // a page (the embed's), written by the handler
  }
}

const VALIDATION_ORDER = ['params', 'body', 'query'];

/**
 * A request with one field broken must be refused with a 400 that names that field (or a
 * field inside it, or the list or object it is in, when that is where the schema refuses it).
 */
function brokenFieldProblems(request: FuzzRequest, answer: Answer): string[] {
  const field = request.broken!;
  // A body the handler reads itself is read after the handler checked who asks.
  const checkedAfterAuth = field.startsWith('body') && BODY_SCHEMAS[request.operation.key] !== undefined;
  if (checkedAfterAuth && (answer.statusCode === 401 || answer.statusCode === 403)) return [];
  if (answer.statusCode !== 400) return [`status ${answer.statusCode} for broken ${field}`];
  let named: string[];
  try {
    named = ((JSON.parse(answer.body) as { error: { fields?: Array<{ field: string }> } }).error.fields ?? []).map((f) => f.field);
  } catch {
    return [`broken ${field}, and a 400 that is not JSON`];
  }
  const part = field.split('.')[0]!;
  const names = (f: string) => f === field || f.startsWith(`${field}.`) || (field.startsWith(`${f}.`) && f !== part);
  // Fastify validates the path, then the body, then the query, and stops at the first part
  // that fails: a refinement JSON Schema could not tell the generator about may fail earlier.
  const earlierPart = (f: string) => VALIDATION_ORDER.indexOf(f.split('.')[0]!) < VALIDATION_ORDER.indexOf(part);
  return named.some(names) || (named.length > 0 && named.every(earlierPart)) ? [] : [`broken ${field}, but the 400 names ${JSON.stringify(named)}`];
}

/** Makes each agent signed in again where a fuzzed request (a logout) ended its session. */
export async function keepSignedIn(world: FuzzWorld): Promise<void> {
  for (const [role, agent] of Object.entries(world.agents) as Array<[Exclude<Actor, 'anonymous'>, Agent]>) {
    const session = (await agent.inject({ url: '/api/auth/session' })).json() as { user?: unknown };
    if (session.user) continue;
    const { token, csrfToken } = await startSession(world.app.db, agent.user.id);
    world.agents[role] = agentWith(world.app, agent.user, token, csrfToken);
  }
}

/** Routes in the router that are neither fuzzed nor left out on purpose. */
export function unfuzzedRoutes(world: FuzzWorld): RouteKey[] {
  const documented = new Set(world.operations.map((operation) => operation.key));
  return registeredRoutes(world.app).filter((route) => !documented.has(route) && !NOT_FUZZED.some(({ route: pattern }) => pattern.test(route)));
}
