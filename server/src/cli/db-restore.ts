import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { RecoveryError, restore } from '../modules/recovery/recovery.service.ts';
import { describeSize, elapsedSince } from './recovery-output.ts';

const USAGE = `npm run db:restore -- FILE [--yes]

Restores a backup of npm run db:backup over the database: PostgreSQL (DATABASE_URL) with
pg_restore, or the embedded database (DATA_DIR), whose folder is kept aside as
pglite.before-restore-<time>; the server must be stopped for that one. A database that holds
tables is replaced only with --yes. Every account deleted since the backup is deleted again
(the erasure journal, see README "Backup and restore").`;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { yes: { type: 'boolean' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const file = positionals[0];
if (!file || positionals.length > 1) {
  console.error(`Name one backup file.\n\n${USAGE}`);
  process.exit(2);
}

const config = loadConfig();
const started = process.hrtime.bigint();
try {
  const result = await restore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, file, { replace: values.yes === true });
  const lines = [
    `restored ${file} (${describeSize(statSync(file).size)}) into the ${result.backend} database in ${elapsedSince(started)}: ${result.tables} tables`,
    `erasure journal: ${result.journal.fromDatabase} from the database replaced, ${result.journal.fromFile} from the file; ${result.erasedAgain} account(s) deleted again`,
    ...(result.migrated.length ? [`migrated: ${result.migrated.join(', ')}`] : []),
    ...(result.previous ? [`the previous database is kept in ${result.previous}`] : []),
  ];
  console.log(lines.join('\n'));
} catch (err) {
  if (!(err instanceof RecoveryError)) throw err;
  console.error(`Restore failed: ${err.message}`);
  process.exit(1);
}
