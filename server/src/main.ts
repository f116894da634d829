import { ConfigError, loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import type { FastifyInstance } from 'fastify';
import { type Database, DatabaseOpenError, databaseOptions, openDatabase } from './plugins/db.ts';
import { seedDemoDataIfEmpty } from '../../seeds/demo.ts';
import { buildWebIfNeeded } from './lib/web-build.ts';
import { startReachRefresher } from './modules/buurtscan/reach.service.ts';

/** A signal that came while the database was still opening: acted on once it is open. */
let stopRequestedDuringStart: NodeJS.Signals | undefined;
const rememberStop = (signal: NodeJS.Signals) => {
  stopRequestedDuringStart = signal;
};

async function main(): Promise<void> {
  const config = loadConfig();
  buildWebIfNeeded(startupLog);
  process.once('SIGINT', rememberStop);
  process.once('SIGTERM', rememberStop);
  // The database is opened before the app, so that a first start (PGlite creating its files
  // and PostGIS: 15 s or more) is not cut short by a plugin time-out, and so that a bad
  // DATABASE_URL or DATA_DIR stops the start with a message that names it.
  const database = await openDatabase(databaseOptions(config), startupLog);
  process.off('SIGINT', rememberStop);
  process.off('SIGTERM', rememberStop);
  if (stopRequestedDuringStart) {
    // Stopped while opening: close cleanly, so that the embedded database's lock is freed.
    startupLog.info({ signal: stopRequestedDuringStart }, 'stopped before start-up finished');
    await database.close();
    process.exit(0);
  }
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp(config, { database });
    await app.ready();
    stopOnSignals(app, database);
    if (config.seedDemoData) await seedDemoDataIfEmpty(app.db, app.log);
    await app.listen({ host: config.host, port: config.port }).catch((err: NodeJS.ErrnoException) => {
      throw listenError(err, config.host, config.port);
    });
  } catch (err) {
    // Close what was opened: the embedded database's lock, the pool.
    await app?.close().catch(() => {});
    await database.close().catch(() => {});
    throw err;
  }
  // Reach is kept per gemeente and computed again where assets changed, ahead of the buurtscans.
  stopBeforeClosing.push(startReachRefresher(app.db, config.reachRefreshSeconds, app.log));
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  const replicas = database.hasReplica ? `, reads on ${config.databaseReadUrls.length} replica(s)` : '';
  app.log.info(`Kwartier is running on http://${shownHost}:${config.port} (API docs at /docs, ${database.backend} database${replicas})`);
}

/** A start-up failure told in terms of the setting to change. */
class StartupError extends Error {
  override name = 'StartupError';
}

/** A failure to listen, told in terms of the setting to change. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') return new StartupError(`PORT: ${host}:${port} is already in use; stop what runs there or set PORT`);
  if (err.code === 'EACCES') return new StartupError(`PORT: not allowed to listen on port ${port}; use one above 1023`);
  if (err.code === 'ENOTFOUND' || err.code === 'EADDRNOTAVAIL' || err.code === 'EAI_AGAIN') {
    return new StartupError(`HOST: cannot listen on "${host}" (${err.code}); use 127.0.0.1, 0.0.0.0 or an address of this machine`);
  }
  return err;
}

/** Background work to stop before the app and the database close. */
const stopBeforeClosing: Array<() => void> = [];

/**
 * Graceful shutdown: stop accepting, let requests in flight finish, close the database (the
 * pool; on PGlite also DATA_DIR's lock). tests/recovery/shutdown.test.ts holds it to this.
 */
function stopOnSignals(app: FastifyInstance, database: Database): void {
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      for (const stop of stopBeforeClosing) stop();
      app
        .close()
        .then(() => database.close())
        .then(
          () => {
            app.log.info('stopped');
            process.exit(0);
          },
          (err: unknown) => {
            app.log.error({ err }, 'error during shutdown');
            process.exit(1);
          },
        );
    });
  }
}

/** Before the app's logger exists: the same JSON lines, written by hand. */
const startupLog = {
  info: (details: object, msg: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), ...details, msg })),
  error: (details: object, msg: string) => console.error(JSON.stringify({ level: 50, time: Date.now(), ...details, msg })),
};

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError || err instanceof StartupError) {
    console.error(`Kwartier cannot start: ${err.message.replace(/^Kwartier cannot start: /, '')}`);
  } else {
    console.error('Kwartier could not start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
