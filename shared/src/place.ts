import { z } from 'zod';

/** A place a person can search "near": an address, a postcode, a buurt, an asset by name. */
export const PlaceSchema = z.object({
  label: z.string(),
  type: z.enum(['address', 'postcode', 'street', 'place', 'gemeente', 'wijk', 'buurt', 'asset']),
  lat: z.number(),
  lon: z.number(),
  source: z.enum(['kwartier', 'locatieserver']),
});
export type Place = z.infer<typeof PlaceSchema>;

export const PlaceQuerySchema = z.object({ q: z.string().trim().min(2).max(100) }).strict();
export const PlaceListSchema = z.object({ items: z.array(PlaceSchema) });
