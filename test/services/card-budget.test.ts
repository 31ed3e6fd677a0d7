/**
 * The card budget (issue 17, revision-2 CD-1): for every fixture and conformance patient, patient-view returns at most
 * four cards and an order call at most four per draft, and no two cards are about the same problem.
 * A card names its rules in parentheses at the end of its summary; each rule belongs to one problem.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Card, CdsResponse } from '../../src/cds-hooks/protocol.js';
import { problemOfRule } from '../../cds-services/cards/problems.js';
import { SOURCES } from '../../cds-services/assessment/sources.js';
import { PATIENT_VIEW_MAX_CARDS } from '../../cds-services/trd-patient-view/cards.js';
import { esketamineDraft, ketamineDraft, tmsDraft } from '../builders/drafts.js';
import { candidate } from '../builders/scenarios.js';
import { icd, obs } from '../builders/fhir.js';
import { SAFETY_SCENARIOS } from '../builders/safety-scenarios.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';
import { expectValidCards } from '../helpers/card-invariants.js';
import { allFixtures, conformancePatients } from '../helpers/fixtures.js';
import { buildTestApp } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';
import { fixedClock } from '../../src/clock.js';
import { testApp } from '../helpers/hooks.js';

const ORDER_MAX_CARDS_PER_DRAFT = 4;

/** The rule ids a card's summary names in parentheses, e.g. "(CI-6, RC-5)". */
const rulesOf = (card: Card) => [...card.summary.matchAll(/\(((?:[A-Z]{2,3}-\d+)(?:, [A-Z]{2,3}-\d+)*)\)/g)].flatMap((m) => m[1]!.split(', '));

/**
 * Problems that appear on more than one card. A rule outside the problem families is a problem of its
 * own. The TRD card is left out: CD-3 makes its summary lead with the decisive reason (CI-12, CI-1),
 * which states why no treatment is offered rather than being a second card on that problem.
 */
function sharedProblems(cards: readonly Card[]): string[] {
  const seen = new Map<string, number>();
  cards.forEach((card, i) => {
    if (card.source.label === SOURCES.trdDefinition.label) return;
    for (const problem of new Set(rulesOf(card).map((rule) => problemOfRule(rule) ?? rule))) {
      if (seen.has(problem) && seen.get(problem) !== i) seen.set(problem, -1);
      else if (!seen.has(problem)) seen.set(problem, i);
    }
  });
  return [...seen].filter(([, i]) => i === -1).map(([p]) => p);
}

async function call(
  hook: 'patient-view' | 'order-sign',
  patientId: string,
  resources: fhir4.Resource[],
  drafts: fhir4.Resource[] = [],
  app: typeof testApp = testApp,
): Promise<Card[]> {
  const ours = (r: fhir4.Resource) => ({ ...r, ...('subject' in r ? { subject: { reference: `Patient/${patientId}` } } : {}) }) as fhir4.Resource;
  const context: Record<string, unknown> = { userId: 'Practitioner/1', patientId };
  if (hook !== 'patient-view') context['draftOrders'] = bundle(drafts.map(ours));
  const res = await request(app)
    .post(`/cds-services/trd-${hook}`)
    .send({ hook, hookInstance: 'c2a4a0b4-3a51-4e0b-8f1e-0d6a9a4e2b17', context, prefetch: prefetchFor(resources) });
  expect(res.status).toBe(200);
  const cards = (res.body as CdsResponse).cards;
  expectValidCards(cards);
  return cards;
}

const patients = [
  ...allFixtures().map((f) => ({ name: `fixture ${f.name}`, patientId: f.patientId, resources: f.resources })),
  ...Object.entries(SAFETY_SCENARIOS).map(([name, build]) => ({ name, patientId: 'p1', resources: build() })),
  { name: 'clean candidate', patientId: 'p1', resources: candidate() },
  // Public real-shaped records, each at its own clock (issue 17: "every fixture and conformance patient").
  ...conformancePatients().map((c) => ({
    name: `conformance ${c.name}`,
    patientId: c.patientId,
    resources: c.resources,
    app: buildTestApp({ services: realServices(), clock: fixedClock(c.now) }).app,
  })),
];

describe('card budget', () => {
  it.each(patients.map((p) => [p.name, p] as const))('%s: patient-view gives at most four cards, no problem on two', async (_name, p) => {
    const cards = await call('patient-view', p.patientId, p.resources, [], (p as { app?: typeof testApp }).app ?? testApp);
    expect(cards.length, cards.map((c) => c.summary).join('\n')).toBeLessThanOrEqual(PATIENT_VIEW_MAX_CARDS);
    expect(sharedProblems(cards), cards.map((c) => c.summary).join('\n')).toEqual([]);
  });

  it.each(patients.map((p) => [p.name, p] as const))('%s: order-sign puts no problem on two cards, and at most four per draft', async (_name, p) => {
    for (const draft of [ketamineDraft(40), esketamineDraft(), tmsDraft()]) {
      const cards = await call('order-sign', p.patientId, p.resources, [draft], (p as { app?: typeof testApp }).app ?? testApp);
      const list = `${draft.id}:\n${cards.map((c) => c.summary).join('\n')}`;
      expect(sharedProblems(cards), list).toEqual([]);
      expect(cards.length, list).toBeLessThanOrEqual(ORDER_MAX_CARDS_PER_DRAFT);
    }
  });
});

/**
 * Busy patients signing several treatments at once (issues 15 and 17): one card per problem across the
 * drafts, a problem shared by treatments said once naming them, at most four cards per draft, every
 * summary complete (under 140 characters, never cut with an ellipsis).
 */
const README_SIGN = candidate({}, icd('F31.81'), obs.bpPanel(150, 92, 1));
const busy: Record<string, { patientId: string; resources: fhir4.Resource[]; drafts: fhir4.Resource[]; named: [RegExp, RegExp][] }> = {
  'bipolar-ii-with-raised-bp-signs-ketamine-and-tms': {
    patientId: 'p1',
    resources: README_SIGN,
    drafts: [ketamineDraft(60), tmsDraft()],
    // Bipolar disorder (RC-1, with the EL-9 conflict) once, naming both; the payer note inside the combination card.
    named: [
      [/\bRC-1\b/, /^Caution with IV ketamine and TMS: bipolar disorder, conflicting active diagnoses \(RC-1, EL-9\)$/],
      [/\bRC-14\b/, /\(RC-15, RC-14\)$/],
      [/\bRC-5\b/, /^IV ketamine: no BP, HR, SpO2 in the 60 min before the dose; BP 150\/92 mmHg on \d{4}-\d{2}-\d{2} is above 140\/90 \(OR-10, RC-5\)$/],
    ],
  },
  'many-problems-at-once-signs-ketamine-esketamine-and-tms': {
    patientId: 'p1',
    resources: SAFETY_SCENARIOS['many-problems-at-once']!(),
    drafts: [ketamineDraft(40), esketamineDraft(), tmsDraft()],
    named: [
      [/\bCI-3\b/, /^Do not order IV ketamine or intranasal esketamine \(SPRAVATO\): substance dependence \(CI-3\)$/],
      [/\bCI-1\b/, /^Start IV ketamine and TMS only after a same-day suicide risk evaluation \(CI-1\)$/],
    ],
  },
  'long-history-candidate-signs-ketamine-and-tms': {
    patientId: allFixtures().find((f) => f.name === 'long-history-trd-candidate')!.patientId,
    resources: allFixtures().find((f) => f.name === 'long-history-trd-candidate')!.resources,
    drafts: [ketamineDraft(40), tmsDraft()],
    named: [[/\bOR-10\b/, /^IV ketamine: no BP, HR, SpO2 in the 60 min before the dose; .*\(OR-10, RC-5\)$/]],
  },
};

describe('order-sign for busy patients signing several treatments', () => {
  it.each(Object.entries(busy))('%s: one card per problem, naming the treatments it shares', async (_name, b) => {
    const cards = await call('order-sign', b.patientId, b.resources, b.drafts);
    const list = cards.map((c) => `${c.indicator} ${c.summary}`).join('\n');
    expect(cards.length, list).toBeLessThanOrEqual(ORDER_MAX_CARDS_PER_DRAFT * b.drafts.length);
    expect(sharedProblems(cards), list).toEqual([]);
    for (const c of cards) expect(c.summary, list).not.toMatch(/…$/);
    for (const [rule, summary] of b.named) {
      const naming = cards.filter((c) => rule.test(c.summary));
      expect(naming.length, `${rule} in\n${list}`).toBe(1);
      expect(naming[0]!.summary, list).toMatch(summary);
    }
  });
});

/** Outside tester's two patient-view reproducers (rebuilt here with the builders), as named scenarios. */
describe('patient-view summaries say the finding whole', () => {
  it('uncontrolled-hypertension: the critical summary names the reading', async () => {
    const resources = candidate({ bp: [obs.bpPanel(186, 112, 1), obs.bpPanel(184, 110, 4)] });
    const cards = await call('patient-view', 'p1', resources);
    const critical = cards.find((c) => c.indicator === 'critical')!;
    expect(critical.summary).toMatch(/^IV ketamine and esketamine \(SPRAVATO\) contraindicated: BP 186\/112 mmHg on \d{4}-\d{2}-\d{2} \(CI-6\)$/);
  });

  // Outside reviewer's finding: BP uncontrolled at the last visits, none in 30 days, read like any BP gap.
  it('no-recent-bp-after-high-readings: the summary names them, not "could not be checked"', async () => {
    const cards = await call('patient-view', 'p1', candidate({ bp: [obs.bpPanel(167, 119, 150), obs.bpPanel(183, 115, 520)] }));
    expect(cards.map((c) => c.summary)).toContainEqual(
      expect.stringMatching(/^No BP recorded in the last 30 days; the last 2 were at or above 180\/100 \(latest 167\/119 mmHg on \d{4}-\d{2}-\d{2}\) \(CI-6/),
    );
  });

  // Outside tester's shape (Synthea: MDD, opioid abuse, atrial fibrillation, nothing else on record).
  it('over-budget-with-safety-problems-and-data-gaps: the gaps keep their own Missing data card', async () => {
    const resources = candidate({ bp: null, heartRate: null, weight: null, phq9Recent: null, gad7: null }, icd('F11.10'), icd('I48.91'));
    const cards = await call('patient-view', 'p1', resources);
    const list = cards.map((c) => c.summary).join('\n');
    expect(cards.length, list).toBeLessThanOrEqual(PATIENT_VIEW_MAX_CARDS);
    const missing = cards.find((c) => c.summary.startsWith('Missing data'));
    expect(
      missing?.suggestions?.map((x) => x.label),
      list,
    ).toEqual(expect.arrayContaining(['Order a baseline PHQ-9', 'Record a body weight']));
    expect(list).not.toMatch(/also TRD status/);
  });

  // Outside tester's shape (tester7-snomed-mdd-subtypes-read-as-no-mdd): the TRD card asks to confirm the diagnosis,
  // so no Missing data card asks it again ("Missing data: 1 problems" did).
  it('diagnosis-to-confirm-leads-the-trd-card: it is asked once, not again as missing data', async () => {
    const depression = { ...icd('F33.2'), code: { text: 'Severe recurrent depression' } };
    const cards = await call('patient-view', 'p1', candidate({ mdd: depression }));
    const list = cards.map((c) => c.summary).join('\n');
    expect(list).toMatch(/^A problem recorded as text \('Severe recurrent depression'\) may be MDD: confirm and code it/m);
    expect(list).not.toMatch(/^Missing data/m);
  });

  it('allergies-and-devices-unreadable: two unknowns are two complete cards, never one cut summary', async () => {
    const failed = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] };
    const res = await request(testApp)
      .post('/cds-services/trd-patient-view')
      .send({
        hook: 'patient-view',
        hookInstance: 'c2a4a0b4-3a51-4e0b-8f1e-0d6a9a4e2b18',
        context: { userId: 'Practitioner/1', patientId: 'p1' },
        prefetch: { ...prefetchFor(candidate()), allergies: failed, devices: failed },
      });
    const cards = (res.body as CdsResponse).cards;
    expectValidCards(cards);
    const list = cards.map((c) => c.summary).join('\n');
    expect(cards.filter((c) => /\(CI-8\)$/.test(c.summary)).length, list).toBe(1);
    expect(cards.filter((c) => /\(RC-7\)$/.test(c.summary)).length, list).toBe(1);
    for (const c of cards) expect(c.summary, list).not.toMatch(/…/);
  });
});

describe('order-sign summaries keep the finding that changes the decision', () => {
  // Outside tester's shape: an unrounded BP as Synthea writes it made the summary too long, and the raised BP was the part dropped.
  it('raised-unrounded-bp-yesterday-and-no-pre-dose-vitals: the esketamine summary says the BP is raised, not only missing', async () => {
    const cards = await call('order-sign', 'p1', candidate({ bp: obs.bpPanel(173.57254303211383, 92.77536492801065, 1) }), [esketamineDraft()]);
    const card = cards.find((c) => /OR-10/.test(c.summary))!;
    // In whole mmHg the missing pre-dose vitals fit beside it.
    expect(card.summary).toMatch(/^Intranasal esketamine \(SPRAVATO\): .*BP 174\/93 mmHg on \d{4}-\d{2}-\d{2} is above 140\/90.*\(OR-10, RC-5\)$/);
  });
});

describe('order-sign says when the treatment indication is not met', () => {
  // Outside tester: SPRAVATO signed for MDD with no antidepressant trial on record got only vital-sign and REMS cards.
  const noTrials = candidate({ sertraline: null, escitalopram: null, phq9AfterSertraline: null });
  it('esketamine-with-no-antidepressant-trial: a warning that TRD is not documented (EL-2)', async () => {
    const cards = await call('order-sign', 'p1', noTrials, [esketamineDraft()]);
    const el2 = cards.filter((c) => /\(EL-2(, MO-6)?\)$/.test(c.summary));
    // No oral antidepressant either: outside both labelled indications, said on the same warning (MO-6).
    expect(el2.map((c) => [c.indicator, c.summary])).toEqual([
      ['warning', expect.stringMatching(/^Intranasal esketamine \(SPRAVATO\): off-label here: TRD not documented and no oral antidepressant/)],
    ]);
  });

  it('esketamine-for-acute-suicidal-ideation-with-no-trial: its own label, no TRD card', async () => {
    const draft = { ...esketamineDraft('d-si', { mg: 84 }), reasonCode: [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'R45.851' }] }] };
    const cards = await call('order-sign', 'p1', noTrials, [draft]);
    expect(cards.filter((c) => /EL-2/.test(c.summary))).toEqual([]);
  });
});
