import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { jsonb } from '../../db/json.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The figures entered for some areas, by area and field. */
export async function contextOf(db: Db, areaCodes: readonly string[]) {
  if (areaCodes.length === 0) return [];
  return db.selectFrom('area_context').select(['area_code', 'field', 'value']).where('area_code', 'in', [...areaCodes]).execute();
}

/** One figure, locked for its change. */
export async function contextValueForUpdate(db: Transaction<DB>, areaCode: string, field: string): Promise<number | null | undefined> {
  const row = await db.selectFrom('area_context').select('value').where('area_code', '=', areaCode).where('field', '=', field).forUpdate().executeTakeFirst();
  return row?.value;
}

export async function setContextValue(
  db: Transaction<DB>,
  change: { areaCode: string; field: string; from: number | null; to: number | null; note: string | null; actorId: string },
): Promise<void> {
  await db
    .insertInto('area_context')
    .values({ area_code: change.areaCode, field: change.field, value: change.to, updated_by: change.actorId })
    .onConflict((oc) => oc.columns(['area_code', 'field']).doUpdateSet({ value: change.to, updated_by: change.actorId, updated_at: sql`now()` as never }))
    .execute();
  await db
    .insertInto('area_context_history')
    .values({ area_code: change.areaCode, field: change.field, from_value: change.from, to_value: change.to, note: change.note, actor_id: change.actorId })
    .execute();
}

export async function contextHistory(db: Db, areaCode: string) {
  return db
    .selectFrom('area_context_history')
    .leftJoin('users', 'users.id', 'area_context_history.actor_id')
    .select([
      'area_context_history.field',
      'area_context_history.from_value',
      'area_context_history.to_value',
      'area_context_history.note',
      'area_context_history.actor_id',
      'users.display_name as actor_name',
      'area_context_history.at',
    ])
    .where('area_context_history.area_code', '=', areaCode)
    .orderBy('area_context_history.id', 'desc')
    .execute();
}

/** The CBS key figures of a gemeente's buurten of a year. */
export async function buurtKeyFigures(db: Db, gemeente: string, year: number) {
  return db
    .selectFrom('areas')
    .select(['code', 'key_figures'])
    .where('level', '=', 'buurt')
    .where('year', '=', year)
    .where('gemeente_code', '=', gemeente)
    .execute();
}

export async function setting(db: Db, key: string): Promise<unknown> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function saveSetting(db: Transaction<DB>, key: string, value: unknown, actorId: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value: jsonb(value), updated_by: actorId })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: jsonb(value), updated_by: actorId, updated_at: sql`now()` as never }))
    .execute();
  await db.insertInto('settings_history').values({ key, value: jsonb(value), actor_id: actorId }).execute();
}

/** A gemeente and its wijken and buurten of a year, for figures summed over the levels. */
export async function gemeenteAreas(db: Db, gemeente: string, year: number) {
  return db
    .selectFrom('areas')
    .select(['code', 'level', 'name', 'parent_code'])
    .where('year', '=', year)
    .where((eb) => eb.or([eb('gemeente_code', '=', gemeente), eb('code', '=', gemeente)]))
    .orderBy('code')
    .execute();
}
