import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely/migration';
import { MIGRATIONS_DIR } from '../lib/paths.ts';

/**
 * Kysely's FileMigrationProvider imports files with Node's own loader, which cannot read
 * TypeScript under vitest. This provider does the same with `import()`, which both tsx and
 * vitest transform.
 */
class TypeScriptMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.folder)).filter((file) => /^\d{14}_[a-z0-9_]+\.ts$/.test(file)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(this.folder, file)).href)) as Migration;
      migrations[file.replace(/\.ts$/, '')] = module;
    }
    return migrations;
  }
}

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: new TypeScriptMigrationProvider(MIGRATIONS_DIR) });
}

function failOn(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const why = (result.error as Error).message ?? String(result.error);
    throw new Error(failed ? `migration ${failed} failed: ${why}` : `migrating the database failed: ${why}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return failOn(await createMigrator(db).migrateToLatest());
}

export async function migrateDownOne(db: Kysely<any>): Promise<string[]> {
  return failOn(await createMigrator(db).migrateDown());
}
