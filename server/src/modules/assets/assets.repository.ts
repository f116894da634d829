import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SelectQueryBuilder, type Transaction, sql } from 'kysely';
import type { AssetFilters, LocalMoment } from '@kwartier/shared';
import type { AssetRowUpdate, DB, NewAssetRow } from '../../db/types.ts';
import { containsPattern } from '../../db/text.ts';
import {
  distanceMeters,
  intersectsEnvelope,
  knnDistance,
  latOf,
  lonOf,
  pointFromLonLat,
  withinMeters,
} from '../../db/spatial.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** What a stored asset looks like when it leaves the database: never its exact geometry. */
export type AssetRecord = {
  id: string;
  kind: string;
  category: string;
  name: string;
  description: string;
  social_capital: string[];
  inclusion_features: string[];
  target_groups: string[];
  languages: string[];
  characteristics: string[];
  schedule: unknown;
  contact: unknown;
  asks: unknown;
  offers: unknown;
  address: unknown;
  precision: string;
  status: string;
  source: string;
  source_id: string | null;
  is_sample: boolean;
  created_at: Date;
  updated_at: Date;
  public_lon: number;
  public_lat: number;
  buurt_code: string | null;
  buurt_name: string | null;
  wijk_code: string | null;
  wijk_name: string | null;
  gemeente_code: string | null;
  gemeente_name: string | null;
  owner_id: string | null;
  share_contact_with_professionals: boolean;
  skills: string[];
  availability: unknown;
  needs_inclusion: string[];
};

/** An entry as its author and moderators see it: with its exact place and moderation state. */
export type ManagedAssetRecord = AssetRecord & {
  owner_name: string | null;
  exact_lon: number;
  exact_lat: number;
  moderation_message: string | null;
  open_reports: number;
};

export type AssetFilterInput = Omit<AssetFilters, 'openNow' | 'openAt'> & { openAt?: LocalMoment };

/** The name of the newest area with a code. */
function areaName(eb: ExpressionBuilder<DB, 'assets'>, code: Expression<string | null>) {
  return eb
    .selectFrom('areas')
    .select('areas.name')
    .whereRef('areas.code', '=', code as never)
    .orderBy('areas.year', 'desc')
    .limit(1);
}

function selectAsset(db: Db) {
  return db.selectFrom('assets').select((eb) => [
    'assets.id',
    'assets.kind',
    'assets.category',
    'assets.name',
    'assets.description',
    'assets.social_capital',
    'assets.inclusion_features',
    'assets.target_groups',
    'assets.languages',
    'assets.characteristics',
    'assets.schedule',
    'assets.contact',
    'assets.asks',
    'assets.offers',
    'assets.address',
    'assets.precision',
    'assets.status',
    'assets.source',
    'assets.source_id',
    'assets.is_sample',
    'assets.created_at',
    'assets.updated_at',
    lonOf(eb.ref('assets.public_geom')).as('public_lon'),
    latOf(eb.ref('assets.public_geom')).as('public_lat'),
    'assets.buurt_code',
    areaName(eb, eb.ref('assets.buurt_code')).as('buurt_name'),
    'assets.wijk_code',
    areaName(eb, eb.ref('assets.wijk_code')).as('wijk_name'),
    'assets.gemeente_code',
    areaName(eb, eb.ref('assets.gemeente_code')).as('gemeente_name'),
    'assets.owner_id',
    'assets.share_contact_with_professionals',
    'assets.skills',
    'assets.availability',
    'assets.needs_inclusion',
  ]);
}

/** The whole entry, exact location included: only for its author and moderators. */
function selectManagedAsset(db: Db) {
  return selectAsset(db).select((eb) => [
    lonOf(eb.ref('assets.geom')).as('exact_lon'),
    latOf(eb.ref('assets.geom')).as('exact_lat'),
    'assets.moderation_message',
    eb.selectFrom('users').select('users.display_name').whereRef('users.id', '=', 'assets.owner_id').as('owner_name'),
    eb
      .selectFrom('asset_reports')
      .select((rb) => rb.fn.countAll<number>().as('n'))
      .whereRef('asset_reports.asset_id', '=', 'assets.id')
      .where('asset_reports.resolved_at', 'is', null)
      .as('open_reports'),
  ]);
}

/**
 * Whether the schedule is open at a local moment: the SQL twin of `isOpenAt` in
 * shared/src/schedule.ts. The moment is computed in JavaScript in Europe/Amsterdam time and
 * passed in, so that the rule does not depend on the database's time-zone data.
 */
function openAt(moment: LocalMoment) {
  const weekday = JSON.stringify(moment.weekday);
  return sql<boolean>`(
    coalesce((assets.schedule->>'alwaysOpen')::boolean, false)
    OR EXISTS (
      SELECT 1 FROM jsonb_array_elements(assets.schedule->'openingHours') AS h
       WHERE h->'days' @> ${weekday}::jsonb
         AND h->>'opens' <= ${moment.time} AND ${moment.time} < h->>'closes')
    OR EXISTS (
      SELECT 1 FROM jsonb_array_elements(assets.schedule->'meetings') AS m
       WHERE m->>'weekday' = ${moment.weekday}
         AND m->>'starts' <= ${moment.time} AND ${moment.time} < m->>'ends'
         AND (m->>'recurrence' = 'weekly'
              OR (m->>'recurrence' = 'biweekly'
                  AND ((${moment.date}::date - (m->>'anchorDate')::date) % 14) = 0)
              OR (m->>'recurrence' = 'monthly'
                  AND (m->'weeksOfMonth' @> ${String(moment.weekOfMonth)}::jsonb
                       OR (${moment.isLastWeekOfMonth}::boolean AND m->'weeksOfMonth' @> '-1'::jsonb)))))
  )`;
}

export function applyFilters<O>(
  query: SelectQueryBuilder<DB, 'assets', O>,
  filters: AssetFilterInput,
): SelectQueryBuilder<DB, 'assets', O> {
  let q = query.where('assets.status', 'in', filters.status ?? ['published']);
  if (filters.kind) q = q.where('assets.kind', 'in', filters.kind);
  if (filters.category) q = q.where('assets.category', 'in', filters.category);
  // `&&` is "shares any value", `@>` is "contains all values"; both use the GIN index.
  if (filters.socialCapital) q = q.where(sql<boolean>`assets.social_capital && ${sql.val(filters.socialCapital)}::text[]`);
  if (filters.targetGroup) q = q.where(sql<boolean>`assets.target_groups && ${sql.val(filters.targetGroup)}::text[]`);
  if (filters.characteristic) q = q.where(sql<boolean>`assets.characteristics && ${sql.val(filters.characteristic)}::text[]`);
  if (filters.inclusion) q = q.where(sql<boolean>`assets.inclusion_features @> ${sql.val(filters.inclusion)}::text[]`);
  if (filters.area) {
    const codes = filters.area;
    q = q.where((eb) =>
      eb.or([eb('assets.buurt_code', 'in', codes), eb('assets.wijk_code', 'in', codes), eb('assets.gemeente_code', 'in', codes)]),
    );
  }
  if (filters.bbox) q = q.where(intersectsEnvelope(sql.ref('assets.public_geom'), filters.bbox));
  if (filters.q) {
    const pattern = containsPattern(filters.q);
    q = q.where((eb) => eb.or([eb('assets.name', 'ilike', pattern), eb('assets.description', 'ilike', pattern)]));
  }
  if (filters.openAt) q = q.where(openAt(filters.openAt));
  return q;
}

export async function insertAsset(db: Db, row: NewAssetRow): Promise<string> {
  const { id } = await db.insertInto('assets').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/**
 * Changes an asset. `byPerson` marks a change its author or a moderator made, so that a later
 * import of its source reports it instead of writing over it (see interop/import.service.ts).
 */
export async function updateAsset(db: Db, id: string, changes: AssetRowUpdate, options: { byPerson?: boolean } = {}): Promise<boolean> {
  const edited = sql`CASE WHEN source_hash IS NULL OR source_hash LIKE 'edited:%' THEN source_hash ELSE 'edited:' || source_hash END`;
  const result = await db
    .updateTable('assets')
    .set({ ...changes, ...(options.byPerson ? { source_hash: edited as never } : {}), updated_at: sql`now()` as never })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findAssetById(db: Db, id: string): Promise<AssetRecord | undefined> {
  return (await selectAsset(db).where('assets.id', '=', id).executeTakeFirst()) as AssetRecord | undefined;
}

export async function findManagedAssetById(db: Db, id: string): Promise<ManagedAssetRecord | undefined> {
  const row = await selectManagedAsset(db).where('assets.id', '=', id).executeTakeFirst();
  return row ? withCount(row as ManagedAssetRecord) : undefined;
}

/** The whole entry, locked until the transaction ends: every change reads it first. */
export async function findManagedAssetForUpdate(db: Transaction<DB>, id: string): Promise<ManagedAssetRecord | undefined> {
  // FOR UPDATE cannot lock through the aggregate in the select list; lock the row first.
  const locked = await db.selectFrom('assets').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return locked ? findManagedAssetById(db, id) : undefined;
}

const withCount = (row: ManagedAssetRecord): ManagedAssetRecord => ({ ...row, open_reports: Number(row.open_reports ?? 0) });

export type ManagedFilter = {
  ownerId?: string;
  status?: readonly string[];
  kind?: string;
  area?: string;
  q?: string;
  reported?: boolean;
};

/** Entries for their author (by owner) or for the moderation queue (oldest first). */
export async function listManagedAssets(
  db: Db,
  filter: ManagedFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ManagedAssetRecord[]; total: number }> {
  const apply = <O>(query: SelectQueryBuilder<DB, 'assets', O>) => {
    let q = query;
    if (filter.ownerId) q = q.where('assets.owner_id', '=', filter.ownerId);
    if (filter.status) q = q.where('assets.status', 'in', filter.status as string[]);
    if (filter.kind) q = q.where('assets.kind', '=', filter.kind);
    if (filter.area) {
      const code = filter.area;
      q = q.where((eb) => eb.or([eb('assets.buurt_code', '=', code), eb('assets.wijk_code', '=', code), eb('assets.gemeente_code', '=', code)]));
    }
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      q = q.where((eb) => eb.or([eb('assets.name', 'ilike', pattern), eb('assets.description', 'ilike', pattern)]));
    }
    if (filter.reported !== undefined) {
      const open = sql<boolean>`EXISTS (SELECT 1 FROM asset_reports r WHERE r.asset_id = assets.id AND r.resolved_at IS NULL)`;
      q = q.where(filter.reported ? open : sql<boolean>`NOT ${open}`);
    }
    return q;
  };
  const rows = await apply(selectManagedAsset(db))
    .orderBy(filter.ownerId ? sql`assets.updated_at DESC` : sql`assets.updated_at ASC`)
    .orderBy('assets.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await apply(db.selectFrom('assets')).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { rows: (rows as ManagedAssetRecord[]).map(withCount), total: Number(total) };
}

/** Every entry a person owns, whole, for their data download. */
export async function findAssetsByOwner(db: Db, ownerId: string): Promise<ManagedAssetRecord[]> {
  return (await listManagedAssets(db, { ownerId }, { limit: 100_000, offset: 0 })).rows;
}

export async function deleteAssetsByOwner(db: Db, ownerId: string): Promise<number> {
  const result = await db.deleteFrom('assets').where('owner_id', '=', ownerId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export type Counted = { total: number; capped: boolean };

/**
 * How many rows `query` gives, counted up to `cap` (Infinity: all of them): reading 1,001
 * index entries instead of every match keeps a count over the whole country cheap.
 */
function countUpToQuery<O>(db: Db, query: SelectQueryBuilder<DB, 'assets', O>, cap: number) {
  const matching = query.select(sql<number>`1`.as('one'));
  return db
    .selectFrom((Number.isFinite(cap) ? matching.limit(cap + 1) : matching).as('matching'))
    .select((eb) => eb.fn.countAll<number>().as('total'));
}

async function countUpTo(query: ReturnType<typeof countUpToQuery>, cap: number): Promise<Counted> {
  const counted = Number((await query.executeTakeFirstOrThrow()).total);
  return counted > cap ? { total: cap, capped: true } : { total: counted, capped: false };
}

export async function listAssets(
  db: Db,
  filters: AssetFilterInput,
  page: { limit: number; offset: number },
  countCap = Infinity,
): Promise<{ rows: AssetRecord[] } & Counted> {
  const rows = await applyFilters(selectAsset(db), filters)
    .orderBy('assets.name')
    .orderBy('assets.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const counted = await countUpTo(countUpToQuery(db, applyFilters(db.selectFrom('assets'), filters), countCap), countCap);
  return { rows: rows as AssetRecord[], ...counted };
}

export type NearbyRecord = AssetRecord & { distance_meters: number };

/**
 * The two queries of a nearby search: one page of assets within `radiusMeters` of a point,
 * nearest first, and how many there are in all. ST_DWithin and the `<->` ordering both run on
 * the geography GiST index (assets_public_geog_idx). Distances are on the sphere, as `<->` on
 * geography is, so that the order and the distances shown always agree.
 */
/**
 * How far away the last asset of a page can be. Any `count` matching assets bound it: the
 * nearest `count` are no farther than the farthest of those, however they were found. They
 * are found by nearest-neighbour order on the Web Mercator index (a few index pages), so the
 * page's own query sorts only what lies within that bound, ties included, instead of every
 * match in the radius (some 30,000 within 5 km of Utrecht on the national dataset). Fewer
 * than `count` matching assets at all: the radius itself.
 */
function pageReach(db: Db, point: RawBuilder<string>, radiusMeters: number, filters: AssetFilterInput, count: number): RawBuilder<number> {
  const candidates = applyFilters(db.selectFrom('assets'), filters)
    .select(distanceMeters(sql.ref('assets.public_geom'), point).as('meters'))
    .orderBy(sql`assets.public_merc <-> ST_Transform(${point}, 3857)`)
    .limit(count);
  // A centimetre more: the bound is compared as a distance again, not as the same number.
  return sql<number>`(SELECT CASE WHEN count(*) < ${count} THEN ${radiusMeters}::double precision
                                  ELSE LEAST(max(candidates.meters) + 0.01, ${radiusMeters}::double precision) END
                        FROM (${candidates}) AS candidates)`;
}

export function nearbyQueries(
  db: Db,
  center: { lon: number; lat: number },
  radiusMeters: number,
  filters: AssetFilterInput,
  page: { limit: number; offset: number },
  countCap = Infinity,
) {
  const point = pointFromLonLat(center.lon, center.lat);
  const within = withinMeters(sql.ref('assets.public_geom'), point, radiusMeters);
  const reach = pageReach(db, point, radiusMeters, filters, page.offset + page.limit);
  const rows = applyFilters(selectAsset(db), filters)
    .select(distanceMeters(sql.ref('assets.public_geom'), point).as('distance_meters'))
    .where(within)
    .where(withinMeters(sql.ref('assets.public_geom'), point, reach))
    .orderBy(knnDistance(sql.ref('assets.public_geom'), point))
    // Talents in one grid cell, and assets shown at their buurt's label point, share a
    // place: the id keeps their order, and so the pages, stable.
    .orderBy('assets.id')
    .limit(page.limit)
    .offset(page.offset);
  const count = countUpToQuery(db, applyFilters(db.selectFrom('assets'), filters).where(within), countCap);
  return { rows, count };
}

export async function nearbyAssets(
  db: Db,
  center: { lon: number; lat: number },
  radiusMeters: number,
  filters: AssetFilterInput,
  page: { limit: number; offset: number },
  countCap = Infinity,
): Promise<{ rows: NearbyRecord[] } & Counted> {
  const queries = nearbyQueries(db, center, radiusMeters, filters, page, countCap);
  const rows = await queries.rows.execute();
  const counted = await countUpTo(queries.count, countCap);
  return { rows: rows as NearbyRecord[], ...counted };
}

/**
 * Inserts an asset, or updates the one with the same source and source id: re-running an
 * import or a seed refreshes its records instead of duplicating them. The status is left as
 * it is: an asset archived or rejected here stays so when its source is read again.
 */
export async function upsertAssetBySource(db: Db, row: NewAssetRow): Promise<void> {
  const { source: _source, source_id, id: _id, created_at: _created, status: _status, ...changes } = row;
  if (source_id === null || source_id === undefined) throw new Error('upsertAssetBySource needs a source_id');
  await db
    .insertInto('assets')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['source', 'source_id'])
        .where('source_id', 'is not', null)
        .doUpdateSet({ ...changes, updated_at: sql`now()` as never }),
    )
    .execute();
}

/** Many assets in one statement, for loaders and benchmarks. */
export async function insertAssets(db: Db, rows: NewAssetRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('assets').values(rows).execute();
}

/** Refreshes the planner's statistics after a bulk load. */
export async function analyzeAssets(db: Db): Promise<void> {
  await sql`ANALYZE assets`.execute(db);
}

/** The extent of the published assets' public places, [minLon, minLat, maxLon, maxLat]. */
export async function publishedExtent(db: Db): Promise<[number, number, number, number] | null> {
  const row = await db
    .selectFrom('assets')
    .select([
      sql<number | null>`ST_XMin(ST_Extent(public_geom))`.as('min_lon'),
      sql<number | null>`ST_YMin(ST_Extent(public_geom))`.as('min_lat'),
      sql<number | null>`ST_XMax(ST_Extent(public_geom))`.as('max_lon'),
      sql<number | null>`ST_YMax(ST_Extent(public_geom))`.as('max_lat'),
    ])
    .where('status', '=', 'published')
    .executeTakeFirst();
  if (!row || row.min_lon === null || row.min_lat === null || row.max_lon === null || row.max_lat === null) return null;
  return [row.min_lon, row.min_lat, row.max_lon, row.max_lat];
}

/**
 * Bulk loads (the national dataset loader, seeds/national.ts). An asset's own fields as plain
 * values, one column each, with the location as longitude and latitude: what an insert
 * through the app writes, minus the matching fields (skills, availability, needs_inclusion),
 * which keep their defaults. Rows go through INSERT ... SELECT into assets, so that the
 * location trigger and the statement-level count and reach triggers do what they do for any
 * insert; a statement of 50,000 rows runs those statement triggers once instead of 50 times.
 */
export type AssetLoadRow = Pick<
  AssetRecord,
  | 'kind' | 'category' | 'name' | 'description' | 'social_capital' | 'inclusion_features' | 'target_groups' | 'languages'
  | 'characteristics' | 'schedule' | 'contact' | 'asks' | 'offers' | 'address' | 'precision' | 'share_contact_with_professionals'
  | 'status' | 'source' | 'source_id' | 'is_sample'
> & { lon: number; lat: number };

/** The columns of an AssetLoadRow, in order, with their types: the staging table and the recordset. */
export const ASSET_LOAD_COLUMNS = [
  ['kind', 'text'], ['category', 'text'], ['name', 'text'], ['description', 'text'],
  ['social_capital', 'text[]'], ['inclusion_features', 'text[]'], ['target_groups', 'text[]'], ['languages', 'text[]'], ['characteristics', 'text[]'],
  ['schedule', 'jsonb'], ['contact', 'jsonb'], ['asks', 'jsonb'], ['offers', 'jsonb'], ['address', 'jsonb'],
  ['lon', 'double precision'], ['lat', 'double precision'],
  ['precision', 'text'], ['share_contact_with_professionals', 'boolean'], ['status', 'text'],
  ['source', 'text'], ['source_id', 'text'], ['is_sample', 'boolean'],
] as const satisfies ReadonlyArray<readonly [keyof AssetLoadRow, string]>;

const loadColumnNames = ASSET_LOAD_COLUMNS.map(([name]) => name);
const loadColumnDefinitions = sql.raw(ASSET_LOAD_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', '));
/** The assets columns a load writes: the plain ones, and geom in place of lon and lat. */
const loadTargetColumns = sql.raw([...loadColumnNames.filter((name) => name !== 'lon' && name !== 'lat'), 'geom'].join(', '));
const loadSelectList = sql.raw(
  [...loadColumnNames.filter((name) => name !== 'lon' && name !== 'lat').map((name) => `r.${name}`), 'ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)'].join(', '),
);

/** Assets from rows passed as one JSON document: any number of rows in one statement, one parameter. */
export async function insertAssetLoadRows(db: Db, rows: AssetLoadRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`INSERT INTO assets (${loadTargetColumns})
    SELECT ${loadSelectList} FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${loadColumnDefinitions})`.execute(db);
}

/** An empty unlogged table to COPY AssetLoadRows into (PostgreSQL); `table` is a plain name. */
export async function createAssetStaging(db: Db, table: string): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  await sql`CREATE UNLOGGED TABLE ${sql.table(table)} (${loadColumnDefinitions})`.execute(db);
}

/** The COPY statement that fills a staging table from CSV, columns in ASSET_LOAD_COLUMNS order. */
export function assetStagingCopyStatement(table: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a plain table name: ${table}`);
  return `COPY ${table} (${loadColumnNames.join(', ')}) FROM STDIN (FORMAT csv)`;
}

/** Moves what a staging table holds into assets in one statement, and empties it. */
export async function moveStagedAssets(db: Db, table: string): Promise<void> {
  await sql`INSERT INTO assets (${loadTargetColumns}) SELECT ${loadSelectList} FROM ${sql.table(table)} AS r`.execute(db);
  await sql`TRUNCATE ${sql.table(table)}`.execute(db);
}

export async function dropAssetStaging(db: Db, table: string): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
}

export async function hasAssets(db: Db): Promise<boolean> {
  return (await db.selectFrom('assets').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Every asset gone, with what hangs off them (versions, reports); the truncate triggers reset counts and reach. */
export async function truncateAssets(db: Db): Promise<void> {
  await sql`TRUNCATE assets CASCADE`.execute(db);
}

/**
 * Planner statistics for the tables a bulk load of assets reads and writes: before a load too,
 * as the location trigger's area lookups are planned badly on freshly loaded, unanalysed areas.
 */
export async function analyzeForAssetLoad(db: Db): Promise<void> {
  await sql`ANALYZE areas`.execute(db);
  await sql`ANALYZE assets`.execute(db);
  await sql`ANALYZE area_asset_counts`.execute(db);
  await sql`ANALYZE reach_dirty`.execute(db);
}
