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

/** Half the width of the Web Mercator square in metres: ST_TileEnvelope's default bounds. */
const MERCATOR_HALF = 20037508.342789244;

/**
 * The tile's square in Web Mercator metres and the scale to tile units, worked out here rather
 * than in SQL: the queries over assets are then plain arithmetic on each row's kept
 * public_merc, and the planner sees constants.
 */
function squareOf({ z, x, y }: TileAddress) {
  const size = (2 * MERCATOR_HALF) / 2 ** z;
  const minX = -MERCATOR_HALF + x * size;
  const maxY = MERCATOR_HALF - y * size;
  return { minX, maxX: minX + size, minY: maxY - size, maxY, unitsPerMetre: EXTENT / size };
}

const double = (value: number) => sql<number>`${value}::double precision`;

/** The tile's square widened by `buffer` tile units, for the GiST index on public_merc. */
function inSquare(tile: TileAddress, buffer: number) {
  const { minX, maxX, minY, maxY, unitsPerMetre } = squareOf(tile);
  const margin = buffer / unitsPerMetre;
  return sql<boolean>`assets.public_merc && ST_MakeEnvelope(${double(minX - margin)}, ${double(minY - margin)}, ${double(maxX + margin)}, ${double(maxY + margin)}, 3857)`;
}

/** An asset's place in tile units: x rightwards, y downwards from the tile's top left. */
function assetTileX(tile: TileAddress) {
  const { minX, unitsPerMetre } = squareOf(tile);
  return sql<number>`(ST_X(assets.public_merc) - ${double(minX)}) * ${double(unitsPerMetre)}`;
}
function assetTileY(tile: TileAddress) {
  const { maxY, unitsPerMetre } = squareOf(tile);
  return sql<number>`(${double(maxY)} - ST_Y(assets.public_merc)) * ${double(unitsPerMetre)}`;
}

export type TileAsset = {
  id: string;
  kind: string;
  category: string;
  name: string;
  px: number;
  py: number;
};

/** Symbols may reach over a tile's edge; 64 of 4096 units is 8 px on a 512 px tile. */
export const POINT_BUFFER = 64;
/** One cluster per square of 512 units: 64 px on a 512 px tile. */
export const CLUSTER_CELL = 512;
/**
 * At street zoom a tile holds single assets, up to this many: past it (a z13 tile over the
 * centre of Amsterdam holds thousands) the tile clusters instead, in squares of
 * DENSE_CLUSTER_CELL, so that no tile grows past what a phone can load.
 */
export const MAX_TILE_ASSETS = 4_000;
export const DENSE_CLUSTER_CELL = 128;

/**
 * The query an asset tile runs: clusters up to CLUSTER_MAX_ZOOM, single assets above. For
 * benchmarks, which time the same SQL straight to the driver.
 */
export function tileQuery(db: Db, tile: TileAddress, filters: AssetFilterInput) {
  return tile.z <= CLUSTER_MAX_ZOOM ? clustersInTileQuery(db, tile, filters, CLUSTER_CELL) : assetsInTileQuery(db, tile, filters);
}

function assetsInTileQuery(db: Db, tile: TileAddress, filters: AssetFilterInput) {
  return applyFilters(db.selectFrom('assets'), filters)
    .where(inSquare(tile, POINT_BUFFER))
    .select([
      'assets.id',
      'assets.kind',
      'assets.category',
      'assets.name',
      assetTileX(tile).as('px'),
      assetTileY(tile).as('py'),
    ])
    .orderBy('assets.id')
    .limit(MAX_TILE_ASSETS + 1);
}

/**
 * The assets in a tile (with a buffer, so that symbols at an edge are drawn on both sides), or
 * null when there are more than MAX_TILE_ASSETS.
 */
export async function assetsInTile(db: Db, tile: TileAddress, filters: AssetFilterInput): Promise<TileAsset[] | null> {
  const rows = (await assetsInTileQuery(db, tile, filters).execute()) as TileAsset[];
  return rows.length > MAX_TILE_ASSETS ? null : rows;
}

export type TileCluster = { count: number; px: number; py: number; kinds: string[]; id: string };

/**
 * Assets counted per square of `cellSize` tile units, placed at their mean position: the
 * clusters of a low zoom, aggregated in the database so that a tile over a whole province
 * does not carry every asset in it. No buffer: each asset is counted in one tile only.
 */
export async function clustersInTile(db: Db, tile: TileAddress, filters: AssetFilterInput, cellSize = CLUSTER_CELL): Promise<TileCluster[]> {
  const rows = await clustersInTileQuery(db, tile, filters, cellSize).execute();
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

function clustersInTileQuery(db: Db, tile: TileAddress, filters: AssetFilterInput, cellSize: number) {
  const { maxX, minY } = squareOf(tile);
  const points = applyFilters(db.selectFrom('assets'), filters)
    .where(inSquare(tile, 0))
    // Half-open: a point exactly on the east or south edge belongs to the next tile, so that
    // each asset is counted in one tile only.
    .where(sql<boolean>`ST_X(assets.public_merc) < ${double(maxX)} AND ST_Y(assets.public_merc) > ${double(minY)}`)
    .select(['assets.id', 'assets.kind', assetTileX(tile).as('px'), assetTileY(tile).as('py')]);
  return db
    .selectFrom(points.as('p'))
    .select([
      sql<number>`count(*)`.as('count'),
      sql<number>`avg(p.px)`.as('px'),
      sql<number>`avg(p.py)`.as('py'),
      sql<string[]>`array_agg(DISTINCT p.kind ORDER BY p.kind)`.as('kinds'),
      sql<string>`min(p.id::text)`.as('id'),
    ])
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
