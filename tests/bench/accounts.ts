/**
 * `npm run bench:accounts`: what accounts cost. Prints p50 and p95 of
 * - hashing a password (scrypt N=2^15, r=8), and the memory each hash holds;
 * - a sign-in through the API (one scrypt verification);
 * - a read of the asset list anonymously and with a session cookie (the session lookup that
 *   every signed-in /api request pays);
 * - a submission and its approval through the API (two transactions with a version each).
 *
 *   BENCH_DATABASE_URL   PostgreSQL to run on; without it, the embedded database in memory
 *   BENCH_ROUNDS=40      how many of each
 */
import { performance } from 'node:perf_hooks';
import { CONSENT_TEXTS } from '@kwartier/shared';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { openDatabase } from '../../server/src/plugins/db.ts';
import { hashPassword } from '../../server/src/modules/accounts/password.ts';
import { createUser, startSession } from '../../server/src/modules/accounts/accounts.service.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(name: string, rounds: number, run: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  console.log(`${name.padEnd(46)} p50 ${percentile(times, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(times, 95).toFixed(1).padStart(7)} ms`);
}

const database = await openDatabase(
  { databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: null, poolSize: 5 },
  { info: () => {}, error: (obj, msg) => console.error(msg, obj) },
);
const app = await buildApp(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_WINDOW_SECONDS: '1' }), { database });
await app.ready();
console.log(`accounts on ${database.backend}, ${ROUNDS} rounds each`);

await timed('hash a password (scrypt)', ROUNDS, () => hashPassword(`wachtwoord ${Math.random()}`));
// scrypt holds 128 * N * r bytes while it runs: what makes guessing costly on a GPU.
console.log(`${'  memory per hash (128 * N * r)'.padEnd(46)} ${(128 * 2 ** 15 * 8) / 2 ** 20} MiB`);

const suffix = Date.now();
const email = `bench.${suffix}@example.org`;
const password = 'een wachtwoord voor de bench';
const user = await createUser(app.db, { email, password, displayName: 'Bench' }, ['resident', 'moderator']);
// Sign-ins from many addresses, so that the rate limit (10 per address) stays out of the figures.
await timed('sign in through the API', ROUNDS, (i) =>
  app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.0.${Math.floor(i / 250)}.${i % 250}`, payload: { email, password } }),
);

const { token, csrfToken } = await startSession(app.db, user.id);
const headers = { cookie: `kw_session=${token}`, 'x-csrf-token': csrfToken };
await timed('GET /api/assets?limit=20, anonymous', ROUNDS * 5, () => app.inject({ url: '/api/assets?limit=20' }));
await timed('GET /api/assets?limit=20, signed in', ROUNDS * 5, () => app.inject({ url: '/api/assets?limit=20', headers }));

const body = {
  kind: 'initiative', category: 'buurtcirkel', name: 'Bench buurtcirkel', location: { type: 'Point', coordinates: [4.49, 52.16] },
  consent: { version: CONSENT_TEXTS.publish.version },
};
await timed('submit, then approve (two requests)', ROUNDS, async () => {
  // A fresh window every second keeps the per-account submission limit out of the way.
  const submitted = await app.inject({ method: 'POST', url: '/api/assets', headers, payload: body });
  if (submitted.statusCode === 429) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return;
  }
  await app.inject({ method: 'POST', url: `/api/moderation/assets/${submitted.json().id}/approve`, headers, payload: {} });
});

await app.close();
await database.close();
