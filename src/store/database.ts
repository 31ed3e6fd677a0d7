import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { lockFolder } from './folder-lock.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  close(): Promise<void>;
}

export interface DatabaseSettings {
  /** Postgres server (pg); absent: embedded PGlite under dataDir. */
  url?: string;
  /** Folder for the embedded database; 'memory://' keeps it in memory (tests). */
  dataDir: string;
  /** Pool size per process for Postgres. */
  poolMax?: number;
  /** Milliseconds before a Postgres statement is cancelled. */
  statementTimeoutMs?: number;
}

/** Postgres returns bigint as text and timestamptz as Date; counts come back as numbers here. */
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Postgres's memory settings for the embedded database, sized for the ledger (a few inserts a call,
 * small look-ups by key) instead of Postgres's server defaults: PGlite's 128 MB of shared buffers
 * cost the service about 110 MB of resident memory for a database of a few megabytes.
 */
// relaxedDurability: PGlite does not wait for its files to sync after each statement. The embedded
// database is the one-instance default (ledger, feedback, snooze); a crash can lose its last writes,
// as the ledger's bounded queue already can; durable, shared storage is Postgres (DATABASE_URL).
// Measured: 0.5-0.8 ms less CPU per patient-view call (5.6-6.0 -> 4.8-5.6 ms with 300 resources).
const EMBEDDED_MEMORY_SETTINGS = [
  '-c',
  'shared_buffers=8MB',
  '-c',
  'work_mem=1MB',
  '-c',
  'temp_buffers=1MB',
  '-c',
  'maintenance_work_mem=4MB',
  '-c',
  'wal_buffers=256kB',
];

/**
 * Makes the database handle without touching the database: Kysely connects (and PGlite loads) on
 * first use, so the service can listen while its database starts. Run `migrate` before any other
 * query. Embedded PGlite by default, so `npm start` needs nothing installed; Postgres with a URL,
 * which is what several replicas must share.
 */
export function createDatabase(settings: DatabaseSettings): Store {
  let db: Kysely<Database>;
  // The embedded folder's lock (folder-lock.ts), taken when PGlite opens it.
  let release = () => undefined as void;
  let kind: DatabaseKind;
  if (settings.url) {
    const pool = new pg.Pool({
      connectionString: settings.url,
      max: settings.poolMax ?? 5,
      connectionTimeoutMillis: 3000,
      statement_timeout: settings.statementTimeoutMs ?? 5000,
      application_name: 'trd-cds',
    });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    const dir = settings.dataDir === 'memory://' ? undefined : resolve(settings.dataDir, 'pglite');
    const pglite = async () => {
      if (dir) {
        mkdirSync(dir, { recursive: true });
        release = lockFolder(`${dir}.lock`);
      }
      try {
        return await PGlite.create(dir, { relaxedDurability: true, startParams: [...PGlite.defaultStartParams, ...EMBEDDED_MEMORY_SETTINGS] });
      } catch (err) {
        release();
        throw err;
      }
    };
    db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    kind = 'pglite';
  }
  return {
    db,
    kind,
    close: async () => {
      try {
        await db.destroy();
      } finally {
        release();
      }
    },
  };
}

/** Opens the database and brings its schema up to date (Kysely migrations, the same on both). Throws when it cannot. */
export async function openDatabase(settings: DatabaseSettings): Promise<Store> {
  const store = createDatabase(settings);
  try {
    await migrate(store.db);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
