import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { containsPattern } from '../../db/text.ts';
import { latOf, lonOf } from '../../db/spatial.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Areas whose name holds the text, newest year first, names that start with it first. */
export async function areasByName(db: Db, text: string, limit: number) {
  return db
    .selectFrom('areas')
    .select((eb) => ['code', 'name', 'level', 'year', lonOf(eb.ref('label_point')).as('lon'), latOf(eb.ref('label_point')).as('lat')])
    .where('name', 'ilike', containsPattern(text))
    .orderBy(sql`lower(name) LIKE lower(${`${text}%`})`, 'desc')
    .orderBy('year', 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}

/** Published assets whose name holds the text, at their public location. */
export async function assetsByName(db: Db, text: string, limit: number) {
  return db
    .selectFrom('assets')
    .select((eb) => ['name', lonOf(eb.ref('public_geom')).as('lon'), latOf(eb.ref('public_geom')).as('lat')])
    .where('status', '=', 'published')
    .where('name', 'ilike', containsPattern(text))
    .orderBy(sql`lower(name) LIKE lower(${`${text}%`})`, 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}
