import type { FastifyInstance } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { ApiErrorSchema } from '@kwartier/shared';
import type { JsonSchema } from './fuzz.ts';

/**
 * The app's routes as the app itself knows them: every route from Fastify's router, and the
 * schemas of each from the OpenAPI document the zod type provider writes (the same zod schemas
 * that validate the requests). A new route shows up in both without anyone listing it.
 */

export type RouteKey = `${string} ${string}`;

export type Parameter = { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema };

export type Operation = {
  method: string;
  /** In OpenAPI form: /api/assets/{id}. */
  url: string;
  key: RouteKey;
  params: Parameter[];
  query: Parameter[];
  /** The JSON body's schema and whether a body is required, or undefined for no JSON body. */
  body: { schema: JsonSchema; required: boolean; contentTypes: string[] } | undefined;
  /** Status code → the JSON schema of the answer, or null where it is not JSON (CSV, Atom, 204). */
  responses: Map<number, JsonSchema | null>;
};

/**
 * Every method and URL in Fastify's router, from `printRoutes` (its tree: each line one node,
 * four characters of indent per level, a node's path its parent's plus its own segment).
 * HEAD is left out: Fastify answers it from the GET route's handler.
 */
export function registeredRoutes(app: FastifyInstance): RouteKey[] {
  const stack: string[] = [];
  const routes: RouteKey[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack[depth] = path;
    const url = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) routes.push(`${method} ${url}`);
  }
  return routes;
}

type OpenApiOperation = {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
};

/** Every operation in the OpenAPI document, with its schemas. */
export function documentedOperations(app: FastifyInstance): Operation[] {
  const document = app.swagger() as { paths: Record<string, Record<string, OpenApiOperation>> };
  return Object.entries(document.paths).flatMap(([url, operations]) =>
    Object.entries(operations).map(([lower, operation]): Operation => {
      const method = lower.toUpperCase();
      const parameters = (operation.parameters ?? []).map((p) => ({ name: p.name, in: p.in as Parameter['in'], required: p.required ?? false, schema: p.schema }));
      const jsonBody = operation.requestBody?.content['application/json'];
      return {
        method,
        url,
        key: `${method} ${url}`,
        params: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        body: jsonBody ? { schema: jsonBody.schema, required: operation.requestBody?.required ?? false, contentTypes: Object.keys(operation.requestBody!.content) } : undefined,
        responses: new Map(
          Object.entries(operation.responses ?? {}).map(([status, response]) => [Number(status), response.content?.['application/json']?.schema ?? null]),
        ),
      };
    }),
  );
}

/** The schema of a request part (path parameters or query string) as one object. */
export function partSchema(parameters: Parameter[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}

/**
 * Answers any route may give without declaring them, all in the one error shape: Fastify's
 * own refusals (400 malformed JSON, 413, 415), a session or role check (401, 403), an unknown
 * id (404), a conflict (409), a rate limit (429), the database away (503).
 */
export const GENERIC_ERROR_STATUSES = new Set([400, 401, 403, 404, 409, 413, 414, 415, 429, 503]);

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
addFormats.default(ajv);
const compiledSchemas = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  if (typeof schema === 'boolean') return ajv.compile(schema);
  let validate = compiledSchemas.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiledSchemas.set(schema, validate);
  }
  return validate;
}

/** Text that would tell an attacker about the server's insides. */
export const LEAK = /syntax error at or near|relation "[^"]*" does not exist|column "[^"]*" does not exist|invalid input syntax for|violates [a-z -]*constraint|\bat \S+\.[cm]?[jt]s:\d+|node_modules\/|\bpg_[a-z_]+\(|\bSELECT\s[\s\S]{0,200}\sFROM\s|\bINSERT INTO\b|\bUPDATE\s+\w+\s+SET\b/i;

export type Answer = { statusCode: number; headers: Record<string, unknown>; body: string };

/**
 * What is wrong with an answer, or an empty list: a 5xx, a status the route does not declare,
 * a body that does not match the declared schema for its status, an error outside the one
 * error shape, or server internals in the body.
 */
export function problemsWith(operation: Operation, answer: Answer, undeclaredSuccess?: { status: number; contentType: RegExp }): string[] {
  const { statusCode, body } = answer;
  const contentType = String(answer.headers['content-type'] ?? '');
  const problems: string[] = [];
  if (statusCode >= 500) problems.push(`status ${statusCode}`);
  if (statusCode >= 400 && LEAK.test(body)) problems.push(`internals in the answer: ${body.slice(0, 300)}`);
  const declared = operation.responses.get(statusCode);
  if (declared !== undefined) {
    if (declared !== null) problems.push(...schemaProblems(declared, body, contentType));
  } else if (GENERIC_ERROR_STATUSES.has(statusCode)) {
    problems.push(...errorShapeProblems(body));
  } else if (undeclaredSuccess && statusCode === undeclaredSuccess.status) {
    if (!undeclaredSuccess.contentType.test(contentType)) problems.push(`content type ${contentType} for ${statusCode}`);
  } else {
    problems.push(`undeclared status ${statusCode}`);
  }
  return problems;
}

function schemaProblems(schema: JsonSchema, body: string, contentType: string): string[] {
  if (!/json/.test(contentType)) return [`content type ${contentType || '(none)'} where JSON is declared`];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return ['a body that is not JSON'];
  }
  const validate = validatorFor(schema);
  return validate(parsed) ? [] : [`body does not match its schema: ${ajv.errorsText(validate.errors)}; ${body.slice(0, 300)}`];
}

function errorShapeProblems(body: string): string[] {
  try {
    return ApiErrorSchema.safeParse(JSON.parse(body)).success ? [] : [`not the error shape: ${body.slice(0, 300)}`];
  } catch {
    return [`not JSON: ${body.slice(0, 300)}`];
  }
}
