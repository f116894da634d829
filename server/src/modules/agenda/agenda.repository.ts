import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { jsonb, textArray } from '../../db/json.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type AgendaRow = {
  id: string;
  area_code: string;
  area_name: string | null;
  title: string;
  description: string;
  characteristics: string[];
  indicator: string | null;
  gap: unknown;
  asset_ids: string[];
  owner_organisation: string;
  status: string;
  due_date: string | null;
  created_at: Date;
  updated_at: Date;
};

export type AgendaValues = {
  title: string;
  description: string;
  characteristics: string[];
  indicator: string | null;
  gap: unknown;
  assetIds: string[];
  ownerOrganisation: string;
  status: string;
  dueDate: string | null;
};

function selectItems(db: Db) {
  return db.selectFrom('agenda_items').select((eb) => [
    'agenda_items.id',
    'agenda_items.area_code',
    eb.selectFrom('areas').select('areas.name').whereRef('areas.code', '=', 'agenda_items.area_code').orderBy('areas.year', 'desc').limit(1).as('area_name'),
    'agenda_items.title',
    'agenda_items.description',
    'agenda_items.characteristics',
    'agenda_items.indicator',
    'agenda_items.gap',
    sql<string[]>`agenda_items.asset_ids::text[]`.as('asset_ids'),
    'agenda_items.owner_organisation',
    'agenda_items.status',
    // As text: a date has no time zone, and drivers would make one up.
    sql<string | null>`to_char(agenda_items.due_date, 'YYYY-MM-DD')`.as('due_date'),
    'agenda_items.created_at',
    'agenda_items.updated_at',
  ]);
}

export async function insertItem(db: Db, areaCode: string, values: AgendaValues, actorId: string): Promise<string> {
  const row = await db
    .insertInto('agenda_items')
    .values({
      area_code: areaCode,
      title: values.title,
      description: values.description,
      characteristics: textArray(values.characteristics) as never,
      indicator: values.indicator,
      gap: values.gap === null ? null : jsonb(values.gap),
      asset_ids: sql`${sql.val(values.assetIds)}::uuid[]` as never,
      owner_organisation: values.ownerOrganisation,
      status: values.status,
      due_date: values.dueDate,
      created_by: actorId,
      updated_by: actorId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateItem(db: Db, id: string, values: Partial<AgendaValues>, actorId: string): Promise<boolean> {
  const changes: Record<string, unknown> = { updated_by: actorId, updated_at: sql`now()` };
  if (values.title !== undefined) changes.title = values.title;
  if (values.description !== undefined) changes.description = values.description;
  if (values.characteristics !== undefined) changes.characteristics = textArray(values.characteristics);
  if (values.indicator !== undefined) changes.indicator = values.indicator;
  if (values.gap !== undefined) changes.gap = values.gap === null ? null : jsonb(values.gap);
  if (values.assetIds !== undefined) changes.asset_ids = sql`${sql.val(values.assetIds)}::uuid[]`;
  if (values.ownerOrganisation !== undefined) changes.owner_organisation = values.ownerOrganisation;
  if (values.status !== undefined) changes.status = values.status;
  if (values.dueDate !== undefined) changes.due_date = values.dueDate;
  const result = await db.updateTable('agenda_items').set(changes as never).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findItem(db: Db, id: string): Promise<AgendaRow | undefined> {
  return (await selectItems(db).where('agenda_items.id', '=', id).executeTakeFirst()) as AgendaRow | undefined;
}

/**
 * The items of an area and of the areas in it: CBS codes nest (GM0546 holds WK0546.. and
 * BU0546..; WK054601 holds BU054601..), so the code says what lies inside.
 */
export async function listItems(db: Db, filter: { area?: string | undefined; status?: string | undefined }): Promise<AgendaRow[]> {
  let query = selectItems(db);
  if (filter.area) {
    const digits = filter.area.slice(2);
    const inside = filter.area.startsWith('GM')
      ? sql<boolean>`substr(agenda_items.area_code, 3, 4) = ${digits}`
      : filter.area.startsWith('WK')
        ? sql<boolean>`agenda_items.area_code LIKE ${`BU${digits}%`}`
        : sql<boolean>`false`;
    query = query.where((eb) => eb.or([eb('agenda_items.area_code', '=', filter.area!), inside]));
  }
  if (filter.status) query = query.where('agenda_items.status', '=', filter.status);
  return (await query.orderBy('agenda_items.area_code').orderBy(sql`agenda_items.due_date NULLS LAST`).orderBy('agenda_items.created_at').execute()) as AgendaRow[];
}

/** Which of these ids are assets that exist (any status: an agenda may name one in the making). */
export async function existingAssetIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('assets').select('id').where('id', 'in', [...ids]).execute();
  return new Set(rows.map((row) => row.id));
}
