import { z } from 'zod';
import { AreaCodeSchema, AssetKindSchema } from './asset.ts';

/**
 * Exports of assets as GeoJSON and CSV, for the caller's role: the public (and residents) get
 * what the public map shows; professionals also the contact details residents share with
 * them; moderators and admins every field, exact place included. Both formats hold the same
 * flat record, so that the built-in mappings `kwartier-geojson` and `kwartier-csv` read an
 * export back in.
 */
export const ExportQuerySchema = z
  .object({
    area: AreaCodeSchema.optional().describe('only the assets in this gemeente, wijk or buurt'),
    kind: AssetKindSchema.optional(),
  })
  .strict();
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

/** The columns of a CSV export, in order; a GeoJSON export has the same properties minus lon/lat. */
export const EXPORT_COLUMNS = [
  'id', 'kind', 'category', 'name', 'description',
  'socialCapital', 'inclusionFeatures', 'targetGroups', 'languages', 'characteristics', 'skills',
  'schedule', 'asks', 'offers',
  'precision', 'lon', 'lat',
  'address.street', 'address.houseNumber', 'address.postcode', 'address.city',
  'contact.phone', 'contact.email', 'contact.website', 'contact.contactPerson',
  'shareContactWithProfessionals', 'availability', 'needsInclusion',
  'buurt', 'wijk', 'gemeente', 'status', 'source', 'sourceId', 'updatedAt',
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** Lists are joined with this in CSV cells (a comma is common inside Dutch text). */
export const EXPORT_LIST_SEPARATOR = '|';
