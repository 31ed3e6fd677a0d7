import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/cds-hooks/protocol.js';
import { SYS, allergy, device, icd, medStatement, obs, patient, procedure } from '../builders/fhir.js';
import { esketamineDraft, ketamineDraft, tmsDraft, unrelatedDraft } from '../builders/drafts.js';
import { candidate } from '../builders/scenarios.js';
import { callHook } from '../helpers/hooks.js';
import { sandboxCaptures } from '../helpers/sandbox.js';
import request from 'supertest';
import { testApp } from '../helpers/hooks.js';

/** Every rule id the summaries of an indicator name at their end, e.g. "(OR-10, RC-5)" (one card per problem may name several). */
const rulesOf = (cards: Card[], indicator: Card['indicator']) =>
  cards.filter((c) => c.indicator === indicator).flatMap((c) => /\(((?:[A-Z]{2}-\d+)(?:, [A-Z]{2}-\d+)*)\)$/.exec(c.summary)?.[1]?.split(', ') ?? []);
const woman = (age = 30) => patient({ gender: 'female', age });
/** The TRD status card: the one carrying the antidepressant-trials table (its summary says why, in words). */
function trdCard(cards: Card[], summaryStart?: string): Card {
  const card = cards.find((c) => c.detail?.includes('**Antidepressant trials**'));
  if (!card) throw new Error('no TRD card');
  if (summaryStart) expect(card.summary.startsWith(summaryStart)).toBe(true);
  return card;
}

/** One scenario per absolute contraindication: the record, and a draft of a treatment it forbids. */
const contraindications: Record<string, { rule: string; resources: fhir4.Resource[]; draft: () => fhir4.Resource }> = {
  'suicidal-patient-orders-tms': { rule: 'CI-1', resources: candidate({}, obs.cssrsIdeation('LA30374-5', 2)), draft: tmsDraft },
  'psychotic-patient-orders-esketamine': { rule: 'CI-2', resources: candidate({}, icd('F20.9')), draft: esketamineDraft },
  'patient-with-active-sud-orders-ketamine': { rule: 'CI-3', resources: candidate({}, icd('F14.20')), draft: () => ketamineDraft(40) },
  'pregnant-patient-orders-ketamine': { rule: 'CI-4', resources: candidate({ patient: woman() }, obs.hcg('positive', 2)), draft: () => ketamineDraft(40) },
  'patient-with-aneurysm-orders-esketamine': { rule: 'CI-5', resources: candidate({}, icd('I67.1')), draft: esketamineDraft },
  'hypertensive-patient-orders-ketamine': {
    rule: 'CI-6',
    resources: candidate({ bp: [obs.bpPanel(184, 104, 1), obs.bpPanel(182, 101, 6)] }),
    draft: () => ketamineDraft(40),
  },
  'patient-after-recent-mi-orders-esketamine': { rule: 'CI-7', resources: candidate({}, icd('I21.4', { onsetDaysAgo: 20 })), draft: esketamineDraft },
  'ketamine-allergic-patient-orders-ketamine': { rule: 'CI-8', resources: candidate({}, allergy(SYS.rx, '6130')), draft: () => ketamineDraft(40) },
  'patient-with-intractable-epilepsy-orders-tms': { rule: 'CI-9', resources: candidate({}, icd('G40.919')), draft: tmsDraft },
  'patient-with-cochlear-implant-orders-tms': { rule: 'CI-10', resources: candidate({}, device('Cochlear implant, right')), draft: tmsDraft },
  'patient-with-raised-icp-orders-ketamine': { rule: 'CI-11', resources: candidate({}, icd('G93.6')), draft: () => ketamineDraft(40) },
};

describe('absolute contraindications on every hook', () => {
  describe.each(Object.entries(contraindications))('%s', (_name, s) => {
    it('patient-view shows a critical card naming the rule', async () => {
      const { cards } = await callHook('patient-view', s.resources);
      expect(rulesOf(cards, 'critical')).toContain(s.rule);
      expect(cards[0]!.indicator).toBe('critical'); // most important first
    });

    it.each(['order-select', 'order-sign'] as const)('%s gives a critical card that offers to cancel the draft', async (hook) => {
      const draft = s.draft();
      const { cards } = await callHook(hook, s.resources, { drafts: [draft] });
      const critical = cards.find((c) => c.indicator === 'critical' && c.summary.includes(s.rule))!;
      expect(critical).toBeDefined();
      expect(critical.suggestions![0]!.actions).toEqual([{ type: 'delete', description: expect.any(String), resourceId: `${draft.resourceType}/${draft.id}` }]);
      expect(critical.overrideReasons!.length).toBeGreaterThan(0);
    });
  });
});

describe('cautions at order-sign', () => {
  it.each([
    ['bipolar-patient-orders-tms', 'RC-1', candidate({}, icd('F31.81')), tmsDraft()],
    ['patient-with-alcohol-abuse-orders-esketamine', 'RC-2', candidate({}, icd('F10.10')), esketamineDraft()],
    ['patient-on-lorazepam-orders-ketamine', 'RC-3', candidate({}, medStatement('6470', { startDaysAgo: 30 })), ketamineDraft(40)],
    ['patient-on-phenelzine-orders-esketamine', 'RC-4', candidate({}, medStatement('8123', { startDaysAgo: 30 })), esketamineDraft()],
    ['patient-with-bp-146-90-orders-esketamine', 'RC-5', candidate({ bp: obs.bpPanel(146, 90, 1) }), esketamineDraft()],
    ['patient-with-controlled-epilepsy-orders-tms', 'RC-6', candidate({}, icd('G40.909')), tmsDraft()],
    ['patient-with-pacemaker-orders-tms', 'RC-7', candidate({}, icd('Z95.0')), tmsDraft()],
    ['patient-with-cirrhosis-orders-esketamine', 'RC-8', candidate({}, icd('K74.60')), esketamineDraft()],
    ['patient-with-thyrotoxicosis-orders-ketamine', 'RC-9', candidate({}, icd('E05.00')), ketamineDraft(40)],
    ['patient-with-dissociative-disorder-orders-ketamine', 'RC-12', candidate({}, icd('F44.81')), ketamineDraft(40)],
    ['patient-with-attempt-five-months-ago-orders-tms', 'RC-16', candidate({}, icd('T14.91XD', { onsetDaysAgo: 150 })), tmsDraft()],
  ])('%s gets a %s warning', async (_name, rule, resources, draft) => {
    const { cards } = await callHook('order-sign', resources, { drafts: [draft] });
    expect(rulesOf(cards, 'warning')).toContain(rule);
    expect(rulesOf(cards, 'critical')).toEqual([]);
  });

  it('an unknown absolute contraindication is a warning with the order that settles it', async () => {
    const { cards } = await callHook('order-sign', candidate({ patient: woman() }), { drafts: [ketamineDraft(40)] });
    const card = cards.find((c) => c.summary.includes('CI-4'))!;
    expect(card.indicator).toBe('warning');
    expect(card.suggestions![0]!.label).toMatch(/pregnancy test/i);
  });
});

describe('monitoring, REMS and the combination', () => {
  it('esketamine gets the REMS and monitoring facts', async () => {
    const { cards } = await callHook('order-sign', candidate(), { drafts: [esketamineDraft()] });
    const rems = cards.find((c) => c.summary.includes('REMS'))!;
    expect(rems.indicator).toBe('info');
    expect(rems.summary).toMatch(/40 min/);
    expect(rems.summary).toMatch(/2 hours/);
  });

  it('IV ketamine gets the monitoring protocol with orders to create', async () => {
    const { cards } = await callHook('order-sign', candidate(), { drafts: [ketamineDraft(40)] });
    const card = cards.find((c) => c.summary.includes('MO-2'))!;
    const monitoring = card.suggestions!.flatMap((s) => s.actions.map((a) => (a.type === 'delete' ? undefined : a.resource) as fhir4.ServiceRequest));
    // SO-8: BP, HR and SpO2, each bounded to the infusion and the hour after it, based on the draft they monitor;
    // then the PDMP review and urine drug screen MO-13 asks for before starting (no RC-2 card to carry them).
    expect(monitoring.map((r) => r.code?.coding?.[0]?.code)).toEqual(['85354-9', '8867-4', '59408-5', '461621000124108', 'urine-drug-screen']);
    for (const r of monitoring.slice(0, 3)) {
      expect(r.basedOn).toEqual([{ reference: 'MedicationRequest/draft-ketamine' }]);
      expect(r.occurrenceTiming?.repeat?.boundsDuration).toMatchObject({ value: 100, code: 'min' });
    }
    expect(card.detail).toMatch(/Arrange transport home/);
  });

  it('ketamine and TMS drafted together get one combination card carrying the payer line (RC-15 with RC-14)', async () => {
    const { cards } = await callHook('order-sign', candidate(), { drafts: [ketamineDraft(40), tmsDraft()] });
    // No prior course: EL-3 is not met, so the combination is a warning that offers the sequential alternative.
    expect(rulesOf(cards, 'warning')).toContain('RC-15');
    const rc15 = cards.find((c) => c.summary.endsWith('(RC-15, RC-14)'))!;
    expect(rc15.detail).toMatch(/Some payers do not cover TMS/);
    expect(cards.some((c) => c.summary.endsWith('(RC-14)'))).toBe(false);
  });
});

describe('what gets no cards', () => {
  it('orders for anything else produce no cards', async () => {
    const { cards } = await callHook('order-sign', candidate({}, icd('F20.9')), { drafts: [unrelatedDraft()] });
    expect(cards).toEqual([]);
  });

  it('order-select looks only at the selected drafts', async () => {
    const { cards } = await callHook('order-select', candidate({}, icd('F20.9')), {
      drafts: [esketamineDraft(), unrelatedDraft()],
      selections: ['MedicationRequest/draft-lisinopril'],
    });
    expect(cards).toEqual([]);
  });

  it('a non-candidate (no depression, no antidepressant) gets no cards but still the assessment', async () => {
    const res = await callHook('patient-view', [patient(), icd('I10'), obs.bpPanel(130, 80)]);
    expect(res.cards).toEqual([]);
    expect((res.extension!['org.trdcds.assessment'] as { trd: { status: string } }).trd.status).toBe('not-met');
  });
});

describe('patient-view for a clean candidate', () => {
  it('shows TRD met with the next orders, one per treatment, choose at most one', async () => {
    const { cards } = await callHook('patient-view', candidate());
    const trd = trdCard(cards, 'TRD: 2 failed treatment attempts');
    expect(trd.indicator).toBe('info');
    expect(trd.selectionBehavior).toBe('at-most-one');
    expect(trd.suggestions!.map((s) => s.label)).toEqual([
      expect.stringMatching(/TMS course/),
      expect.stringMatching(/IV ketamine 40 mg/),
      expect.stringMatching(/esketamine/i),
    ]);
    expect(trd.detail).toContain('| EL-2 |');
  });

  it('suggests nothing for a contraindicated treatment', async () => {
    const { cards } = await callHook('patient-view', candidate({}, icd('G40.919')));
    const trd = trdCard(cards, 'TRD: 2 failed treatment attempts');
    expect(trd.suggestions!.some((s) => s.label.includes('TMS'))).toBe(false);
  });

  // What each rule says would settle it, and only that: no order for data that merely could not be read.
  it.each<[string, fhir4.Resource[], string[]]>([
    ['no-recent-vital-signs', candidate({ bp: obs.bpPanel(128, 82, 60), heartRate: null }), ['Record a blood pressure', 'Record a heart rate']],
    ['no-recent-heart-rate-only', candidate({ heartRate: null }), ['Record a heart rate']],
    ['woman-of-childbearing-age-without-a-test', candidate({ patient: woman() }), ['Order a pregnancy test (hCG)']],
    ['self-harm-thoughts-without-a-c-ssrs', candidate({}, obs.phq9Item9('LA6569-3', 0)), ['Complete a C-SSRS today']],
    ['complete-record', candidate(), []],
  ])('%s: each settling order is suggested once, on the card of its problem or the missing-data card', async (_scenario, resources, labels) => {
    const { cards } = await callHook('patient-view', resources);
    // The TRD card's suggestions are treatments; every other suggestion settles a gap (CD-1: each gap once).
    const settling = cards.filter((c) => !c.summary.startsWith('TRD')).flatMap((c) => (c.suggestions ?? []).map((s) => s.label));
    expect(settling.sort()).toEqual([...labels].sort());
  });

  it('suggests no order for observations that could not be read', async () => {
    const { prefetchFor } = await import('../builders/prefetch.js');
    const prefetch = {
      ...prefetchFor(candidate({ heartRate: null })),
      observations: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] },
    };
    const { cards } = await callHook('patient-view', candidate(), { prefetch });
    expect(cards.some((c) => /observations/.test(c.detail ?? ''))).toBe(true);
    expect(cards.flatMap((c) => c.suggestions ?? []).map((s) => s.label)).not.toContain('Record a heart rate');
  });

  it('lists missing data with orders that would settle it', async () => {
    const { cards } = await callHook('patient-view', candidate({ weight: null, phq9Recent: obs.phq9(18, 40) }));
    const missing = cards.find((c) => c.summary.startsWith('Missing data'))!;
    expect(missing.suggestions!.map((s) => s.label)).toEqual(expect.arrayContaining(['Order a baseline PHQ-9', 'Record a body weight']));
  });
});

describe('the assessment extension', () => {
  it('is the same from every hook for the same record', async () => {
    // MDD beside bipolar II is a conflict (EL-9): EL-1 asks to confirm, so the whole TRD definition is
    // unknown (version 3: trd.status is EL-1 and EL-2 together; it was EL-2 alone, 'met', in version 2).
    const record = candidate({}, icd('F31.81'), procedure(SYS.cpt, '90868', { daysAgo: 100 }));
    const views = await Promise.all([
      callHook('patient-view', record),
      callHook('order-select', record, { drafts: [ketamineDraft(40)] }),
      callHook('order-sign', record, { drafts: [tmsDraft()] }),
    ]);
    // Order hooks add why each draft was in or out of scope (`orders`); the rest is the same assessment.
    const [a, b, c] = views.map((v) => ({ ...(v.extension!['org.trdcds.assessment'] as object), orders: undefined }));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a).toMatchObject({
      version: '3',
      trd: { status: 'unknown', adequateTrials: 2, failedTrials: 2, unknownTrials: 0 },
      modalities: { tms: { status: 'caution' } },
    });
    const { trd, criteria } = a as unknown as { trd: object; criteria: { rule: string; evidence: string[] }[] };
    expect(trd).not.toHaveProperty('evidence'); // EL-2's, below
    expect(criteria.find((f) => f.rule === 'EL-2')?.evidence.length).toBeGreaterThanOrEqual(2);
  });

  it('holds every EL rule as a criterion and only met or unknown CI/RC/MO rules as findings', async () => {
    const { extension } = await callHook('patient-view', candidate());
    const x = extension!['org.trdcds.assessment'] as { criteria: { rule: string }[]; findings: { rule: string; status: string }[] };
    expect(x.criteria.map((c) => c.rule)).toEqual(['EL-1', 'EL-2', 'EL-3', 'EL-4', 'EL-5', 'EL-6', 'EL-7', 'EL-8']);
    expect(x.findings.every((f) => f.status === 'met' || f.status === 'unknown')).toBe(true);
  });
});

describe("the sandbox's own request shapes", () => {
  it.each(sandboxCaptures().map((c) => [c.name, c] as const))('%s answers with valid cards and the assessment', async (_name, capture) => {
    // Served from prefetch alone: the captured keys, the patient where the sandbox sent none, no conditions.
    const prefetch = { patient: { resourceType: 'Patient', id: 'pat-1' }, ...(capture.request['prefetch'] as object), conditions: null };
    const res = await request(testApp)
      .post(`/cds-services/trd-${capture.request.hook}`)
      .send({ ...capture.request, fhirServer: undefined, prefetch });
    expect(res.status).toBe(200);
    expect(res.body.extension['org.trdcds.assessment'].version).toBe('3');
  });
});

describe('cards stay readable for a long record', () => {
  it('long-record-lists-three-references-per-criterion-and-counts-the-rest', async () => {
    const { syntheticPatient } = await import('../builders/synthetic-patient.js');
    const { cards, extension } = await callHook('patient-view', syntheticPatient(300));
    const trd = trdCard(cards);
    const el2 = (extension!['org.trdcds.assessment'] as { criteria: { rule: string; evidence: string[] }[] }).criteria.find((c) => c.rule === 'EL-2')!;
    expect(el2.evidence.length).toBeGreaterThan(3); // the machine-readable assessment keeps every reference
    const row = trd.detail!.split('\n').find((l) => l.startsWith('| EL-2 '))!;
    // Three records named as the chart shows them (drug and date, score and date: CD-6), then a count; never an id.
    const evidence = row.split(' | ')[4]!;
    expect(evidence).toMatch(/^[^;]+; [^;]+; [^;]+ and \d+ more$/);
    expect(row).not.toMatch(/(MedicationRequest|MedicationStatement|Observation)\//);
  });
});
