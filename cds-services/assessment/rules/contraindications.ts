/**
 * Contraindications of rules.md that revision 2 leaves in place or revises in section 3 (CI-2, CI-5, CI-8, CI-11, CI-12). The
 * revised safety rules live by family: suicide-risk, substance-use, pregnancy, blood-pressure,
 * cardiovascular, tms-safety, breathing-and-cognition, medicines.
 */
import { VS } from '../concepts.js';
import { met, notMet, unknown } from '../findings.js';
import { allergyIsActive } from '../fhir-read.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { KETAMINES, byConditions, capitalise, refs, unknownBecause } from './common.js';
import { confirmPhrase, diagnoses, diagnosisLabel, historyPhrase, refsOf } from '../diagnoses.js';

/**
 * CI-2 Active psychosis (revision-2 section 3)
 * Trigger: any hook. Inclusion: an active Condition in psychotic-disorders (schizophrenia spectrum,
 * MDD with psychotic features, substance-induced psychosis, and every bipolar and manic code with
 * psychotic features). Outcome: met; unknown (confirm) when only schizotypal disorder, a text-only
 * psychosis problem, an old status-less psychotic diagnosis, or a past one (in remission, resolved,
 * inactive: a history of psychosis is assessed before ketamine or esketamine, never silent [local]) is
 * recorded; else not-met. A relative's or a negated psychosis written as text is not the patient's (DS-6).
 * Source: rules.md 2.3; PI 5.2 (assess psychosis before esketamine); Medicare LCD L34998 (TMS: a warning).
 */
export const CI2 = defineRule({
  id: 'CI-2',
  title: 'Active psychosis',
  kind: 'absolute',
  absoluteFor: KETAMINES,
  cautionFor: ['tms'],
  source: SOURCES.ketamineConsensus,
  evaluate: ({ index }) => {
    const dx = diagnoses(index);
    const found = dx.psychotic.active;
    if (found.length) return met(refsOf(found), `An active psychotic disorder is recorded (${found.map(diagnosisLabel).join(', ')}).`);
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    const confirm = dx.psychotic.confirm;
    const past = dx.psychotic.history;
    if (confirm.length || past.length) {
      // What is recorded and why it is in doubt (DS-6), then the history, so the clinician confirms exactly that.
      const said = [...confirm.map(confirmPhrase), ...(past.length ? [`history of a psychotic disorder (${past.map(historyPhrase).join('; ')})`] : [])];
      return unknown(
        [`confirmation that there is no current psychosis (${[...confirm, ...past].map((d) => `'${d.display}'`).join(', ')})`],
        refsOf([...confirm, ...past]),
        `${capitalise(said.join('; '))}: confirm there is no current psychosis.`,
      );
    }
    const spectrum = index.activeConditions(VS.psychosisSpectrumConfirm);
    if (spectrum.length) return unknown(['confirmation that there is no active psychosis'], refs(spectrum), 'Schizotypal disorder is recorded.');
    return notMet('No active psychotic disorder is recorded.');
  },
});

/**
 * CI-12 Current manic, hypomanic or mixed episode (revision-2 section 3)
 * Trigger: any hook. Inclusion: an active Condition in mania-current-episode (F30.x, F31.0-F31.2,
 * F31.6x, SNOMED mania, hypomania and mixed-episode concepts), not in remission.
 * Outcome: met (critical: do not start IV ketamine, esketamine or TMS during the episode); unknown
 * (confirm) for a text-only or old status-less manic episode; else not-met.
 * Source: S1 (manic switch); S4 (mood destabilisation); blocking all three modalities is local.
 */
export const CI12 = defineRule({
  id: 'CI-12',
  title: 'Current manic, hypomanic or mixed episode',
  kind: 'absolute',
  absoluteFor: ['iv-ketamine', 'esketamine', 'tms', 'ketamine-tms-combination'],
  source: SOURCES.combinationProtocol,
  evaluate: ({ index }) => {
    const dx = diagnoses(index);
    const found = dx.mania.active;
    if (found.length) return met(refsOf(found), `Do not start during a manic, hypomanic or mixed episode (${found.map(diagnosisLabel).join(', ')}).`);
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    const confirm = dx.mania.confirm;
    if (confirm.length) {
      return unknown(
        [`confirmation whether the episode recorded as ${confirm.map((d) => `'${d.display}'`).join(', ')} is current`],
        refsOf(confirm),
        `${capitalise(confirm.map(confirmPhrase).join('; '))}: confirm whether a manic, hypomanic or mixed episode is current.`,
      );
    }
    return notMet('No current manic, hypomanic or mixed episode is recorded.');
  },
});

/**
 * CI-5 Aneurysmal vascular disease, arteriovenous malformation, history of intracerebral haemorrhage
 * Trigger: any hook. Inclusion: any recorded Condition in aneurysm-avm-ich, whatever its clinical
 * status (structural findings and history count). Exclusion: refuted / entered-in-error.
 * Source: Spravato label section 4 (verified); source docs ("aneurysm") for IV ketamine.
 */
export const CI5 = defineRule({
  id: 'CI-5',
  title: 'Aneurysmal vascular disease, AVM or intracerebral haemorrhage',
  kind: 'absolute',
  absoluteFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index, thresholds }) => {
    const outcome = byConditions(
      index,
      index.conditions(VS.aneurysmAvmIch),
      'Aneurysm, AVM or intracerebral haemorrhage is recorded.',
      'No aneurysm, AVM or intracerebral haemorrhage is recorded.',
    );
    // CI5_KETAMINE_INDICATOR: a local policy may make it a caution for IV ketamine (S2 asks only for careful monitoring).
    return thresholds.safety.ci5KetamineIndicator.value === 'warning' ? { ...outcome, absoluteFor: ['esketamine'] } : outcome;
  },
});

/**
 * CI-8 Hypersensitivity to ketamine or esketamine
 * Trigger: any hook. Inclusion: an active AllergyIntolerance to ketamine (RxNorm 6130) or
 * esketamine (products, or the name, since no ingredient code is verified).
 * Source: Spravato label section 4; Ketalar.
 */
export const CI8 = defineRule({
  id: 'CI-8',
  title: 'Hypersensitivity to ketamine or esketamine',
  kind: 'absolute',
  absoluteFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) => {
    const found = [...index.allergies(VS.ketamineProducts), ...index.allergies(VS.esketamineProducts)].filter(allergyIsActive);
    if (found.length)
      return met(
        found.map((a) => `AllergyIntolerance/${a.id}`),
        'Hypersensitivity to ketamine or esketamine is recorded.',
      );
    return unknownBecause({ allergies: index.record.allergies }) ?? notMet('No ketamine or esketamine hypersensitivity is recorded.');
  },
});

/**
 * CI-11 Increased intracranial pressure
 * Trigger: any hook. Inclusion: an active raised-intracranial-pressure Condition.
 * Source: Ketalar W&P (CSF pressure); Spravato 5.6. TMS: warning (IFCN safety).
 */
export const CI11 = defineRule({
  id: 'CI-11',
  title: 'Increased intracranial pressure',
  kind: 'absolute',
  absoluteFor: KETAMINES,
  cautionFor: ['tms'],
  source: SOURCES.ketalarLabel,
  evaluate: ({ index }) =>
    byConditions(index, index.activeConditions(VS.raisedIcp), 'Raised intracranial pressure is recorded.', 'No raised intracranial pressure is recorded.'),
});

export const CONTRAINDICATION_RULES = [CI2, CI5, CI8, CI11, CI12];
