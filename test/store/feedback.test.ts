import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.js';
import { TEST_NOW } from '../helpers/app.js';
import { readFixture } from '../helpers/fixtures.js';
import { movableClock, openTestStore, patientView, storeApp, truncateAll } from '../helpers/store.js';
import type { CdsStore } from '../../src/store/index.js';
import { SYSTEM } from '../../src/terminology/systems.js';

const clock = movableClock(TEST_NOW);
let store: CdsStore;
let app: ReturnType<typeof storeApp>['app'];
let logs: ReturnType<typeof storeApp>['logs'];

beforeAll(async () => {
  ({ store } = await openTestStore({ clock }));
  ({ app, logs } = storeApp(store, clock));
}, 120_000);
afterAll(() => store.close());
beforeEach(() => truncateAll(store));

const candidate = readFixture('trd-with-uncontrolled-hypertension');
const post = (service: string, body: unknown) =>
  request(app)
    .post(`/cds-services/${service}/feedback`)
    .send(body as object);
/** The counts the request's one log line carries for feedback. */
const feedbackLine = () => logs.records.filter((r) => r['msg'] === 'request' && r['feedback']).at(-1)!['feedback'] as Record<string, unknown>;
const rows = () => store.store.db.selectFrom('feedback').selectAll().orderBy('id').execute();

describe('feedback stored and joined to the ledger', () => {
  it('accepted with suggestions and overridden with a reason are stored against the cards shown: ids, codes and the comment length only', async () => {
    const body = await patientView(app, candidate.resources, candidate.patientId);
    const withSuggestions = body.cards.find((c) => c.suggestions?.length)!;
    const other = body.cards.find((c) => c !== withSuggestions)!;
    const res = await post('trd-patient-view', {
      feedback: [
        {
          card: withSuggestions.uuid,
          outcome: 'accepted',
          acceptedSuggestions: [{ id: withSuggestions.suggestions![0]!.uuid }],
          outcomeTimestamp: '2026-11-21T12:01:00Z',
        },
        {
          card: other.uuid,
          outcome: 'overridden',
          overrideReason: {
            reason: { system: SYSTEM.cardOverrideReason, code: 'benefit-outweighs-risk', display: 'x' },
            userComment: 'Seen by Dr Who; patient Jane Doe',
          },
          outcomeTimestamp: '2026-11-21T12:02:00+01:00',
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const stored = await rows();
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({
      card_uuid: withSuggestions.uuid,
      matched: true,
      unmatched_reason: null,
      outcome: 'accepted',
      accepted_suggestions: [withSuggestions.suggestions![0]!.uuid],
      override_code: null,
      comment_length: null,
    });
    expect(new Date(stored[0]!.outcome_at).toISOString()).toBe('2026-11-21T12:01:00.000Z');
    expect(stored[1]).toMatchObject({
      card_uuid: other.uuid,
      matched: true,
      outcome: 'overridden',
      override_system: SYSTEM.cardOverrideReason,
      override_code: 'benefit-outweighs-risk',
      comment_length: 32,
    });
    expect(new Date(stored[1]!.outcome_at).toISOString()).toBe('2026-11-21T11:02:00.000Z');
    expect(JSON.stringify(stored)).not.toContain('Jane');
    // One log line for the request, with counts: no card id, no reason, no comment.
    const line = feedbackLine();
    expect(line).toMatchObject({ items: 2, outcomes: { accepted: 1, overridden: 1 }, unmatched: 0 });
    expect(JSON.stringify(line)).not.toMatch(new RegExp(`${other.uuid}|benefit|Jane`));
  });

  it('an unknown card id and a card of another service are stored as unmatched and counted, never joined', async () => {
    const body = await patientView(app, candidate.resources, candidate.patientId);
    const res = await post('trd-order-sign', {
      feedback: [
        {
          card: body.cards[0]!.uuid,
          outcome: 'overridden',
          overrideReason: { reason: { code: 'already-addressed' } },
          outcomeTimestamp: '2026-11-21T12:01:00Z',
        },
        { card: 'made-up-card', outcome: 'accepted', outcomeTimestamp: '2026-11-21T12:01:00Z' },
      ],
    });
    expect(res.status).toBe(200);
    const stored = await rows();
    expect(stored.map((r) => [r.matched, r.unmatched_reason, r.service])).toEqual([
      [false, 'other-service', 'trd-order-sign'],
      [false, 'unknown-card', 'trd-order-sign'],
    ]);
    expect(feedbackLine()).toMatchObject({ items: 2, unmatched: 2, snoozed: 0 });
    expect(await store.store.db.selectFrom('snooze').selectAll().execute()).toEqual([]);
  });

  it.each([
    ['no feedback array', {}, 'feedback'],
    ['an empty feedback array', { feedback: [] }, 'feedback'],
    ['an unknown outcome', { feedback: [{ card: 'c', outcome: 'dismissed', outcomeTimestamp: '2026-11-21T12:00:00Z' }] }, 'feedback.0.outcome'],
    ['a card that is not a string', { feedback: [{ card: 7, outcome: 'accepted' }] }, 'feedback.0.card'],
    ['a timestamp that is not a date-time', { feedback: [{ card: 'c', outcome: 'accepted', outcomeTimestamp: 'yesterday' }] }, 'feedback.0.outcomeTimestamp'],
    ['a suggestion without id', { feedback: [{ card: 'c', outcome: 'accepted', acceptedSuggestions: [{}] }] }, 'feedback.0.acceptedSuggestions.0.id'],
  ])('%s is a 400 naming the field, and nothing is stored', async (_name, body, field) => {
    const res = await post('trd-patient-view', body);
    expect(res.status).toBe(400);
    expect(res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toContain(field);
    expect(await rows()).toEqual([]);
  });

  it('sandbox and legacy shapes keep working: flat overrideReason, nulls, no outcomeTimestamp', async () => {
    const body = await patientView(app, candidate.resources, candidate.patientId);
    const card = body.cards[0]!;
    const res = await post('trd-patient-view', {
      feedback: [
        {
          card: card.uuid,
          outcome: 'overridden',
          overrideReason: { code: 'record-incorrect', system: SYSTEM.cardOverrideReason, display: 'The record is wrong' },
        },
        { card: card.uuid, outcome: 'accepted', acceptedSuggestions: null, overrideReason: null, outcomeTimestamp: null },
      ],
    });
    expect(res.status).toBe(200);
    const stored = await rows();
    expect(stored[0]).toMatchObject({ matched: true, override_code: 'record-incorrect', override_system: SYSTEM.cardOverrideReason, comment_length: null });
    expect(new Date(stored[0]!.outcome_at).toISOString()).toBe(new Date(TEST_NOW).toISOString());
    expect(stored[1]).toMatchObject({ matched: true, outcome: 'accepted', accepted_suggestions: [] });
  });

  it('a database outage is a 503 the EHR may retry, never a silent loss', async () => {
    const broken = await openTestStore({ clock, url: await freshDatabase(inject('postgresUrl')) });
    const { app: brokenApp } = storeApp(broken.store, clock);
    await broken.store.store.db.destroy();
    const res = await request(brokenApp)
      .post('/cds-services/trd-patient-view/feedback')
      .send({ feedback: [{ card: 'c', outcome: 'accepted' }] });
    expect(res.status).toBe(503);
  });
});
