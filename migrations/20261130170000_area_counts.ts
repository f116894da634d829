import { type Kysely, sql } from 'kysely';

/**
 * Counts kept: per area (buurt, wijk, gemeente, by code) the published assets in all, and by
 * kind, category, social-capital type, target group and inclusion feature. The buurtscan's
 * counting indicators are ratios of these; kept, a national scan reads a few hundred thousand
 * small rows instead of grouping a million assets. Statement-level triggers add what a
 * statement published and subtract what it took away, in one pass over its rows. Frozen in time.
 */
const DELTAS = (table: string, sign: string) => `
  SELECT area.code, d.dimension, d.value, ${sign}::bigint AS delta
    FROM ${table} r
   CROSS JOIN LATERAL (VALUES (r.buurt_code), (r.wijk_code), (r.gemeente_code)) AS area(code)
   CROSS JOIN LATERAL (
     SELECT 'all'::text AS dimension, ''::text AS value
     UNION ALL SELECT 'kind', r.kind
     UNION ALL SELECT 'category', r.category
     UNION ALL SELECT 'social_capital', unnest(r.social_capital)
     UNION ALL SELECT 'target_group', unnest(r.target_groups)
     UNION ALL SELECT 'inclusion', unnest(r.inclusion_features)
   ) AS d
   WHERE r.status = 'published' AND area.code IS NOT NULL`;

const APPLY = (rows: string) => `
  INSERT INTO area_asset_counts (area_code, dimension, value, count)
  SELECT code, dimension, value, sum(delta) FROM (${rows}) AS deltas
   GROUP BY code, dimension, value HAVING sum(delta) <> 0
  ON CONFLICT (area_code, dimension, value) DO UPDATE SET count = area_asset_counts.count + excluded.count;`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE area_asset_counts (
      area_code text NOT NULL,
      dimension text NOT NULL,
      value text NOT NULL,
      -- No CHECK (count >= 0): PostgreSQL checks the row an upsert proposes (a negative delta)
      -- before it finds the row the delta is added to.
      count bigint NOT NULL,
      PRIMARY KEY (area_code, dimension, value)
    )`.execute(db);

  await sql
    .raw(`
    CREATE FUNCTION area_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        ${APPLY(DELTAS('changed_new', '1'))}
      ELSIF TG_OP = 'UPDATE' THEN
        ${APPLY(`${DELTAS('changed_new', '1')} UNION ALL ${DELTAS('changed_old', '-1')}`)}
      ELSE
        ${APPLY(DELTAS('changed_old', '-1'))}
      END IF;
      RETURN NULL;
    END $$`)
    .execute(db);
  await sql`CREATE TRIGGER assets_counts_insert AFTER INSERT ON assets REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION area_counts_apply()`.execute(db);
  await sql`CREATE TRIGGER assets_counts_update AFTER UPDATE ON assets REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION area_counts_apply()`.execute(db);
  await sql`CREATE TRIGGER assets_counts_delete AFTER DELETE ON assets REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION area_counts_apply()`.execute(db);

  await sql`
    CREATE FUNCTION area_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM area_asset_counts;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER assets_counts_truncate AFTER TRUNCATE ON assets FOR EACH STATEMENT EXECUTE FUNCTION area_counts_clear()`.execute(db);

  // The assets there are now.
  await sql.raw(APPLY(DELTAS('assets', '1'))).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['assets_counts_insert', 'assets_counts_update', 'assets_counts_delete', 'assets_counts_truncate']) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${trigger} ON assets`).execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS area_counts_apply()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS area_counts_clear()`.execute(db);
  await sql`DROP TABLE IF EXISTS area_asset_counts`.execute(db);
}
