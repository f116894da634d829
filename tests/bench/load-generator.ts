/**
 * One autocannon run, in a process of its own, printed as JSON on the last line: the load
 * runs on the other core instead of sharing the server's event loop.
 *
 * autocannon keeps every response body as a JavaScript string (`body += chunk`, in
 * lib/pipelinedRequestsQueue.js). For a binary body, a vector tile, that UTF-8 decoding cost
 * more than the server's own work: a 20 KB gzipped buffer ran at 4,400 req/s where 26 KB of
 * text ran at 33,000 (measured on a bare Fastify). Nothing here reads the bodies, so that
 * step is switched off, and the figure is the server's.
 *
 *   node --import tsx tests/bench/load-generator.ts '<LoadOptions as JSON>'
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import autocannon from 'autocannon';

export type LoadOptions = {
  /** The server, e.g. http://127.0.0.1:3000; requests go to `paths`, taken in turn. */
  base: string;
  paths: string[];
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  /** Headers per connection (a session each, say), given out in turn. */
  connectionHeaders?: Array<Record<string, string>>;
  connections: number;
  duration: number;
};

const require = createRequire(import.meta.url);
const queueModule = path.join(path.dirname(require.resolve('autocannon')), 'lib', 'pipelinedRequestsQueue.js');
(require(queueModule) as { prototype: { addBody(data: unknown): void } }).prototype.addBody = () => {};

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
let nextPath = 0;
let nextConnection = 0;
const result = await autocannon({
  url: options.base,
  connections: options.connections,
  duration: options.duration,
  method: options.method ?? 'GET',
  headers: options.headers ?? {},
  ...(options.body ? { body: options.body } : {}),
  requests: [
    {
      setupRequest: (request) => {
        request.path = options.paths[nextPath++ % options.paths.length]!;
        return request;
      },
    },
  ],
  ...(options.connectionHeaders?.length
    ? {
        setupClient: (client: { setHeaders(headers: Record<string, string>): void }) => {
          const own = options.connectionHeaders![nextConnection++ % options.connectionHeaders!.length]!;
          client.setHeaders({ ...(options.headers ?? {}), ...own });
        },
      }
    : {}),
});
console.log(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
  }),
);
