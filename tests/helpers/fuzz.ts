import fc from 'fast-check';

/**
 * Request values from JSON Schema, for the property-based fuzz tests (tests/fuzz/). The schemas
 * are the app's own: the OpenAPI document the zod type provider writes from the route schemas
 * (see route-inventory.ts). Two kinds of value:
 *
 * - valid ones, which JSON Schema allows; with hints (known ids, points in the Netherlands) so
 *   that most get past the zod refinements JSON Schema cannot say, and reach the handler;
 * - invalid ones, a valid value with exactly one field broken, and the path of that field, so a
 *   test can check that the 400 names it.
 */

export type JsonSchema =
  | boolean
  | {
      type?: string | string[];
      enum?: unknown[];
      const?: unknown;
      properties?: Record<string, JsonSchema>;
      required?: string[];
      additionalProperties?: JsonSchema;
      propertyNames?: JsonSchema;
      items?: JsonSchema;
      prefixItems?: JsonSchema[];
      minItems?: number;
      maxItems?: number;
      minLength?: number;
      maxLength?: number;
      pattern?: string;
      format?: string;
      minimum?: number;
      maximum?: number;
      exclusiveMinimum?: number;
      exclusiveMaximum?: number;
      anyOf?: JsonSchema[];
      oneOf?: JsonSchema[];
      default?: unknown;
    };
export type SchemaObject = Exclude<JsonSchema, boolean>;

/** Where a value sits: ['query', 'lat'], ['body', 'location', 'coordinates', '1']. */
export type Path = string[];

/**
 * A value to use at a path beside what the schema alone would give (a known id beside a random
 * one), or instead of it (`only`: an indicator code, where a random word is only ever refused).
 */
export type Hint = (path: Path, schema: SchemaObject) => { value: fc.Arbitrary<unknown>; only?: boolean } | undefined;

/** Query strings and path parameters carry text only: a number in one arrives as its digits. */
export type Carrier = 'text' | 'json';

/** Strings longer than this are made only at their schema's bound, so requests stay small. */
const TYPICAL_STRING = 40;
const TYPICAL_ARRAY = 4;

const asObject = (schema: JsonSchema): SchemaObject => (schema === true ? {} : schema === false ? { not: {} } as SchemaObject : schema);

function typesOf(schema: SchemaObject): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === 'string') return [schema.type];
  return [];
}

// ------------------------------------------------------------------------------------------
// Valid values

/** A value the schema accepts, preferring the hint for this path most of the time. */
export function validValue(schema: JsonSchema, path: Path, hint: Hint): fc.Arbitrary<unknown> {
  const hinted = hint(path, asObject(schema));
  if (hinted?.only) return hinted.value;
  const plain = fromSchema(asObject(schema), path, hint);
  // Mostly the hint (a known id reaches the handler), sometimes the schema's own value (a
  // well-formed id nobody has: the 404 path).
  return hinted ? fc.oneof({ weight: 4, arbitrary: hinted.value }, { weight: 1, arbitrary: plain }) : plain;
}

function fromSchema(schema: SchemaObject, path: Path, hint: Hint): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return fc.oneof(...branches.map((branch) => validValue(branch, path, hint)));
  const types = typesOf(schema);
  if (types.length > 1) return fc.oneof(...types.map((type) => fromSchema({ ...schema, type }, path, hint)));
  switch (types[0]) {
    case 'string':
      return validString(schema);
    case 'integer':
      return fc.integer({ min: integerBound(schema, 'min'), max: integerBound(schema, 'max') });
    case 'number':
      return validNumber(schema);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return validArray(schema, path, hint);
    case 'object':
      return validObject(schema, path, hint);
    default:
      // No type (zod's unknown): any small JSON value.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function integerBound(schema: SchemaObject, side: 'min' | 'max'): number {
  if (side === 'min') {
    const min = schema.exclusiveMinimum !== undefined ? Math.floor(schema.exclusiveMinimum) + 1 : schema.minimum;
    return Math.max(min ?? -1_000_000, -1_000_000_000);
  }
  const max = schema.exclusiveMaximum !== undefined ? Math.ceil(schema.exclusiveMaximum) - 1 : schema.maximum;
  return Math.min(max ?? 1_000_000, 1_000_000_000);
}

function validNumber(schema: SchemaObject): fc.Arbitrary<number> {
  const min = schema.exclusiveMinimum ?? schema.minimum ?? -1_000_000;
  const max = schema.exclusiveMaximum ?? schema.maximum ?? 1_000_000;
  return fc.double({
    min,
    max,
    minExcluded: schema.exclusiveMinimum !== undefined,
    maxExcluded: schema.exclusiveMaximum !== undefined,
    noNaN: true,
    noDefaultInfinity: true,
  }).map((n) => (Object.is(n, -0) ? 0 : n));
}

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  uuid: fc.uuid({ version: 4 }),
  email: fc.emailAddress().filter((email) => /^[A-Za-z0-9_'+\-.]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(email) && !email.includes('..') && !email.startsWith('.')),
  'date-time': fc.date({ min: new Date('1971-01-01'), max: new Date('2199-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  date: fc.date({ min: new Date('1971-01-01'), max: new Date('2199-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  uri: fc.webUrl({ validSchemes: ['https'] }),
};

/** A regular expression of the schema, or undefined where JavaScript cannot compile it. */
function compiled(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

function validString(schema: SchemaObject): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 1000;
  const fits = (text: string) => text.length >= minLength && text.length <= maxLength;
  const pattern = schema.pattern ? compiled(schema.pattern) : undefined;
  const format = schema.format ? FORMATS[schema.format] : undefined;
  if (format) return format.filter((text) => fits(text) && (!pattern || pattern.test(text)));
  if (pattern) return stringMatching(pattern).filter(fits);
  const typical = fc.string({ unit: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ') }, fc.constantFrom(...'ëéçÅß€—🙂\'"%_\\;<>&')), minLength, maxLength: Math.min(maxLength, Math.max(minLength, TYPICAL_STRING)) });
  // Also text at exactly the bound, where off-by-one mistakes live.
  const atBound = fc.constant('x'.repeat(maxLength));
  // Trimmed schemas (z.string().trim()) would shorten padding: keep a letter at each end.
  return (maxLength > TYPICAL_STRING && maxLength <= 10_000 ? fc.oneof({ weight: 9, arbitrary: typical }, { weight: 1, arbitrary: atBound }) : typical)
    .map((text) => {
      // By code point, so an emoji is never cut in half into a lone surrogate.
      const points = Array.from(text);
      return points.length >= 2 ? `k${points.slice(1, -1).join('')}k` : text;
    });
}

/** fast-check's `stringMatching`, or a plain string for patterns it cannot read (\p{L}). */
function stringMatching(pattern: RegExp): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(pattern);
  } catch {
    return fc.constantFrom('Buurthuis', 'De Brug', 'Jan', 'Amira');
  }
}

function validArray(schema: SchemaObject, path: Path, hint: Hint): fc.Arbitrary<unknown[]> {
  if (schema.prefixItems) return fc.tuple(...schema.prefixItems.map((item, index) => validValue(item, [...path, String(index)], hint)));
  const item = asObject(schema.items ?? true);
  const minLength = schema.minItems ?? 0;
  // Enumerated tags may not repeat (a repeated tag is refused), and there are only so many.
  const distinct = item.enum ? item.enum.length : Infinity;
  const maxLength = Math.min(schema.maxItems ?? TYPICAL_ARRAY, minLength + TYPICAL_ARRAY, distinct);
  const items = validValue(item, [...path, '0'], hint);
  return fc.uniqueArray(items, { minLength, maxLength, selector: (value) => JSON.stringify(value) });
}

function validObject(schema: SchemaObject, path: Path, hint: Hint): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  if (Object.keys(properties).length === 0 && schema.additionalProperties && schema.additionalProperties !== true) {
    // A record (zod's z.record): a few keys of its kind.
    const key = schema.propertyNames ? validValue(schema.propertyNames, [...path, '*key'], hint) : fc.string({ minLength: 1, maxLength: 12 });
    return fc.dictionary(key as fc.Arbitrary<string>, validValue(schema.additionalProperties, [...path, '*'], hint), { maxKeys: 3 });
  }
  const model = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, validValue(property, [...path, name], hint)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) }) as fc.Arbitrary<Record<string, unknown>>;
}

// ------------------------------------------------------------------------------------------
// One field broken

/** A request part with one field broken, and that field's path. */
export type Broken = { value: unknown; field: Path };

/**
 * Values this schema refuses, each certainly wrong however the route reads it. In a query
 * string or path (`text`) a value's type is lost, so "42 for a string" is no break there.
 */
export function invalidValues(schema: JsonSchema, carrier: Carrier): unknown[] {
  const s = asObject(schema);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return carrier === 'json' ? ofNoBranch(branches.map(asObject)) : [];
  if (s.enum) return s.enum.every((option) => typeof option === 'string') ? ['not-one-of-these', ...(carrier === 'json' ? [7] : [])] : ['not-one-of-these'];
  const types = typesOf(s);
  if (types.length !== 1) return [];
  const wrongType = carrier === 'json' ? [types[0] === 'string' ? 42 : 'wrong type'] : [];
  switch (types[0]) {
    case 'string':
      return [...wrongType, ...brokenStrings(s, carrier)];
    case 'integer':
      return [...wrongType, 1.5, ...brokenNumbers(s, carrier)];
    case 'number':
      return [...wrongType, ...brokenNumbers(s, carrier)];
    case 'boolean':
      return carrier === 'json' ? ['true', 2] : ['maybe'];
    case 'array':
      // A single value in a query string is read as a list of one, so only JSON breaks the type.
      return carrier === 'json' ? ['not a list', ...(s.maxItems !== undefined && s.maxItems < 200 && !s.prefixItems ? [tooManyItems(s)] : [])] : [];
    case 'object':
      return carrier === 'json' ? ['not an object', [1]] : [];
    default:
      return [];
  }
}

/** A value of a type none of the branches takes (42 where an object or null goes). */
function ofNoBranch(branches: SchemaObject[]): unknown[] {
  const taken = new Set(branches.flatMap((branch) => (branch.enum ? ['enum'] : typesOf(branch))));
  if (taken.size === 0 || taken.has('enum')) return [];
  const candidates: Array<[string[], unknown]> = [[['number', 'integer'], 42], [['string'], 'wrong type'], [['array'], [1]], [['boolean'], true], [['object'], { unexpectedField: 1 }]];
  return candidates.filter(([types]) => !types.some((type) => taken.has(type))).slice(0, 1).map(([, value]) => value);
}

function tooManyItems(schema: SchemaObject): unknown[] {
  const item = asObject(schema.items ?? true);
  const sample = item.enum?.[0] ?? fc.sample(validValue(item, [], () => undefined), { numRuns: 1, seed: 1 })[0];
  return Array.from({ length: (schema.maxItems ?? 0) + 1 }, () => sample);
}

function brokenStrings(schema: SchemaObject, carrier: Carrier): string[] {
  const broken: string[] = [];
  // Past the maximum; in a path not past the router's own limit on a parameter (that is a 414).
  if (schema.maxLength !== undefined && (carrier === 'json' || schema.maxLength < 150)) broken.push('y'.repeat(schema.maxLength + 1));
  if (schema.minLength && schema.minLength > 1) broken.push('y');
  const pattern = schema.pattern ? compiled(schema.pattern) : undefined;
  if (pattern) broken.push(...['!!', 'not matching', '%ZZ'].filter((text) => !pattern.test(text)).slice(0, 1));
  if (schema.format === 'email') broken.push('not-an-address');
  if (schema.format === 'date-time') broken.push('2026-13-45T99:00:00Z');
  if (schema.format === 'date') broken.push('2026-02-30');
  if (schema.format === 'uri') broken.push('not a web address');
  return broken;
}

function brokenNumbers(schema: SchemaObject, carrier: Carrier): unknown[] {
  const broken: unknown[] = [];
  const min = schema.exclusiveMinimum ?? schema.minimum;
  const max = schema.exclusiveMaximum ?? schema.maximum;
  if (min !== undefined && min > -1e15) broken.push(schema.exclusiveMinimum !== undefined ? min : min - 1);
  if (max !== undefined && max < 1e15) broken.push(schema.exclusiveMaximum !== undefined ? max : max + 1);
  // Text that Number() would read but a careful parser refuses.
  if (carrier === 'text') broken.push('abc', '0x10', 'Infinity', '1e3');
  return broken;
}

/** A field of a value, with the schema it has there and the object schema that holds it. */
type Site = { path: Path; schema: SchemaObject; parent: SchemaObject | undefined };

/**
 * Every field present in a value, with its schema. `depth` keeps it to the fields a person
 * would name (body.location.coordinates.1, not the tenth item of a list in a list).
 */
export function sitesOf(value: unknown, schema: JsonSchema, path: Path, depth = 5, parent?: SchemaObject): Site[] {
  if (value === undefined) return [];
  const s = asObject(schema);
  const here: Site = { path, schema: s, parent };
  if (depth === 0 || value === null) return [here];
  const branch = (s.anyOf ?? s.oneOf)?.map(asObject).find((b) => matchesType(b, value));
  if (branch) return [here, ...sitesOf(value, branch, path, depth, parent).slice(1)];
  if (Array.isArray(value)) {
    const children = value.slice(0, 2).flatMap((item, index) => {
      const itemSchema = s.prefixItems?.[index] ?? s.items;
      return itemSchema === undefined || itemSchema === false ? [] : sitesOf(item, itemSchema, [...path, String(index)], depth - 1);
    });
    return [here, ...children];
  }
  if (typeof value === 'object' && s.properties) {
    const record = value as Record<string, unknown>;
    return [here, ...Object.entries(s.properties).flatMap(([name, property]) => sitesOf(record[name], property, [...path, name], depth - 1, s))];
  }
  return [here];
}

function matchesType(schema: SchemaObject, value: unknown): boolean {
  const types = typesOf(schema);
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
  return types.includes(kind) || (kind === 'integer' && types.includes('number')) || (schema.enum?.includes(value) ?? false);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every way to break one field of `value` (which sits at `root`): a wrong value, a required
 * field left out, an unknown field where the schema allows none.
 */
export function breakages(value: unknown, schema: JsonSchema, root: Path, carrier: Carrier): Broken[] {
  return sitesOf(value, schema, root).flatMap((site) => {
    const at = site.path.slice(root.length);
    const ways: Broken[] = invalidValues(site.schema, carrier).map((wrong) => ({ value: setAt(value, at, wrong), field: site.path }));
    if (isPlainObject(getAt(value, at)) && site.schema.additionalProperties === false) {
      ways.push({ value: setAt(value, [...at, 'unexpectedField'], 'x'), field: [...site.path, 'unexpectedField'] });
    }
    const name = site.path.at(-1)!;
    if (site.parent && (site.parent.required ?? []).includes(name) && site.schema.default === undefined) {
      ways.push({ value: setAt(value, at, undefined), field: site.path });
    }
    return ways;
  });
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

/** A copy of `value` with `path` set (or removed, for undefined); the original is left alone. */
export function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const next = setAt((copy as Record<string, unknown>)[key], rest, replacement);
  if (next === undefined && !Array.isArray(copy)) delete (copy as Record<string, unknown>)[key];
  else (copy as Record<string, unknown>)[key] = next;
  return copy;
}
