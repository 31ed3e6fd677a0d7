/**
 * EL-4 and the current episode: a latest PHQ-9 below the remission cut (< 5) or MADRS <= 10 within the
 * EL-4 window puts the episode in doubt (not met, "confirm the depressive episode is current"); the TRD
 * card leads with it and suggests a repeat PHQ-9 instead of any treatment. A PHQ-9 of 5-9 is a mild
 * baseline (met, named). A newer score at or above the cut settles the doubt; an active course explains
 * a low score (a response), so its card leads with the course, not the doubt.
 */
import { describe, expect, it } from 'vitest';
import type { Status } from '../../cds-services/assessment/findings.js';
import { SYS, obs, procedure } from '../builders/fhir.js';
import { esketamineDraft, tmsDraft } from '../builders/drafts.js';
import { candidate } from '../builders/scenarios.js';
import { callHook } from '../helpers/hooks.js';
import { assessResources } from '../helpers/record.js';

interface Scenario {
  resources: fhir4.Resource[];
  status: Status;
  /** Words the EL-4 finding's sentence carries. */
  says: RegExp;
}

const SCENARIOS: Record<string, Scenario> = {
  'phq9-of-3-five-days-ago-puts-the-episode-in-doubt': {
    resources: candidate({ phq9Recent: obs.phq9(3, 5) }),
    status: 'not-met',
    says: /^Latest PHQ-9 3 on \d{4}-\d{2}-\d{2} \(minimal\): confirm the depressive episode is current\.$/,
  },
  'phq9-of-0-puts-the-episode-in-doubt': { resources: candidate({ phq9Recent: obs.phq9(0, 2) }), status: 'not-met', says: /PHQ-9 0 .*\(minimal\)/ },
  'phq9-of-4-is-still-below-the-remission-cut': { resources: candidate({ phq9Recent: obs.phq9(4, 2) }), status: 'not-met', says: /PHQ-9 4 / },
  'phq9-of-5-is-a-mild-baseline-named-below-the-expected-10': {
    resources: candidate({ phq9Recent: obs.phq9(5, 2) }),
    status: 'met',
    says: /^PHQ-9 5 on \d{4}-\d{2}-\d{2} \(mild, below the expected 10\)\.$/,
  },
  'phq9-of-9-is-a-mild-baseline': { resources: candidate({ phq9Recent: obs.phq9(9, 2) }), status: 'met', says: /\(mild, below the expected 10\)/ },
  'phq9-of-10-is-a-baseline-with-nothing-to-add': { resources: candidate({ phq9Recent: obs.phq9(10, 2) }), status: 'met', says: /^PHQ-9 10 on [\d-]+\.$/ },
  'madrs-of-10-puts-the-episode-in-doubt': {
    resources: candidate({ phq9Recent: null }, obs.madrs(10, 2)),
    status: 'not-met',
    says: /^Latest MADRS 10 on [\d-]+ \(in the remission range\): confirm the depressive episode is current\.$/,
  },
  'madrs-of-11-is-a-baseline': { resources: candidate({ phq9Recent: null }, obs.madrs(11, 2)), status: 'met', says: /^MADRS 11 on [\d-]+\.$/ },
  'a-newer-phq9-of-14-settles-an-older-3': { resources: candidate({ phq9Recent: obs.phq9(14, 2) }, obs.phq9(3, 10)), status: 'met', says: /^PHQ-9 14 / },
  'a-newer-madrs-of-8-after-a-phq9-of-18-puts-the-episode-in-doubt': {
    resources: candidate({}, obs.madrs(8, 1)),
    status: 'not-met',
    says: /Latest MADRS 8 /,
  },
  'a-phq9-of-3-older-than-the-window-is-no-doubt-and-no-baseline': {
    resources: candidate({ phq9Recent: obs.phq9(3, 45) }),
    status: 'not-met',
    says: /^No PHQ-9 or MADRS within 30 days\.$/,
  },
};

describe('EL-4: the latest score and the current episode', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const el4 = assessResources(s.resources).byRule.get('EL-4')!;
    expect(el4.status).toBe(s.status);
    expect(el4.note).toMatch(s.says);
  });
});

const TREATMENT = /TMS|ketamine|esketamine|SPRAVATO/i;

describe('patient-view with the episode in doubt', () => {
  it('phq9-of-3-five-days-ago-no-treatment-suggested-repeat-phq9-instead', async () => {
    const { cards } = await callHook('patient-view', candidate({ phq9Recent: obs.phq9(3, 5) }));
    const trd = cards.find((c) => c.summary.includes('confirm the depressive episode is current'))!;
    expect(trd.summary).toMatch(/^Latest PHQ-9 3 on [\d-]+ \(minimal\): confirm the depressive episode is current; /);
    expect(trd.detail).toMatch(/^\*\*Next step:\*\* Repeat the PHQ-9 to confirm the depressive episode is current/);
    const labels = cards.flatMap((c) => (c.suggestions ?? []).map((x) => x.label));
    expect(labels.filter((l) => TREATMENT.test(l))).toEqual([]);
    expect(labels.filter((l) => /PHQ-9/.test(l))).toEqual(['Order a repeat PHQ-9']);
    expect(cards.length).toBeLessThanOrEqual(4);
  });

  it('phq9-of-7-is-named-mild-and-does-not-lead-the-trd-card', async () => {
    // The candidate's second trial is read against this score too (7 from 18 is a response): EL-2 changes, EL-4 only names it.
    const { cards } = await callHook('patient-view', candidate({ phq9Recent: obs.phq9(7, 5) }));
    expect(cards.map((c) => c.detail).join('\n')).toContain('(mild, below the expected 10)');
    expect(cards.map((c) => c.summary).join('\n')).not.toContain('confirm the depressive episode is current');
  });

  it('a-phq9-of-3-during-an-active-tms-course-is-a-response-not-a-doubt-on-the-card', async () => {
    const sessions = [1, 2, 3, 4, 5, 8, 9, 10].map((d) => procedure(SYS.cpt, '90868', { daysAgo: d }));
    const { cards } = await callHook('patient-view', candidate({ phq9Recent: obs.phq9(3, 1) }, ...sessions));
    expect(cards[0]!.summary).toMatch(/^TMS session 8 of 36/);
    expect(cards.map((c) => c.summary).join('\n')).not.toContain('confirm the depressive episode is current');
    expect(cards.flatMap((c) => (c.suggestions ?? []).map((x) => x.label))).not.toContain('Order a baseline PHQ-9');
  });
});

describe('order-sign with the episode in doubt', () => {
  it.each([
    ['esketamine', esketamineDraft()],
    ['TMS', tmsDraft()],
  ])('%s-signed-with-a-phq9-of-3-five-days-ago-warns-the-episode-is-in-doubt', async (_name, draft) => {
    const { cards } = await callHook('order-sign', candidate({ phq9Recent: obs.phq9(3, 5) }), { drafts: [draft] });
    const doubt = cards.filter((c) => /confirm the depressive episode is current \(EL-4/.test(c.summary));
    expect(doubt.map((c) => c.indicator)).toEqual(['warning']);
  });

  it('esketamine-signed-with-a-phq9-of-14-says-nothing-about-the-episode', async () => {
    const { cards } = await callHook('order-sign', candidate({ phq9Recent: obs.phq9(14, 5) }), { drafts: [esketamineDraft()] });
    expect(cards.map((c) => c.summary).join('\n')).not.toContain('EL-4');
  });
});
