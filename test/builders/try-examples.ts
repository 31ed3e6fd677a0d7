/**
 * The example patients of the try-it page (`GET /try`), built with the test builders and written to
 * `cds-services/try-page/examples.json` (`npx tsx scripts/make-try-examples.ts`; a test fails when the
 * file drifts from these builders). All synthetic.
 *
 * Each example is the page's editable key facts (age, sex, weight, BP, pregnancy status, a diagnosis,
 * a medication history line, a draft order) plus the rest of the record as FHIR resources. Record
 * dates are relative to `clock` (the tests' fixed clock); the page moves them to today, so look-backs
 * (30 days for vitals) never expire. Facts count days back from today.
 */
import { TEST_NOW } from '../helpers/app.js';
import { KEY_TYPES } from '../../cds-services/assessment/prefetch.js';
import { RX, SYS, allergy, device, icd, medStatement, obs } from './fhir.js';
import { candidate, type CandidatePart } from './scenarios.js';

export type DraftKind = 'ketamine-iv' | 'esketamine' | 'tms' | 'unrelated' | 'none';

export interface TryFacts {
  age: number;
  sex: 'female' | 'male' | 'other' | 'unknown';
  /** kg, measured 5 days ago; null: no weight recorded. */
  weightKg: number | null;
  /** mm[Hg], measured 2 days ago; null: no BP recorded. */
  systolic: number | null;
  diastolic: number | null;
  pregnancy: 'not-recorded' | 'not-pregnant' | 'pregnant' | 'hcg-negative' | 'hcg-positive';
  /** ICD-10-CM code of the one editable diagnosis (onset 400 days ago); '' none. */
  diagnosis: string;
  /** One antidepressant line: ingredient RxNorm code, mg per day, when it started and ended (days ago). */
  medication: { rxcui: string; mgPerDay: number; startDaysAgo: number; endDaysAgo: number | null } | null;
}

export interface TryDraft {
  kind: DraftKind;
  /** ketamine: mg per infusion; esketamine: mg per dose. */
  mg: number;
  /** ketamine infusion time in minutes. */
  minutes: number;
  /** esketamine doses per week (2 induction, 1 maintenance). */
  perWeek: number;
  /** also a TMS order in the same draft (the combination protocol). */
  withTms: boolean;
}

export interface TryExample {
  id: string;
  title: string;
  /** What it shows, one line. */
  note: string;
  group: 'readme' | 'contraindication' | 'unknown';
  hook: 'patient-view' | 'order-select' | 'order-sign';
  facts: TryFacts;
  draft: TryDraft;
  /** The rest of the record, ids numbered per example. */
  record: fhir4.Resource[];
}

// The candidate's parts the facts stand for: they are rebuilt by the page from the facts.
const FACT_PARTS: Partial<Record<CandidatePart, null>> = { patient: null, mdd: null, escitalopram: null, bp: null, weight: null };

const BASE_FACTS: TryFacts = {
  age: 45,
  sex: 'male',
  weightKg: 80,
  systolic: 128,
  diastolic: 82,
  pregnancy: 'not-recorded',
  diagnosis: 'F33.2',
  medication: { rxcui: RX.escitalopramIngredient, mgPerDay: 20, startDaysAgo: 180, endDaysAgo: 60 },
};
const KETAMINE_60: TryDraft = { kind: 'ketamine-iv', mg: 60, minutes: 40, perWeek: 3, withTms: false };
const ketamine = (mg: number): TryDraft => ({ ...KETAMINE_60, mg });
const ESKETAMINE: TryDraft = { kind: 'esketamine', mg: 56, minutes: 40, perWeek: 2, withTms: false };
const TMS: TryDraft = { kind: 'tms', mg: 0, minutes: 0, perWeek: 5, withTms: false };

interface Spec {
  title: string;
  note: string;
  group: TryExample['group'];
  hook?: TryExample['hook'];
  facts?: Partial<TryFacts>;
  draft?: TryDraft;
  changes?: Partial<Record<CandidatePart, fhir4.Resource | fhir4.Resource[] | null>>;
  extra?: fhir4.Resource[];
}

const woman = { sex: 'female', age: 34 } as const;

const SPECS: Record<string, Spec> = {
  'readme-patient-view': {
    title: 'README patient-view: woman, 34, two failed trials, no pregnancy test',
    note: 'The README sample: TRD met, pregnancy not excluded, suggested next orders.',
    group: 'readme',
    hook: 'patient-view',
    facts: woman,
  },
  'readme-order-select': {
    title: 'README order-select: IV ketamine 80 mg for 80 kg',
    note: 'The dose is 1 mg/kg, twice the 0.5 mg/kg protocol dose: accept the complete protocol order and the dose card goes away.',
    group: 'readme',
    hook: 'order-select',
    draft: ketamine(80),
  },
  'readme-order-sign': {
    title: 'README order-sign: bipolar II, BP 150/92, ketamine + TMS',
    note: 'Cautions for bipolar disorder and blood pressure, the dose, the combination protocol.',
    group: 'readme',
    hook: 'order-sign',
    facts: { systolic: 150, diastolic: 92 },
    draft: { ...ketamine(60), withTms: true },
    extra: [icd('F31.81')],
  },
  'ci-acute-suicidality': {
    title: 'Acute suicidal ideation 3 days ago, IV ketamine draft',
    note: 'Imminent risk recorded within 30 days.',
    group: 'contraindication',
    draft: ketamine(40),
    extra: [icd('R45.851', { onsetDaysAgo: 3 })],
  },
  'ci-psychosis': {
    title: 'Schizophrenia, esketamine draft',
    note: 'Active psychosis.',
    group: 'contraindication',
    draft: ESKETAMINE,
    extra: [icd('F20.9', { onsetDaysAgo: 2000 })],
  },
  'ci-substance-use': {
    title: 'Alcohol dependence, IV ketamine draft',
    note: 'Active substance use disorder.',
    group: 'contraindication',
    draft: ketamine(40),
    extra: [icd('F10.20', { onsetDaysAgo: 700 })],
  },
  'ci-pregnancy': {
    title: 'Pregnant woman (positive hCG), IV ketamine draft',
    note: 'Pregnancy.',
    group: 'contraindication',
    facts: { ...woman, pregnancy: 'hcg-positive' },
    draft: ketamine(40),
  },
  'ci-aneurysm': {
    title: 'Cerebral aneurysm, esketamine draft',
    note: 'Aneurysmal vascular disease, AVM or intracerebral haemorrhage.',
    group: 'contraindication',
    draft: ESKETAMINE,
    extra: [icd('I67.1', { onsetDaysAgo: 900 })],
  },
  'ci-uncontrolled-hypertension': {
    title: 'BP 182/96 two days ago, IV ketamine draft',
    note: 'Uncontrolled hypertension.',
    group: 'contraindication',
    facts: { systolic: 182, diastolic: 96 },
    draft: ketamine(40),
  },
  'ci-recent-mi': {
    title: 'Myocardial infarction 30 days ago, IV ketamine draft',
    note: 'Recent MI, unstable angina or decompensated heart failure.',
    group: 'contraindication',
    draft: ketamine(40),
    extra: [icd('I21.09', { onsetDaysAgo: 30 })],
  },
  'ci-ketamine-allergy': {
    title: 'Ketamine allergy, esketamine draft',
    note: 'Hypersensitivity to ketamine or esketamine.',
    group: 'contraindication',
    draft: ESKETAMINE,
    extra: [allergy(SYS.rx, RX.ketamineIngredient)],
  },
  'ci-uncontrolled-epilepsy': {
    title: 'Intractable epilepsy, TMS draft',
    note: 'Seizure disorder not controlled by medication.',
    group: 'contraindication',
    draft: TMS,
    extra: [icd('G40.119', { onsetDaysAgo: 3000 })],
  },
  'ci-head-implant': {
    title: 'Cochlear implant, TMS draft',
    note: 'Implant in or near the head.',
    group: 'contraindication',
    draft: TMS,
    extra: [device('Cochlear implant')],
  },
  'ci-raised-icp': {
    title: 'Idiopathic intracranial hypertension, IV ketamine draft',
    note: 'Increased intracranial pressure.',
    group: 'contraindication',
    draft: ketamine(40),
    extra: [icd('G93.2', { onsetDaysAgo: 200 })],
  },
  'unknown-pregnancy': {
    title: 'Woman, 34, no pregnancy test, IV ketamine draft',
    note: 'Pregnancy not excluded: the hCG order settles it.',
    group: 'unknown',
    facts: woman,
    draft: ketamine(40),
  },
  'unknown-weight': {
    title: 'No weight recorded, IV ketamine 60 mg draft',
    note: 'The 0.5 mg/kg dose cannot be checked without a weight.',
    group: 'unknown',
    facts: { weightKg: null },
    draft: ketamine(60),
  },
  'unknown-blood-pressure': {
    title: 'No blood pressure recorded, esketamine draft',
    note: 'Hypertension cannot be excluded.',
    group: 'unknown',
    facts: { systolic: null, diastolic: null },
    draft: ESKETAMINE,
  },
  'unknown-baseline-score': {
    title: 'Last PHQ-9 45 days ago, IV ketamine draft',
    note: 'No baseline score within 30 days.',
    group: 'unknown',
    draft: ketamine(40),
    changes: { phq9Recent: obs.phq9(18, 45) },
  },
  'unknown-free-text-medication': {
    title: "Second trial recorded without the drug's name, patient-view",
    note: 'A drug the record does not identify keeps TRD unknown.',
    group: 'unknown',
    hook: 'patient-view',
    facts: { medication: null },
    draft: ketamine(40),
    extra: [
      {
        ...medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }),
        medicationCodeableConcept: { text: 'antidepressant from a previous psychiatrist, name not recorded' },
      } as fhir4.MedicationStatement,
    ],
  },
};

/** Ids unique within an example and stable whatever order the builders ran in. */
function renumber(id: string, resources: fhir4.Resource[]): fhir4.Resource[] {
  return resources.map((r, i) => ({ ...r, id: `${id}-${i + 1}` }));
}

/** Every example of the try-it page, in the order the page lists them. */
export function tryExamples() {
  const examples = Object.entries(SPECS).map(([id, s]): TryExample => ({
    id,
    title: s.title,
    note: s.note,
    group: s.group,
    hook: s.hook ?? 'order-select',
    facts: { ...BASE_FACTS, ...s.facts },
    draft: s.draft ?? KETAMINE_60,
    record: renumber(id, candidate({ ...s.changes, ...FACT_PARTS }, ...(s.extra ?? []))),
  }));
  return { clock: TEST_NOW, prefetchKeys: KEY_TYPES, choices: { diagnoses: TRY_DIAGNOSES, antidepressants: TRY_ANTIDEPRESSANTS }, examples };
}

/** The ICD-10-CM diagnoses the page offers for its one editable diagnosis. */
export const TRY_DIAGNOSES: Record<string, string> = {
  'F33.2': 'Major depressive disorder, recurrent, severe',
  'F32.2': 'Major depressive disorder, single episode, severe',
  'F33.1': 'Major depressive disorder, recurrent, moderate',
  'F31.81': 'Bipolar II disorder',
  'F20.9': 'Schizophrenia',
  'F41.1': 'Generalised anxiety disorder',
};

/** The antidepressants the page offers for its medication history line (RxNorm ingredients). */
export const TRY_ANTIDEPRESSANTS: Record<string, string> = {
  [RX.escitalopramIngredient]: 'escitalopram',
  [RX.sertralineIngredient]: 'sertraline',
  [RX.bupropionIngredient]: 'bupropion',
};
