import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.js';
import { TEST_NOW } from '../helpers/app.js';
import { readFixture } from '../helpers/fixtures.js';
import { movableClock, openTestStore, patientView, storeApp, truncateAll } from '../helpers/store.js';
import type { CdsStore } from '../../src/store/index.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import { projectRoot } from '../../src/paths.js';

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

/** An outside tester's feedback body (test/fixtures/findings/README.md) with its placeholder card replaced by one this service issued. */
const findingFeedback = (name: string, card: string) =>
  JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/findings', `${name}.request.json`), 'utf8').replace(/<uuid of [^>]+>/, card)) as {
    feedback: Record<string, unknown>[];
  };
const snoozeRows = () => store.store.db.selectFrom('snooze').selectAll().execute();
const ownReason = { system: SYSTEM.cardOverrideReason, code: 'already-addressed' };

describe('override reasons in the shapes clients send are read, one reason Coding, or a 400 naming the field (tester9)', () => {
  beforeEach(() => clock.set('2026-11-30T08:45:00Z'));
  afterAll(() => clock.set(TEST_NOW));

  it('override-reasons-plural-array-is-the-reason-and-snoozes: overrideReasons [Coding] echoed from the card is stored and snoozes', async () => {
    const body = await patientView(app, candidate.resources, candidate.patientId);
    const warning = body.cards.find((c) => c.indicator !== 'critical')!;
    const res = await post('trd-patient-view', findingFeedback('override-reasons-plural-array-dropped', warning.uuid));
    expect(res.status).toBe(200);
    expect(await rows()).toMatchObject([{ matched: true, override_system: SYSTEM.cardOverrideReason, override_code: 'already-addressed' }]);
    expect(feedbackLine()).toMatchObject({ overrideReasons: 1, snoozed: 1 });
    expect(await snoozeRows()).toHaveLength(1);
  });

  it.each([
    [
      'a CodeableConcept as overrideReason.reason',
      { overrideReason: { reason: { coding: [ownReason], text: 'done last week' }, userComment: 'done last week' } },
      14,
    ],
    [
      'a CodeableConcept of two codings: the one of our own system',
      { overrideReason: { reason: { coding: [{ system: 'urn:oid:1.2.3', code: 'X1' }, ownReason] } } },
      null,
    ],
    ['a CodeableConcept as the flat overrideReason', { overrideReason: { coding: [ownReason] } }, null],
    ['overrideReasons of one CodeableConcept', { overrideReasons: [{ coding: [ownReason] }] }, null],
  ])('%s is the reason, stored and snoozing', async (_name, shape, commentLength) => {
    const body = await patientView(app, candidate.resources, candidate.patientId);
    const warning = body.cards.find((c) => c.indicator !== 'critical')!;
    const res = await post('trd-patient-view', {
      feedback: [{ card: warning.uuid, outcome: 'overridden', ...shape, outcomeTimestamp: '2026-11-30T08:40:00Z' }],
    });
    expect(res.status).toBe(200);
    expect(await rows()).toMatchObject([{ override_system: SYSTEM.cardOverrideReason, override_code: 'already-addressed', comment_length: commentLength }]);
    expect(await snoozeRows()).toHaveLength(1);
  });

  it.each([
    [
      'overrideReasons echoing every reason the card offers (which one was chosen?)',
      { overrideReasons: [ownReason, { ...ownReason, code: 'patient-declined' }] },
      'feedback.0.overrideReasons',
    ],
    ['a reason Coding with no code', { overrideReason: { reason: { system: SYSTEM.cardOverrideReason } } }, 'feedback.0.overrideReason.reason'],
    [
      'a reason CodeableConcept whose codings carry no code',
      { overrideReason: { reason: { coding: [{ system: SYSTEM.cardOverrideReason }] } } },
      'feedback.0.overrideReason.reason',
    ],
    ['a reason as a bare string', { overrideReason: { reason: 'already-addressed' } }, 'feedback.0.overrideReason.reason'],
    ['an overrideReason of members CDS Hooks does not define', { overrideReason: { why: 'already-addressed' } }, 'feedback.0.overrideReason'],
    ['an overrideReasons entry with no code', { overrideReasons: [{ display: 'Already addressed' }] }, 'feedback.0.overrideReasons.0'],
  ])('%s is a 400 naming the field, and nothing is stored', async (_name, shape, field) => {
    const res = await post('trd-patient-view', {
      feedback: [{ card: '00000000-0000-4000-8000-000000000001', outcome: 'overridden', ...shape, outcomeTimestamp: '2026-11-30T08:40:00Z' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toEqual([field]);
    expect(await rows()).toEqual([]);
  });
});

describe('an outcomeTimestamp in the future beyond the clock skew is a 400 (tester9)', () => {
  beforeEach(() => clock.set('2026-11-30T08:45:00Z'));
  afterAll(() => clock.set(TEST_NOW));

  it('future-outcometimestamp-2099-is-refused-and-a-later-real-override-counts', async () => {
    const body = await patientView(app, candidate.resources, candidate.patientId);
    const card = body.cards.find((c) => c.indicator !== 'critical')!;
    const future = await post('trd-patient-view', findingFeedback('future-outcometimestamp-2099-locks-card-outcome', card.uuid));
    expect(future.status).toBe(400);
    expect(future.body.issue.map((i: { expression?: string[] }) => i.expression?.[0])).toEqual(['feedback.0.outcomeTimestamp']);
    expect(await rows()).toEqual([]);
    await post('trd-patient-view', {
      feedback: [
        {
          card: card.uuid,
          outcome: 'overridden',
          overrideReason: { reason: { ...ownReason, code: 'record-incorrect' } },
          outcomeTimestamp: '2026-11-30T08:41:00Z',
        },
      ],
    }).expect(200);
    expect(await rows()).toMatchObject([{ outcome: 'overridden', override_code: 'record-incorrect' }]);
  });

  it.each([
    ['4 minutes ahead (a drifting workstation clock)', '2026-11-30T08:49:00Z', 200],
    ['6 minutes ahead', '2026-11-30T08:51:00Z', 400],
    ['4 minutes ahead written with an offset', '2026-11-30T09:49:00+01:00', 200],
  ])('an outcomeTimestamp %s: %s', async (_name, outcomeTimestamp, status) => {
    const res = await post('trd-patient-view', { feedback: [{ card: '00000000-0000-4000-8000-000000000001', outcome: 'accepted', outcomeTimestamp }] });
    expect(res.status).toBe(status);
  });
});

describe('a card named by its uuid in upper case or as urn:uuid: is the card issued (tester9)', () => {
  it('uppercase-or-urn-card-uuid-is-matched-and-snoozes', async () => {
    const body = await patientView(app, candidate.resources, candidate.patientId);
    const critical = body.cards.find((c) => c.indicator === 'critical')!;
    const info = body.cards.find((c) => c.indicator !== 'critical' && c.suggestions?.length)!;
    const res = await post('trd-patient-view', {
      feedback: [
        {
          card: critical.uuid.toUpperCase(),
          outcome: 'overridden',
          overrideReason: { reason: { ...ownReason, code: 'record-incorrect' } },
          outcomeTimestamp: TEST_NOW,
        },
        { card: `urn:uuid:${info.uuid}`, outcome: 'overridden', overrideReason: { reason: ownReason }, outcomeTimestamp: TEST_NOW },
        {
          card: `URN:UUID:${info.uuid.toUpperCase()}`,
          outcome: 'accepted',
          acceptedSuggestions: [{ id: `urn:uuid:${info.suggestions![0]!.uuid.toUpperCase()}` }],
          outcomeTimestamp: TEST_NOW,
        },
        { card: 'NOT-A-CARD-OF-OURS', outcome: 'accepted', outcomeTimestamp: TEST_NOW },
      ],
    });
    expect(res.status).toBe(200);
    const stored = await rows();
    expect(stored.map((r) => [r.card_uuid, r.matched])).toEqual([
      [critical.uuid, true],
      [info.uuid, true],
      [info.uuid, true],
      ['NOT-A-CARD-OF-OURS', false],
    ]);
    expect(stored[2]!.accepted_suggestions).toEqual([info.suggestions![0]!.uuid]);
    expect(feedbackLine()).toMatchObject({ unmatched: 1, snoozed: 1 });
  });
});
