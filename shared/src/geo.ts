import { z } from 'zod';

export const LongitudeSchema = z.number().min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180');
export const LatitudeSchema = z.number().min(-90, 'latitude must be between -90 and 90').max(90, 'latitude must be between -90 and 90');

/** A GeoJSON Point in WGS84, [longitude, latitude] as RFC 7946 orders them. */
export const GeoJsonPointSchema = z
  .object({
    type: z.literal('Point'),
    coordinates: z.tuple([LongitudeSchema, LatitudeSchema]),
  })
  .strict();
export type GeoJsonPoint = z.infer<typeof GeoJsonPointSchema>;

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
    const trimmed = raw.trim();
    return trimmed === '' ? undefined : Number(trimmed);
  }, inner);
}
