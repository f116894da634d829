import { z } from 'zod';

export const LongitudeSchema = z.number().min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180');
export const LatitudeSchema = z.number().min(-90, 'latitude must be between -90 and 90').max(90, 'latitude must be between -90 and 90');

/** Seven decimals is about a centimetre: more is floating-point noise from a projection. */
export const roundCoordinate = (value: number): number => Math.round(value * 1e7) / 1e7;

/** A GeoJSON Point in WGS84, [longitude, latitude] as RFC 7946 orders them. */
export const GeoJsonPointSchema = z
  .object({
    type: z.literal('Point'),
    coordinates: z.tuple([LongitudeSchema, LatitudeSchema]),
  })
  .strict();
export type GeoJsonPoint = z.infer<typeof GeoJsonPointSchema>;

/**
 * Where Kwartier's assets can be: the European Netherlands and the Caribbean Netherlands
 * (Bonaire, Sint Eustatius and Saba are CBS gemeenten too), with a margin. A point elsewhere
 * is almost always latitude and longitude swapped, or a missing location sent as [0, 0].
 */
export const NETHERLANDS_BOUNDS: ReadonlyArray<readonly [number, number, number, number]> = [
  [3.0, 50.6, 7.4, 53.7],
  [-68.6, 11.9, -62.8, 17.8],
];

export function isInNetherlands([lon, lat]: readonly [number, number]): boolean {
  return NETHERLANDS_BOUNDS.some(([minLon, minLat, maxLon, maxLat]) => lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat);
}

/** An asset's location: a WGS84 point in the Netherlands. */
export const DutchPointSchema = GeoJsonPointSchema.refine((point) => isInNetherlands(point.coordinates), {
  message: 'the location must lie in the Netherlands, as [longitude, latitude]: were they swapped?',
  path: ['coordinates'],
  when: (payload) => payload.issues.length === 0,
});

const PositionSchema = z.array(z.number()).min(2);
export const GeoJsonMultiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(PositionSchema))),
});
export type GeoJsonMultiPolygon = z.infer<typeof GeoJsonMultiPolygonSchema>;

/**
 * A number from a query string. `z.coerce.number()` would read an empty `?lat=` as 0, a
 * real place in the Gulf of Guinea; this reads it as missing instead.
 */
export function numberParam<T extends z.ZodType>(inner: T) {
  return z.preprocess((raw) => {
    if (typeof raw !== 'string') return raw;
    return raw.trim() === '' ? undefined : decimalNumber(raw);
  }, inner);
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A number written in decimal notation, else NaN: Number() would also read "0x34" as 52 and "1e3" as 1000. */
export function decimalNumber(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** `limit` and `offset` of a paged list: one page of at most `maxLimit` rows. */
export function pageParams(maxLimit: number, defaultLimit: number) {
  return {
    limit: numberParam(z.number().int().min(1).max(maxLimit).default(defaultLimit)),
    offset: numberParam(z.number().int().min(0).max(100_000).default(0)),
  };
}
