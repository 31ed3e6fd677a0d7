import { VS } from '../concepts.js';
import { met, notMet, settledBy, unknown } from '../findings.js';
import { addDays, daysBetween, parseFhirDate } from '../fhir-read.js';
import { diagnoses } from '../diagnoses.js';
import type { RecordIndex } from '../record.js';
import { implausibleLatest, latestScore } from '../observations.js';
import { defineRule, type RuleContext } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, isoDate, unknownBecause, evidenceOf } from './common.js';
import { staleCurrentUse } from './medicines.js';
import { activeCourses, courseLine, priorCourses, type Course } from './prior-courses.js';
import { ectHistory } from './ect.js';

/**
 * MO-1 (weight-based dose, 0.5 mg/kg over 40-60 minutes, applied to every ketamine draft) is retired
 * by revision-2 section 2: its checks are OR-3 (dose, weight basis, obesity option), OR-4 (infusion
 * time) and OR-5 (frequency) in order review, run only on drafts OR-2 puts in TRD scope; the suggested
 * dose is SO-1's (0.5 mg/kg of the OR-3 dosing weight); an implausible or missing weight is EL-7's.
 */

/**
 * MO-2 IV ketamine session monitoring (revised)
 * Trigger: an in-scope IV ketamine order (one info card per order, with SO-8's bounded orders).
 * Outcome: met ("to do"), listing BP and HR every VITALS_INTERVAL_MIN (15 min) from the start of the
 * infusion until discharge, continuous pulse oximetry keeping SpO2 above SPO2_MIN (93 %), observation
 * for dissociation and sedation (MO-11) and the discharge criteria (MO-12), the observation lasting
 * until the infusion end + POST_INFUSION_OBSERVATION_MIN (60 min, local). Resuscitation equipment at hand.
 * Source: S1 (BP/HR every 15 min; observation for dissociation; resuscitation equipment); S0 (SpO2 > 93 %).
 */
export const MO2 = defineRule({
  id: 'MO-2',
  title: 'IV ketamine session monitoring',
  kind: 'monitoring',
  infoFor: ['iv-ketamine', 'ketamine-tms-combination'],
  source: SOURCES.ketamineConsensus,
  evaluate: ({ thresholds }) => {
    const interval = thresholds.vitals.monitoringIntervalMinutes.value;
    const spo2 = thresholds.safety.spo2Minimum.value;
    const after = thresholds.monitoring.postInfusionObservationMinutes.value;
    const lines = [
      `BP and HR every ${interval} minutes from the start of the infusion until discharge`,
      `Continuous pulse oximetry: keep SpO2 above ${spo2} %`,
      `Observe until ${after} minutes after the infusion ends; resuscitation equipment at hand`,
    ];
    return met([], `${lines.join('; ')}.`, { lines, intervalMinutes: interval, spo2AboveDefault: spo2, observationAfterInfusionMinutes: after });
  },
});

/**
 * MO-3 Esketamine session monitoring (revised: pulse oximetry, REMS)
 * Trigger: an in-scope esketamine order (the REMS card, with SO-8's bounded orders).
 * Outcome: met ("to do"), listing BP before dosing and at ~ESK_POST_BP_MIN (40 min), then as needed
 * until it settles; pulse oximetry and respiratory status through the observation; sedation and
 * dissociation checks (MO-11); observation for at least ESK_OBSERVATION_HOURS (2 h), then a clinical
 * decision on readiness to leave; the REMS Patient Monitoring Form after each outpatient session;
 * nothing to eat for 2 h and nothing to drink for 30 min before dosing; a nasal corticosteroid or
 * decongestant at least 1 h before. Moderate hepatic impairment (RC-8, Child-Pugh B) adds "observe
 * longer" (PI 8.6).
 * Source: PI 2, 5.1, 5.2, 5.6, 8.6; REMS (pulse oximeter on site; monitoring until sedation,
 * dissociation and respiratory depression resolve); HCP (pulse oximetry at each session).
 */
export const MO3 = defineRule({
  id: 'MO-3',
  title: 'Esketamine session monitoring (REMS)',
  kind: 'monitoring',
  infoFor: ['esketamine'],
  source: SOURCES.spravatoRems,
  evaluate: ({ thresholds, index }) => {
    const v = thresholds.vitals;
    const hepatic = [...index.activeConditions(VS.hepaticImpairment), ...index.activeConditions(VS.hepaticFailure)];
    const lines = [
      `BP before the dose and at about ${v.esketaminePostDoseBpMinutes.value} minutes, then until it settles`,
      'Pulse oximetry and respiratory status through the observation period',
      `Observe at least ${v.esketamineObservationHours.value} hours${hepatic.length ? ' (longer: hepatic impairment)' : ''}, then decide readiness to leave; REMS Patient Monitoring Form after each outpatient session`,
      'Before dosing: nothing to eat for 2 hours, nothing to drink for 30 minutes; nasal corticosteroid or decongestant at least 1 hour before',
    ];
    return met(
      hepatic.map((c) => c.ref),
      `${lines.join('; ')}.`,
      { lines, observeLonger: hepatic.length > 0 },
    );
  },
});

/** MO-4 Schedules: ketamine 3x/week x 2 weeks; esketamine twice weekly weeks 1-4; TMS 5x/week x 6 weeks; counts prior sessions. Source: source docs; Spravato label; LCD. */
export const MO4 = defineRule({
  id: 'MO-4',
  title: 'Treatment schedule',
  kind: 'monitoring',
  infoFor: ALL,
  source: SOURCES.combinationProtocol,
  evaluate: (ctx) => {
    const d = ctx.thresholds.dosing;
    const courses = priorCourses(ctx);
    return met(
      evidenceOf(courses),
      `Ketamine ${d.ketamineSessionsPerWeek.value}x/week for ${d.ketamineCourseWeeks.value} weeks; esketamine twice weekly for ${d.esketamineInductionWeeks.value} weeks; TMS ${d.tmsSessionsPerWeek.value}x/week for ${d.tmsCourseWeeks.value} weeks.`,
      { priorSessions: Object.fromEntries(courses.map((c) => [c.modality, c.sessions])) },
    );
  },
});

/** MO-5 Measurement-based care: PHQ-9 (or MADRS) and GAD-7 before each session. Source: source docs. */
export const MO5 = defineRule({
  id: 'MO-5',
  title: 'Measurement-based care before each session',
  kind: 'monitoring',
  infoFor: ALL,
  source: SOURCES.phq9,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.lookbackDays.baselineSeverity.value;
    const phq9 = latestScore(index, VS.phq9Total, days);
    const gad7 = latestScore(index, VS.gad7Total, days);
    const odd = implausibleLatest(index, VS.phq9Total, days);
    const latest =
      odd && (!phq9 || odd.date!.getTime() > phq9.date!.getTime())
        ? `the latest PHQ-9 could not be used (${odd.unreadable})`
        : phq9
          ? `latest PHQ-9 ${phq9.value} on ${isoDate(phq9.date)}`
          : 'no recent PHQ-9';
    return met([...(phq9 ? [phq9.ref] : []), ...(gad7 ? [gad7.ref] : [])], `PHQ-9 (or MADRS) and GAD-7 before each session; ${latest}.`);
  },
});

/** MO-6 Esketamine with an oral antidepressant: required only for MDD with acute SI; optional for TRD since 2025. Source: label history; 2025 approval. */
export const MO6 = defineRule({
  id: 'MO-6',
  title: 'Oral antidepressant alongside esketamine',
  kind: 'monitoring',
  infoFor: ['esketamine'],
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) => {
    const current = index.currentMedications(VS.antidepressantIngredients);
    return met(
      current.map((m) => m.ref),
      current.length
        ? `An oral antidepressant is current.${staleCurrentUse(index, current)}`
        : // Conditional, never a reassurance: monotherapy is labelled only where TRD is documented (EL-2).
          'No current oral antidepressant: esketamine alone is approved only for documented TRD (2025); the acute-SI indication requires one.',
      { onOralAntidepressant: current.length > 0 },
    );
  },
});

/** The last ketamine or esketamine session of a course in progress (MO-7), if any. */
function lastKetamineSession(ctx: RuleContext): { modality: string; date: Date } | undefined {
  const active = activeCourses(ctx).filter((c) => c.modality !== 'TMS');
  const last = active.sort((a, b) => b.end.getTime() - a.end.getTime())[0];
  return last ? { modality: last.modality, date: last.end } : undefined;
}

/**
 * MO-11 Dissociation and sedation checks after each session (new)
 * Trigger: IV ketamine or esketamine (a line of the MO-2 / MO-3 card).
 * Inclusion: after each session record dissociation (CADSS total, local code cadss-total) and
 * sedation (MOAA/S 0-5, local code moaas, or RASS, rass); discharge at MOAA/S >= DISCHARGE_MOAAS_MIN
 * (5) or RASS 0, and dissociation resolved by clinical judgement.
 * Outcome: met ("to do") with the lines; for a course in progress it also reads the last session:
 * a sedation score below 5 (or RASS not 0) as the last one recorded that day is named ("confirm
 * recovery before discharge"), and scores missing after it are named as a gap. Not met ("done") when
 * both were recorded after the last session and sedation had resolved. Unknown when observations
 * could not be read for a course in progress.
 * Source: PI 5.1 (MOAA/S), 5.2 (CADSS); S1 (observation for dissociative and psychotomimetic effects).
 */
export const MO11 = defineRule({
  id: 'MO-11',
  title: 'Dissociation and sedation checks after each session',
  kind: 'monitoring',
  infoFor: ['iv-ketamine', 'esketamine', 'ketamine-tms-combination'],
  source: SOURCES.spravatoLabel,
  evaluate: (ctx) => {
    const { index, thresholds } = ctx;
    const moaasMin = thresholds.monitoring.dischargeMoaasMinimum.value;
    const lines = [
      'After each session: dissociation (CADSS) and sedation (MOAA/S, or RASS)',
      `Discharge when MOAA/S is ${moaasMin} (or RASS 0) and dissociation has resolved`,
    ];
    const last = lastKetamineSession(ctx);
    if (!last) return met([], `${lines.join('; ')}.`, { lines });
    const gap = unknownBecause({ observations: index.record.observations });
    if (gap) return { ...gap, data: { lines } };
    // The session's day: scores recorded from the session's start to the end of the following day.
    const from = last.date.getTime();
    const to = addDays(last.date, 1).getTime();
    // A score outside its scale (MOAA/S 0-5, RASS -5 to +4, CADSS 0-92) is not a fact: it counts as not recorded.
    const SCALE: Record<string, [number, number]> = { [VS.moaasScore]: [0, 5], [VS.rassScore]: [-5, 4], [VS.dissociationScore]: [0, 92] };
    const onSessionDay = (url: string) =>
      index
        .observations(url)
        .filter(
          (o) =>
            o.date && o.value !== undefined && o.value >= SCALE[url]![0] && o.value <= SCALE[url]![1] && o.date.getTime() >= from && o.date.getTime() <= to,
        );
    const moaas = onSessionDay(VS.moaasScore)[0];
    const rass = onSessionDay(VS.rassScore)[0];
    // The newer of the two sedation scores decides.
    const sedation = moaas && rass ? (moaas.date!.getTime() >= rass.date!.getTime() ? moaas : rass) : (moaas ?? rass);
    const dissociation = onSessionDay(VS.dissociationScore)[0];
    const when = `the ${last.modality} session on ${isoDate(last.date)}`;
    if (sedation) {
      const isRass = sedation === rass;
      const resolved = isRass ? sedation.value === 0 : sedation.value! >= moaasMin;
      if (!resolved)
        return met([sedation.ref], `Last sedation score after ${when}: ${isRass ? 'RASS' : 'MOAA/S'} ${sedation.value}: confirm recovery before discharge.`, {
          lines,
          unresolved: true,
        });
      if (dissociation) return notMet(`Dissociation and sedation recorded after ${when}.`, { lines }, [], [sedation.ref, dissociation.ref]);
    }
    const missing = [...(sedation ? [] : ['sedation (MOAA/S or RASS)']), ...(dissociation ? [] : ['dissociation (CADSS)'])];
    return met([], `${lines.join('; ')}. Not recorded after ${when}: ${missing.join(' and ')}.`, { lines });
  },
});

/**
 * MO-12 Discharge, escort and driving (new)
 * Trigger: IV ketamine or esketamine (a line of the MO-2 / MO-3 card); TMS gets no line (S4: TMS
 * patients can usually drive themselves).
 * Outcome: met ("to do"): "Arrange transport home; no driving or hazardous activity until the
 * following day and a full night's sleep."
 * Source: PI (impaired ability to drive; patient counselling); HCP (arrange transportation). The same
 * line for IV ketamine is local, following S4.
 */
export const MO12 = defineRule({
  id: 'MO-12',
  title: 'Discharge, escort and driving',
  kind: 'monitoring',
  infoFor: ['iv-ketamine', 'esketamine', 'ketamine-tms-combination'],
  source: SOURCES.spravatoLabel,
  evaluate: () => {
    const line = "Arrange transport home; no driving or hazardous activity until the following day and a full night's sleep";
    return met([], `${line}.`, { lines: [line] });
  },
});

/**
 * MO-13 Misuse safeguards (new)
 * Trigger: IV ketamine or esketamine, at initiation and every MISUSE_REVIEW_DAYS (90 d) during
 * maintenance (merged with RC-2 when RC-2 is found: RC-2's card carries the same orders).
 * Inclusion: no prescription-drug-monitoring-program review (SNOMED 461621000124108) and no urine drug
 * screen (local code) recorded within MISUSE_REVIEW_DAYS, as a Procedure or an Observation.
 * Outcome: met ("to do"), offering the PDMP review and the urine drug screen (SO-11) that are missing,
 * and during a course in progress a question about urinary symptoms (RC-11; Ketalar: lower urinary
 * tract effects with chronic use). Not met ("done") when both are recorded within the window.
 * Unknown when procedures and observations could not be read.
 * Source: PI boxed warning and 5.3; S1 (long-term abuse liability and urologic toxicity unknown); Ketalar.
 */
export const MO13 = defineRule({
  id: 'MO-13',
  title: 'Misuse safeguards: PDMP review and urine drug screen',
  kind: 'monitoring',
  infoFor: ['iv-ketamine', 'esketamine', 'ketamine-tms-combination'],
  source: SOURCES.spravatoLabel,
  evaluate: (ctx) => {
    const { index, thresholds } = ctx;
    const days = thresholds.monitoring.misuseReviewDays.value;
    const r = index.record;
    if (!r.procedures.known && !r.observations.known) return unknownBecause({ procedures: r.procedures, observations: r.observations })!;
    const recent = (url: string) => {
      const procedures = index
        .procedures(url)
        .filter((p) => p.status === 'completed')
        .map((p) => ({ ref: `Procedure/${p.id}`, date: parseFhirDate(p.performedDateTime) ?? parseFhirDate(p.performedPeriod?.start) }));
      const observations = index.observations(url).map((o) => ({ ref: o.ref, date: o.date }));
      return [...procedures, ...observations].find((x) => x.date && daysBetween(x.date, index.now) <= days);
    };
    const pdmp = recent(VS.pdmpReview);
    const screen = recent(VS.urineDrugScreen);
    const inCourse = !!lastKetamineSession(ctx);
    const urinary = inCourse ? ' During treatment, ask about urinary symptoms (RC-11).' : '';
    if (pdmp && screen) return notMet(`PDMP review and urine drug screen within ${days} days.${urinary}`, undefined, [], [pdmp.ref, screen.ref]);
    const due = [...(pdmp ? [] : ['a PDMP review']), ...(screen ? [] : ['a urine drug screen'])];
    const outcome = met(
      [...(pdmp ? [pdmp.ref] : []), ...(screen ? [screen.ref] : [])],
      `Misuse safeguards ${inCourse ? `every ${days} days during treatment` : 'before starting'}: ${due.join(' and ')}.${urinary}`,
      { due, inCourse },
    );
    return settledBy(outcome, ...(pdmp ? [] : (['order-pdmp-review'] as const)), ...(screen ? [] : (['order-urine-drug-screen'] as const)));
  },
});

const COURSE_SOURCE = SOURCES.combinationProtocol;
const ended = (c: Course) => `${c.modality} course ended ${isoDate(c.end)}`;

/**
 * MO-7 A course in progress: session n of N and the % change (revision-2 section 5)
 * Trigger: any hook. Inclusion: TMS procedures (CPT 90867-90869), esketamine administrations or
 * G2082/G2083, IV ketamine administrations; a run with no gap over COURSE_GAP_DAYS is one course,
 * active while its last session is within COURSE_ACTIVE_DAYS. Outcome: met with the course line
 * (factual, not a verdict); not-met when no course is active; unknown when procedures or
 * administrations could not be read. Source: S2 (TMS 30-36 sessions); S1; PI 2; S3; windows local.
 */
export const MO7 = defineRule({
  id: 'MO-7',
  title: 'Treatment course in progress',
  kind: 'monitoring',
  infoFor: ALL,
  source: COURSE_SOURCE,
  evaluate: (ctx) => {
    const active = activeCourses(ctx);
    if (active.length) {
      const lines = active.map((c) => courseLine(c, ctx.now));
      return met(evidenceOf(active), `${lines.join('; ')}.`, { active: true, line: lines[0], modalities: active.map((c) => c.modality) });
    }
    const r = ctx.index.record;
    return (
      unknownBecause({ procedures: r.procedures, 'medication administrations': r.medicationAdministrations }) ??
      notMet('No TMS, ketamine or esketamine course is in progress.')
    );
  },
});

/**
 * MO-8 Course outcome, judged only at course end (revision-2 section 5)
 * Inclusion: courses in the look-back that have ended (active window lapsed, or N sessions done and
 * the outcome window passed). Outcome: met listing each ended course's outcome (response >= 50 % fall,
 * remission PHQ-9 < 5 / MADRS <= 10, partial 25-49 %, nonresponse < 25 %); unknown for an ended
 * course with no outcome score; not-met when no course has ended. Nothing is judged while active.
 * Source: S1 (assessment at completion); CMS159; rules.md 4.4.
 */
export const MO8 = defineRule({
  id: 'MO-8',
  title: 'Outcome of completed treatment courses',
  kind: 'monitoring',
  infoFor: ALL,
  source: COURSE_SOURCE,
  evaluate: (ctx) => {
    const done = priorCourses(ctx).filter((c) => !c.active);
    if (!done.length) return notMet('No completed TMS, ketamine or esketamine course.');
    const words = done.map(
      (c) => `${ended(c)}: ${c.outcome}${c.baseline && c.outcomeScore ? ` (${c.baseline.instrument} ${c.baseline.value} -> ${c.outcomeScore.value})` : ''}`,
    );
    const undecided = done.filter((c) => c.outcome === 'no outcome score');
    if (undecided.length === done.length)
      return unknown(
        undecided.map((c) => `a PHQ-9 or MADRS within 14 days after the ${c.modality} course ended on ${isoDate(c.end)}`),
        evidenceOf(done),
        `${words.join('; ')}.`,
      );
    return met(evidenceOf(done), `${words.join('; ')}.`, { outcomes: done.map((c) => ({ modality: c.modality, end: isoDate(c.end), outcome: c.outcome })) });
  },
});

/**
 * MO-9 During a course: no re-initiation; maintenance prompts (revision-2 section 5)
 * Outcome: met while any course is active: no suggestion to start a TMS, ketamine or esketamine
 * course (the assessment withholds them), and at the esketamine week-4 checkpoint or ketamine
 * session 6, "decide on maintenance". Not-met otherwise. Source: S1 (maintenance); PI 2.
 */
export const MO9 = defineRule({
  id: 'MO-9',
  title: 'Course in progress: continue, do not restart',
  kind: 'monitoring',
  infoFor: ALL,
  source: COURSE_SOURCE,
  evaluate: (ctx) => {
    const active = activeCourses(ctx);
    if (!active.length) return notMet();
    const checkpoint = active.find(
      (c) =>
        (c.modality === 'esketamine' &&
          (c.sessions >= ctx.thresholds.courses.esketaminePlannedSessions.value ||
            daysBetween(c.start, ctx.now) >= 7 * ctx.thresholds.dosing.esketamineInductionWeeks.value)) ||
        (c.modality === 'ketamine' && c.sessions >= ctx.thresholds.courses.ketaminePlannedSessions.value),
    );
    const prompt = checkpoint
      ? ` ${checkpoint.modality === 'esketamine' ? 'End of esketamine induction' : 'Ketamine session ' + checkpoint.sessions}: evaluate benefit and decide on maintenance.`
      : '';
    return met(
      evidenceOf(active),
      `${/^[aeiou]/i.test(active[0]!.modality) ? 'An' : 'A'} ${active.map((c) => c.modality).join(' and ')} course is in progress: no new course is suggested.${prompt}`,
      {
        checkpoint: !!checkpoint,
      },
    );
  },
});

/**
 * MO-10 Relapse after a prior response (revision-2 section 5)
 * Inclusion: a completed course within PRIOR_COURSE_LOOKBACK_DAYS that ended in response or
 * remission, and a later PHQ-9 >= 10 or MADRS >= 22. Outcome: met (info) naming the course, its
 * scores and the relapse score; re-treatment with the same modality may be offered. Not-met otherwise.
 * Source: S1 (maintenance to prevent relapse); MADRS 22 from the esketamine maintenance trial (not re-read); PHQ-9 local.
 */
export const MO10 = defineRule({
  id: 'MO-10',
  title: 'Relapse after a prior response',
  kind: 'monitoring',
  infoFor: ALL,
  source: COURSE_SOURCE,
  evaluate: (ctx) => {
    const c = ctx.thresholds.courses;
    for (const course of [...priorCourses(ctx)].reverse()) {
      if (course.active || (course.outcome !== 'response' && course.outcome !== 'remission') || !course.baseline || !course.outcomeScore) continue;
      const cut = course.baseline.instrument === 'PHQ-9' ? c.relapsePhq9AtLeast.value : c.relapseMadrsAtLeast.value;
      const url = course.baseline.instrument === 'PHQ-9' ? VS.phq9Total : VS.madrsTotal;
      const after = course.outcomeScore.date.getTime();
      const relapse = ctx.index.observations(url).find((o) => o.date && o.value !== undefined && o.date.getTime() > after && o.value >= cut);
      if (relapse) {
        const i = course.baseline.instrument;
        return met(
          [...course.evidence, relapse.ref],
          `Responded to ${course.modality} (course ended ${isoDate(course.end)}; ${i} ${course.baseline.value} -> ${course.outcomeScore.value}); now ${i} ${relapse.value}: relapse after response.`,
          { modality: course.modality },
        );
      }
    }
    return notMet();
  },
});

/**
 * EL-11 Treatment-resistance stage: the Maudsley Staging Method (revision-2 section 5; information only)
 * Inputs: episode duration (onset of the current MDD condition), baseline severity (coded severity,
 * else the latest MADRS, else the latest PHQ-9, by the local bands), distinct antidepressants with a
 * failed adequate attempt (EL-2), any augmentation attempt, ECT in the episode. Outcome: met with the
 * total (3-15) or its range when an input is unknown, and the band (mild 3-6, moderate 7-10, severe
 * 11-15); not-met ("not staged") with no failed antidepressant, or in bipolar depression (MSM_IN_BIPOLAR
 * false). Never gates a card or a suggestion.
 * Source: MSM (Fekadu et al., J Clin Psychiatry 2009;70:177; Fekadu, Donocik and Cleare, BMC Psychiatry 2018;18:100, Table 3).
 */
export const EL11 = defineRule({
  id: 'EL-11',
  title: 'Maudsley Staging Method (treatment resistance stage)',
  kind: 'monitoring',
  infoFor: ALL,
  source: SOURCES.maudsleyStaging,
  evaluate: ({ index, trials, now }) => {
    const dx = diagnoses(index);
    if (!dx.mdd.active.length && dx.bipolarDepression.active.length) return notMet('Not staged: the MSM was developed for unipolar depression.');
    const all = trials();
    const failedAds = new Set(all.filter((t) => t.status === 'failed').flatMap((t) => t.antidepressants));
    if (failedAds.size === 0) return notMet('Not staged: no failed antidepressant attempt in the episode.');
    const n = failedAds.size;
    const antidepressants = n <= 2 ? 1 : n <= 4 ? 2 : n <= 6 ? 3 : n <= 10 ? 4 : 5;
    const augmentation = all.some((t) => t.kind === 'augmentation' && t.status !== 'inadequate') ? 1 : 0;
    const episodeFloor = addDays(now, -730).getTime();
    // ECT in the episode: a completed session within 730 days, or one the record does not date.
    const ect = ectHistory(index).dates.some((d) => !d || d.getTime() >= episodeFloor) ? 1 : 0;
    const onset = dx.mdd.active.map((d) => d.date?.getTime()).filter((x): x is number => x !== undefined);
    const months = onset.length ? (now.getTime() - Math.max(...onset)) / (30.44 * 86_400_000) : undefined;
    const duration: [number, number] = months === undefined ? [1, 3] : months <= 12 ? [1, 1] : months <= 24 ? [2, 2] : [3, 3];
    const severity = severityScore(index);
    const min = duration[0] + severity[0] + antidepressants + augmentation + ect;
    const max = duration[1] + severity[1] + antidepressants + augmentation + ect;
    const band = (x: number) => (x <= 6 ? 'mild' : x <= 10 ? 'moderate' : 'severe');
    const bandText = band(min) === band(max) ? band(min) : `${band(min)} to ${band(max)}`;
    const total = min === max ? `${min}` : `${min}-${max}`;
    const gaps = [
      ...(months === undefined ? ['episode duration not recorded'] : []),
      ...(severity[0] !== severity[1] ? ['baseline severity not recorded'] : []),
    ];
    return met(
      [],
      `MSM ${total}, ${bandText}${gaps.length ? `; ${gaps.join('; ')}` : ''} (duration ${duration[0] === duration[1] ? duration[0] : '1-3'}, severity ${severity[0] === severity[1] ? severity[0] : '1-5'}, antidepressants ${antidepressants}, augmentation ${augmentation}, ECT ${ect}).`,
      { total, min, max, band: bandText },
    );
  },
});

/** MSM severity at baseline: coded severity, else MADRS, else PHQ-9 bands (local mappings); unknown as [1, 5]. */
function severityScore(index: RecordIndex): [number, number] {
  const dx = diagnoses(index);
  if (dx.mddPsychotic.active.length || dx.psychotic.active.length) return [5, 5];
  if (index.activeConditions(VS.mddSevere).length) return [4, 4];
  if (index.activeConditions(VS.mddModerate).length) return [3, 3];
  if (index.activeConditions(VS.mddMild).length) return [2, 2];
  const madrs = index.observations(VS.madrsTotal).find((o) => o.value !== undefined)?.value;
  if (madrs !== undefined) return madrs <= 6 ? [1, 1] : madrs <= 19 ? [2, 2] : madrs <= 34 ? [3, 3] : [4, 4];
  const phq9 = index.observations(VS.phq9Total).find((o) => o.value !== undefined)?.value;
  if (phq9 !== undefined) return phq9 <= 9 ? [1, 1] : phq9 <= 14 ? [2, 2] : phq9 <= 19 ? [3, 3] : [4, 4];
  return [1, 5];
}

export const MONITORING_RULES = [MO2, MO3, MO4, MO5, MO6, MO7, MO8, MO9, MO10, MO11, MO12, MO13, EL11];
