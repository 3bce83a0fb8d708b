// The only reader of process.env: every setting is parsed and validated here, once.
import path from 'node:path';
import { z } from 'zod';

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

/** true/false/1/0; undefined when unset, so the default can depend on NODE_ENV */
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1'));

/** `*`, or a comma-separated list of origins such as https://app.example.com (scheme, host, optional port) */
const originList = z
  .string()
  .optional()
  .transform((value) => (value === undefined ? undefined : value.trim() === '*' ? ('*' as const) : value.split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter(Boolean)))
  .refine((value) => value === undefined || value === '*' || value.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)), {
    message: 'must be * or a comma-separated list of origins like https://app.example.com',
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /** statements prepared once per PostgreSQL connection (0: none, e.g. behind a pooler that cannot keep them) */
  DATABASE_STATEMENT_CACHE: z.coerce.number().int().min(0).max(10_000).default(256),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  MEDIA_DIR: z.string().min(1).optional(),
  PUBLIC_URL: optionalUrl(['http', 'https']),
  /** HS256 secret for bearer tokens; when absent in development one is generated in DATA_DIR */
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  TOKEN_TTL: z.string().regex(/^\d+[smhd]$/, 'must look like 30m, 12h or 7d').default('12h'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: flag,
  GRAPHIQL: flag,
  INTROSPECTION: flag,
  CORS_ORIGINS: originList,
  CHAT_LINK_BASE: optionalUrl(['https', 'http']),
  LIVE_TICK_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).default(100 * 1024),
  MUTATION_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(16),
  MUTATION_QUEUE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** per-caller query cost budget (leaky bucket): on/off, size in points, points restored per second */
  COST_LIMIT: flag,
  COST_BUDGET: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  COST_RESTORE_RATE: z.coerce.number().min(0.001).max(1_000_000).default(1000),
  /** per-caller caps: WebSocket connections per instance, operations open on one connection, operations running at once per instance */
  MAX_WS_CONNECTIONS_PER_CALLER: z.coerce.number().int().min(1).max(100_000).default(20),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(100_000).default(100),
  MAX_CONCURRENT_OPERATIONS_PER_CALLER: z.coerce.number().int().min(1).max(10_000).default(10),
  CONCURRENT_OPERATIONS_QUEUE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** a webhook delivery that gets no 2xx answer within this time has failed */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(15_000),
  /** how often each instance looks for due webhook deliveries */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** plain http webhook endpoints on loopback hosts (default: everywhere but production) */
  WEBHOOKS_ALLOW_HTTP_LOOPBACK: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1')),
  /** Prometheus metrics at /metrics */
  METRICS: flag,
  /** OpenTelemetry spans for GraphQL operations, through the globally registered tracer provider */
  OTEL_TRACING: flag,
  /** on SIGTERM, how long in-flight requests and webhook deliveries may take to finish */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL connections per instance */
  poolSize: number;
  /** distinct statements prepared on each PostgreSQL connection (0: none) */
  statementCacheSize: number;
  redisUrl?: string;
  mediaDir: string;
  /** origin used in links the API hands out; defaults to http://localhost:<port> */
  publicUrl?: string;
  auth: { secret?: string; issuer?: string; audience?: string; tokenTtl: string };
  logLevel: string;
  /** seed the demo organization when the database is empty */
  seedDemo: boolean;
  maxUploadBytes: number;
  /** a request body that is not an upload (JSON, a WebSocket message) and a GraphQL document */
  sizeLimits: { maxBodyBytes: number; maxDocumentBytes: number };
  /** chat links are <base>/<handle> */
  chatLinkBase: string;
  /** how often each instance checks for due live reminders and pending stats */
  liveTickMs: number;
  /** mutations executing at once per instance, and how long others wait before OVERLOADED */
  admission: { concurrency: number; queueMs: number };
  /** limits per caller (a user, an integration grant, or an anonymous IP address) */
  callerLimits: CallerLimits;
  /** serve the GraphiQL page on GET /graphql (default: not in production) */
  graphiql: boolean;
  /** answer __schema / __type queries (default: not in production) */
  introspection: boolean;
  /** browser origins allowed to call the API: '*' any, [] none (default: any in development, none in production) */
  corsOrigins: '*' | string[];
  /** outbound webhooks: delivery timeout, worker poll interval, which endpoint URLs are accepted */
  webhooks: { timeoutMs: number; pollMs: number; allowHttpLoopback: boolean; refusePrivateNetworks: boolean };
  /** what an operator sees: Prometheus metrics at /metrics, OpenTelemetry spans */
  observability: { metrics: boolean; tracing: boolean };
  /** on shutdown, how long in-flight requests and webhook deliveries may take before they are cut */
  shutdownGraceMs: number;
}

export interface CallerLimits {
  /** leaky bucket of query cost points, shared through Redis when configured */
  cost: { enabled: boolean; budget: number; restoreRate: number };
  /** WebSocket connections one caller may hold open on one instance */
  wsConnections: number;
  /** operations (subscriptions, queries in flight) open at once on one WebSocket connection */
  subscriptionsPerConnection: number;
  /** queries and mutations one caller may run at once on one instance, and how long more wait for a slot */
  concurrentOperations: number;
  queueMs: number;
}

export class ConfigError extends Error {}

/** Parses an environment (process.env by default); throws ConfigError naming each bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && !env.AUTH_SECRET) {
    throw new ConfigError('Invalid configuration:\n  AUTH_SECRET: is required in production');
  }
  const dataDir = path.resolve(env.DATA_DIR);
  const production = env.NODE_ENV === 'production';
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    poolSize: env.DATABASE_POOL_SIZE,
    statementCacheSize: env.DATABASE_STATEMENT_CACHE,
    redisUrl: env.REDIS_URL,
    mediaDir: path.resolve(env.MEDIA_DIR ?? path.join(dataDir, 'media')),
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    auth: { secret: env.AUTH_SECRET, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, tokenTtl: env.TOKEN_TTL },
    logLevel: env.LOG_LEVEL,
    seedDemo: env.SEED_DEMO ?? env.NODE_ENV === 'development',
    maxUploadBytes: env.MAX_UPLOAD_BYTES,
    sizeLimits: { maxBodyBytes: env.MAX_BODY_BYTES, maxDocumentBytes: env.MAX_DOCUMENT_BYTES },
    liveTickMs: env.LIVE_TICK_MS,
    admission: { concurrency: env.MUTATION_CONCURRENCY, queueMs: env.MUTATION_QUEUE_MS },
    callerLimits: {
      cost: { enabled: env.COST_LIMIT ?? true, budget: env.COST_BUDGET, restoreRate: env.COST_RESTORE_RATE },
      wsConnections: env.MAX_WS_CONNECTIONS_PER_CALLER,
      subscriptionsPerConnection: env.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      concurrentOperations: env.MAX_CONCURRENT_OPERATIONS_PER_CALLER,
      queueMs: env.CONCURRENT_OPERATIONS_QUEUE_MS,
    },
    webhooks: {
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      pollMs: env.WEBHOOK_POLL_MS,
      allowHttpLoopback: env.WEBHOOKS_ALLOW_HTTP_LOOPBACK ?? env.NODE_ENV !== 'production',
      refusePrivateNetworks: env.NODE_ENV === 'production',
    },
    observability: { metrics: env.METRICS ?? true, tracing: env.OTEL_TRACING ?? false },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    chatLinkBase: (env.CHAT_LINK_BASE ?? 'https://tiktok.me').replace(/\/+$/, ''),
    graphiql: env.GRAPHIQL ?? !production,
    introspection: env.INTROSPECTION ?? !production,
    corsOrigins: env.CORS_ORIGINS ?? (production ? [] : '*'),
    ...overrides,
  };
}
