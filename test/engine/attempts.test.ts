/**
 * Revision 2, section 4: EL-2 on treatment attempts (EL-2.4 to EL-2.13). Each scenario is named in
 * words; it checks EL-2, and the attempts as a clinician would list them (name, status).
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { attemptThresholdProblems } from '../../cds-services/assessment/attempts.js';
import { RX, SYS, daysAgo, medStatement, obs } from '../builders/fhir.js';
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

/** Sertraline 150 mg failed (PHQ-9 22 -> 20), then lithium carbonate added at `mg` a day (with a level when given), PHQ-9 19 after. */
const sertralineFailedThenLithium = (mg: number, levelMmolL?: number) =>
  withTrials(
    medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 100, dose: { mg: 150 } }),
    obs.phq9(22, 301),
    obs.phq9(20, 230),
    medStatement(DRUG.lithiumCarbonate, { startDaysAgo: 220, endDaysAgo: 100, dose: { mg } }),
    ...(levelMmolL === undefined ? [] : [lithiumLevel(levelMmolL, 200)]),
    obs.phq9(19, 105),
  );

interface Scenario {
  resources: fhir4.Resource[];
  el2: Status;
  attempts?: [string, string][];
  failed?: number;
  note?: RegExp;
}

const scenarios: Record<string, Scenario> = {
  'sertraline-with-night-time-mirtazapine-15-for-the-same-weeks-is-one-attempt': {
    // Mirtazapine 15 mg beside sertraline is hypnotic co-medication (EL-2.4): neither a second attempt nor part of one.
    resources: withTrials(
      medStatement(RX.sertralineIngredient, { startDaysAgo: 200, endDaysAgo: 116, dose: { mg: 150 } }),
      medStatement(DRUG.mirtazapine, { startDaysAgo: 200, endDaysAgo: 116, dose: { mg: 15 } }),
      obs.phq9(20, 202),
      obs.phq9(18, 110),
    ),
    el2: 'not-met',
    attempts: [['sertraline', 'failed']],
  },
  'sertraline-and-mirtazapine-30-started-together-are-one-combination-attempt': {
    resources: withTrials(
      medStatement(RX.sertralineIngredient, { startDaysAgo: 200, endDaysAgo: 116, dose: { mg: 150 } }),
      medStatement(DRUG.mirtazapine, { startDaysAgo: 195, endDaysAgo: 116, dose: { mg: 30 } }),
      obs.phq9(20, 202),
      obs.phq9(18, 110),
    ),
    el2: 'not-met',
    attempts: [['sertraline + mirtazapine', 'failed']],
  },
  'phq9-falling-from-25-to-11-is-a-response-not-a-failure': {
    resources: withTrials(
      medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 100 } }),
      obs.phq9(25, 302),
      obs.phq9(11, 205),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }),
      obs.phq9(18, 3),
    ),
    el2: 'not-met',
    attempts: [
      ['sertraline', 'responded'],
      ['escitalopram', 'failed'],
    ],
    note: /response: PHQ-9 25 -> 11, 56 % below baseline/,
  },
  'phq9-falling-from-25-to-14-is-nonresponse': {
    resources: withTrials(
      medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 100 } }),
      obs.phq9(25, 302),
      obs.phq9(14, 205),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }),
      obs.phq9(18, 3),
    ),
    el2: 'met',
    attempts: [
      ['sertraline', 'failed'],
      ['escitalopram', 'failed'],
    ],
    note: /nonresponse: PHQ-9 25 -> 14, 44 % below baseline/,
  },
  'dextromethorphan-bupropion-at-two-tablets-a-day-is-one-adequate-attempt': {
    resources: withTrials(
      medStatement(DRUG.dextromethorphanBupropion, { startDaysAgo: 300, endDaysAgo: 200, dose: { tablets: 2 } }),
      obs.phq9(21, 301),
      obs.phq9(19, 205),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }),
      obs.phq9(18, 3),
    ),
    el2: 'met',
    attempts: [
      ['dextromethorphan-bupropion', 'failed'],
      ['escitalopram', 'failed'],
    ],
  },
  'dextromethorphan-bupropion-at-one-tablet-a-day-is-inadequate': {
    resources: withTrials(medStatement(DRUG.dextromethorphanBupropion, { startDaysAgo: 300, endDaysAgo: 200, dose: { tablets: 1 } }), obs.phq9(19, 205)),
    el2: 'not-met',
    attempts: [['dextromethorphan-bupropion', 'inadequate']],
  },
  'lithium-added-to-an-adequate-antidepressant-at-a-level-of-0-7-is-an-augmentation-attempt': {
    resources: sertralineFailedThenLithium(600, 0.7),
    el2: 'met',
    attempts: [
      ['sertraline', 'failed'],
      ['sertraline + lithium carbonate', 'failed'],
    ],
  },
  'lithium-with-a-level-of-0-3-is-an-inadequate-augmentation': {
    resources: sertralineFailedThenLithium(900, 0.3),
    el2: 'not-met',
    attempts: [
      ['sertraline', 'failed'],
      ['sertraline + lithium carbonate', 'inadequate'],
    ],
  },
  'lithium-without-a-level-is-adequate-by-dose': {
    resources: sertralineFailedThenLithium(900),
    el2: 'met',
  },
  'adjunct-aripiprazole-5-mg-is-an-augmentation-attempt': {
    resources: withTrials(
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 300, endDaysAgo: 100, dose: { mg: 20 } }),
      obs.phq9(22, 301),
      obs.phq9(20, 230),
      medStatement(DRUG.aripiprazole, { startDaysAgo: 220, endDaysAgo: 100, dose: { mg: 5 } }),
      obs.phq9(19, 105),
    ),
    el2: 'met',
    attempts: [
      ['escitalopram', 'failed'],
      ['escitalopram + aripiprazole', 'failed'],
    ],
  },
  'olanzapine-without-fluoxetine-is-not-an-augmentation': {
    resources: withTrials(
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 300, endDaysAgo: 100, dose: { mg: 20 } }),
      obs.phq9(22, 301),
      obs.phq9(20, 230),
      medStatement(DRUG.olanzapine, { startDaysAgo: 220, endDaysAgo: 100, dose: { mg: 10 } }),
      obs.phq9(19, 105),
    ),
    el2: 'not-met',
    attempts: [['escitalopram', 'failed']],
  },
  'venlafaxine-75-mg-is-below-the-revised-lenient-dose-of-150': {
    resources: withTrials(medStatement(DRUG.venlafaxine, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 75 } }), obs.phq9(19, 205)),
    el2: 'not-met',
    attempts: [['venlafaxine', 'inadequate']],
  },
  'trazodone-50-mg-alone-is-an-inadequate-dose-attempt': {
    resources: withTrials(medStatement(DRUG.trazodone, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 50 } }), obs.phq9(19, 205)),
    el2: 'not-met',
    attempts: [['trazodone', 'inadequate']],
  },
  'stopped-for-side-effects-is-intolerance-not-failure': {
    resources: withTrials(
      stoppedFor(medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 100 } }), SINTOL),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }),
      obs.phq9(18, 3),
    ),
    el2: 'not-met',
    attempts: [
      ['sertraline', 'intolerant'],
      ['escitalopram', 'failed'],
    ],
  },
  'stopped-as-not-effective-with-no-score-is-a-failure': {
    resources: withTrials(
      stoppedFor(medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 100 } }), { text: 'No response after 14 weeks' }),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }),
      obs.phq9(18, 3),
    ),
    el2: 'met',
    attempts: [
      ['sertraline', 'failed'],
      ['escitalopram', 'failed'],
    ],
  },
  'switch-with-no-score-and-no-reason-is-undecided': {
    resources: withTrials(
      medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 100 } }),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }),
      obs.phq9(18, 3),
    ),
    el2: 'unknown',
    attempts: [
      ['sertraline', 'outcome-unknown'],
      ['escitalopram', 'failed'],
    ],
  },
  'severe-phq9-today-after-a-stopped-attempt-with-no-score-shows-persistence': {
    // Escitalopram stopped 200 days ago, no score within 90 days after it; a PHQ-9 of 22 today, no remission between.
    resources: withTrials(
      medStatement(RX.sertralineIngredient, { startDaysAgo: 500, endDaysAgo: 400, dose: { mg: 100 } }),
      obs.phq9(19, 405),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 380, endDaysAgo: 200, dose: { mg: 20 } }),
      obs.phq9(22, 1),
    ),
    el2: 'met',
    attempts: [
      ['sertraline', 'failed'],
      ['escitalopram', 'failed'],
    ],
    note: /persistent symptoms: PHQ-9 22/,
  },
  'a-remission-score-between-resets-the-persistence-rule': {
    resources: withTrials(
      medStatement(RX.sertralineIngredient, { startDaysAgo: 500, endDaysAgo: 400, dose: { mg: 100 } }),
      obs.phq9(19, 405),
      medStatement(RX.escitalopramIngredient, { startDaysAgo: 380, endDaysAgo: 200, dose: { mg: 20 } }),
      obs.phq9(3, 60),
      obs.phq9(22, 1),
    ),
    el2: 'unknown',
    attempts: [
      ['sertraline', 'failed'],
      ['escitalopram', 'outcome-unknown'],
    ],
  },
  'no-baseline-and-a-later-phq9-below-10-is-not-a-failure': {
    resources: withTrials(medStatement(RX.sertralineIngredient, { startDaysAgo: 300, endDaysAgo: 200, dose: { mg: 100 } }), obs.phq9(8, 205)),
    el2: 'not-met',
    attempts: [['sertraline', 'responded']],
  },
};

describe('revision 2 treatment attempts (EL-2)', () => {
  it.each(Object.entries(scenarios))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    const el2 = a.byRule.get('EL-2')!;
    expect(el2.status).toBe(s.el2);
    if (s.attempts) expect(a.trials.map((t) => [t.ingredient, t.status])).toEqual(s.attempts);
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
