/**
 * The explanation page (issue 17, CD-3): the patient-view TRD card links to /explain/{page}, a random id,
 * served by the service, holding that call's full assessment for a configured time; no PHI in the URL.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../cds-services/index.js';
import { SOURCES } from '../../cds-services/assessment/sources.js';
import { ExplanationStore } from '../../src/cds-hooks/explanations.js';
import type { Card, CdsResponse } from '../../src/cds-hooks/protocol.js';
import { explainPage } from '../../src/runtime.js';
import { obs, patient } from '../builders/fhir.js';
import { prefetchFor } from '../builders/prefetch.js';
import { candidate } from '../builders/scenarios.js';
import { buildTestApp } from '../helpers/app.js';
import { expectValidCards } from '../helpers/card-invariants.js';
import { testKnowledge } from '../helpers/knowledge.js';

const HOOK_INSTANCE = '7d1c3f7e-2b4a-4f0e-9a55-3c1d2e4f5a6b';

function appWith(store: ExplanationStore, env: Record<string, string> = {}) {
  return buildTestApp({ services: createServices(testKnowledge(), { explanations: store }), pages: [explainPage(store)], env }).app;
}

async function patientView(app: ReturnType<typeof appWith>, resources: fhir4.Resource[], hookInstance = HOOK_INSTANCE): Promise<Card[]> {
  const res = await request(app)
    .post('/cds-services/trd-patient-view')
    .send({ hook: 'patient-view', hookInstance, context: { userId: 'Practitioner/1', patientId: 'p1' }, prefetch: prefetchFor(resources) });
  expect(res.status).toBe(200);
  const cards = (res.body as CdsResponse).cards;
  expectValidCards(cards);
  return cards;
}

const trdCard = (cards: Card[]) => cards.find((c) => c.source.label === SOURCES.trdDefinition.label)!;
/** The page the TRD card links to: `/explain/{page}`. */
const pagePath = (cards: Card[]) => new URL(trdCard(cards).links![0]!.url).pathname;
const pageIdOf = (cards: Card[]) => pagePath(cards).split('/').pop()!;
const PAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the explanation page', () => {
  it('the TRD card links to the page of its own call, an absolute URL with no patient data in it', async () => {
    const app = appWith(new ExplanationStore({ ttlSeconds: 60, maxEntries: 10, maxBytes: 1024 ** 2 }), { PUBLIC_BASE_URL: 'https://trd.example.org' });
    const card = trdCard(await patientView(app, candidate()));
    expect(card.links).toEqual([
      {
        label: expect.stringMatching(/Full assessment/),
        url: expect.stringMatching(/^https:\/\/trd\.example\.org\/explain\/[0-9a-f-]{36}$/),
        type: 'absolute',
      },
    ]);
    // The page's own random id: never the hookInstance, which the EHR chooses and every log line carries.
    expect(card.links![0]!.url).not.toContain(HOOK_INSTANCE);
    expect(card.links![0]!.url.split('/').pop()).toMatch(PAGE_ID);
    // The card keeps the decision and the next step; the tables moved to the page.
    expect(card.detail).toMatch(/^\*\*Next step:\*\*/);
    expect(card.detail).not.toMatch(/\| Rule \|/);
  });

  it('serves the full assessment of that call: cards, treatments, eligibility, safety checks, trials', async () => {
    const app = appWith(new ExplanationStore({ ttlSeconds: 60, maxEntries: 10, maxBytes: 1024 ** 2 }));
    const cards = await patientView(app, candidate({ patient: patient({ gender: 'female', age: 30 }) }, obs.hcg('positive', 40)));
    const res = await request(app).get(pagePath(cards));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    for (const heading of ['Treatments', 'Eligibility', 'Safety checks', 'Antidepressant trials', 'Monitoring'])
      expect(res.text).toContain(`<h2>${heading}</h2>`);
    expect(res.text).toContain('Pregnancy');
    expect(res.text).toContain('found');
    for (const card of cards) expect(res.text).toContain(card.uuid);
    // CD-6: resource references stay in the machine-readable extension, not on the page.
    expect(res.text).not.toMatch(/Observation\/obs-\d+/);
  });

  it('an unknown or expired call gives a 404 page that says so', async () => {
    const app = appWith(new ExplanationStore({ ttlSeconds: 60, maxEntries: 10, maxBytes: 1024 ** 2 }));
    const res = await request(app).get('/explain/3f8e2a0c-1111-4222-8333-944455556666');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/expired, or it is kept by another instance/);
  });

  // Outside tester (tester9-explain-page-shows-another-patient-on-reused-hookinstance): a page addressed by the
  // hookInstance showed patient B behind patient A's card when an EHR reused the id.
  it('a reused hookInstance gives each call its own page: the first link still shows the first patient', async () => {
    const app = appWith(new ExplanationStore({ ttlSeconds: 60, maxEntries: 10, maxBytes: 1024 ** 2 }));
    const young = await patientView(app, candidate({ patient: patient({ age: 34 }) }));
    const old = await patientView(app, candidate({ patient: patient({ age: 76 }) }));
    expect(pageIdOf(young)).not.toBe(pageIdOf(old));
    const first = await request(app).get(pagePath(young));
    expect(first.text).toContain('Age 34');
    expect(first.text).not.toContain('Age 76');
    expect((await request(app).get(pagePath(old))).text).toContain('Age 76');
  });

  it('a page id that is not a UUID is not kept, and the request log writes no page id', async () => {
    const store = new ExplanationStore({ ttlSeconds: 60, maxEntries: 10, maxBytes: 1024 ** 2 });
    expect(store.put(HOOK_INSTANCE.replace(/^./, 'X'), { title: 't', cards: [], sections: [] })).toBe(false);
    expect(store.put('not-a-uuid<script>', { title: 't', cards: [], sections: [] })).toBe(false);
    const { app, logs } = buildTestApp({ services: createServices(testKnowledge(), { explanations: store }), pages: [explainPage(store)] });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send({ hook: 'patient-view', hookInstance: HOOK_INSTANCE, context: { userId: 'Practitioner/1', patientId: 'p1' }, prefetch: prefetchFor(candidate()) });
    const path = pagePath((res.body as CdsResponse).cards);
    expect((await request(app).get(path)).status).toBe(200);
    expect(logs.text).toContain('/explain/{page}');
    expect(logs.text).not.toContain(path);
  });

  it('with EXPLAIN_TTL_SECONDS=0 nothing is kept and the card carries its tables', async () => {
    const store = new ExplanationStore({ ttlSeconds: 0, maxEntries: 10, maxBytes: 1024 ** 2 });
    const card = trdCard(await patientView(appWith(store), candidate()));
    expect(card.links).toBeUndefined();
    expect(store.heldBytes).toBe(0);
  });

  it('keeps at most the configured number of calls, dropping the oldest', async () => {
    const store = new ExplanationStore({ ttlSeconds: 60, maxEntries: 2, maxBytes: 1024 ** 2 });
    const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
    for (const id of ids) store.put(id, { title: id, cards: [], sections: [] });
    expect(ids.map((id) => store.get(id)?.title)).toEqual([undefined, ids[1], ids[2]]);
  });

  it('keeps at most the configured bytes, whatever the number of calls, dropping the oldest', async () => {
    // Random text does not deflate: each page holds ~15 kB, so a 35 kB store keeps two.
    const page = (title: string, length = 20_000) => ({
      title,
      cards: [],
      sections: [{ heading: 'Rows', markdown: randomBytes(length).toString('base64').slice(0, length) }],
    });
    const store = new ExplanationStore({ ttlSeconds: 60, maxEntries: 1000, maxBytes: 35_000 });
    const ids = Array.from({ length: 5 }, (_, i) => `${i}${i}${i}${i}${i}${i}${i}${i}-1111-4111-8111-111111111111`);
    for (const id of ids) expect(store.put(id, page(id))).toBe(true);
    expect(ids.map((id) => store.get(id)?.title)).toEqual([undefined, undefined, undefined, ids[3], ids[4]]);
    expect(store.heldBytes).toBeLessThanOrEqual(35_000);
    // A page larger than the whole store is not kept (and evicts nothing).
    expect(store.put('99999999-1111-4111-8111-111111111111', page('huge', 60_000))).toBe(false);
    expect(store.get(ids[4]!)?.sections[0]?.markdown).toHaveLength(20_000);
  });

  it('holds a real page deflated: a third or less of its JSON, and opened unchanged', async () => {
    const store = new ExplanationStore({ ttlSeconds: 60, maxEntries: 10, maxBytes: 1024 ** 2 });
    const cards = await patientView(appWith(store), candidate());
    const kept = store.get(pageIdOf(cards));
    expect(kept?.cards).toEqual(cards);
    expect(store.heldBytes).toBeGreaterThan(0);
    expect(store.heldBytes).toBeLessThan(Buffer.byteLength(JSON.stringify(kept)) / 3);
  });
});
