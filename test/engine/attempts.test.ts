/**
 * Revision 2, section 4: EL-2 on treatment attempts (EL-2.4 to EL-2.13). Each scenario is named in
 * words; it checks EL-2, and the attempts as a clinician would list them (name, status).
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { attemptThresholdProblems } from '../../cds-services/assessment/attempts.js';
import { RX, SYS, daysAgo, medStatement, obs, type DoseSpec } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { knowledge } from '../helpers/knowledge.js';
import { assessResources } from '../helpers/record.js';

const DRUG = {
  mirtazapine: '15996',
  venlafaxine: '39786',
  aripiprazole: '89013',
  lithiumCarbonate: '42351',
  olanzapine: '61381',
  dextromethorphanBupropion: '2611260', // bupropion 105 mg / dextromethorphan 45 mg ER tablet (catalogue)
  trazodone: '10737',
  fluoxetine: '4493',
  bupropion: '42347',
  fluoxetine25Olanzapine6: '403969', // fluoxetine 25 MG / olanzapine 6 MG Oral Capsule (catalogue SCD; Symbyax is SBD 725064)
};
const lithiumLevel = (mmolL: number, days: number): fhir4.Observation => ({
  resourceType: 'Observation',
  id: `li-${days}`,
  status: 'final',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: SYS.loinc, code: '14334-7' }] },
  effectiveDateTime: daysAgo(days),
  valueQuantity: { value: mmolL, system: SYS.ucum, code: 'mmol/L' },
});
const stoppedFor = (r: fhir4.MedicationStatement, reason: fhir4.CodeableConcept): fhir4.MedicationStatement => ({
  ...r,
  status: 'stopped',
  statusReason: [reason],
});
const SINTOL: fhir4.CodeableConcept = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason', code: 'sintol' }] };

/** The candidate with its two trials replaced: the scenario names what it puts instead. */
const withTrials = (...resources: fhir4.Resource[]) =>
  candidate({ sertraline: null, escitalopram: null, phq9AfterSertraline: null, phq9Recent: null }, ...resources);

/** `rxcui` taken from `fromDaysAgo` to `toDaysAgo` at `dose` a day. */
const taken = (rxcui: string, fromDaysAgo: number, toDaysAgo: number, dose: DoseSpec) =>
  medStatement(rxcui, { startDaysAgo: fromDaysAgo, endDaysAgo: toDaysAgo, dose });

/** Sertraline 100 mg from 300 to 200 days ago: the first trial of most scenarios. */
const sertraline100 = () => taken(RX.sertralineIngredient, 300, 200, { mg: 100 });

/** One trial from 300 to 200 days ago at `dose` a day, with one PHQ-9 of `phq9` five days after it ended (no baseline). */
const oneTrialThenPhq9 = (rxcui: string, dose: DoseSpec, phq9: number) => withTrials(taken(rxcui, 300, 200, dose), obs.phq9(phq9, 205));

/** `first` (with its `scores`), then escitalopram 20 mg from 180 to 60 days ago with PHQ-9 18 three days ago: a failed second trial. */
const firstTrialThenEscitalopram = (first: fhir4.MedicationStatement, ...scores: fhir4.Observation[]) =>
  withTrials(first, ...scores, taken(RX.escitalopramIngredient, 180, 60, { mg: 20 }), obs.phq9(18, 3));

/** Sertraline 150 mg from 200 to 116 days ago, mirtazapine at `mirtazapineMg` started `mirtazapineFromDaysAgo` beside it; PHQ-9 20 -> 18. */
const sertralineBesideMirtazapine = (mirtazapineFromDaysAgo: number, mirtazapineMg: number) =>
  withTrials(
    taken(RX.sertralineIngredient, 200, 116, { mg: 150 }),
    taken(DRUG.mirtazapine, mirtazapineFromDaysAgo, 116, { mg: mirtazapineMg }),
    obs.phq9(20, 202),
    obs.phq9(18, 110),
  );

/** `first` at `firstMg` failed from 300 to 100 days ago (PHQ-9 22 -> 20), then `added` at `addedMg` a day beside it from 220 days ago (with a lithium level when given), PHQ-9 19 after. */
const failedThenAdded = (first: string, firstMg: number, added: string, addedMg: number, levelMmolL?: number) =>
  withTrials(
    taken(first, 300, 100, { mg: firstMg }),
    obs.phq9(22, 301),
    obs.phq9(20, 230),
    taken(added, 220, 100, { mg: addedMg }),
    ...(levelMmolL === undefined ? [] : [lithiumLevel(levelMmolL, 200)]),
    obs.phq9(19, 105),
  );

/** Sertraline 150 mg failed (PHQ-9 22 -> 20), then lithium carbonate added at `mg` a day (with a level when given), PHQ-9 19 after. */
const sertralineFailedThenLithium = (mg: number, levelMmolL?: number) => failedThenAdded(RX.sertralineIngredient, 150, DRUG.lithiumCarbonate, mg, levelMmolL);

/** Escitalopram 20 mg failed (PHQ-9 22 -> 20), then `added` at `mg` a day beside it, PHQ-9 19 after. */
const escitalopramFailedThenAdded = (added: string, mg: number) => failedThenAdded(RX.escitalopramIngredient, 20, added, mg);

/** Sertraline 100 mg from 500 to 400 days ago (PHQ-9 19 after), escitalopram 20 mg from 380 to 200 days ago with no score within 90 days after; then `laterScores`. */
const sertralineThenEscitalopramLongAgo = (...laterScores: fhir4.Observation[]) =>
  withTrials(taken(RX.sertralineIngredient, 500, 400, { mg: 100 }), obs.phq9(19, 405), taken(RX.escitalopramIngredient, 380, 200, { mg: 20 }), ...laterScores);

/** `rxcui` taken from `fromDaysAgo` to `toDaysAgo` at `dose` a day, named only in words (no code). */
const takenNamed = (text: string, rxcui: string, fromDaysAgo: number, toDaysAgo: number, dose: DoseSpec): fhir4.MedicationStatement => ({
  ...taken(rxcui, fromDaysAgo, toDaysAgo, dose),
  medicationCodeableConcept: { text },
});

/** Dextromethorphan-bupropion named only as `text`, two tablets a day from 300 to 200 days ago (PHQ-9 21 -> 19), then escitalopram failed. */
const dextromethorphanBupropionNamed = (text: string) =>
  firstTrialThenEscitalopram(takenNamed(text, DRUG.dextromethorphanBupropion, 300, 200, { tablets: 2 }), obs.phq9(21, 301), obs.phq9(19, 205));

/** Fluoxetine-olanzapine named only as `text`, one capsule a day from 300 to 200 days ago (PHQ-9 21 -> 19), then escitalopram failed. */
const fluoxetineOlanzapineNamed = (text: string) =>
  firstTrialThenEscitalopram(takenNamed(text, DRUG.fluoxetine, 300, 200, { tablets: 1 }), obs.phq9(21, 301), obs.phq9(19, 205));

/** Fluoxetine 40 mg from 300 days ago to `fluoxetineEnd`, `next` at `nextMg` from `nextStart` to 60 days ago beside it; PHQ-9 22 before, 20 at 205 days ago, 19 at 62. */
const fluoxetineOverlappedBy = (fluoxetineEnd: number, next: string, nextStart: number, nextMg: number) =>
  withTrials(
    taken(DRUG.fluoxetine, 300, fluoxetineEnd, { mg: 40 }),
    taken(next, nextStart, 60, { mg: nextMg }),
    obs.phq9(22, 301),
    obs.phq9(20, 205),
    obs.phq9(19, 62),
  );

interface Scenario {
  resources: fhir4.Resource[];
  el2: Status;
  /** The attempts as a clinician would list them, `name: status`, oldest first. */
  attempts?: string[];
  note?: RegExp;
}

const scenarios: Record<string, Scenario> = {
  'sertraline-with-night-time-mirtazapine-15-for-the-same-weeks-is-one-attempt': {
    // Mirtazapine 15 mg beside sertraline is hypnotic co-medication (EL-2.4): neither a second attempt nor part of one.
    resources: sertralineBesideMirtazapine(200, 15),
    el2: 'not-met',
    attempts: ['sertraline: failed'],
  },
  'sertraline-and-mirtazapine-30-started-together-are-one-combination-attempt': {
    resources: sertralineBesideMirtazapine(195, 30),
    el2: 'not-met',
    attempts: ['sertraline + mirtazapine: failed'],
  },
  'fluoxetine-cross-tapered-to-sertraline-in-week-three-is-two-attempts-not-a-combination': {
    // Two SSRIs overlapping for two weeks: a switch. Fluoxetine's 5 weeks are its own (too short) attempt.
    resources: fluoxetineOverlappedBy(265, RX.sertralineIngredient, 280, 150),
    el2: 'not-met',
    attempts: ['fluoxetine: inadequate', 'sertraline: failed'],
  },
  'fluoxetine-cross-tapered-to-sertraline-after-an-adequate-fluoxetine-trial-is-two-monotherapies': {
    resources: fluoxetineOverlappedBy(190, RX.sertralineIngredient, 200, 150),
    el2: 'met',
    attempts: ['fluoxetine: failed', 'sertraline: failed'],
  },
  'fluoxetine-and-sertraline-started-the-same-day-and-taken-together-for-six-months-is-one-combination-attempt': {
    // EL-2.5.1: started within 14 days, one attempt; neither was tapered off, so no cross-taper.
    resources: withTrials(
      taken(DRUG.fluoxetine, 270, 90, { mg: 20 }),
      taken(RX.sertralineIngredient, 270, 90, { mg: 100 }),
      obs.phq9(20, 275),
      obs.phq9(19, 200),
      obs.phq9(18, 95),
    ),
    el2: 'not-met',
    attempts: ['fluoxetine + sertraline: failed'],
  },
  'sertraline-added-to-an-adequate-fluoxetine-trial-and-both-taken-for-three-months-is-a-new-combination-not-a-switch': {
    // The overlap (100 days) is far longer than a cross-taper's 28 days: EL-2.5.2, an add-on after adequate duration.
    resources: fluoxetineOverlappedBy(100, RX.sertralineIngredient, 200, 150),
    el2: 'met',
    attempts: ['fluoxetine: failed', 'fluoxetine + sertraline: failed'],
  },
  'bupropion-added-to-fluoxetine-in-week-three-is-still-one-combination-attempt': {
    // Another class: a combination strategy, as EL-2.5 says.
    resources: fluoxetineOverlappedBy(60, DRUG.bupropion, 280, 300),
    el2: 'not-met',
    attempts: ['fluoxetine + bupropion: failed'],
  },
  'phq9-falling-from-25-to-11-is-a-response-not-a-failure': {
    resources: firstTrialThenEscitalopram(sertraline100(), obs.phq9(25, 302), obs.phq9(11, 205)),
    el2: 'not-met',
    attempts: ['sertraline: responded', 'escitalopram: failed'],
    note: /response: PHQ-9 25 -> 11, 56 % below baseline/,
  },
  'phq9-falling-from-25-to-14-is-nonresponse': {
    resources: firstTrialThenEscitalopram(sertraline100(), obs.phq9(25, 302), obs.phq9(14, 205)),
    el2: 'met',
    attempts: ['sertraline: failed', 'escitalopram: failed'],
    note: /nonresponse: PHQ-9 25 -> 14, 44 % below baseline/,
  },
  'dextromethorphan-bupropion-at-two-tablets-a-day-is-one-adequate-attempt': {
    resources: firstTrialThenEscitalopram(taken(DRUG.dextromethorphanBupropion, 300, 200, { tablets: 2 }), obs.phq9(21, 301), obs.phq9(19, 205)),
    el2: 'met',
    attempts: ['dextromethorphan-bupropion: failed', 'escitalopram: failed'],
  },
  'dextromethorphan-45-mg-bupropion-105-mg-named-only-in-words-is-the-product-not-dextromethorphan-alone': {
    // EL-2.7, DS-4: a name naming every ingredient of one catalogued product is that product.
    resources: dextromethorphanBupropionNamed('dextromethorphan 45 mg / bupropion 105 mg extended release tablet'),
    el2: 'met',
    attempts: ['dextromethorphan-bupropion: failed', 'escitalopram: failed'],
  },
  'bupropion-105-mg-dextromethorphan-45-mg-named-only-in-words-is-the-product-not-bupropion-with-no-dose': {
    resources: dextromethorphanBupropionNamed('bupropion 105 mg / dextromethorphan 45 mg tablet'),
    el2: 'met',
    attempts: ['dextromethorphan-bupropion: failed', 'escitalopram: failed'],
  },
  'dextromethorphan-bupropion-er-tablet-with-no-strength-in-words-is-the-one-catalogued-product': {
    resources: dextromethorphanBupropionNamed('dextromethorphan-bupropion ER tablet'),
    el2: 'met',
    attempts: ['dextromethorphan-bupropion: failed', 'escitalopram: failed'],
  },
  'auvelity-by-its-brand-name-is-dextromethorphan-bupropion': {
    resources: dextromethorphanBupropionNamed('Auvelity 45 mg-105 mg tablet'),
    el2: 'met',
    attempts: ['dextromethorphan-bupropion: failed', 'escitalopram: failed'],
  },
  'fluoxetine-25-mg-olanzapine-6-mg-by-its-code-is-a-fluoxetine-olanzapine-attempt': {
    // EL-2.7: one fluoxetine-based combination attempt; fluoxetine 25 mg a day against the fluoxetine threshold.
    resources: firstTrialThenEscitalopram(taken(DRUG.fluoxetine25Olanzapine6, 300, 200, { tablets: 1 }), obs.phq9(21, 301), obs.phq9(19, 205)),
    el2: 'met',
    attempts: ['fluoxetine + olanzapine: failed', 'escitalopram: failed'],
  },
  'olanzapine-6-mg-fluoxetine-25-mg-named-olanzapine-first-is-the-same-attempt-never-dropped': {
    // The generic and its brand (Symbyax) both fit the masses: one drug, not an unidentified name read as olanzapine alone.
    resources: fluoxetineOlanzapineNamed('olanzapine 6 mg / fluoxetine 25 mg oral capsule'),
    el2: 'met',
    attempts: ['fluoxetine + olanzapine: failed', 'escitalopram: failed'],
  },
  'fluoxetine-25-mg-olanzapine-6-mg-named-fluoxetine-first-is-the-same-attempt-with-its-dose': {
    resources: fluoxetineOlanzapineNamed('fluoxetine 25 mg / olanzapine 6 mg oral capsule'),
    el2: 'met',
    attempts: ['fluoxetine + olanzapine: failed', 'escitalopram: failed'],
  },
  'olanzapine-fluoxetine-named-with-no-strength-is-a-fluoxetine-trial-of-unknown-dose-never-dropped': {
    // Five strengths fit: the drug is fluoxetine (the antidepressant named), its dose per capsule is not known.
    resources: fluoxetineOlanzapineNamed('olanzapine and fluoxetine oral capsule'),
    el2: 'unknown',
    attempts: ['fluoxetine: adequacy-unknown', 'escitalopram: failed'],
  },
  'dextromethorphan-bupropion-at-one-tablet-a-day-is-inadequate': {
    resources: oneTrialThenPhq9(DRUG.dextromethorphanBupropion, { tablets: 1 }, 19),
    el2: 'not-met',
    attempts: ['dextromethorphan-bupropion: inadequate'],
  },
  'lithium-added-to-an-adequate-antidepressant-at-a-level-of-0-7-is-an-augmentation-attempt': {
    resources: sertralineFailedThenLithium(600, 0.7),
    el2: 'met',
    attempts: ['sertraline: failed', 'sertraline + lithium carbonate: failed'],
  },
  'lithium-with-a-level-of-0-3-is-an-inadequate-augmentation': {
    resources: sertralineFailedThenLithium(900, 0.3),
    el2: 'not-met',
    attempts: ['sertraline: failed', 'sertraline + lithium carbonate: inadequate'],
  },
  'lithium-without-a-level-is-adequate-by-dose': {
    resources: sertralineFailedThenLithium(900),
    el2: 'met',
  },
  'adjunct-aripiprazole-5-mg-is-an-augmentation-attempt': {
    resources: escitalopramFailedThenAdded(DRUG.aripiprazole, 5),
    el2: 'met',
    attempts: ['escitalopram: failed', 'escitalopram + aripiprazole: failed'],
  },
  'olanzapine-without-fluoxetine-is-not-an-augmentation': {
    resources: escitalopramFailedThenAdded(DRUG.olanzapine, 10),
    el2: 'not-met',
    attempts: ['escitalopram: failed'],
  },
  'venlafaxine-75-mg-is-below-the-revised-lenient-dose-of-150': {
    resources: oneTrialThenPhq9(DRUG.venlafaxine, { mg: 75 }, 19),
    el2: 'not-met',
    attempts: ['venlafaxine: inadequate'],
  },
  'trazodone-50-mg-alone-is-an-inadequate-dose-attempt': {
    resources: oneTrialThenPhq9(DRUG.trazodone, { mg: 50 }, 19),
    el2: 'not-met',
    attempts: ['trazodone: inadequate'],
  },
  'stopped-for-side-effects-is-intolerance-not-failure': {
    resources: firstTrialThenEscitalopram(stoppedFor(sertraline100(), SINTOL)),
    el2: 'not-met',
    attempts: ['sertraline: intolerant', 'escitalopram: failed'],
  },
  'stopped-as-not-effective-with-no-score-is-a-failure': {
    resources: firstTrialThenEscitalopram(stoppedFor(sertraline100(), { text: 'No response after 14 weeks' })),
    el2: 'met',
    attempts: ['sertraline: failed', 'escitalopram: failed'],
  },
  'switch-with-no-score-and-no-reason-is-undecided': {
    resources: firstTrialThenEscitalopram(sertraline100()),
    el2: 'unknown',
    attempts: ['sertraline: outcome-unknown', 'escitalopram: failed'],
  },
  'severe-phq9-today-after-a-stopped-attempt-with-no-score-shows-persistence': {
    // Escitalopram stopped 200 days ago, no score within 90 days after it; a PHQ-9 of 22 today, no remission between.
    resources: sertralineThenEscitalopramLongAgo(obs.phq9(22, 1)),
    el2: 'met',
    attempts: ['sertraline: failed', 'escitalopram: failed'],
    note: /persistent symptoms: PHQ-9 22/,
  },
  'a-remission-score-between-resets-the-persistence-rule': {
    resources: sertralineThenEscitalopramLongAgo(obs.phq9(3, 60), obs.phq9(22, 1)),
    el2: 'unknown',
    attempts: ['sertraline: failed', 'escitalopram: outcome-unknown'],
  },
  'no-baseline-and-a-later-phq9-below-10-is-not-a-failure': {
    resources: oneTrialThenPhq9(RX.sertralineIngredient, { mg: 100 }, 8),
    el2: 'not-met',
    attempts: ['sertraline: responded'],
  },
};

describe('revision 2 treatment attempts (EL-2)', () => {
  it.each(Object.entries(scenarios))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    const el2 = a.byRule.get('EL-2')!;
    expect(el2.status).toBe(s.el2);
    if (s.attempts) expect(a.trials.map((t) => `${t.ingredient}: ${t.status}`)).toEqual(s.attempts);
    if (s.note) expect(a.trials.map((t) => t.note).join(' | ')).toMatch(s.note);
    if (el2.status === 'unknown') expect(el2.missing.length).toBeGreaterThan(0);
    // A configuration gap never reaches a card: no "thresholds" wording anywhere.
    expect(JSON.stringify([el2.missing, el2.note])).not.toMatch(/threshold/i);
  });

  it('counting by distinct antidepressants counts a failed augmentation of the same drug once', () => {
    const k = knowledge();
    const resources = scenarios['adjunct-aripiprazole-5-mg-is-an-augmentation-attempt']!.resources;
    const byAttempts = assessResources(resources);
    expect(byAttempts.byRule.get('EL-2')!.data).toMatchObject({ failedTrials: 2, distinctAntidepressantsFailed: 1 });
    const saved = k.thresholds.attempts.countBasis.value;
    k.thresholds.attempts.countBasis.value = 'antidepressants';
    try {
      expect(assessResources(resources).byRule.get('EL-2')!.status).toBe('not-met');
    } finally {
      k.thresholds.attempts.countBasis.value = saved;
    }
  });

  it('a missing adequate dose is a start-up problem naming the ingredient or product, never a card', () => {
    const k = knowledge();
    expect(attemptThresholdProblems(k.terminology, k.catalogue, k.thresholds)).toEqual([]);
    const broken = structuredClone(k.thresholds);
    delete broken.adequateTrial.minimumDailyDoseMg['36437'];
    delete broken.attempts.products['2611260'];
    const problems = attemptThresholdProblems(k.terminology, k.catalogue, broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no minimum daily dose for sertraline \(RxNorm 36437\)/i),
        expect.stringMatching(/no product row for bupropion hydrochloride 105 MG \/ dextromethorphan hydrobromide 45 MG .*\(RxNorm 2611260\)/),
      ]),
    );
  });
});
