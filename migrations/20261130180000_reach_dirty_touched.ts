import { type Kysely, sql } from 'kysely';

/**
 * Reach kept, refreshed more narrowly: a dirty gemeente also records which kinds and
 * categories of assets changed near it ("kind/category"), or "*" when anything may have
 * (areas changed, assets emptied). A refresh then computes only the reach targets those can
 * touch; a new buurthuis no longer recomputes the reach of peer-support groups. The targets
 * themselves stay in shared/src/indicators.ts: this records facts, not targets. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE reach_dirty ADD COLUMN touched text[] NOT NULL DEFAULT '{*}'`.execute(db);

  const touch = (table: string) => `
        INSERT INTO reach_dirty (gemeente_code, touched)
        SELECT a.gemeente_code, array_agg(DISTINCT r.kind || '/' || r.category)
          FROM ${table} r JOIN areas a ON a.geom && ST_Expand(r.public_geom, 0.025)
         WHERE r.status = 'published'
         GROUP BY a.gemeente_code
        ON CONFLICT (gemeente_code) DO UPDATE
          SET version = nextval('reach_dirty_version'),
              touched = ARRAY(SELECT DISTINCT unnest(reach_dirty.touched || excluded.touched));`;
  await sql
    .raw(`
    CREATE OR REPLACE FUNCTION reach_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('INSERT', 'UPDATE') THEN ${touch('changed_new')}
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN ${touch('changed_old')}
      END IF;
      RETURN NULL;
    END $$`)
    .execute(db);

  // Emptied assets or changed boundaries: every target.
  await sql`
    CREATE OR REPLACE FUNCTION reach_mark_all_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reach_dirty (gemeente_code, touched) SELECT DISTINCT gemeente_code, '{*}'::text[] FROM areas
      ON CONFLICT (gemeente_code) DO UPDATE SET version = nextval('reach_dirty_version'), touched = '{*}';
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION reach_mark_area_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reach_dirty (gemeente_code, touched) VALUES (coalesce(NEW.gemeente_code, OLD.gemeente_code), '{*}')
      ON CONFLICT (gemeente_code) DO UPDATE SET version = nextval('reach_dirty_version'), touched = '{*}';
      RETURN NULL;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The earlier functions mark gemeenten dirty without what changed; "*" (the default) is their meaning.
  await sql`
    CREATE OR REPLACE FUNCTION reach_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
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
  await sql`
    CREATE OR REPLACE FUNCTION reach_mark_all_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reach_dirty (gemeente_code) SELECT DISTINCT gemeente_code FROM areas
      ON CONFLICT (gemeente_code) DO UPDATE SET version = nextval('reach_dirty_version');
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION reach_mark_area_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reach_dirty (gemeente_code) VALUES (coalesce(NEW.gemeente_code, OLD.gemeente_code))
      ON CONFLICT (gemeente_code) DO UPDATE SET version = nextval('reach_dirty_version');
      RETURN NULL;
    END $$`.execute(db);
  await sql`ALTER TABLE reach_dirty DROP COLUMN touched`.execute(db);
}
