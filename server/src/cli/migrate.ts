import { loadConfig } from '../config.ts';
import { openDatabase } from '../plugins/db.ts';
import { cliLog } from './log.ts';
import { migrateDownOne } from '../db/migrate.ts';

/** `npm run db:migrate` brings the schema up to date; `-- --down` undoes the last migration. */
const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, cliLog);
try {
  if (process.argv.includes('--down')) {
    const undone = await migrateDownOne(database.db);
    console.log(undone.length ? `undone: ${undone.join(', ')}` : 'nothing to undo');
  } else {
    console.log(`${database.backend} database is up to date`);
  }
} finally {
  await database.close();
}
