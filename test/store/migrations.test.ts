import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { migrate, openDatabase, type Store } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { freshDatabase } from '../helpers/postgres.js';

const TABLES = ['feedback', 'jwt_replay', 'ledger_card', 'ledger_suggestion', 'snooze'];

async function tables(store: Store): Promise<string[]> {
  const { rows } = await sql<{
    table_name: string;
  }>`select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%' order by 1`.execute(store.db);
  return rows.map((r) => r.table_name);
}

describe('migrations run at start-up, the same on both databases', () => {
  const opened: Store[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  for (const kind of ['pglite', 'postgres'] as const) {
    it(`${kind}: opening a new database creates every table, records each migration once, and a second run applies nothing`, async () => {
      const url = kind === 'postgres' ? await freshDatabase(inject('postgresUrl'), 'migr') : undefined;
      const store = await openDatabase({ url, dataDir: 'memory://' });
      opened.push(store);
      expect(store.kind).toBe(kind);
      expect(await tables(store)).toEqual(TABLES);
      const applied = await store.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(applied.map((r) => (r as { name: string }).name)).toEqual(Object.keys(MIGRATIONS));
      expect(await migrate(store.db)).toEqual([]);
      if (kind === 'pglite') {
        // Sized for the ledger, not Postgres's server defaults (128 MB of shared buffers cost ~110 MB of RSS).
        const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(store.db);
        expect(rows[0]?.shared_buffers).toBe('8MB');
      }
      if (kind === 'postgres') {
        // A second replica starting on the same database finds it current.
        const again = await openDatabase({ url, dataDir: 'memory://' });
        opened.push(again);
        expect(await tables(again)).toEqual(TABLES);
      }
    }, 120_000);
  }
});
