import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restore } from '../../server/src/modules/recovery/recovery.service.ts';
import { type AppProcess, startApp, stopApp } from '../cluster/processes.ts';
import { backendUnderTest, ensureDemoAreas, TEST_DATABASE_URL, testDatabase } from '../helpers/app.ts';

/**
 * Graceful shutdown of the server as `npm start` runs it: a request in flight when SIGTERM
 * comes gets its whole answer from the database, new connections are refused, and the process
 * closes the database (on PGlite: frees DATA_DIR's lock) and exits 0.
 *
 * The request in flight is a slow client: its body arrives in two halves, SIGTERM in between.
 * Its handler runs only once the second half is in, after the signal, and still reads the database.
 */

const work = mkdtempSync(path.join(tmpdir(), 'kwartier-shutdown-'));
const dataDir = path.join(work, 'data');
let server: AppProcess | undefined;

/** On PGlite, a DATA_DIR of its own, copied from the test database (quicker than a new one). */
async function databaseEnv(): Promise<Record<string, string>> {
  if (TEST_DATABASE_URL) return { DATABASE_URL: TEST_DATABASE_URL };
  await ensureDemoAreas();
  const tarball = path.join(work, 'test.backup');
  writeFileSync(tarball, Buffer.from(await (await (await testDatabase()).dumpDataDir!()).arrayBuffer()));
  await restore({ databaseUrl: undefined, dataDir }, tarball, { replace: false });
  return { DATA_DIR: dataDir };
}

beforeAll(async () => {
  const env = await databaseEnv();
  server = await startApp('shutdown', { ...env, LOG_LEVEL: 'info', SEED_DEMO_DATA: 'false', REACH_REFRESH_SECONDS: '0' });
}, 120_000);

afterAll(async () => {
  await stopApp(server);
  rmSync(work, { recursive: true, force: true });
});

/** Whether a new TCP connection to the server is accepted. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** All a socket receives until the server closes it. */
function everythingFrom(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  return new Promise((resolve, reject) => {
    socket.once('close', () => resolve(received));
    socket.once('error', reject);
  });
}

describe(`graceful shutdown on ${backendUnderTest}`, () => {
  it('answers the request in flight in full, refuses new connections, closes the database and exits 0', async () => {
    const app = server!;
    const { hostname, port } = new URL(app.url);
    const body = JSON.stringify({ email: 'niemand.shutdown@example.org', password: 'geen goed wachtwoord 1' });
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    const response = everythingFrom(socket);
    socket.write(
      `POST /api/auth/login HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 20)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the server has the headers: the request is in flight
    // 'close', not 'exit': the output is read to its end.
    const exited = new Promise<number | null>((resolve) => app.child.once('close', (code) => resolve(code)));
    app.child.kill('SIGTERM');

    // No new connections once the signal is taken, while the request in flight is still open.
    const deadline = Date.now() + 5_000;
    while ((await accepts(app.url)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await accepts(app.url)).toBe(false);
    expect(app.child.exitCode).toBeNull();

    // write, not end: a client that half-closes its side has its request aborted by Node.
    socket.write(body.slice(20));
    const answer = await response;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    const [, json] = answer.split('\r\n\r\n');
    expect(JSON.parse(json!)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });

    expect(await exited).toBe(0);
    const logLines = app.output().trim().split('\n').filter((line) => line.startsWith('{'));
    const messages = logLines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    // The request finished after the signal; "stopped" is written once the database is closed (server/src/main.ts).
    expect(messages.lastIndexOf('request completed')).toBeGreaterThan(messages.indexOf('shutting down'));
    expect(messages.at(-1)).toBe('stopped');
    if (!TEST_DATABASE_URL) expect(existsSync(path.join(dataDir, 'kwartier.lock'))).toBe(false);
  }, 60_000);
});
