/**
 * The TRD card's summary: why the patient is or is not a candidate, in words a clinician reads in
 * a second (revision-2 CD-3 order: CI-12 mania, CI-1 safety, EL-1 diagnosis, an active course,
 * then the EL-2 verdict with counts; then age under 18). A latest score below the remission cut (EL-4
 * 'episode-in-doubt') leads the EL-2 verdict: CD-3 is silent on it, and it decides that nothing is
 * started. At most 139 characters (cut by makeCard).
 */
import type { Assessment } from '../assessment/assess.js';
import type { Finding } from '../assessment/findings.js';
import { episodeInDoubt, firstFitting } from '../cards/problems.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The first clause: the most decisive reason, or undefined when the TRD verdict itself leads. */
function leadingReason(a: Assessment): string | undefined {
  const f = (id: string): Finding | undefined => a.byRule.get(id);
  if (f('CI-12')?.status === 'met') return 'Current manic, hypomanic or mixed episode: do not start IV ketamine, esketamine or TMS (CI-12)';
  if (f('CI-1')?.status === 'met') return 'Acute suicide risk: same-day evaluation before any TRD treatment (CI-1)';
  return diagnosisClause(a);
}

/**
 * True when the TRD card's summary leads with EL-1 (the diagnosis to confirm), so the Missing data card
 * does not ask for it again (CD-1).
 */
export const diagnosisLeads = (a: Assessment): boolean => diagnosisClause(a) !== undefined && leadingReason(a) === diagnosisClause(a);

/** EL-1's reason, as the summary's first clause. */
function diagnosisClause(a: Assessment): string | undefined {
  const d = (a.byRule.get('EL-1')?.data ?? {}) as Record<string, string | number | undefined>;
  switch (d['reason']) {
    case 'remission':
      return `MDD in remission (${d['diagnosis']}): not a current episode`;
    case 'remission-then-depressed':
      return `Coded in remission, but ${d['instrument']} ${d['score']} on ${d['scoreDate']}: confirm a new episode`;
    case 'bipolar-depression':
      return 'Bipolar depression: MDD-based TRD criteria and esketamine labelling do not apply';
    // The TRD card says what the conflict does to TRD; the EL-9 card names the codes and the caution (CD-1).
    case 'mdd-and-bipolar':
      return 'TRD unknown until the diagnosis is confirmed: MDD and bipolar disorder both active (EL-9)';
    case 'mdd-and-bipolar-history':
      return 'TRD unknown until the diagnosis is confirmed: MDD with a history of bipolar disorder (EL-9)';
    case 'mdd-and-remission':
      return 'MDD coded both current and in remission: confirm a current episode (EL-9)';
    case 'ambiguous':
      return `Confirm that the depression (${d['diagnosis']}) is MDD`;
    case 'unconfirmed':
      return `Depression recorded as provisional (${d['diagnosis']}): confirm the diagnosis`;
    case 'status-less':
      return `Depression (${d['diagnosis']}) recorded with no status: confirm it is current`;
    case 'text-only':
      return `A problem recorded as text ('${String(d['text']).slice(0, 40)}') may be MDD: confirm and code it`;
    case 'unlisted-code':
      return `Depression coded ${String(d['diagnosis']).slice(0, 24)}, a code not listed here: confirm it is current MDD`;
    case 'no-mdd':
      return 'No current MDD diagnosis recorded: TRD criteria need one';
    case 'conditions-unavailable':
      return 'Diagnoses could not be read: TRD status unknown';
    default:
      return undefined;
  }
}

/** The EL-2 clause: counts of failed and undecided attempts. */
function attemptsClause(a: Assessment, needed: number): string {
  const { failedTrials: failed, unknownTrials: undecided } = a.trd;
  const el2 = a.byRule.get('EL-2');
  const coded = (a.byRule.get('EL-1')?.data as { trdCoded?: boolean } | undefined)?.trdCoded;
  const history = (el2?.data as { medicationHistory?: 'incomplete' | 'unavailable' } | undefined)?.medicationHistory;
  // CD-4: counts from part of the medication list are lower bounds; with none of it there is no count to give.
  if (el2?.status === 'met') return `${history ? 'at least ' : ''}${plural(failed, 'failed treatment attempt')}`;
  if (el2?.status === 'unknown' && history === 'unavailable') return 'TRD unknown: medication history unavailable';
  if (el2?.status === 'unknown' && history === 'incomplete')
    return `TRD unknown: at least ${plural(failed, 'failed attempt')}, ${undecided} undecided (medication list incomplete)`;
  if (el2?.status === 'not-met') {
    return coded
      ? `TRD is coded but the record shows ${failed} of ${needed} failed attempts`
      : // An attempt whose adequacy or outcome is undecided is said, so "0 of 2" does not read as no treatment at all.
        `TRD not documented: ${failed} of ${needed} failed adequate attempts${undecided ? `, ${undecided} undecided` : ''}`;
  }
  const why = (el2?.data as { summaryReason?: string } | undefined)?.summaryReason;
  return `TRD unknown: ${plural(failed, 'failed attempt')}, ${undecided} undecided${why ? ` (${why})` : ''}`;
}

export function trdSummary(a: Assessment, needed: number): string {
  const parts: string[] = [];
  const lead = leadingReason(a);
  const course = (a.byRule.get('MO-7')?.data as { line?: string; active?: boolean } | undefined) ?? undefined;
  const doubt = lead ? undefined : episodeInDoubt(a);
  if (lead) parts.push(lead);
  else if (course?.active && course.line) parts.push(course.line);
  if (!lead) {
    const clause = attemptsClause(a, needed);
    const msm = (a.byRule.get('EL-11')?.data as { band?: string; total?: string } | undefined) ?? undefined;
    const verdict = a.trd.status === 'met' ? `TRD: ${clause}${msm?.band ? `, Maudsley stage ${msm.band}` : ''}` : clause;
    parts.push(doubt ? firstFitting(`${doubt}; ${verdict}`, `${doubt}; ${clause}`, doubt) : verdict);
  }
  const age = (a.byRule.get('EL-6')?.data as { age?: number } | undefined)?.age;
  if (age !== undefined && age < 18) parts.push(`age ${age}`);
  // An age that could not be read withholds every suggestion (OR-12): said where the verdict reads "TRD".
  else if (a.trd.status === 'met' && a.withheldSuggestions.esketamine === 'EL-6') parts.push('age unknown');
  return parts.join('; ');
}
