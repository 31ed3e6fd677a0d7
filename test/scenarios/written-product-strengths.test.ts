/**
 * A product's own strength (`Medication.ingredient.strength`) is read as written by one reader and judged by
 * the trial (revision-2 EL-2.8; plausibleRanges antidepressantDoseMg in fhir-profiles/thresholds): one tablet
 * or one mL holds more than nothing and at most one dose's mg. A strength outside that (0 mg / 1 mL, -20 mg /
 * 1 mL, 1e9 mg / 1 mL, 20 mg / 0 mL) converts no dose: when nothing else gives the strength (the catalogue's
 * for the product's code, the strength its name writes), the trial's dose is unknown and the strength is
 * named, never "no strength recorded", never an adequate or inadequate trial from it.
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { RX, SYS, medStatement, obs } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';

const ONCE_A_DAY: fhir4.Timing = { repeat: { frequency: 1, period: 1, periodUnit: 'd' } };
const mg = (value: number): fhir4.Quantity => ({ value, unit: 'mg', system: SYS.ucum, code: 'mg' });
const mL = (value: number): fhir4.Quantity => ({ value, unit: 'mL', system: SYS.ucum, code: 'mL' });
const tablets = (value: number): fhir4.Quantity => ({ value, unit: 'tablet', system: SYS.ucum, code: '{tbl}' });

/** A contained sertraline product named `name`, of `strength` (numerator mg, denominator). */
const product = (name: string, numerator: number, denominator: fhir4.Quantity): fhir4.Medication => ({
  resourceType: 'Medication',
  id: 'product',
  code: { text: name },
  ingredient: [{ itemCodeableConcept: { coding: [{ system: SYS.rx, code: RX.sertralineIngredient }] }, strength: { numerator: mg(numerator), denominator } }],
});

/** Sertraline from 300 to 200 days ago, `dose` once a day of the contained `medication`. */
const taken = (dose: fhir4.Quantity, medication: fhir4.Medication) => {
  const { medicationCodeableConcept: _coded, ...base } = medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: null });
  return {
    ...base,
    contained: [medication],
    medicationReference: { reference: '#product' },
    dosage: [{ timing: ONCE_A_DAY, doseAndRate: [{ doseQuantity: dose }] }],
  } as fhir4.MedicationStatement;
};

/** `first` (PHQ-9 19 after it), then escitalopram 20 mg failed (180 to 60 days ago, PHQ-9 18). */
const thenEscitalopram = (first: fhir4.Resource) => candidate({ sertraline: [first], phq9AfterSertraline: obs.phq9(19, 195) });

interface Scenario {
  resources: fhir4.Resource[];
  el2: Status;
  trial: string;
  /** The trial row's `short` (shown in the TRD summary). */
  short?: string;
}

const named = (strength: string): Pick<Scenario, 'el2' | 'trial' | 'short'> => ({
  el2: 'unknown',
  trial: 'sertraline: adequacy-unknown',
  short: `sertraline strength ${strength} is implausible: re-check the product's strength`,
});

const SCENARIOS: Record<string, Scenario> = {
  'a-concentrate-of-0-mg-per-ml-is-a-strength-named-not-a-strength-missing': {
    resources: thenEscitalopram(taken(mL(7.5), product('Sertraline oral concentrate', 0, mL(1)))),
    ...named('0 mg / 1 mL'),
  },
  'a-concentrate-of-minus-20-mg-per-ml-is-a-strength-named-not-a-strength-missing': {
    resources: thenEscitalopram(taken(mL(7.5), product('Sertraline oral concentrate', -20, mL(1)))),
    ...named('-20 mg / 1 mL'),
  },
  'a-concentrate-of-a-billion-mg-per-ml-is-an-entry-error-not-an-adequate-trial': {
    // 7.5 mL a day of it was 7.5e9 mg a day: "failed", one of the two trials TRD needs.
    resources: thenEscitalopram(taken(mL(7.5), product('Sertraline oral concentrate', 1e9, mL(1)))),
    ...named('1000000000 mg / 1 mL'),
  },
  'a-concentrate-of-20-mg-over-0-ml-is-a-strength-named': {
    resources: thenEscitalopram(taken(mL(7.5), product('Sertraline oral concentrate', 20, mL(0)))),
    ...named('20 mg / 0 mL'),
  },
  'tablets-of-0-mg-each-are-a-strength-named-not-a-dose-missing': {
    resources: thenEscitalopram(taken(tablets(2), product('Sertraline tablet', 0, tablets(1)))),
    ...named('0 mg / 1 tablet'),
  },
  'an-implausible-strength-gives-way-to-the-strength-the-name-writes': {
    // The name says 20 mg/mL (EL-2.8: the strength parsed from the display or text): 7.5 mL is 150 mg, adequate.
    resources: thenEscitalopram(taken(mL(7.5), product('Sertraline oral concentrate 20 mg/mL', 0, mL(1)))),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'a-dose-in-mg-needs-no-strength-so-an-implausible-one-is-not-named': {
    resources: thenEscitalopram(taken(mg(150), product('Sertraline oral concentrate', 0, mL(1)))),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'a-concentrate-of-20-mg-per-ml-still-makes-7-5-ml-150-mg-and-adequate': {
    resources: thenEscitalopram(taken(mL(7.5), product('Sertraline oral concentrate', 20, mL(1)))),
    el2: 'met',
    trial: 'sertraline: failed',
  },
};

describe("a product's written strength is read as written and judged by the trial (EL-2.8)", () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    expect(a.trials.map((t) => `${t.ingredient}: ${t.status}`)).toEqual([s.trial, 'escitalopram: failed']);
    const el2 = a.byRule.get('EL-2')!;
    expect(el2.status).toBe(s.el2);
    if (s.short) {
      expect(a.trials[0]!.short).toBe(s.short);
      expect(el2.missing.join(' | ')).toContain(`a plausible dose of sertraline (recorded: ${s.short.slice('sertraline '.length)})`);
    }
  });
});
