import { loadConfig } from '../config.ts';
import { openDatabase } from '../plugins/db.ts';
import { refreshReach } from '../modules/buurtscan/reach.service.ts';
import { cliLog } from './log.ts';

/**
 * `npm run buurtscan:refresh`: computes reach for every gemeente where assets or areas changed
 * since it was last computed, with progress. After a bulk load (an import of the whole
 * country), run it once so that the first buurtscans need not wait; the server also does this
 * in the background (REACH_REFRESH_SECONDS).
 */
const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, { ...cliLog, info: () => {} });
try {
  const started = Date.now();
  const count = await refreshReach(database.db, {
    onProgress: (done, total) => process.stderr.write(`reach: ${done}/${total} gemeenten (${((Date.now() - started) / 1000).toFixed(1)} s)\n`),
  });
  console.log(count === 0 ? 'Reach is up to date everywhere.' : `Reach computed for ${count} gemeenten in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} finally {
  await database.close();
}
