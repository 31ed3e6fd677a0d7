import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import type { CdsStore } from '../../src/store/index.js';
import { TEST_NOW } from '../helpers/app.js';
import { movableClock, openTestStore, storeApp } from '../helpers/store.js';

/**
 * An outside tester's patient-view call (test/fixtures/findings/README.md) whose hookInstance is a name,
 * an MRN and a birth date: it is answered (what clients send is tolerated), and the value is never
 * written to a log line or the ledger; the ledger keeps its pseudonymous key, logs a marker.
 */
const finding = JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/findings/hookinstance-with-a-name-and-birth-date.request.json'), 'utf8')) as {
  hookInstance: string;
};

describe('a hookInstance that is not a UUID is never logged or stored as sent (tester9)', () => {
  const clock = movableClock(TEST_NOW);
  let store: CdsStore;
  beforeAll(async () => {
    ({ store } = await openTestStore({ clock }));
  }, 120_000);
  afterAll(() => store.close());

  it('hookinstance-with-a-name-and-birth-date-is-answered-logged-as-a-marker-and-stored-as-a-pseudonymous-key', async () => {
    const { app, logs } = storeApp(store, clock);
    const res = await request(app).post('/cds-services/trd-patient-view').send(finding);
    expect(res.status).toBe(200);
    expect(res.body.cards.length).toBeGreaterThan(0);
    await store.ledger.flush();
    const rows = await store.store.db.selectFrom('ledger_card').selectAll().execute();
    expect(rows.length).toBe(res.body.cards.length);
    for (const row of rows) expect(row.hook_instance).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(rows.map((r) => r.hook_instance)).size).toBe(1);
    expect(JSON.stringify(rows)).not.toMatch(/Jane|4711|1980/);
    expect(logs.text).not.toMatch(/Jane|4711|1980-01-02/);
    expect(logs.records.find((r) => r['msg'] === 'request')).toMatchObject({ hookInstance: '(not a UUID)' });
  });

  it('a UUID hookInstance in upper case or as urn:uuid: is logged and stored as the bare UUID in lower case', async () => {
    const { app, logs } = storeApp(store, clock);
    const uuid = 'b1e9f0a2-3c4d-4e5f-8a6b-7c8d9e0f1a2b';
    await request(app)
      .post('/cds-services/trd-patient-view')
      .send({ ...finding, hookInstance: `urn:uuid:${uuid.toUpperCase()}` })
      .expect(200);
    await store.ledger.flush();
    expect(logs.records.find((r) => r['msg'] === 'request')).toMatchObject({ hookInstance: uuid });
    const rows = await store.store.db.selectFrom('ledger_card').select('hook_instance').where('hook_instance', '=', uuid).execute();
    expect(rows.length).toBeGreaterThan(0);
  });
});
