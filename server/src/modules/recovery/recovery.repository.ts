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

/**
 * SQL that drops everything Kwartier made in the public schema (tables, views, sequences,
 * functions; not what belongs to an extension), run before a restore's own script in the same
 * transaction. `pg_restore --clean` drops only what the backup holds: restoring an older
 * backup would leave a newer version's tables behind, and its migrations would then fail on
 * "already exists". The statements are listed first and run after, as a dropped table's name
 * can no longer be written.
 */
export const DROP_KWARTIER_OBJECTS = `
DO $$
DECLARE
  statements text[];
  statement text;
BEGIN
  SELECT coalesce(array_agg(format('DROP %s IF EXISTS %s CASCADE',
           CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'SEQUENCE' END,
           c.oid::regclass)), '{}')
    INTO statements
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
     -- An extension's own, and a sequence a column owns (serial, identity: it goes with its table).
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'));
  SELECT statements || coalesce(array_agg(format('DROP FUNCTION IF EXISTS %s CASCADE', p.oid::regprocedure)), '{}')
    INTO statements
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'public' AND p.prokind = 'f'
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');
  FOREACH statement IN ARRAY statements LOOP
    EXECUTE statement;
  END LOOP;
END $$;
`;

/**
 * Every app process still running empties its tile cache: a restore brings rows back by COPY,
 * before the triggers that would have told them exist (see modules/tiles/tiles.cache.ts).
 */
export async function announceEverythingChanged(db: Kysely<DB>): Promise<void> {
  await sql`SELECT pg_notify('kwartier_tiles', '{"assets":"all","areas":"all"}')`.execute(db);
}
