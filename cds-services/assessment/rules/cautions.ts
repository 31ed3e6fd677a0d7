import { VS } from '../concepts.js';
import { asIndicator, met, notMet, unknown, type Outcome } from '../findings.js';
import type { IndexedCondition, RecordIndex } from '../record.js';
import { defineRule, type Rule } from '../rule.js';
import { SOURCES } from '../sources.js';
import type { Modality, RuleSource } from '../findings.js';
import { ALL, KETAMINES, refs, unknownBecause, evidenceOf } from './common.js';
import { staleCurrentUse } from './medicines.js';
import { confirmPhrase, diagnoses, diagnosisLabel, historyPhrase, refsOf, type Diagnosis } from '../diagnoses.js';

function fromConditions(index: RecordIndex, found: IndexedCondition[], note: string): Outcome {
  if (found.length) return met(refs(found), note);
  return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
}

/** A caution met by any active condition in one concept. */
function conditionCaution(
  id: string,
  title: string,
  url: string,
  source: RuleSource,
  modalities: { cautionFor?: Modality[]; infoFor?: Modality[] },
  consequence?: string,
): Rule {
  return defineRule({
    id,
    title,
    kind: 'relative',
    ...modalities,
    source,
    evaluate: ({ index }) =>
      fromConditions(index, index.activeConditions(url), consequence ? `${title} is recorded: ${consequence}.` : `${title} is recorded.`),
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
  // Revision-2 RC-1 cites S1, S4 and PI 1: for esketamine, its label (not studied in bipolar depression).
  sourceFor: { esketamine: SOURCES.spravatoLabel },
  evaluate: ({ index, thresholds }) => {
    const dx = diagnoses(index);
    const elsewhere = new Set([...dx.mania.active, ...dx.psychotic.active].map((d) => d.ref));
    const bipolar = dx.bipolar.active.filter((d) => !elsewhere.has(d.ref));
    // Bipolar disorder is lifelong: one in remission, resolved or inactive (or a past manic episode) is still
    // bipolar disorder, as F31.7x 'currently in remission' is (DSM-5-TR; revision-2 is silent [local]).
    const past = [...new Map([...dx.bipolar.history, ...dx.mania.history].map((d) => [d.ref, d])).values()].filter((d) => !elsewhere.has(d.ref));
    const suggestEsketamine = thresholds.diagnoses.bipolarSuggestEsketamine.value;
    if (bipolar.length || past.length) {
      const r = index.record;
      const stabilisers = index.currentMedications(VS.moodStabilisers);
      const medsKnown = r.medicationStatements.known && r.medicationRequests.known;
      const stabiliser = stabilisers.length
        ? `Mood stabiliser or antimanic agent active: ${[...new Set(stabilisers.map((m) => m.concept?.text ?? m.concept?.coding?.find((c) => c?.display)?.display ?? m.ref))].join(', ')}.${staleCurrentUse(index, stabilisers)}`
        : medsKnown
          ? 'No mood stabiliser recorded.'
          : 'Mood stabiliser: the medication list could not be read.';
      const recorded = bipolar.length
        ? `Bipolar disorder (${bipolar.map(diagnosisLabel).join(', ')}).`
        : `History of bipolar disorder (${past.map(historyPhrase).join('; ')}): a depressive episode may be bipolar depression.`;
      return met(
        [...refsOf(bipolar.length ? bipolar : past), ...refs(stabilisers)],
        `${recorded} ${stabiliser} Check for mania at each session (YMRS or a clinical note). Esketamine is labelled for MDD only; IV ketamine in bipolar depression is off-label; TMS needs caution.`,
        { suggestEsketamine, moodStabiliser: stabilisers.length > 0 ? 'active' : medsKnown ? 'none' : 'unknown' },
      );
    }
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    const confirm = dx.bipolar.confirm.filter((d) => !elsewhere.has(d.ref));
    if (confirm.length) {
      return unknown(
        [`confirmation whether bipolar disorder (${confirm.map((d) => d.display).join(', ')}) is current`],
        refsOf(confirm),
        // The diagnosis, why it is in doubt and when, so the order card can ask for exactly that (DS-6).
        `${confirm.map((d) => confirmPhrase(/bipolar/i.test(d.display) ? d : { ...d, display: `${d.display} (bipolar)` })).join('; ')}: confirm whether ${confirm.length === 1 ? 'it is' : 'they are'} current.`,
        { suggestEsketamine },
      );
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
    // A bipolar disorder in remission or resolved still conflicts: one manic or hypomanic episode ever excludes MDD (DSM-5-TR) [local].
    const bipolar = [...dx.bipolar.active, ...dx.bipolar.history.filter((d) => !dx.bipolar.active.some((a) => a.ref === d.ref))];
    const conflicts: [string, Diagnosis[], Diagnosis[]][] = [
      [dx.bipolar.active.length ? 'MDD and bipolar disorder' : 'MDD and a history of bipolar disorder', unipolar, bipolar],
      ['MDD current episode and MDD in remission', dx.mdd.active, dx.remission.active],
      ['MDD and a schizophrenia-spectrum disorder', dx.mdd.active, dx.schizophrenia.active],
    ];
    const found = conflicts.filter(([, a, b]) => a.length && b.length);
    if (!found.length) return notMet();
    const label = (d: Diagnosis) => (d.past ? `${d.code || d.display} (${d.past})` : diagnosisLabel(d));
    const listed = found.map(([name, a, b]) => `${name} (${[...a, ...b].map(label).join(', ')})`);
    return met(
      found.flatMap(([, a, b]) => refsOf([...a, ...b])),
      `Conflicting diagnoses, ${listed.join('; ')}: confirm which is current. The more restrictive reading applies until then.`,
      { conflicts: found.map(([name]) => name) },
    );
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
    if (found.length) return met(found, 'Implanted cardiac device recorded: before TMS, confirm compatibility with cardiology; keep the coil away from it.');
    return unknownBecause({ conditions: index.record.conditions, devices: index.record.devices }) ?? notMet();
  },
});

/**
 * RC-8 Hepatic impairment
 * Trigger: any hook.
 * Inclusion: hepatic failure (K72.1x, K72.9x; severe, Child-Pugh C) -> warning: esketamine not
 * recommended; other hepatic impairment or cirrhosis with no grade -> caution for IV ketamine, and for
 * esketamine "grade the severity" (moderate, Child-Pugh B: monitor longer after dosing).
 * Source: SPRAVATO PI 8.6; Ketalar (drug-induced liver injury with recurrent use).
 */
export const RC8 = defineRule({
  id: 'RC-8',
  title: 'Hepatic impairment',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) => {
    const failure = index.activeConditions(VS.hepaticFailure);
    if (failure.length) return met(refs(failure), 'Severe hepatic impairment (hepatic failure): esketamine is not recommended; IV ketamine with caution.');
    return fromConditions(
      index,
      index.activeConditions(VS.hepaticImpairment),
      'Hepatic impairment: grade the severity (esketamine: monitor longer if moderate, not recommended if severe); IV ketamine with caution.',
    );
  },
});
/** RC-9 Hyperthyroidism (untreated is a contraindication in the Swiss ketamine label). Source: Swissmedic label. */
export const RC9 = conditionCaution('RC-9', 'Hyperthyroidism', VS.hyperthyroidism, SOURCES.swissmedicKetamine, { cautionFor: KETAMINES });
/** RC-10 Glaucoma or raised intraocular pressure (information). Source: Ketalar adverse reactions. */
export const RC10 = conditionCaution(
  'RC-10',
  'Glaucoma',
  VS.glaucoma,
  SOURCES.ketalarLabel,
  { infoFor: ['iv-ketamine'] },
  'ketamine raises intraocular pressure; confirm the eye pressure is controlled (ophthalmology)',
);
/** RC-11 Interstitial cystitis / lower urinary tract symptoms (information). Source: Ketalar (chronic use). */
export const RC11 = conditionCaution(
  'RC-11',
  'Interstitial cystitis',
  VS.interstitialCystitis,
  SOURCES.ketalarLabel,
  { infoFor: KETAMINES },
  'repeated ketamine can damage the bladder; ask about urinary symptoms at each session',
);
/** RC-12 Dissociative disorders (ketamine and esketamine cause dissociation). Source: pharmacology; Spravato label. */
export const RC12 = conditionCaution('RC-12', 'Dissociative disorder', VS.dissociativeDisorders, SOURCES.spravatoLabel, { cautionFor: KETAMINES });

/**
 * RC-13 Not first-line (revised): never a card of its own
 * Trigger: EL-2. It is the TRD card's summary when EL-2 does not meet ("TRD not documented: N of 2
 * failed adequate attempts", trd-summary.ts) and sets that card's indicator; it decides no treatment's
 * verdict (a caution verdict is for safety findings).
 * Outcome: met (warning) when fewer than the needed failed adequate attempts are documented and the
 * undecided ones could not make up the number; unknown (info) when EL-2 is unknown: the reason (CD-3).
 * Source: S1 (ketamine and TMS are reserved for TRD); TRD-def; LCD.
 * Not built: TMS_PAYER_MODE = medicare (info for TMS) has no configuration key yet.
 */
export const RC13 = defineRule({
  id: 'RC-13',
  title: 'Not first-line: fewer than two failed adequate trials',
  kind: 'relative',
  infoFor: ALL,
  source: SOURCES.trdDefinition,
  evaluate: ({ trials, thresholds, index }) => {
    const failed = trials().filter((t) => t.status === 'failed');
    const undecided = trials().filter((t) => t.status === 'adequacy-unknown' || t.status === 'outcome-unknown');
    const needed = thresholds.adequateTrial.minimumTrialsForTrd.value;
    if (failed.length >= needed) return notMet();
    const r = index.record;
    const gap = unknownBecause({ 'medication statements': r.medicationStatements, 'medication orders': r.medicationRequests });
    if (gap || failed.length + undecided.length >= needed) return asIndicator(unknown(gap?.missing ?? undecided.flatMap((t) => t.missing)), 'info');
    return asIndicator(met(evidenceOf(failed), `TRD not documented: ${failed.length} of ${needed} failed adequate trials.`), 'warning');
  },
});

export const CAUTION_RULES = [EL9, RC1, RC7, RC8, RC9, RC10, RC11, RC12, RC13];
