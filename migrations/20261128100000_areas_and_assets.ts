import { type Kysely, sql } from 'kysely';

/**
 * The foundation: CBS areas and assets, on PostGIS. This migration is frozen in time: it
 * imports nothing from the app, and runs unchanged on PostgreSQL and on embedded PGlite.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db);

  // Areas are keyed by CBS code and year: boundaries change every year, and a municipality
  // compares years. "-99999999" (CBS for secret/unknown) is stored as NULL by the importer.
  await sql`
    CREATE TABLE areas (
      code text NOT NULL,
      year integer NOT NULL,
      level text NOT NULL CHECK (level IN ('gemeente', 'wijk', 'buurt')),
      name text NOT NULL,
      parent_code text,
      gemeente_code text NOT NULL,
      inhabitants integer CHECK (inhabitants >= 0),
      households integer CHECK (households >= 0),
      land_area_ha double precision,
      key_figures jsonb NOT NULL DEFAULT '{}'::jsonb,
      geom geometry(MultiPolygon, 4326) NOT NULL,
      label_point geometry(Point, 4326) NOT NULL,
      source text NOT NULL,
      imported_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (code, year),
      CHECK (code ~ '^(GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$')
    )`.execute(db);
  await sql`CREATE INDEX areas_geom_idx ON areas USING gist (geom)`.execute(db);
  await sql`CREATE INDEX areas_level_parent_idx ON areas (level, year, parent_code)`.execute(db);
  await sql`CREATE INDEX areas_gemeente_idx ON areas (gemeente_code, level, year)`.execute(db);

  await sql`
    CREATE TABLE assets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('facility', 'association', 'initiative', 'talent', 'business', 'contact_point', 'public_space')),
      category text NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '',
      social_capital text[] NOT NULL DEFAULT '{}',
      inclusion_features text[] NOT NULL DEFAULT '{}',
      target_groups text[] NOT NULL DEFAULT '{}',
      languages text[] NOT NULL DEFAULT '{}',
      characteristics text[] NOT NULL DEFAULT '{}',
      schedule jsonb NOT NULL DEFAULT '{"alwaysOpen": false, "openingHours": [], "meetings": []}'::jsonb,
      contact jsonb NOT NULL DEFAULT '{}'::jsonb,
      asks jsonb NOT NULL DEFAULT '[]'::jsonb,
      offers jsonb NOT NULL DEFAULT '[]'::jsonb,
      address jsonb NOT NULL DEFAULT '{}'::jsonb,
      -- The location as given. It never leaves the server for a talent or a non-exact asset.
      geom geometry(Point, 4326) NOT NULL,
      precision text NOT NULL DEFAULT 'exact' CHECK (precision IN ('exact', 'street', 'buurt')),
      -- The location everyone else sees, computed once from geom by the trigger below.
      public_geom geometry(Point, 4326) NOT NULL,
      buurt_code text,
      wijk_code text,
      gemeente_code text,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('draft', 'pending', 'published', 'rejected', 'archived')),
      source text NOT NULL,
      source_id text,
      is_sample boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (kind <> 'talent' OR precision <> 'exact')
    )`.execute(db);

  // Re-importing a source updates its records instead of duplicating them.
  await sql`CREATE UNIQUE INDEX assets_source_idx ON assets (source, source_id) WHERE source_id IS NOT NULL`.execute(db);
  // Nearby search orders and filters on the geography of the public location, in metres.
  await sql`CREATE INDEX assets_public_geog_idx ON assets USING gist ((public_geom::geography))`.execute(db);
  await sql`CREATE INDEX assets_public_geom_idx ON assets USING gist (public_geom)`.execute(db);
  await sql`CREATE INDEX assets_status_kind_idx ON assets (status, kind, category)`.execute(db);
  await sql`CREATE INDEX assets_buurt_idx ON assets (buurt_code)`.execute(db);
  await sql`CREATE INDEX assets_wijk_idx ON assets (wijk_code)`.execute(db);
  await sql`CREATE INDEX assets_gemeente_idx ON assets (gemeente_code)`.execute(db);
  await sql`CREATE INDEX assets_tags_idx ON assets USING gin (social_capital, inclusion_features, target_groups, characteristics)`.execute(db);

  // The public location of an asset comes from its precision, and its buurt, wijk and
  // gemeente from that public location: what is public about an asset never says more about
  // where it is than its public place does. (A talent's real buurt next to its 250 m cell
  // would narrow down where the person lives.) A trigger keeps both right on every insert and
  // every move, whoever writes: the API, an import or a hand-made fix in psql.
  await sql`
    CREATE FUNCTION assets_derive_location() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      cell double precision := 250; -- metres
      grid_srid integer;
      projected geometry;
      public_point geometry;
    BEGIN
      IF NEW.precision = 'exact' AND NEW.kind <> 'talent' THEN
        public_point := NEW.geom;
      ELSIF NEW.precision = 'buurt' THEN
        -- The label point (ST_PointOnSurface) of the buurt, the same for everyone in it. Where
        -- no buurt is known, the wijk's or the gemeente's: never finer than the owner chose.
        SELECT a.label_point INTO public_point
          FROM areas a
         WHERE ST_Covers(a.geom, NEW.geom)
         ORDER BY CASE a.level WHEN 'buurt' THEN 0 WHEN 'wijk' THEN 1 ELSE 2 END, a.year DESC
         LIMIT 1;
        cell := 1000; -- no area known at all: a 1 km cell, coarser than a street
      END IF;
      IF public_point IS NULL THEN
        -- Street precision or a talent: the centre of the 250 m grid cell that holds the
        -- point, in a metric projection true to size there: RD New in the European
        -- Netherlands, UTM 19N (Bonaire) or 20N (Saba, Sint Eustatius) in the Caribbean.
        grid_srid := CASE WHEN ST_X(NEW.geom) >= 0 THEN 28992
                          WHEN ST_X(NEW.geom) < -66 THEN 32619
                          ELSE 32620 END;
        projected := ST_Transform(NEW.geom, grid_srid);
        public_point := ST_Transform(
          ST_SetSRID(ST_MakePoint(floor(ST_X(projected) / cell) * cell + cell / 2,
                                  floor(ST_Y(projected) / cell) * cell + cell / 2), grid_srid),
          4326);
      END IF;
      NEW.public_geom := public_point;

      SELECT a.code, a.parent_code, a.gemeente_code
        INTO NEW.buurt_code, NEW.wijk_code, NEW.gemeente_code
        FROM areas a
       WHERE a.level = 'buurt' AND ST_Covers(a.geom, public_point)
       ORDER BY a.year DESC LIMIT 1;
      IF NEW.buurt_code IS NULL THEN
        -- Outside every known buurt: a wijk may still hold it.
        SELECT a.code, a.gemeente_code INTO NEW.wijk_code, NEW.gemeente_code
          FROM areas a
         WHERE a.level = 'wijk' AND ST_Covers(a.geom, public_point)
         ORDER BY a.year DESC LIMIT 1;
      END IF;
      IF NEW.gemeente_code IS NULL THEN
        -- A snapped point can fall just outside every area (in water, over the edge of the
        -- map): the gemeente of the nearest area within about a kilometre of it.
        SELECT a.gemeente_code INTO NEW.gemeente_code
          FROM areas a
         WHERE ST_DWithin(a.geom, public_point, 0.015)
         ORDER BY a.geom <-> public_point, a.year DESC
         LIMIT 1;
      END IF;
      RETURN NEW;
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER assets_derive_location
      BEFORE INSERT OR UPDATE OF geom, precision, kind ON assets
      FOR EACH ROW EXECUTE FUNCTION assets_derive_location()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS assets`.execute(db);
  await sql`DROP FUNCTION IF EXISTS assets_derive_location()`.execute(db);
  await sql`DROP TABLE IF EXISTS areas`.execute(db);
}
