import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { backup, RecoveryError } from '../modules/recovery/recovery.service.ts';
import { describeSize, elapsedSince } from './recovery-output.ts';

const USAGE = `npm run db:backup -- [--out FILE]

Backs up the whole database: on PostgreSQL (DATABASE_URL) with pg_dump in its custom format,
on the embedded database (DATA_DIR) as a tarball of its folder, which needs the server stopped.
The file holds everyone's personal data: it is written owner-only; keep it so.
By default: kwartier-<backend>-<date and time>.backup in the working directory.`;

const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const config = loadConfig();
const backend = config.databaseUrl ? 'postgres' : 'pglite';
const file = values.out ?? `kwartier-${backend}-${new Date().toISOString().replace(/[:.]/g, '-')}.backup`;
const started = process.hrtime.bigint();
try {
  const result = await backup({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, file);
  console.log(`backed up the ${result.backend} database to ${result.file} (${describeSize(result.bytes)}) in ${elapsedSince(started)}${result.tool ? ` with ${result.tool}` : ''}`);
} catch (err) {
  if (!(err instanceof RecoveryError)) throw err;
  console.error(`Backup failed: ${err.message}`);
  process.exit(1);
}
