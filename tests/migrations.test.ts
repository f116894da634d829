import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabase } from './helpers/app.ts';
import { createMigrator } from '../server/src/db/migrate.ts';

describe('migrations', () => {
  it('are all applied, and the schema has its spatial indexes', async () => {
    const { db } = await testDatabase();
    const migrations = await createMigrator(db).getMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.every((m) => m.executedAt !== undefined)).toBe(true);
    const indexes = await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE tablename IN ('assets', 'areas')`.execute(db);
    expect(indexes.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['areas_geom_idx', 'assets_public_geog_idx', 'assets_public_geom_idx']),
    );
  });
});
