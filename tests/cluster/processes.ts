import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';

/**
 * What docker-compose.yml's production profile runs, as processes on this machine: PostgreSQL
 * clusters (a primary and a streaming replica made with pg_basebackup -R) and Kwartier app
 * processes started the way the image starts them.
 */

const run = promisify(execFile);

/** The newest installed PostgreSQL that has PostGIS (as scripts/pg-test-cluster.sh picks it). */
function pgBin(): string {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)) : [];
  const withPostgis = versions.filter((version) => existsSync(`/usr/share/postgresql/${version}/extension/postgis.control`));
  const version = withPostgis.at(-1);
  if (!version) throw new Error('PostgreSQL with PostGIS is not installed (scripts/pg-test-cluster.sh installs it)');
  return `/usr/lib/postgresql/${version}/bin`;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** A PostgreSQL program, as the postgres user when we are root (PostgreSQL refuses to run as root). */
async function asPostgres(program: string, args: string[]): Promise<string> {
  const command = [path.join(pgBin(), program), ...args];
  const { stdout } =
    process.getuid?.() === 0
      ? await run('su', ['postgres', '-s', '/bin/bash', '-c', command.map(quote).join(' ')])
      : await run(command[0]!, command.slice(1));
  return stdout;
}

/** A free TCP port on 127.0.0.1, from the system. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type Cluster = { dir: string; port: number };

/** A folder the postgres user owns. */
async function postgresFolder(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) await run('chown', ['postgres:postgres', dir]);
}

/**
 * Starts a cluster in `dir/data` on `port`, listening on 127.0.0.1 only. `-w`: returns when
 * it accepts connections (for a replica: when it is consistent and open for reads).
 */
export async function startCluster(cluster: Cluster, settings: string[] = []): Promise<void> {
  const options = [`-p ${cluster.port}`, `-k ${cluster.dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=on', ...settings.map((s) => `-c ${s}`)];
  await asPostgres('pg_ctl', ['-D', `${cluster.dir}/data`, '-l', `${cluster.dir}/pg.log`, '-o', options.join(' '), '-w', '-t', '60', 'start']);
}

/** A new cluster in `dir/data`, trusted from 127.0.0.1 only, started with `settings`. */
export async function initCluster(dir: string, port: number, settings: string[] = []): Promise<Cluster> {
  await postgresFolder(dir);
  await asPostgres('initdb', ['-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  const cluster = { dir, port };
  await startCluster(cluster, settings);
  return cluster;
}

/** The primary: wal_level=replica, and replication connections from 127.0.0.1 without a password. */
export async function initPrimary(dir: string, port: number): Promise<Cluster> {
  return initCluster(dir, port, ['wal_level=replica', 'max_wal_senders=5']);
}

/** A streaming replica of `primary`, copied with pg_basebackup -R (standby.signal, primary_conninfo). */
export async function initReplica(primary: Cluster, dir: string, port: number, user: string): Promise<Cluster> {
  await postgresFolder(dir);
  await asPostgres('pg_basebackup', [
    '-h', '127.0.0.1', '-p', String(primary.port), '-U', user,
    '-D', `${dir}/data`, '-R', '-X', 'stream', '-c', 'fast',
  ]);
  const cluster = { dir, port };
  await startCluster(cluster, ['hot_standby=on']);
  return cluster;
}

/**
 * Stops and starts PostgreSQL, as a restart for an upgrade or a changed setting does (`fast`:
 * connections are told), or as an operator's emergency restart (`immediate`: no shutdown
 * checkpoint, crash recovery at the start).
 */
export async function restartCluster(cluster: Cluster, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  // -l again: without it the new server writes to our pipe, which then never closes.
  await asPostgres('pg_ctl', ['-D', `${cluster.dir}/data`, '-l', `${cluster.dir}/pg.log`, '-m', mode, '-w', '-t', '60', 'restart']);
}

/** The postmaster's pid: the first line of its postmaster.pid. */
export function postmasterPid(cluster: Cluster): number {
  return Number.parseInt(readFileSync(`${cluster.dir}/data/postmaster.pid`, 'utf8').split('\n')[0]!, 10);
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Pids whose parent is `pid`, from /proc (each backend is a child of the postmaster). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      // The parent pid is the 4th field of /proc/PID/stat, after the command in parentheses;
      // a process may end between the listing and the read.
      const stat = readIfThere(`/proc/${entry}/stat`);
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    })
    .map(Number);
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A crash: SIGKILL to the postmaster and every one of its processes at the same moment, as a
 * power cut would stop them; nothing gets to flush or checkpoint. Killing the postmaster alone
 * would leave its backends running (each is its own process group), and a new postmaster
 * refuses to start while they hold the shared memory. Resolves once all of them are gone;
 * postmaster.pid stays behind, as after a real crash.
 */
export async function crashCluster(cluster: Cluster): Promise<void> {
  const postmaster = postmasterPid(cluster);
  const pids = [postmaster, ...childrenOf(postmaster)];
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  while (pids.some(isAlive)) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** `immediate` to clean up quickly; `fast` as an orderly shutdown (connections are told). */
export async function stopCluster(cluster: Cluster, mode: 'fast' | 'immediate' = 'immediate'): Promise<void> {
  if (!existsSync(`${cluster.dir}/data/postmaster.pid`)) return;
  await asPostgres('pg_ctl', ['-D', `${cluster.dir}/data`, '-m', mode, '-w', 'stop']);
}

/** Runs SQL through psql as the postgres superuser. */
export async function psql(cluster: Cluster, database: string, statement: string): Promise<string> {
  const { stdout } = await run('psql', ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-tAc', statement]);
  return stdout.trim();
}

export type AppProcess = { name: string; url: string; child: ChildProcess; output: () => string };

/**
 * A Kwartier server as the image runs it (`node --import tsx server/src/main.ts`), answering
 * /ready within `timeoutMs`; its output is kept for the failure message.
 */
export async function startApp(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const app = { name, url: `http://127.0.0.1:${port}`, child, output: () => output };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} stopped with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${app.url}/ready`).then((r) => r.ok, () => false);
    if (ready) return app;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${output}`);
}

/** SIGTERM (a graceful shutdown), SIGKILL when it takes more than 5 s. */
export async function stopApp(app: AppProcess | undefined): Promise<void> {
  if (!app || app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => app.child.once('exit', () => resolve()));
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** SIGKILL, as the OOM killer or a pulled plug stops a process: no shutdown code runs. */
export async function killApp(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => app.child.once('exit', () => resolve()));
  app.child.kill('SIGKILL');
  await exited;
}

export type Answer = { status: number; body: string; contentType: string; cookies: string[]; bytes: Buffer };

export type CallOptions = {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is, with `contentType`. */
  body?: string;
  contentType?: string;
  /** name=value pairs, as a browser sends them back. */
  cookies?: string[];
  /** The session's CSRF token, which every write with a session cookie must carry. */
  csrfToken?: string;
  /** A request that takes longer is aborted (the promise rejects with a TimeoutError). */
  timeoutMs?: number;
};

/** One HTTP request to an app process, its answer read to the end. */
export async function call(app: AppProcess, pathname: string, init: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  else if (init.contentType) headers['content-type'] = init.contentType;
  if (init.cookies?.length) headers.cookie = init.cookies.join('; ');
  if (init.csrfToken) headers['x-csrf-token'] = init.csrfToken;
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  const response = await fetch(`${app.url}${pathname}`, {
    method: init.method ?? 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(init.timeoutMs ? { signal: AbortSignal.timeout(init.timeoutMs) } : {}),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  // name=value of each cookie set, to send back as a browser would.
  const cookies = response.headers.getSetCookie().map((line) => line.split(';')[0]!);
  return { status: response.status, body: bytes.toString('utf8'), contentType: response.headers.get('content-type') ?? '', cookies, bytes };
}
