import { z } from 'zod';

const booleanVariable = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false (or 1/0, yes/no)' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Digits only: `Number()` would read "  " as 0 and "0x10" as 16. */
function wholeNumber(message: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().min(min, `expected ${min} to ${max}`).max(max, `expected ${min} to ${max}`));
}

/**
 * Which proxies' X-Forwarded-For to believe. Never "all of them": with that, a client that
 * sends its own X-Forwarded-For header chooses the address that rate limits count it by.
 * `true` means one proxy in front (nginx, a load balancer); a number, that many; a list of
 * addresses, exactly those proxies.
 */
function trustProxySetting(value: string): false | number | string[] {
  if (value === 'false' || value === 'no' || value === '0') return false;
  if (value === 'true' || value === 'yes') return 1;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',');
}

const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;

/** One PostgreSQL URL, or several separated by commas (one per read replica). */
const postgresUrlList = z
  .string()
  .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url !== ''))
  .refine((urls) => urls.length > 0 && urls.every((url) => POSTGRES_URL.test(url)), {
    message: 'expected PostgreSQL URLs separated by commas, such as postgres://user:password@replica1:5432/kwartier',
  });

/** Every environment variable Kwartier reads; the README documents the same list. */
const EnvSchema = z
  .object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: wholeNumber('expected a port number', 0, 65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(POSTGRES_URL, 'expected a PostgreSQL URL such as postgres://user:password@host:5432/kwartier')
    .optional(),
  DATABASE_READ_URL: postgresUrlList.optional(),
  READ_YOUR_WRITES_SECONDS: wholeNumber('expected a number of seconds; 0 turns it off', 0, 300).default(5),
  DATABASE_POOL_SIZE: wholeNumber('expected a whole number', 1, 200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  SEED_DEMO_DATA: booleanVariable.default(true),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|yes|no|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, 'expected false, true (one proxy), a number of proxies, or their addresses (10.0.0.1,10.0.0.0/8)')
    .transform(trustProxySetting)
    .default(false),
  LOCATIESERVER_URL: z.url({ protocol: /^https?$/, message: "expected the http(s) URL of PDOK's Locatieserver free search" }).optional(),
  MAP_STYLE_URL: z.url({ protocol: /^https?$/, message: 'expected the http(s) URL of a MapLibre style JSON' }).optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'expected the http(s) address people open Kwartier at, such as https://kwartier.example.nl' }).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, message: 'expected smtp://user:password@host:587 or smtps://user:password@host:465' }).optional(),
  MAIL_FROM: z.string().min(3).max(200).default('Kwartier <noreply@kwartier.invalid>'),
  RATE_LIMIT_WINDOW_SECONDS: wholeNumber('expected a number of seconds', 1, 86_400).default(900),
  REACH_REFRESH_SECONDS: wholeNumber('expected a number of seconds; 0 turns the refresher off', 0, 86_400).default(60),
  TILE_CACHE_MB: wholeNumber('expected a number of megabytes; 0 keeps no tiles', 0, 65_536).default(64),
  })
  // Replicas copy a PostgreSQL primary; the embedded database has none to copy.
  .refine((env) => env.DATABASE_READ_URL === undefined || env.DATABASE_URL !== undefined, {
    path: ['DATABASE_READ_URL'],
    message: 'needs DATABASE_URL: read replicas copy a PostgreSQL primary, and the embedded database has none',
  });

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Absent: the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** PostgreSQL streaming replicas for reads (search, tiles, the buurtscan); empty: all on the primary. */
  databaseReadUrls: string[];
  /** How long after a client's write its reads go to the primary, so that it sees its own write. */
  readYourWritesSeconds: number;
  dataDir: string;
  seedDemoData: boolean;
  /** Which proxies in front to believe for the client's address: none, a number of hops, or their addresses. */
  trustProxy: false | number | string[];
  /** A MapLibre style for the basemap; without it, or when it cannot be reached, the offline style. */
  mapStyleUrl: string | null;
  /** PDOK's Locatieserver `free` endpoint for addresses; without it, only Kwartier's own places. */
  locatieserverUrl: string | null;
  /** Where people open Kwartier, for links in e-mails; by default http://localhost:PORT. */
  publicUrl: string;
  /** Mail goes out through this server; without it, development writes mails to the log. */
  smtpUrl: string | null;
  mailFrom: string;
  /** The window over which sign-in, sign-up, reset and submission attempts are counted. */
  rateLimitWindowSeconds: number;
  /** How often the server computes reach again for gemeenten where assets changed; 0: only when asked. */
  reachRefreshSeconds: number;
  /** How many bytes of vector tiles each process keeps in memory (0: none). */
  tileCacheBytes: number;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once. Empty variables count as unset, as most shells intend. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env)
      .map(([name, value]) => [name, value?.trim()] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Kwartier cannot start: bad configuration\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseReadUrls: e.DATABASE_READ_URL ?? [],
    readYourWritesSeconds: e.READ_YOUR_WRITES_SECONDS,
    dataDir: e.DATA_DIR,
    seedDemoData: e.SEED_DEMO_DATA,
    trustProxy: e.TRUST_PROXY,
    mapStyleUrl: e.MAP_STYLE_URL ?? null,
    locatieserverUrl: e.LOCATIESERVER_URL ?? null,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    rateLimitWindowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
    reachRefreshSeconds: e.REACH_REFRESH_SECONDS,
    tileCacheBytes: e.TILE_CACHE_MB * 2 ** 20,
  };
}
