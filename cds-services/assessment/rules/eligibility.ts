import { VS } from '../concepts.js';
import { met, notMet, settledBy, unknown } from '../findings.js';
import { readAge } from '../fhir-read.js';
import { bloodPressureText, implausibleLatest, latestBloodPressure, latestScore, latestWeight, preliminaryMark } from '../observations.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, capitalise, drugOf, isoDate, unknownBecause, evidenceOf } from './common.js';
import { priorCourses } from './prior-courses.js';
import { unidentifiedMedications } from '../trials.js';
import { diagnoses, diagnosisLabel, historyPhrase, refsOf, type Diagnosis } from '../diagnoses.js';
import type { RecordIndex } from '../record.js';

/**
 * EL-1 Major depressive disorder, current episode (revision-2 section 3)
 * Trigger: any hook. Inclusion: an active MDD current-episode condition (rules.md 2.1 list, SNOMED
 * MDD, postpartum depression F53.0/58703003, TRD 1153570009). Exclusion: refuted / entered-in-error;
 * abated or inactive.
 * Outcome: met; unknown (confirm) for an ambiguous depression code, a text-only or old status-less
 * depression problem, MDD coded beside a bipolar code or an unsuperseded remission code (EL-9), or a
 * remission code followed by a PHQ-9 >= 10 / MADRS >= 20; not-met for remission only, bipolar
 * depression only (MDD-based criteria and the esketamine labelling do not apply), or nothing depressive.
 * `data.reason` names the case for the TRD card summary.
 * Source: rules.md 2.1; CMS159; PI 1 (indications are MDD); verification.md 5; revision-2 EL-1.
 */
/** Why a depression diagnosis needs confirming, as EL-1's `data.reason` names it for the TRD card. */
const CONFIRM_REASON = { 'text only': 'text-only', 'unlisted code': 'unlisted-code', 'no status': 'status-less', unconfirmed: 'unconfirmed' } as const;

export const EL1 = defineRule({
  id: 'EL-1',
  title: 'Major depressive disorder, current episode',
  kind: 'eligibility',
  infoFor: ALL,
  source: SOURCES.trdDefinition,
  evaluate: ({ index, thresholds }) => {
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return { ...gap, data: { reason: 'conditions-unavailable' } };
    const dx = diagnoses(index);
    const mdd = dx.mdd.active;
    const flags = { postpartum: dx.postpartum.active.length > 0, trdCoded: dx.trdCoded.active.length > 0 };
    const newest = (list: readonly Diagnosis[]) =>
      list.reduce<Diagnosis | undefined>((n, d) => (!n || (d.date?.getTime() ?? -Infinity) > (n.date?.getTime() ?? -Infinity) ? d : n), undefined);
    if (mdd.length) {
      // EL-9: MDD beside bipolar, or beside a remission code it does not supersede, is a conflict to resolve first.
      // A bipolar disorder in remission or resolved too: one manic or hypomanic episode ever excludes MDD (DSM-5-TR) [local].
      if (dx.bipolar.active.length) {
        return unknown(
          ['confirmation of the diagnosis: MDD and bipolar disorder are both active'],
          refsOf([...mdd, ...dx.bipolar.active]),
          `MDD and bipolar disorder are both active (${[...mdd, ...dx.bipolar.active].map(diagnosisLabel).join(', ')}).`,
          { reason: 'mdd-and-bipolar', ...flags },
        );
      }
      if (dx.bipolar.history.length) {
        return unknown(
          ['confirmation of the diagnosis: MDD with a history of bipolar disorder'],
          refsOf([...mdd, ...dx.bipolar.history]),
          `MDD (${mdd.map(diagnosisLabel).join(', ')}) with a history of bipolar disorder (${dx.bipolar.history.map(historyPhrase).join('; ')}).`,
          { reason: 'mdd-and-bipolar-history', ...flags },
        );
      }
      const remission = newest(dx.remission.active);
      const current = newest(mdd)!;
      if (remission && !((current.date?.getTime() ?? -Infinity) > (remission.date?.getTime() ?? Infinity))) {
        return unknown(
          ['confirmation of a current episode: MDD is coded both as current and in remission'],
          refsOf([...mdd, ...dx.remission.active]),
          `MDD is coded both as current (${diagnosisLabel(current)}) and in remission (${diagnosisLabel(remission)}).`,
          { reason: 'mdd-and-remission', ...flags },
        );
      }
      const kind = flags.trdCoded
        ? 'Treatment-resistant depression'
        : flags.postpartum
          ? 'Postpartum depression (MDD with peripartum onset)'
          : 'Major depressive disorder';
      return met(refsOf(mdd), `${kind} is recorded (${mdd.map(diagnosisLabel).join(', ')}).`, { reason: 'mdd', ...flags });
    }
    const confirmMdd = [...dx.mdd.confirm, ...dx.ambiguous.active, ...dx.ambiguous.confirm];
    if (confirmMdd.length) {
      const d = confirmMdd[0]!;
      const reason = d.why ? CONFIRM_REASON[d.why] : 'ambiguous';
      const missing =
        reason === 'text-only'
          ? `confirmation that the problem recorded as text ('${d.display}') is MDD, and a code for it`
          : reason === 'unlisted-code'
            ? `confirmation that '${d.display}' (${d.code}, a code this service does not list) is a current MDD episode`
            : reason === 'status-less'
              ? `confirmation that the depression recorded ${d.date ? `on ${isoDate(d.date)} ` : ''}with no status is current`
              : reason === 'unconfirmed'
                ? 'confirmation of the provisional depression diagnosis'
                : 'confirmation that the depression diagnosis is major depressive disorder';
      return unknown([missing], refsOf(confirmMdd), `Depression is recorded as ${d.display} (${d.code}): it needs confirming as a current MDD episode.`, {
        reason,
        diagnosis: diagnosisLabel(d),
        text: d.display,
      });
    }
    const remission = newest(dx.remission.active);
    if (remission) {
      const since = remission.date?.getTime() ?? -Infinity;
      const later = [
        ...laterScores(index, VS.phq9Total, thresholds.failure.phq9StillDepressedAtLeast.value, since),
        ...laterScores(index, VS.madrsTotal, thresholds.failure.madrsStillDepressedAtLeast.value, since),
      ];
      if (later.length) {
        const s = later[0]!;
        return unknown(
          [`confirmation of a new episode: coded in remission, but ${s.instrument} ${s.value} on ${isoDate(s.date)}`],
          [remission.ref, s.ref],
          `Coded in remission (${diagnosisLabel(remission)}), but ${s.instrument} ${s.value} on ${isoDate(s.date)}.`,
          { reason: 'remission-then-depressed', diagnosis: diagnosisLabel(remission), instrument: s.instrument, score: s.value, scoreDate: isoDate(s.date) },
        );
      }
      return notMet(
        `MDD in remission (${diagnosisLabel(remission)}): not a current episode.`,
        { reason: 'remission', diagnosis: diagnosisLabel(remission) },
        [],
        [remission.ref],
      );
    }
    const bipolarDepression = dx.bipolarDepression.active;
    if (bipolarDepression.length) {
      return notMet(
        `Bipolar depression (${bipolarDepression.map(diagnosisLabel).join(', ')}): MDD-based TRD criteria and the esketamine labelling do not apply.`,
        { reason: 'bipolar-depression' },
        [],
        refsOf(bipolarDepression),
      );
    }
    return notMet('No active major depressive disorder is recorded.', { reason: 'no-mdd' }, ['an active MDD diagnosis']);
  },
});

/** Scores of one instrument at or above a cut, recorded after a time, newest first. */
function laterScores(index: RecordIndex, url: string, atLeast: number, afterMs: number) {
  const instrument = url === VS.phq9Total ? 'PHQ-9' : 'MADRS';
  return index
    .observations(url)
    .filter((o) => o.date && o.value !== undefined && o.value >= atLeast && o.date.getTime() > afterMs)
    .map((o) => ({ ref: o.ref, date: o.date!, value: o.value!, instrument }));
}

/**
 * EL-2 Failed adequate treatment attempts in the current episode (revision-2 section 4)
 * Trigger: any hook. Inclusion: the treatment attempts of attempts.ts (monotherapies, combinations
 * started together, augmentations; multi-ingredient products by their own rows) in the episode
 * look-back. Exclusion: products that never form a trial; co-medication; intolerance (reported apart).
 * Outcome: met with >= EL2_MIN_FAILED failed attempts (or distinct antidepressants, EL2_COUNT_BASIS);
 * not-met when the medication record is complete and failures plus undecided attempts plus records
 * naming no coded drug could not reach it; unknown otherwise, saying why in clinical words.
 * `data.distinctAntidepressantsFailed` feeds the esketamine label line (two oral antidepressants).
 * Source: TRD-def (Depress Anxiety 2021;38:456: < 50 % reduction is nonresponse); PI 1; ATRQ; rules.md 3.4.
 */
export const EL2 = defineRule({
  id: 'EL-2',
  title: 'Two or more adequate treatment attempts failed',
  kind: 'eligibility',
  infoFor: ALL,
  source: SOURCES.trdDefinition,
  evaluate: ({ index, trials, thresholds }) => {
    const all = trials();
    const at = thresholds.attempts;
    const intolerant = all.filter((t) => t.status === 'intolerant');
    const failedAttempts = all.filter((t) => t.status === 'failed' || (at.countIntoleranceAsFailure.value && t.status === 'intolerant'));
    const adequate = all.filter((t) => t.status === 'failed' || t.status === 'responded' || t.status === 'outcome-unknown');
    const undecidedAttempts = all.filter((t) => t.status === 'adequacy-unknown' || t.status === 'outcome-unknown');
    const distinct = (list: typeof all) => new Set(list.flatMap((t) => t.antidepressants));
    const failedAds = distinct(failedAttempts);
    // Counting basis: attempts (default), or distinct antidepressant ingredients.
    const byIngredient = at.countBasis.value === 'antidepressants';
    const failed = byIngredient ? failedAds.size : failedAttempts.length;
    const undecided = byIngredient ? [...distinct(undecidedAttempts)].filter((k) => !failedAds.has(k)).length : undecidedAttempts.length;
    const needed = thresholds.adequateTrial.minimumTrialsForTrd.value;
    const data = {
      failedTrials: failed,
      adequateTrials: adequate.length,
      unknownTrials: undecided,
      intolerantTrials: intolerant.length,
      distinctAntidepressantsFailed: failedAds.size,
      countBasis: at.countBasis.value,
      summaryReason: undecidedAttempts.find((t) => t.short)?.short,
      trials: all.map((t) => ({
        ingredient: t.ingredient,
        kind: t.kind,
        status: t.status,
        ...(t.note ? { note: t.note } : {}),
        evidence: t.evidence,
        missing: t.missing,
      })),
    };
    const names = (list: typeof all) => list.map((t) => t.ingredient).join(', ');
    const r = index.record;
    const gap = unknownBecause({ 'medication statements': r.medicationStatements, 'medication orders': r.medicationRequests });
    // CD-4: with part of the medication list unread, the counts are what was found, at least; with none of it, no count.
    const history = gap ? (index.medicationUses.length ? 'incomplete' : 'unavailable') : undefined;
    if (failed >= needed) {
      return met(
        evidenceOf(failedAttempts),
        `${failed} failed adequate treatment attempts: ${names(failedAttempts)}${history ? ' (at least: the medication list is incomplete)' : ''}.`,
        history ? { ...data, medicationHistory: history } : data,
      );
    }
    if (gap)
      return {
        ...gap,
        evidence: evidenceOf([...failedAttempts, ...undecidedAttempts]),
        data: {
          ...data,
          medicationHistory: history,
          summaryReason: history === 'unavailable' ? 'medication history unavailable' : 'medication list incomplete',
        },
        note:
          history === 'unavailable'
            ? 'Medication history unavailable: no treatment attempt could be counted.'
            : `At least ${failed} failed adequate attempt(s) and ${undecided} undecided in the part of the medication list that was read.`,
      };
    if (failed + undecided >= needed) {
      return unknown(
        undecidedAttempts.flatMap((t) => t.missing),
        evidenceOf([...failedAttempts, ...undecidedAttempts]),
        `${failed} failed adequate attempt(s); ${undecided} more could count (${names(undecidedAttempts)}).`,
        data,
      );
    }
    const unidentified = unidentifiedMedications(index);
    if (unidentified.length > 0 && failed + undecided + unidentified.length >= needed) {
      return unknown(
        [drugOf(index, unidentified)],
        [...evidenceOf(failedAttempts), ...unidentified],
        `${failed} failed adequate attempt(s); ${unidentified.length === 1 ? 'a medication record names' : `${unidentified.length} medication records name`} no coded drug and could count.`,
        // The drug is not known, so neither is whether it is an antidepressant: "medication", not "antidepressant".
        {
          ...data,
          summaryReason:
            unidentified.length === 1 ? 'a medication record could not be identified' : `${unidentified.length} medication records could not be identified`,
        },
      );
    }
    return notMet(`${failed} failed adequate attempt(s) in the episode; ${needed} are needed.`, data, [], evidenceOf(adequate));
  },
});

/**
 * EL-3 Prior inadequate response, for the combination only (revision-2 section 5)
 * Trigger: any hook (shown where the combination is considered). Inclusion: completed TMS or IV
 * ketamine courses within 730 days (MO-8). Outcome: met when one ended in partial response or
 * nonresponse; unknown while a course of either is in progress (never judged mid-course), or when
 * a completed course has no outcome score; not-met when no course was completed or every completed
 * course ended in response or remission (a prior response is not an inadequate response).
 * Source: S1 (strict eligibility: prior inadequate response to either modality alone).
 */
export const EL3 = defineRule({
  id: 'EL-3',
  title: 'Prior inadequate response to TMS or ketamine alone',
  kind: 'eligibility',
  infoFor: ['ketamine-tms-combination'],
  source: SOURCES.combinationProtocol,
  evaluate: (ctx) => {
    const courses = priorCourses(ctx).filter((c) => c.modality === 'TMS' || c.modality === 'ketamine');
    const done = courses.filter((c) => !c.active);
    const inadequate = done.find((c) => c.outcome === 'partial response' || c.outcome === 'nonresponse');
    if (inadequate)
      return met(inadequate.evidence, `Inadequate response (${inadequate.outcome}) to a prior ${inadequate.modality} course ended ${isoDate(inadequate.end)}.`);
    const active = courses.find((c) => c.active);
    if (active)
      return unknown(
        [`the outcome at the end of the ${active.modality} course in progress`],
        active.evidence,
        `A ${active.modality} course is in progress: judged at its end.`,
        { inProgress: true },
      );
    const undecided = done.find((c) => c.outcome === 'no outcome score');
    if (undecided)
      return unknown([`a PHQ-9 or MADRS within 14 days after the ${undecided.modality} course ended on ${isoDate(undecided.end)}`], undecided.evidence);
    if (done.length)
      return notMet(
        `The prior ${done.map((c) => c.modality).join(' and ')} course ended in ${done.map((c) => c.outcome).join(' and ')}.`,
        undefined,
        [],
        evidenceOf(done),
      );
    const r = ctx.index.record;
    const gap = unknownBecause({ procedures: r.procedures, 'medication administrations': r.medicationAdministrations });
    return gap ?? notMet('No completed TMS or ketamine course is recorded.', undefined, ['a completed TMS or ketamine course with its outcome']);
  },
});

/**
 * EL-4 Baseline severity documented
 * Trigger: any hook. Inclusion: the latest PHQ-9 total (44261-6 and the DS-2 shapes) or MADRS total
 * within 30 days.
 * Outcome: met, naming a PHQ-9 of 5-9 as mild ("below the expected 10"); not-met (suggest PHQ-9 /
 * MADRS) when none; unknown when observations are unavailable or the newest score cannot be used
 * (implausible, a value that is no number, or preliminary: named, never "no PHQ-9").
 * Exclusion (the current episode in doubt): the latest score in the window below the remission cut
 * (PHQ-9 < 5, MADRS <= 10) -> not-met, "Latest PHQ-9 3 on <date> (minimal): confirm the depressive
 * episode is current", settled by a repeat PHQ-9; `data.reason` 'episode-in-doubt' makes the TRD card
 * lead with it and suggest the repeat PHQ-9 instead of any ketamine, esketamine or TMS order.
 * Clinical decision (lead, 2026-11-30, on an outside tester's finding): TRD is about a current episode
 * that has not responded; a minimal score days ago means no current episode is shown, so no treatment
 * is offered on it. Revision-2 keeps EL-4 as rules.md wrote it (PHQ-9 >= 10 expected) and is silent on
 * a recent low score; its episode rules (EL-2.1) call a score below the remission cut a remission only
 * when no PHQ-9 >= 10 / MADRS >= 20 follows for 60 days, so one low score is not read as a remission
 * (EL-1 and the episode window are unchanged): it is a doubt to settle, and a later score >= 5 settles it.
 * Source: source docs; payer policy summaries (PHQ-9 >= 10 expected); CMS159 (remission PHQ-9 < 5);
 * revision-2 MO-8 (MADRS remission <= 10); Kroenke 2001 (PHQ-9 bands).
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
    // A newer score that could not be read (outside 0-27 / 0-60, no number, or preliminary) is not a baseline, nor is
    // its presence "none": unknown, naming it.
    const unreadable = [implausibleLatest(index, VS.phq9Total, days), implausibleLatest(index, VS.madrsTotal, days)].find(
      (o) => o && (!latest || o.date!.getTime() > latest.date!.getTime()),
    );
    if (unreadable) {
      const needed = unreadable.implausible ? 'a plausible' : unreadable.resource.status === 'preliminary' ? 'a final' : 'a readable';
      return settledBy(
        unknown([`${needed} PHQ-9 or MADRS (${unreadable.unreadable})`], [unreadable.ref], `${capitalise(unreadable.unreadable!)}.`),
        'order-phq9',
      );
    }
    if (latest) {
      const name = latest === phq9 ? 'PHQ-9' : 'MADRS';
      const score = latest.value!;
      const { scores } = thresholds;
      const band = bandOf(name === 'PHQ-9' ? scores.phq9Bands.value : scores.madrsBands.value, score);
      const data = { instrument: name, score, scoreDate: isoDate(latest.date) };
      const remitted = name === 'PHQ-9' ? score < scores.phq9RemissionBelow.value : score <= thresholds.courses.madrsRemissionAtMost.value;
      if (remitted) {
        const range = name === 'PHQ-9' ? band : 'in the remission range';
        return settledBy(
          notMet(
            `Latest ${name} ${score} on ${isoDate(latest.date)} (${range}): confirm the depressive episode is current.`,
            { ...data, reason: 'episode-in-doubt' },
            [`a repeat ${name} confirming the depressive episode is current`],
            [latest.ref],
          ),
          'order-phq9',
        );
      }
      const expected = scores.phq9BaselineExpectedAtLeast.value;
      const low = name === 'PHQ-9' && score < expected;
      return met([latest.ref], `${name} ${score} on ${isoDate(latest.date)}${low ? ` (${band}, below the expected ${expected})` : ''}.`, data);
    }
    return (
      unknownBecause({ observations: index.record.observations }) ??
      settledBy(notMet(`No PHQ-9 or MADRS within ${days} days.`, undefined, [`a PHQ-9 or MADRS within ${days} days`]), 'order-phq9')
    );
  },
});

/** The name of the band a score falls in (thresholds `scores.*Bands`: [lower bound, name], ascending). */
function bandOf(bands: readonly (readonly [number, string])[], score: number): string | undefined {
  let name: string | undefined;
  for (const [from, band] of bands) if (score >= from) name = band;
  return name;
}

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
    // An implausible newest BP or heart rate clears nothing: named, with what would settle it.
    const oddHr = implausibleLatest(index, VS.heartRate, thresholds.lookbackDays.heartRate.value);
    const unreadable = [...(bp?.implausible ?? []), ...(oddHr ? [oddHr.implausible!] : [])];
    if (unreadable.length) {
      // Settled by the same BP or HR order the CI-6 card offers, so the Missing data card does not ask again (CD-1).
      const outcome = unknown(
        [...(bp?.implausible ?? []).map((m) => `a new blood pressure (${m})`), ...(oddHr ? [`a new heart rate (${oddHr.implausible!})`] : [])],
        [...(bp?.implausible ? bp.evidence : []), ...(oddHr ? [oddHr.ref] : [])],
        `${capitalise(unreadable.join('; '))}.`,
      );
      return settledBy(outcome, ...(bp?.implausible ? (['order-blood-pressure'] as const) : []), ...(oddHr ? (['order-heart-rate'] as const) : []));
    }
    const missing = [
      ...(bp ? [] : [`blood pressure within ${thresholds.lookbackDays.bloodPressure.value} days`]),
      ...(hr ? [] : [`heart rate within ${thresholds.lookbackDays.heartRate.value} days`]),
    ];
    const evidence = [...(bp?.evidence ?? []), ...(hr ? [hr.ref] : [])];
    if (missing.length) {
      const outcome = notMet('Vital signs for medical clearance are not recent.', undefined, missing, evidence);
      return settledBy(outcome, ...(bp ? [] : (['order-blood-pressure'] as const)), ...(hr ? [] : (['order-heart-rate'] as const)));
    }
    return met(evidence, `BP ${bloodPressureText(bp!)}, HR ${Math.round(hr!.value!)}/min${preliminaryMark(hr)}.`);
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
    const { youngest, oldest, needed, implausible } = readAge(patient?.birthDate, now, index.knowledge.thresholds.plausibleRanges.ageYears);
    if (youngest === undefined) return unknown([needed], [], implausible ? `Age unknown: ${implausible}.` : undefined);
    // A partial birth date (DS-7) decides only when every age it allows is on the same side of 18.
    const age = youngest === oldest ? `${youngest}` : `${youngest}-${oldest}`;
    const evidence = patient ? [`Patient/${patient.id}`] : [];
    if (youngest >= 18) return met(evidence, `Age ${age}.`, { age: youngest });
    if (oldest < 18) return notMet(`Age ${age}: not approved in patients under 18.`, { age: oldest }, [], evidence);
    return unknown(['a full birth date']);
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
    const w = latestWeight(index, days, thresholds.plausibleRanges.weightKg);
    if (w?.implausible) return settledBy(unknown([`a plausible body weight (${w.implausible})`], [w.ref], `${w.implausible}.`), 'order-weight');
    if (w) return met([w.ref], `Weight ${w.kg.toFixed(1)} kg${preliminaryMark(w)} on ${isoDate(w.date)}.`, { weightKg: w.kg });
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
  evaluate: () => unknown(["confirmation of a REMS-certified healthcare setting and the patient's REMS enrolment"]),
});

export const ELIGIBILITY_RULES = [EL1, EL2, EL3, EL4, EL5, EL6, EL7, EL8];
