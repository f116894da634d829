import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backendUnderTest } from '../helpers/app.ts';
import { ACTORS, type FuzzRequest, type FuzzWorld, breakableParts, brokenRequest, closeFuzzWorld, keepSignedIn, openFuzzWorld, poolsOf, refusedBySchema, sendAndCheck, unfuzzedRoutes, validRequest } from '../helpers/fuzz-world.ts';
import { registeredRoutes } from '../helpers/route-inventory.ts';
import type { Operation } from '../helpers/route-inventory.ts';

/**
 * Property-based fuzzing of every route, from the route's own schemas: requests that the
 * schemas allow and requests with one field broken, as an anonymous visitor and as each role.
 * Whatever comes in: no 5xx, every answer a status the route declares (or a generic error in
 * the one error shape) with a body that matches its schema, and a broken field is named.
 *
 * FUZZ_SEED varies the requests (the seed is printed); FUZZ_SCALE multiplies their number.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261209);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** Per route: requests of each kind, and the time they may take (a slow route gets fewer). */
const VALID_RUNS = Math.round(50 * SCALE);
const BROKEN_RUNS = Math.round(75 * SCALE);
const TIME_PER_PROPERTY_MS = 500 * SCALE;
/** The issue asks for at least this many requests per run, on each database. */
const MINIMUM_REQUESTS = 10_000;

type RouteTally = { valid: number; reachedHandler: number; broken: number; statuses: Record<number, number>; refusedValid: Record<string, number> };
type Finding = { actor: string; request: string; status: number; problems: string[] };

let world: FuzzWorld;
const tallies = new Map<string, RouteTally>();
const findings: Finding[] = [];
const startedAt = Date.now();

beforeAll(async () => {
  world = await openFuzzWorld();
}, 180_000);
afterAll(async () => {
  if (world) await closeFuzzWorld(world);
});

/** Runs one property over an operation: each generated request is sent and its answer checked. */
async function fuzz(operation: Operation, kind: 'valid' | 'broken', requests: fc.Arbitrary<FuzzRequest>, runs: number, seed: number): Promise<void> {
  const tally = tallies.get(operation.key)!;
  // A slow route (a password hash per request) stops early: the runs left are generated, not sent.
  const deadline = Date.now() + TIME_PER_PROPERTY_MS;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ACTORS), requests, async (actor, request) => {
      if (Date.now() > deadline) return true;
      const { answer, problems } = await sendAndCheck(world, actor, request);
      tally[kind] += 1;
      tally.statuses[answer.statusCode] = (tally.statuses[answer.statusCode] ?? 0) + 1;
      if (kind === 'valid' && !refusedBySchema(answer)) tally.reachedHandler += 1;
      else if (kind === 'valid') countRefusedFields(tally, answer.body);
      if (problems.length > 0 && findings.length < 200) {
        findings.push({ actor, request: describeRequest(request), status: answer.statusCode, problems });
      }
      // Findings are collected and reported together below, so one run shows all of them.
      return true;
    }),
    { seed, numRuns: runs },
  );
}

/** Which fields the schema refused in "valid" requests: where the generator needs a hint. */
function countRefusedFields(tally: RouteTally, body: string): void {
  let fields: Array<{ field: string }>;
  try {
    fields = (JSON.parse(body) as { error: { fields?: Array<{ field: string }> } }).error.fields ?? [];
  } catch {
    fields = [{ field: '(a page, not JSON)' }];
  }
  for (const { field, message } of fields as Array<{ field: string; message?: string }>) { const k = process.env.FUZZ_DEBUG ? `${field} (${message})` : field; tally.refusedValid[k] = (tally.refusedValid[k] ?? 0) + 1; }
}

function describeRequest(request: FuzzRequest): string {
  const { method, url } = request.operation;
  const shown = { params: request.params, query: request.query, body: request.body, ...(request.broken ? { broken: request.broken } : {}) };
  return `${method} ${url} ${JSON.stringify(shown).slice(0, 600)}`;
}

/** A seed per route and kind, from the run's seed, so a route's requests do not depend on the routes before it. */
function seedFor(operation: Operation, kind: string): number {
  let hash = SEED;
  for (const char of `${operation.key} ${kind}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

describe(`every route, fuzzed from its schemas (${backendUnderTest})`, () => {
  it('the fuzzer knows every route in the router, but for the ones left out on purpose', () => {
    // The inventory is read from the router's own listing: a listing it cannot read is a failure, not an empty list.
    expect(registeredRoutes(world.app)).toEqual(expect.arrayContaining(['GET /api/assets', 'POST /api/assets', 'PATCH /api/assets/{id}', 'GET /tiles/assets/{z}/{x}/{y}.mvt']));
    expect(unfuzzedRoutes(world)).toEqual([]);
  });

  it('valid and broken requests, as every role: no 5xx, answers match their schemas, broken fields named', { timeout: 600_000 }, async () => {
    for (const operation of world.operations) {
      tallies.set(operation.key, { valid: 0, reachedHandler: 0, broken: 0, statuses: {}, refusedValid: {} });
      world.pools = await poolsOf(world.app, world.agents);
      await fuzz(operation, 'valid', validRequest(operation, world), VALID_RUNS, seedFor(operation, 'valid'));
      if (breakableParts(operation).length > 0) await fuzz(operation, 'broken', brokenRequest(operation, world), BROKEN_RUNS, seedFor(operation, 'broken'));
      // A fuzzed logout ends a session; the next route should still be tried signed in.
      await keepSignedIn(world);
    }
    report();
    expect(findings.map((f) => `${f.actor} ${f.request} → ${f.status}: ${f.problems.join('; ')}`)).toEqual([]);
    expect(world.stats.byStatusClass['5xx'] ?? 0).toBe(0);
    expect(world.stats.requests).toBeGreaterThanOrEqual(MINIMUM_REQUESTS);
  });

  it('each route was reached with valid requests: some got past validation to the handler', () => {
    const stuck = [...tallies].filter(([, tally]) => tally.valid > 0 && tally.reachedHandler === 0).map(([key]) => key);
    expect(stuck).toEqual([]);
  });
});


/** The figures for the issue's note: seed, requests, answers per status class, per route. */
function report(): void {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const lines = [...tallies].map(([key, t]) => {
    const statuses = Object.entries(t.statuses).map(([status, n]) => `${status}×${n}`).join(' ');
    const refused = Object.entries(t.refusedValid).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([field, n]) => `${field}×${n}`).join(' ');
    return `  ${key.padEnd(52)} valid ${String(t.valid).padStart(3)} (past validation ${String(t.reachedHandler).padStart(3)}), broken ${String(t.broken).padStart(3)}: ${statuses}${refused ? ` | schema refused ${refused}` : ''}`;
  });
  console.log(
    [
      `fuzz on ${backendUnderTest}: seed ${SEED}, ${world.stats.requests} requests in ${seconds} s over ${tallies.size} routes`,
      `  by status class: ${JSON.stringify(world.stats.byStatusClass)}; 429 answered and retried: ${world.stats.rateLimited}; 5xx: ${world.stats.byStatusClass['5xx'] ?? 0}`,
      ...lines,
    ].join('\n'),
  );
}
