import { describe, expect, it } from 'vitest';
import { checkPlausible, formatMeasured } from '../../src/knowledge/plausible.js';
import { loadThresholds } from '../../cds-services/assessment/thresholds.js';
import { callHook } from '../helpers/hooks.js';
import { candidate } from '../builders/scenarios.js';
import { ketamineDraft } from '../builders/drafts.js';
import { obs } from '../builders/fhir.js';

const ranges = loadThresholds().plausibleRanges;

describe('plausible ranges (data in fhir-profiles/thresholds, with sources)', () => {
  it('every range is ordered, sourced and says what settles it', () => {
    for (const [name, r] of Object.entries(ranges)) {
      expect(r.min, name).toBeLessThan(r.max);
      expect(r.source.length, name).toBeGreaterThan(10);
      // What settles it: measure, weigh, score or check again, or correct a date that cannot be right.
      expect(r.remedy, name).toMatch(/^(re-\w+|correct )/);
    }
  });

  it.each([
    ['weight of 80,000 kg (the reproducer)', 'weightKg', 80_000, 'weight 80,000 kg is implausible: re-weigh'],
    ['weight of 0.0001 kg (the reproducer)', 'weightKg', 0.0001, 'weight 0.0001 kg is implausible: re-weigh'],
    ['weight of 1e308 kg (the reproducer)', 'weightKg', 1e308, 'weight 1.00e+308 kg is implausible: re-weigh'],
    ['weight that is not a number', 'weightKg', Number.NaN, 'weight is not a number: re-weigh'],
    ['systolic of 1,200 mmHg', 'systolicBp', 1200, 'systolic BP 1,200 mmHg is implausible: re-measure'],
    ['SpO2 of 140 %', 'spo2Percent', 140, 'SpO2 140 % is implausible: re-measure'],
    ['PHQ-9 total of 31', 'phq9Total', 31, 'PHQ-9 total 31 points is implausible: re-score'],
    ['PHQ-9 total of -1', 'phq9Total', -1, 'PHQ-9 total -1 points is implausible: re-score'],
  ] as const)('%s is implausible, named with its remedy', (_name, fact, value, message) => {
    expect(checkPlausible(ranges[fact], value)).toEqual({ plausible: false, message });
  });

  it.each([
    ['weightKg', 80],
    ['weightKg', 20],
    ['systolicBp', 128],
    ['heartRate', 72],
    ['spo2Percent', 100],
    ['phq9Total', 0],
    ['phq9Total', 27],
    ['madrsTotal', 60],
  ] as const)('%s %d is plausible', (fact, value) => {
    expect(checkPlausible(ranges[fact], value)).toEqual({ plausible: true });
  });

  it('formats numbers as a card shows them', () => {
    expect(formatMeasured(1234.5678)).toBe('1,234.57');
    expect(formatMeasured(Number.POSITIVE_INFINITY)).toBe('not a number');
  });
});

describe('implausible weights are not facts (reproducers)', () => {
  it.each([
    ['80,000 kg', 80_000, 'weight 80,000 kg is implausible: re-weigh'],
    ['0.0001 kg', 0.0001, 'weight 0.0001 kg is implausible: re-weigh'],
    ['1e308 kg', 1e308, 'weight 1.00e+308 kg is implausible: re-weigh'],
  ])('a weight of %s: no dose is suggested or corrected, and patient-view names it and asks for a re-weigh', async (_name, kg, message) => {
    const res = await callHook('order-sign', candidate({ weight: obs.weight(kg) }), { drafts: [ketamineDraft(40)] });
    const text = JSON.stringify(res.cards);
    expect(text).not.toMatch(/Change to the protocol order/);
    expect(text).not.toMatch(/mg\/kg for [\d.,e+]+ kg/);
    const pv = await callHook('patient-view', candidate({ weight: obs.weight(kg) }));
    expect(JSON.stringify(pv.cards)).toContain(message);
    expect(JSON.stringify(pv.cards)).not.toMatch(/Order IV ketamine \d/);
  });

  it('a plausible weight still gives the 0.5 mg/kg protocol dose', async () => {
    const res = await callHook('order-sign', candidate({ weight: obs.weight(80) }), { drafts: [ketamineDraft(100)] });
    expect(JSON.stringify(res.cards)).toMatch(/Ketamine 40 mg \(0.5 mg\/kg for 80 kg\)/);
  });
});
