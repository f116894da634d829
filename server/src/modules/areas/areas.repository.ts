import { type Kysely, type Transaction, sql } from 'kysely';
import type { AreaLevel } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { asGeoJson, covers, latOf, lonOf, pointFromLonLat, validMultiPolygonFromGeoJson } from '../../db/spatial.ts';
import { jsonb } from '../../db/json.ts';
import { containsPattern } from '../../db/text.ts';

type Db = Kysely<DB> | Transaction<DB>;

const summaryColumns = [
  'areas.code',
  'areas.year',
  'areas.level',
  'areas.name',
  'areas.parent_code',
  'areas.gemeente_code',
  'areas.inhabitants',
  'areas.households',
] as const;

export type AreaSummaryRecord = {
  code: string;
  year: number;
  level: AreaLevel;
  name: string;
  parent_code: string | null;
  gemeente_code: string;
  inhabitants: number | null;
  households: number | null;
};

/** The newest year for which areas of a level are loaded. */
export async function latestYear(db: Db, level?: AreaLevel): Promise<number | null> {
  let query = db.selectFrom('areas').select((eb) => eb.fn.max('year').as('year'));
  if (level) query = query.where('level', '=', level);
  const row = await query.executeTakeFirst();
  return row?.year ?? null;
}

export async function listAreas(
  db: Db,
  filters: { level?: AreaLevel; parentCode?: string; year: number; nameContains?: string },
): Promise<AreaSummaryRecord[]> {
  let query = db.selectFrom('areas').select(summaryColumns).where('year', '=', filters.year);
  if (filters.level) query = query.where('level', '=', filters.level);
  if (filters.parentCode) query = query.where('parent_code', '=', filters.parentCode);
  if (filters.nameContains) {
    query = query.where('name', 'ilike', containsPattern(filters.nameContains));
  }
  return (await query.orderBy('code').limit(20_000).execute()) as AreaSummaryRecord[];
}

export type AreaRecord = AreaSummaryRecord & {
  land_area_ha: number | null;
  key_figures: Record<string, number | null>;
  geometry: string;
  label_lon: number;
  label_lat: number;
};

export async function findArea(db: Db, code: string, year?: number): Promise<AreaRecord | undefined> {
  let query = db
    .selectFrom('areas')
    .select((eb) => [
      ...summaryColumns,
      'areas.land_area_ha',
      'areas.key_figures',
      asGeoJson(eb.ref('areas.geom'), 6).as('geometry'),
      lonOf(eb.ref('areas.label_point')).as('label_lon'),
      latOf(eb.ref('areas.label_point')).as('label_lat'),
    ])
    .where('code', '=', code);
  if (year !== undefined) query = query.where('year', '=', year);
  return (await query.orderBy('year', 'desc').limit(1).executeTakeFirst()) as AreaRecord | undefined;
}

/** Every area, of any level and year, whose polygon covers the point (GiST-indexed). */
export async function areasContaining(db: Db, lon: number, lat: number, year?: number): Promise<AreaSummaryRecord[]> {
  let query = db
    .selectFrom('areas')
    .select(summaryColumns)
    .where(covers(sql.ref('areas.geom'), pointFromLonLat(lon, lat)));
  if (year !== undefined) query = query.where('year', '=', year);
  return (await query.orderBy('year', 'desc').execute()) as AreaSummaryRecord[];
}

export type AreaInput = {
  code: string;
  year: number;
  level: AreaLevel;
  name: string;
  parentCode: string | null;
  gemeenteCode: string;
  inhabitants: number | null;
  households: number | null;
  landAreaHectares: number | null;
  keyFigures: Record<string, number | null>;
  /** GeoJSON Polygon or MultiPolygon in WGS84. */
  geometry: unknown;
  source: string;
};

/** Inserts or replaces one year's version of an area, repairing invalid rings on the way. */
export async function upsertArea(db: Db, area: AreaInput): Promise<void> {
  const geom = validMultiPolygonFromGeoJson(JSON.stringify(area.geometry));
  const values = {
    code: area.code,
    year: area.year,
    level: area.level,
    name: area.name,
    parent_code: area.parentCode,
    gemeente_code: area.gemeenteCode,
    inhabitants: area.inhabitants,
    households: area.households,
    land_area_ha: area.landAreaHectares,
    key_figures: jsonb(area.keyFigures),
    geom,
    // ST_PointOnSurface lies inside even a crescent-shaped buurt, unlike the centroid.
    label_point: sql<string>`ST_PointOnSurface(${geom})`,
    source: area.source,
  };
  await db
    .insertInto('areas')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['code', 'year']).doUpdateSet((eb) => ({
        level: eb.ref('excluded.level'),
        name: eb.ref('excluded.name'),
        parent_code: eb.ref('excluded.parent_code'),
        gemeente_code: eb.ref('excluded.gemeente_code'),
        inhabitants: eb.ref('excluded.inhabitants'),
        households: eb.ref('excluded.households'),
        land_area_ha: eb.ref('excluded.land_area_ha'),
        key_figures: eb.ref('excluded.key_figures'),
        geom: eb.ref('excluded.geom'),
        label_point: eb.ref('excluded.label_point'),
        source: eb.ref('excluded.source'),
        imported_at: sql`now()`,
      })),
    )
    .execute();
}

/** The codes of one year's areas of some levels in some gemeenten. */
export async function areaCodesOf(db: Db, scope: { year: number; gemeenten: string[]; levels: AreaLevel[] }): Promise<string[]> {
  if (scope.gemeenten.length === 0 || scope.levels.length === 0) return [];
  const rows = await db
    .selectFrom('areas')
    .select('code')
    .where('year', '=', scope.year)
    .where('level', 'in', scope.levels)
    .where((eb) => eb.or([eb('gemeente_code', 'in', scope.gemeenten), eb('code', 'in', scope.gemeenten)]))
    .execute();
  return rows.map((row) => row.code);
}

export async function deleteAreas(db: Db, scope: { year: number; codes: string[] }): Promise<number> {
  if (scope.codes.length === 0) return 0;
  const result = await db.deleteFrom('areas').where('year', '=', scope.year).where('code', 'in', scope.codes).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countAreas(db: Db): Promise<number> {
  const row = await db.selectFrom('areas').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Re-derives every asset's buurt, wijk, gemeente and public location after areas changed.
 * Touching geom fires the assets_derive_location trigger, the one place that rule lives.
 */
export async function rederiveAssetAreas(db: Db): Promise<number> {
  const result = await db.updateTable('assets').set((eb) => ({ geom: eb.ref('geom') })).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
