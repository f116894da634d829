import { type Kysely, sql } from 'kysely';
import type { DB } from '../../server/src/db/types.ts';
import { userTables } from '../../server/src/modules/recovery/recovery.repository.ts';

/** Every row of every table, as sorted JSON lines per table. */
export type Snapshot = Record<string, string[]>;

/**
 * Two databases that did the same thing at different moments differ in what that moment and
 * chance made: times after `from` (up to `to`) read "<volatile time>", and uuids that `known`
 * (the ids of an earlier snapshot) lacks read "<new uuid>".
 */
export type Volatile = { from: Date; to: Date; known: Set<string> };

/**
 * What a database holds, row by row, for every table the catalog lists (so that a table added
 * later is compared too), with what is `volatile` masked.
 */
export async function snapshot(db: Kysely<DB>, volatile?: Volatile): Promise<Snapshot> {
  const tables = await userTables(db);
  const result: Snapshot = {};
  for (const { schema, name } of tables) {
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.id(schema, name)}`.execute(db);
    result[`${schema}.${name}`] = rows.map((row) => JSON.stringify(row, (_key, value) => (volatile ? mask(value, volatile) : value))).sort();
  }
  return result;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

function mask(value: unknown, volatile: Volatile): unknown {
  if (typeof value !== 'string') return value;
  if (TIME.test(value)) {
    const time = Date.parse(value);
    return time >= volatile.from.getTime() && time <= volatile.to.getTime() ? '<volatile time>' : value;
  }
  return value.replace(UUID, (id) => (volatile.known.has(id) ? id : '<new uuid>'));
}

/** Every uuid a snapshot holds. */
export function uuidsIn(taken: Snapshot): Set<string> {
  return new Set(Object.values(taken).flatMap((rows) => rows.flatMap((row) => row.match(UUID) ?? [])));
}

/**
 * Where two snapshots differ, per table: a few rows only one of them has. Empty when equal;
 * small enough to read in a failed assertion.
 */
export function differences(actual: Snapshot, expected: Snapshot): Record<string, { onlyActual: string[]; onlyExpected: string[] }> {
  const result: Record<string, { onlyActual: string[]; onlyExpected: string[] }> = {};
  for (const table of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    const onlyActual = without(actual[table] ?? [], expected[table] ?? []);
    const onlyExpected = without(expected[table] ?? [], actual[table] ?? []);
    if (onlyActual.length || onlyExpected.length) {
      result[table] = { onlyActual: onlyActual.slice(0, 3).map(short), onlyExpected: onlyExpected.slice(0, 3).map(short) };
    }
  }
  return result;
}

/** The rows of `rows` that `other` lacks, counting duplicates. */
function without(rows: string[], other: string[]): string[] {
  const left = new Map<string, number>();
  for (const row of other) left.set(row, (left.get(row) ?? 0) + 1);
  return rows.filter((row) => {
    const n = left.get(row) ?? 0;
    if (n > 0) left.set(row, n - 1);
    return n === 0;
  });
}

const short = (row: string) => (row.length > 400 ? `${row.slice(0, 400)}…` : row);
