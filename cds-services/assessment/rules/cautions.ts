import { VS } from '../concepts.js';
import { met, notMet, unknown, type Outcome } from '../findings.js';
import { withinDays } from '../fhir-read.js';
import { latestBloodPressure } from '../observations.js';
import { namesNoCodedDrug, type IndexedCondition, type MedicationUse, type RecordIndex } from '../record.js';
import { defineRule, type Rule } from '../rule.js';
import { SOURCES } from '../sources.js';
import type { Modality, RuleSource } from '../findings.js';
import { ALL, KETAMINES, drugOf, unknownBecause } from './common.js';
import { diagnoses, diagnosisLabel, refsOf, type Diagnosis } from '../diagnoses.js';

const refs = (list: { ref: string }[]) => list.map((x) => x.ref);

function fromConditions(index: RecordIndex, found: IndexedCondition[], note: string): Outcome {
  if (found.length) return met(refs(found), note);
  return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
}

function fromCurrentMedications(index: RecordIndex, found: MedicationUse[], note: string): Outcome {
  if (found.length) return met(refs(found), note);
  const r = index.record;
  const gap = unknownBecause({ 'medication statements': r.medicationStatements, 'medication orders': r.medicationRequests });
  if (gap) return gap;
  // A current medication that names no coded drug could be one of these: not evidence that none is taken.
  const unidentified = index.medicationUses.filter((m) => m.current && namesNoCodedDrug(m));
  if (unidentified.length) {
    return unknown([drugOf(refs(unidentified))], refs(unidentified), 'A current medication names no coded drug.');
  }
  return notMet();
}

/** A caution met by any active condition in one concept. */
function conditionCaution(id: string, title: string, url: string, source: RuleSource, modalities: { cautionFor?: Modality[]; infoFor?: Modality[] }): Rule {
  return defineRule({
    id,
    title,
    kind: 'relative',
    ...modalities,
    source,
    evaluate: ({ index }) => fromConditions(index, index.activeConditions(url), `${title} is recorded.`),
  });
}

/**
 * RC-1 Bipolar disorder: the bipolar pathway (revision-2 section 3)
 * Trigger: any hook. Inclusion: an active bipolar code that is not a current manic, hypomanic or
 * mixed episode (CI-12) and has no psychotic features (CI-2).
 * Outcome: met, stating whether a mood stabiliser or antimanic agent is active (or that the
 * medication list could not be read), mania checks at each session (YMRS or a note), and the
 * labelling line; `data.suggestEsketamine` is BIPOLAR_SUGGEST_ESKETAMINE (false: no esketamine
 * suggestion). Unknown when only a text-only or old status-less bipolar problem is recorded.
 * Source: S1 (intensified monitoring for manic switch); S4 (bipolar caution); PI 1 (MDD only).
 */
export const RC1 = defineRule({
  id: 'RC-1',
  title: 'Bipolar disorder',
  kind: 'relative',
  cautionFor: ALL,
  source: SOURCES.combinationProtocol,
  evaluate: ({ index, thresholds }) => {
    const dx = diagnoses(index);
    const elsewhere = new Set([...dx.mania.active, ...dx.psychotic.active].map((d) => d.ref));
    const bipolar = dx.bipolar.active.filter((d) => !elsewhere.has(d.ref));
    const suggestEsketamine = thresholds.diagnoses.bipolarSuggestEsketamine.value;
    if (bipolar.length) {
      const r = index.record;
      const stabilisers = index.currentMedications(VS.moodStabilisers);
      const medsKnown = r.medicationStatements.known && r.medicationRequests.known;
      const stabiliser = stabilisers.length
        ? `Mood stabiliser or antimanic agent active: ${[...new Set(stabilisers.map((m) => m.concept?.text ?? m.concept?.coding?.find((c) => c?.display)?.display ?? m.ref))].join(', ')}.`
        : medsKnown
          ? 'No mood stabiliser recorded.'
          : 'Mood stabiliser: the medication list could not be read.';
      return met(
        [...refsOf(bipolar), ...refs(stabilisers)],
        `Bipolar disorder (${bipolar.map(diagnosisLabel).join(', ')}). ${stabiliser} Check for mania at each session (YMRS or a clinical note). Esketamine is labelled for MDD only; IV ketamine in bipolar depression is off-label; TMS needs caution.`,
        { suggestEsketamine, moodStabiliser: stabilisers.length > 0 ? 'active' : medsKnown ? 'none' : 'unknown' },
      );
    }
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    const confirm = dx.bipolar.confirm.filter((d) => !elsewhere.has(d.ref));
    if (confirm.length) {
      return unknown([`confirmation whether bipolar disorder (${confirm.map((d) => d.display).join(', ')}) is current`], refsOf(confirm), 'A bipolar diagnosis needs confirming.', { suggestEsketamine });
    }
    return notMet();
  },
});

/**
 * EL-9 Conflicting active diagnoses (revision-2 section 3)
 * Trigger: any hook. Inclusion (active conditions): an MDD or unipolar depression code with a
 * bipolar or manic code; a current-episode MDD code with an MDD remission code; an MDD code with a
 * schizophrenia-spectrum or schizoaffective code.
 * Outcome: met (a warning listing the codes with their dates, asking the clinician to confirm); the
 * more restrictive reading applies meanwhile (RC-1 and no esketamine suggestion for bipolar; CI-2
 * for a psychotic disorder; EL-1 asks to confirm the episode). Not-met otherwise.
 * Source: local (revision-2 EL-9); S1 (bipolar needs intensified monitoring); PI 1.
 */
export const EL9 = defineRule({
  id: 'EL-9',
  title: 'Conflicting active diagnoses',
  kind: 'relative',
  cautionFor: ALL,
  source: SOURCES.trdDefinition,
  evaluate: ({ index }) => {
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    const dx = diagnoses(index);
    const unipolar = [...dx.mdd.active, ...dx.ambiguous.active];
    const conflicts: [string, Diagnosis[], Diagnosis[]][] = [
      ['MDD and bipolar disorder', unipolar, dx.bipolar.active],
      ['MDD current episode and MDD in remission', dx.mdd.active, dx.remission.active],
      ['MDD and a schizophrenia-spectrum disorder', dx.mdd.active, dx.schizophrenia.active],
    ];
    const found = conflicts.filter(([, a, b]) => a.length && b.length);
    if (!found.length) return notMet();
    const listed = found.map(([name, a, b]) => `${name}: ${[...a, ...b].map(diagnosisLabel).join(', ')}`);
    return met(
      found.flatMap(([, a, b]) => refsOf([...a, ...b])),
      `Conflicting active diagnoses (${listed.join('; ')}): confirm which is current. The more restrictive reading applies until then.`,
      { conflicts: found.map(([name]) => name) },
    );
  },
});

/**
 * RC-2 History of substance misuse (in remission)
 * Inclusion: any SUD Condition coded in remission, or an SUD Condition no longer active.
 * Source: source docs; Spravato boxed warning.
 */
export const RC2 = defineRule({
  id: 'RC-2',
  title: 'History of substance misuse',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) =>
    fromConditions(
      index,
      [...index.conditions(VS.substanceUseInRemission), ...index.conditions(VS.substanceUseActive).filter((c) => !c.active)],
      'A substance use disorder in remission is recorded.',
    ),
});

/**
 * RC-3 Concurrent CNS depressants (benzodiazepines, opioids, hypnotics): sedation and respiratory depression.
 * Inclusion: current statements or orders. Unknown when a current one names no coded drug, or the lists are unavailable.
 * Source: Spravato 5.1; Ketalar W&P.
 */
export const RC3 = defineRule({
  id: 'RC-3',
  title: 'Concurrent CNS depressant',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) => fromCurrentMedications(index, index.currentMedications(VS.cnsDepressantIngredients), 'A CNS depressant is currently prescribed: sedation and respiratory depression risk.'),
});

/** RC-4 Psychostimulants or MAOIs: blood-pressure interaction. Current statements or orders; unknown as RC-3. Source: Spravato 5.6. */
export const RC4 = defineRule({
  id: 'RC-4',
  title: 'Psychostimulant or MAOI (blood-pressure interaction)',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) =>
    fromCurrentMedications(
      index,
      [...index.currentMedications(VS.psychostimulantIngredients), ...index.currentMedications(VS.maoiIngredients)],
      'A psychostimulant or MAOI is current: monitor blood pressure closely.',
    ),
});

/**
 * RC-5 Controlled hypertension or BP in the caution band
 * Inclusion: active hypertension; hypertensive encephalopathy ever; latest BP within 30 days above
 * 140/90 (BP_PRE_CAUTION). Source: Spravato 5.6 ("as a general guide: >140/90").
 */
export const RC5 = defineRule({
  id: 'RC-5',
  title: 'Hypertension or blood pressure above 140/90',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index, thresholds }) => {
    const v = thresholds.vitals;
    const bp = latestBloodPressure(index, thresholds.lookbackDays.bloodPressure.value);
    const high = bp && ((bp.systolic ?? 0) > v.bpCautionSystolicAbove.value || (bp.diastolic ?? 0) > v.bpCautionDiastolicAbove.value);
    const found = [...refs(index.activeConditions(VS.hypertension)), ...refs(index.conditions(VS.hypertensiveEncephalopathy)), ...(high ? bp!.evidence : [])];
    if (found.length) return met(found, high ? `BP ${bp!.systolic}/${bp!.diastolic} mmHg is above 140/90: consider delaying and re-checking.` : 'Hypertension is recorded.');
    return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
  },
});

/**
 * RC-6 Controlled epilepsy or seizure-threshold-lowering medicines (TMS)
 * Inclusion: an active seizure disorder (not intractable); current bupropion or a tricyclic.
 * Source: 21 CFR 882.5805 seizure labeling.
 */
export const RC6 = defineRule({
  id: 'RC-6',
  title: 'Seizure risk (controlled epilepsy or seizure-threshold-lowering medicine)',
  kind: 'relative',
  cautionFor: ['tms', 'ketamine-tms-combination'],
  source: SOURCES.tmsDeviceRule,
  evaluate: ({ index }) => {
    const found = [...refs(index.activeConditions(VS.seizureDisorder)), ...refs(index.currentMedications(VS.seizureThresholdLowering))];
    if (found.length) return met(found, 'Seizure risk: controlled epilepsy or a medicine that lowers the seizure threshold.');
    const r = index.record;
    return unknownBecause({ conditions: r.conditions, 'medication statements': r.medicationStatements, 'medication orders': r.medicationRequests }) ?? notMet();
  },
});

/** RC-7 Pacemaker, ICD or other implanted cardiac electronics (away from the head). Conditions or devices. Source: device IFU (use with caution). */
export const RC7 = defineRule({
  id: 'RC-7',
  title: 'Implanted cardiac device',
  kind: 'relative',
  cautionFor: ['tms', 'ketamine-tms-combination'],
  source: SOURCES.tmsDeviceRule,
  evaluate: ({ index }) => {
    const found = [...refs(index.conditions(VS.cardiacImplantedDevice)), ...index.devices(VS.cardiacImplantedDevice).map((d) => `Device/${d.id}`)];
    if (found.length) return met(found, 'An implanted cardiac device is recorded.');
    return unknownBecause({ conditions: index.record.conditions, devices: index.record.devices }) ?? notMet();
  },
});

/** RC-8 Hepatic impairment: longer monitoring; avoid esketamine if severe. Source: Spravato label (secondary); Ketalar DILI. */
export const RC8 = conditionCaution('RC-8', 'Hepatic impairment', VS.hepaticImpairment, SOURCES.spravatoLabel, { cautionFor: KETAMINES });
/** RC-9 Hyperthyroidism (untreated is a contraindication in the Swiss ketamine label). Source: Swissmedic label. */
export const RC9 = conditionCaution('RC-9', 'Hyperthyroidism', VS.hyperthyroidism, SOURCES.swissmedicKetamine, { cautionFor: KETAMINES });
/** RC-10 Glaucoma or raised intraocular pressure (information). Source: Ketalar adverse reactions. */
export const RC10 = conditionCaution('RC-10', 'Glaucoma', VS.glaucoma, SOURCES.ketalarLabel, { infoFor: ['iv-ketamine'] });
/** RC-11 Interstitial cystitis / lower urinary tract symptoms (information). Source: Ketalar (chronic use). */
export const RC11 = conditionCaution('RC-11', 'Interstitial cystitis', VS.interstitialCystitis, SOURCES.ketalarLabel, { infoFor: KETAMINES });
/** RC-12 Dissociative disorders (ketamine and esketamine cause dissociation). Source: pharmacology; Spravato label. */
export const RC12 = conditionCaution('RC-12', 'Dissociative disorder', VS.dissociativeDisorders, SOURCES.spravatoLabel, { cautionFor: KETAMINES });

/**
 * RC-13 Not first-line: fewer than two adequate trials
 * Trigger: EL-2. Outcome: met when EL-2 is not met; unknown when EL-2 is unknown.
 * Source: source docs (both modalities are reserved for TRD).
 */
export const RC13 = defineRule({
  id: 'RC-13',
  title: 'Not first-line: fewer than two failed adequate trials',
  kind: 'relative',
  cautionFor: ALL,
  source: SOURCES.trdDefinition,
  evaluate: ({ trials, thresholds, index }) => {
    const failed = trials().filter((t) => t.status === 'failed');
    const undecided = trials().filter((t) => t.status === 'adequacy-unknown' || t.status === 'outcome-unknown');
    const needed = thresholds.adequateTrial.minimumTrialsForTrd.value;
    if (failed.length >= needed) return notMet();
    const r = index.record;
    const gap = unknownBecause({ 'medication statements': r.medicationStatements, 'medication orders': r.medicationRequests });
    if (gap || failed.length + undecided.length >= needed) return unknown(gap?.missing ?? undecided.flatMap((t) => t.missing));
    return met(failed.flatMap((t) => t.evidence), `${failed.length} failed adequate trial(s) documented: not first-line treatment.`);
  },
});

/** RC-14 Payer conflict: some commercial policies refuse TMS concurrent with ketamine/esketamine. Inherent to the combination. Source: commercial policy summary (e.g. CP.BH.200); LCD. */
export const RC14 = defineRule({
  id: 'RC-14',
  title: 'Payer conflict: concurrent TMS and ketamine',
  kind: 'relative',
  cautionFor: ['ketamine-tms-combination'],
  source: SOURCES.medicareTmsLcd,
  evaluate: () => met([], 'Some payers refuse to cover TMS given concurrently with ketamine or esketamine: check coverage.'),
});

/** RC-15 The combined protocol is outside FDA labelling for both (information). Inherent to the combination. Source: source docs; labels. */
export const RC15 = defineRule({
  id: 'RC-15',
  title: 'Combination is outside FDA labelling',
  kind: 'relative',
  infoFor: ['ketamine-tms-combination'],
  source: SOURCES.combinationProtocol,
  evaluate: () => met([], 'Ketamine infused during TMS is off-label for both; document informed consent.'),
});

/**
 * RC-16 Recent suicide attempt (not acute)
 * Inclusion: a suicide-attempt or self-harm history Condition recorded within 12 months (undated
 * ones count: recency cannot be excluded). Source: source docs.
 */
export const RC16 = defineRule({
  id: 'RC-16',
  title: 'Suicide attempt or self-harm within 12 months',
  kind: 'relative',
  cautionFor: ALL,
  source: SOURCES.cssrs,
  evaluate: ({ index, thresholds }) =>
    fromConditions(
      index,
      index.conditions(VS.suicideAttemptHistory).filter((c) => !c.date || withinDays(c.date, index.now, thresholds.lookbackDays.suicideAttemptHistory.value)),
      'A suicide attempt or self-harm within 12 months is recorded: intensify monitoring.',
    ),
});

export const CAUTION_RULES = [EL9, RC1, RC2, RC3, RC4, RC5, RC6, RC7, RC8, RC9, RC10, RC11, RC12, RC13, RC14, RC15, RC16];
