import { type Kysely, type SelectQueryBuilder, type Transaction, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { knnDistance, latOf, lonOf, pointFromLonLat, withinMeters } from '../../db/spatial.ts';
import { type AssetFilterInput, applyFilters } from '../assets/assets.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Whether the public may see exactly where an asset is: the SQL twin of `isExactInPublic` in
 * shared/src/visibility.ts. Only such an asset is an HSDS location with coordinates.
 */
const exactInPublic = sql<boolean>`(assets.kind <> 'talent' AND assets.precision = 'exact')`;

/** A postcode as stored addresses write it in many ways: "2311 cs", "2311CS". */
const normalizedPostcode = sql<string>`upper(replace(assets.address->>'postcode', ' ', ''))`;

/**
 * The ids of one page of published assets shown at their exact place (HSDS service_at_locations),
 * by name, or nearest first within a radius. The caller reads each through `findAssetById`.
 */
export async function exactPublicAssetIds(
  db: Db,
  filters: AssetFilterInput,
  page: { limit: number; offset: number },
  near?: { center: { lon: number; lat: number }; radiusMeters: number },
): Promise<{ ids: string[]; total: number }> {
  const point = near ? pointFromLonLat(near.center.lon, near.center.lat) : undefined;
  const restrict = <O>(query: SelectQueryBuilder<DB, 'assets', O>) => {
    const q = applyFilters(query, filters).where(exactInPublic);
    return near && point ? q.where(withinMeters(sql.ref('assets.public_geom'), point, near.radiusMeters)) : q;
  };
  const rows = restrict(db.selectFrom('assets').select('assets.id'));
  const ordered = point
    ? rows.orderBy(knnDistance(sql.ref('assets.public_geom'), point)).orderBy('assets.id')
    : rows.orderBy('assets.name').orderBy('assets.id');
  const found = await ordered.limit(page.limit).offset(page.offset).execute();
  const { total } = await restrict(db.selectFrom('assets').select((eb) => eb.fn.countAll<number>().as('total'))).executeTakeFirstOrThrow();
  return { ids: found.map((row) => row.id), total: Number(total) };
}

/**
 * The centre of a postcode as Kwartier knows it: the mean of the published places whose
 * postcode is public (exact-in-public assets), so that no private address can be probed.
 * A four-digit postcode matches every six-character one that starts with it.
 */
export async function postcodeCentroid(db: Db, postcode: string): Promise<{ lon: number; lat: number } | null> {
  const pattern = `${postcode.replace(/\s+/g, '').toUpperCase()}%`;
  const row = await db
    .selectFrom('assets')
    .select([
      sql<number | null>`avg(${lonOf(sql.ref('assets.public_geom'))})`.as('lon'),
      sql<number | null>`avg(${latOf(sql.ref('assets.public_geom'))})`.as('lat'),
    ])
    .where('assets.status', '=', 'published')
    .where(exactInPublic)
    .where(sql<boolean>`${normalizedPostcode} LIKE ${pattern}`)
    .executeTakeFirst();
  if (!row || row.lon === null || row.lat === null) return null;
  return { lon: Number(row.lon), lat: Number(row.lat) };
}
