import { VS } from '../concepts.js';
import { met, notMet, settledBy, unknown, type Outcome } from '../findings.js';
import { ageInYears, allergyIsActive, numericValue, withinDays } from '../fhir-read.js';
import type { IndexedCondition, IndexedObservation, RecordIndex } from '../record.js';
import { latestBloodPressure } from '../observations.js';
import { defineRule, type RuleContext } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, isoDate, KETAMINES, unknownBecause } from './common.js';
import { diagnoses, diagnosisLabel, refsOf } from '../diagnoses.js';

const refs = (list: { ref: string }[]) => list.map((x) => x.ref);

/** Active conditions in a concept; with a window, recorded within it (undated active ones count). */
function activeWithin(index: RecordIndex, url: string, days?: number): IndexedCondition[] {
  return index.activeConditions(url).filter((c) => days === undefined || !c.date || withinDays(c.date, index.now, days));
}

/** A condition rule: met by the given conditions, else unknown without conditions, else not-met. */
function byConditions(index: RecordIndex, found: IndexedCondition[], note: string, absent: string): Outcome {
  if (found.length) return met(refs(found), note);
  return unknownBecause({ conditions: index.record.conditions }) ?? notMet(absent);
}

/**
 * CI-1 Active suicidal ideation requiring immediate intervention
 * Trigger: any hook. Inclusion: an active suicidality-acute Condition recorded within 30 days; a
 * C-SSRS most-severe ideation of type 4-5 within 7 days; a C-SSRS screener intent/plan/recent
 * behaviour item answered yes within 7 days. Exclusion: refuted / entered-in-error conditions.
 * Outcome: met (route to crisis evaluation); unknown when PHQ-9 item 9 was positive in 30 days with
 * no C-SSRS after it (a same-day C-SSRS settles it), or data is unavailable; else not-met.
 * Source: source docs; C-SSRS triage convention. Esketamine is labelled for MDD with acute SI only
 * on that indication's pathway, so the card routes rather than forbids.
 */
export const CI1 = defineRule({
  id: 'CI-1',
  title: 'Active suicidal ideation requiring immediate intervention',
  kind: 'absolute',
  absoluteFor: ALL,
  source: SOURCES.cssrs,
  evaluate: ({ index, thresholds }) => {
    const lb = thresholds.lookbackDays;
    const t = index.knowledge.terminology;
    const conditions = activeWithin(index, VS.suicidalityAcute, lb.acuteSuicidality.value);
    const recent = (o: IndexedObservation, days: number) => withinDays(o.date, index.now, days);
    const cssrs = index.observations(VS.cssrsIdeationSeverity).filter((o) => recent(o, lb.cssrs.value));
    const highRiskCssrs = cssrs.filter((o) => t.inConcept(o.resource.valueCodeableConcept, VS.cssrsHighRiskIdeation));
    const screener = index
      .observations(VS.cssrsScreenerHighRiskItems)
      .filter((o) => recent(o, lb.cssrs.value) && t.inConcept(o.resource.valueCodeableConcept, VS.yesAnswers));
    const evidence = [...refs(conditions), ...refs(highRiskCssrs), ...refs(screener)];
    if (evidence.length) return met(evidence, 'Acute suicidal ideation is recorded: route to crisis evaluation.');
    const gap = unknownBecause({ conditions: index.record.conditions, observations: index.record.observations });
    if (gap) return gap;
    const item9 = index.observations(VS.phq9Item9).find((o) => recent(o, lb.phq9Item9.value));
    const score = item9 ? (t.ordinal(item9.resource.valueCodeableConcept, VS.phq9Item9Answers) ?? numericValue(item9.resource)) : undefined;
    const assessedAfter = item9 && [...cssrs, ...index.observations(VS.cssrsScreenerHighRiskItems)].some((o) => o.date && item9.date && o.date.getTime() >= item9.date.getTime());
    if (item9 && score !== undefined && score > 0 && !assessedAfter) {
      return settledBy(
        unknown(['a same-day C-SSRS suicide risk assessment'], [item9.ref], `PHQ-9 item 9 (thoughts of self-harm) scored ${score} on ${isoDate(item9.date)}.`),
        'order-cssrs',
      );
    }
    return notMet('No acute suicidal ideation is recorded.');
  },
});

/**
 * CI-2 Active psychosis (revision-2 section 3)
 * Trigger: any hook. Inclusion: an active Condition in psychotic-disorders (schizophrenia spectrum,
 * MDD with psychotic features, substance-induced psychosis, and every bipolar and manic code with
 * psychotic features). Outcome: met; unknown (confirm) when only schizotypal disorder, a text-only
 * psychosis problem or an old status-less psychotic diagnosis is recorded; else not-met.
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
    if (confirm.length) {
      return unknown([`confirmation whether the psychotic disorder recorded as ${confirm.map((d) => `'${d.display}'`).join(', ')} is current`], refsOf(confirm), 'A psychotic disorder is recorded without a current status.');
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
      return unknown([`confirmation whether the episode recorded as ${confirm.map((d) => `'${d.display}'`).join(', ')} is current`], refsOf(confirm), 'A manic, hypomanic or mixed episode is recorded without a current status.');
    }
    return notMet('No current manic, hypomanic or mixed episode is recorded.');
  },
});

/**
 * CI-3 Active substance use disorder
 * Trigger: any hook. Inclusion: an active Condition in substance-use-disorder-active (F10-F16,
 * F18, F19 not in remission; ketamine misuse named). Exclusion: nicotine; remission codes (RC-2).
 * Outcome: met / not-met / unknown. Source: source docs; Spravato boxed warning (abuse and misuse).
 */
export const CI3 = defineRule({
  id: 'CI-3',
  title: 'Active substance use disorder',
  kind: 'absolute',
  absoluteFor: KETAMINES,
  infoFor: ['tms'],
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) => {
    const found = index.activeConditions(VS.substanceUseActive);
    const ketamine = found.some((c) => index.knowledge.terminology.inConcept(c.resource.code, VS.ketamineMisuse));
    return byConditions(
      index,
      found,
      ketamine ? 'Ketamine misuse or dependence is recorded.' : 'An active substance use disorder is recorded.',
      'No active substance use disorder is recorded.',
    );
  },
});

type PregnancyEvidence = { pregnant: boolean; date: Date; ref: string };

/** hCG and pregnancy-status results in the window, newest first, read as pregnant or not. */
function pregnancyResults(index: RecordIndex, ctx: RuleContext): PregnancyEvidence[] {
  const t = index.knowledge.terminology;
  const lb = ctx.thresholds.lookbackDays;
  const out: PregnancyEvidence[] = [];
  for (const o of index.observations(VS.hcgTests)) {
    if (!o.date || !withinDays(o.date, index.now, lb.hcgTest.value)) continue;
    const r = o.resource;
    let pregnant: boolean | undefined;
    if (t.inConcept(r.valueCodeableConcept, VS.hcgPositive) || t.inConcept(r.interpretation, VS.interpretationPositive)) pregnant = true;
    else if (t.inConcept(r.valueCodeableConcept, VS.hcgNegative) || t.inConcept(r.interpretation, VS.interpretationNegative)) pregnant = false;
    else {
      const high = Array.isArray(r.referenceRange) ? r.referenceRange[0]?.high?.value : undefined;
      if (o.value !== undefined && typeof high === 'number') pregnant = o.value > high;
    }
    if (pregnant !== undefined) out.push({ pregnant, date: o.date, ref: o.ref });
  }
  for (const o of index.observations(VS.pregnancyStatusObservation)) {
    if (!o.date) continue;
    const value = o.resource.valueCodeableConcept;
    if (t.inConcept(value, VS.pregnancyStatusPregnant) && withinDays(o.date, index.now, lb.pregnancyCondition.value)) {
      out.push({ pregnant: true, date: o.date, ref: o.ref });
    } else if (t.inConcept(value, VS.pregnancyStatusNotPregnant) && withinDays(o.date, index.now, lb.pregnancyStatus.value)) {
      out.push({ pregnant: false, date: o.date, ref: o.ref });
    }
  }
  return out.sort((a, b) => b.date.getTime() - a.date.getTime());
}

/**
 * CI-4 Pregnancy
 * Trigger: any hook. Inclusion: an active pregnancy Condition within 280 days; pregnancy status
 * "pregnant"; a positive hCG within 30 days (coded answer, interpretation, or above the lab's
 * reference range). The newest test or status wins over an older one.
 * Exclusion: not met for a patient who cannot be pregnant (administrative gender male, or age
 * outside 12-55), or with a negative test or "not pregnant" status within 30 days.
 * Outcome: for anyone who could be pregnant with no recent result, unknown (suggest an hCG test).
 * Source: source docs; Spravato label (may cause fetal harm). TMS: warning.
 */
export const CI4 = defineRule({
  id: 'CI-4',
  title: 'Pregnancy',
  kind: 'absolute',
  absoluteFor: KETAMINES,
  cautionFor: ['tms'],
  source: SOURCES.spravatoLabel,
  evaluate: (ctx) => {
    const { index, now, thresholds } = ctx;
    const conditions = activeWithin(index, VS.pregnancyConditions, thresholds.lookbackDays.pregnancyCondition.value);
    const results = pregnancyResults(index, ctx);
    const newest = results[0];
    if (newest?.pregnant) return met([newest.ref, ...refs(conditions)], `Pregnancy: positive result on ${isoDate(newest.date)}.`);
    if (conditions.length && !(newest && newest.date.getTime() > (conditions[0]!.date?.getTime() ?? 0))) {
      return met(refs(conditions), 'An active pregnancy is recorded.');
    }
    if (newest && !newest.pregnant) return notMet(`Negative pregnancy result on ${isoDate(newest.date)}.`, undefined, [], [newest.ref]);
    const patient = index.record.patient.items[0];
    const pp = thresholds.pregnancyPotential;
    const age = ageInYears(patient?.birthDate, now);
    if (index.record.patient.known && patient?.gender === 'male') return notMet('Not applicable (administrative gender male).');
    if (age !== undefined && (age < pp.minimumAge.value || age > pp.maximumAge.value)) return notMet(`Not applicable at age ${age}.`);
    return settledBy(
      unknown([`a pregnancy test (hCG) within ${thresholds.lookbackDays.hcgTest.value} days`], [], 'The patient could be pregnant and has no recent pregnancy test.'),
      'order-pregnancy-test',
    );
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
  evaluate: ({ index }) =>
    byConditions(index, index.conditions(VS.aneurysmAvmIch), 'Aneurysm, AVM or intracerebral haemorrhage is recorded.', 'No aneurysm, AVM or intracerebral haemorrhage is recorded.'),
});

/**
 * CI-6 Uncontrolled hypertension
 * Trigger: any hook. Inclusion: the latest BP within 30 days at or above 180/100 (BP_PRE_BLOCK);
 * above 180/120 is a hypertensive crisis (BP_CRISIS); an active hypertensive-crisis Condition.
 * Outcome: unknown without a BP in the window. Source: Swissmedic ketamine label; Ketalar; ACC/AHA 2017.
 */
export const CI6 = defineRule({
  id: 'CI-6',
  title: 'Uncontrolled hypertension',
  kind: 'absolute',
  absoluteFor: [...KETAMINES, 'ketamine-tms-combination'],
  source: SOURCES.swissmedicKetamine,
  evaluate: ({ index, thresholds }) => {
    const v = thresholds.vitals;
    const crisisConditions = activeWithin(index, VS.hypertensiveCrisis, thresholds.lookbackDays.bloodPressure.value);
    if (crisisConditions.length) return met(refs(crisisConditions), 'A hypertensive crisis is recorded.');
    const gap = unknownBecause({ observations: index.record.observations });
    if (gap) return gap;
    const days = thresholds.lookbackDays.bloodPressure.value;
    const bp = latestBloodPressure(index, days);
    if (!bp) return settledBy(unknown([`a blood pressure within ${days} days`]), 'order-blood-pressure');
    const reading = `${bp.systolic ?? '?'}/${bp.diastolic ?? '?'} mmHg on ${isoDate(bp.date)}`;
    const data = { systolic: bp.systolic, diastolic: bp.diastolic };
    const s = bp.systolic ?? -1;
    const d = bp.diastolic ?? -1;
    if (s > v.bpCrisisSystolicAbove.value || d > v.bpCrisisDiastolicAbove.value) {
      return met(bp.evidence, `Hypertensive crisis: BP ${reading}; refer for emergency evaluation.`, { ...data, crisis: true });
    }
    if (s >= v.bpBlockSystolicAtLeast.value || d >= v.bpBlockDiastolicAtLeast.value) return met(bp.evidence, `BP ${reading} is at or above 180/100.`, data);
    if (bp.systolic === undefined || bp.diastolic === undefined) return unknown(['a complete blood pressure (systolic and diastolic)'], bp.evidence);
    return notMet(`Latest BP ${reading}.`, data, [], bp.evidence);
  },
});

/**
 * CI-7 Acute MI, unstable angina or decompensated heart failure
 * Trigger: any hook. Inclusion: myocardial infarction with onset within 90 days; active unstable
 * angina or acute ischaemic heart disease; active acute heart failure. Outcome: unknown when heart
 * failure of unstated acuity is active (confirm it is compensated). Source: source docs; Ketalar.
 */
export const CI7 = defineRule({
  id: 'CI-7',
  title: 'Recent MI, unstable angina or decompensated heart failure',
  kind: 'absolute',
  absoluteFor: [...KETAMINES, 'ketamine-tms-combination'],
  source: SOURCES.ketalarLabel,
  evaluate: ({ index, thresholds }) => {
    const found = [
      ...index.conditions(VS.recentMi).filter((c) => (c.date ? withinDays(c.date, index.now, thresholds.lookbackDays.recentMi.value) : c.active)),
      ...index.activeConditions(VS.acuteCoronary),
      ...index.activeConditions(VS.heartFailureAcute),
    ];
    if (found.length) return met(refs(found), 'A recent MI, unstable angina or decompensated heart failure is recorded.');
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    const hf = index.activeConditions(VS.heartFailureOther);
    if (hf.length) return unknown(['confirmation that heart failure is compensated'], refs(hf), 'Heart failure is recorded without its acuity.');
    return notMet('No recent MI, unstable angina or decompensated heart failure is recorded.');
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
    if (found.length) return met(found.map((a) => `AllergyIntolerance/${a.id}`), 'Hypersensitivity to ketamine or esketamine is recorded.');
    return unknownBecause({ allergies: index.record.allergies }) ?? notMet('No ketamine or esketamine hypersensitivity is recorded.');
  },
});

/**
 * CI-9 Seizure disorder not controlled by medication
 * Trigger: any hook. Inclusion: active intractable epilepsy; or an active seizure disorder with
 * convulsions recorded within 12 months. Source: source docs; 21 CFR 882.5805 (seizure risk).
 */
export const CI9 = defineRule({
  id: 'CI-9',
  title: 'Seizure disorder not controlled by medication',
  kind: 'absolute',
  absoluteFor: ['tms', 'ketamine-tms-combination'],
  source: SOURCES.tmsDeviceRule,
  evaluate: ({ index, thresholds }) => {
    const intractable = index.activeConditions(VS.seizureIntractable);
    const disorder = index.activeConditions(VS.seizureDisorder);
    const recentConvulsions = index.conditions(VS.convulsions).filter((c) => withinDays(c.date, index.now, thresholds.lookbackDays.convulsions.value));
    const found = [...intractable, ...(disorder.length && recentConvulsions.length ? [...disorder, ...recentConvulsions] : [])];
    return byConditions(index, found, 'Epilepsy not controlled by medication is recorded.', 'No uncontrolled seizure disorder is recorded.');
  },
});

/**
 * CI-10 Conductive, ferromagnetic or magnetic-sensitive implant in the head or within 30 cm of the coil
 * Trigger: any hook. Inclusion: any recorded head-implant Condition, a completed implant Procedure
 * (aneurysm clipping, VNS, DBS, shunt, coil), or an active Device of such a type (code or name).
 * Outcome: unknown when an implant of uncoded site is recorded (confirm location); implants persist.
 * Source: device IFU wording; 21 CFR 882.5805; source docs ("12 inches").
 */
export const CI10 = defineRule({
  id: 'CI-10',
  title: 'Implant in or near the head (within 30 cm of the coil)',
  kind: 'absolute',
  absoluteFor: ['tms', 'ketamine-tms-combination'],
  source: SOURCES.tmsDeviceRule,
  evaluate: ({ index }) => {
    const r = index.record;
    const found = [
      ...refs(index.conditions(VS.tmsHeadImplant)),
      ...index.procedures(VS.tmsHeadImplant).filter((p) => p.status === 'completed').map((p) => `Procedure/${p.id}`),
      ...index.devices(VS.tmsHeadImplant).map((d) => `Device/${d.id}`),
    ];
    if (found.length) return met(found, 'An implant in or near the head is recorded.');
    const gap = unknownBecause({ conditions: r.conditions, procedures: r.procedures, devices: r.devices });
    if (gap) return gap;
    const confirm = index.conditions(VS.tmsImplantNeedsConfirmation);
    if (confirm.length) return unknown(['the implant\'s location (within 30 cm of the coil or not)'], refs(confirm), 'An implant of unrecorded site is recorded.');
    return notMet('No implant in or near the head is recorded.');
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
  evaluate: ({ index }) => byConditions(index, index.activeConditions(VS.raisedIcp), 'Raised intracranial pressure is recorded.', 'No raised intracranial pressure is recorded.'),
});

export const CONTRAINDICATION_RULES = [CI1, CI2, CI3, CI4, CI5, CI6, CI7, CI8, CI9, CI10, CI11, CI12];
