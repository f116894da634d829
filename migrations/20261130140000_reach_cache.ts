import { type Kysely, sql } from 'kysely';

/**
 * Reach, kept: per unit (a buurt, or an area with no buurten of its year) and per reach
 * target and distance, the share of the unit's area within that distance of such a place.
 * Computing reach means uniting buffers around thousands of places per gemeente; kept, a
 * national buurtscan reads a few thousand rows instead.
 *
 * A gemeente is marked dirty when a published asset near it changes, by statement-level
 * triggers (one pass over a bulk load's rows, not one per row). Its `version` changes on
 * every mark, so a refresh that started before a later change leaves it dirty. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE reach_cache (
      unit_code text NOT NULL,
      year integer NOT NULL,
      target text NOT NULL,
      meters integer NOT NULL,
      covered double precision NOT NULL CHECK (covered >= 0 AND covered <= 1),
      computed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (unit_code, year, target, meters)
    )`.execute(db);

  await sql`CREATE SEQUENCE reach_dirty_version`.execute(db);
  await sql`
    CREATE TABLE reach_dirty (
      gemeente_code text PRIMARY KEY,
      version bigint NOT NULL DEFAULT nextval('reach_dirty_version')
    )`.execute(db);

  // An asset counts for the zone of every gemeente whose areas lie within about 1.7 km of its
  // public place (the largest reach distance, 1,000 m, with room): bounding boxes, generous.
  await sql`
    CREATE FUNCTION reach_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO reach_dirty (gemeente_code)
        SELECT DISTINCT a.gemeente_code FROM changed_new n JOIN areas a ON a.geom && ST_Expand(n.public_geom, 0.025)
         WHERE n.status = 'published'
        ON CONFLICT (gemeente_code) DO UPDATE SET version = nextval('reach_dirty_version');
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO reach_dirty (gemeente_code)
        SELECT DISTINCT a.gemeente_code FROM changed_old o JOIN areas a ON a.geom && ST_Expand(o.public_geom, 0.025)
         WHERE o.status = 'published'
        ON CONFLICT (gemeente_code) DO UPDATE SET version = nextval('reach_dirty_version');
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER assets_reach_insert AFTER INSERT ON assets REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION reach_mark_dirty()`.execute(db);
  await sql`CREATE TRIGGER assets_reach_update AFTER UPDATE ON assets REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION reach_mark_dirty()`.execute(db);
  await sql`CREATE TRIGGER assets_reach_delete AFTER DELETE ON assets REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION reach_mark_dirty()`.execute(db);

  // TRUNCATE fires no row or DELETE triggers: everything may have changed.
  await sql`
    CREATE FUNCTION reach_mark_all_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reach_dirty (gemeente_code) SELECT DISTINCT gemeente_code FROM areas
      ON CONFLICT (gemeente_code) DO UPDATE SET version = nextval('reach_dirty_version');
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER assets_reach_truncate AFTER TRUNCATE ON assets FOR EACH STATEMENT EXECUTE FUNCTION reach_mark_all_dirty()`.execute(db);

  // New or changed boundaries change what a unit covers.
  await sql`
    CREATE FUNCTION reach_mark_area_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reach_dirty (gemeente_code) VALUES (coalesce(NEW.gemeente_code, OLD.gemeente_code))
      ON CONFLICT (gemeente_code) DO UPDATE SET version = nextval('reach_dirty_version');
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER areas_reach AFTER INSERT OR UPDATE OR DELETE ON areas FOR EACH ROW EXECUTE FUNCTION reach_mark_area_dirty()`.execute(db);

  // What exists now has never been computed.
  await sql`INSERT INTO reach_dirty (gemeente_code) SELECT DISTINCT gemeente_code FROM areas`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS areas_reach ON areas`.execute(db);
  await sql`DROP TRIGGER IF EXISTS assets_reach_truncate ON assets`.execute(db);
  await sql`DROP FUNCTION IF EXISTS reach_mark_area_dirty()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS reach_mark_all_dirty()`.execute(db);
  await sql`DROP TRIGGER IF EXISTS assets_reach_insert ON assets`.execute(db);
  await sql`DROP TRIGGER IF EXISTS assets_reach_update ON assets`.execute(db);
  await sql`DROP TRIGGER IF EXISTS assets_reach_delete ON assets`.execute(db);
  await sql`DROP FUNCTION IF EXISTS reach_mark_dirty()`.execute(db);
  await sql`DROP TABLE IF EXISTS reach_dirty`.execute(db);
  await sql`DROP SEQUENCE IF EXISTS reach_dirty_version`.execute(db);
  await sql`DROP TABLE IF EXISTS reach_cache`.execute(db);
}
