/**
 * Antidepressant doses no one takes (revision-2 EL-2.8; plausibleRanges antidepressantDoseMg, -Ml and
 * -Units in fhir-profiles/thresholds): a dose of 0 mL, 0 mg or 0 tablets is a placeholder ("as
 * directed"), and 1e9 mL or 1e6 tablets an entry error. Either is unreadable for that trial: its dose is
 * unknown and named ("dose 0 mL is implausible: re-check the dose"), never inadequate and never adequate. A
 * dispense of nothing (0 tablets) is no dose either.
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { RX, SYS, daysAgo, medStatement, obs } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';

const mg = (value: number): fhir4.Quantity => ({ value, unit: 'mg', system: SYS.ucum, code: 'mg' });
const mL = (value: number): fhir4.Quantity => ({ value, unit: 'mL', system: SYS.ucum, code: 'mL' });
const tablets = (value: number): fhir4.Quantity => ({ value, unit: 'tablet', system: SYS.ucum, code: '{tbl}' });
const ONCE_A_DAY: fhir4.Timing = { repeat: { frequency: 1, period: 1, periodUnit: 'd' } };

/** Sertraline named only in words, from 300 to 200 days ago, `dose` once a day. */
const sertralineTaken = (dose: fhir4.Quantity, text = 'sertraline 20 mg/mL oral concentrate') => {
  const { medicationCodeableConcept: _coded, ...base } = medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: null });
  return { ...base, medicationCodeableConcept: { text }, dosage: [{ timing: ONCE_A_DAY, doseAndRate: [{ doseQuantity: dose }] }] } as fhir4.MedicationStatement;
};

/** `first` (PHQ-9 19 after it), then escitalopram 20 mg failed (180 to 60 days ago, PHQ-9 18). */
const thenEscitalopram = (first: fhir4.Resource) => candidate({ sertraline: [first], phq9AfterSertraline: obs.phq9(19, 195) });

interface Scenario {
  resources: fhir4.Resource[];
  el2: Status;
  trial: string;
  /** What the undecided trial names (its `short`, shown in the TRD summary). */
  short?: string;
}

const undecided = (short: string) => ({ el2: 'unknown' as const, trial: 'sertraline: adequacy-unknown', short });

const SCENARIOS: Record<string, Scenario> = {
  'a-dose-of-0-ml-of-sertraline-concentrate-is-no-dose-not-an-inadequate-trial': {
    resources: thenEscitalopram(sertralineTaken(mL(0))),
    ...undecided('sertraline dose 0 mL is implausible: re-check the dose'),
  },
  'a-dose-of-0-mg-of-sertraline-is-no-dose-not-an-inadequate-trial': {
    resources: thenEscitalopram(sertralineTaken(mg(0), 'sertraline 100 mg tablet')),
    ...undecided('sertraline dose 0 mg is implausible: re-check the dose'),
  },
  'a-dose-of-0-tablets-of-sertraline-100-mg-is-no-dose-not-an-inadequate-trial': {
    resources: thenEscitalopram(sertralineTaken(tablets(0), 'sertraline 100 mg tablet')),
    ...undecided('sertraline dose 0 tablets or capsules is implausible: re-check the dose'),
  },
  'a-dose-of-a-billion-ml-of-sertraline-concentrate-is-an-entry-error-not-an-adequate-trial': {
    resources: thenEscitalopram(sertralineTaken(mL(1e9))),
    ...undecided('sertraline dose 1.00e+9 mL is implausible: re-check the dose'),
  },
  'a-dose-of-a-billion-mg-of-sertraline-is-an-entry-error-not-an-adequate-trial': {
    resources: thenEscitalopram(sertralineTaken(mg(1e9), 'sertraline 100 mg tablet')),
    ...undecided('sertraline dose 1.00e+9 mg is implausible: re-check the dose'),
  },
  'a-dose-of-a-million-tablets-of-sertraline-is-an-entry-error-not-an-adequate-trial': {
    resources: thenEscitalopram(sertralineTaken(tablets(1e6), 'sertraline 100 mg tablet')),
    ...undecided('sertraline dose 1,000,000 tablets or capsules is implausible: re-check the dose'),
  },
  'an-order-of-100-tablets-at-a-million-tablets-a-day-lasts-no-known-time-and-decides-nothing': {
    // The supply over an absurd dose would last seconds: neither its dose nor its end is read from it.
    resources: thenEscitalopram({
      resourceType: 'MedicationRequest',
      id: 'sertraline-order',
      status: 'completed',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      authoredOn: daysAgo(300),
      medicationCodeableConcept: { text: 'sertraline 100 mg tablet' },
      dosageInstruction: [{ timing: ONCE_A_DAY, doseAndRate: [{ doseQuantity: tablets(1e6) }] }],
      dispenseRequest: { quantity: tablets(100) },
    } as fhir4.MedicationRequest),
    ...undecided('sertraline dose 1,000,000 tablets or capsules is implausible: re-check the dose'),
  },
  'a-dispense-of-0-tablets-for-100-days-is-no-dose-not-an-inadequate-trial': {
    resources: thenEscitalopram({
      resourceType: 'MedicationDispense',
      id: 'sertraline-dispense',
      status: 'completed',
      subject: { reference: 'Patient/p1' },
      medicationCodeableConcept: { text: 'sertraline 100 mg tablet' },
      whenHandedOver: daysAgo(300),
      quantity: tablets(0),
      daysSupply: { value: 100, unit: 'days', system: SYS.ucum, code: 'd' },
    } as fhir4.MedicationDispense),
    ...undecided('dose not recorded for sertraline'),
  },
  'seven-and-a-half-ml-of-sertraline-concentrate-is-still-150-mg-and-adequate': {
    resources: thenEscitalopram(sertralineTaken(mL(7.5))),
    el2: 'met',
    trial: 'sertraline: failed',
  },
};

describe('an implausible antidepressant dose decides no trial (EL-2.8)', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    expect(a.trials.map((t) => `${t.ingredient}: ${t.status}`)).toEqual([s.trial, 'escitalopram: failed']);
    const el2 = a.byRule.get('EL-2')!;
    expect(el2.status).toBe(s.el2);
    if (s.short) {
      expect(a.trials[0]!.short).toBe(s.short);
      if (s.short.includes('implausible'))
        expect(el2.missing.join(' | ')).toContain(`a plausible dose of sertraline (recorded: ${s.short.slice('sertraline '.length)})`);
    }
  });
});
