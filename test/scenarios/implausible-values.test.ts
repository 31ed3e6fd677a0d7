/**
 * Plausible ranges applied in the reading layer (issue 20): a blood pressure, heart rate, SpO2 or score
 * outside its range (data: fhir-profiles/thresholds `plausibleRanges`) "could not be read". The rule that
 * would have used it is unknown and names it with what settles it, never a contraindication and never
 * an all-clear; a plausible value beside it still decides.
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { SYS, daysAgo, obs } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { callHook } from '../helpers/hooks.js';
import { ketamineDraft } from '../builders/drafts.js';
import { assessResources } from '../helpers/record.js';

const NOW_MINUS_10_MIN = 10 / 1440;
/** PHQ-9 item 9 (LOINC 44260-8) recorded as a number two days ago, as some EHRs store item scores. */
const item9Scored = (value: number): fhir4.Observation => ({
  resourceType: 'Observation',
  id: `item9-${value}`,
  status: 'final',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: SYS.loinc, code: '44260-8' }] },
  effectiveDateTime: daysAgo(2),
  valueInteger: value,
});

interface Scenario {
  resources: fhir4.Resource[];
  /** Rule id -> the status it must have. */
  expect: Record<string, Status>;
  /** What the finding must name (its note or missing data). */
  says?: string;
}

const SCENARIOS: Record<string, Scenario> = {
  'phq9-total-of-31-is-no-baseline-and-no-gap': {
    resources: candidate({ phq9Recent: obs.phq9(31, 3) }),
    expect: { 'EL-4': 'unknown' },
    says: 'PHQ-9 total 31 points is implausible: re-score',
  },
  'phq9-total-of-minus-1-is-no-baseline': {
    resources: candidate({ phq9Recent: obs.phq9(-1, 3) }),
    expect: { 'EL-4': 'unknown' },
    says: 'PHQ-9 total -1 points is implausible: re-score',
  },
  'implausible-phq9-newer-than-a-plausible-one-is-still-unknown': {
    resources: candidate({ phq9Recent: [obs.phq9(18, 10), obs.phq9(45, 2)] }),
    expect: { 'EL-4': 'unknown' },
    says: 'PHQ-9 total 45 points is implausible',
  },
  'plausible-phq9-newer-than-an-implausible-one-decides': {
    resources: candidate({ phq9Recent: [obs.phq9(45, 10), obs.phq9(18, 2)] }),
    expect: { 'EL-4': 'met' },
  },
  'madrs-of-75-is-no-baseline': {
    resources: candidate({ phq9Recent: obs.madrs(75, 3) }),
    expect: { 'EL-4': 'unknown' },
    says: 'MADRS total 75 points is implausible: re-score',
  },
  'systolic-of-1200-is-no-contraindication-and-no-all-clear': {
    resources: candidate({ bp: obs.bpPanel(1200, 80) }),
    expect: { 'CI-6': 'unknown', 'RC-5': 'unknown', 'EL-5': 'unknown' },
    says: 'systolic BP 1,200 mmHg is implausible: re-measure',
  },
  'blood-pressure-of-0-over-0-is-not-normal': {
    resources: candidate({ bp: obs.bpPanel(0, 0) }),
    expect: { 'CI-6': 'unknown', 'RC-5': 'unknown' },
    says: 'systolic BP 0 mmHg is implausible: re-measure; diastolic BP 0 mmHg is implausible: re-measure',
  },
  'separate-diastolic-of-400-paired-with-a-normal-systolic': {
    resources: candidate({ bp: obs.bpSeparate(128, 400) }),
    expect: { 'CI-6': 'unknown', 'RC-5': 'unknown' },
    says: 'diastolic BP 400 mmHg is implausible',
  },
  'implausible-newest-bp-after-a-normal-one-clears-nothing': {
    resources: candidate({ bp: [obs.bpPanel(128, 82, 5), obs.bpPanel(1200, 80, 1)] }),
    expect: { 'CI-6': 'unknown' },
    says: 'systolic BP 1,200 mmHg is implausible',
  },
  'two-plausible-high-readings-still-contraindicate-beside-an-implausible-one': {
    resources: candidate({ bp: [obs.bpPanel(182, 96, 6), obs.bpPanel(184, 102, 3), obs.bpPanel(1200, 80, 1)] }),
    expect: { 'CI-6': 'met' },
  },
  'heart-rate-of-400-is-no-tachycardia-and-no-clearance': {
    resources: candidate({ heartRate: obs.heartRate(400) }),
    expect: { 'RC-19': 'unknown', 'EL-5': 'unknown' },
    says: 'heart rate 400 /min is implausible: re-measure',
  },
  'heart-rate-of-130-is-tachycardia': { resources: candidate({ heartRate: obs.heartRate(130) }), expect: { 'RC-19': 'met' } },
  'spo2-of-140-percent-now-is-unknown': {
    resources: candidate({}, obs.spo2(140, NOW_MINUS_10_MIN)),
    expect: { 'CI-13': 'unknown', 'RC-20': 'not-met' },
    says: 'SpO2 140 % is implausible: re-measure',
  },
  'spo2-of-30-percent-now-is-no-contraindication': {
    resources: candidate({}, obs.spo2(30, NOW_MINUS_10_MIN)),
    expect: { 'CI-13': 'unknown', 'RC-20': 'not-met' },
    says: 'SpO2 30 % is implausible: re-measure',
  },
  'phq9-item-9-scored-7-is-no-all-clear-on-ideation': {
    resources: candidate({}, item9Scored(7)),
    expect: { 'RC-17': 'unknown' },
    says: 'PHQ-9 item 9 7 points is implausible: re-score',
  },
  'phq9-item-9-scored-2-is-ideation-to-grade': { resources: candidate({}, item9Scored(2)), expect: { 'RC-17': 'met' } },
  'spo2-of-88-percent-now-contraindicates': { resources: candidate({}, obs.spo2(88, NOW_MINUS_10_MIN)), expect: { 'CI-13': 'met' } },
};

describe('implausible values are "could not be read": unknown and named, never a finding or an all-clear', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    for (const [rule, status] of Object.entries(s.expect)) expect(a.byRule.get(rule)?.status, rule).toBe(status);
    if (s.says) {
      const named = Object.keys(s.expect).map((rule) => JSON.stringify(a.byRule.get(rule)));
      expect(named.some((text) => text.includes(s.says!))).toBe(true);
    }
  });

  it.each([
    ['a PHQ-9 total of 31', candidate({ phq9Recent: obs.phq9(31, 3) }), 'PHQ-9 total 31 points is implausible: re-score'],
    ['a BP of 1200/80', candidate({ bp: obs.bpPanel(1200, 80) }), 'systolic BP 1,200 mmHg is implausible: re-measure'],
    ['a heart rate of 400', candidate({ heartRate: obs.heartRate(400) }), 'heart rate 400 /min is implausible: re-measure'],
  ])('patient-view names %s on a card as needing a check', async (_label, resources, message) => {
    const res = await callHook('patient-view', resources);
    expect(JSON.stringify(res.cards)).toContain(message);
  });

  // CD-1: one gap, one ask. The BP card asks for a new reading; the Missing data card does not ask for it again.
  it('patient-view with only an implausible BP (0/0): the BP card asks for a new one, and no Missing data card repeats it', async () => {
    const res = await callHook('patient-view', candidate({ bp: obs.bpPanel(0, 0) }));
    const bpCards = res.cards.filter((c) => /systolic BP 0 mmHg is implausible|BP on .* could not be read/.test(`${c.summary} ${c.detail ?? ''}`));
    expect(bpCards.some((c) => (c.suggestions ?? []).some((s) => /blood pressure/i.test(s.label)))).toBe(true);
    expect(res.cards.filter((c) => c.summary.startsWith('Missing data') && /0 mmHg|plausible/.test(`${c.summary} ${c.detail ?? ''}`))).toEqual([]);
    // The sentence CI-6 and RC-5 share is said once, with both rules.
    const text = res.cards.map((c) => c.detail ?? '').join('\n');
    expect(text).toContain('diastolic BP 0 mmHg is implausible: re-measure (CI-6, RC-5)');
    expect(text).not.toMatch(/re-measure \(CI-6\); BP on/);
  });

  it.each([
    ['a same-session heart rate of 400', obs.heartRate(400, NOW_MINUS_10_MIN), 'heart rate 400 /min is implausible: re-measure', /pre-dose HR 400/],
    ['a same-session SpO2 of 30 %', obs.spo2(30, NOW_MINUS_10_MIN), 'SpO2 30 % is implausible: re-measure', /pre-dose SpO2 30/],
  ])('order-sign: %s is asked for again, named, never a pre-dose finding', async (_label, vital, message, finding) => {
    const res = await callHook('order-sign', candidate({}, vital, obs.bpPanel(128, 82, NOW_MINUS_10_MIN)), { drafts: [ketamineDraft(40)] });
    const text = JSON.stringify(res.cards);
    expect(text).toContain(message);
    expect(text).not.toMatch(finding);
  });
});
