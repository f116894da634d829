import { type Kysely, sql } from 'kysely';

/**
 * The state of the app's tables: a fingerprint to show a request changed nothing, and a
 * snapshot to put everything back after tests that write at random.
 */

/** PostGIS's catalogue and the migrator's own bookkeeping: not the app's data. */
const NOT_APP_DATA = new Set(['spatial_ref_sys', 'kysely_migration', 'kysely_migration_lock']);

/**
 * Rows that change on every request of some kind, by design, and so say nothing about whether
 * a request changed data: hits counted against rate limits, and the audit of each refused
 * request (every 401 and 403 is recorded, see plugins/auth.ts, and every failed sign-in, see
 * accounts.service.ts).
 */
const CHANGES_BY_DESIGN: Record<string, string> = {
  rate_limit_counts: 'false',
  audit_log: `action <> 'authorization.denied' AND NOT (action = 'login' AND outcome <> 'success')`,
};

type Column = { table_name: string; column_name: string; udt_name: string; is_generated: string };

async function columnsOf(db: Kysely<any>): Promise<Map<string, Column[]>> {
  const { rows } = await sql<Column>`
    SELECT c.table_name, c.column_name, c.udt_name, c.is_generated
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name, c.ordinal_position`.execute(db);
  const tables = new Map<string, Column[]>();
  for (const row of rows) {
    if (NOT_APP_DATA.has(row.table_name)) continue;
    tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), row]);
  }
  return tables;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A column as text for hashing; a geometry by its hash of bytes, cheaper than its WKT. */
function hashedColumn(column: Column): string {
  return column.udt_name === 'geometry' || column.udt_name === 'geography'
    ? `md5(ST_AsEWKB(${quoted(column.column_name)}::geometry))`
    : `${quoted(column.column_name)}::text`;
}

/**
 * Per table, its row count and an md5 over its rows in a fixed order: two fingerprints are equal
 * exactly when no table's content changed (but for the rows in CHANGES_BY_DESIGN).
 */
export async function fingerprint(db: Kysely<any>): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const [table, columns] of await columnsOf(db)) {
    const row = `md5(concat_ws('|', ${columns.map(hashedColumn).join(', ')}))`;
    const where = CHANGES_BY_DESIGN[table] ?? 'true';
    const { rows } = await sql<{ n: string; hash: string | null }>`
      SELECT count(*)::text AS n, md5(string_agg(h, ',' ORDER BY h)) AS hash
      FROM (SELECT ${sql.raw(row)} AS h FROM ${sql.table(table)} WHERE ${sql.raw(where)}) rows`.execute(db);
    result[table] = `${rows[0]!.n}:${rows[0]!.hash ?? ''}`;
  }
  return result;
}

/** The tables whose fingerprints differ. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((table) => before[table] !== after[table]);
}

const SNAPSHOT_SCHEMA = 'fuzz_snapshot';

/** Copies every table of the app into a schema of its own. */
export async function takeSnapshot(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(SNAPSHOT_SCHEMA)} CASCADE`.execute(db);
  await sql`CREATE SCHEMA ${sql.id(SNAPSHOT_SCHEMA)}`.execute(db);
  for (const table of (await columnsOf(db)).keys()) {
    await sql`CREATE TABLE ${sql.id(SNAPSHOT_SCHEMA, table)} AS TABLE ${sql.table(table)}`.execute(db);
  }
}

/**
 * Puts every table back as the snapshot held it, row for row. Triggers and foreign keys are off
 * for this transaction (session_replication_role), so derived tables (counts per area, the
 * reach cache) come back as they were instead of being recomputed from the copy.
 */
export async function restoreSnapshot(db: Kysely<any>): Promise<void> {
  const tables = await columnsOf(db);
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql.raw(`TRUNCATE ${[...tables.keys()].map(quoted).join(', ')}`).execute(trx);
    for (const [table, columns] of tables) {
      const stored = columns.filter((c) => c.is_generated === 'NEVER').map((c) => quoted(c.column_name)).join(', ');
      await sql.raw(`INSERT INTO ${quoted(table)} (${stored}) OVERRIDING SYSTEM VALUE SELECT ${stored} FROM ${quoted(SNAPSHOT_SCHEMA)}.${quoted(table)}`).execute(trx);
    }
  });
  await sql`DROP SCHEMA ${sql.id(SNAPSHOT_SCHEMA)} CASCADE`.execute(db);
}
