import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../cds-services/assessment/assess.js';
import type { Modality, Status } from '../../cds-services/assessment/findings.js';
import { RX, SYS, allergy, icd, medDispense, medRequest, medStatement, obs, patient, procedure, sct } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';
import { dosingWeight, protocolDoseMg } from '../../cds-services/order-review/checks.js';

interface Scenario {
  resources: fhir4.Resource[];
  unknown?: string[];
  expect: Record<string, Status>;
  verdicts?: Partial<Record<Modality, Verdict>>;
}

/** The same medication record naming its drug only by a reference to a Medication resource. */
const byReference = (r: fhir4.MedicationStatement, reference: string): fhir4.MedicationStatement => {
  const { medicationCodeableConcept: _coded, ...rest } = r;
  return { ...rest, medicationReference: { reference } };
};

/** Every scenario is named in words; each checks the rule ids it is about (and verdicts where they matter). */
const scenarios: Record<string, Scenario> = {
  // ---- a clean candidate and a non-candidate ----
  'clean-candidate-is-eligible-and-clear': {
    resources: candidate(),
    expect: {
      'EL-1': 'met',
      'EL-2': 'met',
      'EL-3': 'not-met',
      'EL-4': 'met',
      'EL-5': 'met',
      'EL-6': 'met',
      'EL-7': 'met',
      'EL-8': 'unknown',
      ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13].map((n) => [`CI-${n}`, 'not-met'])),
      // No TMS safety screen on file: implants are not absent, they are unknown (revision-2 CI-10).
      'CI-10': 'unknown',
      ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21, 22].map((n) => [`RC-${n}`, 'not-met'])),
      // RC-14 (revised): a payer note only for TMS alongside ketamine or esketamine; no concurrent courses here.
      'RC-14': 'not-met',
      'RC-15': 'met',
      // MO-1 is retired by revision-2: its checks are OR-3, OR-4 and OR-5 in order review (test/order-review).
      'MO-2': 'met',
      'MO-3': 'met',
      'MO-4': 'met',
      'MO-5': 'met',
      'MO-6': 'met',
      'MO-11': 'met',
      'MO-12': 'met',
      'MO-13': 'met',
      'EL-12': 'not-met',
    },
    verdicts: { 'iv-ketamine': 'clear', esketamine: 'clear', tms: 'caution', 'ketamine-tms-combination': 'caution' },
  },
  // ---- EL-1 ----
  // mdd-in-remission-only-is-not-a-current-episode moved to diagnoses.test.ts: with revision 2 a remission
  // code followed by a PHQ-9 >= 10 (the candidate's 18) asks to confirm a new episode instead.
  'ambiguous-depression-code-needs-confirmation': { resources: candidate({ mdd: icd('F32.A') }), expect: { 'EL-1': 'unknown' } },
  'icd-code-without-its-dot-is-recognised': { resources: candidate({ mdd: icd('F332') }), expect: { 'EL-1': 'met' } },
  'entered-in-error-diagnosis-is-ignored': { resources: candidate({ mdd: icd('F33.2', { verification: 'entered-in-error' }) }), expect: { 'EL-1': 'not-met' } },
  'abated-diagnosis-is-ignored': { resources: candidate({ mdd: icd('F33.2', { abatedDaysAgo: 30 }) }), expect: { 'EL-1': 'not-met' } },
  'treatment-resistant-depression-snomed-counts-as-mdd': { resources: candidate({ mdd: sct('1153570009') }), expect: { 'EL-1': 'met' } },
  'conditions-unavailable-make-diagnosis-unknown': { resources: candidate(), unknown: ['conditions'], expect: { 'EL-1': 'unknown' } },
  // ---- EL-2 and RC-13 ----
  'one-failed-trial-is-not-trd': {
    resources: candidate({ escitalopram: null }),
    expect: { 'EL-2': 'not-met', 'RC-13': 'met' },
    // RC-13 (revised) is the TRD card's summary, never a treatment's caution: IV ketamine stays clear; TMS is
    // cautioned only because no safety screen is on file (CI-10).
    verdicts: { 'iv-ketamine': 'clear', tms: 'caution' },
  },
  'trial-without-dosage-is-unknown-not-inadequate': {
    resources: candidate({ escitalopram: medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: null }) }),
    expect: { 'EL-2': 'unknown', 'RC-13': 'unknown' },
  },
  'tablet-count-dose-from-product-strength-is-below-minimum': {
    // one 50 mg tablet of sertraline is 50 mg/day: adequate at the lenient 50; half a tablet is not
    resources: candidate({ sertraline: medStatement(RX.sertraline50Tab, { startDaysAgo: 300, endDaysAgo: 200, dose: { tablets: 0.5 } }) }),
    expect: { 'EL-2': 'not-met' },
  },
  'trial-shorter-than-six-weeks-is-inadequate': {
    resources: candidate({ sertraline: medStatement(RX.sertraline50Tab, { startDaysAgo: 300, endDaysAgo: 270, dose: { tablets: 2 } }) }),
    expect: { 'EL-2': 'not-met' },
  },
  'overlapping-trials-of-one-ingredient-count-once': {
    resources: candidate(
      { escitalopram: null },
      medStatement(RX.sertralineIngredient, { startDaysAgo: 250, endDaysAgo: 150, dose: { mg: 150 } }),
      obs.phq9(19, 140),
    ),
    expect: { 'EL-2': 'not-met' },
  },
  'medication-coded-only-at-brand-level-counts': {
    resources: candidate({ sertraline: medStatement(RX.zoloft50Sbd, { startDaysAgo: 300, endDaysAgo: 200, dose: { tablets: 2 } }) }),
    expect: { 'EL-2': 'met' },
  },
  'lamotrigine-does-not-count-as-an-antidepressant-trial': {
    resources: candidate({ escitalopram: medStatement(RX.lamotrigineIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 200 } }) }),
    expect: { 'EL-2': 'not-met' },
  },
  'trial-from-dispense-history-counts': {
    resources: candidate(
      { escitalopram: null },
      medDispense(RX.sertraline50Tab, { daysAgo: 170, quantity: 60, daysSupply: 30 }),
      medDispense(RX.sertraline50Tab, { daysAgo: 140, quantity: 60, daysSupply: 30 }),
      medDispense(RX.sertraline50Tab, { daysAgo: 110, quantity: 60, daysSupply: 30 }),
    ),
    expect: { 'EL-2': 'not-met' }, // same ingredient as the first trial: still one trial
  },
  'trial-from-order-supply-and-refills-counts': {
    resources: candidate({
      escitalopram: medRequest(RX.escitalopramIngredient, { authoredDaysAgo: 150, supplyDays: 30, refills: 2, dose: { mg: 20 }, status: 'completed' }),
    }),
    expect: { 'EL-2': 'met' },
  },
  'trial-without-a-later-score-has-unknown-outcome': {
    resources: candidate({ phq9Recent: null }),
    expect: { 'EL-2': 'unknown' },
  },
  // Revision 2 (EL-2.11): a switch with no score is not evidence of nonresponse; it was 'met' before.
  'switch-with-no-score-leaves-the-first-attempt-undecided': {
    resources: candidate({ phq9AfterSertraline: null }),
    expect: { 'EL-2': 'unknown' },
  },
  'response-to-a-trial-means-it-did-not-fail': {
    resources: candidate({ phq9AfterSertraline: obs.phq9(4, 195), phq9Recent: obs.phq9(3, 3) }),
    expect: { 'EL-2': 'not-met' },
  },
  'antidepressant-named-only-by-a-medication-resource-the-record-lacks-makes-trd-unknown': {
    resources: candidate({
      escitalopram: byReference(medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }), 'Medication/med-x'),
    }),
    expect: { 'EL-2': 'unknown' },
  },
  'medication-resource-sent-with-the-record-identifies-the-drug': {
    resources: candidate(
      { escitalopram: byReference(medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }), 'Medication/med-x') },
      { resourceType: 'Medication', id: 'med-x', code: { coding: [{ system: SYS.rx, code: RX.escitalopramIngredient }] } } as fhir4.Medication,
    ),
    expect: { 'EL-2': 'met' },
  },
  'antidepressant-dispensed-under-an-ndc-code-makes-trd-unknown': {
    resources: candidate({
      escitalopram: {
        ...medDispense(RX.escitalopramIngredient, { daysAgo: 150, quantity: 90, daysSupply: 90 }),
        medicationCodeableConcept: { coding: [{ system: SYS.ndc, code: '0456-2020-01' }] },
      } as fhir4.MedicationDispense,
    }),
    expect: { 'EL-2': 'unknown' },
  },
  'free-text-medication-from-years-ago-does-not-hold-trd-open': {
    resources: candidate({
      escitalopram: {
        ...medStatement(RX.escitalopramIngredient, { startDaysAgo: 1500, endDaysAgo: 1400 }),
        medicationCodeableConcept: { text: 'an old tablet' },
      } as fhir4.MedicationStatement,
    }),
    expect: { 'EL-2': 'not-met' },
  },
  'medication-history-unavailable-makes-trd-unknown': {
    resources: candidate(),
    unknown: ['medicationStatements'],
    expect: { 'EL-2': 'unknown', 'RC-13': 'unknown' },
  },
  // ---- EL-3 ----
  'prior-tms-course-with-poor-response-meets-combination-criterion': {
    resources: candidate(
      {},
      obs.phq9(22, 131),
      [120, 110, 100].map((d) => procedure(SYS.cpt, '90868', { daysAgo: d })),
      obs.phq9(19, 90),
    ),
    expect: { 'EL-3': 'met' },
  },
  'prior-tms-course-without-scores-is-unknown': {
    resources: candidate(
      {},
      [320, 310].map((d) => procedure(SYS.cpt, '90868', { daysAgo: d })),
    ),
    expect: { 'EL-3': 'unknown' },
  },
  'no-prior-course-does-not-meet-combination-criterion': { resources: candidate(), expect: { 'EL-3': 'not-met' } },
  // ---- EL-4, EL-5, EL-6, EL-7 (MO-1 retired: the weight-based dose is OR-3's, below) ----
  'no-recent-phq9-means-no-baseline': { resources: candidate({ phq9Recent: obs.phq9(18, 45) }), expect: { 'EL-4': 'not-met' } },
  'madrs-is-a-baseline-too': { resources: candidate({ phq9Recent: null }, obs.madrs(30, 2)), expect: { 'EL-4': 'met' } },
  'observations-unavailable-make-vitals-unknown': {
    resources: candidate(),
    unknown: ['observations'],
    expect: { 'EL-4': 'unknown', 'EL-5': 'unknown', 'EL-7': 'unknown', 'CI-6': 'unknown' },
  },
  'missing-heart-rate-fails-medical-clearance': { resources: candidate({ heartRate: null }), expect: { 'EL-5': 'not-met' } },
  'adolescent-is-not-an-adult': { resources: candidate({ patient: patient({ age: 16 }) }), expect: { 'EL-6': 'not-met' } },
  'no-birth-date-makes-age-unknown': { resources: candidate({ patient: patient({ birthDate: null }) }), expect: { 'EL-6': 'unknown' } },
  // DS-7: a partial birth date is an interval; on 2026-11-21 a patient born in 2008 may be 17 or 18.
  'year-only-birth-date-straddling-18-makes-age-unknown': { resources: candidate({ patient: patient({ birthDate: '2008' }) }), expect: { 'EL-6': 'unknown' } },
  'year-month-birth-date-in-the-18th-birthday-month-makes-age-unknown': {
    resources: candidate({ patient: patient({ birthDate: '2008-11' }) }),
    expect: { 'EL-6': 'unknown' },
  },
  'year-month-birth-date-whose-whole-month-is-18-is-adult': { resources: candidate({ patient: patient({ birthDate: '2008-10' }) }), expect: { 'EL-6': 'met' } },
  'year-only-birth-date-of-an-older-adult-is-adult': { resources: candidate({ patient: patient({ birthDate: '1980' }) }), expect: { 'EL-6': 'met' } },
  // An implausible birth date is no one's: the age is unknown, never negative (a minor) or 126 (an adult).
  'a-birth-date-in-the-future-makes-age-unknown-not-negative': {
    resources: candidate({ patient: patient({ birthDate: '2030-01-01' }) }),
    expect: { 'EL-6': 'unknown' },
  },
  'a-birth-date-giving-an-age-of-126-makes-age-unknown': {
    resources: candidate({ patient: patient({ birthDate: '1900-01-01' }) }),
    expect: { 'EL-6': 'unknown' },
  },
  'no-recent-weight-means-no-weight-based-dose': {
    resources: candidate({ weight: obs.weight(80, 'kg', 60) }),
    expect: { 'EL-7': 'not-met' },
  },
  'weight-in-pounds-is-converted': { resources: candidate({ weight: obs.weight(176, '[lb_av]') }), expect: { 'EL-7': 'met' } },
  // Epic sends body weight in ounces: 2822 [oz_av] is 80 kg, a weight, not a missing one.
  'epic-weight-in-ounces-is-converted': { resources: candidate({ weight: obs.weight(2822, '[oz_av]') }), expect: { 'EL-7': 'met' } },
  'weight-in-grams-is-converted': { resources: candidate({ weight: obs.weight(80000, 'g') }), expect: { 'EL-7': 'met' } },
  // ---- CI-2 ----
  'schizophrenia-contraindicates-ketamine-and-cautions-tms': {
    resources: candidate({}, icd('F20.9')),
    expect: { 'CI-2': 'met' },
    verdicts: { 'iv-ketamine': 'contraindicated', esketamine: 'contraindicated', tms: 'caution', 'ketamine-tms-combination': 'contraindicated' },
  },
  'schizotypal-disorder-asks-to-confirm-no-psychosis': { resources: candidate({}, icd('F21')), expect: { 'CI-2': 'unknown' } },
  // ---- CI-5 (the other safety rules of revision-2 section 6 are in safety-rules.test.ts) ----
  'resolved-cerebral-aneurysm-still-contraindicates-esketamine': {
    resources: candidate({}, icd('I67.1', { status: 'resolved' })),
    expect: { 'CI-5': 'met' },
    verdicts: { esketamine: 'contraindicated', tms: 'caution' }, // TMS: no safety screen on file (CI-10 unknown)
  },
  // ---- CI-8 ----
  'ketamine-allergy-contraindicates-both-ketamines': {
    resources: candidate({}, allergy(SYS.rx, RX.ketamineIngredient)),
    expect: { 'CI-8': 'met' },
    verdicts: { 'iv-ketamine': 'contraindicated', esketamine: 'contraindicated', tms: 'caution' }, // TMS: no safety screen (CI-10 unknown)
  },
  'allergies-unavailable-make-hypersensitivity-unknown': { resources: candidate(), unknown: ['allergies'], expect: { 'CI-8': 'unknown' } },
  // ---- CI-11 ----
  'raised-intracranial-pressure-contraindicates-ketamine': {
    resources: candidate({}, icd('G93.2')),
    expect: { 'CI-11': 'met' },
    verdicts: { tms: 'caution', esketamine: 'contraindicated' },
  },
  // ---- other cautions ----
  'bipolar-disorder-is-a-caution-for-all': {
    resources: candidate({}, icd('F31.81')),
    expect: { 'RC-1': 'met' },
    verdicts: { tms: 'caution', esketamine: 'caution' },
  },
  'thyrotoxicosis-is-a-caution': { resources: candidate({}, icd('E05.00')), expect: { 'RC-9': 'met' } },
  'glaucoma-is-information-only': { resources: candidate({}, icd('H40.9')), expect: { 'RC-10': 'met' }, verdicts: { 'iv-ketamine': 'clear' } },
  'interstitial-cystitis-is-information-only': { resources: candidate({}, icd('N30.10')), expect: { 'RC-11': 'met' } },
  'dissociative-disorder-is-a-caution': { resources: candidate({}, icd('F44.81')), expect: { 'RC-12': 'met' } },
  'current-free-text-medication-keeps-cns-depressants-unknown': {
    resources: candidate({}, {
      ...medStatement('6470', { startDaysAgo: 10 }),
      medicationCodeableConcept: { text: 'sleeping tablet from home' },
    } as fhir4.MedicationStatement),
    expect: { 'RC-3': 'unknown', 'RC-4': 'unknown' },
  },
  'current-medication-under-an-ndc-code-keeps-cns-depressants-unknown': {
    resources: candidate({}, {
      ...medRequest('6470', { authoredDaysAgo: 10 }),
      medicationCodeableConcept: { coding: [{ system: SYS.ndc, code: '0591-0240-01' }] },
    } as fhir4.MedicationRequest),
    expect: { 'RC-3': 'unknown', 'RC-4': 'unknown' },
  },
  'stopped-free-text-medication-does-not-hold-cns-depressants-open': {
    resources: candidate({}, {
      ...medStatement('6470', { startDaysAgo: 100, endDaysAgo: 60 }),
      medicationCodeableConcept: { text: 'sleeping tablet from home' },
    } as fhir4.MedicationStatement),
    expect: { 'RC-3': 'not-met', 'RC-4': 'not-met' },
  },
  'medication-orders-unavailable-make-cns-depressants-unknown': {
    resources: candidate(),
    unknown: ['medicationRequests'],
    expect: { 'RC-3': 'unknown', 'RC-4': 'unknown' },
  },
  // ---- whole record unavailable ----
  'every-resource-type-unavailable-nothing-is-clear': {
    resources: [],
    unknown: [
      'patient',
      'conditions',
      'medicationStatements',
      'medicationRequests',
      'medicationDispenses',
      'medicationAdministrations',
      'observations',
      'procedures',
      'devices',
      'allergies',
    ],
    expect: {
      'EL-1': 'unknown',
      'EL-2': 'unknown',
      'EL-4': 'unknown',
      'EL-5': 'unknown',
      'EL-6': 'unknown',
      'EL-7': 'unknown',
      'CI-1': 'unknown',
      'CI-2': 'unknown',
      'CI-3': 'unknown',
      'CI-4': 'unknown',
      'CI-5': 'unknown',
      'CI-6': 'unknown',
      'CI-7': 'unknown',
      'CI-8': 'unknown',
      'CI-9': 'unknown',
      'CI-10': 'unknown',
      'CI-11': 'unknown',
      'CI-13': 'unknown',
      ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21].map((n) => [`RC-${n}`, 'unknown'])),
    },
    verdicts: { 'iv-ketamine': 'caution', esketamine: 'caution', tms: 'caution', 'ketamine-tms-combination': 'caution' },
  },
};

describe('TRD assessment rules', () => {
  it.each(Object.entries(scenarios))('%s', (_name, s) => {
    const a = assessResources(s.resources, s.unknown);
    const statuses = Object.fromEntries(Object.keys(s.expect).map((rule) => [rule, a.byRule.get(rule)?.status]));
    expect(statuses).toEqual(s.expect);
    for (const [modality, verdict] of Object.entries(s.verdicts ?? {})) {
      expect({ modality, verdict: a.modalities[modality as Modality].status }).toEqual({ modality, verdict });
    }
    // Every unknown says what would settle it.
    for (const f of [...a.criteria, ...a.findings]) if (f.status === 'unknown') expect(f.missing.length, f.rule).toBeGreaterThan(0);
  });
});

describe('evidence and derived values', () => {
  it('a year-only birth date that could be 17 or 18 asks for a full birth date (DS-7)', () => {
    const el6 = assessResources(candidate({ patient: patient({ birthDate: '2008' }) })).byRule.get('EL-6');
    expect({ status: el6?.status, missing: el6?.missing }).toEqual({ status: 'unknown', missing: ['a full birth date'] });
  });
  it('met findings name the resources that decided them', () => {
    const a = assessResources(candidate({}, icd('F20.9', { id: 'schizo' })));
    expect(a.byRule.get('CI-2')!.evidence).toEqual(['Condition/schizo']);
  });

  it('the weight-based dose is 0.5 mg/kg of the OR-3 dosing weight, from pounds too (MO-1 retired by revision-2)', () => {
    const dose = (resources: fhir4.Resource[]) => {
      const a = assessResources(resources);
      const c = a.index.knowledge.thresholds.orderReview;
      const w = dosingWeight(a.index, c)!;
      return { weightKg: Math.round(w.kg * 10) / 10, doseMg: protocolDoseMg(w, c) };
    };
    expect(dose(candidate())).toEqual({ weightKg: 80, doseMg: 40 });
    expect(dose(candidate({ weight: obs.weight(200, '[lb_av]') }))).toEqual({ weightKg: 90.7, doseMg: 45.5 });
    expect(dose(candidate({ weight: obs.weight(2822, '[oz_av]') }))).toEqual({ weightKg: 80, doseMg: 40 });
  });

  it('counts adequate and failed trials for the assessment', () => {
    const a = assessResources(candidate());
    expect(a.trd).toMatchObject({ status: 'met', adequateTrials: 2, failedTrials: 2, unknownTrials: 0 });
    // Attempts are listed in the order they started (revision 2), no longer by name.
    expect(a.trials.map((t) => [t.ingredient, t.status])).toEqual([
      ['sertraline', 'failed'],
      ['escitalopram', 'failed'],
    ]);
  });

  it('a documented response is not a failure even when the drug was later switched', () => {
    const a = assessResources(candidate({ phq9AfterSertraline: obs.phq9(4, 195), phq9Recent: obs.phq9(3, 3) }));
    expect(a.trials.map((t) => [t.ingredient, t.status])).toEqual([
      ['sertraline', 'responded'],
      ['escitalopram', 'responded'],
    ]);
  });

  it('every rule id of rules.md section 5 and revision-2 section 6 is evaluated', () => {
    const ids = [...assessResources(candidate()).byRule.keys()];
    const expected = [
      ...Array.from({ length: 9 }, (_, i) => `EL-${i + 1}`),
      ...Array.from({ length: 13 }, (_, i) => `CI-${i + 1}`),
      ...Array.from({ length: 22 }, (_, i) => `RC-${i + 1}`),
      // MO-1 is retired (revision-2 section 2: OR-3, OR-4, OR-5); MO-11 to MO-13 are new (section 7).
      ...Array.from({ length: 12 }, (_, i) => `MO-${i + 2}`),
      'EL-11',
      'EL-12',
    ];
    expect(ids.sort()).toEqual(expected.sort());
  });
});
