import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { erasedAccountHashes } from '../accounts/accounts.repository.ts';

/**
 * The database's own tables, from the catalog: every schema but PostgreSQL's own, without the
 * tables an extension owns and fills (PostGIS's spatial_ref_sys), which CREATE EXTENSION makes.
 */
export async function userTables(db: Kysely<DB>): Promise<Array<{ schema: string; name: string }>> {
  const { rows } = await sql<{ schema: string; name: string }>`
    SELECT n.nspname AS schema, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
      )
    ORDER BY 1, 2`.execute(db);
  return rows;
}

/** The server's major version (15 for 15.8). */
export async function serverMajorVersion(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ version: number }>`SELECT current_setting('server_version_num')::int AS version`.execute(db);
  return Math.floor(rows[0]!.version / 10_000);
}

/** The table journal of erasures, when this database has one (a backup older than it has not). */
export async function journalledErasures(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ present: boolean }>`SELECT to_regclass('account_erasures') IS NOT NULL AS present`.execute(db);
  return rows[0]?.present ? erasedAccountHashes(db) : [];
}
