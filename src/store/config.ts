import { z } from 'zod';
import { ConfigurationError } from '../errors.js';

const positiveInt = z.coerce.number().int().positive();
const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Storage settings (README "Configuration"); merged into the one environment schema in src/config.ts. */
export const StoreEnv = {
  /** Embedded database folder (PGlite), used when DATABASE_URL is unset. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Postgres server shared by replicas: ledger, feedback, snooze and the JWT replay check. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'must be a postgres:// URL' }).optional(),
  DATABASE_POOL_MAX: positiveInt.max(100).default(5),
  /** HMAC-SHA256 key for pseudonymous patient and user keys; at least 32 characters. */
  PSEUDONYM_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LEDGER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  LEDGER_RETENTION_DAYS: positiveInt.max(3650).default(400),
  LEDGER_QUEUE_MAX: positiveInt.max(1_000_000).default(10_000),
  LEDGER_BATCH_SIZE: positiveInt.max(5_000).default(500),
  LEDGER_FLUSH_MS: positiveInt.max(60_000).default(200),
  /** Override reason codes (CodeSystem override-reason) that snooze a non-critical card. */
  SNOOZE_REASONS: commaList.default(['already-addressed', 'patient-declined']),
  SNOOZE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  SNOOZE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  SNOOZE_LOOKUP_TIMEOUT_MS: positiveInt.max(5000).default(50),
  /** Bearer token for /analytics; unset turns analytics off. */
  ANALYTICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};

export interface StoreConfig {
  databaseUrl?: string;
  dataDir: string;
  poolMax: number;
  pseudonymSecret?: string;
  ledger: { enabled: boolean; retentionDays: number; queueMax: number; batchSize: number; flushMs: number };
  snooze: { reasons: string[]; days: number; cacheSeconds: number; lookupTimeoutMs: number };
  analyticsToken?: string;
}

type StoreEnvValues = z.output<ReturnType<typeof z.object<typeof StoreEnv>>>;

export function storeConfig(e: StoreEnvValues): StoreConfig {
  // Replicas sharing a database must agree on pseudonyms: none may invent its own key.
  // The embedded database keeps a generated key beside its data instead (src/store/pseudonym.ts).
  if (!e.PSEUDONYM_SECRET && e.DATABASE_URL) {
    throw new ConfigurationError('Invalid configuration', [
      "PSEUDONYM_SECRET: required with DATABASE_URL (the key of the ledger's pseudonymous patient and user keys, the same on every replica)",
    ]);
  }
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    poolMax: e.DATABASE_POOL_MAX,
    pseudonymSecret: e.PSEUDONYM_SECRET,
    ledger: {
      enabled: e.LEDGER_ENABLED,
      retentionDays: e.LEDGER_RETENTION_DAYS,
      queueMax: e.LEDGER_QUEUE_MAX,
      batchSize: e.LEDGER_BATCH_SIZE,
      flushMs: e.LEDGER_FLUSH_MS,
    },
    snooze: { reasons: e.SNOOZE_REASONS, days: e.SNOOZE_DAYS, cacheSeconds: e.SNOOZE_CACHE_SECONDS, lookupTimeoutMs: e.SNOOZE_LOOKUP_TIMEOUT_MS },
    analyticsToken: e.ANALYTICS_TOKEN,
  };
}
