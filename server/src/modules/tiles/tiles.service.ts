import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type AreaLevel, type AssetTileQuery, CLUSTER_MAX_ZOOM, TILE_LAYERS, type TileParams } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import * as areasRepository from '../areas/areas.repository.ts';
import { toFilterInput } from '../assets/assets.service.ts';
import * as repository from './tiles.repository.ts';
import { EXTENT } from './tiles.repository.ts';
import { encodeTile, type Rings, type TileFeature } from './mvt.ts';

/** Area outlines are cut a little past the tile, so that their lines join up at its edge. */
const AREA_BUFFER = 16;

export type Tile = { body: Buffer; etag: string };

function encode(layers: Record<string, TileFeature[]>): Tile {
  const body = Buffer.from(encodeTile(layers, EXTENT));
  // The bytes decide the ETag: an unchanged tile is a 304 however it was computed. Weak, as the
  // same tile may be sent gzipped or not (tiles.cache.ts).
  return { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
}

const point = (px: number, py: number): Rings => [[{ x: Math.round(px), y: Math.round(py) }]];

const assetTileFilters = (query: AssetTileQuery, now: Date) => ({ ...toFilterInput(query, now), status: ['published' as const] });

/**
 * Which variant of an asset tile the filters ask for, the same text however the query was
 * written (`kind=a,b` and `kind=b,a`); "open now" is resolved to the minute it means.
 */
export function assetTileVariant(query: AssetTileQuery, now: Date): string {
  const filters = assetTileFilters(query, now) as Record<string, unknown>;
  const canonical = Object.keys(filters)
    .sort()
    .map((name) => [name, Array.isArray(filters[name]) ? [...(filters[name] as string[])].sort() : filters[name]]);
  return JSON.stringify(canonical);
}

/** Past this, a street-zoom tile clusters instead: 500 KB is the most a tile may weigh. */
const MAX_TILE_BYTES = 450 * 1024;

function clusterTile(clusters: repository.TileCluster[]): Tile {
  return encode({
    [TILE_LAYERS.clusters]: clusters.map((cluster) => ({
      type: 1,
      properties: {
        count: cluster.count,
        // One kind in the cluster: the map can show that kind's symbol.
        kind: cluster.kinds.length === 1 ? cluster.kinds[0]! : 'mixed',
        ...(cluster.count === 1 ? { id: cluster.id } : {}),
      },
      rings: point(cluster.px, cluster.py),
    })),
  });
}

function singleAssetTile(assets: repository.TileAsset[]): Tile {
  return encode({
    [TILE_LAYERS.assets]: assets.map((asset) => ({
      type: 1,
      // What the map draws and what names the asset; the rest is one click away (GET
      // /api/assets/{id}), and filters are applied before the tile is made.
      properties: { id: asset.id, kind: asset.kind, category: asset.category, name: asset.name },
      rings: point(asset.px, asset.py),
    })),
  });
}

/**
 * A vector tile of assets with the list's filters: clusters with counts up to
 * CLUSTER_MAX_ZOOM, single assets (public location and public fields only) above it, unless
 * that tile would hold too many (by count or by weight): then finer clusters.
 */
export async function assetTile(db: Kysely<DB>, tile: TileParams, query: AssetTileQuery, now: Date): Promise<Tile> {
  const filters = assetTileFilters(query, now);
  if (tile.z <= CLUSTER_MAX_ZOOM) return clusterTile(await repository.clustersInTile(db, tile, filters));
  const assets = await repository.assetsInTile(db, tile, filters);
  const single = assets && singleAssetTile(assets);
  if (single && single.body.length <= MAX_TILE_BYTES) return single;
  return clusterTile(await repository.clustersInTile(db, tile, filters, repository.DENSE_CLUSTER_CELL));
}

/**
 * Rounded to whole tile units, a ring can repeat a point (a LineTo of zero length, which the
 * MVT spec forbids) or collapse; repeats are left out, and rings of fewer than three corners.
 */
function tileRing(ring: number[][]): Array<{ x: number; y: number }> {
  const points: Array<{ x: number; y: number }> = [];
  for (const [x, y] of ring) {
    const point = { x: Math.round(x!), y: Math.round(y!) };
    const previous = points[points.length - 1];
    if (!previous || previous.x !== point.x || previous.y !== point.y) points.push(point);
  }
  return points;
}

function ringsFromGeoJson(text: string): Rings {
  const geometry = JSON.parse(text) as { type: string; coordinates: unknown };
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : []) as number[][][][];
  // Closed: the first point again at the end, so three corners make four points.
  return polygons.flatMap((polygon) => polygon.map(tileRing).filter((ring) => ring.length >= 4));
}

/** A vector tile of area outlines and their label points, for one level and year. */
export async function areaTile(db: Kysely<DB>, tile: TileParams, level: AreaLevel, year?: number): Promise<Tile> {
  const resolvedYear = year ?? (await areasRepository.latestYear(db, level));
  if (resolvedYear === null) return encode({});
  const areas = await repository.areasInTile(db, tile, level, resolvedYear, AREA_BUFFER);
  const properties = (area: repository.TileArea) => ({ code: area.code, name: area.name, level: area.level });
  return encode({
    [TILE_LAYERS.areas]: areas
      .map((area) => ({ type: 3 as const, properties: properties(area), rings: ringsFromGeoJson(area.rings) }))
      .filter((feature) => feature.rings.length > 0),
    [TILE_LAYERS.areaLabels]: areas
      .filter((area) => area.label_px >= 0 && area.label_px < EXTENT && area.label_py >= 0 && area.label_py < EXTENT)
      .map((area) => ({ type: 1 as const, properties: properties(area), rings: point(area.label_px, area.label_py) })),
  });
}
