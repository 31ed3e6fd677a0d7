/**
 * Revision 2, section 5: courses in progress and completed (MO-7 to MO-10, EL-3). Each scenario is
 * named in words and includes the situations: week 3 of TMS, week 3 of esketamine induction,
 * and a prior ketamine responder whose PHQ-9 is back to 20.
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import type { Modality } from '../../cds-services/assessment/findings.js';
import { trdSummary } from '../../cds-services/trd-patient-view/trd-summary.js';
import { SYS, medAdministration, obs, procedure } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';

const ESKETAMINE_SBDF = '2201625';
const KETAMINE = '6130';
/** TMS sessions on weekdays: `count` sessions, the last `lastDaysAgo` days ago. */
const tmsSessions = (count: number, lastDaysAgo: number) =>
  Array.from({ length: count }, (_, i) => procedure(SYS.cpt, i === 0 ? '90867' : '90868', { daysAgo: lastDaysAgo + Math.floor(((count - 1 - i) * 7) / 5) }));
const sessionsEvery = (count: number, lastDaysAgo: number, everyDays: number, make: (daysAgo: number) => fhir4.Resource) =>
  Array.from({ length: count }, (_, i) => make(lastDaysAgo + (count - 1 - i) * everyDays));

interface Scenario {
  resources: fhir4.Resource[];
  expect: Record<string, Status>;
  summary?: RegExp;
  withheld?: Partial<Record<Modality, string>>;
  note?: [string, RegExp];
}

const scenarios: Record<string, Scenario> = {
  'week-3-of-tms-is-in-progress-not-an-inadequate-response-and-offers-no-new-course': {
    // 16 sessions over about 3 weeks, PHQ-9 21 before the first session, 14 now.
    resources: candidate({ phq9Recent: obs.phq9(14, 1) }, tmsSessions(16, 1), obs.phq9(21, 23)),
    expect: { 'MO-7': 'met', 'MO-8': 'not-met', 'MO-9': 'met', 'EL-3': 'unknown' },
    summary: /^TMS session 16 of 36 \(last 1 day ago\); PHQ-9 21 -> 14 \(33 % below baseline\)/,
    withheld: { 'iv-ketamine': 'MO-9', esketamine: 'MO-9', tms: 'MO-9' },
  },
  'week-3-of-esketamine-induction-is-not-offered-esketamine-again': {
    resources: candidate(
      {},
      sessionsEvery(6, 2, 3.5, (d) => medAdministration(ESKETAMINE_SBDF, { daysAgo: d, mg: 56 })),
      obs.phq9(22, 20),
    ),
    expect: { 'MO-7': 'met', 'MO-9': 'met' },
    withheld: { 'iv-ketamine': 'MO-9', esketamine: 'MO-9', tms: 'MO-9' },
    summary: /^Esketamine session 6 of 8/,
  },
  'end-of-esketamine-induction-prompts-a-maintenance-decision': {
    resources: candidate(
      {},
      sessionsEvery(8, 2, 3.5, (d) => medAdministration(ESKETAMINE_SBDF, { daysAgo: d, mg: 84 })),
      obs.phq9(22, 30),
    ),
    expect: { 'MO-9': 'met' },
    note: ['MO-9', /End of esketamine induction: evaluate benefit and decide on maintenance/],
  },
  'prior-ketamine-responder-back-to-phq9-20-is-a-relapse-after-response': {
    resources: candidate(
      { phq9Recent: obs.phq9(20, 2) },
      sessionsEvery(6, 200, 2, (d) => medAdministration(KETAMINE, { daysAgo: d, mg: 40 })),
      obs.phq9(22, 212),
      obs.phq9(8, 198),
    ),
    expect: { 'MO-7': 'not-met', 'MO-8': 'met', 'MO-10': 'met', 'EL-3': 'not-met' },
    note: ['MO-10', /Responded to ketamine \(course ended .*; PHQ-9 22 -> 8\); now PHQ-9 20: relapse after response/],
  },
  'completed-tms-course-with-a-small-fall-is-an-inadequate-response': {
    resources: candidate({}, tmsSessions(30, 100), obs.phq9(20, 145), obs.phq9(17, 95)),
    expect: { 'MO-8': 'met', 'EL-3': 'met', 'MO-10': 'not-met' },
    note: ['MO-8', /TMS course ended .*: nonresponse \(PHQ-9 20 -> 17\)/],
  },
  'completed-tms-course-with-a-30-percent-fall-is-a-partial-response': {
    resources: candidate({}, tmsSessions(30, 100), obs.phq9(20, 145), obs.phq9(14, 95)),
    expect: { 'EL-3': 'met' },
    note: ['MO-8', /partial response/],
  },
  'completed-course-without-an-outcome-score-is-unknown': {
    resources: candidate({}, tmsSessions(30, 100), obs.phq9(20, 145)),
    expect: { 'MO-8': 'unknown', 'EL-3': 'unknown' },
  },
  'no-course-at-all-is-not-met-and-withholds-nothing': {
    resources: candidate(),
    expect: { 'MO-7': 'not-met', 'MO-8': 'not-met', 'MO-9': 'not-met', 'MO-10': 'not-met', 'EL-3': 'not-met' },
    withheld: {},
  },
};

describe('revision 2 courses (MO-7 to MO-10, EL-3)', () => {
  it.each(Object.entries(scenarios))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    const statuses = Object.fromEntries(Object.keys(s.expect).map((rule) => [rule, a.byRule.get(rule)?.status]));
    expect(statuses).toEqual(s.expect);
    if (s.summary) expect(trdSummary(a, 2)).toMatch(s.summary);
    if (s.withheld) expect(a.withheldSuggestions).toEqual(s.withheld);
    if (s.note) expect(a.byRule.get(s.note[0])!.note).toMatch(s.note[1]);
    for (const f of [...a.criteria, ...a.findings]) if (f.status === 'unknown') expect(f.missing.length, f.rule).toBeGreaterThan(0);
  });
});
