import { type Kysely, type Transaction, sql } from 'kysely';
import { type AreaLevel, CLUSTER_MAX_ZOOM } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { type AssetFilterInput, applyFilters } from '../assets/assets.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Tile-local coordinates run from 0 to EXTENT across a tile, y downwards (the MVT spec). */
export const EXTENT = 4096;

export type TileAddress = { z: number; x: number; y: number };

/**
 * The tile's square in Web Mercator, optionally widened by `buffer` tile units, and the same
 * square in WGS84 for the GiST index on public_geom. ST_TileEnvelope works on PostGIS and in
 * PGlite; ST_AsMVT does not exist in PGlite, so the encoding is done in JavaScript.
 */
function envelope({ z, x, y }: TileAddress, buffer = 0) {
  const margin = buffer / EXTENT;
  return sql<string>`ST_TileEnvelope(${z}::integer, ${x}::integer, ${y}::integer, margin => ${margin}::double precision)`;
}

/** x and y of a 3857 point in tile units of the tile `{z, x, y}`. */
function tileX(mercator: ReturnType<typeof sql>, tile: TileAddress) {
  const env = envelope(tile);
  return sql<number>`(ST_X(${mercator}) - ST_XMin(${env})) / (ST_XMax(${env}) - ST_XMin(${env})) * ${EXTENT}`;
}
function tileY(mercator: ReturnType<typeof sql>, tile: TileAddress) {
  const env = envelope(tile);
  return sql<number>`(ST_YMax(${env}) - ST_Y(${mercator})) / (ST_YMax(${env}) - ST_YMin(${env})) * ${EXTENT}`;
}

export type TileAsset = {
  id: string;
  kind: string;
  category: string;
  name: string;
  precision: string;
  social_capital: string[];
  inclusion_features: string[];
  px: number;
  py: number;
};

/** Symbols may reach over a tile's edge; 64 of 4096 units is 8 px on a 512 px tile. */
export const POINT_BUFFER = 64;
/** One cluster per square of 512 units: 64 px on a 512 px tile. */
export const CLUSTER_CELL = 512;

/**
 * The query an asset tile runs: clusters up to CLUSTER_MAX_ZOOM, single assets above. For
 * benchmarks, which time the same SQL straight to the driver.
 */
export function tileQuery(db: Db, tile: TileAddress, filters: AssetFilterInput) {
  return tile.z <= CLUSTER_MAX_ZOOM ? clustersInTileQuery(db, tile, filters, CLUSTER_CELL) : assetsInTileQuery(db, tile, filters, POINT_BUFFER);
}

function assetsInTileQuery(db: Db, tile: TileAddress, filters: AssetFilterInput, buffer: number) {
  const mercator = sql`ST_Transform(assets.public_geom, 3857)`;
  return applyFilters(db.selectFrom('assets'), filters)
    .where(sql<boolean>`assets.public_geom && ST_Transform(${envelope(tile, buffer)}, 4326)`)
    .select([
      'assets.id',
      'assets.kind',
      'assets.category',
      'assets.name',
      'assets.precision',
      'assets.social_capital',
      'assets.inclusion_features',
      tileX(mercator, tile).as('px'),
      tileY(mercator, tile).as('py'),
    ])
    .orderBy('assets.id');
}

/** The assets in a tile (with a buffer, so that symbols at an edge are drawn on both sides). */
export async function assetsInTile(db: Db, tile: TileAddress, filters: AssetFilterInput): Promise<TileAsset[]> {
  return (await assetsInTileQuery(db, tile, filters, POINT_BUFFER).execute()) as TileAsset[];
}

export type TileCluster = { count: number; px: number; py: number; kinds: string[]; id: string };

/**
 * Assets counted per square of `cellSize` tile units, placed at their mean position: the
 * clusters of a low zoom, aggregated in the database so that a tile over a whole province
 * does not carry every asset in it. No buffer: each asset is counted in one tile only.
 */
export async function clustersInTile(db: Db, tile: TileAddress, filters: AssetFilterInput): Promise<TileCluster[]> {
  const rows = await clustersInTileQuery(db, tile, filters, CLUSTER_CELL).execute();
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

function clustersInTileQuery(db: Db, tile: TileAddress, filters: AssetFilterInput, cellSize: number) {
  const mercator = sql`ST_Transform(assets.public_geom, 3857)`;
  const points = applyFilters(db.selectFrom('assets'), filters)
    .where(sql<boolean>`assets.public_geom && ST_Transform(${envelope(tile)}, 4326)`)
    .select(['assets.id', 'assets.kind', tileX(mercator, tile).as('px'), tileY(mercator, tile).as('py')]);
  return db
    .selectFrom(points.as('p'))
    .select([
      sql<number>`count(*)`.as('count'),
      sql<number>`avg(p.px)`.as('px'),
      sql<number>`avg(p.py)`.as('py'),
      sql<string[]>`array_agg(DISTINCT p.kind ORDER BY p.kind)`.as('kinds'),
      sql<string>`min(p.id::text)`.as('id'),
    ])
    // Points exactly on the tile's far edge belong to the next tile.
    .where(sql<boolean>`p.px >= 0 AND p.px < ${EXTENT} AND p.py >= 0 AND p.py < ${EXTENT}`)
    .groupBy([sql`floor(p.px / ${cellSize})`, sql`floor(p.py / ${cellSize})`])
    .orderBy(sql`min(p.id::text)`);
}

export type TileArea = { code: string; name: string; level: string; rings: string; label_px: number; label_py: number };

/**
 * Area outlines in tile units: clipped to the tile and a buffer, simplified to about a tile
 * unit. MVT wants exterior rings with a positive area in tile coordinates (y down), which is
 * clockwise as drawn there, and counter-clockwise by the numbers: ST_ForcePolygonCCW after
 * the y-flip. Returned as GeoJSON text.
 */
export async function areasInTile(db: Db, tile: TileAddress, level: AreaLevel, year: number, buffer: number): Promise<TileArea[]> {
  const env = envelope(tile);
  const wide = envelope(tile, buffer);
  const unitsPerMetre = sql`(${EXTENT}::double precision / (ST_XMax(${env}) - ST_XMin(${env})))`;
  const toTile = (geom: ReturnType<typeof sql>) =>
    sql`ST_Affine(${geom}, ${unitsPerMetre}, 0, 0, -${unitsPerMetre}, -ST_XMin(${env}) * ${unitsPerMetre}, ST_YMax(${env}) * ${unitsPerMetre})`;
  const clipped = sql`ST_SimplifyPreserveTopology(ST_ClipByBox2D(ST_Transform(areas.geom, 3857), ${wide}), 1 / ${unitsPerMetre})`;
  const label = sql`ST_Transform(areas.label_point, 3857)`;
  const rows = await db
    .selectFrom('areas')
    .where('areas.level', '=', level)
    .where('areas.year', '=', year)
    .where(sql<boolean>`areas.geom && ST_Transform(${wide}, 4326)`)
    .select([
      'areas.code',
      'areas.name',
      'areas.level',
      sql<string>`ST_AsGeoJSON(ST_ForcePolygonCCW(${toTile(clipped)}), 1)`.as('rings'),
      tileX(label, tile).as('label_px'),
      tileY(label, tile).as('label_py'),
    ])
    .orderBy('areas.code')
    .execute();
  return rows as TileArea[];
}
