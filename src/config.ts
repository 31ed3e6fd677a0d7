import { z } from 'zod';
import { ConfigurationError } from './errors.js';
import { StoreEnv, storeConfig, type StoreConfig } from './store/config.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const byteSize = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*(b|kb|mb|gb)?\s*$/i, 'must be a size such as 5mb, 512kb or 1048576')
  .transform((v) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(v)!;
    return Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!);
  });

const positiveInt = z.coerce.number().int().positive();

const urlPrefix = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL prefix' });

/** Every setting comes from the environment; README.md documents each with its default. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: commaList.default(['*']),
  MAX_BODY: byteSize.default(5 * 1024 ** 2),
  BODY_TIMEOUT_MS: positiveInt.default(10_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(5000),
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ALLOW_SANDBOX_ISSUER: booleanFlag.default(false),
  GIT_COMMIT: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/i, 'must be a git commit hash')
    .optional(),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  REQUIRE_JWT: booleanFlag.optional(),
  TRUSTED_ISSUERS_FILE: z.string().min(1).optional(),
  JWT_ALGORITHMS: commaList
    .pipe(z.array(z.enum(['ES384', 'RS384', 'ES256', 'RS256'], { message: 'only ES384, RS384, ES256, RS256 are accepted' })))
    .default(['ES384', 'RS384']),
  JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  JWKS_TIMEOUT_MS: positiveInt.default(2000),
  JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  FHIR_SERVER_ALLOWLIST: commaList.pipe(z.array(urlPrefix)).default([]),
  FHIR_QUERY_TIMEOUT_MS: positiveInt.default(2000),
  FHIR_CALL_BUDGET_MS: positiveInt.default(4000),
  FHIR_MAX_PAGES: positiveInt.default(10),
  FHIR_MAX_RESPONSE_BYTES: byteSize.default(20 * 1024 ** 2),
  FHIR_MAX_DECODED_BYTES: byteSize.default(20 * 1024 ** 2),
  FHIR_MAX_CALL_BYTES: byteSize.default(32 * 1024 ** 2),
  FHIR_MAX_MEDICATION_READS: positiveInt.default(50),
  THRESHOLDS_FILE: z.string().min(1).optional(),
  TRY_PAGE: booleanFlag.optional(),
  /** How long the explanation page of a patient-view call (/explain/{page}, a random id) is kept; 0 turns it off. */
  EXPLAIN_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
  EXPLAIN_MAX_ENTRIES: positiveInt.default(2000),
  /** What the kept pages may hold in all (each as its deflated JSON, ~4.6 kB for a 300-resource record: about 1,800 pages). */
  EXPLAIN_MAX_BYTES: byteSize.default(8 * 1024 ** 2),
  ...StoreEnv,
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: string;
  corsOrigins: string[];
  maxBodyBytes: number;
  /** A request body not fully received within this is refused with 408 and the connection closed. */
  bodyTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** After SIGTERM, how long /readyz answers 503 while calls are still served (load balancers stop routing). */
  drainDelayMs: number;
  metrics: {
    /** Serve /metrics on this port only (not on the service port). */
    port?: number;
    /** Bearer token /metrics requires; without one (and without a port) production does not serve /metrics. */
    token?: string;
  };
  /** Production accepts the public sandbox's issuer (its private key is public) only when this is set. */
  allowSandboxIssuer: boolean;
  gitCommit?: string;
  publicBaseUrl?: string;
  auth: {
    requireJwt: boolean;
    trustedIssuersFile?: string;
    algorithms: string[];
    clockSkewSeconds: number;
    jwksTimeoutMs: number;
    jwksCooldownMs: number;
  };
  fhir: {
    /** URL prefixes a caller's fhirServer must start with; empty allows loopback only outside production. */
    serverAllowlist: string[];
    queryTimeoutMs: number;
    callBudgetMs: number;
    maxPages: number;
    /** Caps on FHIR answers: per response on the wire, per response decompressed, per hook call. */
    maxResponseBytes: number;
    maxDecodedBytes: number;
    maxCallBytes: number;
    /** Most separate Medications read per call to follow medicationReference (more stay unidentified). */
    maxMedicationReads: number;
  };
  thresholdsFile?: string;
  /** Serve the try-it page (GET /try, synthetic data only): on outside production unless TRY_PAGE=false. */
  tryPage: boolean;
  /** The explanation pages: kept in memory for ttlSeconds (0: off), at most maxEntries and maxBytes in all. */
  explain: { ttlSeconds: number; maxEntries: number; maxBytes: number };
  store: StoreConfig;
}

/** Validates the whole environment at once so that every problem is listed, not just the first. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(Object.keys(EnvSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = EnvSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigurationError('Invalid configuration', problems);
  }
  const e = parsed.data;
  const requireJwt = e.REQUIRE_JWT ?? e.NODE_ENV === 'production';
  const jwtProblems = [
    ...(requireJwt && !e.TRUSTED_ISSUERS_FILE ? ['TRUSTED_ISSUERS_FILE: required when REQUIRE_JWT is true (set REQUIRE_JWT=false for local use only)'] : []),
    // The token's aud must equal the URL the EHR called. In production that URL comes from
    // configuration, never from the request's own Host header, which the caller chooses.
    ...(requireJwt && e.NODE_ENV === 'production' && !e.PUBLIC_BASE_URL
      ? ['PUBLIC_BASE_URL: required in production when REQUIRE_JWT is true (the JWT audience is checked against it, never the request Host)']
      : []),
  ];
  if (jwtProblems.length) throw new ConfigurationError('Invalid configuration', jwtProblems);
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS,
    maxBodyBytes: e.MAX_BODY,
    bodyTimeoutMs: e.BODY_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    drainDelayMs: e.DRAIN_DELAY_MS ?? (e.NODE_ENV === 'production' ? 5000 : 0),
    metrics: { port: e.METRICS_PORT, token: e.METRICS_TOKEN },
    allowSandboxIssuer: e.ALLOW_SANDBOX_ISSUER,
    gitCommit: e.GIT_COMMIT,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    auth: {
      requireJwt,
      trustedIssuersFile: e.TRUSTED_ISSUERS_FILE,
      algorithms: e.JWT_ALGORITHMS,
      clockSkewSeconds: e.JWT_CLOCK_SKEW_SECONDS,
      jwksTimeoutMs: e.JWKS_TIMEOUT_MS,
      jwksCooldownMs: e.JWKS_COOLDOWN_MS,
    },
    fhir: {
      serverAllowlist: e.FHIR_SERVER_ALLOWLIST,
      queryTimeoutMs: e.FHIR_QUERY_TIMEOUT_MS,
      callBudgetMs: e.FHIR_CALL_BUDGET_MS,
      maxPages: e.FHIR_MAX_PAGES,
      maxResponseBytes: e.FHIR_MAX_RESPONSE_BYTES,
      maxDecodedBytes: e.FHIR_MAX_DECODED_BYTES,
      maxCallBytes: e.FHIR_MAX_CALL_BYTES,
      maxMedicationReads: e.FHIR_MAX_MEDICATION_READS,
    },
    thresholdsFile: e.THRESHOLDS_FILE,
    tryPage: e.TRY_PAGE ?? e.NODE_ENV !== 'production',
    explain: { ttlSeconds: e.EXPLAIN_TTL_SECONDS, maxEntries: e.EXPLAIN_MAX_ENTRIES, maxBytes: e.EXPLAIN_MAX_BYTES },
    store: storeConfig(e),
  };
}
