import { type Kysely, sql } from 'kysely';

/**
 * Every app process keeps the tiles it made in memory (modules/tiles/tiles.cache.ts); these
 * triggers tell all of them, through NOTIFY on "kwartier_tiles", which tiles a committed change
 * made stale. NOTIFY is delivered at commit and not at all on rollback, so a process never
 * throws away a tile for a change that did not happen, nor keeps one past a change that did.
 *
 * The message names the public places of the published assets that changed, before and after
 * ({"assets": [[lon, lat], ...]}); a bulk change of more than MAX_PLACES published rows says
 * {"assets": "all"}, and any change of areas {"areas": "all"}. Frozen in time.
 */
const CHANNEL = 'kwartier_tiles';
/** NOTIFY payloads stop at 8,000 bytes; 300 places of about 25 bytes stay well below. */
const MAX_PLACES = 300;

export async function up(db: Kysely<any>): Promise<void> {
  // More than MAX_PLACES published rows: "all", without looking further (a bulk load of a
  // million rows must not build a list it throws away). Else their distinct places: public
  // places are shared (a grid cell, a buurt's label point), so rows are not places.
  const published = (table: string) => `(SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE status = 'published' LIMIT ${MAX_PLACES + 1}) r)`;
  const places = (table: string) => `
        SELECT jsonb_build_array(round(ST_X(public_geom)::numeric, 6), round(ST_Y(public_geom)::numeric, 6)) AS place
          FROM ${table} WHERE status = 'published'`;
  await sql
    .raw(`
    CREATE FUNCTION tiles_notify_assets() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      published_rows integer := 0;
      changed jsonb;
    BEGIN
      IF TG_OP IN ('INSERT', 'UPDATE') THEN published_rows := published_rows + ${published('changed_new')}; END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN published_rows := published_rows + ${published('changed_old')}; END IF;
      IF published_rows = 0 THEN
        RETURN NULL; -- nothing published changed: no tile shows it
      ELSIF published_rows > ${MAX_PLACES} THEN
        PERFORM pg_notify('${CHANNEL}', '{"assets":"all"}');
        RETURN NULL;
      END IF;
      IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(DISTINCT place) INTO changed FROM (${places('changed_new')}) p;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(DISTINCT place) INTO changed FROM (${places('changed_old')}) p;
      ELSE
        SELECT jsonb_agg(DISTINCT place) INTO changed FROM (${places('changed_new')} UNION ALL ${places('changed_old')}) p;
      END IF;
      PERFORM pg_notify('${CHANNEL}', jsonb_build_object('assets', changed)::text);
      RETURN NULL;
    END $$`)
    .execute(db);
  await sql`CREATE TRIGGER assets_tiles_insert AFTER INSERT ON assets REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION tiles_notify_assets()`.execute(db);
  await sql`CREATE TRIGGER assets_tiles_update AFTER UPDATE ON assets REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION tiles_notify_assets()`.execute(db);
  await sql`CREATE TRIGGER assets_tiles_delete AFTER DELETE ON assets REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION tiles_notify_assets()`.execute(db);

  await sql
    .raw(`
    CREATE FUNCTION tiles_notify_all_assets() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${CHANNEL}', '{"assets":"all"}');
      RETURN NULL;
    END $$`)
    .execute(db);
  await sql`CREATE TRIGGER assets_tiles_truncate AFTER TRUNCATE ON assets FOR EACH STATEMENT EXECUTE FUNCTION tiles_notify_all_assets()`.execute(db);

  await sql
    .raw(`
    CREATE FUNCTION tiles_notify_areas() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${CHANNEL}', '{"areas":"all"}');
      RETURN NULL;
    END $$`)
    .execute(db);
  await sql`CREATE TRIGGER areas_tiles AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas FOR EACH STATEMENT EXECUTE FUNCTION tiles_notify_areas()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['assets_tiles_insert', 'assets_tiles_update', 'assets_tiles_delete', 'assets_tiles_truncate']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.id(trigger)} ON assets`.execute(db);
  }
  await sql`DROP TRIGGER IF EXISTS areas_tiles ON areas`.execute(db);
  await sql`DROP FUNCTION IF EXISTS tiles_notify_assets()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS tiles_notify_all_assets()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS tiles_notify_areas()`.execute(db);
}
