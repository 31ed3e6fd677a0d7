import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { TEST_NOW, buildTestApp } from '../helpers/app.js';
import { movableClock, storePerFile } from '../helpers/store.js';
import type { CdsStore } from '../../src/store/index.js';
import { reportTable } from '../../src/store/report-cli.js';
import { tagCardRules } from '../../src/cds-hooks/card-provenance.js';
import type { Card } from '../../src/cds-hooks/protocol.js';

const TOKEN = 'analytics-token-0123456789';
const clock = movableClock(TEST_NOW);
let store: CdsStore;
storePerFile(clock, (opened) => (store = opened));

let n = 0;
const uuid = () => `00000000-0000-4000-a000-${String(++n).padStart(12, '0')}`;
function card(rules: string[], indicator: Card['indicator'], suggestions = 0): Card {
  return tagCardRules(
    {
      uuid: uuid(),
      summary: 's',
      indicator,
      source: { label: 'x' },
      suggestions: Array.from({ length: suggestions }, (_, i) => ({ uuid: uuid(), label: `order ${i}`, actions: [] })),
    },
    rules,
  );
}
const call = { service: 'trd-patient-view', hook: 'patient-view', hookInstance: 'h', patientId: 'p1', userId: 'u1' };

/**
 * A known week of cards and feedback:
 * week of 2026-11-16: CI-6 critical x4 (2 overridden: benefit x1, specialist x1; 1 accepted; 1 ignored)
 *                     RC-5 warning x2 with 2 suggestions each (1 accepted with one of its suggestions, 1 ignored)
 * week of 2026-11-23: CI-6 critical x1 overridden (benefit)
 * plus one unmatched feedback item.
 */
async function seed(): Promise<Card[]> {
  const week1 = [
    card(['CI-6'], 'critical'),
    card(['CI-6'], 'critical'),
    card(['CI-6'], 'critical'),
    card(['CI-6'], 'critical'),
    card(['RC-5'], 'warning', 2),
    card(['RC-5'], 'warning', 2),
  ];
  store.ledger.record(call, store.patientKey('p1'), week1, new Date('2026-11-18T10:00:00Z'));
  const week2 = [card(['CI-6'], 'critical')];
  store.ledger.record(call, store.patientKey('p1'), week2, new Date('2026-11-24T10:00:00Z'));
  const [a, b, c] = week1;
  const over = (x: Card, code: string) => ({ card: x.uuid, outcome: 'overridden' as const, acceptedSuggestions: [], overrideReason: { code } });
  await store.feedback('trd-patient-view', [
    over(a!, 'benefit-outweighs-risk'),
    over(b!, 'specialist-approved'),
    { card: c!.uuid, outcome: 'accepted', acceptedSuggestions: [] },
    { card: week1[4]!.uuid, outcome: 'accepted', acceptedSuggestions: [week1[4]!.suggestions![0]!.uuid, 'not-a-suggestion-of-this-card'] },
    over(week2[0]!, 'benefit-outweighs-risk'),
    { card: 'never-issued', outcome: 'accepted', acceptedSuggestions: [] },
  ]);
  return [...week1, ...week2];
}

describe('override analytics', () => {
  it('per rule and indicator: shown, accepted, overridden, ignored, override rate, top reasons, suggestion acceptance, by week', async () => {
    await seed();
    const report = await store.overrides(new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    expect(report.unmatchedFeedback).toBe(1);
    expect(report.rules).toEqual([
      {
        ruleId: 'CI-6',
        indicator: 'critical',
        shown: 5,
        accepted: 1,
        overridden: 3,
        ignored: 1,
        overrideRate: 0.6,
        topOverrideReasons: [
          { code: 'benefit-outweighs-risk', count: 2 },
          { code: 'specialist-approved', count: 1 },
        ],
        suggestions: { offered: 0, accepted: 0, acceptanceRate: null },
        weeks: [
          { week: '2026-11-16', shown: 4, accepted: 1, overridden: 2, ignored: 1, overrideRate: 0.5 },
          { week: '2026-11-23', shown: 1, accepted: 0, overridden: 1, ignored: 0, overrideRate: 1 },
        ],
      },
      {
        ruleId: 'RC-5',
        indicator: 'warning',
        shown: 2,
        accepted: 1,
        overridden: 0,
        ignored: 1,
        overrideRate: 0,
        topOverrideReasons: [],
        suggestions: { offered: 4, accepted: 1, acceptanceRate: 0.25 },
        weeks: [{ week: '2026-11-16', shown: 2, accepted: 1, overridden: 0, ignored: 1, overrideRate: 0 }],
      },
    ]);
    // npm run report prints the same figures as a table.
    const table = reportTable(report).split('\n');
    expect(table[0]).toBe('Override analytics 2026-11-01 to 2026-12-01 (to exclusive)');
    expect(table[2]).toMatch(/^CI-6\s+critical\s+5\s+1\s+3\s+1\s+60\.0%\s+-\s+benefit-outweighs-risk \(2\), specialist-approved \(1\)$/);
    expect(table[3]).toMatch(/^RC-5\s+warning\s+2\s+1\s+0\s+1\s+0\.0%\s+1\/4\s+-$/);
    expect(table.at(-1)).toBe('unmatched feedback: 1');
    // The range is half-open: the second week alone.
    const late = await store.overrides(new Date('2026-11-23T00:00:00Z'), new Date('2026-11-30T00:00:00Z'));
    expect(late.rules.map((r) => [r.ruleId, r.shown])).toEqual([['CI-6', 1]]);
  });

  it('the latest feedback on a card decides its outcome', async () => {
    const [x] = [card(['MO-1'], 'warning')];
    store.ledger.record(call, store.patientKey('p1'), [x!], new Date('2026-11-18T10:00:00Z'));
    await store.feedback('trd-patient-view', [
      {
        card: x!.uuid,
        outcome: 'overridden',
        acceptedSuggestions: [],
        overrideReason: { code: 'record-incorrect' },
        outcomeTimestamp: new Date('2026-11-18T10:01:00Z'),
      },
      { card: x!.uuid, outcome: 'accepted', acceptedSuggestions: [], outcomeTimestamp: new Date('2026-11-18T10:05:00Z') },
    ]);
    const report = await store.overrides(new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    expect(report.rules[0]).toMatchObject({ ruleId: 'MO-1', shown: 1, accepted: 1, overridden: 0 });
  });

  describe('HTTP', () => {
    it('GET /analytics/overrides needs the bearer token; a range is validated; the page and chart library are served from this origin', async () => {
      await seed();
      const { app } = buildTestApp({ services: [], store, clock, env: { ANALYTICS_TOKEN: TOKEN } });
      expect((await request(app).get('/analytics/overrides')).status).toBe(401);
      expect((await request(app).get('/analytics/overrides').set('Authorization', 'Bearer wrong-token-0123456789')).status).toBe(401);
      const ok = await request(app).get('/analytics/overrides?from=2026-11-01&to=2026-12-01').set('Authorization', `Bearer ${TOKEN}`);
      expect(ok.status).toBe(200);
      expect(ok.body.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual(['CI-6', 'RC-5']);
      const bad = await request(app).get('/analytics/overrides?from=last-week').set('Authorization', `Bearer ${TOKEN}`);
      expect(bad.status).toBe(400);
      expect(bad.body.issue[0].expression).toEqual(['from']);
      const page = await request(app).get('/analytics');
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.text).toContain('/analytics/assets/chart.umd.min.js');
      expect(page.text).not.toMatch(/https?:\/\/(?!www\.w3)/);
      const lib = await request(app).get('/analytics/assets/chart.umd.min.js');
      expect(lib.status).toBe(200);
      expect(lib.text.length).toBeGreaterThan(100_000);
    });

    it('without ANALYTICS_TOKEN analytics is off: 404', async () => {
      const { app } = buildTestApp({ services: [], store, clock });
      expect((await request(app).get('/analytics/overrides')).status).toBe(404);
      expect((await request(app).get('/analytics')).status).toBe(404);
    });
  });
});
