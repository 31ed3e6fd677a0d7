/**
 * The synthetic patients of `test/fixtures/`, named by scenario. Each is written as a FHIR
 * transaction Bundle (`npx tsx scripts/make-fixtures.ts`) that loads the test FHIR server and
 * feeds the prefetch tests, so one record can arrive both ways.
 */
import type { Verdict } from '../../cds-services/assessment/assess.js';
import type { Modality, Status } from '../../cds-services/assessment/findings.js';
import { RX, SYS, allergy, device, icd, medAdministration, medDispense, medRequest, medStatement, obs, patient } from './fhir.js';
import { candidate } from './scenarios.js';
import { syntheticPatient } from './synthetic-patient.js';

export interface FixtureScenario {
  build: () => fhir4.Resource[];
  /** What the assessment must say of this patient, whichever way the record arrives. */
  expect: { rules?: Record<string, Status>; verdicts?: Partial<Record<Modality, Verdict>> };
}

const woman = () => patient({ gender: 'female', age: 32 });

let medicationIds = 0;
/** A separate Medication resource coded with an RxNorm concept. */
function medication(rxcui: string, display: string): fhir4.Medication {
  return { resourceType: 'Medication', id: `med-${++medicationIds}`, code: { coding: [{ system: SYS.rx, code: rxcui, display }] } };
}
/** The same medication resource naming its drug only by reference to `m` (no concept, no display). */
function byReference<T extends { medicationCodeableConcept?: fhir4.CodeableConcept; medicationReference?: fhir4.Reference }>(use: T, m: fhir4.Medication): T {
  const { medicationCodeableConcept: _concept, ...rest } = use;
  return { ...rest, medicationReference: { reference: `Medication/${m.id}` } } as T;
}

export const FIXTURE_SCENARIOS: Record<string, FixtureScenario> = {
  'clean-trd-candidate': {
    build: () => candidate(),
    // TMS: no safety screen on file, so implants could not be checked (revision-2 CI-10).
    expect: {
      rules: { 'EL-1': 'met', 'EL-2': 'met', 'EL-4': 'met', 'CI-10': 'unknown' },
      verdicts: { 'iv-ketamine': 'clear', esketamine: 'clear', tms: 'caution' },
    },
  },
  'pregnant-woman-with-trd': {
    build: () => candidate({ patient: woman() }, obs.hcg('positive', 3)),
    expect: { rules: { 'EL-2': 'met', 'CI-4': 'met' }, verdicts: { 'iv-ketamine': 'contraindicated', esketamine: 'contraindicated' } },
  },
  'trd-with-schizophrenia': {
    build: () => candidate({}, icd('F20.9', { onsetDaysAgo: 2000 })),
    expect: { rules: { 'CI-2': 'met' }, verdicts: { 'iv-ketamine': 'contraindicated', esketamine: 'contraindicated' } },
  },
  'one-failed-trial-only': {
    build: () => candidate({ escitalopram: null }),
    expect: { rules: { 'EL-1': 'met', 'EL-2': 'not-met' } },
  },
  'trd-without-recent-baseline-score': {
    build: () => candidate({ phq9Recent: obs.phq9(18, 45) }),
    expect: { rules: { 'EL-2': 'met', 'EL-4': 'not-met' } },
  },
  'trd-with-uncontrolled-hypertension': {
    // Two readings at or above 180/100 on different days (revision-2 CI-6: one non-crisis reading only asks for a repeat).
    build: () => candidate({ bp: [obs.bpPanel(182, 96), obs.bpPanel(184, 102, 6)] }),
    expect: { rules: { 'CI-6': 'met', 'RC-5': 'not-met' }, verdicts: { 'iv-ketamine': 'contraindicated', esketamine: 'contraindicated' } },
  },
  'trd-with-cochlear-implant-and-ketamine-allergy': {
    build: () => candidate({}, device('Cochlear implant'), allergy(SYS.rx, RX.ketamineIngredient)),
    expect: { rules: { 'CI-8': 'met', 'CI-10': 'met' }, verdicts: { 'iv-ketamine': 'contraindicated', tms: 'contraindicated' } },
  },
  'trials-from-orders-dispenses-and-administrations': {
    build: () =>
      candidate(
        {
          // Sertraline 100 mg/day from three dispenses (90 days), escitalopram 20 mg from an order with refills.
          sertraline: [300, 270, 240].map((daysAgo) => medDispense(RX.sertraline50Tab, { daysAgo, quantity: 60, daysSupply: 30 })),
          escitalopram: medRequest(RX.escitalopramIngredient, { authoredDaysAgo: 150, supplyDays: 30, refills: 2, dose: { mg: 20 }, status: 'completed' }),
        },
        [400, 397, 394].map((daysAgo) => medAdministration(RX.ketamineIngredient, { daysAgo, mg: 40 })),
      ),
    expect: { rules: { 'EL-1': 'met', 'EL-2': 'met' } },
  },
  'trials-named-by-medication-reference': {
    // Both trials name their drug only by medicationReference to a separate Medication (as Synthea and many
    // EHRs write them): fetched from the FHIR server, the Medications must be read to identify the trials (DS-5).
    build: () => {
      const sertraline = medication(RX.sertraline50Tab, 'sertraline 50 MG Oral Tablet');
      const escitalopram = medication(RX.escitalopramIngredient, 'escitalopram');
      return candidate({
        sertraline: [sertraline, byReference(medStatement(RX.sertraline50Tab, { startDaysAgo: 300, endDaysAgo: 200, dose: { tablets: 2 } }), sertraline)],
        escitalopram: [
          escitalopram,
          byReference(medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }), escitalopram),
        ],
      });
    },
    expect: { rules: { 'EL-1': 'met', 'EL-2': 'met' } },
  },
  'long-history-trd-candidate': {
    build: () => syntheticPatient(300),
    expect: { rules: { 'EL-1': 'met' } },
  },
};

/** Ids unique across fixtures (they share one server): the patient is the scenario, the rest numbered. */
export function toTransactionBundle(name: string, resources: fhir4.Resource[]): fhir4.Bundle {
  const ids = new Map<string, string>();
  resources.forEach((r, i) => ids.set(`${r.resourceType}/${r.id}`, r.resourceType === 'Patient' ? name : `${name}-${i + 1}`));
  const renumber = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(renumber);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string' && ids.has(v)) out[k] = `${v.split('/')[0]}/${ids.get(v)}`;
      else out[k] = renumber(v);
    }
    return out;
  };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((r) => {
      const id = ids.get(`${r.resourceType}/${r.id}`)!;
      return { resource: { ...(renumber(r) as fhir4.Resource), id }, request: { method: 'PUT', url: `${r.resourceType}/${id}` } };
    }),
  };
}
