/**
 * EL-12 ECT as the alternative (revision-2 section 6): met (with the reason the card names), not met
 * and unknown, one scenario per item, then the patient-view cards that carry it (its own info card
 * with the SO-10 referral, or the suicide-risk safety card when CI-1 is found) and the ECT course
 * that withholds it.
 */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/cds-hooks/protocol.js';
import type { Status } from '../../cds-services/assessment/findings.js';
import { SYS, allergy, device, icd, obs, patient, procedure, sct } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { callHook } from '../helpers/hooks.js';
import { statusWords } from '../../cds-services/cards/problems.js';
import { assessResources } from '../helpers/record.js';

const woman = () => patient({ gender: 'female', age: 29 });
/** Pregnant (positive hCG 10 days ago), coded moderate recurrent MDD, and no PHQ-9 in the last 30 days unless one is added. */
const pregnant = (...extra: fhir4.Resource[]) =>
  candidate({ patient: woman(), mdd: icd('F33.1', { onsetDaysAgo: 400 }), phq9Recent: null }, obs.hcg('positive', 10), ...extra);
const ectSession = (daysAgo: number) => procedure(SYS.cpt, '90870', { daysAgo });

interface Scenario {
  resources: fhir4.Resource[];
  unknown?: string[];
  status: Status;
  /** Words the finding's note (the card's sentence) or its missing data must carry. */
  says?: RegExp;
}

const SCENARIOS: Record<string, Scenario> = {
  'psychotic-depression-names-ect': {
    resources: candidate({ mdd: icd('F33.3', { onsetDaysAgo: 400 }) }),
    status: 'met',
    // CI-2 rules out IV ketamine and esketamine; TMS stays open, so item 1 does not hold.
    says: /^ECT may be considered: MDD with psychotic features\.$/,
  },
  'snomed-catatonia-names-ect': { resources: candidate({}, sct('231442003')), status: 'met', says: /catatonia/ },
  'catatonia-written-only-as-text-asks-to-confirm': {
    resources: candidate({}, {
      resourceType: 'Condition',
      id: 'cat',
      subject: { reference: 'Patient/p1' },
      code: { text: 'Catatonic stupor' },
    } as fhir4.Condition),
    status: 'unknown',
    says: /confirm catatonia \(Catatonic stupor\)/,
  },
  'provisional-psychotic-features-asks-to-confirm': {
    resources: candidate({}, icd('F32.3', { verification: 'provisional' })),
    status: 'unknown',
    says: /confirm MDD with psychotic features/,
  },
  'every-treatment-ruled-out-names-ect': {
    // Ketamine allergy rules out IV ketamine and esketamine; a cochlear implant rules out TMS.
    resources: candidate({}, allergy(SYS.rx, '6130'), device('Cochlear implant, right')),
    status: 'met',
    says: /^ECT may be considered: IV ketamine, esketamine and TMS are all ruled out\./,
  },
  'ketamines-ruled-out-and-tms-unscreened-is-unknown': {
    resources: candidate({}, allergy(SYS.rx, '6130')),
    status: 'unknown',
    says: /the checks still open for TMS/,
  },
  'severe-depression-in-pregnancy-names-ect': {
    resources: pregnant(obs.phq9(22, 4)),
    status: 'met',
    says: /severe depression in pregnancy \(PHQ-9 22\)/,
  },
  'madrs-35-in-pregnancy-names-ect': { resources: pregnant(obs.madrs(36, 4)), status: 'met', says: /severe depression in pregnancy \(MADRS 36\)/ },
  // Pregnancy rules out IV ketamine and esketamine; a clear TMS safety screen keeps TMS open (item 1 does not hold).
  'moderate-depression-in-pregnancy-does-not': { resources: pregnant(obs.phq9(14, 4), obs.tmsScreen('no-contraindication')), status: 'not-met' },
  'severe-code-in-pregnancy-with-no-recent-score-names-ect': {
    resources: candidate({ patient: woman(), phq9Recent: null }, obs.hcg('positive', 10)),
    status: 'met',
    says: /severe depression in pregnancy\./,
  },
  'recent-moderate-score-outranks-a-severe-code': {
    resources: candidate({ patient: woman(), phq9Recent: obs.phq9(13, 3) }, obs.hcg('positive', 10), obs.tmsScreen('no-contraindication')),
    status: 'not-met',
  },
  'pregnancy-without-a-recent-score-is-unknown': { resources: pregnant(), status: 'unknown', says: /a PHQ-9 or MADRS within 30 days/ },
  'severe-depression-without-a-pregnancy-test-is-unknown': {
    resources: candidate({ patient: woman(), phq9Recent: obs.phq9(23, 3) }),
    status: 'unknown',
    says: /severe depression: ECT if pregnant/,
  },
  'imminent-suicide-risk-names-ect-after-the-evaluation': {
    resources: candidate({}, obs.cssrsIdeation('LA30374-5', 2)),
    status: 'met',
    says: /imminent suicide risk, after the same-day evaluation/,
  },
  'clean-candidate-does-not': { resources: candidate(), status: 'not-met' },
  'conditions-unavailable-is-unknown': { resources: candidate(), unknown: ['conditions'], status: 'unknown' },
  'ect-course-under-way-withholds-the-referral': {
    resources: candidate({ mdd: icd('F33.3', { onsetDaysAgo: 400 }) }, ectSession(30), ectSession(9), ectSession(5)),
    status: 'not-met',
    says: /^An ECT course is under way \(last session \d{4}-\d{2}-\d{2}\)/,
  },
  'ect-long-ago-is-named-as-history': {
    resources: candidate({ mdd: icd('F33.3', { onsetDaysAgo: 400 }) }, ectSession(300), ectSession(297)),
    status: 'met',
    says: /Prior ECT: 2 session\(s\), last on \d{4}-\d{2}-\d{2}\./,
  },
};

describe('EL-12 ECT as the alternative', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    const f = assessResources(s.resources, s.unknown).byRule.get('EL-12')!;
    expect(f.status).toBe(s.status);
    expect(f.indicator).toBe('info');
    if (s.status === 'unknown') expect(f.missing.length).toBeGreaterThan(0);
    if (s.says) expect(s.status === 'unknown' ? f.missing.join('; ') : f.note).toMatch(s.says);
  });
});

describe('EL-12 on patient-view', () => {
  const ectCards = (cards: Card[]) => cards.filter((c) => c.summary.startsWith('ECT may be considered'));

  it('psychotic depression: one info card naming ECT, with the referral to a psychiatry service for the condition', async () => {
    const { cards } = await callHook('patient-view', candidate({ mdd: icd('F33.3', { onsetDaysAgo: 400, id: 'psychotic-mdd' }) }));
    const [card] = ectCards(cards);
    expect(card).toMatchObject({ indicator: 'info', summary: expect.stringMatching(/MDD with psychotic features.*\(EL-12\)$/) });
    const action = card!.suggestions![0]!.actions[0]!;
    const referral = ('resource' in action ? action.resource : undefined) as fhir4.ServiceRequest;
    expect(referral.code?.coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '183524004' });
    expect(referral.code?.text).toBe('ECT evaluation');
    expect(referral.reasonReference).toEqual([{ reference: 'Condition/psychotic-mdd' }]);
    expect(referral.orderDetail?.map((d) => d.text)).toContain('MDD with psychotic features');
    expect(cards.length).toBeLessThanOrEqual(4);
  });

  it('imminent suicide risk: no ECT card of its own; the safety card carries the referral', async () => {
    const { cards } = await callHook('patient-view', candidate({}, obs.cssrsIdeation('LA30374-5', 2)));
    expect(ectCards(cards)).toEqual([]);
    const safety = cards.find((c) => c.summary.endsWith('(CI-1)'))!;
    expect(safety.detail).toMatch(/ECT may be considered/);
    expect(safety.suggestions!.map((s) => s.label)).toContain('Refer for an ECT evaluation');
  });

  it('an ECT course under way: no ECT card', async () => {
    const { cards } = await callHook('patient-view', candidate({ mdd: icd('F33.3', { onsetDaysAgo: 400 }) }, ectSession(5)));
    expect(ectCards(cards)).toEqual([]);
  });

  it('the clean candidate: no ECT card', async () => {
    expect(ectCards((await callHook('patient-view', candidate())).cards)).toEqual([]);
  });
});

describe('ECT history read once, for EL-12 and the Maudsley stage (EL-11)', () => {
  it.each([
    ['ect-in-the-episode-adds-a-maudsley-point', [ectSession(200)], /ECT 1\)/],
    ['ect-before-the-episode-look-back-adds-none', [ectSession(800)], /ECT 0\)/],
    ['an-ect-session-not-done-adds-none', [procedure(SYS.cpt, '90870', { daysAgo: 200, status: 'not-done' })], /ECT 0\)/],
  ] as const)('%s', (_name, extra, says) => {
    expect(assessResources(candidate({}, ...extra)).byRule.get('EL-11')!.note).toMatch(says);
  });
});

describe('EL-12 in the explanation tables (CD-5)', () => {
  it('reads "applies" or "does not apply", never a monitoring task\'s "to do" or "done"', () => {
    const words = (resources: fhir4.Resource[]) => statusWords(assessResources(resources).byRule.get('EL-12')!);
    expect(words(candidate({ mdd: icd('F33.3', { onsetDaysAgo: 400 }) }))).toBe('applies');
    expect(words(candidate())).toBe('does not apply');
  });
});
