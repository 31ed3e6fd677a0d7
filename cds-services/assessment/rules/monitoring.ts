import { VS } from '../concepts.js';
import { met, notMet, settledBy, unknown } from '../findings.js';
import { addDays, daysBetween, parseFhirDate } from '../fhir-read.js';
import { diagnoses } from '../diagnoses.js';
import type { RecordIndex } from '../record.js';
import { implausibleLatest, latestScore, latestWeight } from '../observations.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, capitalise, isoDate, unknownBecause } from './common.js';
import { activeCourses, courseLine, priorCourses, type Course } from './prior-courses.js';

/** Weight-based IV ketamine dose, rounded to 0.5 mg as infusion pumps are set. */
export function ketamineDoseMg(weightKg: number, mgPerKg: number): number {
  return Math.round(weightKg * mgPerKg * 2) / 2;
}

/**
 * MO-1 Dose: 0.5 mg/kg IV over 40-60 minutes (combination: 20-minute infusion)
 * Inclusion: the latest weight within 30 days. Outcome: met with the dose; unknown without a weight.
 * Source: source docs; Sanacora 2017.
 */
export const MO1 = defineRule({
  id: 'MO-1',
  title: 'Weight-based IV ketamine dose',
  kind: 'monitoring',
  infoFor: ['iv-ketamine', 'ketamine-tms-combination'],
  source: SOURCES.ketamineConsensus,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.lookbackDays.weight.value;
    const w = latestWeight(index, days, thresholds.plausibleRanges.weightKg);
    const mgPerKg = thresholds.dosing.ketamineMgPerKg.value;
    if (!w) return unknownBecause({ observations: index.record.observations }) ?? unknown([`a body weight within ${days} days`]);
    // No dose from an implausible weight (issue 20: 80,000 kg once suggested 40,000 mg).
    if (w.implausible)
      return settledBy(
        unknown([`a plausible body weight (${w.implausible})`], [w.ref], `${capitalise(w.implausible)}.`, { implausible: true }),
        'order-weight',
      );
    const doseMg = ketamineDoseMg(w.kg, mgPerKg);
    return met([w.ref], `${mgPerKg} mg/kg x ${w.kg.toFixed(1)} kg = ${doseMg} mg IV over ${thresholds.dosing.ketamineInfusionMinutes.value} minutes.`, {
      weightKg: Math.round(w.kg * 10) / 10,
      doseMg,
      mgPerKg,
    });
  },
});

/** MO-2 BP and HR every 15 minutes during the infusion; continuous SpO2 above 93 %. Source: source docs. */
export const MO2 = defineRule({
  id: 'MO-2',
  title: 'Vital-sign monitoring during infusion',
  kind: 'monitoring',
  infoFor: ['iv-ketamine', 'ketamine-tms-combination'],
  source: SOURCES.ketamineConsensus,
  evaluate: ({ thresholds }) =>
    met(
      [],
      `BP and HR every ${thresholds.vitals.monitoringIntervalMinutes.value} minutes; continuous SpO2, keep above ${thresholds.vitals.spo2MinimumPercent.value} %.`,
    ),
});

/** MO-3 Esketamine: BP before and about 40 minutes after the dose; observe at least 2 hours; no driving until the next day. Source: Spravato label; REMS. */
export const MO3 = defineRule({
  id: 'MO-3',
  title: 'Esketamine monitoring (REMS)',
  kind: 'monitoring',
  infoFor: ['esketamine'],
  source: SOURCES.spravatoRems,
  evaluate: ({ thresholds }) =>
    met(
      [],
      `REMS-certified setting; BP before and ~${thresholds.vitals.esketaminePostDoseBpMinutes.value} min after the dose; observe ${thresholds.vitals.esketamineObservationHours.value} h; no driving until the next day.`,
    ),
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
      courses.flatMap((c) => c.evidence),
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
        ? `the latest PHQ-9 could not be read (${odd.implausible})`
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
        ? 'An oral antidepressant is current.'
        : 'No current oral antidepressant: esketamine monotherapy is approved for TRD (2025); the acute-SI indication requires one.',
      { onOralAntidepressant: current.length > 0 },
    );
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
      return met(
        active.flatMap((c) => c.evidence),
        `${lines.join('; ')}.`,
        { active: true, line: lines[0], modalities: active.map((c) => c.modality) },
      );
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
        done.flatMap((c) => c.evidence),
        `${words.join('; ')}.`,
      );
    return met(
      done.flatMap((c) => c.evidence),
      `${words.join('; ')}.`,
      { outcomes: done.map((c) => ({ modality: c.modality, end: isoDate(c.end), outcome: c.outcome })) },
    );
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
      active.flatMap((c) => c.evidence),
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
    const ect = index.procedures(VS.ectProcedures).some((p) => {
      const d = parseFhirDate(p.performedDateTime) ?? parseFhirDate(p.performedPeriod?.start);
      return p.status === 'completed' && (!d || d.getTime() >= episodeFloor);
    })
      ? 1
      : 0;
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

export const MONITORING_RULES = [MO1, MO2, MO3, MO4, MO5, MO6, MO7, MO8, MO9, MO10, EL11];
