import { type RawBuilder, sql } from 'kysely';

/** A value stored as jsonb. Both drivers pass it as text; the cast makes the type explicit. */
export function jsonb<T>(value: T): RawBuilder<string> {
  return sql<string>`${JSON.stringify(value)}::jsonb`;
}

/** A text[] value; an explicit cast so that an empty array is typed on both drivers. */
export function textArray(values: readonly string[]): RawBuilder<string[]> {
  return sql<string[]>`${sql.val(values)}::text[]`;
}
