import { ConfigError, loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { seedDemoDataIfEmpty } from '../../seeds/demo.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  await app.ready();
  if (config.seedDemoData) await seedDemoDataIfEmpty(app.db, app.log);

  // Graceful shutdown: stop accepting, let requests in flight finish, close the database.
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
    });
  }

  await app.listen({ host: config.host, port: config.port });
  app.log.info(`Kwartier is running on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (API docs at /docs, ${app.database.backend} database)`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('Kwartier could not start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
