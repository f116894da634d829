import { type Expression, type RawBuilder, sql } from 'kysely';

/**
 * PostGIS as small typed helpers: geometry goes in and out as GeoJSON text or as numbers,
 * and every value is a bound parameter, never part of the SQL string.
 */

/** A WGS84 point from longitude and latitude. */
export function pointFromLonLat(lon: number, lat: number): RawBuilder<string> {
  return sql<string>`ST_SetSRID(ST_MakePoint(${lon}::double precision, ${lat}::double precision), 4326)`;
}

/** A geometry from GeoJSON text, in WGS84. */
export function geometryFromGeoJson(geoJson: string): RawBuilder<string> {
  return sql<string>`ST_SetSRID(ST_GeomFromGeoJSON(${geoJson}), 4326)`;
}

/** Any polygonal GeoJSON as a valid MultiPolygon: real-world files hold self-touching rings. */
export function validMultiPolygonFromGeoJson(geoJson: string): RawBuilder<string> {
  return sql<string>`ST_Multi(ST_CollectionExtract(ST_MakeValid(${geometryFromGeoJson(geoJson)}), 3))`;
}

/** GeoJSON text of a geometry, with coordinates to 7 decimals (about 1 cm). */
export function asGeoJson(geom: Expression<string>, decimals = 7): RawBuilder<string> {
  return sql<string>`ST_AsGeoJSON(${geom}, ${sql.lit(decimals)})`;
}

export function lonOf(point: Expression<string>): RawBuilder<number> {
  return sql<number>`ST_X(${point})`;
}

export function latOf(point: Expression<string>): RawBuilder<number> {
  return sql<number>`ST_Y(${point})`;
}

export function asGeography(geom: Expression<string>): RawBuilder<string> {
  return sql<string>`(${geom})::geography`;
}

/**
 * Distance in metres on the sphere (mean earth radius). The sphere, not the spheroid: it is
 * what `<->` on geography orders by, so a list sorted by `<->` shows distances in order.
 * Within the Netherlands the two differ by less than 0.5 %.
 */
export function distanceMeters(a: Expression<string>, b: Expression<string>): RawBuilder<number> {
  return sql<number>`ST_Distance(${asGeography(a)}, ${asGeography(b)}, false)`;
}

/** Within a distance in metres (a number or an expression), on the sphere; uses a GiST index on `(geom::geography)`. */
export function withinMeters(a: Expression<string>, b: Expression<string>, meters: number | RawBuilder<number>): RawBuilder<boolean> {
  const distance = typeof meters === 'number' ? sql`${meters}::double precision` : meters;
  return sql<boolean>`ST_DWithin(${asGeography(a)}, ${asGeography(b)}, ${distance}, false)`;
}

/** Index-assisted nearest-neighbour ordering (the `<->` operator) on geography. */
export function knnDistance(a: Expression<string>, b: Expression<string>): RawBuilder<number> {
  return sql<number>`${asGeography(a)} <-> ${asGeography(b)}`;
}

export function covers(area: Expression<string>, point: Expression<string>): RawBuilder<boolean> {
  return sql<boolean>`ST_Covers(${area}, ${point})`;
}

export function intersectsEnvelope(
  geom: Expression<string>,
  [minLon, minLat, maxLon, maxLat]: readonly [number, number, number, number],
): RawBuilder<boolean> {
  return sql<boolean>`${geom} && ST_MakeEnvelope(${minLon}::double precision, ${minLat}::double precision, ${maxLon}::double precision, ${maxLat}::double precision, 4326)`;
}
