import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { backendUnderTest } from '../helpers/app.ts';
import { type FuzzRequest, type FuzzWorld, UPLOAD_ROUTES, breakableParts, brokenRequest, closeFuzzWorld, injectOptions, openFuzzWorld, send } from '../helpers/fuzz-world.ts';
import { GENERIC_ERROR_STATUSES, LEAK } from '../helpers/route-inventory.ts';
import { ApiErrorSchema } from '@kwartier/shared';

/**
 * Content-Type tricks, oversize and hostile bodies never get a body past validation: against
 * every route that takes a body, as an admin (who may do everything, so a body that slipped
 * through would be acted on), with a body the route's schema refuses. The answer must be a 4xx
 * in the one error shape; never a 2xx, never a 5xx.
 */
const TRICKS: Array<[string, string | undefined]> = [
  ['a tab and a word after the type', 'application/json\ta'],
  ['a leading space', ' application/json'],
  ['capitals and a dangling semicolon', 'Application/JSON ;'],
  ['garbage after the type', 'application/json garbage'],
  ['a type that only starts like JSON', 'application/jsonx'],
  ['a charset JSON is never sent in', 'application/json; charset=utf-16'],
  ['plain text', 'text/plain'],
  ['a form', 'application/x-www-form-urlencoded'],
  ['multipart', 'multipart/form-data; boundary=x'],
  ['no Content-Type at all', undefined],
];

let world: FuzzWorld;
/** Per route with a body: a request whose body (or, for file uploads, query) the route refuses. */
let refused: FuzzRequest[];

beforeAll(async () => {
  world = await openFuzzWorld();
  // A file upload's body is bytes the handler reads; its query string is what its schema refuses.
  refused = world.operations
    .filter((operation) => breakableParts(operation).includes('body') || UPLOAD_ROUTES.has(operation.key))
    .flatMap((operation) => fc.sample(brokenRequest(operation, world, UPLOAD_ROUTES.has(operation.key) ? ['query'] : ['body']), { seed: 9, numRuns: 1 }));
}, 180_000);
afterAll(async () => {
  if (world) await closeFuzzWorld(world);
});

/** What is wrong with the answer to a body that should never be accepted. */
async function refusal(options: InjectOptions, allowed: number[]): Promise<string[]> {
  const answer = await send(world, 'admin', options);
  const problems: string[] = [];
  if (!allowed.includes(answer.statusCode)) problems.push(`status ${answer.statusCode}`);
  if (GENERIC_ERROR_STATUSES.has(answer.statusCode)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      parsed = undefined;
    }
    if (!ApiErrorSchema.safeParse(parsed).success) problems.push(`not the error shape: ${answer.body.slice(0, 200)}`);
  }
  if (LEAK.test(answer.body)) problems.push(`internals: ${answer.body.slice(0, 200)}`);
  return problems.map((problem) => `${options.method} ${options.url} → ${problem}`);
}

describe(`Content-Type tricks and hostile bodies never bypass validation (${backendUnderTest})`, () => {
  it('covers every route that takes a body', () => {
    expect(refused.length).toBeGreaterThan(25);
    expect(refused.map((request) => request.operation.key)).toEqual(expect.arrayContaining(['POST /api/assets', 'PUT /api/import-mappings/{name}', 'POST /api/imports']));
  });

  it.each(TRICKS)('%s: 400 or 415, in the error shape', async (_what, contentType) => {
    const problems: string[] = [];
    for (const request of refused) {
      const options = injectOptions(request);
      const headers = { ...(options.headers as Record<string, string>) };
      delete headers['content-type'];
      if (contentType !== undefined) headers['content-type'] = contentType;
      // A body the route refuses, so that any 2xx means the body slipped past its schema.
      problems.push(...(await refusal({ ...options, headers, payload: options.payload ?? '{"unexpectedField":1}' }, [400, 415])));
    }
    expect(problems).toEqual([]);
  });

  it('a body over the limit is a 413, nested ten thousand deep or of invalid UTF-8 a 400', async () => {
    const problems: string[] = [];
    const jsonRoutes = refused.filter((request) => request.operation.body !== undefined);
    for (const request of jsonRoutes) {
      const options = injectOptions(request);
      const json = { ...options, headers: { 'content-type': 'application/json' } };
      problems.push(...(await refusal({ ...json, payload: JSON.stringify({ name: 'x'.repeat(300 * 1024) }) }, [413])));
      problems.push(...(await refusal({ ...json, payload: `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}` }, [400])));
      // 0xC3 0x28 is no UTF-8 sequence: refused, not stored as a replacement character.
      const invalidUtf8 = Buffer.concat([Buffer.from('{"name":"Buurthuis '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
      problems.push(...(await refusal({ ...json, payload: invalidUtf8 }, [400])));
    }
    expect(problems).toEqual([]);
  });
});
