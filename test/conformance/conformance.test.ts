/**
 * Conformance on public data: each patient, as a clinician would judge it, in both modes (prefetch,
 * and fetched from the test FHIR server). Sources, licences and what was trimmed: SOURCES.md.
 *
 * The files keep every resource as published. Synthea's transaction Bundles reference each other by
 * `urn:uuid:`; a FHIR server that loads them (as SMART's sandbox did with its uploader) serves the
 * same resources with literal `Type/id` references, so both modes here read them as served.
 * Synthea records are old: each patient is judged at its own `now`, just after the newest entry.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { buildTestApp } from '../helpers/app.js';
import { startFhirTestServer, fhirBase, type FhirTestServer } from '../helpers/fhir-test-server.js';
import { realServices } from '../helpers/knowledge.js';
import { prefetchFor } from '../builders/prefetch.js';

type Status = 'met' | 'not-met' | 'unknown';
type Modality = 'iv-ketamine' | 'esketamine' | 'tms';

interface Expected {
  /** The patient file (without .json) this judgement reads: the row's name unless given. */
  file?: string;
  /** The moment the chart is opened. */
  now: string;
  /** What a clinician reads in the record, in words: the reason for every expectation below. */
  judgement: string;
  /** TRD as a whole (EL-1 and EL-2). */
  trd?: Status;
  /** Whether patient-view shows TRD cards at all (EL-10). */
  chart?: boolean;
  /** Antidepressant treatment attempts of the episode (EL-2): failed, and undecided (outcome or adequacy unknown). */
  attempts?: { failed: number; undecided: number };
  /** Rule -> status, for every rule the record says something about. */
  rules?: Record<string, Status>;
  /** Rule -> resources the finding must cite. */
  evidence?: Record<string, string[]>;
  /** Treatments the record contraindicates, and treatments it does not. */
  contraindicated?: Modality[];
  notContraindicated?: Modality[];
  /** Treatments the record gives a caution (or an unsettled absolute rule) for. */
  caution?: Modality[];
}

const ALL: Modality[] = ['iv-ketamine', 'esketamine', 'tms'];

/** One antidepressant whose outcome the record cannot show: one attempt, undecided; TRD needs two failed, so not met; the TRD view opens. */
const ONE_ANTIDEPRESSANT_NOT_TRD = { trd: 'not-met', attempts: { failed: 0, undecided: 1 }, chart: true } as const;
/** A depressive disorder and no antidepressant ever recorded: no attempt, TRD not met; the TRD view opens. */
const NO_ANTIDEPRESSANT_NOT_TRD = { trd: 'not-met', attempts: { failed: 0, undecided: 0 }, chart: true } as const;
/** No depressive disorder: TRD not met and no TRD cards (EL-10). */
const NOT_DEPRESSED = { trd: 'not-met', chart: false } as const;

/** The expected assessment of each public patient, as a clinician would judge it. */
const EXPECTED: Record<string, Expected> = {
  'us-core-example-patient': {
    now: '2022-12-02T12:00:00Z',
    judgement:
      'HL7 US Core\'s example patient (Amy Shaw, born 1987, her sex given only by the US Core individual-sex extension, no Patient.gender). A PHQ-9 total of 12 three days ago, recorded as the string "12" inside a 44249-1 panel and derived from a QuestionnaireResponse (one score): a baseline exists (EL-4) and it opens the TRD view (EL-10), item 9 "Not at all". No depression diagnosis: TRD not met. Pregnancy status "Pregnant" (82810-3) 100 days ago with no outcome or negative test since: pregnant, so ketamine and esketamine are contraindicated (CI-4) and TMS needs caution. An implantable defibrillator was inserted in 2019 (CPT 33249) and a defibrillator is among her devices: implanted electronics away from the head, a TMS caution (RC-7).',
    trd: 'not-met',
    chart: true,
    rules: { 'EL-4': 'met', 'EL-1': 'not-met', 'CI-4': 'met', 'RC-17': 'not-met', 'RC-7': 'met' },
    evidence: { 'EL-4': ['Observation/PHQ9-item-example-44261-6'], 'CI-4': ['Observation/pregnancy-status'] },
    contraindicated: ['iv-ketamine', 'esketamine'],
    caution: ['tms'],
  },
  'synthea-mdd-fluoxetine-normal-bp': {
    now: '2020-09-14T12:00:00Z',
    judgement:
      'A 46-year-old man with major depressive disorder (SNOMED 370143000, active since 1993) on fluoxetine "25MG" once daily, an order from 1993 still marked active and never renewed: one antidepressant, so at most one failed attempt, and TRD is not met (two are needed). BP 113/73 nine days ago and weight 98 kg: no uncontrolled hypertension. Nothing in the record contraindicates any treatment.',
    ...ONE_ANTIDEPRESSANT_NOT_TRD,
    rules: { 'EL-1': 'met', 'EL-2': 'not-met', 'CI-6': 'not-met', 'EL-7': 'met' },
    notContraindicated: ALL,
  },
  'synthea-mdd-fluoxetine-opioid-abuse-alive': {
    file: 'synthea-mdd-fluoxetine-opioid-abuse-atrial-fibrillation',
    now: '2012-07-22T12:00:00Z',
    judgement:
      'A 75-year-old man with active major depressive disorder (since 1955) and one antidepressant ever (fluoxetine, an order from 1955 still marked active): TRD not met. Active opioid abuse (SNOMED 5602001, abuse, not dependence) is a substance use disorder: not the absolute (dependence-level) contraindication but a caution for ketamine and esketamine (RC-2). Atrial fibrillation is a cardiovascular caution (RC-19). No BP in the last 30 days (the last is from 2011), so uncontrolled hypertension cannot be excluded.',
    ...ONE_ANTIDEPRESSANT_NOT_TRD,
    rules: { 'EL-1': 'met', 'EL-2': 'not-met', 'CI-3': 'not-met', 'RC-2': 'met', 'RC-19': 'met', 'CI-6': 'unknown' },
    evidence: { 'RC-2': ['Condition/f06e6482-b301-4449-962e-6cb59e97f7fe'] },
    caution: ['iv-ketamine', 'esketamine'],
    notContraindicated: ALL,
  },
  'synthea-mdd-fluoxetine-opioid-abuse-after-death': {
    file: 'synthea-mdd-fluoxetine-opioid-abuse-atrial-fibrillation',
    now: '2012-08-07T12:00:00Z',
    judgement:
      'The same man a week after his recorded death (deceasedDateTime 2012-07-31): a deceased patient gets no TRD cards and no suggestions (DS-8, EL-10).',
    chart: false,
  },
  'synthea-mdd-untreated-hypertension-opioid-abuse': {
    now: '2005-05-01T12:00:00Z',
    judgement:
      'A 63-year-old man with active major depressive disorder (since 1960) and no antidepressant ever recorded: no trial, TRD not met. Active hypertension with every recorded BP high (last 167/119, five months ago) and none in the last 30 days: uncontrolled hypertension cannot be excluded without a BP (CI-6 unknown), and whether the hypertension is above goal (a caution) or controlled (information only) needs that same BP (RC-5 unknown). Active opioid abuse: a caution for ketamine and esketamine (RC-2).',
    ...NO_ANTIDEPRESSANT_NOT_TRD,
    rules: { 'EL-1': 'met', 'EL-2': 'not-met', 'CI-6': 'unknown', 'RC-5': 'unknown', 'RC-2': 'met', 'CI-3': 'not-met' },
    caution: ['iv-ketamine', 'esketamine'],
    notContraindicated: ALL,
  },
  'synthea-sertraline-for-ptsd-bp-171-107': {
    now: '2019-07-26T12:00:00Z',
    judgement:
      'A 46-year-old man with no depressive disorder, on sertraline since 2015 prescribed for posttraumatic stress disorder (reasonReference): an antidepressant for another indication is not a depression trial, and nothing depressive is on record, so no TRD cards (EL-10) and TRD not met. Hypertension with BP 171/107 a week ago: one reading at or above 180/100 (diastolic) that is not crisis-level needs a repeat before uncontrolled hypertension is called (CI-6 unknown, a caution until settled); that reading is a problem for CI-6, not a second card under RC-5.',
    ...NOT_DEPRESSED,
    attempts: { failed: 0, undecided: 0 },
    rules: { 'EL-1': 'not-met', 'CI-6': 'unknown' },
    caution: ['iv-ketamine', 'esketamine'],
    notContraindicated: ALL,
  },
  'synthea-r4-2019-mdd-fluoxetine-bp-163-114': {
    now: '2019-01-05T12:00:00Z',
    judgement:
      'A 57-year-old man whose record (an older Synthea export published as R4) gives Condition.clinicalStatus as the bare string "active": major depressive disorder since 1980 is active (DS-6 reads STU3-style strings as they say). One antidepressant (fluoxetine): TRD not met. Hypertension on hydrochlorothiazide with BP 163/114 a week ago: diastolic at or above 100 in a single non-crisis reading, so uncontrolled hypertension needs a repeat BP (CI-6 unknown: a caution until settled, and the one card for that reading).',
    ...ONE_ANTIDEPRESSANT_NOT_TRD,
    rules: { 'EL-1': 'met', 'EL-2': 'not-met', 'CI-6': 'unknown' },
    caution: ['iv-ketamine', 'esketamine'],
    notContraindicated: ALL,
  },
  'synthea-r4-2019-mdd-fluoxetine-and-sertraline': {
    now: '2019-04-18T12:00:00Z',
    judgement:
      'A 56-year-old man with active major depressive disorder (bare-string status) on two antidepressants with no reason given: fluoxetine since 1982 and sertraline 100 mg added in 1993, both orders still marked active and never renewed. Two attempts whose outcome and current use the record cannot show: the honest answer is that TRD is unknown (two failures are possible, none is documented), never "no antidepressant trial". BP 111/87 a week ago: no uncontrolled hypertension.',
    trd: 'unknown',
    attempts: { failed: 0, undecided: 2 },
    chart: true,
    rules: { 'EL-1': 'met', 'EL-2': 'unknown', 'CI-6': 'not-met' },
    notContraindicated: ALL,
  },
  'synthea-r4-2019-mdd-fluoxetine-normal-bp': {
    now: '2018-07-16T12:00:00Z',
    judgement:
      'A 54-year-old man with active major depressive disorder (bare-string status) since 1982 on fluoxetine only: TRD not met. BP 106/86 a week ago: no uncontrolled hypertension. Nothing contraindicates any treatment.',
    ...ONE_ANTIDEPRESSANT_NOT_TRD,
    rules: { 'EL-1': 'met', 'EL-2': 'not-met', 'CI-6': 'not-met' },
    notContraindicated: ALL,
  },
  'synthea-r4-2019-mdd-fluoxetine-diphenhydramine': {
    now: '2017-10-22T12:00:00Z',
    judgement:
      'A 39-year-old man with active major depressive disorder (bare-string status) since 1997 on fluoxetine only: TRD not met. BP 138/86 ten days ago, below both the caution and the block threshold, no hypertension code: CI-6 and RC-5 not found.',
    ...ONE_ANTIDEPRESSANT_NOT_TRD,
    rules: { 'EL-1': 'met', 'EL-2': 'not-met', 'CI-6': 'not-met', 'RC-5': 'not-met' },
    notContraindicated: ALL,
  },
  'synthea-r4-2019-mdd-single-episode-resolved-mdd-active': {
    now: '2016-07-29T12:00:00Z',
    judgement:
      'A 22-year-old man with "Major depression, single episode" resolved in 2013 and "Major depression disorder" recorded the same day and still active (bare-string statuses): MDD is current (EL-1 met). No antidepressant has ever been recorded: no trial, TRD not met. BP 118/77 a week ago.',
    ...NO_ANTIDEPRESSANT_NOT_TRD,
    rules: { 'EL-1': 'met', 'EL-2': 'not-met', 'CI-6': 'not-met' },
    notContraindicated: ALL,
  },
  'synthea-r4-2019-duloxetine-for-fibromyalgia': {
    now: '2018-09-03T12:00:00Z',
    judgement:
      'A 40-year-old woman with fibromyalgia who took duloxetine in 2014 for it (reasonReference to the fibromyalgia Condition; stopped), and no depressive disorder: an antidepressant for another indication, ended years ago, is not a depression trial, so no TRD cards (EL-10) and TRD not met. A woman of child-bearing age with no recent pregnancy test: pregnancy cannot be excluded for ketamine or esketamine (CI-4 unknown).',
    ...NOT_DEPRESSED,
    attempts: { failed: 0, undecided: 0 },
    rules: { 'EL-1': 'not-met', 'CI-4': 'unknown' },
    notContraindicated: ALL,
  },
  'synthea-sertraline-no-reason-opioid-abuse-alzheimer': {
    now: '1994-04-05T12:00:00Z',
    judgement:
      "A 57-year-old man on sertraline since 1967 with no reason given and no depressive diagnosis: an antidepressant of unstated purpose is enough to open the TRD view (EL-10), but without a depressive disorder TRD is not met. Active opioid abuse (SNOMED 5602001) is a caution for ketamine and esketamine (RC-2), not the dependence-level contraindication. Familial early-onset Alzheimer's disease since 1987 is a cognitive impairment (RC-21).",
    ...ONE_ANTIDEPRESSANT_NOT_TRD,
    rules: { 'EL-1': 'not-met', 'RC-2': 'met', 'CI-3': 'not-met', 'RC-21': 'met' },
    caution: ['iv-ketamine', 'esketamine'],
    notContraindicated: ALL,
  },
  'synthea-pregnant-24-weeks': {
    now: '2021-03-31T12:00:00Z',
    judgement:
      'A 35-year-old woman with a normal pregnancy recorded active since 2020-10-07 and monthly antenatal visits up to a week ago: pregnant now (about 25 weeks), so ketamine and esketamine are contraindicated (CI-4) and TMS needs caution. No depressive disorder and no antidepressant: no TRD cards, TRD not met.',
    ...NOT_DEPRESSED,
    rules: { 'EL-1': 'not-met', 'CI-4': 'met' },
    contraindicated: ['iv-ketamine', 'esketamine'],
    caution: ['tms'],
  },
  'synthea-epilepsy-carbamazepine-clonazepam': {
    now: '2019-03-18T12:00:00Z',
    judgement:
      'A 25-year-old man with epilepsy since 2007 (one recorded seizure, then carbamazepine and clonazepam, both orders still active) and no seizure recorded since: epilepsy lowers the seizure threshold for TMS, a caution (RC-6) rather than the uncontrolled-seizure contraindication, which needs a seizure in the last 12 months. Clonazepam is a benzodiazepine: a sedation caution for ketamine and esketamine (RC-3). No depressive disorder: no TRD cards, TRD not met.',
    ...NOT_DEPRESSED,
    rules: { 'EL-1': 'not-met', 'RC-6': 'met', 'RC-3': 'met' },
    caution: ['iv-ketamine', 'esketamine', 'tms'],
    notContraindicated: ALL,
  },
  'synthea-stroke-2018-alteplase': {
    now: '2021-03-29T12:00:00Z',
    judgement:
      'A 56-year-old man with a stroke in September 2018 (alteplase, thrombectomy), two and a half years ago: not a recent stroke (CI-7 looks back 90 days) but a history of stroke, a cardiovascular caution for ketamine and esketamine (RC-19) and a brain lesion that raises the risk of a TMS-induced seizure (RC-6, IFCN). BP 127/74 a week ago. No depressive disorder: no TRD cards, TRD not met.',
    ...NOT_DEPRESSED,
    rules: { 'EL-1': 'not-met', 'CI-7': 'not-met', 'RC-19': 'met', 'RC-6': 'met', 'CI-6': 'not-met' },
    caution: ['iv-ketamine', 'esketamine', 'tms'],
    notContraindicated: ALL,
  },
};

const dir = join(import.meta.dirname, 'patients');

/**
 * The resources of a published transaction Bundle as a FHIR server serves them after loading it:
 * `urn:uuid:` references become `Type/id`, and every entry is a PUT of its own id.
 */
function asServed(bundle: fhir4.Bundle): fhir4.Bundle {
  const literal = new Map<string, string>();
  for (const e of bundle.entry ?? [])
    if (e.fullUrl?.startsWith('urn:uuid:') && e.resource?.id) literal.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
  const text = JSON.stringify(bundle.entry ?? [], (key, value: unknown) =>
    key === 'reference' && typeof value === 'string' && literal.has(value) ? literal.get(value) : value,
  );
  const entry = (JSON.parse(text) as fhir4.BundleEntry[]).map(({ resource }) => ({
    resource,
    request: { method: 'PUT' as const, url: `${resource!.resourceType}/${resource!.id}` },
  }));
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

const files = new Map(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const bundle = asServed(JSON.parse(readFileSync(join(dir, f), 'utf8')) as fhir4.Bundle);
      const resources = (bundle.entry ?? []).map((e) => e.resource!);
      return [f.slice(0, -5), { bundle, resources, patientId: resources.find((r) => r.resourceType === 'Patient')!.id! }] as const;
    }),
);

let server: FhirTestServer;
beforeAll(async () => {
  server = await startFhirTestServer();
  for (const f of files.values()) await server.load(f.bundle);
}, 60_000);
afterAll(() => server?.close());

const services = realServices();

interface Extension {
  chart: { show: boolean; because: string };
  trd: { status: Status; failedTrials: number; unknownTrials: number };
  modalities: Record<Modality, { status: string }>;
  criteria: { rule: string; status: Status; evidence: string[] }[];
  findings: { rule: string; status: Status; evidence: string[] }[];
}

async function assessment(file: string, now: string, mode: 'prefetch' | 'fetch'): Promise<{ ext: Extension; cards: unknown[] }> {
  const f = files.get(file)!;
  const { app } = buildTestApp({ services, clock: fixedClock(now), env: { FHIR_QUERY_TIMEOUT_MS: '10000', FHIR_CALL_BUDGET_MS: '20000' } });
  const body = {
    hook: 'patient-view',
    hookInstance: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    context: { userId: 'Practitioner/1', patientId: f.patientId },
    ...(mode === 'prefetch' ? { prefetch: prefetchFor(f.resources) } : { fhirServer: fhirBase(server.origin) }),
  };
  const res = await request(app).post('/cds-services/trd-patient-view').send(body).expect(200);
  return { ext: res.body.extension['org.trdcds.assessment'] as Extension, cards: res.body.cards as unknown[] };
}

describe('public patients, assessed as a clinician would judge them', () => {
  it('every patient file has its expected assessment written down', () => {
    expect([...new Set(Object.entries(EXPECTED).map(([name, c]) => c.file ?? name))].sort()).toEqual([...files.keys()].sort());
  });

  for (const [name, c] of Object.entries(EXPECTED)) {
    for (const mode of ['prefetch', 'fetch'] as const) {
      it(`${name} (${mode})`, async () => {
        const { ext, cards } = await assessment(c.file ?? name, c.now, mode);
        const got = new Map([...ext.criteria, ...ext.findings].map((f) => [f.rule, f]));
        const why = (what: string) => `${what}: ${c.judgement}`;
        if (c.trd) expect(ext.trd.status, why('TRD')).toBe(c.trd);
        if (c.attempts) expect({ failed: ext.trd.failedTrials, undecided: ext.trd.unknownTrials }, why('attempts')).toEqual(c.attempts);
        if (c.chart !== undefined) {
          expect(ext.chart.show, why('chart')).toBe(c.chart);
          if (!c.chart) expect(cards, why('no cards')).toEqual([]);
        }
        for (const [rule, status] of Object.entries(c.rules ?? {})) expect(got.get(rule)?.status ?? 'not-met', why(rule)).toBe(status);
        for (const [rule, refs] of Object.entries(c.evidence ?? {})) expect(got.get(rule)?.evidence, why(rule)).toEqual(expect.arrayContaining(refs));
        for (const m of c.contraindicated ?? []) expect(ext.modalities[m].status, why(m)).toBe('contraindicated');
        for (const m of c.notContraindicated ?? []) expect(ext.modalities[m].status, why(m)).not.toBe('contraindicated');
        for (const m of c.caution ?? []) expect(ext.modalities[m].status, why(m)).toBe('caution');
      });
    }
  }
});
