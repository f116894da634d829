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

/** Every environment variable Kwartier reads; the README documents the same list. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: wholeNumber('expected a port number', 0, 65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'expected a PostgreSQL URL such as postgres://user:password@host:5432/kwartier')
    .optional(),
  DATABASE_POOL_SIZE: wholeNumber('expected a whole number', 1, 200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  SEED_DEMO_DATA: booleanVariable.default(true),
  TRUST_PROXY: booleanVariable.default(false),
  LOCATIESERVER_URL: z.url({ protocol: /^https?$/, message: "expected the http(s) URL of PDOK's Locatieserver free search" }).optional(),
  MAP_STYLE_URL: z.url({ protocol: /^https?$/, message: 'expected the http(s) URL of a MapLibre style JSON' }).optional(),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Absent: the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  seedDemoData: boolean;
  trustProxy: boolean;
  /** A MapLibre style for the basemap; without it, or when it cannot be reached, the offline style. */
  mapStyleUrl: string | null;
  /** PDOK's Locatieserver `free` endpoint for addresses; without it, only Kwartier's own places. */
  locatieserverUrl: string | null;
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
    dataDir: e.DATA_DIR,
    seedDemoData: e.SEED_DEMO_DATA,
    trustProxy: e.TRUST_PROXY,
    mapStyleUrl: e.MAP_STYLE_URL ?? null,
    locatieserverUrl: e.LOCATIESERVER_URL ?? null,
  };
}
