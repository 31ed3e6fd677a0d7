import { VS } from '../concepts.js';
import { met, notMet, settledBy, unknown } from '../findings.js';
import { ageInYears } from '../fhir-read.js';
import { latestBloodPressure, latestScore, latestWeight } from '../observations.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, drugOf, isoDate, unknownBecause } from './common.js';
import { priorCourses } from './prior-courses.js';
import { unidentifiedMedications } from '../trials.js';

/**
 * EL-1 Diagnosis of MDD (current episode)
 * Trigger: any hook. Inclusion: an active Condition in mdd-current-episode or
 * treatment-resistant-depression. Exclusion: refuted / entered-in-error; abated.
 * Outcome: met; unknown when only an ambiguous depression code is active (confirm MDD);
 * not-met when only remission codes, or nothing, is active.
 * Source: source docs; CMS159 "Major Depression Including Remission".
 */
export const EL1 = defineRule({
  id: 'EL-1',
  title: 'Major depressive disorder, current episode',
  kind: 'eligibility',
  infoFor: ALL,
  source: SOURCES.trdDefinition,
  evaluate: ({ index }) => {
    const { conditions } = index.record;
    const mdd = [...index.activeConditions(VS.mddCurrentEpisode), ...index.activeConditions(VS.treatmentResistantDepression)];
    if (mdd.length) return met(mdd.map((c) => c.ref), 'Active major depressive disorder is recorded.');
    const gap = unknownBecause({ conditions });
    if (gap) return gap;
    const ambiguous = index.activeConditions(VS.depressionNeedsConfirmation);
    if (ambiguous.length) {
      return unknown(['confirmation that the depression diagnosis is major depressive disorder'], ambiguous.map((c) => c.ref), 'Depression is recorded with a code that does not establish MDD.');
    }
    const remission = index.activeConditions(VS.mddInRemission);
    if (remission.length) return notMet('MDD is recorded as in remission: no current episode.', undefined, [], remission.map((c) => c.ref));
    return notMet('No active major depressive disorder is recorded.', undefined, ['an active MDD diagnosis']);
  },
});

/**
 * EL-2 Two or more adequate antidepressant trials failed in the current episode
 * Trigger: any hook. Inclusion: medication statements, requests, dispenses and administrations of
 * antidepressant ingredients in the episode look-back (24 months). Exclusion: products flagged as
 * not an antidepressant trial; augmentation unless configured.
 * Outcome: met with >= 2 failed adequate trials; not-met when the medication record is complete and
 * even the undecided trials and the medication records naming no coded drug could not reach 2;
 * unknown otherwise.
 * Source: rules.md 3.4; TRD consensus (Depress Anxiety 2021); Spravato TRD indication.
 */
export const EL2 = defineRule({
  id: 'EL-2',
  title: 'Two or more adequate antidepressant trials failed',
  kind: 'eligibility',
  infoFor: ALL,
  source: SOURCES.trdDefinition,
  evaluate: ({ index, trials, thresholds }) => {
    const all = trials();
    const failed = all.filter((t) => t.status === 'failed');
    const adequate = all.filter((t) => t.status === 'failed' || t.status === 'responded' || t.status === 'outcome-unknown');
    const undecided = all.filter((t) => t.status === 'adequacy-unknown' || t.status === 'outcome-unknown');
    const needed = thresholds.adequateTrial.minimumTrialsForTrd.value;
    const data = {
      failedTrials: failed.length,
      adequateTrials: adequate.length,
      unknownTrials: undecided.length,
      trials: all.map((t) => ({ ingredient: t.ingredient, status: t.status, evidence: t.evidence, missing: t.missing })),
    };
    const names = (list: typeof all) => list.map((t) => t.ingredient).join(', ');
    if (failed.length >= needed) {
      return met(failed.flatMap((t) => t.evidence), `${failed.length} failed adequate trials: ${names(failed)}.`, data);
    }
    const r = index.record;
    const gap = unknownBecause({ 'medication statements': r.medicationStatements, 'medication orders': r.medicationRequests });
    if (gap) return { ...gap, data, note: `${failed.length} failed adequate trial(s) found; the medication history is incomplete.` };
    if (failed.length + undecided.length >= needed) {
      return unknown(
        undecided.flatMap((t) => t.missing),
        [...failed, ...undecided].flatMap((t) => t.evidence),
        `${failed.length} failed adequate trial(s); ${undecided.length} more could count (${names(undecided)}).`,
        data,
      );
    }
    const unidentified = unidentifiedMedications(index);
    if (unidentified.length > 0 && failed.length + undecided.length + unidentified.length >= needed) {
      return unknown(
        [drugOf(unidentified)],
        [...failed.flatMap((t) => t.evidence), ...unidentified],
        `${failed.length} failed adequate trial(s); ${unidentified.length} medication record(s) name no coded drug and could count.`,
        data,
      );
    }
    return notMet(`${failed.length} failed adequate trial(s) in the episode; ${needed} are needed.`, data, [], adequate.flatMap((t) => t.evidence));
  },
});

/**
 * EL-3 Combination only after inadequate response to TMS alone or ketamine alone
 * Trigger: any hook. Inclusion: a TMS course (CPT 90867-90869) or ketamine/esketamine course in
 * the last 24 months. Outcome: met when PHQ-9/MADRS fell by less than 50 % across the course;
 * not-met when no course or a response; unknown when the scores around the course are missing.
 * Source: source docs (combination protocol).
 */
export const EL3 = defineRule({
  id: 'EL-3',
  title: 'Prior inadequate response to TMS or ketamine alone',
  kind: 'eligibility',
  infoFor: ['ketamine-tms-combination'],
  source: SOURCES.combinationProtocol,
  evaluate: (ctx) => {
    const courses = priorCourses(ctx);
    if (courses.length === 0) {
      const r = ctx.index.record;
      const gap = unknownBecause({ procedures: r.procedures, 'medication administrations': r.medicationAdministrations, 'medication statements': r.medicationStatements });
      return gap ?? notMet('No prior TMS or ketamine course is recorded.', undefined, ['a prior TMS or ketamine course with its outcome']);
    }
    const inadequate = courses.find((c) => c.response === 'inadequate');
    if (inadequate) return met(inadequate.evidence, `Inadequate response to a prior ${inadequate.modality} course.`);
    const undecided = courses.find((c) => c.response === 'unknown');
    if (undecided) return unknown([`PHQ-9 or MADRS before and after the prior ${undecided.modality} course`], undecided.evidence);
    return notMet('The prior course was followed by a response (>= 50 % reduction).', undefined, [], courses.flatMap((c) => c.evidence));
  },
});

/**
 * EL-4 Baseline severity documented
 * Trigger: any hook. Inclusion: PHQ-9 total (44261-6) or MADRS total within 30 days.
 * Outcome: met; not-met (suggest PHQ-9 / MADRS) when none; unknown when observations are unavailable.
 * Source: source docs; payer policy summaries (PHQ-9 >= 10 expected).
 */
export const EL4 = defineRule({
  id: 'EL-4',
  title: 'Baseline PHQ-9 or MADRS within 30 days',
  kind: 'eligibility',
  infoFor: ALL,
  source: SOURCES.phq9,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.lookbackDays.baselineSeverity.value;
    const phq9 = latestScore(index, VS.phq9Total, days);
    const madrs = latestScore(index, VS.madrsTotal, days);
    const latest = [phq9, madrs].filter((o) => o !== undefined).sort((a, b) => b!.date!.getTime() - a!.date!.getTime())[0];
    if (latest) {
      const name = latest === phq9 ? 'PHQ-9' : 'MADRS';
      const low = latest === phq9 && latest.value! < thresholds.scores.phq9BaselineExpectedAtLeast.value;
      return met([latest.ref], `${name} ${latest.value} on ${isoDate(latest.date)}${low ? ' (below the expected baseline of 10)' : ''}.`, {
        instrument: name,
        score: latest.value,
      });
    }
    return (
      unknownBecause({ observations: index.record.observations }) ??
      settledBy(notMet(`No PHQ-9 or MADRS within ${days} days.`, undefined, [`a PHQ-9 or MADRS within ${days} days`]), 'order-phq9')
    );
  },
});

/**
 * EL-5 Medical clearance including cardiovascular assessment
 * Trigger: any hook. Inclusion: blood pressure and heart rate within 30 days.
 * Outcome: met; not-met naming the missing vital sign; unknown when observations are unavailable.
 * Source: source docs; Spravato label 5.6 (assess BP before dosing).
 */
export const EL5 = defineRule({
  id: 'EL-5',
  title: 'Recent blood pressure and heart rate (medical clearance)',
  kind: 'eligibility',
  infoFor: ['iv-ketamine', 'esketamine', 'ketamine-tms-combination'],
  source: SOURCES.spravatoLabel,
  evaluate: ({ index, thresholds }) => {
    const gap = unknownBecause({ observations: index.record.observations });
    if (gap) return gap;
    const bp = latestBloodPressure(index, thresholds.lookbackDays.bloodPressure.value);
    const hr = latestScore(index, VS.heartRate, thresholds.lookbackDays.heartRate.value);
    const missing = [
      ...(bp ? [] : [`blood pressure within ${thresholds.lookbackDays.bloodPressure.value} days`]),
      ...(hr ? [] : [`heart rate within ${thresholds.lookbackDays.heartRate.value} days`]),
    ];
    const evidence = [...(bp?.evidence ?? []), ...(hr ? [hr.ref] : [])];
    if (missing.length) {
      const outcome = notMet('Vital signs for medical clearance are not recent.', undefined, missing, evidence);
      return settledBy(outcome, ...(bp ? [] : (['order-blood-pressure'] as const)), ...(hr ? [] : (['order-heart-rate'] as const)));
    }
    return met(evidence, `BP ${bp!.systolic ?? '?'}/${bp!.diastolic ?? '?'} mmHg, HR ${hr!.value}/min.`);
  },
});

/**
 * EL-6 Adult
 * Trigger: any hook. Inclusion: Patient.birthDate. Outcome: met at 18 or older; not-met below;
 * unknown without a birth date. Source: Spravato label (not approved in paediatric patients).
 */
export const EL6 = defineRule({
  id: 'EL-6',
  title: 'Adult (18 or older)',
  kind: 'eligibility',
  infoFor: ['iv-ketamine', 'esketamine', 'tms', 'ketamine-tms-combination'],
  source: SOURCES.spravatoLabel,
  evaluate: ({ index, now }) => {
    const gap = unknownBecause({ patient: index.record.patient });
    if (gap) return gap;
    const patient = index.record.patient.items[0];
    const age = ageInYears(patient?.birthDate, now);
    if (age === undefined) return unknown(['the patient\'s date of birth']);
    const evidence = patient ? [`Patient/${patient.id}`] : [];
    return age >= 18 ? met(evidence, `Age ${age}.`, { age }) : notMet(`Age ${age}: not approved in patients under 18.`, { age }, [], evidence);
  },
});

/**
 * EL-7 Weight available for mg/kg dosing
 * Trigger: any hook. Inclusion: body weight (29463-7 / 3141-9) within 30 days, kg or lb.
 * Outcome: met; not-met (suggest a weight); unknown when observations are unavailable.
 * Source: source docs (0.5 mg/kg).
 */
export const EL7 = defineRule({
  id: 'EL-7',
  title: 'Body weight within 30 days',
  kind: 'eligibility',
  infoFor: ['iv-ketamine', 'ketamine-tms-combination'],
  source: SOURCES.ketamineConsensus,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.lookbackDays.weight.value;
    const w = latestWeight(index, days);
    if (w) return met([w.ref], `Weight ${w.kg.toFixed(1)} kg on ${isoDate(w.date)}.`, { weightKg: w.kg });
    return (
      unknownBecause({ observations: index.record.observations }) ??
      settledBy(notMet(`No body weight within ${days} days.`, undefined, [`a body weight within ${days} days`]), 'order-weight')
    );
  },
});

/**
 * EL-8 REMS: certified setting and enrolled patient
 * Trigger: any hook. No standard FHIR code carries REMS certification or enrolment, so this is
 * always unknown until a clinician confirms it. Source: Spravato REMS (label boxed warning).
 */
export const EL8 = defineRule({
  id: 'EL-8',
  title: 'REMS-certified setting and enrolled patient',
  kind: 'eligibility',
  infoFor: ['esketamine'],
  source: SOURCES.spravatoRems,
  evaluate: () => unknown(['confirmation of a REMS-certified healthcare setting and the patient\'s REMS enrolment']),
});

export const ELIGIBILITY_RULES = [EL1, EL2, EL3, EL4, EL5, EL6, EL7, EL8];
