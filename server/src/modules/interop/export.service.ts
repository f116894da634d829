import type { Kysely, Transaction } from 'kysely';
import {
  type Asset,
  EXPORT_COLUMNS,
  EXPORT_LIST_SEPARATOR,
  type ExportColumn,
  type ExportQuery,
  type ManagedAsset,
  can,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { csvDocument } from '../../lib/csv.ts';
import type { Viewer } from '../../plugins/auth.ts';
import { listAssets, listManagedAssets } from '../assets/assets.repository.ts';
import { assetRecordToAsset, managedRecordToAsset } from '../assets/assets.service.ts';

/**
 * Exports of the published assets for the caller's role. The public and residents get exactly
 * what the public API gives (public place, public address and contact); professionals also
 * contact details a resident chose to share with them (the same mapper decides); moderators
 * and admins the whole entry, exact place and all.
 */

const PAGE = 2000;

export type ExportRecord = Partial<Record<ExportColumn, unknown>>;

/** Every published asset the viewer may see, page by page, as flat records. */
export async function* exportRecords(db: Kysely<DB> | Transaction<DB>, viewer: Viewer | null, query: ExportQuery): AsyncGenerator<ExportRecord> {
  const whole = can(viewer?.roles, 'moderate');
  for (let offset = 0; ; offset += PAGE) {
    const page = whole
      ? (await listManagedAssets(db, { status: ['published'], ...(query.kind ? { kind: query.kind } : {}), ...(query.area ? { area: query.area } : {}) }, { limit: PAGE, offset })).rows.map(managedRecordToAsset)
      : (await listAssets(db, { ...(query.kind ? { kind: [query.kind] } : {}), ...(query.area ? { area: [query.area] } : {}) }, { limit: PAGE, offset })).rows.map((row) => assetRecordToAsset(row, viewer));
    for (const asset of page) yield flatRecord(asset, whole);
    if (page.length < PAGE) return;
  }
}

function flatRecord(asset: Asset | ManagedAsset, whole: boolean): ExportRecord {
  const [lon, lat] = whole ? (asset as ManagedAsset).exactLocation.coordinates : asset.location.coordinates;
  return {
    id: asset.id,
    kind: asset.kind,
    category: asset.category,
    name: asset.name,
    description: asset.description,
    socialCapital: asset.socialCapital,
    inclusionFeatures: asset.inclusionFeatures,
    targetGroups: asset.targetGroups,
    languages: asset.languages,
    characteristics: asset.characteristics,
    skills: asset.skills,
    schedule: asset.schedule,
    asks: asset.asks,
    offers: asset.offers,
    precision: asset.precision,
    lon,
    lat,
    'address.street': asset.address.street,
    'address.houseNumber': asset.address.houseNumber,
    'address.postcode': asset.address.postcode,
    'address.city': asset.address.city,
    'contact.phone': asset.contact.phone,
    'contact.email': asset.contact.email,
    'contact.website': asset.contact.website,
    'contact.contactPerson': asset.contact.contactPerson,
    // Private to the author and moderators: only in a moderator's export.
    ...(whole
      ? {
          shareContactWithProfessionals: (asset as ManagedAsset).shareContactWithProfessionals,
          availability: (asset as ManagedAsset).availability,
          needsInclusion: (asset as ManagedAsset).needsInclusion,
        }
      : {}),
    buurt: asset.buurt?.code,
    wijk: asset.wijk?.code,
    gemeente: asset.gemeente?.code,
    status: asset.status,
    source: asset.provenance.source,
    sourceId: asset.provenance.sourceId ?? asset.id,
    updatedAt: asset.updatedAt,
  };
}

/** A GeoJSON FeatureCollection (RFC 7946: WGS84, longitude first). */
/**
 * Reads every page in one REPEATABLE READ transaction: one snapshot, so that an asset saved
 * during a long export is neither missed nor written twice as the pages shift.
 */
function inSnapshot<T>(db: Kysely<DB>, read: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').execute(read);
}

export async function exportGeoJson(db: Kysely<DB>, viewer: Viewer | null, query: ExportQuery) {
  return inSnapshot(db, (trx) => geoJsonOf(trx, viewer, query));
}

async function geoJsonOf(db: Transaction<DB>, viewer: Viewer | null, query: ExportQuery) {
  const features = [];
  for await (const record of exportRecords(db, viewer, query)) {
    const { lon, lat, ...properties } = record;
    features.push({
      type: 'Feature' as const,
      id: record.id as string,
      geometry: { type: 'Point' as const, coordinates: [lon as number, lat as number] },
      properties: withoutUndefined(properties),
    });
  }
  return { type: 'FeatureCollection' as const, features };
}

/** CSV with one column per field; lists joined with "|", structured fields as JSON. */
export async function exportCsv(db: Kysely<DB>, viewer: Viewer | null, query: ExportQuery): Promise<string> {
  return inSnapshot(db, async (trx) => {
    const rows: unknown[][] = [];
    for await (const record of exportRecords(trx, viewer, query)) rows.push(EXPORT_COLUMNS.map((column) => csvCell(record[column])));
    return csvDocument(EXPORT_COLUMNS, rows);
  });
}

function csvCell(value: unknown): unknown {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(EXPORT_LIST_SEPARATOR);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
