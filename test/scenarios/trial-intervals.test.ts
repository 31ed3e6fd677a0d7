/**
 * Exposure intervals (revision-2 EL-2.1, EL-2.2): dates recorded only to the month or year are
 * intervals, and a trial is judged on what every reading of them agrees on (undecided, never
 * inadequate, when they disagree); records with no end are bounded as EL-2.1 steps 3-6 say (a switch,
 * an active recent order until now, an active stale one uncertain, a stopped one within 90 days).
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { RX, daysAgo, medRequest, medStatement, obs } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';

const DULOXETINE = '72625';

/** A sertraline 100 mg statement with the period as written (month or year precision). */
const sertralineWritten = (start: string, end: string): fhir4.MedicationStatement => ({
  ...medStatement(RX.sertralineIngredient, { startDaysAgo: 1, endDaysAgo: 0, dose: { mg: 100 } }),
  effectivePeriod: { start, end },
});
/** A sertraline 100 mg order with no end date and no supply. */
const openOrder = (authoredDaysAgo: number, status: fhir4.MedicationRequest['status']) =>
  medRequest(RX.sertralineIngredient, { authoredDaysAgo, dose: { mg: 100 }, status });
/** The candidate (escitalopram failed) with its sertraline trial replaced. */
const withSertraline = (...resources: fhir4.Resource[]) => candidate({ sertraline: null, phq9AfterSertraline: null }, ...resources);
/**
 * The candidate with escitalopram failed later (200 to 100 days ago, PHQ-9 18 after it) and its sertraline
 * trial replaced: a sertraline trial before 2026-05 or in the last 90 days then stands alone as an attempt.
 */
const withSertralineApart = (...resources: fhir4.Resource[]) =>
  candidate(
    {
      sertraline: null,
      phq9AfterSertraline: null,
      escitalopram: medStatement(RX.escitalopramIngredient, { startDaysAgo: 200, endDaysAgo: 100, dose: { mg: 20 } }),
    },
    obs.phq9(18, 92),
    ...resources,
  );

interface Scenario {
  resources: fhir4.Resource[];
  el2: Status;
  /** The sertraline (or duloxetine) row, as [status, words its missing data or short reason carries]; null: not listed. */
  trial: [string, RegExp?] | null;
  ingredient?: string;
  /** Every attempt, by name, oldest first, when the scenario is about how they are split. */
  attempts?: string[];
}

const SCENARIOS: Record<string, Scenario> = {
  'sertraline-from-2026-01-to-2026-02-is-undecided-not-inadequate': {
    // Between 0 and 58 days: the month-precision dates cannot say whether it reached 42 days.
    resources: withSertralineApart(sertralineWritten('2026-01', '2026-02')),
    el2: 'unknown',
    trial: ['adequacy-unknown', /recorded only to the month or year/],
  },
  'sertraline-from-2025-11-to-2026-02-is-long-enough-whatever-the-days': {
    // At least 63 days (30 November to 1 February); a PHQ-9 of 17 afterwards: failed, so TRD is met with escitalopram.
    resources: withSertralineApart(sertralineWritten('2025-11', '2026-02'), obs.phq9(17, 250)),
    el2: 'met',
    trial: ['failed'],
  },
  'sertraline-in-2025-as-a-year-only-is-undecided': {
    resources: withSertralineApart(sertralineWritten('2025', '2025')),
    el2: 'unknown',
    trial: ['adequacy-unknown', /recorded only to the month or year/],
  },
  'duloxetine-order-completed-in-2009-with-no-end-stays-out-of-the-episode': {
    // Bounded to 90 days after it was written (EL-2.1 step 6): long before the 24-month episode.
    resources: candidate({}, medRequest(DULOXETINE, { authoredDaysAgo: 6200, dose: { mg: 60 }, status: 'completed' })),
    el2: 'met',
    trial: null,
    ingredient: 'duloxetine',
  },
  'active-sertraline-order-written-60-days-ago-runs-until-now': {
    // Active with an order within 365 days (EL-2.1 step 4): 60 days at 100 mg is adequate.
    resources: withSertralineApart(openOrder(60, 'active')),
    el2: 'met',
    trial: ['failed'],
  },
  'active-sertraline-order-from-2019-with-nothing-since-is-current-use-uncertain': {
    resources: withSertraline(openOrder(2500, 'active')),
    el2: 'unknown',
    trial: ['adequacy-unknown', /whether sertraline is still taken/],
  },
  'stopped-sertraline-order-with-no-end-then-escitalopram-is-undecided-not-120-days': {
    // Written 300 days ago, escitalopram started 180 days ago: sertraline was stopped at most 120 days in, and
    // possibly in its first week. The switch bounds the stop; it does not date it (EL-2.1 step 3, EL-2.2).
    resources: withSertraline(openOrder(300, 'stopped'), obs.phq9(17, 195)),
    el2: 'unknown',
    trial: ['adequacy-unknown', /when sertraline was stopped \(no end date or supply recorded; at most 120 days, before escitalopram started\)/],
    attempts: ['sertraline', 'escitalopram'],
  },
  'stopped-sertraline-order-with-no-end-then-escitalopram-20-days-later-is-inadequate': {
    // The switch's bound alone proves it: stopped within 20 days, under 42 (EL-2.2 three-valued).
    resources: candidate(
      { sertraline: null, phq9AfterSertraline: null },
      openOrder(320, 'stopped'),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 20 } }),
    ),
    el2: 'not-met',
    trial: ['inadequate'],
  },
  'completed-sertraline-statement-with-only-a-start-then-escitalopram-is-undecided': {
    resources: withSertraline(
      {
        ...medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 0, dose: { mg: 100 } }),
        status: 'completed',
        effectivePeriod: { start: daysAgo(300) },
      } as fhir4.MedicationStatement,
      obs.phq9(17, 195),
    ),
    el2: 'unknown',
    trial: ['adequacy-unknown', /at most 120 days, before escitalopram started/],
  },
  'sertraline-order-of-180-tablets-at-two-a-day-runs-90-days': {
    // No supply duration: 180 tablets / 2 a day = 90 days (EL-2.1 step 2), then a PHQ-9 of 17: failed.
    resources: withSertralineApart(
      {
        ...medRequest(RX.sertraline50Tab, { authoredDaysAgo: 330, dose: { tablets: 2 }, status: 'completed' }),
        dispenseRequest: { quantity: { value: 180, unit: 'tablet', system: 'http://unitsofmeasure.org', code: '{tbl}' }, numberOfRepeatsAllowed: 0 },
      } as fhir4.MedicationRequest,
      obs.phq9(17, 230),
    ),
    el2: 'met',
    trial: ['failed'],
  },
  'active-sertraline-order-replaced-by-escitalopram-ends-at-the-replacement': {
    // Still 'active' with no end, but the escitalopram order 100 days later names it in priorPrescription:
    // sertraline ran 100 days (EL-2.1 step 3), then PHQ-9 17 before the switch: failed; escitalopram failed too.
    resources: candidate(
      { sertraline: null, phq9AfterSertraline: null, escitalopram: null },
      { ...openOrder(300, 'active'), id: 'sertraline-order' },
      obs.phq9(17, 205),
      {
        ...medRequest(RX.escitalopramIngredient, { authoredDaysAgo: 200, supplyDays: 30, refills: 3, dose: { mg: 20 }, status: 'completed' }),
        priorPrescription: { reference: 'MedicationRequest/sertraline-order' },
      } as fhir4.MedicationRequest,
    ),
    el2: 'met',
    trial: ['failed'],
    // Two attempts, not a combination: sertraline ended when escitalopram began.
    attempts: ['sertraline', 'escitalopram'],
  },
  'stopped-sertraline-order-with-no-end-and-no-switch-is-undecided': {
    resources: candidate(
      { sertraline: null, phq9AfterSertraline: null, escitalopram: null },
      openOrder(300, 'stopped'),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 100, endDaysAgo: 30, dose: { mg: 20 } }),
    ),
    el2: 'unknown',
    trial: ['adequacy-unknown', /when sertraline was stopped/],
  },
};

describe('exposure intervals and records without an end (EL-2.1, EL-2.2)', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    const el2 = a.byRule.get('EL-2')!;
    expect(el2.status).toBe(s.el2);
    const row = a.trials.find((t) => t.ingredient === (s.ingredient ?? 'sertraline'));
    if (s.trial === null) {
      expect(row).toBeUndefined();
      return;
    }
    expect(row?.status).toBe(s.trial[0]);
    if (s.trial[1]) expect(JSON.stringify([row?.missing, row?.short])).toMatch(s.trial[1]);
    if (el2.status === 'unknown') expect(el2.missing.length).toBeGreaterThan(0);
    if (s.attempts) expect(a.trials.map((t) => t.ingredient)).toEqual(s.attempts);
  });

  it('the month-precision record is one whose first days alone would make it inadequate (31 days)', () => {
    // Read as first days, 2026-01 to 2026-02 is 31 days, below 42: the scenario would say "inadequate".
    expect((Date.parse('2026-02-01') - Date.parse('2026-01-01')) / 86_400_000).toBeLessThan(42);
    expect(daysAgo(0)).toMatch(/^2026-11-21/);
  });
});
