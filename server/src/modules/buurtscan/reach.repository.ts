import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import type { AssetSelection } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { type AreaScope, inScope, selectionCondition } from './buurtscan.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Reach, computed per unit and kept (migration 20261130140000_reach_cache.ts). A unit is a
 * buurt, or an area (wijk or gemeente) that has no buurten of its year: inhabitants are spread
 * evenly over a unit (POPULATION_MODEL), so a unit's reach is the share of its area within the
 * distance. An area's reach is its units' reach weighted by inhabitants.
 */

/** The metric projection of a place, as the location trigger picks it: RD New, or UTM in the Caribbean. */
const metricSrid = (x: RawBuilder<number>) => sql<number>`CASE WHEN ${x} >= 0 THEN 28992 WHEN ${x} < -66 THEN 32619 ELSE 32620 END`;

/** The units of some gemeenten in one year: their buurten, and their areas that have none. */
function unitsOf(scope: { year: number; gemeenten: readonly string[] }) {
  return sql`
    SELECT a.code, a.geom, a.inhabitants, a.gemeente_code
      FROM areas a
     WHERE a.year = ${scope.year} AND a.gemeente_code = ANY(${sql.val([...scope.gemeenten])}::text[])
       AND (a.level = 'buurt' OR NOT EXISTS (
             SELECT 1 FROM areas b
              WHERE b.level = 'buurt' AND b.year = a.year
                AND (CASE a.level WHEN 'wijk' THEN b.parent_code ELSE b.gemeente_code END) = a.code))`;
}

/**
 * The share of each unit's area within `meters` of an asset of the selection, for the units of
 * some gemeenten in one year.
 *
 * The zone is built once per gemeente, in a metric projection (RD New; UTM in the Caribbean):
 * the union (GEOS's cascaded union) of a buffer around each nearby asset, cut into small
 * pieces so that each unit meets only the pieces over it. Buffers have 32 segments a quarter
 * circle, 0.04 % short of a true circle's area. Measured on Amersfoort's 9,677 meeting places
 * (100,000 assets): buffers per buurt took 85 s for the eight reach indicators, one buffer of
 * all points as a multipoint 265 s for one, this union 0.9 s (tests/bench/buurtscan.ts).
 */
export async function unitCoverage(
  db: Db,
  scope: { year: number; gemeenten: readonly string[] },
  select: AssetSelection,
  meters: number,
): Promise<Array<{ unit: string; covered: number }>> {
  if (scope.gemeenten.length === 0) return [];
  // Degrees that surely span `meters` in the Netherlands (a degree of longitude is 66 km at 53.5° N).
  const margin = meters / 60_000;
  const result = await sql<{ unit: string; covered: number }>`
    WITH units AS MATERIALIZED (${unitsOf(scope)}),
    regions AS MATERIALIZED (
      SELECT gemeente_code, ST_Extent(geom)::geometry AS box,
             ${metricSrid(sql`ST_XMin(ST_Extent(geom))`)} AS srid
        FROM units GROUP BY gemeente_code
    ),
    -- Built once, not once per unit: PostgreSQL would otherwise inline these into the
    -- correlated subquery below and build every zone again for each unit.
    zones AS MATERIALIZED (
      SELECT r.gemeente_code, r.srid,
             ST_Union(ST_Buffer(ST_Transform(s.public_geom, r.srid), ${meters}, 'quad_segs=32')) AS zone
        FROM regions r
        JOIN assets s ON s.public_geom && ST_Expand(r.box, ${margin}) AND ${selectionCondition(select)}
       GROUP BY r.gemeente_code, r.srid
    ),
    pieces AS MATERIALIZED (
      SELECT gemeente_code, ST_Subdivide(zone, 256) AS piece FROM zones
    )
    SELECT u.code AS unit,
           least(1.0, coalesce((
             SELECT sum(ST_Area(ST_Intersection(ST_Transform(u.geom, r.srid), p.piece)))
               FROM pieces p
              WHERE p.gemeente_code = u.gemeente_code AND p.piece && ST_Transform(u.geom, r.srid)
           ), 0) / NULLIF(ST_Area(ST_Transform(u.geom, r.srid)), 0))::float8 AS covered
      FROM units u JOIN regions r ON r.gemeente_code = u.gemeente_code`.execute(db);
  return result.rows.map((row) => ({ unit: row.unit, covered: row.covered === null ? 0 : Number(row.covered) }));
}

/** Reach per area of a scope, from the kept unit coverage. */
export async function reachFromCache(db: Db, scope: AreaScope, target: string, meters: number): Promise<Map<string, number | null>> {
  const parent = scope.level === 'buurt' ? sql.ref('b.code') : scope.level === 'wijk' ? sql.ref('b.parent_code') : sql.ref('b.gemeente_code');
  const result = await sql<{ code: string; reach: number | null }>`
    WITH targets AS (
      SELECT a.code, a.inhabitants FROM areas a WHERE ${inScope(scope, 'a')}
    ),
    units AS (
      SELECT ${parent} AS target, b.code AS unit, b.inhabitants
        FROM areas b
       WHERE b.level = 'buurt' AND b.year = ${scope.year} AND ${parent} IN (SELECT code FROM targets)
      UNION ALL
      SELECT t.code, t.code, t.inhabitants FROM targets t
       WHERE NOT EXISTS (SELECT 1 FROM areas b WHERE b.level = 'buurt' AND b.year = ${scope.year} AND ${parent} = t.code)
    )
    SELECT u.target AS code,
           (sum(coalesce(u.inhabitants, 0) * c.covered) / NULLIF(sum(coalesce(u.inhabitants, 0)), 0))::float8 AS reach
      FROM units u
      JOIN reach_cache c ON c.unit_code = u.unit AND c.year = ${scope.year} AND c.target = ${target} AND c.meters = ${meters}
     GROUP BY u.target`.execute(db);
  return new Map(result.rows.map((row) => [row.code, row.reach === null ? null : Number(row.reach)]));
}

// Keeping the cache -------------------------------------------------------------------------

/**
 * A gemeente to compute again, with what changed near it: "kind/category" pairs, or "*" for
 * anything; `refreshing` while a process (this one or another) computes it.
 */
export type DirtyGemeente = { gemeente: string; version: string; touched: string[]; refreshing: boolean };

type DirtyRow = { gemeente_code: string; version: string; touched: string[]; refreshing: boolean };

const toDirty = (row: DirtyRow): DirtyGemeente => ({ gemeente: row.gemeente_code, version: row.version, touched: row.touched, refreshing: row.refreshing });

/** Gemeenten whose reach must be computed again (all, or those named). */
export async function dirtyGemeenten(db: Db, only?: readonly string[]): Promise<DirtyGemeente[]> {
  const rows = await sql<DirtyRow>`
    SELECT gemeente_code, version::text AS version, touched, coalesce(refreshing_until > now(), false) AS refreshing FROM reach_dirty
     ${only ? sql`WHERE gemeente_code = ANY(${sql.val([...only])}::text[])` : sql``}
     ORDER BY gemeente_code`.execute(db);
  return rows.rows.map(toDirty);
}

/**
 * Takes some gemeenten to compute for `leaseSeconds`: those still dirty that no process is
 * computing, as they are now. Two processes asking at once get different gemeenten (the second
 * update waits for the first's row locks, then finds the lease taken). A lease a process could
 * not give back (it died) lapses by itself.
 */
export async function claimGemeenten(db: Db, gemeenten: readonly string[], leaseSeconds: number): Promise<DirtyGemeente[]> {
  const rows = await sql<DirtyRow>`
    UPDATE reach_dirty SET refreshing_until = now() + ${leaseSeconds}::integer * interval '1 second'
     WHERE gemeente_code = ANY(${sql.val([...gemeenten])}::text[]) AND (refreshing_until IS NULL OR refreshing_until <= now())
    RETURNING gemeente_code, version::text AS version, touched, false AS refreshing`.execute(db);
  return rows.rows.map(toDirty).sort((a, b) => a.gemeente.localeCompare(b.gemeente));
}

/** Gives the gemeenten back: those changed since they were taken are computed again later. */
export async function releaseGemeenten(db: Db, gemeenten: readonly string[]): Promise<void> {
  await sql`UPDATE reach_dirty SET refreshing_until = NULL WHERE gemeente_code = ANY(${sql.val([...gemeenten])}::text[])`.execute(db);
}

/** The gemeenten that have areas of a scope (every gemeente, for a national scan). */
export async function gemeentenOf(db: Db, scope: AreaScope): Promise<string[]> {
  const rows = await sql<{ gemeente_code: string }>`SELECT DISTINCT a.gemeente_code FROM areas a WHERE ${inScope(scope, 'a')}`.execute(db);
  return rows.rows.map((row) => row.gemeente_code);
}

export async function yearsOf(db: Db, gemeenten: readonly string[]): Promise<number[]> {
  const rows = await sql<{ year: number }>`
    SELECT DISTINCT year FROM areas WHERE gemeente_code = ANY(${sql.val([...gemeenten])}::text[]) ORDER BY year`.execute(db);
  return rows.rows.map((row) => Number(row.year));
}

/**
 * Stores freshly computed coverage for some gemeenten, clears their dirty marks when no change
 * came in since the computation began (the versions still match), and gives them back.
 */
export async function storeCoverage(
  db: Transaction<DB>,
  gemeenten: readonly DirtyGemeente[],
  rows: ReadonlyArray<{ unit: string; year: number; target: string; meters: number; covered: number }>,
): Promise<void> {
  // Rows of units that no longer exist may stay: reach is read through the units that do.
  for (let start = 0; start < rows.length; start += 1000) {
    const batch = rows.slice(start, start + 1000);
    await db
      .insertInto('reach_cache')
      .values(batch.map((row) => ({ unit_code: row.unit, year: row.year, target: row.target, meters: row.meters, covered: row.covered })))
      .onConflict((oc) => oc.columns(['unit_code', 'year', 'target', 'meters']).doUpdateSet((eb) => ({ covered: eb.ref('excluded.covered'), computed_at: sql`now()` })))
      .execute();
  }
  for (const entry of gemeenten) {
    await sql`DELETE FROM reach_dirty WHERE gemeente_code = ${entry.gemeente} AND version = ${entry.version}::bigint`.execute(db);
  }
  await releaseGemeenten(db, gemeenten.map((entry) => entry.gemeente));
}
