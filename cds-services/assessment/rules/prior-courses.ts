/**
 * TMS, IV ketamine and esketamine courses (revision-2 MO-7, MO-8): sessions grouped into courses by
 * the gap between them, whether a course is active, session n of N, the % change from the course's
 * baseline, and, only once a course has ended, its outcome (response, remission, partial response,
 * nonresponse, or no outcome score). Pure: a function of the record's sessions, scores, thresholds and now.
 */
import { VS } from '../concepts.js';
import { addDays, calendarDaysBetween, daysBetween, parseFhirDate, withinDays } from '../fhir-read.js';
import type { RuleContext } from '../rule.js';
import type { Thresholds } from '../thresholds.js';

export type CourseModality = 'TMS' | 'ketamine' | 'esketamine';
export type CourseOutcome = 'remission' | 'response' | 'partial response' | 'nonresponse' | 'no outcome score';

export interface Course {
  modality: CourseModality;
  start: Date;
  end: Date;
  sessions: number;
  planned: number;
  active: boolean;
  evidence: string[];
  baseline?: { instrument: 'PHQ-9' | 'MADRS'; value: number; ref: string };
  current?: { value: number; ref: string; date: Date };
  /** Fall from baseline, in % (positive = improvement). */
  changePercent?: number;
  /** Only for a course that has ended (MO-8); never judged while active. */
  outcome?: CourseOutcome;
  outcomeScore?: { value: number; ref: string; date: Date };
}

/** Also exported under its former name for the rules that listed prior courses. */
export type PriorCourse = Course;

function procedureDate(p: fhir4.Procedure): Date | undefined {
  return parseFhirDate(p.performedDateTime) ?? parseFhirDate(p.performedPeriod?.start);
}

function settings(th: Thresholds, m: CourseModality) {
  const c = th.courses;
  const key = m === 'TMS' ? 'tms' : m;
  return {
    activeDays: c[`${key}ActiveDays`].value,
    gapDays: c[`${key}GapDays`].value,
    planned: c[`${key}PlannedSessions`].value,
  };
}

/** Every course of the look-back (PRIOR_COURSE_LOOKBACK_DAYS), oldest first. */
export function priorCourses(ctx: RuleContext): Course[] {
  return ctx.index.once('courses', () => readCourses(ctx));
}

/** The course in progress, if any (MO-7). */
export const activeCourses = (ctx: RuleContext): Course[] => priorCourses(ctx).filter((c) => c.active);

function readCourses({ index, thresholds: th }: RuleContext): Course[] {
  const lookback = th.lookbackDays.priorCourse.value;
  const sessions = new Map<CourseModality, { date: Date; ref: string }[]>();
  const add = (m: CourseModality, date: Date | undefined, ref: string) => {
    if (!date || !withinDays(date, index.now, lookback)) return;
    const list = sessions.get(m);
    if (list) list.push({ date, ref });
    else sessions.set(m, [{ date, ref }]);
  };
  for (const p of index.procedures(VS.tmsProcedures)) if (p.status === 'completed') add('TMS', procedureDate(p), `Procedure/${p.id}`);
  for (const p of index.procedures(VS.esketamineProcedures)) if (p.status === 'completed') add('esketamine', procedureDate(p), `Procedure/${p.id}`);
  // A session is an administration; an order, statement or dispense is not one.
  for (const m of index.medicationUses) {
    if (m.resource.resourceType !== 'MedicationAdministration' || m.resource.status !== 'completed') continue;
    const date = parseFhirDate(m.resource.effectiveDateTime) ?? parseFhirDate(m.resource.effectivePeriod?.start);
    if (m.concepts.has(VS.esketamineProducts)) add('esketamine', date, m.ref);
    else if (m.concepts.has(VS.ketamineProducts)) add('ketamine', date, m.ref);
  }
  const scores = [VS.phq9Total, VS.madrsTotal].map((url) => ({
    instrument: url === VS.phq9Total ? ('PHQ-9' as const) : ('MADRS' as const),
    list: index
      .observations(url)
      .filter((o) => o.date && o.value !== undefined)
      .map((o) => ({ ref: o.ref, date: o.date!, value: o.value! }))
      .sort((a, b) => a.date.getTime() - b.date.getTime()),
  }));
  const c = th.courses;
  const courses: Course[] = [];
  for (const [modality, list] of sessions) {
    const s = settings(th, modality);
    list.sort((a, b) => a.date.getTime() - b.date.getTime());
    const runs: (typeof list)[] = [];
    for (const x of list) {
      const run = runs[runs.length - 1];
      if (run && daysBetween(run[run.length - 1]!.date, x.date) <= s.gapDays) run.push(x);
      else runs.push([x]);
    }
    for (const run of runs) {
      const start = run[0]!.date;
      const end = run[run.length - 1]!.date;
      const sinceLast = daysBetween(end, index.now);
      const active = sinceLast <= s.activeDays && !(run.length >= s.planned && sinceLast >= c.outcomeWindowDays.value);
      const course: Course = { modality, start, end, sessions: run.length, planned: s.planned, active, evidence: run.map((x) => x.ref) };
      for (const { instrument, list: sc } of scores) {
        const baseline = sc.findLast((o) => o.date.getTime() <= start.getTime() + 86_400_000 && daysBetween(o.date, start) <= c.baselineWindowDays.value);
        if (!baseline) continue;
        course.baseline = { instrument, value: baseline.value, ref: baseline.ref };
        const after = sc.filter((o) => o.date.getTime() > baseline.date.getTime());
        const current = after[after.length - 1];
        if (current) {
          course.current = current;
          if (baseline.value > 0) course.changePercent = Math.round(((baseline.value - current.value) / baseline.value) * 100);
        }
        if (!active) {
          // MO-8: the first score within the outcome window after the last session, else the last in the final 7 days.
          const windowEnd = addDays(end, c.outcomeWindowDays.value).getTime();
          const outcome =
            after.find((o) => o.date.getTime() >= end.getTime() && o.date.getTime() <= windowEnd) ??
            after.findLast((o) => o.date.getTime() <= end.getTime() && daysBetween(o.date, end) <= 7);
          if (outcome) {
            course.outcomeScore = outcome;
            const fall = baseline.value > 0 ? ((baseline.value - outcome.value) / baseline.value) * 100 : 0;
            const remitted = instrument === 'PHQ-9' ? outcome.value < th.scores.phq9RemissionBelow.value : outcome.value <= c.madrsRemissionAtMost.value;
            course.outcome = remitted
              ? 'remission'
              : fall >= th.scores.responseReductionPercent.value
                ? 'response'
                : fall >= c.partialResponsePercent.value
                  ? 'partial response'
                  : 'nonresponse';
            course.evidence.push(baseline.ref, outcome.ref);
          }
        }
        break;
      }
      if (!active && !course.outcome) course.outcome = 'no outcome score';
      courses.push(course);
    }
  }
  return courses.sort((a, b) => a.start.getTime() - b.start.getTime());
}

const MODALITY_WORD: Record<CourseModality, string> = { TMS: 'TMS', ketamine: 'IV ketamine', esketamine: 'Esketamine' };

/** "TMS session 16 of 36 (last 2 days ago); PHQ-9 21 -> 14 (33 % below baseline)": factual, not a verdict. */
export function courseLine(course: Course, now: Date): string {
  const days = Math.max(0, calendarDaysBetween(course.end, now));
  const head = `${MODALITY_WORD[course.modality]} session ${course.sessions} of ${course.planned} (last ${days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`})`;
  if (!course.baseline) return `${head}; no baseline score`;
  if (!course.current || course.changePercent === undefined) return `${head}; ${course.baseline.instrument} baseline ${course.baseline.value}`;
  const pct = Math.abs(course.changePercent);
  return `${head}; ${course.baseline.instrument} ${course.baseline.value} -> ${course.current.value} (${pct} % ${course.changePercent >= 0 ? 'below' : 'above'} baseline)`;
}
