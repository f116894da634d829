import {
  type AssetImport,
  AssetImportSchema,
  CATEGORY_CODES,
  type CategoryCode,
  categoryKind,
  IMPORT_FIELDS,
  type ImportField,
  type ImportMapping,
  type ImportProblem,
  type ImportRule,
  type ImportTransform,
  STRUCTURED_IMPORT_FIELDS,
} from '@kwartier/shared';
import { isInRdNewExtent, rdNewToWgs84 } from '../../lib/rd-new.ts';
import { unstorableInput } from '../../lib/unstorable.ts';
import type { SourceRecord } from './import.parse.ts';

/**
 * One record of a file through a mapping: the asset it describes, or the reasons it cannot be
 * one, each naming our field and the file's column.
 */


export type MappedRecord = {
  row: number;
  sourceId: string | null;
  name: string | null;
  asset: AssetImport | null;
  problems: ImportProblem[];
};

const LIST_FIELDS = new Set<string>(IMPORT_FIELDS.filter((field) => field.list).map((field) => field.code));

export function mapRecord(mapping: ImportMapping, record: SourceRecord, declaredCrs?: 'EPSG:4326' | 'EPSG:28992'): MappedRecord {
  const problems: ImportProblem[] = [];
  const problem = (field: string, message: string, severity: ImportProblem['severity'] = 'error') =>
    problems.push({ row: record.row, field, message, severity });

  // Text PostgreSQL cannot store (a NUL, a lone surrogate) or absurd nesting: named, not a failed commit.
  for (const found of unstorableInput(record.values, 'column')) problem(found.field.replace(/^column\./, 'column '), found.message);

  const sourceIdValue = readRule(mapping.sourceId, record);
  const sourceId = sourceIdValue === undefined ? null : String(sourceIdValue).trim() || null;
  if (sourceId === null) problem('sourceId', `no source id (${describeRule(mapping.sourceId)}): a record needs one to be found again on a re-import`);

  const input: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(mapping.fields) as Array<[ImportField, ImportRule]>) {
    const raw = readRule(rule, record);
    if (raw === undefined) continue;
    const value = toFieldValue(field, rule, raw);
    if (value instanceof Error) problem(field, `${value.message} (${describeRule(rule)})`);
    else setPath(input, field, value);
  }

  if (input.kind === undefined && typeof input.category === 'string' && CATEGORY_CODES.includes(input.category as CategoryCode)) {
    input.kind = categoryKind(input.category as CategoryCode);
  }

  const location = readLocation(mapping, record, declaredCrs);
  if (location instanceof Error) problem('location', location.message);
  else input.location = { type: 'Point', coordinates: location };

  const name = typeof input.name === 'string' ? input.name : null;
  if (problems.some((p) => p.severity === 'error')) return { row: record.row, sourceId, name, asset: null, problems };

  // Validate; a field whose rule says "skip" is left out with a warning, and we try again.
  for (;;) {
    const parsed = AssetImportSchema.safeParse({ ...input, source: mapping.source, sourceId: sourceId ?? undefined, status: mapping.status, isSample: false });
    if (parsed.success) return { row: record.row, sourceId, name, asset: parsed.data, problems };
    let skipped = false;
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      // A kind that follows from the category is missing only because the category is wrong.
      if (field === 'kind' && mapping.fields.kind === undefined && parsed.error.issues.some((other) => fieldOf(other.path) === 'category')) continue;
      const rule = mapping.fields[field as ImportField];
      const message = issueMessage(issue, getPath(input, field), rule);
      if (rule && 'column' in rule && rule.onInvalid === 'skip' && getPath(input, field) !== undefined) {
        problem(field, `${message}; left out`, 'warning');
        deletePath(input, field);
        skipped = true;
      } else {
        problem(field, message);
      }
    }
    if (!skipped || problems.some((p) => p.severity === 'error')) return { row: record.row, sourceId, name, asset: null, problems };
  }
}

// Reading a rule -----------------------------------------------------------------------------

/** A column's value by name, with surrounding spaces and case ignored (DUO's "VESTIGINGSNAAM "). */
function columnValue(record: SourceRecord, name: string): unknown {
  if (name in record.values) return record.values[name];
  const wanted = name.trim().toLowerCase();
  for (const [key, value] of Object.entries(record.values)) if (key.trim().toLowerCase() === wanted) return value;
  return undefined;
}

const isEmpty = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function readRule(rule: ImportRule, record: SourceRecord): unknown {
  if ('value' in rule) return rule.value;
  const columns = Array.isArray(rule.column) ? rule.column : [rule.column];
  for (const column of columns) {
    const value = columnValue(record, column);
    if (!isEmpty(value)) return value;
  }
  return undefined;
}

function describeRule(rule: ImportRule): string {
  if ('value' in rule) return 'a fixed value';
  const columns = Array.isArray(rule.column) ? rule.column : [rule.column];
  return `column ${columns.map((column) => `"${column}"`).join(' or ')}`;
}

const TRANSFORMS: Record<ImportTransform, (text: string) => string> = {
  trim: (text) => text.trim(),
  lowercase: (text) => text.toLowerCase(),
  titleCase: (text) => text.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, letter: string) => sep + letter.toUpperCase()),
  url: (text) => {
    const inner = /\[url=([^\]]*)\]/i.exec(text)?.[1]?.trim() ?? text.trim();
    if (inner === '') return '';
    return /^https?:\/\//i.test(inner) ? inner : `http://${inner}`;
  },
};

function cleanText(rule: ImportRule, text: string): string {
  if ('value' in rule) return text;
  let value = rule.transforms.reduce((current, transform) => TRANSFORMS[transform](current), text.trim());
  if (rule.map && Object.hasOwn(rule.map, value)) value = rule.map[value]!;
  return value;
}

/** A raw value as the field wants it: a list, a structured value, a yes/no, or a text. */
function toFieldValue(field: ImportField, rule: ImportRule, raw: unknown): unknown {
  if (STRUCTURED_IMPORT_FIELDS.includes(field)) {
    let value: unknown = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        return new Error(`expected JSON for ${field}`);
      }
    }
    // JSON text can hold what the cell's own check could not see ("\u0000" unescaped).
    const unstorable = unstorableInput(value, field)[0];
    return unstorable ? new Error(`${unstorable.message} (at ${unstorable.field})`) : value;
  }
  if (field === 'shareContactWithProfessionals') {
    if (typeof raw === 'boolean') return raw;
    const text = String(raw).trim().toLowerCase();
    if (['true', 'ja', 'yes', '1'].includes(text)) return true;
    if (['false', 'nee', 'no', '0'].includes(text)) return false;
    return new Error(`expected yes or no, not "${String(raw)}"`);
  }
  if (LIST_FIELDS.has(field)) {
    const items = Array.isArray(raw) ? raw.map(String) : String(raw).split('value' in rule ? ',' : (rule.split ?? ','));
    return items.map((item) => cleanText(rule, item)).filter((item) => item !== '');
  }
  if (typeof raw === 'object') return new Error(`expected a text or a number, not ${Array.isArray(raw) ? 'a list' : 'an object'}`);
  const text = cleanText(rule, String(raw));
  return text === '' ? undefined : text;
}

// Coordinates ----------------------------------------------------------------------------------

/** "52,1601" (a Dutch spreadsheet) or "52.1601" or a number. */
function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  const normalised = /^-?\d+,\d+$/.test(text) ? text.replace(',', '.') : text;
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(normalised)) return null;
  return Number(normalised);
}

function readLocation(mapping: ImportMapping, record: SourceRecord, declaredCrs?: 'EPSG:4326' | 'EPSG:28992'): [number, number] | Error {
  const coordinates = mapping.coordinates;
  let crs = coordinates.crs;
  let x: number | null;
  let y: number | null;
  if (coordinates.from === 'geometry') {
    const geometry = record.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
    if (!geometry) return new Error('no geometry: a record needs a point');
    if (geometry.type !== 'Point' || !Array.isArray(geometry.coordinates)) return new Error(`expected a Point geometry, not ${String(geometry.type)}`);
    [x, y] = [toNumber(geometry.coordinates[0]), toNumber(geometry.coordinates[1])];
    crs = declaredCrs ?? crs;
  } else {
    [x, y] = [toNumber(columnValue(record, coordinates.x)), toNumber(columnValue(record, coordinates.y))];
    if (x === null || y === null) return new Error(`no number in column "${x === null ? coordinates.x : coordinates.y}"`);
  }
  if (x === null || y === null) return new Error('the point has no numeric coordinates');
  if (crs === 'EPSG:28992') {
    // RD New covers the European Netherlands: x 0 to 300 km, y 289 to 629 km.
    if (!isInRdNewExtent(x, y)) return new Error(`[${x}, ${y}] is not a point in RD New (EPSG:28992)`);
    return rdNewToWgs84(x, y);
  }
  if (Math.abs(x) > 180 || Math.abs(y) > 90) {
    return new Error(`[${x}, ${y}] are not longitude and latitude; are the coordinates in RD New (EPSG:28992)? Set that in the mapping`);
  }
  return [x, y];
}

// Fields and paths --------------------------------------------------------------------------

/** A validation issue's path as one of our field codes ("address.street", "location"). */
function fieldOf(path: ReadonlyArray<PropertyKey>): string {
  const [head, next] = path.map(String);
  if (head === 'address' || head === 'contact') return next ? `${head}.${next}` : head;
  return head ?? 'record';
}

function issueMessage(issue: { code: string; message: string; input?: unknown }, value: unknown, rule: ImportRule | undefined): string {
  const from = rule ? ` (${describeRule(rule)})` : '';
  if (issue.code === 'invalid_value') return `"${String(issue.input ?? value)}" is not one of Kwartier's codes for this field${from}`;
  return `${issue.message}${from}`;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) target[head] = value;
  else target[head] = { ...(target[head] as Record<string, unknown> | undefined), [tail]: value };
}

function getPath(target: Record<string, unknown>, path: string): unknown {
  const [head, tail] = path.split('.') as [string, string | undefined];
  return tail === undefined ? target[head] : (target[head] as Record<string, unknown> | undefined)?.[tail];
}

function deletePath(target: Record<string, unknown>, path: string): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) delete target[head];
  else delete (target[head] as Record<string, unknown> | undefined)?.[tail];
}
