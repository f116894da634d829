import { z } from 'zod';
import { AREA_LEVEL_CODES } from './taxonomy.ts';
import { AREA_CODE_PATTERN, PARENT_AREA_CODE_PATTERN } from './area-codes.ts';
import { GeoJsonMultiPolygonSchema, LatitudeSchema, LongitudeSchema, numberParam } from './geo.ts';

export const AreaLevelSchema = z.enum(AREA_LEVEL_CODES);

export const AreaRefSchema = z.object({ code: z.string(), name: z.string() });
export type AreaRef = z.infer<typeof AreaRefSchema>;

/**
 * The CBS key figures kept for an area besides inhabitants and households. CBS writes
 * -99999999 for a figure that is secret or unknown; Kwartier stores that as null, so that no
 * sum or average ever counts it as a number.
 */
export const AreaKeyFiguresSchema = z.record(z.string(), z.number().nullable());

export const AreaSummarySchema = z.object({
  code: z.string(),
  year: z.number().int(),
  level: AreaLevelSchema,
  name: z.string(),
  parentCode: z.string().nullable(),
  gemeenteCode: z.string(),
  inhabitants: z.number().int().nullable(),
  households: z.number().int().nullable(),
});
export type AreaSummary = z.infer<typeof AreaSummarySchema>;

export const AreaSchema = AreaSummarySchema.extend({
  landAreaHectares: z.number().nullable(),
  keyFigures: AreaKeyFiguresSchema,
  /** A point inside the area, for labels and for placing assets known only by buurt. */
  labelPoint: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
});
export type Area = z.infer<typeof AreaSchema>;

export const AreaFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: GeoJsonMultiPolygonSchema,
  properties: AreaSchema,
});
export type AreaFeature = z.infer<typeof AreaFeatureSchema>;

export const AreaListQuerySchema = z
  .object({
    level: AreaLevelSchema.optional(),
    parent: z.string().regex(PARENT_AREA_CODE_PATTERN, 'expected a gemeente or wijk code such as GM0546 or WK054600').optional(),
    year: numberParam(z.number().int().min(1990).max(2100).optional()),
    q: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type AreaListQuery = z.infer<typeof AreaListQuerySchema>;

export const AreaListSchema = z.object({ items: z.array(AreaSummarySchema), year: z.number().int().nullable() });

export const AreaCodeParamsSchema = z
  .object({ code: z.string().regex(AREA_CODE_PATTERN, 'expected a CBS code such as GM0546, WK054600 or BU05460000') })
  .strict();

export const AreaByCodeQuerySchema = z.object({ year: numberParam(z.number().int().min(1990).max(2100).optional()) }).strict();

export const ContainingQuerySchema = z
  .object({
    lat: numberParam(LatitudeSchema),
    lon: numberParam(LongitudeSchema),
    year: numberParam(z.number().int().min(1990).max(2100).optional()),
  })
  .strict();

export const ContainingResultSchema = z.object({ items: z.array(AreaSummarySchema) });
