import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import fastify, { type FastifyInstance } from 'fastify';
import type { LoadOptions } from './load-generator.ts';

/**
 * Requests per second a listening server answers, with autocannon: BENCH_THROUGHPUT_SECONDS
 * (default 10) with BENCH_CONNECTIONS (default 50). The load runs in a process of its own
 * (load-generator.ts, which also keeps autocannon from decoding every body), so that it does
 * not share the server's event loop; on two cores the two still compete for CPU, the same way
 * for every URL measured, which is why the ratio to hello-world is the figure to read.
 */
const SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

export type Throughput = {
  url: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes?: Record<string, { count: number }>;
};

const run = promisify(execFile);
const GENERATOR = path.join(import.meta.dirname, 'load-generator.ts');

/** autocannon with `options` (see load-generator.ts), for as long as they say. */
export async function load(options: LoadOptions): Promise<Throughput> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', GENERATOR, JSON.stringify(options)], { maxBuffer: 2 ** 20 });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as Omit<Throughput, 'url'>;
  return { url: `${options.method ?? 'GET'} ${options.paths[0]}`, ...result };
}

export async function throughput(url: string, headers: Record<string, string> = {}): Promise<Throughput> {
  const { origin, pathname, search } = new URL(url);
  return { ...(await load({ base: origin, paths: [pathname + search], headers, connections: CONNECTIONS, duration: SECONDS })), url };
}

/** http://127.0.0.1:port of a server listening on a free port. */
export async function listenLocally(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the server has no port');
  return `http://127.0.0.1:${address.port}`;
}

/** The ceiling: a bare Fastify with one route answering {hello: 'world'}, in this process. */
export async function helloWorldThroughput(): Promise<Throughput> {
  const app = fastify();
  app.get('/', async () => ({ hello: 'world' }));
  try {
    return await throughput(`${await listenLocally(app)}/`);
  } finally {
    await app.close();
  }
}

export const describeThroughput = (t: Throughput) =>
  `${Math.round(t.requestsPerSecond).toLocaleString('en').padStart(7)} req/s  p50 ${t.p50Ms} ms  p99 ${t.p99Ms} ms` +
  `  (${t.non2xx} non-2xx, ${t.errors} errors, ${t.timeouts} timeouts)`;
