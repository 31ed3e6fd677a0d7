/**
 * SNOMED CT disorders that problem lists send without an ICD-10-CM code (SNOMED-first EHRs, IMO-coded problem
 * lists, UK GP systems), added where codes.json lists only the parent or a handful of children. No terminology
 * server is at hand, so subsumption is written out: each code is a descendant of the concept named in its group,
 * with its fully specified name as a public source gives it. Each group names that source.
 */
import { SYSTEM } from '../../src/terminology/systems.js';
import type { ProfileCode } from './types.js';

/** UK BHF Data Science Centre code lists (SNOMED CT with fully specified names) for depression and bipolar disorder. */
const CCU037 =
  'SNOMED CT code lists bipolardisorder and depression with fully specified names, github:BHFDSC/CCU037_02 (England TRE cohort notebooks, other phenotypes)';
/** A severe-mental-illness SNOMED CT code list with fully specified names (OpenCodelists shape) in public research code. */
const SMI = 'public SNOMED CT "severe-mental-illness" code list with fully specified names (OpenCodelists shape, public research code)';

const sct =
  (source: string) =>
  (list: [string, string][]): ProfileCode[] =>
    list.map(([code, display]) => ({ system: SYSTEM.snomed, code, display, source, verification: 'secondary' }));

/** Major depressive disorder (370143000) descendants in a current episode, without psychotic features. */
export const SNOMED_MDD_CURRENT = sct(CCU037)([
  ['832007', 'Moderate major depression (disorder)'],
  ['87512008', 'Mild major depression (disorder)'],
  ['40379007', 'Mild recurrent major depression (disorder)'],
  ['450714000', 'Severe major depression (disorder)'],
  ['281000119103', 'Severe recurrent major depression (disorder)'],
  ['251000119105', 'Severe major depression, single episode (disorder)'],
  ['720455008', 'Minimal major depression (disorder)'],
  ['720454007', 'Minimal major depression single episode (disorder)'],
  ['719592004', 'Moderately severe major depression (disorder)'],
  ['720452006', 'Moderately severe recurrent major depression (disorder)'],
  ['720453001', 'Moderately severe major depression single episode (disorder)'],
  ['320751009', 'Major depression, melancholic type (disorder)'],
  ['16264901000119109', 'Recurrent moderate major depressive disorder co-occurrent with anxiety (disorder)'],
  ['16266831000119100', 'Moderate major depressive disorder co-occurrent with anxiety single episode (disorder)'],
]);
export const SNOMED_MDD_MILD = SNOMED_MDD_CURRENT.filter((c) => ['87512008', '40379007'].includes(c.code));
export const SNOMED_MDD_MODERATE = SNOMED_MDD_CURRENT.filter((c) => ['832007'].includes(c.code));
export const SNOMED_MDD_SEVERE = SNOMED_MDD_CURRENT.filter((c) => ['450714000', '281000119103', '251000119105'].includes(c.code));

/** Major depression with psychotic features: MDD (EL-1), EL-12 and CI-2 (psychosis), as 28475009 already is. */
export const SNOMED_MDD_PSYCHOTIC = sct(CCU037)([
  ['15193003', 'Severe recurrent major depression with psychotic features, mood-incongruent (disorder)'],
  ['33078009', 'Severe recurrent major depression with psychotic features, mood-congruent (disorder)'],
  ['60099002', 'Severe major depression with psychotic features, mood-incongruent (disorder)'],
  ['33736005', 'Severe major depression with psychotic features, mood-congruent (disorder)'],
  ['20250007', 'Severe major depression, single episode, with psychotic features, mood-incongruent (disorder)'],
  ['77911002', 'Severe major depression, single episode, with psychotic features, mood-congruent (disorder)'],
  ['726772006', 'Major depression with psychotic features (disorder)'],
]);

/** Major depression in remission (full or partial): no current episode (EL-1). */
export const SNOMED_MDD_REMISSION = sct(CCU037)([
  ['68019004', 'Recurrent major depression in remission (disorder)'],
  ['46244001', 'Recurrent major depression in full remission (disorder)'],
  ['33135002', 'Recurrent major depression in partial remission (disorder)'],
  ['42810003', 'Major depression in remission (disorder)'],
  ['30605009', 'Major depression in partial remission (disorder)'],
  ['63412003', 'Major depression in full remission (disorder)'],
  ['70747007', 'Major depression single episode, in partial remission (disorder)'],
  ['19527009', 'Single episode of major depression in full remission (disorder)'],
]);

/**
 * Depression whose type is not stated ("Moderate depression", "Endogenous depression"): descendants of 35489007
 * Depressive disorder, not of 370143000. EL-1 asks to confirm it is MDD, as for 35489007 itself.
 */
export const SNOMED_DEPRESSION_CONFIRM = sct(CCU037)([
  ['310496002', 'Moderate depression (disorder)'],
  ['310497006', 'Severe depression (disorder)'],
  ['719593009', 'Moderately severe depression (disorder)'],
  ['83458005', 'Agitated depression (disorder)'],
  ['300706003', 'Endogenous depression (disorder)'],
  ['274948002', 'Endogenous depression - recurrent (disorder)'],
  ['231499006', 'Endogenous depression first episode (disorder)'],
  ...([['310495003', 'Mild depression (disorder)']] as [string, string][]),
]);

/** Bipolar disorder (13746004) descendants; the groups below say which are depressed, manic or psychotic now. */
const bipolar = sct(CCU037);
export const SNOMED_BIPOLAR_DEPRESSED = bipolar([
  ['767631007', 'Bipolar disorder, most recent episode depression (disorder)'],
  ['767636002', 'Bipolar I disorder, most recent episode depression (disorder)'],
  ['191627008', 'Bipolar affective disorder, current episode depression (disorder)'],
  ['191629006', 'Bipolar affective disorder, currently depressed, mild (disorder)'],
  ['191630001', 'Bipolar affective disorder, currently depressed, moderate (disorder)'],
  ['49468007', 'Depressed bipolar I disorder (disorder)'],
  ['51637008', 'Chronic bipolar I disorder, most recent episode depressed (disorder)'],
  ['75752004', 'Bipolar I disorder, most recent episode depressed with melancholic features (disorder)'],
  ['29929003', 'Bipolar I disorder, most recent episode depressed with atypical features (disorder)'],
  ['87203005', 'Bipolar I disorder, most recent episode depressed with postpartum onset (disorder)'],
  ['261000119107', 'Severe depressed bipolar I disorder (disorder)'],
  ['61403008', 'Severe depressed bipolar I disorder without psychotic features (disorder)'],
  ['66631006', 'Moderate depressed bipolar I disorder (disorder)'],
  ['74686005', 'Mild depressed bipolar I disorder (disorder)'],
  ['16295005', 'Bipolar II disorder, most recent episode major depressive (disorder)'],
  ['1196001', 'Chronic bipolar II disorder, most recent episode major depressive (disorder)'],
  ['35846004', 'Moderate bipolar II disorder, most recent episode major depressive (disorder)'],
  ['71294008', 'Mild bipolar II disorder, most recent episode major depressive (disorder)'],
  ['34315001', 'Bipolar II disorder, most recent episode major depressive with melancholic features (disorder)'],
  ['43568002', 'Bipolar II disorder, most recent episode major depressive with atypical features (disorder)'],
  ['30687003', 'Bipolar II disorder, most recent episode major depressive with postpartum onset (disorder)'],
  ['81319007', 'Severe bipolar II disorder, most recent episode major depressive without psychotic features (disorder)'],
]);
/** Bipolar depression with psychotic features: bipolar depression and CI-2. */
export const SNOMED_BIPOLAR_DEPRESSED_PSYCHOTIC = bipolar([
  ['59617007', 'Severe depressed bipolar I disorder with psychotic features (disorder)'],
  ['26203008', 'Severe depressed bipolar I disorder with psychotic features, mood-incongruent (disorder)'],
  ['54761006', 'Severe depressed bipolar I disorder with psychotic features, mood-congruent (disorder)'],
  ['19300006', 'Severe bipolar II disorder, most recent episode major depressive with psychotic features, mood-congruent (disorder)'],
  ['20960007', 'Severe bipolar II disorder, most recent episode major depressive with psychotic features, mood-incongruent (disorder)'],
  ['30520009', 'Severe bipolar II disorder, most recent episode major depressive with psychotic features (disorder)'],
  ['765176007', 'Psychosis and severe depression co-occurrent and due to bipolar affective disorder (disorder)'],
]);
/** A current or most recent manic, hypomanic or mixed episode, not in remission (CI-12). */
export const SNOMED_BIPOLAR_MANIC = bipolar([
  ['191620005', 'Bipolar affective disorder, currently manic, mild (disorder)'],
  ['191621009', 'Bipolar affective disorder, currently manic, moderate (disorder)'],
  ['71984005', 'Mild manic bipolar I disorder (disorder)'],
  ['82998009', 'Moderate manic bipolar I disorder (disorder)'],
  ['23741000119105', 'Severe manic bipolar I disorder (disorder)'],
  ['162004', 'Severe manic bipolar I disorder without psychotic features (disorder)'],
  ['191638008', 'Mixed bipolar affective disorder, mild (disorder)'],
  ['191639000', 'Mixed bipolar affective disorder, moderate (disorder)'],
  ['271000119101', 'Severe mixed bipolar I disorder (disorder)'],
  ['40926005', 'Moderate mixed bipolar I disorder (disorder)'],
  ['43769008', 'Mild mixed bipolar I disorder (disorder)'],
  ['46229002', 'Severe mixed bipolar I disorder without psychotic features (disorder)'],
  ['9340000', 'Bipolar I disorder, single manic episode (disorder)'],
  ['87950005', 'Bipolar I disorder, single manic episode with catatonic features (disorder)'],
  ['1499003', 'Bipolar I disorder, single manic episode with postpartum onset (disorder)'],
  ['55516002', 'Bipolar I disorder, most recent episode manic with postpartum onset (disorder)'],
  ['65042007', 'Bipolar I disorder, most recent episode mixed with postpartum onset (disorder)'],
  ['191590005', 'Recurrent manic episodes (disorder)'],
  ['191592002', 'Recurrent manic episodes, mild (disorder)'],
  ['191593007', 'Recurrent manic episodes, moderate (disorder)'],
]);
/** Manic or mixed with psychotic features: CI-12 and CI-2. */
export const SNOMED_BIPOLAR_MANIC_PSYCHOTIC = bipolar([['191623007', 'Bipolar affective disorder, currently manic, severe, with psychosis (disorder)']]);
/** Bipolar disorder with no current episode stated, or in remission: RC-1 and EL-9 only. */
export const SNOMED_BIPOLAR_OTHER = bipolar([
  ['133091000119105', 'Rapid cycling bipolar I disorder (disorder)'],
  ['371604007', 'Severe bipolar II disorder (disorder)'],
  ['13313007', 'Mild bipolar disorder (disorder)'],
  ['16238741000119105', 'Bipolar disorder caused by drug (disorder)'],
  ['371599001', 'Severe bipolar I disorder (disorder)'],
  ['371600003', 'Severe bipolar disorder (disorder)'],
  ['79584002', 'Moderate bipolar disorder (disorder)'],
  ['53049002', 'Severe bipolar disorder without psychotic features (disorder)'],
  ['231444002', 'Organic bipolar disorder (disorder)'],
  ['723903001', 'Bipolar type I disorder currently in full remission (disorder)'],
  ['723905008', 'Bipolar type II disorder currently in full remission (disorder)'],
  ['85248005', 'Bipolar disorder in remission (disorder)'],
  ['41836007', 'Bipolar disorder in full remission (disorder)'],
  ['5703000', 'Bipolar disorder in partial remission (disorder)'],
  ['35481005', 'Mixed bipolar I disorder in remission (disorder)'],
  ['111485001', 'Mixed bipolar I disorder in full remission (disorder)'],
  ['36583000', 'Mixed bipolar I disorder in partial remission (disorder)'],
  ['191643001', 'Mixed bipolar affective disorder, in full remission (disorder)'],
  ['45479006', 'Manic bipolar I disorder in remission (disorder)'],
  ['30935000', 'Manic bipolar I disorder in full remission (disorder)'],
  ['63249007', 'Manic bipolar I disorder in partial remission (disorder)'],
  ['191625000', 'Bipolar affective disorder, currently manic, in full remission (disorder)'],
  ['3530005', 'Bipolar I disorder, single manic episode, in full remission (disorder)'],
  ['75360000', 'Bipolar I disorder, single manic episode, in remission (disorder)'],
  ['78269000', 'Bipolar I disorder, single manic episode, in partial remission (disorder)'],
  ['191597008', 'Recurrent manic episodes, in full remission (disorder)'],
  ['22121000', 'Depressed bipolar I disorder in full remission (disorder)'],
  ['53607008', 'Depressed bipolar I disorder in remission (disorder)'],
  ['49512000', 'Depressed bipolar I disorder in partial remission (disorder)'],
  ['191634005', 'Bipolar affective disorder, currently depressed, in full remission (disorder)'],
  ['12969000', 'Severe bipolar II disorder, most recent episode major depressive, in full remission (disorder)'],
  ['35722002', 'Severe bipolar II disorder, most recent episode major depressive, in remission (disorder)'],
  ['67002003', 'Severe bipolar II disorder, most recent episode major depressive, in partial remission (disorder)'],
]);

/** Psychotic disorders (69322001) descendants that are not bipolar or MDD: CI-2. */
export const SNOMED_PSYCHOSIS = sct(SMI)([
  ['18260003', 'Postpartum psychosis (disorder)'],
  ['441704009', 'Affective psychosis (disorder)'],
  ['231437006', 'Reactive psychoses (disorder)'],
]);

/**
 * Aneurysmal vascular disease (432119003 Aneurysm and descendants): the SPRAVATO label names the thoracic and
 * abdominal aorta and intracranial arteries (CI-5). Sources per code: the SNOMED CT QI templates' ECL
 * "<<432119003 |Aneurysm (disorder)|"; a public stroke-registry FHIR IG ValueSet (include SCT#128609009
 * "Intracranial aneurysm (disorder)"); a public aortic-disease SQL code list ('67362008' Aortic aneurysm,
 * '233985008' Abdominal aortic aneurysm, '433068007' Aneurysm of thoracic aorta, '74883004' Thoracic aortic
 * aneurysm without rupture, each "(disorder)"); a public SNOMED CT neurology code,term list (128608001).
 */
const ANEURYSM_SOURCE = 'public SNOMED CT sources named in scripts/profiles/snomed-disorders.ts (aneurysm group)';
export const SNOMED_ANEURYSM = sct(ANEURYSM_SOURCE)([
  ['432119003', 'Aneurysm (disorder)'],
  ['67362008', 'Aortic aneurysm (disorder)'],
  ['233985008', 'Abdominal aortic aneurysm (disorder)'],
  ['433068007', 'Aneurysm of thoracic aorta (disorder)'],
  ['74883004', 'Thoracic aortic aneurysm without rupture (disorder)'],
  ['128609009', 'Intracranial aneurysm (disorder)'],
  ['128608001', 'Cerebral arterial aneurysm (disorder)'],
]);

/** Status epilepticus: a prolonged seizure, a seizure event for CI-9 (public FHIR IG and CDS code lists: "Status epilepticus"). */
export const SNOMED_STATUS_EPILEPTICUS = sct('public FHIR IG FSH and SNOMED CT code lists: 230456007 "Status epilepticus (disorder)"')([
  ['230456007', 'Status epilepticus (disorder)'],
]);

/** Benign essential hypertension (a child of 59621000 Essential hypertension): RC-5 (public eCQM Essential Hypertension value set 2.16.840.1.113883.3.464.1003.104.12.1011 lists it). */
export const SNOMED_HYPERTENSION = [
  ...sct('eCQM value set Essential Hypertension 2.16.840.1.113883.3.464.1003.104.12.1011 as published in public code')([
    ['1201005', 'Benign essential hypertension (disorder)'],
  ]),
  ...sct('eCQM value set 2.16.840.1.113883.3.464.1003.102.12.1011 as published in public code: 10725009 "Benign hypertension"')([
    ['10725009', 'Benign hypertension (disorder)'],
  ]),
];

/** Ketamine as a SNOMED CT substance (AllergyIntolerance.code): public FHIR ValueSets and drug catalogues pair 373464007 "Ketamine" with RxNorm 6130 and ATC N01AX03. */
export const SNOMED_KETAMINE_SUBSTANCE = sct('public FHIR ValueSet and drug catalogues: 373464007 "Ketamine" (RxNorm 6130, ATC N01AX03)')([
  ['373464007', 'Ketamine'],
]);
