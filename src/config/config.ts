import path from 'node:path';
import { z } from 'zod';

/** Process roles: `all` runs API, worker and scheduler together; the others split them across processes. */
export const ROLES = ['all', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const booleanish = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'must be true or false (or 1/0, yes/no, on/off)' }))
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/**
 * A whole number within bounds. Stricter than `z.coerce.number()`, which would take `0x50` or `1e3`
 * for a port, and with a message that says what is expected instead of "expected number, received NaN".
 */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be a whole number between ${min} and ${max}`).max(max, `must be a whole number between ${min} and ${max}`));

const decimalNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `must be a number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be a number between ${min} and ${max}`).max(max, `must be a number between ${min} and ${max}`));

const envSchema = z.object({
  PORT: wholeNumber(0, 65535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  CHARLA_DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  // Room for the default 32 concurrent jobs plus the API's requests in the `all` role.
  DATABASE_POOL_SIZE: wholeNumber(2, 200).default(40),
  CHARLA_SECRET_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{32,}$/, 'must be at least 32 characters of base64 or hex (e.g. `openssl rand -base64 32`)')
    .optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://chat.example.com' }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3, 'must be a sender address, e.g. "Charla <no-reply@example.com>"').default('Charla <no-reply@charla.local>'),
  CHARLA_ALLOW_PRIVATE_NETWORK: booleanish.default(false),
  CHARLA_API_RATE_LIMIT: wholeNumber(1, 1_000_000).default(600),
  CHARLA_LOGIN_RATE_LIMIT: wholeNumber(1, 1_000_000).default(10),
  CHARLA_BODY_LIMIT_MB: decimalNumber(0.1, 1024).default(2),
  // Default by database: PostgreSQL serves many connections (jobs are round-trip bound, so more of
  // them at once keeps up with busy numbers); PGlite is one session, where more would only queue.
  CHARLA_JOB_CONCURRENCY: wholeNumber(1, 256).optional(),
  CHARLA_TRUST_PROXY: z
    .string()
    .trim()
    .regex(
      /^(true|false|(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]+)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]+))*)$/,
      'must be false, true, or comma-separated proxy addresses/CIDRs (e.g. 127.0.0.1,10.0.0.0/8 or loopback)',
    )
    .default('false'),
  CHARLA_KNOWLEDGE_MAX_FILE_MB: decimalNumber(0.1, 1024).default(25),
  CHARLA_KNOWLEDGE_PARSE_TIMEOUT_S: decimalNumber(1, 3600).default(60),
  CHARLA_KNOWLEDGE_PARSE_MEMORY_MB: wholeNumber(64, 8192).default(512),
  CHARLA_CAMPAIGN_IN_DOUBT_GRACE_S: wholeNumber(1, 86_400).default(120),
});

/** Variables whose values may hold credentials: never echoed in error messages. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'CHARLA_SECRET_KEY', 'SMTP_URL']);

/** The typed, frozen configuration. Nothing outside `config/` reads `process.env`. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string;
  secureCookies: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number };
  secretKey: string | undefined;
  smtp: { url: string; from: string } | { url: undefined; from: string };
  allowPrivateNetwork: boolean;
  rateLimits: { apiPerMinute: number; loginPer15Minutes: number };
  bodyLimitBytes: number;
  jobConcurrency: number;
  /**
   * Which peers may set X-Forwarded-For (the client IP used for rate limits and the audit log):
   * nobody by default, so a client cannot pick its own IP; set it when Charla runs behind a proxy.
   */
  trustProxy: boolean | string;
  /** Knowledge documents: largest upload, and the time and heap granted to reading one document. */
  knowledge: { maxFileBytes: number; parseTimeoutMs: number; parseMemoryMb: number };
  /**
   * Campaigns: how long a send whose answer was lost (the worker died mid-request) waits for Meta's
   * status webhook to reveal whether it went out, before it is sent again.
   */
  campaigns: { inDoubtGraceMs: number };
}

/** Thrown when the environment cannot be turned into a configuration; its message lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once. Empty strings count as unset so `FOO= charla start` behaves like no FOO. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { port?: number } = {}): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = i.path.join('.');
      const value = cleaned[name];
      const shown = value !== undefined && !SECRET_VARIABLES.has(name) ? ` (got ${JSON.stringify(value.slice(0, 100))})` : '';
      return `  ${name}: ${i.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const port = overrides.port ?? e.PORT;
  const dataDir = path.resolve(e.CHARLA_DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const config: Config = {
    port,
    host: e.HOST,
    dataDir,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    secretKey: e.CHARLA_SECRET_KEY,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : { url: undefined, from: e.SMTP_FROM },
    allowPrivateNetwork: e.CHARLA_ALLOW_PRIVATE_NETWORK,
    rateLimits: { apiPerMinute: e.CHARLA_API_RATE_LIMIT, loginPer15Minutes: e.CHARLA_LOGIN_RATE_LIMIT },
    bodyLimitBytes: Math.round(e.CHARLA_BODY_LIMIT_MB * 1024 * 1024),
    jobConcurrency: e.CHARLA_JOB_CONCURRENCY ?? (e.DATABASE_URL ? 32 : 8),
    trustProxy: parseTrustProxy(e.CHARLA_TRUST_PROXY),
    knowledge: {
      maxFileBytes: Math.round(e.CHARLA_KNOWLEDGE_MAX_FILE_MB * 1024 * 1024),
      parseTimeoutMs: Math.round(e.CHARLA_KNOWLEDGE_PARSE_TIMEOUT_S * 1000),
      parseMemoryMb: e.CHARLA_KNOWLEDGE_PARSE_MEMORY_MB,
    },
    campaigns: { inDoubtGraceMs: e.CHARLA_CAMPAIGN_IN_DOUBT_GRACE_S * 1000 },
  };
  return deepFreeze(config);
}

function parseTrustProxy(value: string): boolean | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value.replace(/\s+/g, '');
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const v of Object.values(value)) {
    if (v && typeof v === 'object' && !Object.isFrozen(v)) deepFreeze(v);
  }
  return Object.freeze(value);
}
