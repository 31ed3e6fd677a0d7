/**
 * ECT as the alternative (revision-2 section 6, EL-12): when the three treatments this service
 * supports are all ruled out, or the depression is one for which ECT is the treatment guidelines
 * name first (psychotic features, catatonia, severe depression in pregnancy, imminent suicide risk),
 * the service says so and offers a referral for an ECT evaluation. ECT history is read from the
 * record's procedures (the ect-procedures ValueSet) so that a course under way is not re-suggested.
 */
import { VS } from '../concepts.js';
import { diagnoses, refsOf } from '../diagnoses.js';
import { parseFhirDate, withinDays } from '../fhir-read.js';
import { met, notMet, unknown, type Modality, type Status } from '../findings.js';
import { latestScore } from '../observations.js';
import type { RecordIndex } from '../record.js';
import { defineRule, type AssessedSoFar } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, isoDate, unknownBecause } from './common.js';

/** ECT sessions on record: completed procedures in the ect-procedures ValueSet, newest first. */
export interface EctHistory {
  sessions: number;
  /** Each completed session's date (undefined when the record gives none), for EL-11's "ECT in the episode". */
  dates: (Date | undefined)[];
  last?: { date: Date; ref: string };
  refs: string[];
}

/** The record's ECT sessions (CPT 90870, the SNOMED ECT concept, or a procedure named ECT), read once per call. */
export function ectHistory(index: RecordIndex): EctHistory {
  return index.once('ect-history', () => {
    const done = index
      .procedures(VS.ectProcedures)
      .filter((p) => p.status === 'completed')
      .map((p) => ({ date: parseFhirDate(p.performedDateTime) ?? parseFhirDate(p.performedPeriod?.start), ref: `Procedure/${p.id}` }));
    const dated = done.filter((s): s is { date: Date; ref: string } => !!s.date).sort((a, b) => b.date.getTime() - a.date.getTime());
    return { sessions: done.length, dates: done.map((s) => s.date), ...(dated[0] ? { last: dated[0] } : {}), refs: done.map((s) => s.ref) };
  });
}

const SUPPORTED: readonly Modality[] = ['iv-ketamine', 'esketamine', 'tms'];

/**
 * EL-12 item 1, three-valued: met when IV ketamine, esketamine and TMS are each contraindicated or
 * deferred; not met when any is clear, or cautioned with every absolute rule for it checked; unknown
 * when the ones left are open only because an absolute rule for them could not be checked.
 */
function allRuledOut(assessed: AssessedSoFar): { status: Status; open: Modality[] } {
  let status: Status = 'met';
  const open: Modality[] = [];
  for (const m of SUPPORTED) {
    const v = assessed.verdicts[m];
    if (v.status === 'contraindicated' || v.status === 'deferred') continue;
    const unchecked = v.notChecked.some((id) => {
      const f = assessed.byRule.get(id);
      return !!f && (f.absoluteFor.includes(m) || f.deferFor.includes(m));
    });
    if (!unchecked) return { status: 'not-met', open: [] };
    status = 'unknown';
    open.push(m);
  }
  return { status, open };
}

/**
 * EL-12 ECT as the alternative (revision-2 section 6)
 * Trigger: patient-view (and the record of any hook). Runs after the verdicts (it reads them).
 * Inclusion (any one): 1. IV ketamine, esketamine and TMS all contraindicated or deferred;
 *   2. MDD with psychotic features (F32.3, F33.3, SNOMED equivalents); 3. catatonia (F06.1, the SNOMED
 *   catatonic-features concepts), a catatonia text term as "confirm"; 4. pregnancy (CI-4 found) with
 *   a PHQ-9 >= 20 or MADRS >= 35 within 30 days, or (with no score then) a severe or psychotic MDD code; 5. imminent suicide
 *   risk (CI-1 found): ECT named among the options after the same-day evaluation.
 * Exclusion: an ECT session within ECT courseActiveDays (35 d, local): a course (acute or monthly
 *   maintenance) is under way, so no referral is suggested (not met, said in the note).
 * Outcome: met (info) with "ECT may be considered: <reasons>" and the referral (SO-10); unknown when no
 *   item holds but one could (a diagnosis to confirm, conditions unreadable, a treatment left open only by
 *   an absolute check that could not be made, pregnancy or severity unsettled); not met otherwise.
 *   The card lists no ECT contraindications: it is a referral for evaluation.
 * Source: S4 (ECT for severe cases); APA MDD guideline 2010, APA ECT task force 2001, VA/DoD 2022 (not
 *   re-read) for the indications; the pregnancy severity cut is local.
 * Choices (local, recorded here): "current depression" in item 4 is a score within 30 days, and a recent
 *   score outranks a severity code (the code may date from the diagnosis); a
 *   status-less or provisional psychotic-features or catatonia code is a reason to confirm (unknown),
 *   like CI-2; an ECT course under way withholds the card.
 */
export const EL12 = defineRule({
  id: 'EL-12',
  title: 'ECT as the alternative',
  kind: 'monitoring',
  infoFor: ALL,
  source: SOURCES.ectGuidelines,
  evaluate: ({ index, thresholds, assessed }) => {
    if (!assessed) return unknown(['the safety verdicts (EL-12 runs after them)']);
    const th = thresholds.ect;
    const dx = diagnoses(index);
    const reasons: string[] = [];
    const evidence: string[] = [];
    const missing: string[] = [];
    const confirm = (what: string, list: { display: string }[]) => missing.push(`confirm ${what} (${list.map((d) => d.display).join(', ')})`);

    // 5. Imminent suicide risk: ECT is named after the same-day evaluation (the safety card carries it).
    const ci1 = assessed.byRule.get('CI-1');
    if (ci1?.status === 'met') {
      reasons.push('imminent suicide risk, after the same-day evaluation');
      evidence.push(...ci1.evidence);
    }
    // 2. MDD with psychotic features.
    if (dx.mddPsychotic.active.length) {
      reasons.push('MDD with psychotic features');
      evidence.push(...refsOf(dx.mddPsychotic.active));
    } else if (dx.mddPsychotic.confirm.length) confirm('MDD with psychotic features', dx.mddPsychotic.confirm);
    // 3. Catatonia.
    if (dx.catatonia.active.length) {
      reasons.push('catatonia');
      evidence.push(...refsOf(dx.catatonia.active));
    } else if (dx.catatonia.confirm.length) confirm('catatonia', dx.catatonia.confirm);
    // 4. Severe depression in pregnancy.
    const ci4 = assessed.byRule.get('CI-4');
    if (ci4 && ci4.status !== 'not-met') {
      const phq9 = latestScore(index, VS.phq9Total, th.scoreLookbackDays.value);
      const madrs = latestScore(index, VS.madrsTotal, th.scoreLookbackDays.value);
      const severeCode = [...index.activeConditions(VS.mddSevere), ...dx.mddPsychotic.active.map((d) => ({ ref: d.ref }))];
      const severeScore =
        phq9 && phq9.value! >= th.pregnancySeverePhq9AtLeast.value ? phq9 : madrs && madrs.value! >= th.pregnancySevereMadrsAtLeast.value ? madrs : undefined;
      // A score within the window decides; a severe code (often set when the episode was diagnosed) only without one.
      const severe: Status = severeScore ? 'met' : phq9 || madrs ? 'not-met' : severeCode.length ? 'met' : 'unknown';
      if (ci4.status === 'met' && severe === 'met') {
        reasons.push(
          severeScore ? `severe depression in pregnancy (${severeScore === phq9 ? 'PHQ-9' : 'MADRS'} ${severeScore.value})` : 'severe depression in pregnancy',
        );
        evidence.push(...ci4.evidence, ...(severeScore ? [severeScore.ref] : severeCode.map((c) => c.ref)));
      } else if (ci4.status === 'met' && severe === 'unknown')
        missing.push(`a PHQ-9 or MADRS within ${th.scoreLookbackDays.value} days (pregnancy: ECT if the depression is severe)`);
      else if (ci4.status === 'unknown' && severe === 'met') missing.push(...ci4.missing.map((m) => `${m} (severe depression: ECT if pregnant)`));
    }
    // 1. Every treatment this service supports ruled out.
    const ruledOut = allRuledOut(assessed);
    if (ruledOut.status === 'met') {
      reasons.push('IV ketamine, esketamine and TMS are all ruled out');
      for (const m of SUPPORTED) for (const id of assessed.verdicts[m].because) evidence.push(...(assessed.byRule.get(id)?.evidence ?? []));
    } else if (ruledOut.status === 'unknown')
      missing.push(
        `the checks still open for ${ruledOut.open.map((m) => (m === 'iv-ketamine' ? 'IV ketamine' : m === 'tms' ? 'TMS' : 'esketamine')).join(' and ')} (the others are ruled out)`,
      );

    const history = ectHistory(index);
    if (reasons.length) {
      const last = history.last;
      if (last && withinDays(last.date, index.now, th.courseActiveDays.value)) {
        return notMet(`An ECT course is under way (last session ${isoDate(last.date)}): no ECT referral is suggested.`, { inProgress: true }, [], [last.ref]);
      }
      const prior = history.sessions ? ` Prior ECT: ${history.sessions} session(s)${last ? `, last on ${isoDate(last.date)}` : ''}.` : '';
      return met([...new Set(evidence)], `ECT may be considered: ${reasons.join('; ')}.${prior}`, {
        reasons,
        priorEctSessions: history.sessions,
        ...(last ? { lastEct: isoDate(last.date) } : {}),
      });
    }
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    if (missing.length) return unknown(missing, []);
    return notMet();
  },
});

export const ECT_RULES = [EL12];
