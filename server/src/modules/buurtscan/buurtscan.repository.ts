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
export function selectionCondition(select: AssetSelection): RawBuilder<boolean> {
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

export function inScope(scope: AreaScope, alias: string): RawBuilder<boolean> {
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

/** Each measure's value from its count and the area's: per 1,000 inhabitants, or a share of all. */
function measureValue(measure: CountMeasure, count: RawBuilder<unknown>, all: RawBuilder<unknown>) {
  return measure.type === 'per1000'
    ? sql`(${count} * 1000.0 / NULLIF(a.inhabitants, 0))::float8`
    : sql`(${count}::float8 / NULLIF(${all}, 0))::float8`;
}

function toCountsRows(rows: Array<Record<string, unknown>>, measures: CountMeasure[]): AreaCountsRow[] {
  return rows.map((row) => ({
    code: row.code as string,
    name: row.name as string,
    level: row.level as AreaLevel,
    gemeente_code: row.gemeente_code as string,
    inhabitants: row.inhabitants === null ? null : Number(row.inhabitants),
    assets: Number(row.assets),
    values: measures.map((_, i) => (row[`v${i}`] === null ? null : Number(row[`v${i}`]))),
  }));
}

/** The kept count that answers a selection of one condition; undefined for anything else. */
function keptCount(select: AssetSelection): RawBuilder<unknown> | undefined {
  const conditions = Object.entries(select).filter(([, value]) => value !== undefined);
  if (conditions.length === 0) return sql`coalesce(sum(c.count) FILTER (WHERE c.dimension = 'all'), 0)`;
  if (conditions.length > 1) return undefined;
  const [key, value] = conditions[0]!;
  const dimension = { kinds: 'kind', categories: 'category', socialCapital: 'social_capital', targetGroup: 'target_group', inclusion: 'inclusion' }[key];
  if (!dimension) return undefined;
  const values = Array.isArray(value) ? value : [value];
  return sql`coalesce(sum(c.count) FILTER (WHERE c.dimension = ${dimension} AND c.value = ANY(${sql.val(values)}::text[])), 0)`;
}

/**
 * Per area of the scope: its asset count and each measure's value. "per1000" is the count
 * times 1,000 over the inhabitants; "share" the count over all of the area's assets (null
 * where the area has no assets, or no known inhabitants). Read from the counts the database
 * keeps (migration 20261130170000_area_counts.ts); a selection of more than one condition,
 * which no indicator has today, is counted from the assets themselves.
 */
export async function areaCounts(db: Db, scope: AreaScope, measures: CountMeasure[]): Promise<AreaCountsRow[]> {
  const counts = measures.map((measure) => keptCount(measure.select));
  if (counts.some((count) => count === undefined)) return areaCountsLive(db, scope, measures);
  const all = keptCount({})!;
  const values = measures.map((measure, i) => sql`${measureValue(measure, counts[i]!, all)} AS ${sql.ref(`v${i}`)}`);
  const result = await sql<Record<string, unknown>>`
    SELECT a.code, a.name, a.level, a.gemeente_code, a.inhabitants, ${all}::int AS assets
           ${values.length > 0 ? sql`, ${sql.join(values)}` : sql``}
      FROM areas a
      LEFT JOIN area_asset_counts c ON c.area_code = a.code
     WHERE ${inScope(scope, 'a')}
     GROUP BY a.code, a.name, a.level, a.gemeente_code, a.inhabitants
     ORDER BY a.code`.execute(db);
  return toCountsRows(result.rows, measures);
}

/** The same, counted from the assets themselves: the kept counts' reference. */
export async function areaCountsLive(db: Db, scope: AreaScope, measures: CountMeasure[]): Promise<AreaCountsRow[]> {
  const values = measures.map((measure, i) => {
    const count = sql`count(s.id) FILTER (WHERE ${selectionCondition(measure.select)})`;
    return sql`${measureValue(measure, count, sql`count(s.id)`)} AS ${sql.ref(`v${i}`)}`;
  });
  const result = await sql<Record<string, unknown>>`
    SELECT a.code, a.name, a.level, a.gemeente_code, a.inhabitants, count(s.id)::int AS assets
           ${values.length > 0 ? sql`, ${sql.join(values)}` : sql``}
      FROM areas a
      LEFT JOIN assets s ON s.status = 'published' AND ${assetAreaColumn(scope.level)} = a.code
     WHERE ${inScope(scope, 'a')}
     GROUP BY a.code, a.name, a.level, a.gemeente_code, a.inhabitants
     ORDER BY a.code`.execute(db);
  return toCountsRows(result.rows, measures);
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
