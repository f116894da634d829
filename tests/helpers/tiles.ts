import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

export type TileId = { z: number; x: number; y: number };

/** The Web Mercator tile that holds a point. */
export function tileOf(lon: number, lat: number, z: number): TileId {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x, y };
}

/** A tile's bounds in WGS84, [minLon, minLat, maxLon, maxLat]. */
export function boundsOf({ z, x, y }: TileId): [number, number, number, number] {
  const n = 2 ** z;
  const lon = (tx: number) => (tx / n) * 360 - 180;
  const lat = (ty: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * ty) / n))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

/** Every feature of a layer, as GeoJSON in WGS84. */
export type DecodedFeature = { properties: Record<string, string | number | boolean>; geometry: { type: string; coordinates: [number, number] } };

export function decodeTile(bytes: Buffer): VectorTile {
  return new VectorTile(new PbfReader(bytes));
}

export function features(vectorTile: VectorTile, layerName: string, t: TileId): DecodedFeature[] {
  const layer = vectorTile.layers[layerName];
  if (!layer) return [];
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i).toGeoJSON(t.x, t.y, t.z) as unknown as DecodedFeature);
}
