/**
 * Order review (revision-2 OR-1 .. OR-13) as scenarios: each runs with the record in prefetch and
 * again fetched from the test FHIR server (Medplum's engine in memory), and must conclude the same.
 */
import { describe, expect, inject, it } from 'vitest';
import request from 'supertest';
import type { Card, CdsResponse } from '../../src/cds-hooks/protocol.js';
import { SYS, daysAgo, icd, medAdministration, medStatement, obs, patient } from '../builders/fhir.js';
import {
  ESKETAMINE_KIT,
  KETAMINE_CODED,
  REASON,
  ROUTE,
  esketamineDraft,
  ketamineDraft,
  medication,
  referencedDraft,
  tmsDraft,
  unrelatedDraft,
} from '../builders/drafts.js';
import { prefetchFor } from '../builders/prefetch.js';
import { candidate } from '../builders/scenarios.js';
import { toTransactionBundle } from '../builders/fixture-scenarios.js';
import { buildTestApp } from '../helpers/app.js';
import { expectValidCards } from '../helpers/card-invariants.js';
import { fhirBase } from '../helpers/fhir-test-server.js';
import { realServices } from '../helpers/knowledge.js';

const origin = inject('fhirServerOrigin');
const { app } = buildTestApp({ services: realServices(), env: { FHIR_QUERY_TIMEOUT_MS: '8000', FHIR_CALL_BUDGET_MS: '15000' } });

type Hook = 'order-select' | 'order-sign';
type Entry = { fullUrl?: string; resource: fhir4.Resource };
type Mode = 'prefetch' | 'fhir';

interface OrderOut {
  drug: string;
  scope?: string;
  scopeReason?: string;
  identifiedBy: string;
  medicationFrom?: string;
  checks: { rule: string; status: string; indicator: string }[];
  suppressedByLoopGuard?: string[];
}

interface Result {
  cards: Card[];
  orders: OrderOut[];
  summaries: string[];
}

interface Scenario {
  record: fhir4.Resource[];
  /** draftOrders: resources, or entries with a fullUrl. */
  drafts: (fhir4.Resource | Entry)[];
  hook?: Hook;
  /** Resources only the FHIR server holds (a Medication the draft references). */
  server?: fhir4.Resource[];
  /** The call's Encounter: `context.encounterId`, prefetched under `encounter` or read from the FHIR server. */
  encounter?: fhir4.Encounter;
  /** Modes to run in; both by default. */
  modes?: Mode[];
  /** Prefetch keys left out (their data unknown to the service). */
  prefetchWithout?: string[];
  /** Cards that must be there: [indicator, summary pattern]. */
  cards?: [Card['indicator'], RegExp][];
  /** No other cards than those listed. */
  only?: boolean;
  /** Summary patterns no card may match. */
  never?: RegExp[];
  /** The first draft's scope in the assessment extension: status and reason pattern. */
  scope?: [string, RegExp?];
  check?: (r: Result) => void;
}

const asEntry = (d: fhir4.Resource | Entry): Entry => ('resource' in d && !('resourceType' in d) ? d : { resource: d as fhir4.Resource });

/** A draft whose subject is Patient/p1, renamed to the patient loaded on the FHIR server. */
function forPatient(r: fhir4.Resource, patientId: string): fhir4.Resource {
  const subject = (r as fhir4.MedicationRequest).subject;
  return subject?.reference === 'Patient/p1' ? ({ ...r, subject: { ...subject, reference: `Patient/${patientId}` } } as fhir4.Resource) : r;
}

async function loadServer(name: string, scenario: Scenario): Promise<string> {
  const bundle = toTransactionBundle(name, scenario.record);
  for (const r of scenario.server ?? []) bundle.entry!.push({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } });
  const res = await fetch(fhirBase(origin), { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle) });
  expect(res.ok).toBe(true);
  return name;
}

async function run(name: string, s: Scenario, mode: Mode): Promise<Result> {
  const hook = s.hook ?? 'order-select';
  // The encounter goes last in the record, so the FHIR server holds it as <patient>-<record length>.
  const record = s.encounter ? [...s.record, s.encounter] : s.record;
  const patientId = mode === 'fhir' ? await loadServer(name, { ...s, record }) : 'p1';
  // The drafts name the patient of the record: p1 in prefetch, its id on the FHIR server.
  const entries = s.drafts.map(asEntry).map((e) => (mode === 'fhir' ? { ...e, resource: forPatient(e.resource, patientId) } : e));
  const context: Record<string, unknown> = { userId: 'Practitioner/1', patientId, draftOrders: { resourceType: 'Bundle', type: 'collection', entry: entries } };
  if (s.encounter) context['encounterId'] = mode === 'fhir' ? `${patientId}-${record.length}` : s.encounter.id;
  if (hook === 'order-select')
    context['selections'] = entries.filter((e) => e.resource.resourceType !== 'Medication').map((e) => `${e.resource.resourceType}/${e.resource.id}`);
  const body: Record<string, unknown> = { hook, hookInstance: '0f8c2b4e-3a7d-4e1f-9b6c-5d4a3e2f1b0c', context };
  if (mode === 'prefetch') {
    const prefetch: Record<string, unknown> = { ...prefetchFor(s.record), ...(s.encounter ? { encounter: s.encounter } : {}) };
    for (const key of s.prefetchWithout ?? []) delete prefetch[key];
    body['prefetch'] = prefetch;
  }
  if (mode === 'fhir' || s.server) {
    if (mode === 'prefetch' && s.server) await loadServer(name, { ...s, record: [] });
    body['fhirServer'] = fhirBase(origin);
  }
  const res = await request(app).post(`/cds-services/trd-${hook}`).send(body);
  expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
  const out = res.body as CdsResponse;
  expectValidCards(out.cards);
  const assessment = out.extension!['org.trdcds.assessment'] as { orders: OrderOut[] };
  return { cards: out.cards, orders: assessment.orders, summaries: out.cards.map((c) => c.summary) };
}

function verify(s: Scenario, r: Result): void {
  for (const [indicator, pattern] of s.cards ?? []) {
    expect(
      r.cards.some((c) => c.indicator === indicator && pattern.test(c.summary)),
      `${indicator} ${pattern} in ${JSON.stringify(r.summaries)}`,
    ).toBe(true);
  }
  if (s.only) expect(r.cards.length, JSON.stringify(r.summaries)).toBe((s.cards ?? []).length);
  for (const pattern of s.never ?? []) expect(r.summaries.filter((x) => pattern.test(x))).toEqual([]);
  if (s.scope) {
    expect(r.orders[0]?.scope).toBe(s.scope[0]);
    if (s.scope[1]) expect(r.orders[0]?.scopeReason).toMatch(s.scope[1]);
  }
  s.check?.(r);
}

/** A FHIR id (at most 64 characters) for a scenario's patient on the shared test server. */
function shortId(name: string): string {
  let h = 5381;
  for (const ch of name) h = ((h * 33) ^ ch.charCodeAt(0)) >>> 0;
  return `or-${h.toString(36)}`;
}

function table(title: string, scenarios: Record<string, Scenario>): void {
  describe(title, () => {
    for (const [name, s] of Object.entries(scenarios)) {
      for (const mode of s.modes ?? (['prefetch', 'fhir'] as Mode[])) {
        it(`${name} (${mode})`, async () => verify(s, await run(shortId(name), s, mode)));
      }
    }
  });
}

/** The update action a card offers, if any. */
function updateOf(r: Result): fhir4.MedicationRequest | undefined {
  for (const c of r.cards)
    for (const s of c.suggestions ?? []) for (const a of s.actions) if (a.type === 'update') return a.resource as fhir4.MedicationRequest;
  return undefined;
}
const checkOf = (r: Result, rule: string) => r.orders[0]!.checks.find((c) => c.rule === rule);
/** Whether OR-6 says the 65-and-over esketamine start could not be checked (it asks for the date of birth). */
const sixtyFiveLine = (r: Result) =>
  r.orders[0]!.checks.some((c) => c.rule === 'OR-6' && c.status === 'unknown' && (c as { needed?: string }).needed === "the patient's date of birth");

const woman = (age = 30) => patient({ gender: 'female', age });
const schizophrenia = icd('F20.9', { onsetDaysAgo: 900 });
const spo2 = (value: number, minutesAgo: number): fhir4.Observation => ({
  resourceType: 'Observation',
  id: `spo2-${value}-${minutesAgo}`,
  status: 'final',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: SYS.loinc, code: '59408-5' }] },
  effectiveDateTime: daysAgo(minutesAgo / 1440),
  valueQuantity: { value, unit: '%', system: SYS.ucum, code: '%' },
});
const minutes = (m: number) => m / 1440;
/** BP, HR and SpO2 recorded `m` minutes before now. */
const sessionVitals = (m = 10, bp: [number, number] = [128, 80], hr = 72, o2 = 97) => [
  obs.bpPanel(bp[0], bp[1], minutes(m)),
  obs.heartRate(hr, minutes(m)),
  spo2(o2, m),
];

// ------------------------------------------------------------------------------------------------
table('OR-1: the drug is identified however the draft names it (esketamine for a patient with schizophrenia)', {
  'esketamine-named-by-rxnorm-coding': {
    record: candidate({}, schizophrenia),
    drafts: [esketamineDraft()],
    cards: [['critical', /Do not order intranasal esketamine \(SPRAVATO\): active psychosis \(CI-2\)/]],
  },
  'esketamine-named-by-a-contained-medication': {
    record: candidate({}, schizophrenia),
    drafts: [referencedDraft('#kit', 'd-contained', {}, { contained: [medication('kit', ESKETAMINE_KIT)] })],
    cards: [['critical', /Do not order intranasal esketamine.*\(CI-2\)/]],
    check: (r) => expect(r.orders[0]).toMatchObject({ drug: 'esketamine', identifiedBy: 'code', medicationFrom: 'contained' }),
  },
  'esketamine-named-by-a-medication-in-the-draft-bundle': {
    record: candidate({}, schizophrenia),
    drafts: [referencedDraft('Medication/kit-b', 'd-bundle'), medication('kit-b', ESKETAMINE_KIT)],
    cards: [['critical', /\(CI-2\)/]],
    check: (r) => expect(r.orders[0]).toMatchObject({ drug: 'esketamine', medicationFrom: 'draftOrders' }),
  },
  'esketamine-named-by-an-absolute-url-matched-by-full-url': {
    record: candidate({}, schizophrenia),
    drafts: [
      { fullUrl: 'https://ehr.example.org/fhir/MedicationRequest/d-abs', resource: referencedDraft('https://ehr.example.org/fhir/Medication/kit-a', 'd-abs') },
      { fullUrl: 'https://ehr.example.org/fhir/Medication/kit-a', resource: medication('kit-a', ESKETAMINE_KIT) },
    ],
    cards: [['critical', /\(CI-2\)/]],
  },
  'esketamine-named-by-a-relative-reference-among-entries-with-full-urls': {
    record: candidate({}, schizophrenia),
    drafts: [
      { fullUrl: 'https://ehr.example.org/fhir/MedicationRequest/d-rel', resource: referencedDraft('Medication/kit-r', 'd-rel') },
      { fullUrl: 'https://ehr.example.org/fhir/Medication/kit-r', resource: medication('kit-r', ESKETAMINE_KIT) },
    ],
    cards: [['critical', /\(CI-2\)/]],
  },
  'esketamine-named-by-a-urn-uuid-reference': {
    record: candidate({}, schizophrenia),
    drafts: [
      referencedDraft('urn:uuid:6f0c1d2e-8b7a-4c3d-9e1f-2a3b4c5d6e7f', 'd-urn'),
      { fullUrl: 'urn:uuid:6f0c1d2e-8b7a-4c3d-9e1f-2a3b4c5d6e7f', resource: medication('kit-u', ESKETAMINE_KIT) },
    ],
    cards: [['critical', /\(CI-2\)/]],
  },
  'esketamine-named-by-a-medication-sent-in-prefetch': {
    record: [...candidate({}, schizophrenia), medication('kit-pf', ESKETAMINE_KIT)],
    drafts: [referencedDraft('Medication/kit-pf', 'd-pf')],
    modes: ['prefetch'],
    cards: [['critical', /\(CI-2\)/]],
    check: (r) => expect(r.orders[0]).toMatchObject({ medicationFrom: 'record' }),
  },
  'esketamine-named-by-a-medication-read-from-the-fhir-server': {
    record: candidate({}, schizophrenia),
    drafts: [referencedDraft('Medication/or-kit-fetched', 'd-fetched')],
    server: [medication('or-kit-fetched', ESKETAMINE_KIT)],
    cards: [['critical', /Do not order intranasal esketamine.*\(CI-2\)/]],
    check: (r) => expect(r.orders[0]).toMatchObject({ drug: 'esketamine', medicationFrom: 'fhirServer' }),
  },
  'esketamine-named-by-an-absolute-url-under-the-fhir-server-read-from-it': {
    record: candidate({}, schizophrenia),
    drafts: [referencedDraft(`${fhirBase(origin)}/Medication/or-kit-abs`, 'd-fetched-abs')],
    server: [medication('or-kit-abs', ESKETAMINE_KIT)],
    cards: [['critical', /\(CI-2\)/]],
  },
  'esketamine-named-only-in-text': {
    record: candidate({}, schizophrenia),
    drafts: [{ ...esketamineDraft('d-text'), medicationCodeableConcept: { text: 'Spravato 56 mg nasal spray kit' } } as fhir4.MedicationRequest],
    cards: [['critical', /\(CI-2\)/]],
    check: (r) => expect(r.orders[0]).toMatchObject({ drug: 'esketamine', identifiedBy: 'text' }),
  },
  'esketamine-named-only-by-the-reference-display': {
    record: candidate({}, schizophrenia),
    drafts: [
      referencedDraft(
        'Medication/not-sent',
        'd-display',
        {},
        { medicationReference: { reference: 'Medication/not-sent', display: 'esketamine 28 mg nasal device' } },
      ),
    ],
    modes: ['prefetch'],
    cards: [['critical', /\(CI-2\)/]],
  },
  'ketamine-ingredient-of-a-referenced-medication-identifies-it': {
    record: candidate({}, schizophrenia),
    drafts: [
      referencedDraft(
        '#mix',
        'd-ingredient',
        { route: ROUTE.iv, mg: 40, minutes: 40, reason: REASON.mdd },
        { contained: [{ resourceType: 'Medication', id: 'mix', ingredient: [{ itemCodeableConcept: KETAMINE_CODED }] } as fhir4.Medication] },
      ),
    ],
    cards: [['critical', /Do not order IV ketamine: active psychosis \(CI-2\)/]],
  },
  'a-draft-whose-drug-cannot-be-identified-says-so': {
    record: candidate(),
    drafts: [referencedDraft('Medication/nowhere', 'd-unknown')],
    modes: ['prefetch'],
    cards: [['info', /could not be identified.*\(OR-1\)/]],
    only: true,
    check: (r) => expect(r.orders[0]).toMatchObject({ drug: 'unidentified' }),
  },
  'an-unidentified-draft-that-mentions-ketamine-is-a-warning': {
    record: candidate(),
    drafts: [referencedDraft('Medication/ketamine-premix', 'd-hint', { text: 'ketamine 0.5 mg/kg over 40 min' })],
    modes: ['prefetch'],
    cards: [['warning', /may be ketamine or esketamine.*\(OR-1\)/]],
    only: true,
  },
  'another-drug-gets-no-card': { record: candidate({}, schizophrenia), drafts: [unrelatedDraft()], cards: [], only: true },
});

// ------------------------------------------------------------------------------------------------
// Only the patient in context (tester's finding: SPRAVATO drafted for Patient/other99 in pt2's chart got
// pt2's aneurysm contraindication and a delete suggestion). A draft about someone else is never judged
// with this record: one warning, no suggestion, whatever this record holds.
const MRN = 'http://hospital.example.org/mrn';
const withMrn = (p: fhir4.Patient, value: string): fhir4.Patient => ({ ...p, identifier: [{ system: MRN, value }] });
const forMrn = (r: fhir4.MedicationRequest, value: string): fhir4.MedicationRequest => ({ ...r, subject: { identifier: { system: MRN, value } } });
const forOther = <T extends fhir4.MedicationRequest | fhir4.ServiceRequest>(r: T): T => ({ ...r, subject: { reference: 'Patient/other99' } });
table('Only the patient in context: a draft whose subject is another patient is not checked', {
  'esketamine-drafted-for-another-patient-in-a-chart-with-psychosis-gets-one-warning-and-no-verdict': {
    record: candidate({}, schizophrenia),
    drafts: [forOther(esketamineDraft('d-other'))],
    hook: 'order-sign',
    cards: [['warning', /^A draft order names another patient, not the patient whose chart is open; not checked against this record$/]],
    only: true,
    check: (r) => {
      expect(r.cards[0]!.suggestions ?? []).toEqual([]);
      expect(r.orders).toEqual([expect.objectContaining({ drug: 'esketamine', otherPatient: true, checks: [] })]);
    },
  },
  'a-draft-for-another-patient-beside-one-for-this-patient-leaves-the-other-unjudged-and-no-overlap': {
    record: candidate({}, schizophrenia),
    drafts: [forOther(ketamineDraft(40, 'd-other-k')), esketamineDraft('d-mine')],
    cards: [
      ['critical', /Do not order intranasal esketamine \(SPRAVATO\): active psychosis \(CI-2\)/],
      ['warning', /^A draft order names another patient/],
    ],
    never: [/IV ketamine/, /OR-9/],
  },
  'esketamine-drafted-for-another-mrn-by-identifier-in-a-chart-with-psychosis-gets-one-warning-and-no-verdict': {
    record: candidate({ patient: withMrn(candidate()[0] as fhir4.Patient, '12345') }, schizophrenia),
    drafts: [forMrn(esketamineDraft('d-mrn'), '99999')],
    cards: [['warning', /^A draft order names another patient/]],
    only: true,
  },
  'esketamine-drafted-for-this-patients-mrn-by-identifier-is-checked': {
    record: candidate({ patient: withMrn(candidate()[0] as fhir4.Patient, '12345') }, schizophrenia),
    drafts: [forMrn(esketamineDraft('d-mrn'), '12345')],
    cards: [['critical', /Do not order intranasal esketamine \(SPRAVATO\): active psychosis \(CI-2\)/]],
  },
  'another-drug-drafted-for-another-patient-gets-no-card': {
    record: candidate(),
    drafts: [forOther(unrelatedDraft())],
    cards: [],
    only: true,
  },
});

// ------------------------------------------------------------------------------------------------
// The indication at order time (tester's finding: SPRAVATO signed with no antidepressant trial on record
// got only vital-sign and REMS cards, the REMS detail reading as reassurance). One card for the problem,
// naming every treatment: a warning when TRD is not documented, never critical; information naming
// what would settle it when it is unknown.
const noTrials = () => candidate({ sertraline: null, escitalopram: null, phq9AfterSertraline: null });
table('Indication at order time: TRD not documented or unknown', {
  'spravato-signed-with-no-antidepressant-trial-on-record-warns-trd-not-documented': {
    record: noTrials(),
    drafts: [esketamineDraft('d-esk-no-trd')],
    hook: 'order-sign',
    cards: [['warning', /^Intranasal esketamine \(SPRAVATO\): off-label here: TRD not documented and no oral antidepressant \(EL-2, MO-6\)$/]],
    check: (r) => {
      expect(r.cards.filter((c) => /EL-2/.test(c.summary)).map((c) => c.indicator)).toEqual(['warning']);
      expect(r.cards.map((c) => c.detail ?? '').join(' ')).not.toMatch(/monotherapy is approved for TRD/);
    },
  },
  'iv-ketamine-and-spravato-with-no-trial-share-one-indication-card': {
    record: noTrials(),
    drafts: [ketamineDraft(40, 'd-ket-no-trd'), esketamineDraft('d-esk-no-trd-2')],
    cards: [
      ['warning', /^IV ketamine and intranasal esketamine \(SPRAVATO\): TRD not documented.*esketamine off-label: no oral antidepressant \(EL-2, MO-6\)$/],
    ],
    check: (r) => expect(r.cards.filter((c) => /EL-2/.test(c.summary)).length).toBe(1),
  },
  // Review 4: TRD unknown was a line inside the info monitoring card, and absent for TMS. It is the indication card's
  // own finding now, for every treatment ordered (RC-13: information, with the reason); needed items are listed once.
  'trd-unknown-when-the-medication-history-was-not-sent-says-what-would-settle-it': {
    record: candidate(),
    drafts: [esketamineDraft('d-esk-trd-unknown')],
    modes: ['prefetch'],
    prefetchWithout: ['medicationStatements', 'medicationRequests', 'medicationDispenses'],
    // CD-4: with no medication data at all, no count ("0 failed, 0 undecided" read as no treatment).
    cards: [['info', /^Intranasal esketamine \(SPRAVATO\): TRD unknown: medication history unavailable \(EL-2\)$/]],
    check: (r) => {
      expect(r.cards.find((c) => /EL-2/.test(c.summary))!.detail).toMatch(/medication statements/);
      expect(r.cards.find((c) => /SPRAVATO REMS/.test(c.summary))!.detail).not.toMatch(/TRD unknown|EL-2/);
    },
  },
  'tms-ordered-while-trd-is-unknown-says-so-where-the-indication-is-stated': {
    record: candidate(),
    drafts: [tmsDraft('d-tms-trd-unknown')],
    modes: ['prefetch'],
    prefetchWithout: ['medicationStatements', 'medicationRequests', 'medicationDispenses'],
    cards: [['info', /^TMS: TRD unknown: .*\(EL-2\)$/]],
  },
  'three-treatments-ordered-while-trd-is-unknown-share-one-indication-card': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-ket-trd-unknown'), esketamineDraft('d-esk-trd-unknown-3'), tmsDraft('d-tms-trd-unknown-3')],
    modes: ['prefetch'],
    prefetchWithout: ['medicationStatements', 'medicationRequests', 'medicationDispenses'],
    cards: [['info', /^IV ketamine, intranasal esketamine \(SPRAVATO\) and TMS: TRD unknown: .*\(EL-2\)$/]],
    check: (r) => expect(r.cards.filter((c) => /EL-2/.test(c.summary) || /TRD unknown/.test(c.detail ?? '')).length).toBe(1),
  },
  // Review 4: an order for a patient with no depressive disorder read only "TRD not documented, 0 failed attempts in
  // the episode", which presupposes an episode. The missing diagnosis (EL-1) leads, and the EL-2 count is left out.
  'ketamine-ordered-for-a-patient-with-no-depressive-disorder-names-the-missing-diagnosis': {
    record: candidate({ mdd: null }),
    drafts: [ketamineDraft(40, 'd-ket-no-mdd')],
    cards: [['warning', /^IV ketamine: no depressive disorder on record; confirm the diagnosis \(EL-1\)$/]],
    never: [/EL-2/, /TRD not documented/],
  },
  'tms-ordered-for-a-patient-with-no-depressive-disorder-names-the-missing-diagnosis': {
    record: candidate({ mdd: null }),
    drafts: [tmsDraft('d-tms-no-mdd')],
    cards: [['warning', /^TMS: no depressive disorder on record; confirm the diagnosis \(EL-1\)$/]],
    never: [/EL-2/, /TRD not documented/],
  },
  // Review 4: esketamine with TRD not documented and no oral antidepressant fits neither labelled indication (TRD; MDD
  // with acute suicidal ideation alongside an oral antidepressant). One warning on the indication card, not an info
  // line of the REMS card in a row marked "met" (CD-5).
  'spravato-with-neither-trd-documented-nor-an-oral-antidepressant-warns-off-label-on-the-indication-card': {
    record: noTrials(),
    drafts: [esketamineDraft('d-esk-off-label')],
    cards: [['warning', /^Intranasal esketamine \(SPRAVATO\): off-label here: TRD not documented and no oral antidepressant \(EL-2, MO-6\)$/]],
    check: (r) => {
      expect(r.cards.filter((c) => /MO-6/.test(c.summary)).map((c) => c.indicator)).toEqual(['warning']);
      const rems = r.cards.find((c) => /SPRAVATO REMS/.test(c.summary))!.detail!;
      expect(rems).not.toMatch(/MO-6|oral antidepressant/);
      const indication = r.cards.find((c) => /MO-6/.test(c.summary))!.detail!;
      expect(indication).toMatch(/off-label\. No current oral antidepressant and TRD not shown/);
      expect(indication).toMatch(/\| MO-6 \| Oral antidepressant alongside esketamine \| none current \|/);
      expect(r.cards.map((c) => c.detail ?? '').join('\n')).not.toMatch(/\| met \||\| not met \|/);
    },
  },
  'spravato-with-no-depressive-disorder-and-no-oral-antidepressant-leads-with-the-diagnosis': {
    record: candidate({ mdd: null, sertraline: null, escitalopram: null, phq9AfterSertraline: null }),
    drafts: [esketamineDraft('d-esk-no-mdd')],
    cards: [['warning', /^Intranasal esketamine \(SPRAVATO\): no depressive disorder on record and no oral antidepressant: off-label.*\(EL-1, MO-6\)$/]],
    never: [/EL-2/],
  },
  'spravato-with-trd-not-documented-and-a-current-oral-antidepressant-is-not-called-off-label': {
    record: candidate({ sertraline: medStatement('312941', { startDaysAgo: 20 }), escitalopram: null, phq9AfterSertraline: null }),
    drafts: [esketamineDraft('d-esk-with-ad')],
    cards: [['warning', /^Intranasal esketamine \(SPRAVATO\): TRD not documented: 0 of 2 failed adequate attempts \(EL-2\)$/]],
    never: [/off-label/, /MO-6/],
  },
  'spravato-monotherapy-for-documented-trd-says-so-on-the-rems-card': {
    record: candidate(),
    drafts: [esketamineDraft('d-esk-mono')],
    never: [/EL-2/, /MO-6/],
    check: (r) => {
      const rems = r.cards.find((c) => /SPRAVATO REMS/.test(c.summary))!.detail!;
      expect(rems).toMatch(/No current oral antidepressant: esketamine as monotherapy, labelled for TRD since 2025\./);
      expect(rems).toMatch(/\| MO-6 \| Oral antidepressant alongside esketamine \| none current \|/);
    },
  },
  'documented-trd-gets-no-indication-card': { record: candidate(), drafts: [esketamineDraft('d-esk-trd')], never: [/EL-2/] },
});

// ------------------------------------------------------------------------------------------------
const surgicalPatient = () => [patient({ age: 52 }), obs.weight(80)];
table('OR-2: ketamine that is not for depression gets no TRD card, never a 0.5 mg/kg correction', {
  'anaesthesia-induction-160-mg-for-a-surgical-patient': {
    record: surgicalPatient(),
    drafts: [
      ketamineDraft(160, 'd-induction', {
        minutes: undefined,
        frequency: undefined,
        count: 1,
        reason: REASON.anaesthesia,
        text: '2 mg/kg IV push for induction',
      }),
    ],
    cards: [],
    only: true,
    scope: ['out', /indication is not depression/],
  },
  'anaesthetic-range-push-without-a-reason-for-a-patient-without-depression-is-out-by-dose': {
    record: surgicalPatient(),
    drafts: [ketamineDraft(160, 'd-induction-2', { minutes: undefined, frequency: undefined, count: 1, reason: undefined })],
    cards: [],
    only: true,
    scope: ['out', /anaesthetic or procedural dose/],
  },
  'analgesic-infusion-for-postoperative-pain': {
    record: candidate(),
    drafts: [
      ketamineDraft(10, 'd-analgesia', { minutes: undefined, frequency: undefined, count: undefined, rateMgPerMin: 0.2, reason: REASON.postoperativePain }),
    ],
    cards: [],
    only: true,
    scope: ['out', /not depression/],
  },
  'im-ketamine-for-agitation-in-schizophrenia': {
    record: candidate({}, schizophrenia),
    drafts: [ketamineDraft(300, 'd-agitation', { route: ROUTE.im, minutes: undefined, frequency: undefined, count: 1, reason: REASON.agitation })],
    cards: [],
    only: true,
    scope: ['out', /not depression/],
  },
  'oral-ketamine-without-an-indication-asks-for-one': {
    record: candidate(),
    drafts: [ketamineDraft(50, 'd-oral', { route: ROUTE.oral, minutes: undefined, reason: undefined })],
    cards: [['info', /If this oral ketamine order is for depression, add the indication/]],
    only: true,
    scope: ['unknown'],
  },
  'oral-ketamine-for-depression-is-off-label-with-no-dose-update': {
    record: candidate(),
    drafts: [ketamineDraft(50, 'd-oral-mdd', { route: ROUTE.oral, minutes: undefined })],
    cards: [['info', /Oral ketamine is off-label for depression; dose and infusion checks cover only the IV 0\.5 mg\/kg protocol/]],
    never: [/\bIV ketamine\b/, /OR-3/],
    scope: ['in', /depressive/],
    check: (r) => {
      expect(updateOf(r)).toBeUndefined();
      expect(r.orders[0]!.checks.map((c) => c.rule)).not.toContain('OR-3');
    },
  },
  'im-ketamine-for-depression-in-schizophrenia-names-the-route': {
    record: candidate({}, schizophrenia),
    drafts: [ketamineDraft(40, 'd-im-mdd', { route: ROUTE.im, minutes: undefined })],
    cards: [['critical', /Do not order IM ketamine: active psychosis \(CI-2\)/]],
    never: [/\bIV ketamine\b/],
  },
  'iv-ketamine-without-a-reason-for-a-patient-with-mdd-is-in-scope': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-no-reason', { reason: undefined })],
    scope: ['in', /depressive disorder on record/],
    cards: [['info', /IV ketamine monitoring/]],
  },
  'iv-ketamine-without-a-reason-for-a-patient-without-depression-is-silent': {
    record: surgicalPatient(),
    drafts: [ketamineDraft(40, 'd-no-depression', { reason: undefined })],
    cards: [],
    only: true,
    scope: ['out', /no depressive disorder/],
  },
  'a-high-dose-with-a-depressive-reason-stays-in-scope-and-is-critical': {
    record: candidate(),
    drafts: [ketamineDraft(100, 'd-high-mdd')],
    cards: [['critical', /IV ketamine 100 mg: dose 1\.25 mg\/kg is above any TRD protocol dose: anaesthetic range \(OR-3\)/]],
    scope: ['in'],
  },
  'tms-for-ocd-gets-only-device-safety-checks': {
    record: candidate({ escitalopram: null }, icd('G40.909')),
    drafts: [tmsDraft('d-tms-ocd', { reasonCode: [{ coding: [{ system: SYS.icd, code: 'F42.2' }] }] })],
    cards: [['warning', /Caution with TMS/]],
    never: [/OR-13/],
    scope: ['in', /device safety/],
  },
});

// ------------------------------------------------------------------------------------------------
// OR-2 step 4 (tester's finding: a tenfold dose on a TRD course was read as anaesthesia and nothing was
// said). The dose alone never takes an order out of scope when its schedule, its infusion time or the
// record points to a TRD course: it is checked, and the dose card says how the order was read.
const seventyKgWoman = () => candidate({ patient: woman(40), weight: obs.weight(70) });
const doseDetail = (r: Result) => r.cards.find((c) => /\(OR-3[,)]/.test(c.summary))?.detail ?? '';
table('OR-2 step 4: an anaesthetic-range dose on what looks like a TRD course is checked, never silent', {
  'tenfold-ketamine-dose-twice-weekly-for-six-sessions-without-a-reason-is-critical': {
    record: seventyKgWoman(),
    drafts: [ketamineDraft(350, 'd-tenfold', { reason: undefined, frequency: 2 })],
    hook: 'order-sign',
    cards: [['critical', /^IV ketamine 350 mg: dose 5 mg\/kg is above any TRD protocol dose: anaesthetic range.*\(OR-3\)$/]],
    scope: ['in', /read as TRD: 6 sessions ordered, an infusion over 40 min, a depressive disorder on record/],
    check: (r) => {
      expect(doseDetail(r)).toMatch(/Read as a TRD order: no indication is given.*If this order is for anaesthesia or sedation, add that indication/);
      expect(updateOf(r)!.dosageInstruction![0]!.doseAndRate![0]!.doseQuantity).toMatchObject({ value: 35, code: 'mg' });
    },
  },
  'the-same-tenfold-course-with-a-depressive-reason-says-no-assumption': {
    record: seventyKgWoman(),
    drafts: [ketamineDraft(350, 'd-tenfold-mdd', { frequency: 2 })],
    hook: 'order-sign',
    cards: [['critical', /IV ketamine 350 mg: dose 5 mg\/kg is above any TRD protocol dose.*\(OR-3\)/]],
    scope: ['in', /depressive indication/],
    check: (r) => expect(doseDetail(r)).not.toMatch(/Read as a TRD order/),
  },
  'single-anaesthetic-range-push-without-a-reason-for-a-patient-with-depression-is-checked-without-a-dose-correction': {
    record: candidate(),
    drafts: [ketamineDraft(160, 'd-push-mdd', { minutes: undefined, frequency: undefined, count: 1, reason: undefined })],
    cards: [['critical', /IV ketamine 160 mg: dose 2 mg\/kg is above any TRD protocol dose/]],
    scope: ['in', /read as TRD: a depressive disorder on record$/],
    check: (r) => {
      expect(doseDetail(r)).toMatch(/a depressive disorder on record points to a TRD course/);
      expect(updateOf(r)).toBeUndefined();
    },
  },
  'tenfold-ketamine-dose-with-no-recent-weight-says-it-is-above-the-trd-range': {
    record: candidate({ weight: null }),
    drafts: [ketamineDraft(350, 'd-tenfold-no-weight', { reason: undefined })],
    cards: [['warning', /IV ketamine 350 mg: above 100 mg, beyond TRD doses for most adults; no body weight in 30 days \(OR-3\)/]],
    scope: ['in', /read as TRD/],
  },
  'anaesthetic-range-course-for-a-patient-without-depression-is-not-trd': {
    record: surgicalPatient(),
    drafts: [ketamineDraft(400, 'd-course-no-mdd', { reason: undefined })],
    cards: [],
    only: true,
    scope: ['out', /no depressive disorder/],
  },
});

// ------------------------------------------------------------------------------------------------
// The candidate weighs 80 kg: 0.5 mg/kg is 40 mg.
// OR-2 step 3: the encounter's setting. The drafts give no reason (the record holds MDD), so without
// the setting step each would be in scope as an IV order for a patient with depression (step 5d).
const encounter = (id: string, parts: Partial<fhir4.Encounter>): fhir4.Encounter => ({
  resourceType: 'Encounter',
  id,
  status: 'in-progress',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
  subject: { reference: 'Patient/p1' },
  ...parts,
});
const EMERGENCY = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER', display: 'emergency' };
const noReason = (id: string, extra: Partial<fhir4.MedicationRequest> = {}) => ({ ...ketamineDraft(40, id, { reason: undefined }), ...extra });
table('OR-2 step 3: a procedural, emergency or critical-care setting puts a ketamine draft out of scope', {
  'ketamine-drafted-in-the-emergency-department-gets-no-card': {
    record: candidate(),
    encounter: encounter('enc-ed', { class: EMERGENCY }),
    drafts: [noReason('d-ed')],
    hook: 'order-sign',
    cards: [],
    only: true,
    scope: ['out', /procedural, emergency or critical-care setting/],
  },
  'ketamine-in-an-icu-location-gets-no-card': {
    record: candidate(),
    encounter: encounter('enc-icu', {
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
      contained: [
        {
          resourceType: 'Location',
          id: 'bed',
          type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'ICU' }] }],
        } as fhir4.Location,
      ],
      location: [{ location: { reference: '#bed' } }],
    }),
    drafts: [noReason('d-icu')],
    cards: [],
    only: true,
    scope: ['out', /critical-care setting/],
  },
  'ketamine-in-theatre-named-only-by-service-text-gets-no-card': {
    record: candidate(),
    encounter: encounter('enc-or', { serviceType: { text: 'Anaesthesia - main operating theatre' } }),
    drafts: [noReason('d-or')],
    cards: [],
    only: true,
    scope: ['out', /setting/],
  },
  'ketamine-for-depression-in-the-emergency-department-stays-in-scope': {
    record: candidate(),
    encounter: encounter('enc-ed2', { class: EMERGENCY }),
    drafts: [ketamineDraft(40, 'd-ed-mdd')],
    scope: ['in', /depressive indication/],
    cards: [['info', /MO-2/]],
  },
  'ketamine-in-an-outpatient-clinic-stays-in-scope': {
    record: candidate(),
    encounter: encounter('enc-amb', {}),
    drafts: [noReason('d-amb')],
    scope: ['in', /no indication given, depressive disorder on record/],
    cards: [['info', /MO-2/]],
  },
  // The setting step comes before the dose step: a tenfold course in the emergency department is not TRD.
  'tenfold-dose-course-in-the-emergency-department-stays-out-of-scope': {
    record: candidate(),
    encounter: encounter('enc-ed3', { class: EMERGENCY }),
    drafts: [ketamineDraft(400, 'd-ed-course', { reason: undefined, frequency: 2, count: 6 })],
    cards: [],
    only: true,
    scope: ['out', /setting/],
  },
  'no-encounter-leaves-the-step-inapplicable': {
    record: candidate(),
    drafts: [noReason('d-none')],
    scope: ['in'],
  },
  'draft-naming-an-emergency-encounter-in-the-draft-orders-bundle-gets-no-card': {
    record: candidate(),
    drafts: [
      { fullUrl: 'urn:uuid:6d1f7a52-2c1e-4d7e-9a3b-0f5e8c7d6b41', resource: encounter('enc-bundled', { class: EMERGENCY }) },
      noReason('d-bundled', { encounter: { reference: 'urn:uuid:6d1f7a52-2c1e-4d7e-9a3b-0f5e8c7d6b41' } }),
    ],
    cards: [],
    only: true,
    check: (r) => expect(r.orders.find((o) => o.drug === 'ketamine')?.scope).toBe('out'),
  },
});

table('OR-3: IV ketamine dose per kg of the dosing weight', {
  'dose-at-0.5-mg-per-kg-fits': {
    record: candidate(),
    drafts: [ketamineDraft(40)],
    never: [/OR-3/],
    check: (r) => expect(checkOf(r, 'OR-3')?.status).toBe('as-ordered'),
  },
  'dose-in-mg-per-kg-with-a-recent-weight-fits': {
    record: candidate(),
    drafts: [ketamineDraft(undefined, 'd-perkg', { mgPerKg: 0.5 })],
    never: [/OR-3/],
    check: (r) => expect(checkOf(r, 'OR-3')?.status).toBe('as-ordered'),
  },
  // Outside reviewer's finding: 0.5 mg/kg for a 75-year-old whose last weight was 10 months old got no card.
  'dose-in-mg-per-kg-with-no-recent-weight-asks-for-a-weight': {
    record: candidate({ weight: obs.weight(80, 'kg', 300) }),
    drafts: [ketamineDraft(undefined, 'd-perkg-old-weight', { mgPerKg: 0.5 })],
    cards: [['warning', /IV ketamine 0\.5 mg\/kg: no body weight in 30 days to turn it into mg \(OR-3\)/]],
    check: (r) => expect(r.cards.find((c) => /OR-3/.test(c.summary))!.suggestions?.map((s) => s.label)).toContain('Record a body weight'),
  },
  // A mass above any ketamine dose (a tenfold error) is critical, never only "implausible".
  'dose-of-6000-mg-is-critical-far-above-any-ketamine-dose': {
    record: candidate(),
    drafts: [ketamineDraft(6000)],
    cards: [['critical', /IV ketamine 6000 mg: dose 6000 mg is far above any ketamine dose: re-check the order \(OR-3\)/]],
  },
  'dose-of-half-a-mg-is-a-warning-to-re-check-the-order': {
    record: candidate(),
    drafts: [ketamineDraft(0.5)],
    cards: [['warning', /IV ketamine 0\.5 mg: dose 0\.5 mg is implausible: re-check the order \(OR-3\)/]],
  },
  'dose-below-protocol-is-information-without-update': {
    record: candidate(),
    drafts: [ketamineDraft(30)],
    cards: [['info', /IV ketamine 30 mg: dose 0\.38 mg\/kg is below the 0\.5 mg\/kg protocol dose \(OR-3\)/]],
    check: (r) => expect(updateOf(r)).toBeUndefined(),
  },
  'escalation-to-0.75-mg-per-kg-after-earlier-sessions-is-information-without-update': {
    record: candidate({}, medAdministration('6130', { daysAgo: 3, mg: 40 }), medAdministration('6130', { daysAgo: 5, mg: 40 })),
    drafts: [ketamineDraft(60)],
    cards: [['info', /IV ketamine 60 mg: dose 0\.75 mg\/kg is above the 0\.5 mg\/kg protocol dose; escalation after inadequate response \(OR-3\)/]],
    check: (r) => {
      expect(updateOf(r)).toBeUndefined();
      expect(r.cards.find((c) => /OR-3/.test(c.summary))!.detail).toMatch(/2 earlier ketamine session\(s\) on record/);
    },
  },
  // Tester's finding: a first-ever 0.75 mg/kg dose got an info card that read like permission.
  'first-ever-dose-at-0.75-mg-per-kg-is-a-warning-with-the-0.5-mg-per-kg-order': {
    record: candidate({ patient: woman(40), weight: obs.weight(70) }),
    drafts: [ketamineDraft(52.5, 'd-first-075', { frequency: 2 })],
    hook: 'order-sign',
    cards: [['warning', /^IV ketamine 52\.5 mg: dose 0\.75 mg\/kg; no earlier ketamine session on record: the protocol starts at 0\.5 mg\/kg \(OR-3\)$/]],
    never: [/escalation to 0\.75 mg\/kg is reported/],
    check: (r) => {
      const u = updateOf(r)!;
      expect(u.dosageInstruction![0]!.doseAndRate![0]!.doseQuantity).toMatchObject({ value: 35, code: 'mg' });
      expect(u.dosageInstruction![0]!.timing!.repeat).toMatchObject({ frequency: 2, count: 6 });
    },
  },
  'dose-at-0.75-mg-per-kg-with-no-administration-history-asks-for-it': {
    record: candidate(),
    drafts: [ketamineDraft(60)],
    modes: ['prefetch'],
    prefetchWithout: ['medicationAdministrations'],
    cards: [['warning', /IV ketamine 60 mg: dose 0\.75 mg\/kg; no ketamine administration history to show earlier sessions at 0\.5 mg\/kg \(OR-3\)/]],
    check: (r) => expect(checkOf(r, 'OR-3')).toMatchObject({ status: 'unknown' }),
  },
  'dose-above-escalation-is-a-warning-with-the-complete-protocol-order': {
    record: candidate(),
    drafts: [ketamineDraft(70, 'd-70', { frequency: 1, period: 1, periodUnit: 'd', count: undefined, supplyDays: 30 })],
    // Review 4: the other problem in words, every rule id in one parenthesis at the end (not "also OR-5 (OR-3)").
    cards: [['warning', /^IV ketamine 70 mg: dose 0\.88 mg\/kg is above the 0\.5 mg\/kg protocol dose; also the order repeats daily \(OR-3, OR-5\)$/]],
    check: (r) => {
      const u = updateOf(r)!;
      expect(u.id).toBe('d-70');
      const d = u.dosageInstruction![0]!;
      expect(d.doseAndRate![0]!.doseQuantity).toMatchObject({ value: 40, code: 'mg' });
      expect(d.route!.coding![0]!.code).toBe('47625008');
      expect(d.timing!.repeat).toMatchObject({ duration: 40, durationUnit: 'min', frequency: 3, period: 1, periodUnit: 'wk', count: 6 });
      expect(u.dispenseRequest).toBeUndefined();
      expect(d.text).toBe('Ketamine 40 mg (0.5 mg/kg for 80 kg) IV over 40 minutes, 3 times a week, 6 sessions');
    },
  },
  'no-recent-weight-asks-for-one-and-offers-no-update': {
    record: candidate({ weight: null }),
    drafts: [ketamineDraft(40)],
    cards: [['warning', /no body weight in 30 days to check the 0\.5 mg\/kg dose \(OR-3\)/]],
    check: (r) => {
      expect(checkOf(r, 'OR-3')?.status).toBe('unknown');
      expect(updateOf(r)).toBeUndefined();
      expect(r.cards.flatMap((c) => c.suggestions ?? []).some((s) => /body weight/i.test(s.label))).toBe(true);
    },
  },
  'dose-in-ml-is-unknown-and-shows-the-protocol-dose': {
    record: candidate(),
    drafts: [
      {
        ...ketamineDraft(40, 'd-ml'),
        dosageInstruction: [
          { ...ketamineDraft(40).dosageInstruction![0]!, doseAndRate: [{ doseQuantity: { value: 4, unit: 'mL', system: SYS.ucum, code: 'mL' } }] },
        ],
      } as fhir4.MedicationRequest,
    ],
    // A volume with no product concentration: the mg dose is unknown, never made up (revision-2 OR-3, OR-4).
    cards: [['warning', /IV ketamine 4 mL: no concentration to convert 4 mL to mg; 0\.5 mg\/kg is 40 mg for 80 kg \(OR-3\)/]],
    check: (r) => expect(updateOf(r)!.dosageInstruction![0]!.doseAndRate![0]!.doseQuantity!.value).toBe(40),
  },
  'weight-in-pounds-is-converted': {
    record: candidate({ weight: obs.weight(176.4, '[lb_av]') }),
    drafts: [ketamineDraft(40)],
    never: [/OR-3/],
  },
});

table('OR-4: IV ketamine infusion duration', {
  'forty-minutes-fits': { record: candidate(), drafts: [ketamineDraft(40)], check: (r) => expect(checkOf(r, 'OR-4')?.status).toBe('as-ordered') },
  'duration-from-the-rate-fits': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-rate', { minutes: undefined, rateMgPerMin: 1 })],
    check: (r) => expect(checkOf(r, 'OR-4')?.status).toBe('as-ordered'),
  },
  'a-two-minute-push-is-a-warning-with-a-forty-minute-update': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-push', { minutes: 2 })],
    cards: [['warning', /IV ketamine 40 mg: infused over 2 min; the protocol infuses over 40 min \(OR-4\)/]],
    check: (r) => expect(updateOf(r)!.dosageInstruction![0]!.timing!.repeat).toMatchObject({ duration: 40, durationUnit: 'min', frequency: 3, count: 6 }),
  },
  'push-in-the-dosage-text-means-no-infusion': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-push-text', { minutes: undefined, text: 'IV push over 1 minute' })],
    cards: [['warning', /given as a push or bolus/]],
  },
  'a-fast-rate-is-a-warning': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-fast', { minutes: undefined, rateMgPerMin: 4 })],
    cards: [['warning', /infused over 10 min/]],
  },
  'no-duration-or-rate-is-unknown-with-the-protocol-update': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-no-time', { minutes: undefined })],
    cards: [['warning', /no infusion duration; the protocol gives the dose over 40 min \(OR-4\)/]],
    check: (r) => expect(updateOf(r)!.dosageInstruction![0]!.timing!.repeat!.duration).toBe(40),
  },
  'twenty-minutes-alone-is-a-warning': { record: candidate(), drafts: [ketamineDraft(40, 'd-20', { minutes: 20 })], cards: [['warning', /over 20 min/]] },
  'twenty-minutes-with-a-tms-draft-is-the-combination': {
    record: candidate(),
    drafts: [
      ketamineDraft(40, 'd-20-tms', { minutes: 20 }),
      tmsDraft('d-tms-combo', { orderDetail: [{ text: '10 Hz rTMS, 120 % rMT, 3000 pulses, left DLPFC' }] }),
    ],
    // RC-15 (revised): a warning while EL-3 (prior inadequate response to either alone) is not met.
    cards: [['warning', /RC-15/]],
    check: (r) => expect(checkOf(r, 'OR-4')?.status).toBe('as-ordered'),
  },
});

table('OR-5: IV ketamine frequency', {
  'three-a-week-for-six-sessions-fits': {
    record: candidate(),
    drafts: [ketamineDraft(40)],
    check: (r) => expect(checkOf(r, 'OR-5')?.status).toBe('as-ordered'),
  },
  'daily-for-thirty-days-is-itself-a-finding': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-daily', { frequency: 1, period: 1, periodUnit: 'd', count: undefined, supplyDays: 30 })],
    cards: [['warning', /IV ketamine 40 mg: the order repeats daily; the protocol is 3 sessions a week in clinic \(OR-5\)/]],
    check: (r) => {
      const u = updateOf(r)!;
      expect(u.dosageInstruction![0]!.timing!.repeat).toMatchObject({ frequency: 3, periodUnit: 'wk', count: 6 });
      expect(u.dispenseRequest).toBeUndefined();
    },
  },
  'a-thirty-day-supply-is-a-finding': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-supply', { supplyDays: 30 })],
    cards: [['warning', /30-day supply/]],
  },
  'five-a-week-is-a-warning': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-five', { frequency: 5 })],
    cards: [['warning', /5 sessions in 7 days; the protocol allows 3 \(OR-5\)/]],
  },
  'no-schedule-is-unknown-information': {
    record: candidate(),
    drafts: [ketamineDraft(40, 'd-no-schedule', { frequency: undefined, count: undefined })],
    cards: [['info', /no schedule given \(OR-5\)/]],
    check: (r) => expect(checkOf(r, 'OR-5')?.status).toBe('unknown'),
  },
  'a-single-session-fits': { record: candidate(), drafts: [ketamineDraft(40, 'd-once', { frequency: undefined, count: 1 })], never: [/OR-5/] },
});

// ------------------------------------------------------------------------------------------------
const esketamineSessions = (daysAgoList: number[]) => daysAgoList.map((d) => medAdministration('2201625', { daysAgo: d, mg: 56 }));
table('OR-6: esketamine dose per session', {
  'fifty-six-on-day-one-fits': {
    record: candidate(),
    drafts: [esketamineDraft()],
    never: [/OR-6/],
    check: (r) => expect(checkOf(r, 'OR-6')?.status).toBe('as-ordered'),
  },
  'eighty-four-on-day-one-is-a-warning-with-a-fifty-six-update': {
    record: candidate(),
    drafts: [esketamineDraft('d-84', { mg: 84 })],
    cards: [['warning', /Intranasal esketamine \(SPRAVATO\) 84 mg: start at 56 mg; 84 mg only after a 56 mg first dose \(OR-6\)/]],
    check: (r) => {
      const d = updateOf(r)!.dosageInstruction![0]!;
      expect(d.doseAndRate![0]!.doseQuantity!.value).toBe(56);
      expect(d.route!.coding![0]!.code).toBe('46713006');
      expect(d.timing!.repeat).toMatchObject({ frequency: 2, periodUnit: 'wk', count: 8 });
    },
  },
  'one-hundred-twelve-is-critical': {
    record: candidate(),
    drafts: [esketamineDraft('d-112', { mg: 112, frequency: 3 })],
    cards: [['critical', /SPRAVATO\) 112 mg: above the labelled maximum of 84 mg per session.*\(OR-6, OR-7\)$/]],
  },
  'a-dose-off-the-device-steps-is-a-warning': {
    record: candidate(),
    drafts: [esketamineDraft('d-70', { mg: 70 })],
    cards: [['warning', /70 mg: not a multiple of the 28-mg device/]],
  },
  'twenty-eight-on-day-one-is-below-the-adult-dose': {
    record: candidate(),
    drafts: [esketamineDraft('d-28', { mg: 28 })],
    cards: [['info', /28 mg: below the labelled adult dose on day 1/]],
  },
  'eighty-four-at-seventy-six-on-day-one': {
    record: candidate({ patient: patient({ age: 76 }) }),
    drafts: [esketamineDraft('d-84-76', { mg: 84 })],
    // Review 4: was "...; also OR-6 (OR-6)"; the second problem (age 65 or older) is named in words.
    cards: [['warning', /^Intranasal esketamine \(SPRAVATO\) 84 mg: start at 56 mg; also non-US labels start at 28 mg at 65 or older \(OR-6\)$/]],
    check: (r) => expect(r.cards.some((c) => /non-US labels start at 28 mg at 65 or older/.test(c.detail ?? ''))).toBe(true),
  },
  'eighty-four-after-day-one-fits': { record: candidate({}, esketamineSessions([3, 7])), drafts: [esketamineDraft('d-84-later', { mg: 84 })], never: [/OR-6/] },
  'acute-suicidal-ideation-at-eighty-four-fits-on-day-one': {
    record: candidate({}, medStatement('321988', { startDaysAgo: 30 })),
    drafts: [esketamineDraft('d-si', { mg: 84, reason: REASON.suicidalIdeation })],
    never: [/OR-6/],
  },
  'acute-suicidal-ideation-without-an-oral-antidepressant': {
    record: candidate(),
    drafts: [esketamineDraft('d-si-alone', { mg: 84, reason: REASON.suicidalIdeation })],
    cards: [['warning', /requires an oral antidepressant/]],
  },
  'no-dose-is-unknown': {
    record: candidate(),
    drafts: [esketamineDraft('d-no-dose', { mg: undefined })],
    cards: [['warning', /no dose in mg; esketamine is given as 28, 56 or 84 mg \(OR-6\)/]],
  },
});

table('OR-7: esketamine schedule by phase', {
  'twice-weekly-in-induction-fits': { record: candidate(), drafts: [esketamineDraft()], check: (r) => expect(checkOf(r, 'OR-7')?.status).toBe('as-ordered') },
  'three-a-week-in-induction-is-a-warning': {
    record: candidate(),
    drafts: [esketamineDraft('d-3wk', { frequency: 3 })],
    cards: [['warning', /3 sessions in 7 days in week 1; the label allows 2 \(OR-7\)/]],
  },
  'daily-esketamine-is-a-warning': {
    record: candidate(),
    drafts: [esketamineDraft('d-esk-daily', { frequency: 1, period: 1, periodUnit: 'd', count: undefined, supplyDays: 30 })],
    cards: [['warning', /repeats daily; esketamine is given in a certified setting, at most twice weekly \(OR-7\)/]],
  },
  'twice-weekly-in-week-seven-is-a-warning': {
    record: candidate({}, esketamineSessions([45, 41, 38, 34, 31, 27, 24, 20, 13, 6])),
    drafts: [esketamineDraft('d-week7', { mg: 84 })],
    cards: [['warning', /2 sessions in 7 days in week 7; the label allows 1 \(OR-7\)/]],
  },
  // The phase is the current course's: an earlier course a year before does not make week 7 week 1.
  'twice-weekly-in-week-seven-after-a-course-last-year-is-a-warning': {
    record: candidate({}, esketamineSessions([430, 426, 423, 419, 416, 412, 409, 405, 45, 41, 38, 34, 31, 27, 24, 20, 13, 6])),
    drafts: [esketamineDraft('d-week7-again', { mg: 84 })],
    cards: [
      ['warning', /2 sessions in 7 days in week 7; the label allows 1 \(OR-7\)/],
      ['info', /course under way, 10 sessions, 8 planned \(last 6 days ago\); decide on maintenance \(MO-9\)/],
    ],
  },
  'no-schedule-is-unknown': {
    record: candidate(),
    drafts: [esketamineDraft('d-esk-nosched', { frequency: undefined, count: undefined })],
    cards: [['info', /no schedule given \(OR-7\)/]],
  },
});

// ------------------------------------------------------------------------------------------------
table('OR-8: age at order time', {
  'esketamine-at-sixteen-is-critical': {
    record: candidate({ patient: patient({ age: 16 }) }),
    drafts: [esketamineDraft()],
    cards: [['critical', /age 16: esketamine is not approved under 18.*\(OR-8\)/]],
  },
  'iv-ketamine-at-sixteen-is-a-warning': {
    record: candidate({ patient: patient({ age: 16 }) }),
    drafts: [ketamineDraft(40)],
    cards: [['warning', /IV ketamine: age 16: ketamine for depression under 18 is off-label/]],
  },
  'tms-at-fourteen-is-a-warning': {
    record: candidate({ patient: patient({ age: 14 }) }),
    drafts: [tmsDraft()],
    cards: [['warning', /no TMS device is cleared for depression under 15/]],
  },
  'tms-at-sixteen-on-an-antidepressant-is-information': {
    record: candidate({ patient: patient({ age: 16 }) }, medStatement('321988', { startDaysAgo: 30 })),
    drafts: [tmsDraft()],
    cards: [['info', /adolescent clearance is as an adjunct/]],
  },
  'tms-at-sixteen-without-an-antidepressant-is-a-warning': {
    record: candidate({ patient: patient({ age: 16 }) }),
    drafts: [tmsDraft()],
    cards: [['warning', /adolescent TMS clearance is for adjunctive use/]],
  },
  'an-adult-gets-no-age-card': { record: candidate(), drafts: [esketamineDraft()], never: [/OR-8/] },
  // One gap, one ask (CD-1): OR-8's card asks for the date of birth, so OR-6 does not add "the 65-and-over start could not be checked".
  'no-date-of-birth-is-unknown': {
    record: candidate({ patient: patient({ birthDate: null }) }),
    drafts: [esketamineDraft()],
    cards: [['warning', /no date of birth, so age could not be checked \(OR-8\)/]],
    check: (r) => expect(sixtyFiveLine(r)).toBe(false),
  },
  'year-only-birth-date-straddling-18-is-unknown-and-certainly-under-65': {
    record: candidate({ patient: patient({ birthDate: '2008' }) }),
    drafts: [esketamineDraft()],
    cards: [['warning', /the birth date is partial, so age could not be checked \(OR-8\)/]],
    never: [/Age 18|age 18/],
    check: (r) => expect(sixtyFiveLine(r)).toBe(false),
  },
  'year-only-birth-date-straddling-65-asks-about-the-65-and-over-start': {
    record: candidate({ patient: patient({ birthDate: '1961' }) }),
    drafts: [esketamineDraft()],
    never: [/OR-8/],
    check: (r) => expect(sixtyFiveLine(r)).toBe(true),
  },
  'a-birth-date-in-the-future-is-unknown-never-a-negative-age': {
    record: candidate({ patient: patient({ birthDate: '2030-01-01' }) }),
    drafts: [esketamineDraft()],
    cards: [['warning', /the date of birth 2030-01-01 is in the future, so age could not be checked: correct it \(OR-8\)/]],
    never: [/age -|not approved under 18/],
  },
  'a-birth-date-giving-an-age-of-126-is-unknown': {
    record: candidate({ patient: patient({ birthDate: '1900-01-01' }) }),
    drafts: [esketamineDraft()],
    cards: [['warning', /the date of birth 1900-01-01 gives an age above 120, so age could not be checked: correct it \(OR-8\)/]],
  },
});

table('OR-9: ketamine and esketamine together', {
  'both-drafted-in-one-call-warn-on-each': {
    record: candidate(),
    drafts: [ketamineDraft(40), esketamineDraft()],
    // One problem, one card naming both treatments (CD-1).
    cards: [['warning', /^IV ketamine and intranasal esketamine \(SPRAVATO\): .*would overlap.*\(OR-9\)$/]],
    check: (r) => expect(r.cards.filter((c) => /OR-9/.test(c.summary)).length).toBe(1),
  },
  'esketamine-while-ketamine-was-given-last-week': {
    record: candidate({}, medAdministration('6130', { daysAgo: 6, mg: 40 })),
    drafts: [esketamineDraft()],
    cards: [['warning', /would overlap.*\(OR-9\)/]],
  },
  'esketamine-alone-does-not-overlap': { record: candidate(), drafts: [esketamineDraft()], never: [/OR-9/] },
});

table('OR-10: same-session vital signs at order-sign', {
  'none-in-the-last-hour-asks-for-each': {
    record: candidate(),
    drafts: [ketamineDraft(40)],
    hook: 'order-sign',
    cards: [['warning', /IV ketamine: no BP, HR, SpO2 in the 60 min before the dose \(OR-10\)/]],
    check: (r) => {
      const card = r.cards.find((c) => c.summary.includes('OR-10'))!;
      expect(card.suggestions!.map((s) => s.label)).toEqual(['Record a blood pressure', 'Record a heart rate', 'Record SpO2 (pulse oximetry)']);
    },
  },
  'present-and-normal-gives-no-card': { record: candidate({}, sessionVitals()), drafts: [ketamineDraft(40)], hook: 'order-sign', never: [/OR-10/] },
  'low-oxygen-saturation-is-critical': {
    record: candidate({}, sessionVitals(10, [128, 80], 72, 91)),
    drafts: [esketamineDraft()],
    hook: 'order-sign',
    // The same-session reading makes CI-13 found: the draft gets the critical card, not a second one on the same reading.
    cards: [['critical', /^Do not order intranasal esketamine \(SPRAVATO\): low oxygen saturation now, SpO2 91 % \(CI-13\)$/]],
    never: [/OR-10/],
  },
  'raised-pre-dose-bp-is-a-warning': {
    record: candidate({}, sessionVitals(10, [150, 95])),
    drafts: [ketamineDraft(40)],
    hook: 'order-sign',
    cards: [['warning', /pre-dose BP 150\/95 is above 140\/90/]],
  },
  'only-heart-rate-missing-names-only-it': {
    record: candidate({ heartRate: null }, [obs.bpPanel(128, 80, minutes(5)), spo2(97, 5)]),
    drafts: [esketamineDraft()],
    hook: 'order-sign',
    cards: [['warning', /no HR in the 60 min before the dose \(OR-10\)/]],
  },
  'not-checked-at-order-select': { record: candidate(), drafts: [ketamineDraft(40)], never: [/OR-10/] },
});

table('OR-13: TMS drafts', {
  'no-stimulation-parameters-asks-for-them': { record: candidate(), drafts: [tmsDraft()], cards: [['info', /TMS: add the stimulation parameters.*\(OR-13\)/]] },
  'parameters-in-order-detail-are-enough': {
    record: candidate(),
    drafts: [tmsDraft('d-tms-p', { orderDetail: [{ text: 'iTBS 600 pulses, 120 % rMT, left DLPFC' }] })],
    never: [/OR-13/],
  },
});

// ------------------------------------------------------------------------------------------------
function suggestedDrafts(pv: CdsResponse, label: RegExp): fhir4.Resource[] {
  const s = pv.cards.flatMap((c) => c.suggestions ?? []).find((x) => label.test(x.label));
  return s ? s.actions.map((a) => (a as { resource: fhir4.Resource }).resource) : [];
}
async function patientView(record: fhir4.Resource[]): Promise<CdsResponse> {
  const res = await request(app)
    .post('/cds-services/trd-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: '1a2b3c4d-0000-4000-8000-000000000001',
      context: { userId: 'Practitioner/1', patientId: 'p1' },
      prefetch: prefetchFor(record),
    });
  expect(res.status).toBe(200);
  expectValidCards((res.body as CdsResponse).cards);
  return res.body as CdsResponse;
}
async function sign(record: fhir4.Resource[], drafts: fhir4.Resource[]): Promise<Result> {
  return run('loop', { record, drafts, hook: 'order-sign' }, 'prefetch');
}

describe('OR-11 and OR-12: our own suggestions', () => {
  it('patient-view never suggests ketamine or esketamine while pregnancy is unknown, and offers the hCG', async () => {
    const pv = await patientView(candidate({ patient: woman() }));
    const labels = pv.cards.flatMap((c) => c.suggestions ?? []).map((s) => s.label);
    expect(labels.filter((l) => /^Order (IV ketamine|esketamine)/.test(l))).toEqual([]);
    expect(labels.some((l) => /pregnancy test \(hCG\)/.test(l))).toBe(true);
    expect(labels.some((l) => /TMS course/.test(l))).toBe(true);
  });

  it('a suggested ketamine order signed unchanged gets only the same-session vital signs, not the cautions again', async () => {
    const record = candidate({}, medStatement('6470', { startDaysAgo: 30 })); // lorazepam: RC-3
    const pv = await patientView(record);
    const drafts = suggestedDrafts(pv, /^Order IV ketamine/);
    expect(drafts.length).toBeGreaterThan(0);
    const r = await sign(record, drafts);
    expect(r.summaries.filter((s) => /RC-3/.test(s))).toEqual([]);
    // RC-22 (a benzodiazepine may blunt the ketamine response) was shown with RC-3 on the suggestion's card (CD-1).
    expect(r.orders[0]!.suppressedByLoopGuard).toEqual(['RC-3', 'RC-22']);
    expect(r.summaries.some((s) => /OR-10/.test(s))).toBe(true);
    expect(r.summaries.filter((s) => /OR-3|OR-4|OR-5/.test(s))).toEqual([]);
  });

  it('our ketamine suggestion names TRD as its reason, so signed without its tag or reference and mistyped tenfold it is still checked', async () => {
    const record = candidate();
    const [suggested] = suggestedDrafts(await patientView(record), /^Order IV ketamine/) as fhir4.MedicationRequest[];
    expect(suggested!.reasonCode!.flatMap((c) => c.coding ?? []).map((c) => c.code)).toEqual(['1153570009']);
    const { meta: _tag, reasonReference: _ref, ...typed } = structuredClone(suggested!);
    typed.dosageInstruction![0]!.doseAndRate = [{ doseQuantity: { value: 400, unit: 'mg', system: SYS.ucum, code: 'mg' } }];
    const r = await sign(record, [typed as fhir4.MedicationRequest]);
    expect(r.orders[0]).toMatchObject({ scope: 'in', scopeReason: 'depressive indication' });
    expect(r.cards.some((c) => c.indicator === 'critical' && /IV ketamine 400 mg: dose 5 mg\/kg is above any TRD protocol dose/.test(c.summary))).toBe(true);
  });

  it('a caution that is new since the suggestion is shown', async () => {
    const pv = await patientView(candidate());
    const drafts = suggestedDrafts(pv, /^Order IV ketamine/);
    const r = await sign(candidate({}, medStatement('6470', { startDaysAgo: 1 }), sessionVitals()), drafts);
    expect(r.cards.some((c) => c.indicator === 'warning' && /Caution with IV ketamine.*\(RC-3\)/.test(c.summary))).toBe(true);
  });

  it('an own-tagged draft still gets every unknown absolute contraindication (pregnancy not yet tested)', async () => {
    const own = { ...ketamineDraft(40, 'd-own'), meta: { tag: [{ system: 'https://trd-cds.org/fhir/CodeSystem/order-origin', code: 'trd-cds-suggestion' }] } };
    const r = await sign(candidate({ patient: woman() }), [own]);
    const card = r.cards.find((c) => c.summary.includes('CI-4'))!;
    expect(card.indicator).toBe('warning');
    expect(card.summary).toMatch(/^Before IV ketamine: .*pregnancy/);
    expect(card.suggestions!.some((s) => /pregnancy test/i.test(s.label))).toBe(true);
  });

  it('an own-tagged draft still gets every found contraindication, and its edited dose is checked', async () => {
    const own = {
      ...esketamineDraft('d-own-esk', { mg: 112 }),
      meta: { tag: [{ system: 'https://trd-cds.org/fhir/CodeSystem/order-origin', code: 'trd-cds-suggestion' }] },
    };
    const r = await sign(candidate({}, schizophrenia, sessionVitals()), [own]);
    expect(r.cards.some((c) => c.indicator === 'critical' && /CI-2/.test(c.summary))).toBe(true);
    const r2 = await sign(candidate({}, sessionVitals()), [own]);
    expect(r2.cards.some((c) => c.indicator === 'critical' && /112 mg.*\(OR-6\)/.test(c.summary))).toBe(true);
  });

  it('the same draft typed by hand gets the cautions', async () => {
    const r = await sign(candidate({}, medStatement('6470', { startDaysAgo: 30 }), sessionVitals()), [ketamineDraft(40)]);
    expect(r.summaries.some((s) => /Caution with IV ketamine.*\(RC-3\)/.test(s))).toBe(true);
  });
});

// Review 4: caution summaries named a rule category ("CNS depressant (RC-3)", "substance misuse (RC-2)"), not the drug or
// diagnosis found, nor what it means for the treatment. They carry the finding in words, the rule id once at the end.
table('Caution summaries name the treatment and what was found', {
  'lorazepam-on-record-names-the-drug-and-the-sedation-risk-with-ketamine': {
    record: candidate({}, medStatement('6470', { startDaysAgo: 30 })),
    drafts: [ketamineDraft(40, 'd-ket-lorazepam')],
    cards: [['warning', /^Caution with IV ketamine: CNS depressant: benzodiazepine \(lorazepam\); sedation and respiratory depression risk.*\(RC-3\)$/]],
    check: (r) => expect(r.summaries.filter((x) => /\(RC-3/.test(x)).every((x) => x.length < 140)).toBe(true),
  },
  'opioid-abuse-on-record-says-to-assess-misuse-risk-before-esketamine': {
    record: candidate({}, icd('F11.10', { onsetDaysAgo: 200 })),
    drafts: [esketamineDraft('d-esk-opioid-abuse')],
    // The condition is named in words ("Opioid abuse, uncomplicated" for a code-only F11.10); a summary that would pass
    // 140 characters names the treatment in its short form ("esketamine").
    cards: [
      [
        'warning',
        /^Caution with (intranasal esketamine \(SPRAVATO\)|esketamine): substance use recorded \(Opioid abuse, uncomplicated\): assess misuse risk before starting.*\(RC-2\)$/,
      ],
    ],
  },
  'a-caution-shared-by-two-treatments-names-both-and-the-drug': {
    record: candidate({}, medStatement('6470', { startDaysAgo: 30 })),
    drafts: [ketamineDraft(40, 'd-ket-lorazepam-2'), esketamineDraft('d-esk-lorazepam-2')],
    cards: [['warning', /^Caution with IV ketamine and (intranasal )?esketamine.*: CNS depressant: benzodiazepine \(lorazepam\).*\(RC-3\)$/]],
  },
});

describe('cards name what was ordered and never call a failed check met', () => {
  it('the dose card shows what was ordered and the protocol, with no "met" in its table', async () => {
    const r = await run('wording', { record: candidate(), drafts: [ketamineDraft(70)] }, 'prefetch');
    const card = r.cards.find((c) => c.summary.includes('OR-3'))!;
    expect(card.detail).toMatch(/70 mg \(0\.88 mg\/kg\)/);
    expect(card.detail).toMatch(/0\.5 mg\/kg = 40 mg for 80 kg/);
    expect(card.detail).not.toMatch(/\|\s*met\s*\|/);
  });

  it('a deceased patient gets no order cards', async () => {
    const dead = { ...patient({ age: 50 }), deceasedDateTime: daysAgo(2) } as fhir4.Patient;
    const r = await run('deceased', { record: candidate({ patient: dead }, schizophrenia), drafts: [esketamineDraft()] }, 'prefetch');
    expect(r.cards).toEqual([]);
  });
});
