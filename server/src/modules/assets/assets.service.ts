import type { Kysely } from 'kysely';
import {
  type Address,
  type Asset,
  type AssetCreate,
  type AssetImport,
  type Provenance,
  type AssetListQuery,
  type AssetPage,
  type AssetStatus,
  type AssetUpdate,
  type Contact,
  type ManagedAsset,
  type NearbyAsset,
  type NearbyQuery,
  type Schedule,
  can,
  COUNT_CAP,
  localMoment,
  publicAddress,
  publicContact,
  roundCoordinate,
} from '@kwartier/shared';
import type { DB, NewAssetRow, AssetRowUpdate } from '../../db/types.ts';
import { jsonb, textArray } from '../../db/json.ts';
import { pointFromLonLat } from '../../db/spatial.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import type { Viewer } from '../../plugins/auth.ts';
import * as repository from './assets.repository.ts';
import type { AssetFilterInput, AssetRecord, ManagedAssetRecord, NearbyRecord } from './assets.repository.ts';

function areaRef(code: string | null, name: string | null) {
  return code === null ? null : { code, name: name ?? code };
}

/**
 * How someone may reach an asset, as this viewer may see it: the public contact, or the whole
 * contact when the resident chose to share it with professionals and the viewer is one.
 */
function contactFor(record: AssetRecord, viewer: Viewer | null): Contact {
  const contact = record.contact as Contact;
  if (record.share_contact_with_professionals && can(viewer?.roles, 'seeSharedWithProfessionals')) return contact;
  return publicContact(record, contact);
}

/** An asset as anyone may see it: its public location, address and contact, never its exact place. */
export function assetRecordToAsset(record: AssetRecord, viewer: Viewer | null = null): Asset {
  return {
    id: record.id,
    kind: record.kind as Asset['kind'],
    category: record.category as Asset['category'],
    name: record.name,
    description: record.description,
    socialCapital: record.social_capital as Asset['socialCapital'],
    inclusionFeatures: record.inclusion_features as Asset['inclusionFeatures'],
    targetGroups: record.target_groups as Asset['targetGroups'],
    languages: record.languages,
    characteristics: record.characteristics as Asset['characteristics'],
    schedule: record.schedule as Schedule,
    contact: contactFor(record, viewer),
    asks: record.asks as Asset['asks'],
    offers: record.offers as Asset['offers'],
    location: { type: 'Point', coordinates: [roundCoordinate(record.public_lon), roundCoordinate(record.public_lat)] },
    precision: record.precision as Asset['precision'],
    address: publicAddress(record, record.address as Address),
    status: record.status as Asset['status'],
    buurt: areaRef(record.buurt_code, record.buurt_name),
    wijk: areaRef(record.wijk_code, record.wijk_name),
    gemeente: areaRef(record.gemeente_code, record.gemeente_name),
    provenance: { source: record.source, sourceId: record.source_id, isSample: record.is_sample },
    reachableThroughKwartier: record.owner_id !== null,
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
    ...(record.skills.length > 0 ? { skills: record.skills as NonNullable<Asset['skills']> } : {}),
  };
}

/** The whole entry, for its author and moderators only: exact place, full address and contact. */
export function managedRecordToAsset(record: ManagedAssetRecord): ManagedAsset {
  return {
    ...assetRecordToAsset(record),
    contact: record.contact as Contact,
    address: record.address as Address,
    exactLocation: { type: 'Point', coordinates: [record.exact_lon, record.exact_lat] },
    ownerId: record.owner_id,
    ownerName: record.owner_name,
    shareContactWithProfessionals: record.share_contact_with_professionals,
    moderationMessage: record.moderation_message,
    openReports: record.open_reports,
    // Private to the author and moderators; sent only when set, so older entries read as before.
    ...((record.availability as unknown[]).length > 0 ? { availability: record.availability as NonNullable<ManagedAsset['availability']> } : {}),
    ...(record.needs_inclusion.length > 0 ? { needsInclusion: record.needs_inclusion as NonNullable<ManagedAsset['needsInclusion']> } : {}),
  };
}

function nearbyRecordToAsset(record: NearbyRecord, viewer: Viewer | null): NearbyAsset {
  return { ...assetRecordToAsset(record, viewer), distanceMeters: Math.round(record.distance_meters * 10) / 10 };
}

/** What a submission through the API records as its provenance. */
export const API_PROVENANCE: Provenance = { source: 'api', isSample: false };

/** The stored row of a new asset: its fields, plus what Kwartier sets (status, owner, provenance). */
export function assetFieldsToRow(
  input: Omit<AssetCreate, 'consent'>,
  meta: { status: AssetStatus; ownerId: string | null; provenance: Provenance },
): NewAssetRow {
  const [lon, lat] = input.location.coordinates;
  return {
    kind: input.kind,
    category: input.category,
    name: input.name,
    description: input.description,
    social_capital: textArray(input.socialCapital) as never,
    inclusion_features: textArray(input.inclusionFeatures) as never,
    target_groups: textArray(input.targetGroups) as never,
    languages: textArray(input.languages) as never,
    characteristics: textArray(input.characteristics) as never,
    schedule: jsonb(input.schedule),
    contact: jsonb(input.contact),
    asks: jsonb(input.asks),
    offers: jsonb(input.offers),
    address: jsonb(input.address),
    geom: pointFromLonLat(lon, lat),
    precision: input.precision,
    share_contact_with_professionals: input.shareContactWithProfessionals,
    status: meta.status,
    owner_id: meta.ownerId,
    source: meta.provenance.source,
    source_id: meta.provenance.sourceId ?? null,
    is_sample: meta.provenance.isSample,
    // Only when given, so that a re-import leaves what a person set in Kwartier alone.
    ...(input.skills !== undefined ? { skills: textArray(input.skills) } : {}),
    ...(input.availability !== undefined ? { availability: jsonb(input.availability) } : {}),
    ...(input.needsInclusion !== undefined ? { needs_inclusion: textArray(input.needsInclusion) } : {}),
  } as NewAssetRow;
}

export function assetUpdateToRow(patch: AssetUpdate): AssetRowUpdate {
  const row: Record<string, unknown> = {};
  if (patch.kind !== undefined) row.kind = patch.kind;
  if (patch.category !== undefined) row.category = patch.category;
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.description !== undefined) row.description = patch.description;
  if (patch.socialCapital !== undefined) row.social_capital = textArray(patch.socialCapital);
  if (patch.inclusionFeatures !== undefined) row.inclusion_features = textArray(patch.inclusionFeatures);
  if (patch.targetGroups !== undefined) row.target_groups = textArray(patch.targetGroups);
  if (patch.languages !== undefined) row.languages = textArray(patch.languages);
  if (patch.characteristics !== undefined) row.characteristics = textArray(patch.characteristics);
  if (patch.schedule !== undefined) row.schedule = jsonb(patch.schedule);
  if (patch.contact !== undefined) row.contact = jsonb(patch.contact);
  if (patch.asks !== undefined) row.asks = jsonb(patch.asks);
  if (patch.offers !== undefined) row.offers = jsonb(patch.offers);
  if (patch.address !== undefined) row.address = jsonb(patch.address);
  if (patch.location !== undefined) row.geom = pointFromLonLat(...patch.location.coordinates);
  if (patch.precision !== undefined) row.precision = patch.precision;
  if (patch.shareContactWithProfessionals !== undefined) row.share_contact_with_professionals = patch.shareContactWithProfessionals;
  if (patch.skills !== undefined) row.skills = textArray(patch.skills);
  if (patch.availability !== undefined) row.availability = jsonb(patch.availability);
  if (patch.needsInclusion !== undefined) row.needs_inclusion = textArray(patch.needsInclusion);
  return row as AssetRowUpdate;
}

/**
 * Filters from a query string, with "open now" or "open at" turned into a local moment. The
 * list, nearby search and the map tiles all read their filters through this one function.
 */
export function toFilterInput(query: Omit<AssetListQuery, 'limit' | 'offset' | 'bbox'> & { bbox?: AssetListQuery['bbox'] }, now: Date): AssetFilterInput {
  const { openNow, openAt, ...rest } = query;
  const moment = openAt !== undefined ? localMoment(new Date(openAt)) : openNow ? localMoment(now) : undefined;
  return { ...rest, ...(moment ? { openAt: moment } : {}) };
}

export const assetImportToRow = (asset: AssetImport): NewAssetRow =>
  assetFieldsToRow(asset, { status: asset.status, ownerId: null, provenance: asset });

/**
 * Only moderators may list entries that are not published; anyone else asking for another
 * status is told so, rather than silently shown the published ones.
 */
function checkStatusFilter(status: readonly string[] | undefined, viewer: Viewer | null): void {
  if (status === undefined || status.every((value) => value === 'published')) return;
  if (!can(viewer?.roles, 'moderate')) {
    throw new AppError('FORBIDDEN', 403, 'Only moderators may list entries that are not published', [
      { field: 'query.status', message: 'only moderators may ask for statuses other than published' },
    ]);
  }
}

/**
 * One asset as the public sees it. An entry that is not published is found only by its author
 * and by moderators; to anyone else it does not exist.
 */
export async function getAsset(db: Kysely<DB>, id: string, viewer: Viewer | null): Promise<Asset> {
  const record = await repository.findAssetById(db, id);
  if (!record) throw notFound('Asset');
  const mayManage = viewer !== null && (record.owner_id === viewer.id || can(viewer.roles, 'moderate'));
  if (record.status !== 'published' && !mayManage) throw notFound('Asset');
  return assetRecordToAsset(record, viewer);
}

export async function listAssets(db: Kysely<DB>, query: AssetListQuery, now: Date, viewer: Viewer | null): Promise<AssetPage> {
  const { limit, offset, ...filters } = query;
  checkStatusFilter(filters.status, viewer);
  const { rows, total, capped } = await repository.listAssets(db, toFilterInput(filters, now), { limit, offset }, COUNT_CAP);
  return { items: rows.map((row) => assetRecordToAsset(row, viewer)), total, totalCapped: capped, limit, offset };
}

export async function nearbyAssets(db: Kysely<DB>, query: NearbyQuery, now: Date, viewer: Viewer | null) {
  const { lat, lon, radius, limit, offset, ...filters } = query;
  checkStatusFilter(filters.status, viewer);
  const { rows, total, capped } = await repository.nearbyAssets(db, { lon, lat }, radius, toFilterInput(filters, now), { limit, offset }, COUNT_CAP);
  return { items: rows.map((row) => nearbyRecordToAsset(row, viewer)), total, totalCapped: capped, limit, offset, center: { lat, lon }, radius };
}
