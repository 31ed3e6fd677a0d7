/**
 * Revision 2, section 3: diagnoses (EL-1, EL-9, EL-10, CI-2, CI-12, RC-1) and the TRD card summary.
 * Each scenario is named in words and checks the rules it is about, the whole TRD status
 * (EL-1 and EL-2 together), the summary a clinician reads, and the suggestions withheld.
 */
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../cds-services/assessment/assess.js';
import type { Modality, Status } from '../../cds-services/assessment/findings.js';
import { trdSummary } from '../../cds-services/trd-patient-view/trd-summary.js';
import { RX, SYS, daysAgo, icd, medStatement, obs, patient, sct } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { assessResources } from '../helpers/record.js';

interface Scenario {
  resources: fhir4.Resource[];
  unknown?: string[];
  expect: Record<string, Status>;
  trd?: Status;
  verdicts?: Partial<Record<Modality, Verdict>>;
  summary?: RegExp;
  /** Modalities whose start is not suggested, with the rule that withholds it. */
  withheld?: Partial<Record<Modality, string>>;
  chart?: boolean;
}

const textOnly = (text: string, o: { status?: string } = {}): fhir4.Condition => ({
  resourceType: 'Condition',
  id: `text-${text.replace(/\W+/g, '-')}`,
  subject: { reference: 'Patient/p1' },
  ...(o.status ? { clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: o.status }] } } : {}),
  code: { text },
});
/** A condition coded only in an EHR's local code system, which no ValueSet lists. */
const localCoded = (code: string, display: string): fhir4.Condition => ({
  resourceType: 'Condition',
  id: `local-${code}`,
  subject: { reference: 'Patient/p1' },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: 'urn:oid:1.2.840.114350.1.13.0.1.7.2.696580', code, display }] },
});
const noStatus = (code: string, daysAgo: number) => icd(code, { status: 'none', onsetDaysAgo: daysAgo });
const lithium = medStatement('6448', { startDaysAgo: 400, dose: { mg: 900 } });

const scenarios: Record<string, Scenario> = {
  // ---- EL-1: the current episode ----
  'active-mdd-with-two-failed-trials-is-a-candidate': {
    resources: candidate(),
    expect: { 'EL-1': 'met', 'EL-2': 'met', 'EL-9': 'not-met' },
    trd: 'met',
    summary: /^TRD: 2 failed treatment attempts/,
  },
  'mdd-in-full-remission-with-a-phq9-of-3-is-not-a-current-episode': {
    resources: candidate({ mdd: icd('F33.42', { onsetDaysAgo: 200 }), phq9Recent: obs.phq9(3, 3), phq9AfterSertraline: obs.phq9(4, 195) }),
    expect: { 'EL-1': 'not-met' },
    trd: 'not-met',
    summary: /^MDD in remission \(F33\.42 \(\d{4}-\d\d-\d\d\)\): not a current episode/,
  },
  'mdd-in-remission-then-a-phq9-of-18-needs-a-new-episode-confirmed': {
    resources: candidate({ mdd: icd('F33.41', { onsetDaysAgo: 100 }) }),
    expect: { 'EL-1': 'unknown' },
    trd: 'unknown',
    summary: /^Coded in remission, but PHQ-9 18 on .*: confirm a new episode/,
  },
  'postpartum-depression-counts-as-mdd-and-says-so': {
    resources: candidate({ mdd: icd('F53.0', { onsetDaysAgo: 200 }), patient: patient({ gender: 'female', age: 31 }) }),
    expect: { 'EL-1': 'met' },
    trd: 'met',
  },
  'postpartum-depression-snomed-counts-as-mdd': {
    resources: candidate({ mdd: sct('58703003', { onsetDaysAgo: 200 }) }),
    expect: { 'EL-1': 'met' },
    trd: 'met',
  },
  'coded-trd-without-the-trials-in-the-record-is-not-trd': {
    resources: candidate({ mdd: sct('1153570009', { onsetDaysAgo: 200 }), escitalopram: null }),
    expect: { 'EL-1': 'met', 'EL-2': 'not-met' },
    trd: 'not-met',
    summary: /^TRD is coded but the record shows 1 of 2 failed attempts/,
  },
  'ambiguous-depression-code-asks-to-confirm-mdd': {
    resources: candidate({ mdd: icd('F32.A', { onsetDaysAgo: 30 }) }),
    expect: { 'EL-1': 'unknown' },
    trd: 'unknown',
    summary: /^Confirm that the depression \(F32\.A/,
  },
  'depression-written-only-as-text-asks-to-confirm-and-code-it': {
    resources: candidate({ mdd: textOnly('Depression') }),
    expect: { 'EL-1': 'unknown' },
    trd: 'unknown',
    summary: /^A problem recorded as text \('Depression'\) may be MDD: confirm and code it/,
  },
  // Outside tester (tester7-snomed-mdd-subtypes-read-as-no-mdd, tester7-icd-10-who-system-mdd-and-bipolar-ignored):
  // a code no ValueSet lists is missing knowledge, never "no MDD recorded"; its words are read instead.
  'mdd-coded-only-in-a-local-code-system-asks-to-confirm-it': {
    resources: candidate({ mdd: localCoded('MDD-REC-SEV', 'Major depressive disorder, recurrent, severe') }),
    expect: { 'EL-1': 'unknown' },
    trd: 'unknown',
    summary: /^Depression coded MDD-REC-SEV, a code not listed here: confirm it is current MDD/,
  },
  'bipolar-coded-only-in-a-local-code-system-asks-to-confirm-it': {
    resources: candidate({}, localCoded('BPD-2', 'Bipolar II disorder')),
    expect: { 'RC-1': 'unknown' },
  },
  'mdd-without-psychotic-features-in-words-is-not-a-psychotic-disorder': {
    resources: candidate({ mdd: textOnly('Severe recurrent major depression without psychotic features') }),
    expect: { 'EL-1': 'unknown', 'CI-2': 'not-met' },
    trd: 'unknown',
  },
  'old-status-less-mdd-diagnosis-asks-to-confirm-it-is-current': {
    resources: candidate({ mdd: noStatus('F33.2', 800) }),
    expect: { 'EL-1': 'unknown' },
    trd: 'unknown',
    summary: /no status: confirm it is current/,
  },
  'recent-status-less-mdd-diagnosis-is-active': { resources: candidate({ mdd: noStatus('F33.2', 100) }), expect: { 'EL-1': 'met' }, trd: 'met' },
  'provisional-mdd-diagnosis-asks-to-confirm-it': {
    resources: candidate({ mdd: icd('F33.2', { onsetDaysAgo: 100, verification: 'provisional' }) }),
    expect: { 'EL-1': 'unknown' },
    trd: 'unknown',
  },
  'premenstrual-dysphoric-disorder-is-not-a-depressive-episode': {
    resources: candidate({ mdd: icd('F32.81', { onsetDaysAgo: 100 }) }),
    expect: { 'EL-1': 'not-met' },
    trd: 'not-met',
  },
  'bipolar-depression-alone-is-not-mdd-and-says-why': {
    resources: candidate({ mdd: icd('F31.4', { onsetDaysAgo: 100 }) }, lithium),
    expect: { 'EL-1': 'not-met', 'RC-1': 'met', 'EL-9': 'not-met', 'CI-12': 'not-met' },
    trd: 'not-met',
    summary: /^Bipolar depression: MDD-based TRD criteria and esketamine labelling do not apply/,
    withheld: { esketamine: 'RC-1' },
    chart: true,
  },
  'nothing-depressive-is-not-met-and-shows-no-chart': {
    resources: [patient(), icd('I10')],
    expect: { 'EL-1': 'not-met' },
    trd: 'not-met',
    chart: false,
  },
  'conditions-unavailable-make-the-diagnosis-unknown-and-still-show-cards': {
    resources: candidate(),
    unknown: ['conditions'],
    expect: { 'EL-1': 'unknown', 'EL-9': 'unknown', 'CI-12': 'unknown', 'RC-1': 'unknown' },
    trd: 'unknown',
    chart: true,
  },
  // ---- EL-9: conflicts ----
  'mdd-with-bipolar-ii-is-a-conflict-and-withholds-esketamine': {
    resources: candidate({}, icd('F31.81', { onsetDaysAgo: 50 })),
    expect: { 'EL-1': 'unknown', 'EL-9': 'met', 'RC-1': 'met' },
    trd: 'unknown',
    summary: /^TRD unknown until the diagnosis is confirmed: MDD and bipolar disorder both active \(EL-9\)/,
    withheld: { esketamine: 'RC-1' },
    verdicts: { esketamine: 'caution', tms: 'caution' },
  },
  'mdd-with-an-older-remission-code-is-a-conflict': {
    resources: candidate({}, icd('F33.42', { onsetDaysAgo: 10 })),
    expect: { 'EL-1': 'unknown', 'EL-9': 'met' },
    trd: 'unknown',
  },
  'mdd-coded-after-a-remission-code-is-a-new-episode-but-still-flagged': {
    resources: candidate({ mdd: icd('F33.2', { onsetDaysAgo: 20 }) }, icd('F33.42', { onsetDaysAgo: 300 })),
    expect: { 'EL-1': 'met', 'EL-9': 'met' },
    trd: 'met',
  },
  'mdd-with-schizoaffective-disorder-is-a-conflict-and-contraindicates-ketamines': {
    resources: candidate({}, icd('F25.0', { onsetDaysAgo: 50 })),
    expect: { 'EL-1': 'met', 'EL-9': 'met', 'CI-2': 'met' },
    verdicts: { 'iv-ketamine': 'contraindicated', esketamine: 'contraindicated', tms: 'caution' },
  },
  // ---- CI-2 and CI-12 ----
  'bipolar-i-depression-with-psychotic-features-is-active-psychosis': {
    resources: candidate({ mdd: icd('F31.5', { onsetDaysAgo: 30 }) }),
    expect: { 'CI-2': 'met', 'EL-1': 'not-met', 'RC-1': 'not-met' },
    verdicts: { 'iv-ketamine': 'contraindicated', esketamine: 'contraindicated' },
  },
  'current-manic-episode-with-psychotic-features-starts-nothing': {
    resources: candidate({}, icd('F31.2', { onsetDaysAgo: 5 })),
    expect: { 'CI-2': 'met', 'CI-12': 'met', 'EL-9': 'met', 'RC-1': 'not-met' },
    verdicts: { 'iv-ketamine': 'contraindicated', esketamine: 'contraindicated', tms: 'contraindicated', 'ketamine-tms-combination': 'contraindicated' },
    summary: /^Current manic, hypomanic or mixed episode: do not start IV ketamine, esketamine or TMS \(CI-12\)/,
  },
  'hypomanic-episode-snomed-starts-nothing': {
    resources: candidate({}, sct('231496004', { onsetDaysAgo: 5 })),
    expect: { 'CI-12': 'met' },
    verdicts: { tms: 'contraindicated' },
  },
  'bipolar-in-remission-after-mania-is-not-a-current-episode': {
    resources: candidate({}, icd('F31.74', { onsetDaysAgo: 60 })),
    expect: { 'CI-12': 'not-met', 'RC-1': 'met', 'EL-9': 'met' },
    withheld: { esketamine: 'RC-1' },
  },
  'mania-written-only-as-text-asks-to-confirm': {
    resources: candidate({}, textOnly('Mania')),
    expect: { 'CI-12': 'unknown' },
    verdicts: { tms: 'caution' },
  },
  'old-status-less-schizophrenia-asks-to-confirm-not-contraindicated': {
    resources: candidate({}, noStatus('F20.9', 900)),
    expect: { 'CI-2': 'unknown' },
    verdicts: { 'iv-ketamine': 'caution', esketamine: 'caution' },
  },
  'psychosis-written-only-as-text-asks-to-confirm': { resources: candidate({}, textOnly('Psychosis')), expect: { 'CI-2': 'unknown' } },
  'no-mania-and-no-psychosis-is-not-found': { resources: candidate(), expect: { 'CI-2': 'not-met', 'CI-12': 'not-met' } },
  // ---- DS-6: what a problem written as text says of itself (a relative's, negated, unconfirmed, past) ----
  'family-history-of-schizophrenia-written-as-text-is-not-the-patients-psychosis': {
    resources: candidate({}, textOnly('Family history of schizophrenia (brother)')),
    expect: { 'CI-2': 'not-met' },
    trd: 'met',
    verdicts: { 'iv-ketamine': 'clear', esketamine: 'clear' },
  },
  'negative-screen-for-mania-written-as-text-is-not-mania': {
    resources: candidate({}, textOnly('Negative screen for mania')),
    expect: { 'CI-12': 'not-met', 'RC-1': 'not-met' },
  },
  'denied-or-ruled-out-psychosis-and-depression-without-psychotic-features-are-not-psychosis': {
    resources: candidate(
      {},
      textOnly('Denies psychosis'),
      textOnly('Psychosis ruled out'),
      textOnly('No hx of schizophrenia'),
      textOnly('Depression without psychotic features'),
    ),
    expect: { 'CI-2': 'not-met' },
  },
  'mother-with-bipolar-disorder-written-as-text-is-not-the-patients': {
    resources: candidate({}, textOnly('Mother: bipolar disorder')),
    expect: { 'RC-1': 'not-met', 'EL-9': 'not-met', 'EL-1': 'met' },
  },
  'bipolar-coded-under-a-family-history-category-is-not-the-patients': {
    resources: candidate({}, { ...icd('F31.9', { onsetDaysAgo: 50 }), category: [{ text: 'Family History' }] } as fhir4.Condition),
    expect: { 'RC-1': 'not-met', 'EL-9': 'not-met', 'EL-1': 'met' },
  },
  'family-history-coded-z81-8-with-its-words-is-not-the-patients-bipolar-disorder': {
    // ICD-10-CM Z81.8 (family history of other mental and behavioural disorders) is in no ValueSet: read by its words (DS-6).
    resources: candidate({}, {
      ...icd('Z81.8', { onsetDaysAgo: 50 }),
      code: { coding: [{ system: SYS.icd, code: 'Z81.8' }], text: 'Family history of bipolar disorder (mother)' },
    } as fhir4.Condition),
    expect: { 'RC-1': 'not-met', 'EL-9': 'not-met', 'EL-1': 'met' },
    trd: 'met',
  },
  'rule-out-psychosis-written-as-text-asks-to-confirm': {
    resources: candidate({}, textOnly('R/O psychosis')),
    expect: { 'CI-2': 'unknown' },
    verdicts: { 'iv-ketamine': 'caution', esketamine: 'caution' },
  },
  'no-mania-but-a-hypomanic-episode-written-as-text-asks-to-confirm': {
    resources: candidate({}, textOnly('No mania; hypomanic episode last month')),
    expect: { 'CI-12': 'unknown' },
  },
  'schizophrenia-no-current-episode-written-as-text-asks-to-confirm': {
    resources: candidate({}, textOnly('Schizophrenia, no current episode')),
    expect: { 'CI-2': 'unknown' },
  },
  // ---- Lifelong diagnoses recorded as past (remission, resolved, abated): never silent [local] ----
  'bipolar-disorder-in-remission-by-status-is-still-bipolar-disorder': {
    resources: candidate({}, icd('F31.9', { status: 'remission', onsetDaysAgo: 3650 })),
    expect: { 'RC-1': 'met', 'EL-9': 'met', 'EL-1': 'unknown', 'CI-12': 'not-met' },
    trd: 'unknown',
    summary: /^TRD unknown until the diagnosis is confirmed: MDD with a history of bipolar disorder \(EL-9\)/,
    withheld: { esketamine: 'RC-1' },
    verdicts: { 'iv-ketamine': 'caution', esketamine: 'caution', tms: 'caution' },
  },
  'history-of-bipolar-disorder-written-as-text-is-bipolar-disorder': {
    resources: candidate({}, textOnly('History of bipolar disorder')),
    expect: { 'RC-1': 'met', 'EL-9': 'met' },
  },
  'schizophrenia-resolved-asks-to-confirm-no-current-psychosis': {
    resources: candidate({}, icd('F20.9', { status: 'resolved', onsetDaysAgo: 5100, abatedDaysAgo: 1800 })),
    expect: { 'CI-2': 'unknown', 'EL-9': 'not-met' },
    trd: 'met',
    verdicts: { 'iv-ketamine': 'caution', esketamine: 'caution', tms: 'caution' },
  },
  'psychosis-resolved-written-as-text-asks-to-confirm-no-current-psychosis': {
    resources: candidate({}, textOnly('Psychosis (resolved 2010)')),
    expect: { 'CI-2': 'unknown' },
  },
  'refuted-bipolar-disorder-is-ignored': {
    resources: candidate({}, icd('F31.9', { status: 'resolved', verification: 'refuted', onsetDaysAgo: 400 })),
    expect: { 'RC-1': 'not-met', 'EL-9': 'not-met', 'EL-1': 'met' },
    trd: 'met',
  },
  // ---- RC-1 ----
  'bipolar-without-a-mood-stabiliser-says-none-is-recorded': {
    resources: candidate({ mdd: icd('F31.32', { onsetDaysAgo: 100 }) }),
    expect: { 'RC-1': 'met' },
    withheld: { esketamine: 'RC-1' },
  },
  'status-less-old-bipolar-problem-asks-to-confirm': { resources: candidate({}, noStatus('F31.9', 900)), expect: { 'RC-1': 'unknown', 'EL-9': 'not-met' } },
  // ---- EL-10: which charts ----
  'recent-phq9-of-16-without-a-diagnosis-shows-cards': { resources: [patient(), obs.phq9(16, 20)], expect: { 'EL-1': 'not-met' }, chart: true },
  'old-phq9-of-16-without-a-diagnosis-shows-no-cards': { resources: [patient(), obs.phq9(16, 200)], expect: { 'EL-1': 'not-met' }, chart: false },
  'antidepressant-alone-shows-cards': {
    resources: [patient(), medStatement(RX.sertralineIngredient, { startDaysAgo: 100, dose: { mg: 100 } })],
    expect: { 'EL-1': 'not-met' },
    chart: true,
  },
  'deceased-patient-gets-no-patient-view-cards': {
    resources: candidate({ patient: { ...patient(), deceasedDateTime: daysAgo(1) } as fhir4.Patient }),
    expect: { 'EL-1': 'met' },
    chart: false,
  },
  'adolescent-summary-states-the-age': {
    resources: candidate({ patient: patient({ age: 16 }) }),
    expect: { 'EL-6': 'not-met' },
    summary: /; age 16$/,
  },
};

describe('revision 2 diagnoses (EL-1, EL-9, EL-10, CI-2, CI-12, RC-1)', () => {
  it.each(Object.entries(scenarios))('%s', (_name, s) => {
    const a = assessResources(s.resources, s.unknown);
    const statuses = Object.fromEntries(Object.keys(s.expect).map((rule) => [rule, a.byRule.get(rule)?.status]));
    expect(statuses).toEqual(s.expect);
    if (s.trd) expect(a.trd.status).toBe(s.trd);
    for (const [modality, verdict] of Object.entries(s.verdicts ?? {})) {
      expect({ modality, verdict: a.modalities[modality as Modality].status }).toEqual({ modality, verdict });
    }
    if (s.summary) {
      const summary = trdSummary(a, 2);
      expect(summary).toMatch(s.summary);
      expect(summary.length).toBeLessThan(140);
    }
    if (s.withheld) expect(a.withheldSuggestions).toEqual(s.withheld);
    if (s.chart !== undefined) expect(a.chart.show).toBe(s.chart);
    for (const f of [...a.criteria, ...a.findings]) if (f.status === 'unknown') expect(f.missing.length, f.rule).toBeGreaterThan(0);
  });

  it('a bipolar patient on lithium is told the mood stabiliser is active', () => {
    const a = assessResources(
      candidate({ mdd: icd('F31.32', { onsetDaysAgo: 100 }) }, {
        ...lithium,
        medicationCodeableConcept: { coding: [{ system: SYS.rx, code: '6448', display: 'lithium' }] },
      } as fhir4.MedicationStatement),
    );
    expect(a.byRule.get('RC-1')!.note).toMatch(/Mood stabiliser or antimanic agent active: lithium\./);
    expect(a.byRule.get('RC-1')!.note).toMatch(/Esketamine is labelled for MDD only/);
  });

  it('EL-11 stages the clean candidate: 13 months, severe code, 2 failed antidepressants = MSM 7, moderate', () => {
    const a = assessResources(candidate());
    expect(a.byRule.get('EL-11')!.note).toMatch(/^MSM 7, moderate \(duration 2, severity 4, antidepressants 1, augmentation 0, ECT 0\)/);
    expect(trdSummary(a, 2)).toBe('TRD: 2 failed treatment attempts, Maudsley stage moderate');
  });

  it('EL-11 shows a range when the episode onset is not recorded, and stages nothing in bipolar depression', () => {
    const undated = assessResources(candidate({ mdd: icd('F33.2') }));
    expect(undated.byRule.get('EL-11')!.note).toMatch(/^MSM 6-8, mild to moderate; episode duration not recorded/);
    expect(assessResources(candidate({ mdd: icd('F31.4', { onsetDaysAgo: 100 }) })).byRule.get('EL-11')!.status).toBe('not-met');
  });

  it('EL-9 lists each conflicting code with its date', () => {
    const a = assessResources(candidate({}, icd('F31.81', { onsetDaysAgo: 50 })));
    expect(a.byRule.get('EL-9')!.note).toMatch(/MDD and bipolar disorder \(F33\.2 \(\d{4}-\d\d-\d\d\), F31\.81 \(\d{4}-\d\d-\d\d\)\): confirm/);
  });
});
