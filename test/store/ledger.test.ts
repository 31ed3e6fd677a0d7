import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.js';
import { buildTestApp, TEST_NOW } from '../helpers/app.js';
import { readFixture } from '../helpers/fixtures.js';
import { realServices } from '../helpers/knowledge.js';
import { HOOK_INSTANCE, movableClock, openTestStore, patientView, storeApp, storePerFile, TEST_SECRET } from '../helpers/store.js';
import { CdsStore } from '../../src/store/index.js';
import { createLogger } from '../../src/logger.js';
import { LogCapture, testConfig } from '../helpers/app.js';
import { prefetchFor } from '../builders/prefetch.js';

const clock = movableClock(TEST_NOW);
let store: CdsStore;
storePerFile(clock, (opened) => (store = opened));

const pregnant = readFixture('pregnant-woman-with-trd');
const candidate = readFixture('clean-trd-candidate');

describe('card ledger', () => {
  it('records every card and suggestion returned, with its rules, indicator, hook and pseudonymous keys', async () => {
    const { app } = storeApp(store, clock);
    const body = await patientView(app, candidate.resources, candidate.patientId);
    expect(body.cards.length).toBeGreaterThan(0);
    expect(store.ledger.pending).toBe(body.cards.length);
    await store.ledger.flush();
    const rows = await store.store.db.selectFrom('ledger_card').selectAll().orderBy('card_uuid').execute();
    expect(rows.map((r) => r.card_uuid).sort()).toEqual(body.cards.map((c) => c.uuid).sort());
    for (const card of body.cards) {
      const row = rows.find((r) => r.card_uuid === card.uuid)!;
      expect(row).toMatchObject({ service: 'trd-patient-view', hook: 'patient-view', hook_instance: HOOK_INSTANCE, indicator: card.indicator });
      expect(row.rule_key).toBe(row.rule_ids.join('+'));
      expect(new Date(row.shown_at).toISOString()).toBe(new Date(TEST_NOW).toISOString());
      expect(row.patient_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(row.user_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    const suggestions = await store.store.db.selectFrom('ledger_suggestion').selectAll().execute();
    const offered = body.cards.flatMap((c) => (c.suggestions ?? []).map((s) => ({ suggestion_uuid: s.uuid, card_uuid: c.uuid, label: s.label })));
    expect(offered.length).toBeGreaterThan(0);
    expect(suggestions).toEqual(expect.arrayContaining(offered));
    expect(suggestions).toHaveLength(offered.length);
  });

  it('names the rules behind each rule card (the summary names them; the ledger keeps them as ids)', async () => {
    const { app } = storeApp(store, clock);
    const body = await patientView(app, pregnant.resources, pregnant.patientId);
    await store.ledger.flush();
    const critical = body.cards.find((c) => c.indicator === 'critical')!;
    const row = await store.store.db.selectFrom('ledger_card').selectAll().where('card_uuid', '=', critical.uuid).executeTakeFirstOrThrow();
    expect(row.rule_ids).toContain('CI-4');
    const trd = body.cards.find((c) => c.summary.startsWith('TRD'))!;
    const trdRow = await store.store.db.selectFrom('ledger_card').selectAll().where('card_uuid', '=', trd.uuid).executeTakeFirstOrThrow();
    expect(trdRow.rule_ids).toEqual(['EL-2']);
  });

  it('keeps no PHI: no patient or user id, name, birth date, resource id or token in any row', async () => {
    const { app } = storeApp(store, clock);
    await patientView(app, pregnant.resources, pregnant.patientId, 'Practitioner/dr-jones');
    await store.ledger.flush();
    const patient = pregnant.resources.find((r) => r.resourceType === 'Patient') as fhir4.Patient;
    const forbidden = [
      pregnant.patientId,
      'dr-jones',
      ...(patient.name ?? []).flatMap((n) => [...(n.given ?? []), n.family ?? '']).filter((s) => s.length > 2),
      ...(patient.birthDate ? [patient.birthDate] : []),
      ...pregnant.resources.map((r) => r.id!).filter((id) => id && id.length > 3),
      'ehr.example.org',
    ];
    const dump = JSON.stringify([
      await store.store.db.selectFrom('ledger_card').selectAll().execute(),
      await store.store.db.selectFrom('ledger_suggestion').selectAll().execute(),
    ]);
    expect(dump.length).toBeGreaterThan(100);
    for (const f of forbidden) expect(dump, f).not.toContain(f);
  });

  it("the same patient gets the same key in every call; another FHIR server's patient with that id does not", async () => {
    expect(store.patientKey('p1', 'https://a.example/fhir')).toBe(store.patientKey('p1', 'https://a.example/fhir'));
    expect(store.patientKey('p1', 'https://a.example/fhir')).not.toBe(store.patientKey('p1', 'https://b.example/fhir'));
  });

  it('a database outage changes no response: the same cards answer, the drop is counted and said in one warn line', async () => {
    const broken = await openTestStore({ clock, url: await freshDatabase(inject('postgresUrl')) });
    const services = realServices();
    const { app: plain } = buildTestApp({ services, clock });
    const { app } = storeApp(broken.store, clock);
    await broken.store.store.db.destroy(); // the database goes away
    const send = (a: typeof app) =>
      request(a)
        .post('/cds-services/trd-patient-view')
        .send({
          hook: 'patient-view',
          hookInstance: HOOK_INSTANCE,
          context: { userId: 'Practitioner/1', patientId: pregnant.patientId },
          prefetch: prefetchFor(pregnant.resources),
        });
    const [withStore, without] = await Promise.all([send(app), send(plain)]);
    expect(withStore.status).toBe(200);
    const strip = (b: { cards: { uuid: string; suggestions?: { uuid: string }[] }[] }) =>
      JSON.parse(JSON.stringify(b).replace(/00000000-0000-4000-8000-\d{12}/g, 'id'));
    expect(strip(withStore.body)).toEqual(strip(without.body));
    const cards = withStore.body.cards.length;
    await broken.store.ledger.flush();
    expect(broken.store.ledger.stats).toMatchObject({ written: 0, droppedDbError: cards });
    const warns = broken.logs.records.filter((r) => r['msg'] === 'card ledger write failed: cards dropped');
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ level: 40, dropped: cards });
    expect(broken.logs.text).not.toContain(pregnant.patientId);
  });

  it('the queue is bounded: a response with more cards than LEDGER_QUEUE_MAX is dropped and counted, the response unchanged', async () => {
    const small = await openTestStore({ clock, url: await freshDatabase(inject('postgresUrl')), env: { LEDGER_QUEUE_MAX: '1', LEDGER_BATCH_SIZE: '500' } });
    const { app } = storeApp(small.store, clock);
    const first = await patientView(app, pregnant.resources, pregnant.patientId);
    expect(first.cards.length).toBeGreaterThan(1);
    expect(small.store.ledger.stats.droppedQueueFull).toBe(first.cards.length);
    expect(small.logs.records.some((r) => r['msg'] === 'card ledger queue full: cards dropped')).toBe(true);
    await small.store.close();
  });

  it('retention: cards and feedback older than LEDGER_RETENTION_DAYS are purged, newer ones kept', async () => {
    const { app } = storeApp(store, clock);
    await patientView(app, candidate.resources, candidate.patientId);
    await store.ledger.flush();
    const old = await store.store.db.selectFrom('ledger_card').select('card_uuid').execute();
    clock.advanceDays(401);
    await patientView(app, candidate.resources, candidate.patientId);
    await store.ledger.flush();
    await store.purge();
    const left = await store.store.db.selectFrom('ledger_card').select('card_uuid').execute();
    expect(left.length).toBeGreaterThan(0);
    expect(left.map((r) => r.card_uuid)).not.toEqual(expect.arrayContaining([old[0]!.card_uuid]));
    expect(
      await store.store.db
        .selectFrom('ledger_suggestion')
        .select('card_uuid')
        .where(
          'card_uuid',
          'in',
          old.map((r) => r.card_uuid),
        )
        .execute(),
    ).toEqual([]);
    clock.set(TEST_NOW);
  });

  it('the service serves while its database is unreachable: hooks answer, feedback is a 503, cards wait in the bounded queue', async () => {
    const logs = new LogCapture();
    const config = testConfig({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PSEUDONYM_SECRET: TEST_SECRET });
    const down = CdsStore.start(config.store, { logger: createLogger('info', logs), clock, overrideReasonSystem: 'x' });
    const { app } = storeApp(down, clock);
    const body = await patientView(app, pregnant.resources, pregnant.patientId);
    expect(body.cards.length).toBeGreaterThan(0);
    await down.ledger.flush();
    expect(down.ledger.pending).toBe(body.cards.length);
    expect(
      (
        await request(app)
          .post('/cds-services/trd-patient-view/feedback')
          .send({ feedback: [{ card: body.cards[0]!.uuid, outcome: 'accepted' }] })
      ).status,
    ).toBe(503);
    await expect.poll(() => logs.records.some((r) => r['msg'] === 'database not reachable; serving without it and retrying')).toBe(true);
    await down.close();
  });

  it('an embedded database folder that cannot be opened is an error that says what to do, and the service still answers', async () => {
    // A folder PGlite takes for an existing database but cannot start (here: PG_VERSION alone; in use, a folder whose crash
    // recovery was itself killed failed WAL redo with a PANIC on every start).
    const dataDir = mkdtempSync(join(tmpdir(), 'trd-cds-damaged-'));
    mkdirSync(join(dataDir, 'pglite'));
    writeFileSync(join(dataDir, 'pglite', 'PG_VERSION'), '18\n');
    const logs = new LogCapture();
    const damaged = CdsStore.start(testConfig({ DATA_DIR: dataDir, PSEUDONYM_SECRET: TEST_SECRET }).store, {
      logger: createLogger('info', logs),
      clock,
      overrideReasonSystem: 'x',
    });
    const { app } = storeApp(damaged, clock);
    expect((await patientView(app, pregnant.resources, pregnant.patientId)).cards.length).toBeGreaterThan(0);
    await expect
      .poll(() => logs.records.find((r) => String(r['msg']).startsWith('embedded database cannot be opened')), { timeout: 20_000 })
      .toMatchObject({ level: 50 });
    expect(logs.records.find((r) => String(r['msg']).startsWith('embedded database cannot be opened'))?.['msg']).toMatch(
      /Move DATA_DIR\/pglite aside .* or set DATABASE_URL/,
    );
    await damaged.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);
});
