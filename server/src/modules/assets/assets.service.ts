import type { Kysely } from 'kysely';
import {
  type Address,
  type Asset,
  type AssetCreate,
  type AssetImport,
  type Provenance,
  type AssetListQuery,
  type AssetPage,
  type AssetUpdate,
  type Contact,
  type NearbyAsset,
  type NearbyQuery,
  type Schedule,
  categoryFitsKind,
  localMoment,
  roundCoordinate,
  talentIsNotExact,
} from '@kwartier/shared';
import type { DB, NewAssetRow, AssetRowUpdate } from '../../db/types.ts';
import { jsonb, textArray } from '../../db/json.ts';
import { pointFromLonLat } from '../../db/spatial.ts';
import { invalid, notFound } from '../../lib/errors.ts';
import * as repository from './assets.repository.ts';
import type { AssetFilterInput, AssetRecord, NearbyRecord } from './assets.repository.ts';

/** Whether the public may see exactly where an asset is. Talents never; others by precision. */
function isExactInPublic(record: { kind: string; precision: string }): boolean {
  return record.kind !== 'talent' && record.precision === 'exact';
}

/**
 * The address as the public may see it. A postcode and house number pin a home down to a few
 * doors, so they are shown only for assets whose exact place is public.
 */
export function publicAddress(record: { kind: string; precision: string }, address: Address): Address {
  if (isExactInPublic(record)) return address;
  const { street, city } = address;
  if (record.precision === 'street') return { ...(street ? { street } : {}), ...(city ? { city } : {}) };
  return city ? { city } : {};
}

/**
 * How the public may reach an asset. A talent is reached through the platform only. An asset
 * shown away from its real place (street or buurt precision) is most often someone's home, so
 * its phone, e-mail and contact person stay private too; a website says nothing of a home.
 */
export function publicContact(record: { kind: string; precision: string }, contact: Contact): Contact {
  if (record.kind === 'talent') return {};
  if (!isExactInPublic(record)) return contact.website ? { website: contact.website } : {};
  return contact;
}

function areaRef(code: string | null, name: string | null) {
  return code === null ? null : { code, name: name ?? code };
}

export function assetRecordToAsset(record: AssetRecord): Asset {
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
    contact: publicContact(record, record.contact as Contact),
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
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
  };
}

function nearbyRecordToAsset(record: NearbyRecord): NearbyAsset {
  return { ...assetRecordToAsset(record), distanceMeters: Math.round(record.distance_meters * 10) / 10 };
}

/** What the API writes as provenance: a client cannot claim to be an import or a sample. */
export const API_PROVENANCE: Provenance = { source: 'api', isSample: false };

export function assetCreateToRow(input: AssetCreate, provenance: Provenance): NewAssetRow {
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
    status: input.status,
    source: provenance.source,
    source_id: provenance.sourceId ?? null,
    is_sample: provenance.isSample,
  } as NewAssetRow;
}

function assetUpdateToRow(patch: AssetUpdate): AssetRowUpdate {
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
  if (patch.status !== undefined) row.status = patch.status;
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

// The service functions below are the only way in for writes: the accounts and moderation of
// a later issue guard them here, in one place, whatever route or import calls them.

export const assetImportToRow = (asset: AssetImport): NewAssetRow => assetCreateToRow(asset, asset);

export async function createAsset(db: Kysely<DB>, input: AssetCreate, provenance: Provenance = API_PROVENANCE): Promise<Asset> {
  return db.transaction().execute(async (trx) => {
    const id = await repository.insertAsset(trx, assetCreateToRow(input, provenance));
    const record = await repository.findAssetById(trx, id);
    if (!record) throw notFound('Asset');
    return assetRecordToAsset(record);
  });
}

export async function getAsset(db: Kysely<DB>, id: string): Promise<Asset> {
  const record = await repository.findAssetById(db, id);
  if (!record) throw notFound('Asset');
  return assetRecordToAsset(record);
}

export async function updateAsset(db: Kysely<DB>, id: string, patch: AssetUpdate): Promise<Asset> {
  return db.transaction().execute(async (trx) => {
    const current = await repository.findAssetForUpdate(trx, id);
    if (!current) throw notFound('Asset');
    const merged = {
      kind: patch.kind ?? current.kind,
      category: patch.category ?? current.category,
      precision: patch.precision ?? current.precision,
    };
    const problems = [];
    if (!categoryFitsKind(merged)) {
      problems.push({ field: 'body.category', message: `category ${merged.category} does not belong to kind ${merged.kind}` });
    }
    if (current.kind === 'talent' && merged.kind !== 'talent') {
      // A talent was given, with its home and contact details, on the promise that they stay
      // private; turning it into another kind would publish them.
      problems.push({ field: 'body.kind', message: 'a talent stays a talent; add the initiative as a new entry instead' });
    }
    if (!talentIsNotExact(merged)) {
      problems.push({ field: 'body.precision', message: "a talent's location is shown at street or buurt precision, never exact" });
    }
    if (problems.length > 0) throw invalid(problems);
    await repository.updateAsset(trx, id, assetUpdateToRow(patch));
    const record = await repository.findAssetById(trx, id);
    if (!record) throw notFound('Asset');
    return assetRecordToAsset(record);
  });
}

/** Archiving keeps the asset and its history; it only leaves the public map. */
export async function archiveAsset(db: Kysely<DB>, id: string): Promise<Asset> {
  return updateAsset(db, id, { status: 'archived' });
}

export async function listAssets(db: Kysely<DB>, query: AssetListQuery, now: Date): Promise<AssetPage> {
  const { limit, offset, ...filters } = query;
  const { rows, total } = await repository.listAssets(db, toFilterInput(filters, now), { limit, offset });
  return { items: rows.map(assetRecordToAsset), total, limit, offset };
}

export async function nearbyAssets(db: Kysely<DB>, query: NearbyQuery, now: Date) {
  const { lat, lon, radius, limit, offset, ...filters } = query;
  const { rows, total } = await repository.nearbyAssets(db, { lon, lat }, radius, toFilterInput(filters, now), { limit, offset });
  return { items: rows.map(nearbyRecordToAsset), total, limit, offset, center: { lat, lon }, radius };
}
