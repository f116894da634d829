import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backendUnderTest, testDatabase } from '../helpers/app.ts';
import { type Actor, type FuzzRequest, type FuzzWorld, BODY_SCHEMAS, closeFuzzWorld, openFuzzWorld, refusedBySchema, sendAndCheck, validRequest } from '../helpers/fuzz-world.ts';
import { type JsonSchema, type Path, setAt, sitesOf } from '../helpers/fuzz.ts';
import { changedTables, fingerprint } from '../helpers/db-state.ts';
import { type Answer, LEAK, type Operation, partSchema } from '../helpers/route-inventory.ts';

/**
 * An injection corpus over every string, filter, sort and geometry parameter of every route:
 * SQL, JSON paths, LIKE wildcards, absurd numbers, very long text, GeoJSON with absurd
 * coordinates or a self-intersecting polygon. No 5xx, no SQL text or stack in any answer
 * (the route checks of routes.test.ts apply too), and the database unchanged: by every read,
 * and by every write that was refused.
 */
const TEXT = [
  "' OR '1'='1",
  "'; DROP TABLE assets; --",
  "1; SELECT pg_sleep(5) --",
  '" OR ""="',
  "\\'; --",
  "%' AND 1=1 --",
  "' UNION SELECT password_hash, email FROM users --",
  "'||(SELECT version())||'",
  '$1',
  '%',
  '_',
  '\\',
  '$.store[*].book',
  '$..*',
  '{"$gt": ""}',
  '__proto__',
  'constructor.prototype',
  'a.b[0]',
  '-1',
  '1e309',
  '9'.repeat(400),
  'NaN',
  '\u202eevil',
  'x'.repeat(10_000),
  'ü'.repeat(3_000),
];
/** For writes, a smaller sample: each is a request and a fingerprint of the database. */
const WRITE_TEXT = ["' OR '1'='1", "'; DROP TABLE assets; --", '$.store[*]', '__proto__', '%', '9'.repeat(400), 'x'.repeat(10_000)];

const GEOMETRY: unknown[] = [
  { type: 'Point', coordinates: [1e308, -1e308] },
  { type: 'Point', coordinates: [181, 91] },
  { type: 'Point', coordinates: [4.49] },
  { type: 'Point', coordinates: [4.49, 52.16, 1, 2, 3] },
  { type: 'Point', coordinates: ['4.49', '52.16'] },
  { type: 'Point', coordinates: [[4.49, 52.16]] },
  // A bow tie: its edges cross.
  { type: 'Polygon', coordinates: [[[4.48, 52.15], [4.5, 52.17], [4.5, 52.15], [4.48, 52.17], [4.48, 52.15]]] },
  { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [4.49, 52.16] }] },
  { type: 'LineString', coordinates: Array.from({ length: 5_000 }, (_, i) => [4 + i / 10_000, 52]) },
  { type: "Point'; DROP TABLE assets; --", coordinates: [4.49, 52.16] },
];
const BBOX = ['1e308,-1e308,1e308,1e308', '-180,-90,180,90', '4.5,52.2,4.4,52.1', '4.4,52.1,4.4,52.1', "4.4,52.1,4.5,52.2'--", '0,0,0'];

let world: FuzzWorld;
let findings: string[] = [];
let requests = 0;

beforeAll(async () => {
  world = await openFuzzWorld();
}, 180_000);
afterAll(async () => {
  if (world) await closeFuzzWorld(world);
});

/** One valid request per operation, to change one field of at a time. */
function baseRequest(operation: Operation): FuzzRequest {
  return fc.sample(validRequest(operation, world), { seed: 11, numRuns: 1 })[0]!;
}

/** Every field of a request part that takes text, a filter or a geometry. */
function targets(request: FuzzRequest, part: 'params' | 'query' | 'body'): Array<{ path: Path; geometry: boolean }> {
  const { operation } = request;
  const schema: JsonSchema | undefined =
    part === 'body' ? (BODY_SCHEMAS[operation.key] ?? operation.body?.schema) : partSchema(part === 'params' ? operation.params : operation.query);
  const value = part === 'body' ? request.body : request[part];
  if (schema === undefined || value === undefined) return [];
  // In a query string or a path everything is text; in a body, the strings and the geometries.
  const wanted = (site: ReturnType<typeof sitesOf>[number]) =>
    site.path.length > 1 && (part !== 'body' || site.schema.type === 'string' || isGeometry(site.path));
  return sitesOf(value, schema, [part], 3).filter(wanted).map((site) => ({ path: site.path, geometry: isGeometry(site.path) }));
}

const isGeometry = (path: Path) => path.at(-1) === 'location' || path.at(-1) === 'geometry';

/** The request with one field replaced. */
function withField(request: FuzzRequest, path: Path, value: unknown): FuzzRequest {
  const part = path[0] as 'params' | 'query' | 'body';
  return { ...request, [part]: setAt(request[part], path.slice(1), value) };
}

/** The values to try at a field. */
function corpusFor(target: { path: Path; geometry: boolean }, forWrite: boolean): unknown[] {
  if (target.geometry) return GEOMETRY;
  if (target.path[0] === 'params') return (forWrite ? WRITE_TEXT : TEXT).filter((text) => text.length < 150);
  return [...(forWrite ? WRITE_TEXT : TEXT), ...(target.path.at(-1) === 'bbox' ? BBOX : [])];
}

async function tryRequest(actor: Actor, request: FuzzRequest): Promise<Answer> {
  const { answer, problems } = await sendAndCheck(world, actor, request);
  requests += 1;
  if (LEAK.test(answer.body) && answer.statusCode < 400) problems.push('internals in a success answer');
  if (problems.length > 0 && findings.length < 100) findings.push(`${actor} ${request.operation.method} ${request.operation.url} ${JSON.stringify({ params: request.params, query: request.query }).slice(0, 200)} → ${answer.statusCode}: ${problems.join('; ').slice(0, 300)}`);
  return answer;
}

function injectedRequests(operation: Operation, forWrite: boolean): FuzzRequest[] {
  const base = baseRequest(operation);
  return (['params', 'query', 'body'] as const)
    .flatMap((part) => targets(base, part))
    .flatMap((target) => corpusFor(target, forWrite).map((value) => withField(base, target.path, value)));
}

describe(`an injection corpus over every parameter (${backendUnderTest})`, () => {
  it('reads: no 5xx, no internals, and the database unchanged', { timeout: 300_000 }, async () => {
    findings = [];
    const { db } = await testDatabase();
    const before = await fingerprint(db);
    for (const operation of world.operations.filter((o) => o.method === 'GET')) {
      for (const [index, request] of injectedRequests(operation, false).entries()) {
        await tryRequest(index % 2 === 0 ? 'anonymous' : 'admin', request);
      }
    }
    expect(findings).toEqual([]);
    expect(changedTables(before, await fingerprint(db))).toEqual([]);
    console.log(`injection on ${backendUnderTest}: ${requests} reads`);
  });

  it('writes: no 5xx, no internals, and a refused write changes nothing', { timeout: 300_000 }, async () => {
    findings = [];
    const { db } = await testDatabase();
    let before = await fingerprint(db);
    let refused = 0;
    let accepted = 0;
    for (const operation of world.operations.filter((o) => o.method !== 'GET')) {
      for (const request of injectedRequests(operation, true)) {
        const answer = await tryRequest('admin', request);
        const status = answer.statusCode;
        // Refused by the schema, the request never reached a handler: the next fingerprint
        // still covers it, and one per such request would take most of the time here.
        if (refusedBySchema(answer)) {
          refused += 1;
          continue;
        }
        const after = await fingerprint(db);
        if (status >= 400) {
          refused += 1;
          const changed = changedTables(before, after);
          if (changed.length > 0) findings.push(`${request.operation.method} ${request.operation.url} → ${status}, yet changed ${changed.join(', ')}`);
        } else accepted += 1;
        before = after;
      }
    }
    console.log(`injection on ${backendUnderTest}: ${refused} refused writes, ${accepted} accepted`);
    expect(findings).toEqual([]);
  });
});
