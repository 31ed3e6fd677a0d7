/**
 * Antidepressant trials taken as a liquid (revision-2 EL-2.8): a dose in mL is converted to mg by the
 * product's strength: the referenced Medication's own `ingredient.strength` (contained or in the record),
 * only of the ingredient that is the drug, else the catalogue strength of a liquid product's code
 * (sertraline 20 mg/mL oral concentrate, RxNorm 861064), else the strength the drug's name writes. With
 * no strength known the dose is unknown and the trial undecided, naming the strength, never "inadequate".
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { RX, SYS, daysAgo, medStatement, obs } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';

const FLUOXETINE = '4493';
const SERTRALINE_CONCENTRATE_20_MG_PER_ML = '861064'; // sertraline 20 MG/ML Oral Solution (catalogue SCD)

const mg = (value: number): fhir4.Quantity => ({ value, unit: 'mg', system: SYS.ucum, code: 'mg' });
const mL = (value: number): fhir4.Quantity => ({ value, unit: 'mL', system: SYS.ucum, code: 'mL' });
const rx = (code: string): fhir4.CodeableConcept => ({ coding: [{ system: SYS.rx, code }] });

/** A liquid product: `ingredients` as [concept, strength numerator mg, denominator mL] (no strength when mg is null). */
const liquid = (id: string, name: string, ...ingredients: [fhir4.CodeableConcept, number | null, number][]): fhir4.Medication => ({
  resourceType: 'Medication',
  id,
  code: { text: name },
  ingredient: ingredients.map(([item, num, den]) => ({
    itemCodeableConcept: item,
    ...(num === null ? {} : { strength: { numerator: mg(num), denominator: mL(den) } }),
  })),
});

type NamedBy = Pick<fhir4.MedicationStatement, 'medicationCodeableConcept' | 'medicationReference' | 'contained'>;

/** A statement from 300 to 200 days ago of `dose` once a day, naming its drug by `medication`. */
const takenAs = (dose: fhir4.Quantity, medication: NamedBy) => {
  const { medicationCodeableConcept: _coded, ...base } = medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: null });
  return {
    ...base,
    ...medication,
    dosage: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: dose }] }],
  } as fhir4.MedicationStatement;
};
const takenByTheMl = (ml: number, medication: NamedBy) => takenAs(mL(ml), medication);

/** `first` (300 to 200 days ago, PHQ-9 19 after it), then escitalopram 20 mg failed (180 to 60 days ago, PHQ-9 18). */
const thenEscitalopram = (...first: fhir4.Resource[]) => candidate({ sertraline: first, phq9AfterSertraline: obs.phq9(19, 195) });

const fluoxetineSolution = liquid('fluoxetine-solution', 'Fluoxetine oral solution 20 mg/5 mL', [rx(FLUOXETINE), 20, 5]);

interface Scenario {
  resources: fhir4.Resource[];
  el2: Status;
  /** The liquid trial's row: `name: status`. */
  trial: string;
  missing?: RegExp;
}

const SCENARIOS: Record<string, Scenario> = {
  'sertraline-concentrate-7-5-ml-a-day-by-its-catalogue-code-is-150-mg-and-adequate': {
    resources: thenEscitalopram(takenByTheMl(7.5, { medicationCodeableConcept: rx(SERTRALINE_CONCENTRATE_20_MG_PER_ML) })),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'sertraline-concentrate-2-ml-a-day-by-its-catalogue-code-is-40-mg-and-inadequate': {
    resources: thenEscitalopram(takenByTheMl(2, { medicationCodeableConcept: rx(SERTRALINE_CONCENTRATE_20_MG_PER_ML) })),
    el2: 'not-met',
    trial: 'sertraline: inadequate',
  },
  'fluoxetine-solution-20-mg-per-5-ml-contained-10-ml-a-day-is-40-mg-and-adequate': {
    resources: thenEscitalopram(takenByTheMl(10, { medicationReference: { reference: '#fluoxetine-solution' }, contained: [fluoxetineSolution] })),
    el2: 'met',
    trial: 'fluoxetine: failed',
  },
  'fluoxetine-solution-20-mg-per-5-ml-contained-2-ml-a-day-is-8-mg-and-inadequate': {
    resources: thenEscitalopram(takenByTheMl(2, { medicationReference: { reference: '#fluoxetine-solution' }, contained: [fluoxetineSolution] })),
    el2: 'not-met',
    trial: 'fluoxetine: inadequate',
  },
  'sertraline-concentrate-named-by-a-medication-of-the-record-7-5-ml-a-day-is-adequate': {
    resources: thenEscitalopram(
      liquid('sertraline-concentrate', 'Sertraline oral concentrate 20 mg/mL', [rx(RX.sertralineIngredient), 20, 1]),
      takenByTheMl(7.5, { medicationReference: { reference: 'Medication/sertraline-concentrate' } }),
    ),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'sertraline-concentrate-named-only-in-words-20-mg-per-ml-7-5-ml-a-day-is-adequate': {
    // Revision-2 EL-2.8: failing a coded strength, the strength parsed from the display or text.
    resources: thenEscitalopram(takenByTheMl(7.5, { medicationCodeableConcept: { text: 'Sertraline oral concentrate 20 mg/mL' } })),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'fluoxetine-solution-named-only-in-words-20-mg-per-5-ml-2-ml-a-day-is-inadequate': {
    resources: thenEscitalopram(takenByTheMl(2, { medicationCodeableConcept: { text: 'FLUoxetine 20 mg/5 mL oral solution' } })),
    el2: 'not-met',
    trial: 'fluoxetine: inadequate',
  },
  'two-sertraline-50-mg-tablets-named-only-in-words-are-100-mg-and-adequate': {
    // The same reading of a name's strength gives a tablet's mg (EL-2.14: a drug outside the catalogue).
    resources: thenEscitalopram(
      takenAs({ value: 2, unit: 'tablet', system: SYS.ucum, code: '{tbl}' }, { medicationCodeableConcept: { text: 'Sertraline 50 mg tablet' } }),
    ),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'four-sertraline-12-comma-5-mg-tablets-named-in-words-are-50-mg-and-adequate': {
    // A European decimal comma: 12,5 mg is 12.5 mg (4 x 12.5 = 50 mg, the lenient sertraline dose), never "no strength".
    resources: thenEscitalopram(
      takenAs({ value: 4, unit: 'tablet', system: SYS.ucum, code: '{tbl}' }, { medicationCodeableConcept: { text: 'Sertraline 12,5 mg Tablette' } }),
    ),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'two-sertraline-12-comma-5-mg-tablets-named-in-words-are-25-mg-and-inadequate': {
    resources: thenEscitalopram(
      takenAs({ value: 2, unit: 'tablet', system: SYS.ucum, code: '{tbl}' }, { medicationCodeableConcept: { text: 'Sertraline 12,5 mg Tablette' } }),
    ),
    el2: 'not-met',
    trial: 'sertraline: inadequate',
  },
  'sertraline-solution-12-comma-5-mg-per-2-comma-5-ml-named-in-words-10-ml-a-day-is-50-mg-and-adequate': {
    resources: thenEscitalopram(takenByTheMl(10, { medicationCodeableConcept: { text: 'Sertraline Lösung 12,5 mg/2,5 ml' } })),
    el2: 'met',
    trial: 'sertraline: failed',
  },
  'a-name-giving-a-dose-per-day-is-no-strength-of-the-liquid': {
    // "150 mg/day" is not what one mL holds: the dose stays unknown, never 7.5 x 150.
    resources: thenEscitalopram(takenByTheMl(7.5, { medicationCodeableConcept: { text: 'Sertraline liquid 150 mg/day' } })),
    el2: 'unknown',
    trial: 'sertraline: adequacy-unknown',
    missing: /strength of the sertraline liquid/,
  },
  'sertraline-liquid-by-the-ml-with-no-strength-anywhere-is-undecided-naming-the-strength': {
    resources: thenEscitalopram(takenByTheMl(7.5, { medicationCodeableConcept: rx(RX.sertralineIngredient) })),
    el2: 'unknown',
    trial: 'sertraline: adequacy-unknown',
    missing: /strength of the sertraline liquid \(mg per mL/,
  },
  'the-strength-of-another-ingredient-in-the-liquid-never-stands-in-for-the-antidepressant': {
    // Alcohol 120 mg/mL is the vehicle's strength, not sertraline's: the sertraline dose stays unknown.
    resources: thenEscitalopram(
      takenByTheMl(7.5, {
        medicationReference: { reference: '#concentrate' },
        contained: [liquid('concentrate', 'Sertraline oral concentrate', [rx(RX.sertralineIngredient), null, 1], [{ text: 'alcohol' }, 120, 1])],
      }),
    ),
    el2: 'unknown',
    trial: 'sertraline: adequacy-unknown',
    missing: /strength of the sertraline liquid/,
  },
  'an-order-for-300-ml-of-sertraline-concentrate-at-7-5-ml-a-day-lasts-40-days-too-short-for-a-trial': {
    // EL-2.1 step 2 (supply, before a switch): 300 mL over 7.5 mL a day is 40 days, short of 42; not an order
    // with no end that the switch to escitalopram 120 days later would end.
    resources: thenEscitalopram({
      resourceType: 'MedicationRequest',
      id: 'sertraline-concentrate-order',
      status: 'completed',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      authoredOn: daysAgo(300),
      medicationCodeableConcept: rx(SERTRALINE_CONCENTRATE_20_MG_PER_ML),
      dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: mL(7.5) }] }],
      dispenseRequest: { quantity: mL(300) },
    } as fhir4.MedicationRequest),
    el2: 'not-met',
    trial: 'sertraline: inadequate',
  },
  'a-dispense-of-750-ml-of-sertraline-concentrate-for-100-days-is-150-mg-a-day': {
    resources: thenEscitalopram({
      resourceType: 'MedicationDispense',
      id: 'sertraline-concentrate-dispense',
      status: 'completed',
      subject: { reference: 'Patient/p1' },
      medicationCodeableConcept: rx(SERTRALINE_CONCENTRATE_20_MG_PER_ML),
      whenHandedOver: daysAgo(300),
      quantity: mL(750),
      daysSupply: { value: 100, unit: 'days', system: SYS.ucum, code: 'd' },
    } as fhir4.MedicationDispense),
    el2: 'met',
    trial: 'sertraline: failed',
  },
};

describe('liquid antidepressant doses are converted by the product strength (EL-2.8)', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    const rows = a.trials.map((t) => `${t.ingredient}: ${t.status}`);
    expect(rows[0]).toBe(s.trial);
    expect(rows.slice(1)).toEqual(['escitalopram: failed']);
    const el2 = a.byRule.get('EL-2')!;
    expect(el2.status).toBe(s.el2);
    if (s.missing) expect(el2.missing.join(' | ')).toMatch(s.missing);
  });
});
