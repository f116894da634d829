import { z } from 'zod';
import { AreaLevelSchema } from './area.ts';

/** Up to which zoom level the asset tiles hold clusters with counts instead of single assets. */
export const CLUSTER_MAX_ZOOM = 12;
export const TILE_MAX_ZOOM = 22;

const tileNumber = z.string().regex(/^\d{1,8}$/, 'expected a whole number').transform(Number);

/** z/x/y of a tile in the Web Mercator tiling scheme; x and y within 0 .. 2^z - 1. */
export const TileParamsSchema = z
  .object({ z: tileNumber.pipe(z.number().max(TILE_MAX_ZOOM, `zoom goes up to ${TILE_MAX_ZOOM}`)), x: tileNumber, y: tileNumber })
  .strict()
  .superRefine((tile, ctx) => {
    const size = 2 ** tile.z;
    if (tile.x >= size) ctx.addIssue({ code: 'custom', path: ['x'], message: `x must be below ${size} at zoom ${tile.z}` });
    if (tile.y >= size) ctx.addIssue({ code: 'custom', path: ['y'], message: `y must be below ${size} at zoom ${tile.z}` });
  });
export type TileParams = z.infer<typeof TileParamsSchema>;

export const AreaTileQuerySchema = z
  .object({ level: AreaLevelSchema.default('buurt'), year: z.string().regex(/^\d{4}$/, 'expected a year').transform(Number).optional() })
  .strict();

/** The layers in Kwartier's vector tiles, as the web app's map styles name them. */
export const TILE_LAYERS = { assets: 'assets', clusters: 'clusters', areas: 'areas', areaLabels: 'area_labels' } as const;
