/**
 * Suggested orders SO-1 .. SO-11 (revision-2 section 7) as scenarios: what each suggestion orders
 * (orderable codes, dose, bounds, reason, basedOn), that each passes the card checker and the FHIR R4
 * schema (callHook checks every card), that OR-12 still withholds them, and that a suggestion signed
 * unchanged comes back without a dose, schedule or parameter card of its own making.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Action, Card, CdsResponse } from '../../src/cds-hooks/protocol.js';
import { createServices } from '../../cds-services/index.js';
import { trdKnowledge } from '../../cds-services/knowledge.js';
import type { Thresholds } from '../../cds-services/assessment/thresholds.js';
import { RX, SYS, icd, medStatement, medAdministration, obs, patient } from '../builders/fhir.js';
import { prefetchFor } from '../builders/prefetch.js';
import { candidate } from '../builders/scenarios.js';
import { ketamineDraft } from '../builders/drafts.js';
import { TEST_NOW, buildTestApp } from '../helpers/app.js';
import { expectValidCards } from '../helpers/card-invariants.js';
import { callHook } from '../helpers/hooks.js';
import { knowledge } from '../helpers/knowledge.js';

type Orderable = fhir4.MedicationRequest | fhir4.ServiceRequest;

/** The resources of the TRD card's suggestion whose label matches. */
function suggested(cards: Card[], label: RegExp): Orderable[] {
  const s = cards.flatMap((c) => c.suggestions ?? []).find((x) => label.test(x.label));
  return s ? s.actions.map((a) => resourceOf(a)) : [];
}
/** The resource a create action carries. */
const resourceOf = (a: Action) => (a.type === 'delete' ? undefined : a.resource) as Orderable;
const labels = (cards: Card[]) => cards.flatMap((c) => c.suggestions ?? []).map((s) => s.label);
const codeOf = (r: Orderable) => (r.resourceType === 'MedicationRequest' ? r.medicationCodeableConcept : r.code)?.coding?.map((c) => c.code) ?? [];
const repeatOf = (r: Orderable) => (r.resourceType === 'MedicationRequest' ? r.dosageInstruction?.[0]?.timing?.repeat : r.occurrenceTiming?.repeat);
const doseOf = (r: fhir4.MedicationRequest) => r.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity?.value;
const ref = (r: fhir4.Resource) => `${r.resourceType}/${r.id}`;
const pv = async (record: fhir4.Resource[]) => (await callHook('patient-view', record)).cards;
const minutesAgo = (m: number) => m / 1440;
/** C-SSRS type 5 three days ago, evaluated yesterday as low risk, on sertraline (the acute-SI label needs an oral antidepressant). */
const evaluatedSuicidalIdeation = candidate(
  {},
  obs.cssrsIdeation('LA30374-5', 3),
  obs.suicideRiskEvaluation(1, 'low'),
  medStatement(RX.sertraline50Tab, { startDaysAgo: 20, dose: { tablets: 1 } }),
);
const sessionVitals = () => [obs.bpPanel(128, 80, minutesAgo(10)), obs.heartRate(72, minutesAgo(10)), obs.spo2(97, minutesAgo(10))];

/** An app whose thresholds differ from the defaults (a deployment's configuration). */
function appWith(change: (t: Thresholds) => void) {
  const k = knowledge();
  const thresholds = structuredClone(k.thresholds);
  change(thresholds);
  return buildTestApp({ services: createServices(trdKnowledge({ ...k }, thresholds)) }).app;
}
async function pvWith(app: ReturnType<typeof appWith>, record: fhir4.Resource[]): Promise<Card[]> {
  const res = await request(app)
    .post('/cds-services/trd-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
      context: { userId: 'Practitioner/1', patientId: 'p1' },
      prefetch: prefetchFor(record),
    });
  expect(res.status).toBe(200);
  const cards = (res.body as CdsResponse).cards;
  expectValidCards(cards);
  return cards;
}

describe('every suggested resource carries the SO preamble', () => {
  it('clean-candidate: draft, intent order, authoredOn now, the qualifying MDD condition as reason, the origin tag', async () => {
    const cards = await pv(candidate());
    const all = cards.flatMap((c) => c.suggestions ?? []).flatMap((s) => s.actions.map((a) => resourceOf(a)));
    expect(all.length).toBeGreaterThan(10);
    for (const r of all) {
      expect(r.status).toBe('draft');
      expect(r.intent).toBe('order');
      expect(new Date(r.authoredOn!).toISOString()).toBe(new Date(TEST_NOW).toISOString());
      expect(r.reasonReference).toEqual([{ reference: 'Condition/mdd' }]);
      expect(r.meta?.tag).toEqual([expect.objectContaining({ code: 'trd-cds-suggestion' })]);
      expect(r.instantiatesCanonical).toBeUndefined();
    }
  });

  it('no-qualifying-condition-on-record: reasonCode TRD (SNOMED 1153570009) instead', async () => {
    // Depression coded only as 'unspecified' (to confirm as MDD): no condition qualifies; the weight order still carries a reason.
    const cards = await pv(candidate({ mdd: icd('F32.A', { onsetDaysAgo: 100 }), weight: null }));
    const all = cards.flatMap((c) => c.suggestions ?? []).flatMap((s) => s.actions.map((a) => resourceOf(a)));
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) {
      expect(r.reasonReference).toBeUndefined();
      expect(r.reasonCode?.at(-1)?.coding).toEqual([expect.objectContaining({ system: SYS.sct, code: '1153570009' })]);
    }
  });

  it('deployment-configures-proposal-intent-and-an-order-set: every suggestion says so', async () => {
    const app = appWith((t) => {
      t.monitoring.suggestionIntent.value = 'proposal';
      t.orderReview.trdOrderSetCanonicals.value = ['https://hospital.example/PlanDefinition/trd'];
    });
    const all = (await pvWith(app, candidate())).flatMap((c) => c.suggestions ?? []).flatMap((s) => s.actions.map((a) => resourceOf(a)));
    expect(all.length).toBeGreaterThan(10);
    for (const r of all) {
      expect(r.intent).toBe('proposal');
      expect(r.instantiatesCanonical).toEqual(['https://hospital.example/PlanDefinition/trd']);
    }
  });
});

describe('SO-1 IV ketamine course', () => {
  it('eighty-kilogram-candidate: 40 mg IV over 40 min, 3 a week, 6 sessions in 2 weeks, monitoring based on it', async () => {
    const [order, bp, hr, spo2, phq9] = suggested(await pv(candidate()), /^Order IV ketamine/) as [
      fhir4.MedicationRequest,
      fhir4.ServiceRequest,
      fhir4.ServiceRequest,
      fhir4.ServiceRequest,
      fhir4.ServiceRequest,
    ];
    expect(order.resourceType).toBe('MedicationRequest');
    expect(codeOf(order)).toEqual(['6130']);
    expect(order.dosageInstruction![0]!.route!.coding![0]!.code).toBe('47625008');
    expect(order.dosageInstruction![0]!.doseAndRate![0]!.doseQuantity).toEqual({ value: 40, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
    expect(repeatOf(order)).toMatchObject({
      count: 6,
      frequency: 3,
      period: 1,
      periodUnit: 'wk',
      duration: 40,
      durationUnit: 'min',
      boundsDuration: { value: 2, code: 'wk' },
    });
    expect(order.note!.map((n) => n.text).join(' ')).toMatch(/actual dosing weight of 80 kg, weighed \d{4}-\d{2}-\d{2}/);
    expect([bp, hr, spo2].map((r) => codeOf(r)[0])).toEqual(['85354-9', '8867-4', '59408-5']);
    for (const r of [bp, hr, spo2]) {
      expect(r.basedOn).toEqual([{ reference: ref(order) }]);
      expect(r.occurrenceTiming!.repeat!.boundsDuration).toMatchObject({ value: 100, code: 'min' });
    }
    expect(codeOf(phq9)).toEqual(['44261-6']);
  });

  it('deployment-orderable-ketamine-code: the formulary coding comes first, RxNorm 6130 stays', async () => {
    const app = appWith((t) => {
      t.orderReview.ketamineOrderableCoding.value = [{ system: 'urn:oid:1.2.3.4', code: 'KET-INJ-50', display: 'Ketamine 50 mg/mL injection' }];
    });
    const [order] = suggested(await pvWith(app, candidate()), /^Order IV ketamine/);
    expect(codeOf(order!)).toEqual(['KET-INJ-50', '6130']);
  });

  it('no-recent-weight: no ketamine suggestion (no dose from a missing weight)', async () => {
    expect(labels(await pv(candidate({ weight: null })))).not.toContainEqual(expect.stringMatching(/IV ketamine/));
  });
});

describe('SO-2 esketamine, three variants', () => {
  it('new-course: day 1 56 mg once (56 mg kit NDC), then 56 mg twice weekly, 7 sessions to week 4', async () => {
    const [day1, induction, bp, spo2] = suggested(await pv(candidate()), /^Order esketamine/) as fhir4.MedicationRequest[] as Orderable[];
    expect(codeOf(day1!)).toEqual(['50458-028-02', '2201625']);
    expect(doseOf(day1 as fhir4.MedicationRequest)).toBe(56);
    expect(repeatOf(day1!)).toEqual({ count: 1 });
    expect((day1 as fhir4.MedicationRequest).dosageInstruction![0]!.route!.coding![0]!.code).toBe('46713006');
    expect(doseOf(induction as fhir4.MedicationRequest)).toBe(56);
    expect(repeatOf(induction!)).toMatchObject({ count: 7, frequency: 2, periodUnit: 'wk', boundsDuration: { value: 4, code: 'wk' } });
    expect((induction as fhir4.MedicationRequest).note![0]!.text).toMatch(/84 mg.*50458-028-03/);
    // SO-8 / MO-3: BP three times and pulse oximetry, through the 2-hour observation, based on the first dose.
    expect([bp, spo2].map((r) => codeOf(r!)[0])).toEqual(['85354-9', '59408-5']);
    for (const r of [bp, spo2]) {
      expect((r as fhir4.ServiceRequest).basedOn).toEqual([{ reference: ref(day1!) }]);
      expect(repeatOf(r!)!.boundsDuration).toMatchObject({ value: 2, code: 'h' });
    }
  });

  it('seventy-year-old-under-the-us-label: day 1 stays 56 mg and the note names the non-US 28 mg start', async () => {
    const [day1] = suggested(await pv(candidate({ patient: patient({ gender: 'male', age: 70 }) })), /^Order esketamine/) as fhir4.MedicationRequest[];
    expect(doseOf(day1!)).toBe(56);
    expect(day1!.note!.map((n) => n.text).join(' ')).toMatch(/Non-US labels start at 28 mg at 65 or older/);
  });

  it('seventy-year-old-outside-the-us: day 1 is 28 mg with the configured orderable code, no 56 mg kit NDC', async () => {
    const app = appWith((t) => {
      t.orderReview.esketamineLabelJurisdiction.value = 'GB';
      t.orderReview.esketamineGeriatricDay1Coding.value = [{ system: 'https://dmd.example/amp', code: 'ESK28', display: 'Spravato 28 mg nasal spray' }];
    });
    const cards = await pvWith(app, candidate({ patient: patient({ gender: 'male', age: 70 }) }));
    expect(labels(cards)).toContainEqual(expect.stringMatching(/day 1 28 mg/));
    const [day1] = suggested(cards, /^Order esketamine/) as fhir4.MedicationRequest[];
    expect(doseOf(day1!)).toBe(28);
    expect(codeOf(day1!)).toEqual(['ESK28', '2201625']);
  });

  it('last-session-five-weeks-ago: no day-1 dose, 56 mg twice weekly for 4 weeks (8 sessions)', async () => {
    const cards = await pv(candidate({}, medAdministration(RX.esketamineSbdf, { daysAgo: 35, mg: 56 })));
    const [induction, ...rest] = suggested(cards, /^Order esketamine/) as Orderable[];
    expect(repeatOf(induction!)).toMatchObject({ count: 8, frequency: 2 });
    expect(rest.filter((r) => r.resourceType === 'MedicationRequest')).toEqual([]);
  });

  it('suicide-risk-evaluated-not-high: esketamine only as the acute-SI variant, 84 mg kit twice weekly x 4 weeks with the SI reason', async () => {
    const record = evaluatedSuicidalIdeation;
    const cards = await pv(record);
    const [order] = suggested(cards, /^Order esketamine/) as fhir4.MedicationRequest[];
    expect(codeOf(order!)).toEqual(['50458-028-03', '2201625']);
    expect(doseOf(order!)).toBe(84);
    expect(repeatOf(order!)).toMatchObject({ count: 8, frequency: 2, boundsDuration: { value: 4, code: 'wk' } });
    expect(order!.reasonCode![0]!.coding!.map((c) => c.code)).toEqual(['6471006', 'R45.851']);
    expect(order!.reasonReference).toEqual([{ reference: 'Condition/mdd' }]);
    expect(order!.note![0]!.text).toMatch(/56 mg for tolerability.*oral antidepressant/);
  });
});

describe('SO-3 TMS course', () => {
  it('candidate-without-a-safety-screen: screen, 90867, 90868 x 29 over 6 weeks and the 3-2-1 taper, each with the 10 Hz parameters', async () => {
    const [screen, initial, course, taper, phq9] = suggested(await pv(candidate()), /^Order a TMS course/) as fhir4.ServiceRequest[];
    expect(codeOf(screen!)).toEqual(['tms-safety-screen']);
    expect(codeOf(initial!)).toEqual(['90867']);
    expect(initial!.note![0]!.text).toMatch(/90869/);
    expect(codeOf(course!)).toEqual(['90868']);
    expect(repeatOf(course!)).toMatchObject({ count: 29, frequency: 5, periodUnit: 'wk', boundsDuration: { value: 6, code: 'wk' } });
    expect(codeOf(taper!)).toEqual(['90868']);
    expect(repeatOf(taper!)).toMatchObject({ count: 6, boundsDuration: { value: 3, code: 'wk' } });
    for (const r of [initial, course, taper]) {
      expect(r!.orderDetail!.map((d) => d.text)).toEqual(
        expect.arrayContaining(['Intensity: 120 % of resting motor threshold', 'Pulses: 3000 per session (about 37.5 minutes)']),
      );
    }
    expect(codeOf(phq9!)).toEqual(['44261-6']);
  });

  it('deployment-chooses-itbs: the parameters follow TMS_PROTOCOL', async () => {
    const app = appWith((t) => {
      t.monitoring.tmsProtocol.value = 'iTBS';
    });
    const [, initial] = suggested(await pvWith(app, candidate()), /^Order a TMS course/) as fhir4.ServiceRequest[];
    expect(initial!.orderDetail!.map((d) => d.text)).toContain('Pulses: 600 per session (about 3 minutes)');
  });
});

describe('SO-5, SO-7, SO-11: orders that settle a gap or a risk', () => {
  it('woman-without-a-pregnancy-test: the hCG is a urine test due before the first session (SO-5)', async () => {
    const [hcg] = suggested(await pv(candidate({ patient: patient({ gender: 'female', age: 30 }) })), /pregnancy test/) as fhir4.ServiceRequest[];
    expect(codeOf(hcg!)).toEqual(['2106-3']);
    expect(hcg!.code!.text).toMatch(/before the first session/);
  });

  it('imminent-suicide-risk: the same-day evaluation is stat and dated today (SO-7), and no treatment is suggested (OR-12)', async () => {
    const cards = await pv(candidate({}, obs.cssrsIdeation('LA30374-5', 2)));
    const [evaluation] = suggested(cards, /same-day suicide risk evaluation/) as fhir4.ServiceRequest[];
    expect(codeOf(evaluation!)).toEqual(['225337009']);
    expect(evaluation!.priority).toBe('stat');
    expect(evaluation!.occurrenceDateTime).toBe(TEST_NOW.slice(0, 10));
    expect(labels(cards).filter((l) => /^Order (IV ketamine|esketamine|a TMS course)/.test(l))).toEqual([]);
  });

  it('cannabis-use-at-order-sign: the substance-use caution carries the PDMP review and the urine drug screen (SO-11)', async () => {
    const { cards } = await callHook('order-sign', candidate({}, icd('F12.10', { onsetDaysAgo: 200 }), sessionVitals()), { drafts: [ketamineDraft(40)] });
    const card = cards.find((c) => /RC-2/.test(c.summary))!;
    const codes = card.suggestions!.flatMap((s) => s.actions.map((a) => codeOf(resourceOf(a))[0]));
    expect(codes).toEqual(['461621000124108', 'urine-drug-screen']);
  });
});

describe('OR-12 still withholds, and a suggestion signed unchanged makes no card of its own', () => {
  it('pregnancy-unknown: no ketamine or esketamine suggestion, the hCG instead', async () => {
    const cards = await pv(candidate({ patient: patient({ gender: 'female', age: 30 }) }));
    expect(labels(cards).filter((l) => /^Order (IV ketamine|esketamine)/.test(l))).toEqual([]);
  });

  it.each([
    ['esketamine-new-course', candidate(), /^Order esketamine/],
    ['esketamine-acute-si-variant', evaluatedSuicidalIdeation, /^Order esketamine/],
    ['ketamine-course', candidate(), /^Order IV ketamine/],
    ['tms-course', candidate({}, obs.tmsScreen('no-contraindication')), /^Order a TMS course/],
  ] as const)('%s signed as suggested: no dose, schedule or parameter card (OR-3 .. OR-7, OR-13)', async (_name, record, label) => {
    const drafts = suggested(await pv(record), label);
    expect(drafts.length).toBeGreaterThan(0);
    const { cards } = await callHook('order-sign', [...record, ...sessionVitals()], { drafts });
    expect(cards.map((c) => c.summary).filter((s) => /OR-(3|4|5|6|7|13)\b/.test(s))).toEqual([]);
  });
});
