/**
 * The outcome of an adequate antidepressant trial (revision-2 EL-2.10, revised [local]): the scores taken
 * during the trial (up to its stop plus `onTreatmentGraceDays`) judge it; a score after that is read as the
 * outcome only when none was taken on treatment. Remission on a drug followed by a high score after it was
 * stopped is relapse after discontinuation, never nonresponse (TRD-def: nonresponse during an adequate trial).
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { obs } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';

// The candidate's sertraline ran from 300 to 200 days ago, and escitalopram (failed) started 180 days ago.
const sertralineScores = (...scores: [value: number, daysAgo: number][]) => candidate({ phq9AfterSertraline: scores.map(([v, d]) => obs.phq9(v, d)) });

interface Scenario {
  resources: fhir4.Resource[];
  sertraline: string;
  el2: Status;
  /** Words the sertraline row's note carries. */
  note?: RegExp;
}

const SCENARIOS: Record<string, Scenario> = {
  'remission-on-sertraline-then-relapse-15-days-after-stopping-is-a-response-not-a-failure': {
    resources: sertralineScores([20, 305], [4, 210], [18, 185]),
    sertraline: 'responded',
    el2: 'not-met',
    note: /^remission: PHQ-9 20 -> 4; relapse after stopping: PHQ-9 18 on /,
  },
  'response-on-sertraline-lost-while-still-taking-it-is-a-failure': {
    // The latest score on treatment decides: 20 -> 8 at week 7, then 19 at week 13, still on sertraline.
    resources: sertralineScores([20, 305], [8, 250], [19, 205]),
    sertraline: 'failed',
    el2: 'met',
    note: /^nonresponse: PHQ-9 20 -> 19/,
  },
  'no-score-on-sertraline-and-18-fifteen-days-after-stopping-is-still-its-outcome': {
    // Nothing on treatment: the first score after the stop is read, as revision-2 EL-2.10 says.
    resources: sertralineScores([20, 305], [18, 185]),
    sertraline: 'failed',
    el2: 'met',
  },
  'a-score-5-days-after-stopping-reads-the-trial': {
    resources: sertralineScores([20, 305], [17, 195]),
    sertraline: 'failed',
    el2: 'met',
  },
};

describe('the outcome of an adequate trial is read on treatment (EL-2.10)', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const a = assessResources(s.resources);
    const row = a.trials.find((t) => t.ingredient === 'sertraline');
    expect(row?.status).toBe(s.sertraline);
    expect(a.byRule.get('EL-2')!.status).toBe(s.el2);
    if (s.note) expect(row?.note).toMatch(s.note);
  });
});
