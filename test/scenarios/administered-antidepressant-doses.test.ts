/**
 * Antidepressants given by administration (an inpatient stay: MedicationAdministration, revision-2 EL-2.1,
 * EL-2.8): each administration's `dosage.dose` is read as any other dose, in mg, or in tablets or mL by the
 * product's strength (the one strength reader), and a day's dose is the sum of that day's administrations:
 * 25 mg at 08:00 and 25 mg at 20:00 is 50 mg a day. A volume with no strength known, or a dose no one takes,
 * leaves the trial's dose unknown and named, as for an order or a statement.
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { NOW, RX, SYS, obs } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';

const SERTRALINE_CONCENTRATE_20_MG_PER_ML = '861064'; // sertraline 20 MG/ML Oral Solution (catalogue SCD)
const mg = (value: number): fhir4.Quantity => ({ value, unit: 'mg', system: SYS.ucum, code: 'mg' });
const mL = (value: number): fhir4.Quantity => ({ value, unit: 'mL', system: SYS.ucum, code: 'mL' });
const rx = (code: string): fhir4.CodeableConcept => ({ coding: [{ system: SYS.rx, code }] });

/** The UTC day `daysAgo` before the test clock, at `hour`:00. */
const at = (daysAgo: number, hour: number) => {
  const d = new Date(NOW.getTime() - daysAgo * 86_400_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour)).toISOString();
};

let n = 0;
/** `dose` of `drug` given at each of `hours` on every day from 300 to 240 days ago (60 days). */
const givenDaily = (drug: fhir4.CodeableConcept, dose: fhir4.Quantity, hours: number[]): fhir4.MedicationAdministration[] =>
  Array.from({ length: 61 }, (_, i) => 300 - i).flatMap((daysAgo) =>
    hours.map((hour) => ({
      resourceType: 'MedicationAdministration' as const,
      id: `given-${++n}`,
      status: 'completed' as const,
      subject: { reference: 'Patient/p1' },
      medicationCodeableConcept: drug,
      effectiveDateTime: at(daysAgo, hour),
      dosage: { dose },
    })),
  );

/** `first` (PHQ-9 19 after it), then escitalopram 20 mg failed (180 to 60 days ago, PHQ-9 18). */
const thenEscitalopram = (first: fhir4.Resource[]) => candidate({ sertraline: first, phq9AfterSertraline: obs.phq9(19, 195) });

interface Scenario {
  resources: fhir4.Resource[];
  el2: Status;
  trial: string;
  short?: string;
}

const TWICE = [8, 20];
const SCENARIOS: Record<string, Scenario> = {
  'sertraline-25-mg-given-twice-a-day-is-50-mg-a-day-and-adequate': {
    resources: thenEscitalopram(givenDaily(rx(RX.sertralineIngredient), mg(25), TWICE)),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'sertraline-25-mg-given-once-a-day-is-25-mg-and-inadequate': {
    resources: thenEscitalopram(givenDaily(rx(RX.sertralineIngredient), mg(25), [8])),
    el2: 'not-met',
    trial: 'sertraline: inadequate',
  },
  'sertraline-concentrate-2-5-ml-given-twice-a-day-is-100-mg-a-day-by-its-catalogue-strength': {
    resources: thenEscitalopram(givenDaily(rx(SERTRALINE_CONCENTRATE_20_MG_PER_ML), mL(2.5), TWICE)),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'sertraline-concentrate-1-ml-given-twice-a-day-is-40-mg-a-day-and-inadequate': {
    resources: thenEscitalopram(givenDaily(rx(SERTRALINE_CONCENTRATE_20_MG_PER_ML), mL(1), TWICE)),
    el2: 'not-met',
    trial: 'sertraline: inadequate',
  },
  'sertraline-liquid-given-by-the-ml-named-in-words-20-mg-per-ml-is-converted-by-the-name': {
    resources: thenEscitalopram(givenDaily({ text: 'Sertraline oral concentrate 20 mg/mL' }, mL(2.5), TWICE)),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'sertraline-liquid-given-by-the-ml-with-no-strength-is-undecided-naming-the-strength': {
    resources: thenEscitalopram(givenDaily(rx(RX.sertralineIngredient), mL(2.5), TWICE)),
    el2: 'unknown',
    trial: 'sertraline: adequacy-unknown',
    short: 'dose of sertraline recorded in mL with no strength',
  },
  'sertraline-concentrate-given-0-ml-is-no-dose-not-an-inadequate-trial': {
    resources: thenEscitalopram(givenDaily(rx(SERTRALINE_CONCENTRATE_20_MG_PER_ML), mL(0), TWICE)),
    el2: 'unknown',
    trial: 'sertraline: adequacy-unknown',
    short: 'sertraline dose 0 mL is implausible: re-check the dose',
  },
};

describe('antidepressant doses given by administration are read as other doses (EL-2.1, EL-2.8)', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    expect(a.trials.map((t) => `${t.ingredient}: ${t.status}`)).toEqual([s.trial, 'escitalopram: failed']);
    expect(a.byRule.get('EL-2')!.status).toBe(s.el2);
    if (s.short) expect(a.trials[0]!.short).toBe(s.short);
  });
});
