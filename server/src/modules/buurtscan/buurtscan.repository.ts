import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import type { AreaLevel, AssetSelection } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The buurtscan's figures, computed in the database: counts and ratios per area in one
 * aggregate query, reach per area from buffers around the assets. Indicators are passed in as
 * their measures (shared/src/indicators.ts); nothing here knows their names.
 */

/** The condition an asset `s` meets for a selection; every value is a bound parameter. */
function selectionCondition(select: AssetSelection): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [sql<boolean>`s.status = 'published'`];
  if (select.kinds) parts.push(sql<boolean>`s.kind = ANY(${sql.val([...select.kinds])}::text[])`);
  if (select.categories) parts.push(sql<boolean>`s.category = ANY(${sql.val([...select.categories])}::text[])`);
  if (select.socialCapital) parts.push(sql<boolean>`${select.socialCapital}::text = ANY(s.social_capital)`);
  if (select.targetGroup) parts.push(sql<boolean>`${select.targetGroup}::text = ANY(s.target_groups)`);
  if (select.inclusion) parts.push(sql<boolean>`${select.inclusion}::text = ANY(s.inclusion_features)`);
  return sql<boolean>`(${sql.join(parts, sql` AND `)})`;
}

/** The column of an asset that names its area at a level. */
const assetAreaColumn = (level: AreaLevel) =>
  sql.ref(level === 'buurt' ? 's.buurt_code' : level === 'wijk' ? 's.wijk_code' : 's.gemeente_code');

export type AreaScope = { level: AreaLevel; year: number; gemeente?: string | undefined };

function inScope(scope: AreaScope, alias: string): RawBuilder<boolean> {
  const a = (column: string) => sql.ref(`${alias}.${column}`);
  const gemeente = scope.gemeente ? sql<boolean>`AND ${a('gemeente_code')} = ${scope.gemeente}` : sql``;
  return sql<boolean>`${a('level')} = ${scope.level} AND ${a('year')} = ${scope.year} ${gemeente}`;
}

export type CountMeasure = { type: 'per1000' | 'share'; select: AssetSelection };

export type AreaCountsRow = {
  code: string;
  name: string;
  level: AreaLevel;
  gemeente_code: string;
  inhabitants: number | null;
  assets: number;
  values: Array<number | null>;
};

/**
 * Per area of the scope: its asset count and each measure's value. "per1000" is the count
 * times 1,000 over the inhabitants; "share" the count over all of the area's assets (null
 * where the area has no assets, or no known inhabitants).
 */
export async function areaCounts(db: Db, scope: AreaScope, measures: CountMeasure[]): Promise<AreaCountsRow[]> {
  const values = measures.map((measure, i) => {
    const count = sql`count(s.id) FILTER (WHERE ${selectionCondition(measure.select)})`;
    const value =
      measure.type === 'per1000'
        ? sql`(${count} * 1000.0 / NULLIF(a.inhabitants, 0))::float8`
        : sql`(${count}::float8 / NULLIF(count(s.id), 0))::float8`;
    return sql`${value} AS ${sql.ref(`v${i}`)}`;
  });
  const result = await sql<Record<string, unknown>>`
    SELECT a.code, a.name, a.level, a.gemeente_code, a.inhabitants, count(s.id)::int AS assets
           ${values.length > 0 ? sql`, ${sql.join(values)}` : sql``}
      FROM areas a
      LEFT JOIN assets s ON s.status = 'published' AND ${assetAreaColumn(scope.level)} = a.code
     WHERE ${inScope(scope, 'a')}
     GROUP BY a.code, a.name, a.level, a.gemeente_code, a.inhabitants
     ORDER BY a.code`.execute(db);
  return result.rows.map((row) => ({
    code: row.code as string,
    name: row.name as string,
    level: row.level as AreaLevel,
    gemeente_code: row.gemeente_code as string,
    inhabitants: row.inhabitants === null ? null : Number(row.inhabitants),
    assets: Number(row.assets),
    values: measures.map((_, i) => (row[`v${i}`] === null ? null : Number(row[`v${i}`]))),
  }));
}

/** The metric projection of a place, as the location trigger picks it: RD New, or UTM in the Caribbean. */
const metricSrid = (x: RawBuilder<number>) => sql<number>`CASE WHEN ${x} >= 0 THEN 28992 WHEN ${x} < -66 THEN 32619 ELSE 32620 END`;

/**
 * Reach: per area of the scope, the share of its inhabitants within `meters` of an asset of
 * the selection. Inhabitants are spread evenly over each buurt (see POPULATION_MODEL): a
 * buurt's covered share is the part of its area inside the zone within `meters` of such an
 * asset, and a wijk's or gemeente's reach is its buurten's covered shares weighted by
 * inhabitants. An area with no buurten of that year counts as one unit itself.
 *
 * The zone is built once per gemeente, in a metric projection (RD New; UTM in the Caribbean):
 * the union (GEOS's cascaded union) of a buffer around each nearby asset, cut into small
 * pieces so that each buurt meets only the pieces over it. Buffers have 32 segments a quarter
 * circle, 0.04 % short of a true circle's area. Measured on Amersfoort's 9,677 meeting places
 * (100,000 assets): buffers per buurt took 85 s for the eight reach indicators, one buffer of
 * all points as a multipoint 265 s for one, this union 0.9 s (tests/bench/buurtscan.ts).
 */
export async function areaReach(db: Db, scope: AreaScope, select: AssetSelection, meters: number): Promise<Map<string, number | null>> {
  const target = scope.level === 'buurt' ? sql.ref('b.code') : scope.level === 'wijk' ? sql.ref('b.parent_code') : sql.ref('b.gemeente_code');
  const condition = selectionCondition(select);
  // Degrees that surely span `meters` in the Netherlands (a degree of longitude is 66 km at 53.5° N).
  const margin = meters / 60_000;
  const result = await sql<{ code: string; reach: number | null }>`
    WITH targets AS (
      SELECT a.code, a.geom, a.inhabitants, a.gemeente_code FROM areas a WHERE ${inScope(scope, 'a')}
    ),
    units AS MATERIALIZED (
      -- The buurten of each target area (a buurt is its own unit) ...
      SELECT ${target} AS target, b.geom, b.inhabitants, b.gemeente_code
        FROM areas b
       WHERE b.level = 'buurt' AND b.year = ${scope.year} AND ${target} IN (SELECT code FROM targets)
      UNION ALL
      -- ... or, where none are known, the area itself.
      SELECT t.code, t.geom, t.inhabitants, t.gemeente_code FROM targets t
       WHERE NOT EXISTS (
         SELECT 1 FROM areas b WHERE b.level = 'buurt' AND b.year = ${scope.year} AND ${target} = t.code)
    ),
    regions AS MATERIALIZED (
      SELECT gemeente_code, ST_Extent(geom)::geometry AS box,
             ${metricSrid(sql`ST_XMin(ST_Extent(geom))`)} AS srid
        FROM units GROUP BY gemeente_code
    ),
    -- Built once, not once per buurt: PostgreSQL would otherwise inline these into the
    -- correlated subquery below and build every zone again for each buurt.
    zones AS MATERIALIZED (
      SELECT r.gemeente_code, r.srid,
             ST_Union(ST_Buffer(ST_Transform(s.public_geom, r.srid), ${meters}, 'quad_segs=32')) AS zone
        FROM regions r
        JOIN assets s ON s.public_geom && ST_Expand(r.box, ${margin}) AND ${condition}
       GROUP BY r.gemeente_code, r.srid
    ),
    pieces AS MATERIALIZED (
      SELECT gemeente_code, ST_Subdivide(zone, 256) AS piece FROM zones
    ),
    covered AS (
      SELECT u.target, coalesce(u.inhabitants, 0) AS inhabitants,
             ST_Area(ST_Transform(u.geom, r.srid)) AS area,
             coalesce((
               SELECT sum(ST_Area(ST_Intersection(ST_Transform(u.geom, r.srid), p.piece)))
                 FROM pieces p
                WHERE p.gemeente_code = u.gemeente_code AND p.piece && ST_Transform(u.geom, r.srid)
             ), 0) AS covered_area
        FROM units u JOIN regions r ON r.gemeente_code = u.gemeente_code
    )
    SELECT target AS code,
           (sum(inhabitants * least(1.0, covered_area / NULLIF(area, 0))) / NULLIF(sum(inhabitants), 0))::float8 AS reach
      FROM covered
     GROUP BY target`.execute(db);
  return new Map(result.rows.map((row) => [row.code, row.reach === null ? null : Number(row.reach)]));
}

/**
 * Witte vlekken: the buurten of a gemeente with no asset of the selection within `meters` of
 * any part of them, with the distance to the nearest one (null when there is none at all).
 */
export async function gaps(db: Db, scope: { year: number; gemeente: string }, select: AssetSelection, meters: number) {
  const condition = selectionCondition(select);
  const result = await sql<{ code: string; name: string; inhabitants: number | null; nearest: number | null }>`
    SELECT b.code, b.name, b.inhabitants,
           (SELECT min(ST_Distance(s.public_geom::geography, b.geom::geography))
              FROM assets s WHERE ${condition} AND ST_DWithin(s.public_geom::geography, b.geom::geography, 20000)) AS nearest
      FROM areas b
     WHERE b.level = 'buurt' AND b.year = ${scope.year} AND b.gemeente_code = ${scope.gemeente}
       AND NOT EXISTS (
         SELECT 1 FROM assets s WHERE ${condition} AND ST_DWithin(s.public_geom::geography, b.geom::geography, ${meters}))
     ORDER BY b.inhabitants DESC NULLS LAST, b.code`.execute(db);
  return result.rows.map((row) => ({
    code: row.code,
    name: row.name,
    inhabitants: row.inhabitants === null ? null : Number(row.inhabitants),
    nearest: row.nearest === null ? null : Number(row.nearest),
  }));
}

/** The boundaries of the areas of a scope, as GeoJSON (six decimals: about 10 cm). */
export async function areaGeometries(db: Db, scope: AreaScope): Promise<Map<string, unknown>> {
  const result = await sql<{ code: string; geometry: string }>`
    SELECT a.code, ST_AsGeoJSON(a.geom, 6) AS geometry FROM areas a WHERE ${inScope(scope, 'a')}`.execute(db);
  return new Map(result.rows.map((row) => [row.code, JSON.parse(row.geometry) as unknown]));
}
