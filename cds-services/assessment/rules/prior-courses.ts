import { VS } from '../concepts.js';
import { addDays, parseFhirDate, withinDays } from '../fhir-read.js';
import type { RuleContext } from '../rule.js';

export interface PriorCourse {
  modality: 'TMS' | 'ketamine' | 'esketamine';
  start: Date;
  end: Date;
  sessions: number;
  evidence: string[];
  response: 'inadequate' | 'responded' | 'unknown';
}

function procedureDate(p: fhir4.Procedure): Date | undefined {
  return parseFhirDate(p.performedDateTime) ?? parseFhirDate(p.performedPeriod?.start);
}

function medicationDate(r: { effectiveDateTime?: string; effectivePeriod?: fhir4.Period; authoredOn?: string; whenHandedOver?: string }): Date | undefined {
  return parseFhirDate(r.effectiveDateTime) ?? parseFhirDate(r.effectivePeriod?.start) ?? parseFhirDate(r.whenHandedOver) ?? parseFhirDate(r.authoredOn);
}

/**
 * Prior TMS and ketamine/esketamine courses in the look-back, each with its response: the same
 * instrument (PHQ-9, else MADRS) before the first and after the last session, < 50 % fall = inadequate.
 */
export function priorCourses(ctx: RuleContext): PriorCourse[] {
  return ctx.index.once('prior-courses', () => readPriorCourses(ctx));
}

function readPriorCourses({ index, thresholds }: RuleContext): PriorCourse[] {
  const days = thresholds.lookbackDays.priorCourse.value;
  const sessions = new Map<PriorCourse['modality'], { date: Date; ref: string }[]>();
  const add = (m: PriorCourse['modality'], date: Date | undefined, r: string) => {
    if (date && withinDays(date, index.now, days)) sessions.set(m, [...(sessions.get(m) ?? []), { date, ref: r }]);
  };
  for (const p of index.procedures(VS.tmsProcedures)) if (p.status === 'completed') add('TMS', procedureDate(p), `Procedure/${p.id}`);
  for (const p of index.procedures(VS.esketamineProcedures)) if (p.status === 'completed') add('esketamine', procedureDate(p), `Procedure/${p.id}`);
  for (const m of index.medicationUses) {
    if (m.resource.resourceType === 'MedicationRequest') continue; // an order is not a session
    const date = medicationDate(m.resource as never);
    if (m.concepts.has(VS.esketamineProducts)) add('esketamine', date, m.ref);
    else if (m.concepts.has(VS.ketamineProducts)) add('ketamine', date, m.ref);
  }
  const reduction = index.knowledge.thresholds.scores.responseReductionPercent.value;
  const courses: PriorCourse[] = [];
  for (const [modality, list] of sessions) {
    list.sort((a, b) => a.date.getTime() - b.date.getTime());
    const start = list[0]!.date;
    const end = list[list.length - 1]!.date;
    let response: PriorCourse['response'] = 'unknown';
    const evidence = list.map((s) => s.ref);
    for (const url of [VS.phq9Total, VS.madrsTotal]) {
      const scores = index.observations(url).filter((o) => o.date && o.value !== undefined);
      const at = (o: (typeof scores)[number]) => o.date!.getTime();
      const [startMs, endMs, baselineFrom, followUpUntil] = [start.getTime(), end.getTime(), addDays(start, -30).getTime(), addDays(end, 30).getTime()];
      const before = scores.find((o) => at(o) <= startMs && at(o) >= baselineFrom);
      const after = [...scores].reverse().find((o) => at(o) > endMs && at(o) <= followUpUntil);
      if (before && after && before.value! > 0) {
        const fall = ((before.value! - after.value!) / before.value!) * 100;
        response = fall >= reduction ? 'responded' : 'inadequate';
        evidence.push(before.ref, after.ref);
        break;
      }
    }
    courses.push({ modality, start, end, sessions: list.length, evidence, response });
  }
  return courses;
}
