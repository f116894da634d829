import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backendUnderTest } from '../helpers/app.ts';
import { type AppProcess, call, killApp, startApp, stopApp } from '../cluster/processes.ts';
import { type Session, Tally, callAs, cleanUp, failureOf, idOf, isDefect, judge, removeFolder, seconds, submit, tallyLabel, tempRoot } from './faults.ts';

/**
 * Issue 9, faults, on the embedded database: Kwartier on PGlite (no DATABASE_URL) killed with
 * SIGKILL while writes come in, then started again on the same DATA_DIR. Every write it
 * answered 2xx must be there, whole (the entry and its first version), and the lock the dead
 * process left on the folder must be taken over.
 *
 * Why nothing is lost: PGlite's NodeFS mounts Emscripten's NODEFS, which hands every write of
 * PostgreSQL's (the WAL at each commit among them) to the operating system at once
 * (fs.writeSync); PGlite keeps no copy of its own in memory, and `syncToFs` is a no-op there,
 * so `relaxedDurability` changes nothing. A killed process leaves its writes with the kernel.
 * NODEFS has no fsync, though (PostgreSQL's fsync and fdatasync return without flushing), so
 * an operating-system crash or a power cut may still lose the last commits: what must survive
 * those belongs on PostgreSQL (README, "On PostgreSQL").
 *
 * In the PGlite pass only: PGlite's durability does not depend on TEST_DATABASE_URL, so the
 * PostgreSQL pass would only repeat it, at 30 s or more of its time budget, while it has
 * PostgreSQL's own faults to test (postgres.test.ts).
 */

/** Concurrent writers, each a resident with their own session (30 submissions a second each). */
const WRITERS = 3;
/** Killed once this many writes were acknowledged, with more in flight. */
const KILL_AFTER = 60;

let root: string | undefined;
let app: AppProcess | undefined;

afterAll(async () => {
  await cleanUp([() => stopApp(app), () => removeFolder(root)]);
}, 30_000);

/** Kwartier on PGlite in `dataDir`, with rate-limit windows of a second (so that no 429 comes). */
const startEmbedded = (dataDir: string) =>
  startApp('kwartier (PGlite)', { NODE_ENV: 'production', DATA_DIR: dataDir, SEED_DEMO_DATA: 'false', RATE_LIMIT_WINDOW_SECONDS: '1', REACH_REFRESH_SECONDS: '0' }, 60_000);

/** A resident signed up through the API, as a browser does it. */
async function signUp(app: AppProcess, i: number): Promise<Session> {
  const answer = await call(app, '/api/auth/signup', { method: 'POST', json: { email: `bewoner-${i}@faults.test`, password: 'een lang wachtwoord 42', displayName: `Bewoner ${i}` } });
  expect(answer.status, answer.body).toBe(201);
  const { user, csrfToken } = JSON.parse(answer.body) as { user: { id: string }; csrfToken: string };
  return { userId: user.id, cookie: answer.cookies.find((cookie) => cookie.startsWith('kw_session='))!, csrfToken };
}

describe.runIf(backendUnderTest === 'pglite')('the embedded database (PGlite) after the app is killed with SIGKILL during writes', () => {
  it('reopens its data directory with every acknowledged write whole', async () => {
    root = tempRoot('faults-pglite');
    const dataDir = path.join(root, 'data');
    let started = Date.now();
    app = await startEmbedded(dataDir);
    const firstStartMs = Date.now() - started;
    const writers = await Promise.all(Array.from({ length: WRITERS }, (_, i) => signUp(app!, i)));

    const acknowledged: Array<{ id: string; author: Session }> = [];
    const tally = new Tally();
    const defects: string[] = [];
    let killed: Promise<void> | undefined;
    const writer = async (session: Session, w: number) => {
      for (let i = 0; !killed; i += 1) {
        const verdict = await submit(app!, session, `Ingebed ${w}-${i}`).then((answer) => {
          if (answer.status === 201) acknowledged.push({ id: idOf(answer), author: session });
          return judge(answer);
        }, failureOf);
        if (killed) tally.add(`cut off by the kill: ${verdict.startsWith('no answer') ? 'no answer' : verdict}`);
        else tally.add(tallyLabel(verdict));
        if (!killed && isDefect(verdict)) defects.push(verdict);
        if (!killed && acknowledged.length >= KILL_AFTER) killed = killApp(app!);
      }
    };
    await Promise.all(writers.map(writer));
    await killed;
    expect(app.child.signalCode).toBe('SIGKILL');
    // The dead process's lock is still on the folder: the next start must take it over.
    expect(readFileSync(path.join(dataDir, 'kwartier.lock'), 'utf8')).toBe(String(app.child.pid));

    started = Date.now();
    app = await startEmbedded(dataDir);
    const reopenMs = Date.now() - started;
    const found = await entriesWithFirstVersion(app, acknowledged);
    console.log(
      `PGlite, app killed with SIGKILL during writes from ${WRITERS} residents:\n${tally}\n` +
        `  acknowledged ${acknowledged.length}, found whole ${found}, lost ${acknowledged.length - found}; ` +
        `first start ${seconds(firstStartMs)}, reopened after the kill in ${seconds(reopenMs)}`,
    );
    expect(defects.slice(0, 5), 'answers before the kill').toEqual([]);
    expect(tally.get('ok')).toBe(acknowledged.length);
    expect(found).toBe(acknowledged.length);
  }, 90_000);
});

/**
 * How many of the entries are there with their first version, asked of the restarted app as
 * their author (so the sessions, too, must have survived).
 */
async function entriesWithFirstVersion(app: AppProcess, entries: Array<{ id: string; author: Session }>): Promise<number> {
  let found = 0;
  for (const { id, author } of entries) {
    const answer = await callAs(app, author, `/api/assets/${id}/versions`);
    if (answer.status === 404) continue;
    expect(answer.status, answer.body).toBe(200);
    const { items } = JSON.parse(answer.body) as { items: Array<{ version: number; action: string }> };
    if (items.some((version) => version.version === 1 && version.action === 'submitted')) found += 1;
  }
  return found;
}
