import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.js';
import { TEST_NOW } from '../helpers/app.js';
import { readFixture } from '../helpers/fixtures.js';
import { HOOK_INSTANCE, movableClock, openTestStore, patientView, storeApp, truncateAll } from '../helpers/store.js';
import type { CdsStore } from '../../src/store/index.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import type { Card } from '../../src/cds-hooks/protocol.js';
import { ketamineDraft } from '../builders/drafts.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';
import { candidate } from '../builders/scenarios.js';
import { obs } from '../builders/fhir.js';

const clock = movableClock(TEST_NOW);
let store: CdsStore;
let app: ReturnType<typeof storeApp>['app'];

beforeAll(async () => {
  // No cache, so each call sees the database (the cache is covered by its own test).
  ({ store } = await openTestStore({ clock, env: { SNOOZE_CACHE_SECONDS: '0', SNOOZE_DAYS: '2' } }));
  ({ app } = storeApp(store, clock));
}, 120_000);
afterAll(() => store.close());
beforeEach(async () => {
  clock.set(TEST_NOW);
  await truncateAll(store);
});

const pregnant = readFixture('trd-with-uncontrolled-hypertension');
const override = (card: Card, code: string, system: string | undefined = SYSTEM.cardOverrideReason) =>
  request(app)
    .post('/cds-services/trd-patient-view/feedback')
    .send({
      feedback: [
        {
          card: card.uuid,
          outcome: 'overridden',
          overrideReason: { reason: { code, ...(system ? { system } : {}) } },
          outcomeTimestamp: clock.now().toISOString(),
        },
      ],
    })
    .expect(200);
const summaries = (cards: Card[]) => cards.map((c) => c.summary);
/** The rules the ledger recorded for a card (the tags themselves never leave the server). */
async function rulesOf(card: Card): Promise<string[]> {
  await store.ledger.flush();
  return (await store.store.db.selectFrom('ledger_card').select('rule_ids').where('card_uuid', '=', card.uuid).executeTakeFirstOrThrow()).rule_ids;
}
const nonCritical = (cards: Card[]) => cards.find((c) => c.indicator !== 'critical')!;
const extension = (body: { extension?: Record<string, unknown> }) => body.extension?.['org.trdcds.assessment'] as { snoozed?: unknown[] };

describe('snooze', () => {
  it('a non-critical card overridden as already addressed is not shown again for that patient; the extension says so and until when', async () => {
    const first = await patientView(app, pregnant.resources, pregnant.patientId);
    const warning = nonCritical(first.cards);
    const rules = await rulesOf(warning);
    expect(rules.length).toBeGreaterThan(0);
    await override(warning, 'already-addressed');
    const second = await patientView(app, pregnant.resources, pregnant.patientId);
    expect(summaries(second.cards)).not.toContain(warning.summary);
    expect(second.cards).toHaveLength(first.cards.length - 1);
    expect(extension(second).snoozed).toEqual([{ rules, indicator: warning.indicator, until: '2026-11-23T12:00:00.000Z' }]);
    // Another patient with the same record still sees it.
    const otherRecord = JSON.parse(JSON.stringify(pregnant.resources).replaceAll(pregnant.patientId, 'someone-else')) as fhir4.Resource[];
    const other = await patientView(app, otherRecord, 'someone-else');
    expect(summaries(other.cards)).toContain(warning.summary);
  });

  it('the snooze expires after SNOOZE_DAYS', async () => {
    const first = await patientView(app, pregnant.resources, pregnant.patientId);
    const warning = nonCritical(first.cards);
    await override(warning, 'patient-declined');
    clock.advanceDays(1.9);
    expect(extension(await patientView(app, pregnant.resources, pregnant.patientId)).snoozed).toHaveLength(1);
    clock.advanceDays(0.2);
    expect(extension(await patientView(app, pregnant.resources, pregnant.patientId)).snoozed).toBeUndefined();
    expect((await store.snoozes.lookup('trd-patient-view', store.patientKey(pregnant.patientId, 'https://ehr.example.org/fhir'), clock.now())).size).toBe(0);
  });

  it('a critical card is never snoozed, whatever the reason', async () => {
    const first = await patientView(app, pregnant.resources, pregnant.patientId);
    const critical = first.cards.find((c) => c.indicator === 'critical')!;
    expect(critical).toBeDefined();
    await override(critical, 'already-addressed');
    const second = await patientView(app, pregnant.resources, pregnant.patientId);
    expect(summaries(second.cards)).toContain(critical.summary);
    expect(await store.store.db.selectFrom('snooze').selectAll().execute()).toEqual([]);
  });

  it('other reasons, and a snoozing code from another code system, do not snooze', async () => {
    const first = await patientView(app, pregnant.resources, pregnant.patientId);
    const warning = nonCritical(first.cards);
    await override(warning, 'benefit-outweighs-risk');
    await override(warning, 'already-addressed', 'http://example.org/other-reasons');
    expect(summaries((await patientView(app, pregnant.resources, pregnant.patientId)).cards)).toContain(warning.summary);
  });

  // Outside tester (tester9-snooze-by-rule-hides-a-different-dose-problem): a snooze named a rule, so one overridden
  // problem hid every later problem of that rule. It names the problem as the card stated it.
  it('a changed problem of the same rule shows again: a new raised BP after the first was addressed', async () => {
    const raised = (systolic: number, diastolic: number) => candidate({ bp: obs.bpPanel(systolic, diastolic, 1) });
    const first = await patientView(app, raised(165, 102), 'p1');
    const repeat = first.cards.find((c) => /\(CI-6\)$/.test(c.summary))!;
    expect(repeat.indicator).toBe('warning');
    await override(repeat, 'already-addressed');
    expect(summaries((await patientView(app, raised(165, 102), 'p1')).cards)).not.toContain(repeat.summary);
    const second = await patientView(app, raised(172, 106), 'p1');
    expect(summaries(second.cards)).toContainEqual(expect.stringMatching(/^One reading of 172\/106 mmHg .*\(CI-6\)$/));
    expect(extension(second).snoozed).toBeUndefined();
  });

  it("an order call's card is never snoozed: overriding one order's dose warning leaves the next order's", async () => {
    const order = (mg: number) =>
      request(app)
        .post('/cds-services/trd-order-select')
        .send({
          hook: 'order-select',
          hookInstance: HOOK_INSTANCE,
          fhirServer: 'https://ehr.example.org/fhir',
          context: {
            userId: 'Practitioner/dr-jones',
            patientId: 'p1',
            selections: ['MedicationRequest/draft-ketamine'],
            draftOrders: bundle([ketamineDraft(mg)]),
          },
          prefetch: prefetchFor(candidate()),
        })
        .expect(200)
        .then((res) => res.body as { cards: Card[] });
    const dose = (cards: Card[]) => cards.find((c) => /\(OR-3\)/.test(c.summary));
    const warning = dose((await order(60)).cards)!;
    expect(warning.indicator).toBe('warning');
    await request(app)
      .post('/cds-services/trd-order-select/feedback')
      .send({
        feedback: [
          {
            card: warning.uuid,
            outcome: 'overridden',
            overrideReason: { reason: { system: SYSTEM.cardOverrideReason, code: 'already-addressed' } },
            outcomeTimestamp: clock.now().toISOString(),
          },
        ],
      })
      .expect(200);
    expect(await store.store.db.selectFrom('snooze').selectAll().execute()).toEqual([]);
    expect(dose((await order(60)).cards)?.summary).toBe(warning.summary);
    expect(dose((await order(80)).cards)?.summary).toMatch(/80 mg/);
  });

  it('the look-up is cached per patient and service, and a slow database hides nothing', async () => {
    const cached = await openTestStore({ clock, url: await freshDatabase(inject('postgresUrl')), env: { SNOOZE_CACHE_SECONDS: '60' } });
    const key = cached.store.patientKey('p1');
    await cached.store.snoozes.lookup('trd-patient-view', key, clock.now());
    await cached.store.snoozes.lookup('trd-patient-view', key, clock.now());
    expect(cached.store.snoozes.stats).toMatchObject({ fetched: 1, cached: 1 });
    await cached.store.store.db.destroy();
    expect((await cached.store.snoozes.lookup('trd-patient-view', cached.store.patientKey('p2'), clock.now())).size).toBe(0);
    expect(cached.store.snoozes.stats.error).toBe(1);
  });
});
