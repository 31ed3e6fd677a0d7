/**
 * Regenerates fhir-profiles/ from the clinical reference in ../shared/clinical/ and the definitions in
 * scripts/profiles/. The output is committed and reviewed as data; this script is how it was made, and
 * running it leaves `git status` clean while the two agree.
 * Run: npx tsx scripts/build-fhir-profiles.ts (CLINICAL_DIR names the reference when it is elsewhere)
 *
 * Written here, never by hand: ValueSet/ (rewritten whole: a file added there by hand is deleted),
 * CodeSystem/trd-assessment.json, catalogue/antidepressant-products.json and README.md.
 * Written by hand, never touched here: CodeSystem/order-origin.json, CodeSystem/override-reason.json,
 * thresholds/, order-templates/ and schemas/.
 *
 * Where each ValueSet is defined (the README's table names it):
 * - `defs` below: the concepts of rules.md, read from codes.json. verification.md wins over codes.json:
 *   its additions and corrections are listed as EXTRA codes (`extra(...)`) with their source, because
 *   that file is prose, not data.
 * - scripts/profiles/safety-revision2.ts: revision 2's safety, monitoring and medicine groups.
 * - scripts/profiles/authored.ts: ValueSets of later rules whose codes are not in codes.json.
 * To add a code, add it to its ValueSet's definition with its display, verification and source, run
 * this script, and commit the definition with the regenerated files. A new ValueSet is a new definition.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/paths.js';
import { CANONICAL_BASE, EXT, SYSTEM } from '../src/terminology/systems.js';
import { AUTHORED_DEFS } from './profiles/authored.js';
import { READING_DEFS } from './profiles/reading.js';
import * as SCT_ADD from './profiles/snomed-disorders.js';
import * as WHO from './profiles/who-icd10.js';
import { CHILDBIRTH_CODES, ICD10CM_TITLES, OBSTETRIC_SOURCE, PREGNANCY_CODES, PREGNANCY_FAMILIES, PUERPERIUM_CODES } from './profiles/obstetric.js';
import { LOCAL_CODES, REPLACED_SLUGS, SAFETY_DEFS } from './profiles/safety-revision2.js';
import type { ProfileCode as Code, ProfileDef as Def, Verification } from './profiles/types.js';

// CLINICAL_DIR when the reference is not beside the checkout (a worktree elsewhere).
const clinical = process.env.CLINICAL_DIR ?? join(projectRoot, '..', 'shared', 'clinical');
const out = join(projectRoot, 'fhir-profiles');
const VERSION = '2026.11.0';
const DATE = '2026-11-21';

interface RefCode {
  system: string;
  code: string | null;
  display: string;
  source: string;
  verified: boolean;
  verification_level?: string;
  [flag: string]: unknown;
}
const codesJson = JSON.parse(readFileSync(join(clinical, 'codes.json'), 'utf8')) as {
  concepts: Record<string, { description: string; codes: RefCode[] }>;
};
const concept = (key: string) => codesJson.concepts[key]!.codes.filter((c) => c.code !== null);

const VERIFICATION_MD = 'shared/clinical/verification.md';
/** Where the average blood pressure codes were seen with their displays. */
const US_CORE_AVERAGE_BP =
  'HL7 US Core 9 github:HL7/US-Core input/examples/Observation-average-blood-pressure.json @ 85bf4af6eec4beed9f2bb0ac317964fc029e1970 (us-core-average-blood-pressure)';
const HCPCS_REF = 'urn:oid:2.16.840.1.113883.6.285';

function fromRef(c: RefCode): Code {
  const system = c.system.startsWith(HCPCS_REF) ? SYSTEM.hcpcs : c.system;
  const verification: Verification = !c.verified ? 'unverified' : c.verification_level === 'secondary' ? 'secondary' : 'verified';
  return { system, code: c.code!, display: c.display, source: c.source, verification };
}
const refs = (key: string, keep: (c: RefCode) => boolean = () => true) => concept(key).filter(keep).map(fromRef);
/** Where the SNOMED CT and CIEL BP component codes were seen (the reading layer's BP shapes, outside tester's OpenMRS record). */
const FHIR_BP_EXAMPLE =
  'HL7 FHIR R4 example observation-example-bloodpressure (component codings LOINC 8480-6 / SNOMED CT 271649006 and LOINC 8462-4 / SNOMED CT 271650006)';
const OPENMRS_BP =
  'OpenMRS FHIR2 module Observation searchset (intelehealth.mpower-social.com/openmrs/ws/fhir2/R4) captured in a public repository: CIEL 5085 SYSTOLIC BLOOD PRESSURE / 5086 Diastolic beside SNOMED CT 271649006 / 271650006';
const CIEL = 'https://openconceptlab.org/orgs/CIEL/sources/CIEL';
const extra = (system: string, code: string, display: string, verification: Verification, source = VERIFICATION_MD): Code => ({
  system,
  code,
  display,
  source,
  verification,
});
const codeIn =
  (...codes: string[]) =>
  (c: RefCode) =>
    codes.includes(c.code!);
const notIn =
  (...codes: string[]) =>
  (c: RefCode) =>
    !codes.includes(c.code!);

const LA = SYSTEM.loinc;
const SCT = SYSTEM.snomed;
const RX = SYSTEM.rxnorm;
const LOCAL = `${CANONICAL_BASE}/CodeSystem/trd-assessment`;
const KNOWLEDGE = 'general RxNorm knowledge; not in the shared reference — confirm on a terminology server';

const isFlag =
  (flag: string, value: unknown = true) =>
  (c: RefCode) =>
    c[flag] === value;
const notFlag = (flag: string) => (c: RefCode) => !c[flag];

const ICD = SYSTEM.icd10cm;
const REV2 = 'shared/clinical/revision-2.md';
const REV2_UNTRACED = 'shared/clinical/revision-2.md; marked (V) there but not traced to codes.json or verification.md (Appendix C)';
const POSTPARTUM = [
  extra(ICD, 'F53.0', 'Postpartum depression', 'verified', REV2),
  extra(SCT, '58703003', 'Postpartum depression (disorder)', 'verified', REV2),
];
const MANIA_ICD = [
  ...['F30.10', 'F30.11', 'F30.12', 'F30.13', 'F30.2', 'F30.8', 'F30.9'].map((c) =>
    extra(
      ICD,
      c,
      {
        'F30.10': 'Manic episode without psychotic symptoms, unspecified',
        'F30.11': 'Manic episode without psychotic symptoms, mild',
        'F30.12': 'Manic episode without psychotic symptoms, moderate',
        'F30.13': 'Manic episode, severe, without psychotic symptoms',
        'F30.2': 'Manic episode, severe with psychotic symptoms',
        'F30.8': 'Other manic episodes',
        'F30.9': 'Manic episode, unspecified',
      }[c]!,
      'verified',
      REV2,
    ),
  ),
  ...refs('bipolar', codeIn('F31.0', 'F31.10', 'F31.11', 'F31.12', 'F31.13', 'F31.2', 'F31.60', 'F31.61', 'F31.62', 'F31.63', 'F31.64')),
];
const MANIA_SNOMED = [
  extra(SCT, '231494001', 'Mania (disorder)', 'unverified', REV2_UNTRACED),
  extra(SCT, '231496004', 'Hypomania (disorder)', 'unverified', REV2_UNTRACED),
  ...['191618007', '192362008', '767632000', '767633005', '767635003', '31446002', '48937005', '16506000', '191636007'].map((c) =>
    extra(SCT, c, 'Manic, hypomanic or mixed episode (SNOMED CT; display not given in the reference)', 'unverified', REV2_UNTRACED),
  ),
  // "every SNOMED bipolar concept whose display names a manic ... current or most-recent episode"
  ...refs('bipolar', codeIn('68569003')),
];
const BIPOLAR_PSYCHOTIC_SNOMED = [
  '4441000',
  '26530004',
  '70546001',
  '28663008',
  '78640000',
  '33380008',
  '41832009',
  '13581000',
  '86058007',
  '10981006',
  '64731001',
  '10875004',
  '59617007',
  '54761006',
  '26203008',
  '30520009',
  '19300006',
  '20960007',
  '191586008',
  '191595000',
  '191641004',
].map((c) => extra(SCT, c, 'Bipolar or manic disorder with psychotic features (SNOMED CT; display not given in the reference)', 'unverified', REV2_UNTRACED));

const acuteHeartFailure = ['I50.21', 'I50.23', 'I50.31', 'I50.33', 'I50.41', 'I50.43', 'I50.811', 'I50.813'];

const defs: Def[] = [
  // ---- Depression (rules.md 2.1, EL-1) ----
  {
    slug: 'mdd-current-episode',
    title: 'Major depressive disorder, current episode',
    purpose:
      'EL-1: MDD that can anchor a TRD work-up (not in remission). SNOMED 35489007 "Depressive disorder" is moved to needs-confirmation: it does not establish MDD.',
    source: 'rules.md 2.1; codes.json mdd_index_qualifying, mdd_snomed; verification.md 5 (TRD 1153570009)',
    codes: [
      ...refs('mdd_index_qualifying', notFlag('in_remission')),
      ...refs('mdd_snomed', notIn('35489007')),
      extra(SCT, '1153570009', 'Treatment resistant depression (disorder)', 'verified'),
      ...POSTPARTUM,
      ...SCT_ADD.SNOMED_MDD_CURRENT,
      ...SCT_ADD.SNOMED_MDD_PSYCHOTIC,
    ],
  },
  {
    slug: 'postpartum-depression',
    title: 'Postpartum depression (MDD with peripartum onset)',
    purpose: 'EL-1 (revision 2): meets as MDD; the TRD card adds the postpartum line (lactation and pregnancy rules apply).',
    source: 'revision-2.md EL-1 and Appendix B (mdd_index_qualifying / mdd_snomed)',
    codes: POSTPARTUM,
  },
  {
    slug: 'mdd-in-remission',
    title: 'Major depressive disorder in remission',
    purpose: 'EL-1: remission codes indicate no current episode.',
    source: 'rules.md 2.1; codes.json mdd_index_qualifying (in_remission)',
    codes: [...refs('mdd_index_qualifying', isFlag('in_remission')), ...SCT_ADD.SNOMED_MDD_REMISSION, ...WHO.WHO_MDD_REMISSION],
  },
  {
    slug: 'depression-needs-confirmation',
    title: 'Depression that needs confirmation as MDD',
    purpose: 'EL-1: codes that do not by themselves establish MDD; the card asks the clinician to confirm.',
    source:
      'rules.md 2.1; codes.json depression_non_mdd_or_ambiguous; SNOMED 35489007 from mdd_snomed; revision-2.md EL-1 and Appendix B (O90.6, O99.34x; F32.81 PMDD is not a depressive episode)',
    codes: [
      ...refs('depression_non_mdd_or_ambiguous', notIn('F32.81')),
      ...refs('mdd_snomed', codeIn('35489007')),
      ...SCT_ADD.SNOMED_DEPRESSION_CONFIRM,
      ...WHO.WHO_DEPRESSION_CONFIRM,
      extra(ICD, 'O90.6', 'Postpartum mood disturbance', 'verified', REV2),
      extra(ICD, 'O99.340', 'Other mental disorders complicating pregnancy, unspecified trimester', 'verified', REV2),
      extra(ICD, 'O99.341', 'Other mental disorders complicating pregnancy, first trimester', 'unverified', REV2),
      extra(ICD, 'O99.342', 'Other mental disorders complicating pregnancy, second trimester', 'unverified', REV2),
      extra(ICD, 'O99.343', 'Other mental disorders complicating pregnancy, third trimester', 'unverified', REV2),
      extra(ICD, 'O99.344', 'Other mental disorders complicating childbirth', 'unverified', REV2),
      extra(ICD, 'O99.345', 'Other mental disorders complicating the puerperium', 'verified', REV2),
    ],
    // DS-6: a problem written only as text that names depression is "confirm" for EL-1 (coded problems match by code only).
    textMatch: ['depression', 'depressive', 'depressed mood'],
  },
  {
    slug: 'treatment-resistant-depression',
    title: 'Treatment-resistant depression',
    purpose: 'EL-1/EL-2: a recorded TRD diagnosis (still requires trial evidence).',
    source: 'verification.md 5',
    codes: [extra(SCT, '1153570009', 'Treatment resistant depression (disorder)', 'verified')],
  },
  // ---- Psychiatric exclusions and cautions ----
  {
    slug: 'bipolar-disorder',
    title: 'Bipolar disorder',
    purpose:
      'RC-1 and EL-9 (revision 2): every bipolar and manic code; RC-1 itself leaves out those in mania-current-episode (CI-12) and psychotic-disorders (CI-2).',
    source: 'rules.md 2.2; codes.json bipolar; revision-2.md EL-9 (F30.x), CI-2 and CI-12 (SNOMED bipolar concepts)',
    codes: [
      ...refs('bipolar'),
      ...MANIA_ICD,
      ...MANIA_SNOMED,
      ...BIPOLAR_PSYCHOTIC_SNOMED,
      ...SCT_ADD.SNOMED_BIPOLAR_DEPRESSED,
      ...SCT_ADD.SNOMED_BIPOLAR_DEPRESSED_PSYCHOTIC,
      ...SCT_ADD.SNOMED_BIPOLAR_MANIC,
      ...SCT_ADD.SNOMED_BIPOLAR_MANIC_PSYCHOTIC,
      ...SCT_ADD.SNOMED_BIPOLAR_OTHER,
      ...WHO.WHO_BIPOLAR,
    ],
    textMatch: ['bipolar', 'manic depression', 'manic-depressive'],
  },
  {
    slug: 'bipolar-depression',
    title: 'Bipolar depression (current or most recent episode depressed; bipolar II)',
    purpose: 'EL-1 (revision 2): bipolar depression without an MDD code does not meet EL-1; the card says why.',
    source: 'revision-2.md EL-1 (F31.30-F31.32, F31.4, F31.5, F31.81; SNOMED bipolar II)',
    codes: [
      ...refs('bipolar', codeIn('F31.30', 'F31.31', 'F31.32', 'F31.4', 'F31.5', 'F31.81', '83225003')),
      ...SCT_ADD.SNOMED_BIPOLAR_DEPRESSED,
      ...SCT_ADD.SNOMED_BIPOLAR_DEPRESSED_PSYCHOTIC,
      ...WHO.WHO_BIPOLAR_DEPRESSION,
    ],
  },
  {
    slug: 'mania-current-episode',
    title: 'Current manic, hypomanic or mixed episode',
    purpose: 'CI-12 (revision 2): do not start IV ketamine, esketamine or TMS during the episode.',
    source: 'revision-2.md CI-12 and Appendix B (mania_current_episode); SNOMED list not traced to codes.json (Appendix C)',
    codes: [...MANIA_ICD, ...MANIA_SNOMED, ...SCT_ADD.SNOMED_BIPOLAR_MANIC, ...SCT_ADD.SNOMED_BIPOLAR_MANIC_PSYCHOTIC, ...WHO.WHO_MANIA],
    textMatch: ['mania', 'manic episode', 'hypomania', 'hypomanic', 'mixed episode'],
  },
  {
    slug: 'schizophrenia-spectrum',
    title: 'Schizophrenia or schizoaffective disorder',
    purpose: 'EL-9 (revision 2): an MDD code together with one of these is a conflict to resolve.',
    source: 'revision-2.md EL-9 (F20.x, F25.x); codes.json psychotic_disorders',
    codes: refs('psychotic_disorders', (c) => /^F2[05]/.test(c.code!) || (c.system === SCT && /schizo/i.test(c.display))),
  },
  {
    slug: 'mdd-psychotic-features',
    title: 'Major depression with psychotic features',
    purpose: 'EL-12 (revision 2): ECT is named as the alternative; MSM severity 5 (EL-11).',
    source: 'revision-2.md EL-12 (F32.3, F33.3 and the SNOMED equivalents); codes.json mdd_index_qualifying, mdd_snomed',
    codes: [
      ...refs('mdd_index_qualifying', codeIn('F32.3', 'F33.3')),
      ...refs('mdd_snomed', codeIn('28475009', '73867007', '430852001')),
      ...SCT_ADD.SNOMED_MDD_PSYCHOTIC,
    ],
  },
  {
    slug: 'mdd-mild',
    title: 'Major depression, mild',
    purpose: 'EL-11 (revision 2): MSM baseline severity 2 (mild).',
    source: 'revision-2.md EL-11 (F32.0/F33.0 mild); codes.json mdd_index_qualifying',
    codes: [...refs('mdd_index_qualifying', codeIn('F32.0', 'F33.0')), ...SCT_ADD.SNOMED_MDD_MILD],
  },
  {
    slug: 'mdd-moderate',
    title: 'Major depression, moderate',
    purpose: 'EL-11 (revision 2): MSM baseline severity 3 (moderate).',
    source: 'revision-2.md EL-11 (F32.1/F33.1 moderate); codes.json mdd_index_qualifying, mdd_snomed',
    codes: [...refs('mdd_index_qualifying', codeIn('F32.1', 'F33.1')), ...refs('mdd_snomed', codeIn('15639000', '18818009')), ...SCT_ADD.SNOMED_MDD_MODERATE],
  },
  {
    slug: 'mdd-severe',
    title: 'Major depression, severe without psychotic features',
    purpose: 'EL-11 (revision 2): MSM baseline severity 4 (severe without psychosis).',
    source: 'revision-2.md EL-11 (F32.2/F33.2 severe); codes.json mdd_index_qualifying, mdd_snomed',
    codes: [
      ...refs('mdd_index_qualifying', codeIn('F32.2', 'F33.2')),
      ...refs('mdd_snomed', codeIn('36474008', '76441001', '75084000')),
      ...SCT_ADD.SNOMED_MDD_SEVERE,
    ],
  },
  {
    slug: 'catatonia',
    title: 'Catatonia',
    purpose: 'EL-12 (revision 2): ECT is named as the alternative.',
    source: 'revision-2.md EL-12 and Appendix B (catatonia); SNOMED concepts not traced to codes.json (Appendix C)',
    // EL-12: a catatonia text term is a reason to confirm (a problem written only as text).
    textMatch: ['catatonia', 'catatonic'],
    codes: [
      extra(ICD, 'F06.1', 'Catatonic disorder due to known physiological condition', 'verified', REV2),
      ...['21900002', '22407005', '17782008', '73471000', '231442003'].map((c) =>
        extra(SCT, c, 'Catatonia or catatonic features (SNOMED CT; display not given in the reference)', 'unverified', REV2_UNTRACED),
      ),
    ],
  },
  {
    slug: 'psychotic-disorders',
    title: 'Psychotic disorders (active psychosis)',
    purpose:
      'CI-2. Includes MDD with psychotic features, substance-induced psychosis and (revision 2) every bipolar and manic code with psychotic features. F21 is in psychosis-spectrum-confirm instead.',
    source: 'rules.md 2.3; codes.json psychotic_disorders; SNOMED MDD-with-psychotic-features from mdd_snomed; revision-2.md CI-2',
    codes: [
      ...refs('psychotic_disorders', notIn('F21')),
      ...refs('mdd_snomed', codeIn('28475009', '73867007', '430852001')),
      ...refs('bipolar', codeIn('F31.2', 'F31.5', 'F31.64')),
      extra(ICD, 'F30.2', 'Manic episode, severe with psychotic symptoms', 'verified', REV2),
      ...BIPOLAR_PSYCHOTIC_SNOMED,
      ...SCT_ADD.SNOMED_MDD_PSYCHOTIC,
      ...SCT_ADD.SNOMED_BIPOLAR_DEPRESSED_PSYCHOTIC,
      ...SCT_ADD.SNOMED_BIPOLAR_MANIC_PSYCHOTIC,
      ...SCT_ADD.SNOMED_PSYCHOSIS,
    ],
    textMatch: ['psychosis', 'psychotic', 'schizophrenia', 'schizoaffective'],
    // A depression written "without psychotic features" names the words but not the disorder.
    textMatchNot: ['without psychotic features', 'without psychotic symptoms', 'without psychosis', 'no psychotic features'],
  },
  {
    slug: 'psychosis-spectrum-confirm',
    title: 'Psychosis-spectrum disorder needing confirmation',
    purpose: 'CI-2 unknown: schizotypal disorder is "caution only" in the reference; the card asks to confirm no active psychosis.',
    source: 'rules.md 2.3 (F21 caution only)',
    codes: refs('psychotic_disorders', codeIn('F21')),
  },
  {
    slug: 'substance-use-disorder-active',
    title: 'Substance use disorder, not in remission',
    purpose: 'CI-3 (F17 nicotine excluded by the reference).',
    source: 'rules.md 2.4; codes.json substance_use_disorders (in_remission false)',
    codes: refs('substance_use_disorders', (c) => c.in_remission !== true),
  },
  {
    slug: 'substance-use-disorder-in-remission',
    title: 'Substance use disorder in remission',
    purpose: 'RC-2',
    source: 'rules.md 2.4; codes.json substance_use_disorders (in_remission true)',
    codes: refs('substance_use_disorders', isFlag('in_remission')),
  },
  {
    slug: 'ketamine-misuse',
    title: 'Ketamine misuse or dependence',
    purpose: 'CI-3: named on the card as ketamine-specific misuse.',
    source: 'rules.md 2.4 matching rule',
    codes: refs('substance_use_disorders', codeIn('724713006', '724715004')),
  },
  {
    slug: 'dissociative-disorders',
    title: 'Dissociative disorders',
    purpose: 'RC-12',
    source: 'rules.md 2.13; codes.json dissociative_disorders',
    codes: refs('dissociative_disorders'),
  },
  {
    slug: 'suicidality-acute',
    title: 'Acute suicidal ideation or attempt',
    purpose:
      'CI-1 (recorded within 30 days). The reference flags R45.851 and T14.91XA as acute and CI-1 names 6471006, 304594002, 247650009; 267073005, 711561004 and 102911000 are added as findings of current risk.',
    source: 'rules.md 2.12 and CI-1; codes.json suicidality',
    codes: refs('suicidality', codeIn('R45.851', 'T14.91XA', '6471006', '304594002', '247650009', '267073005', '711561004', '102911000')),
  },
  {
    slug: 'suicide-attempt-history',
    title: 'History of suicide attempt or self-harm',
    purpose: 'RC-16 (within 12 months). Z91.52 and R45.88 (non-suicidal self-harm) are kept here as risk history.',
    source: 'rules.md 2.12 and RC-16; codes.json suicidality',
    codes: refs('suicidality', codeIn('T14.91XD', 'T14.91XS', 'Z91.5', 'Z91.51', 'Z91.52', 'R45.88', '425104003')),
  },
  // ---- Pregnancy (CI-4) ----
  {
    slug: 'pregnancy-conditions',
    title: 'Pregnancy',
    purpose:
      'CI-4 (active, within 280 days). ICD-10-CM chapter 15 codes used while pregnant are included by family; their childbirth and puerperium subdivisions are not (they end a pregnancy: pregnancy-outcome).',
    source: `rules.md 2.5; codes.json pregnancy; ${OBSTETRIC_SOURCE}`,
    codes: [...refs('pregnancy'), ...PREGNANCY_CODES.map(([code, display]) => extra(ICD, code, display, 'verified', OBSTETRIC_SOURCE))],
    icdFamilies: PREGNANCY_FAMILIES.map(([code, display]) => ({ code, display, verification: 'verified', source: OBSTETRIC_SOURCE })),
    exclude: [...CHILDBIRTH_CODES, ...PUERPERIUM_CODES].map(([code]) => ({ system: ICD, code })),
  },
  {
    slug: 'pregnancy-status-observation',
    title: 'Pregnancy status observation',
    purpose: 'CI-4',
    source: 'rules.md 4.2; codes.json vitals',
    codes: refs('vitals', codeIn('82810-3')),
  },
  {
    slug: 'pregnancy-status-pregnant',
    title: 'Pregnancy status answer: pregnant',
    purpose: 'CI-4',
    source: 'rules.md 6 (US Core pregnancy status)',
    codes: [extra(SCT, '77386006', 'Pregnant', 'verified', 'rules.md 4.2 / 6: US Core observation-pregnancy-status example')],
  },
  {
    slug: 'pregnancy-status-not-pregnant',
    title: 'Pregnancy status answer: not pregnant',
    purpose: 'CI-4: a recent "not pregnant" status settles pregnancy as not met.',
    source: 'HL7 IG example PregnancyStatus (SNOMED 60001007 "Not pregnant (finding)"); not in the shared reference',
    codes: [extra(SCT, '60001007', 'Not pregnant (finding)', 'secondary', 'HL7 IG FSH example of PregnancyStatus (public)')],
  },
  {
    slug: 'hcg-tests',
    title: 'Pregnancy (hCG) tests',
    purpose: 'CI-4: positive within 30 days is pregnancy; negative within 30 days settles it.',
    source: 'rules.md 4.3; codes.json pregnancy_tests',
    codes: refs('pregnancy_tests'),
  },
  {
    slug: 'hcg-positive-results',
    title: 'hCG qualitative result: positive or detected',
    purpose: 'CI-4',
    source: 'verification.md 4 (hCG rule refinement)',
    codes: [
      extra(SCT, '10828004', 'Positive (qualifier value)', 'secondary'),
      extra(SCT, '260373001', 'Detected', 'verified'),
      extra(LA, 'LA6576-8', 'Positive', 'secondary'),
    ],
    resultText: ['positive', 'detected', 'pos'],
  },
  {
    slug: 'hcg-negative-results',
    title: 'hCG qualitative result: negative or not detected',
    purpose: 'CI-4. Synthea emits 260385009 under the LOINC system (verification.md 4): that pair is listed explicitly rather than matching on code alone.',
    source: 'verification.md 4 (hCG rule refinement)',
    codes: [
      extra(SCT, '260385009', 'Negative (qualifier value)', 'secondary'),
      extra(LA, '260385009', 'Negative (qualifier value) — mislabelled as LOINC by Synthea', 'secondary'),
      extra(LA, 'LA6577-6', 'Negative', 'secondary'),
    ],
    resultText: ['negative', 'not detected', 'neg'],
  },
  {
    slug: 'interpretation-positive',
    title: 'Observation interpretation: positive or abnormal',
    purpose: 'CI-4: hCG interpretation POS / A / H counts as positive (rules.md 4.3).',
    source: 'rules.md 4.3; HL7 v3 ObservationInterpretation',
    codes: ['POS', 'A', 'H', 'HH'].map((c) => extra(SYSTEM.observationInterpretation, c, c, 'verified', 'rules.md 4.3')),
  },
  {
    slug: 'interpretation-negative',
    title: 'Observation interpretation: negative or normal',
    purpose: 'CI-4',
    source: 'HL7 v3 ObservationInterpretation',
    codes: ['NEG', 'N'].map((c) => extra(SYSTEM.observationInterpretation, c, c, 'verified', 'HL7 v3 ObservationInterpretation')),
  },
  // ---- Neurological ----
  {
    slug: 'seizure-intractable',
    title: 'Epilepsy, intractable (not controlled by medication)',
    purpose: 'CI-9',
    source: 'rules.md 2.6; codes.json seizure_epilepsy (intractable)',
    codes: refs('seizure_epilepsy', isFlag('intractable')),
  },
  {
    slug: 'seizure-disorder',
    title: 'Seizure disorder or epilepsy (control not coded)',
    purpose: 'RC-6; with recent convulsions, CI-9',
    source: 'rules.md 2.6; codes.json seizure_epilepsy',
    codes: refs('seizure_epilepsy', (c) => !c.intractable && c.code !== 'R56.9'),
  },
  {
    slug: 'convulsions',
    title: 'Convulsions',
    purpose: 'CI-9: a seizure disorder plus convulsions within 12 months',
    source: 'rules.md CI-9',
    codes: refs('seizure_epilepsy', codeIn('R56.9')),
  },
  {
    slug: 'raised-intracranial-pressure',
    title: 'Raised intracranial pressure',
    purpose: 'CI-11',
    source: 'rules.md 2.10; codes.json increased_intracranial_pressure',
    codes: refs('increased_intracranial_pressure'),
  },
  // ---- Cardiovascular ----
  {
    slug: 'hypertension',
    title: 'Hypertension',
    purpose: 'RC-5',
    source: 'rules.md 2.7; codes.json hypertension',
    codes: [...refs('hypertension', (c) => !c.hypertensive_crisis && c.code !== 'I67.4' && c.code !== '443482000'), ...SCT_ADD.SNOMED_HYPERTENSION],
  },
  {
    slug: 'hypertensive-crisis',
    title: 'Hypertensive crisis, urgency or emergency',
    purpose: 'CI-6',
    source: 'rules.md 2.7 (hypertensive_crisis) and CI-6',
    codes: refs('hypertension', (c) => c.hypertensive_crisis === true || c.code === '443482000'),
  },
  {
    slug: 'hypertensive-encephalopathy',
    title: 'Hypertensive encephalopathy',
    purpose: 'RC-5: Spravato label — history warrants more intensive BP monitoring',
    source: 'rules.md 2.7',
    codes: refs('hypertension', codeIn('I67.4')),
  },
  {
    slug: 'aneurysm-avm-ich',
    title: 'Aneurysmal vascular disease, AVM, intracerebral haemorrhage',
    purpose: 'CI-5 (history counts)',
    source: 'rules.md 2.8; codes.json aneurysm_avm_ich; revision-2.md CI-5 (I77.0, acquired AV fistula, removed: not an AVM, and it includes dialysis access)',
    codes: [
      ...refs('aneurysm_avm_ich', notIn('I77.0')),
      ...SCT_ADD.SNOMED_ANEURYSM,
      extra(ICD, 'I25.41', 'Coronary artery aneurysm', 'verified', ICD10CM_TITLES),
    ],
    // Sequelae of a nontraumatic subarachnoid haemorrhage (I69.0x), as I69.1x of an intracerebral one already is: history counts.
    icdFamilies: [{ code: 'I69.0', display: 'Sequelae of nontraumatic subarachnoid hemorrhage', verification: 'verified' }],
  },
  {
    slug: 'cardiac-recent-mi',
    title: 'Myocardial infarction',
    purpose: 'CI-7 (onset within 90 days)',
    source: 'rules.md 2.9; codes.json cardiac_high_risk (recent_mi)',
    codes: refs('cardiac_high_risk', (c) => c.recent_mi === true || ['22298006', '57054005'].includes(c.code!)),
  },
  {
    slug: 'cardiac-acute-coronary',
    title: 'Unstable angina or acute ischaemic heart disease',
    purpose: 'CI-7 (active)',
    source: 'rules.md 2.9; codes.json cardiac_high_risk',
    codes: refs('cardiac_high_risk', (c) => c.unstable_angina === true || c.code!.startsWith('I24') || c.code === '4557003'),
  },
  {
    slug: 'heart-failure-acute',
    title: 'Acute (decompensated) heart failure',
    purpose: 'CI-7 (active)',
    source: 'rules.md CI-7 (I50.21/23/31/33/41/43 acute) and codes.json cardiac_high_risk',
    codes: refs('cardiac_high_risk', codeIn(...acuteHeartFailure)),
  },
  {
    slug: 'heart-failure-other',
    title: 'Heart failure, chronic or unspecified',
    purpose: 'CI-7 unknown: the card asks to confirm it is compensated (codes.json: chronic = warning).',
    source: 'codes.json cardiac_high_risk (heart_failure)',
    codes: refs('cardiac_high_risk', (c) => (c.heart_failure === true || c.code === '84114007') && !acuteHeartFailure.includes(c.code!)),
  },
  // ---- TMS implants (CI-10, RC-7) ----
  {
    slug: 'tms-head-implant',
    title: 'Implant in or near the head (conditions, procedures, device types)',
    purpose: 'CI-10. Device types from verification.md 5 are secondary; device text is matched too, as the reference asks.',
    source: 'rules.md 2.11 and CI-10; verification.md 5',
    codes: [
      ...refs('tms_implants', (c) => c.head_implant === true || c.system === SCT),
      extra(SCT, '43252007', 'Cochlear prosthesis, device (physical object)', 'secondary'),
      extra(SCT, '360103009', 'Intracochlear prosthesis (physical object)', 'secondary'),
      extra(SCT, '303500007', 'Auditory implant (physical object)', 'secondary'),
      extra(SCT, '258593008', 'Ventricular shunt (physical object)', 'secondary'),
      extra(SCT, '118425005', 'Cerebral ventricular reservoir device (physical object)', 'secondary'),
      // A neurostimulator (25937001), nervous-system implant (303618000) or embolisation coil (102314001) may be far
      // from the head (a spinal cord, sacral or peripheral stimulator; a coil in a leg): revision-2 CI-10 makes them
      // "confirm the site" (tms-implant-site-uncoded), never a contraindication (an outside tester's finding).
    ],
    // Only words that place the implant in or near the head; "stimulator", "shunt", "coil", a bullet fragment or
    // shrapnel alone ask for the site (tms-implant-site-uncoded).
    textMatch: [
      'cochlear implant',
      'aneurysm clip',
      'deep brain stimulator',
      'vagus nerve stimulator',
      'vagal nerve stimulator',
      'ventriculoperitoneal shunt',
      'ventricular shunt',
      'VP shunt',
    ],
    // Surgical history is often a local code with text ("Clipping of intracranial aneurysm", "CRANIOTOMY FOR
    // CLIPPING OF ANEURYSM"): the words in any order and form (an outside tester's finding).
    textMatchWords: ['aneurysm clip', 'aneurysm coil', 'cochlear implant', 'deep brain stimulat', 'vagus stimulat', 'vagal stimulat', 'ventricular shunt'],
  },
  {
    slug: 'tms-implant-needs-confirmation',
    title: 'Implant whose location must be confirmed',
    purpose: 'CI-10 unknown: neurostimulator, CSF device or other implants whose site is not coded.',
    source: 'rules.md 2.11 (head_implant possible; "clinician confirm")',
    codes: refs('tms_implants', (c) => c.head_implant === 'possible' || ['Z45.42', 'Z95.828', 'Z96.89', 'Z97.8'].includes(c.code!)),
  },
  {
    slug: 'cardiac-implanted-device',
    title: 'Pacemaker, ICD or other implanted cardiac device',
    purpose: 'RC-7',
    source: 'rules.md 2.11 (cardiac_device); verification.md 5',
    codes: [
      ...refs('tms_implants', isFlag('cardiac_device')),
      extra(SCT, '14106009', 'Cardiac pacemaker, device (physical object)', 'secondary'),
      extra(SCT, '72506001', 'Implantable defibrillator, device (physical object)', 'secondary'),
    ],
    textMatch: ['pacemaker', 'defibrillator'],
  },
  // ---- Caution groups (rules.md 2.13) ----
  { slug: 'glaucoma', title: 'Glaucoma', purpose: 'RC-10', source: 'rules.md 2.13', codes: refs('glaucoma') },
  { slug: 'hepatic-impairment', title: 'Hepatic impairment', purpose: 'RC-8', source: 'rules.md 2.13', codes: refs('hepatic_impairment') },
  { slug: 'hyperthyroidism', title: 'Hyperthyroidism', purpose: 'RC-9', source: 'rules.md 2.13', codes: refs('hyperthyroidism') },
  { slug: 'interstitial-cystitis', title: 'Interstitial cystitis', purpose: 'RC-11', source: 'rules.md 2.13', codes: refs('interstitial_cystitis') },
  // ---- Medications ----
  {
    slug: 'antidepressant-ingredients',
    title: 'Antidepressant ingredients',
    purpose: 'EL-2: ingredients whose adequate trial counts. Non-counting products are flagged in the catalogue.',
    source: 'rules.md 3.1; verification.md 1 (ingredient RxCUIs)',
    codes: [
      // Milnacipran is labelled for fibromyalgia only in the US: never an antidepressant trial (revision-2.md EL-2.4).
      ...refs('antidepressant_ingredients', (c) => /^(SSRI|SNRI|TCA|atypical)/.test(String(c.ingredient_class)) && c.code !== '588250'),
      // Auvelity (dextromethorphan-bupropion) is labelled for MDD; with no dose threshold its trial stays unknown.
      ...refs('antidepressant_ingredients', codeIn('3289')),
      extra(RX, '42355', 'fluvoxamine', 'verified'),
      extra(RX, '734064', 'desvenlafaxine', 'verified'),
      extra(RX, '1433212', 'levomilnacipran', 'verified'),
      extra(RX, '2597', 'clomipramine', 'verified'),
      extra(RX, '8886', 'protriptyline', 'verified'),
      extra(RX, '10834', 'trimipramine', 'verified'),
      extra(RX, '722', 'amoxapine', 'verified'),
      extra(RX, '6646', 'maprotiline', 'verified'),
      extra(RX, '8123', 'phenelzine', 'verified'),
      extra(RX, '10734', 'tranylcypromine', 'verified'),
      extra(RX, '6011', 'isocarboxazid', 'verified'),
      extra(RX, '9639', 'selegiline', 'verified'),
      extra(RX, '1086769', 'vilazodone', 'verified'),
      extra(RX, '1455099', 'vortioxetine', 'verified'),
    ],
  },
  // Drug classes of the counting antidepressants: two of one class taken over the same weeks are a cross-taper
  // (a switch), not a combination attempt (EL-2.5 as read in attempts.ts). Classes from codes.json ingredient_class.
  {
    slug: 'ssri-ingredients',
    title: 'Selective serotonin reuptake inhibitors (SSRIs)',
    purpose: 'EL-2.5: antidepressants of one class; an overlap of two is a cross-taper, not a combination.',
    source: 'codes.json antidepressant_ingredients (ingredient_class SSRI); verification.md 1 (fluvoxamine)',
    codes: [...refs('antidepressant_ingredients', (c) => c.ingredient_class === 'SSRI'), extra(RX, '42355', 'fluvoxamine', 'verified')],
  },
  {
    slug: 'snri-ingredients',
    title: 'Serotonin-norepinephrine reuptake inhibitors (SNRIs)',
    purpose: 'EL-2.5: antidepressants of one class; an overlap of two is a cross-taper, not a combination.',
    source: 'codes.json antidepressant_ingredients (ingredient_class SNRI; milnacipran is no antidepressant trial); verification.md 1',
    codes: [
      ...refs('antidepressant_ingredients', (c) => c.ingredient_class === 'SNRI'),
      extra(RX, '734064', 'desvenlafaxine', 'verified'),
      extra(RX, '1433212', 'levomilnacipran', 'verified'),
    ],
  },
  {
    slug: 'tricyclic-antidepressant-ingredients',
    title: 'Tricyclic antidepressants (TCAs)',
    purpose: 'EL-2.5: antidepressants of one class; an overlap of two is a cross-taper, not a combination.',
    source: 'codes.json antidepressant_ingredients (ingredient_class TCA, TCA/tetracyclic); verification.md 1',
    codes: [
      ...refs('antidepressant_ingredients', (c) => c.ingredient_class === 'TCA'),
      extra(RX, '2597', 'clomipramine', 'verified'),
      extra(RX, '8886', 'protriptyline', 'verified'),
      extra(RX, '10834', 'trimipramine', 'verified'),
      extra(RX, '722', 'amoxapine', 'verified'),
    ],
  },
  {
    slug: 'maoi-antidepressant-ingredients',
    title: 'Monoamine oxidase inhibitor antidepressants',
    purpose: 'EL-2.5: antidepressants of one class; an overlap of two is a cross-taper, not a combination.',
    source: 'codes.json antidepressant_ingredients (ingredient_class MAOI); verification.md 1',
    codes: [
      extra(RX, '8123', 'phenelzine', 'verified'),
      extra(RX, '10734', 'tranylcypromine', 'verified'),
      extra(RX, '6011', 'isocarboxazid', 'verified'),
      extra(RX, '9639', 'selegiline', 'verified'),
    ],
  },
  {
    slug: 'augmentation-ingredients',
    title: 'Augmentation agents',
    purpose: 'EL-2: counted as trials only when configured (FDA/Spravato TRD counts antidepressants).',
    source: 'rules.md 3.1 and 3.4; verification.md 1',
    codes: [
      ...refs('antidepressant_ingredients', (c) => String(c.ingredient_class).startsWith('augmentation')),
      extra(RX, '1658314', 'brexpiprazole', 'verified'),
      extra(RX, '10814', 'liothyronine (Triiodothyronine)', 'verified'),
      extra(RX, '1667655', 'cariprazine', 'unverified', `revision-2.md EL-2.6 (IN U); ${KNOWLEDGE}`),
    ],
  },
  {
    slug: 'mood-stabiliser-ingredients',
    title: 'Mood stabilisers and antimanic agents',
    purpose: 'RC-1 (revision 2): whether a mood stabiliser or antimanic agent is active in bipolar disorder.',
    source: 'revision-2.md RC-1 item 1',
    codes: [
      extra(RX, '6448', 'lithium', 'verified', REV2),
      extra(RX, '42351', 'lithium carbonate', 'verified', REV2),
      extra(RX, '40254', 'valproate', 'verified', REV2),
      extra(RX, '28439', 'lamotrigine', 'verified', REV2),
      extra(RX, '2002', 'carbamazepine', 'verified', REV2),
      extra(RX, '51272', 'quetiapine', 'verified', REV2),
      extra(RX, '1040028', 'lurasidone', 'verified', REV2),
      extra(RX, '61381', 'olanzapine', 'verified', REV2),
      extra(RX, '89013', 'aripiprazole', 'verified', REV2),
      extra(RX, '1667655', 'cariprazine', 'unverified', `revision-2.md RC-1 (IN U); ${KNOWLEDGE}`),
    ],
    textMatch: [
      'lithium',
      'lithobid',
      'valproate',
      'valproic acid',
      'divalproex',
      'depakote',
      'lamotrigine',
      'lamictal',
      'carbamazepine',
      'tegretol',
      'quetiapine',
      'seroquel',
      'lurasidone',
      'latuda',
      'olanzapine',
      'zyprexa',
      'aripiprazole',
      'abilify',
      'cariprazine',
      'vraylar',
    ],
  },
  {
    slug: 'lithium-ingredients',
    title: 'Lithium',
    purpose:
      'EL-2.6 (revision 2): a lithium augmentation is judged by serum level, or failing that by the lithium carbonate dose, not by an ingredient dose row.',
    source: 'revision-2.md EL-2.6; verification.md 1',
    codes: [extra(RX, '6448', 'lithium', 'verified', REV2), extra(RX, '42351', 'lithium carbonate', 'verified', REV2)],
  },
  {
    slug: 'lithium-level',
    title: 'Serum lithium level',
    purpose: 'EL-2.6 (revision 2): a lithium augmentation is adequate by level (mmol/L; mass concentration divided by 6.94).',
    source: 'revision-2.md EL-2.6; verification.md 4 (14334-7)',
    codes: [
      extra(LA, '14334-7', 'Lithium [Moles/volume] in Serum or Plasma', 'verified'),
      extra(LA, '74806-1', 'Lithium [Moles/volume] in Serum or Plasma --trough', 'secondary', REV2),
      extra(LA, '3719-2', 'Lithium [Mass/volume] in Serum or Plasma', 'secondary', REV2),
    ],
  },
  {
    slug: 'ect-procedures',
    title: 'Electroconvulsive therapy',
    purpose:
      'EL-11 (revision 2): ECT in the episode adds one point to the Maudsley staging. OR-2 step 3b [local]: an ECT order drafted in the same call makes an injected ketamine draft its anaesthetic (out of TRD scope).',
    source: 'revision-2.md EL-11 and Appendix B (CPT 90870 U; an ECT procedure concept U)',
    codes: [
      extra(SYSTEM.cpt, '90870', 'Electroconvulsive therapy (includes necessary monitoring)', 'unverified', REV2),
      extra(
        SCT,
        '23835007',
        'Electroconvulsive therapy (procedure)',
        'unverified',
        `revision-2.md Appendix C (an ECT procedure concept U); ${'SNOMED CT general knowledge'}`,
      ),
    ],
    textMatch: ['electroconvulsive', 'ECT'],
  },
  {
    slug: 'maoi-ingredients',
    title: 'Monoamine oxidase inhibitors',
    purpose: 'RC-4 (BP interaction with esketamine/ketamine)',
    source: 'rules.md RC-4; verification.md 1',
    codes: [
      extra(RX, '8123', 'phenelzine', 'verified'),
      extra(RX, '10734', 'tranylcypromine', 'verified'),
      extra(RX, '6011', 'isocarboxazid', 'verified'),
      extra(RX, '9639', 'selegiline', 'verified'),
    ],
    textMatch: ['phenelzine', 'tranylcypromine', 'isocarboxazid', 'selegiline'],
  },
  {
    slug: 'psychostimulant-ingredients',
    title: 'Psychostimulants',
    purpose: 'RC-4. The reference names the class but lists no codes: ingredients are matched by RxCUI (unverified) and by name.',
    source: 'rules.md RC-4 (Spravato label 5.6); codes from general RxNorm knowledge',
    codes: [
      extra(RX, '6901', 'methylphenidate', 'unverified', KNOWLEDGE),
      extra(RX, '725', 'amphetamine', 'unverified', KNOWLEDGE),
      extra(RX, '3288', 'dextroamphetamine', 'unverified', KNOWLEDGE),
      extra(RX, '30125', 'modafinil', 'unverified', KNOWLEDGE),
    ],
    textMatch: ['methylphenidate', 'amphetamine', 'dextroamphetamine', 'lisdexamfetamine', 'dexmethylphenidate', 'modafinil', 'armodafinil', 'methamphetamine'],
  },
  {
    slug: 'cns-depressant-ingredients',
    title: 'CNS depressants (benzodiazepines, opioids, hypnotics)',
    purpose:
      'RC-3. The reference points at VSAC 2.16.840.1.113762.1.4.1248.134 without listing codes: common ingredients are matched by RxCUI (unverified) and by name.',
    source: 'rules.md RC-3; codes from general RxNorm knowledge',
    codes: [
      extra(RX, '596', 'alprazolam', 'unverified', KNOWLEDGE),
      extra(RX, '6470', 'lorazepam', 'unverified', KNOWLEDGE),
      extra(RX, '2598', 'clonazepam', 'unverified', KNOWLEDGE),
      extra(RX, '3322', 'diazepam', 'unverified', KNOWLEDGE),
      extra(RX, '7804', 'oxycodone', 'unverified', KNOWLEDGE),
      extra(RX, '5489', 'hydrocodone', 'unverified', KNOWLEDGE),
      extra(RX, '7052', 'morphine', 'unverified', KNOWLEDGE),
      extra(RX, '6813', 'methadone', 'unverified', KNOWLEDGE),
      extra(RX, '4337', 'fentanyl', 'unverified', KNOWLEDGE),
      extra(RX, '39993', 'zolpidem', 'unverified', KNOWLEDGE),
    ],
    textMatch: [
      'alprazolam',
      'lorazepam',
      'clonazepam',
      'diazepam',
      'temazepam',
      'chlordiazepoxide',
      'clorazepate',
      'oxazepam',
      'midazolam',
      'oxycodone',
      'hydrocodone',
      'morphine',
      'methadone',
      'fentanyl',
      'hydromorphone',
      'oxymorphone',
      'codeine',
      'tramadol',
      'tapentadol',
      'buprenorphine',
      'zolpidem',
      'eszopiclone',
      'zaleplon',
      'phenobarbital',
      'butalbital',
    ],
  },
  {
    slug: 'seizure-threshold-lowering-ingredients',
    title: 'Medicines that lower the seizure threshold',
    purpose: 'RC-6 (TMS): bupropion and tricyclics.',
    source: 'rules.md RC-6 (RxNorm 42347) and 3.4 (bupropion seizure caution); TCAs per rules.md 3.1 classes',
    codes: [
      ...refs('antidepressant_ingredients', (c) => c.code === '42347' || c.ingredient_class === 'TCA'),
      extra(RX, '2597', 'clomipramine', 'verified'),
      extra(RX, '8886', 'protriptyline', 'verified'),
      extra(RX, '10834', 'trimipramine', 'verified'),
      extra(RX, '722', 'amoxapine', 'verified'),
      extra(RX, '6646', 'maprotiline', 'verified'),
    ],
  },
  {
    slug: 'ketamine-products',
    title: 'Ketamine (ingredient and injectable products)',
    purpose:
      'Draft-order detection, CI-8 allergy, EL-3 prior course. SCD/SBD codes are inferred (verification.md 3); the ingredient and the name are the reliable routes.',
    source: 'rules.md 3.2; verification.md 3',
    codes: [
      ...refs('esketamine_ketamine_products', codeIn('6130')),
      ...SCT_ADD.SNOMED_KETAMINE_SUBSTANCE,
      extra(RX, '238082', 'ketamine 10 MG/ML Injectable Solution (strength inferred)', 'inferred'),
      extra(RX, '238083', 'ketamine 100 MG/ML Injectable Solution', 'inferred'),
      extra(RX, '238084', 'ketamine 50 MG/ML Injectable Solution (strength inferred)', 'inferred'),
      extra(RX, '206967', 'Ketalar (strength inferred)', 'inferred'),
      extra(RX, '206970', 'Ketalar (strength inferred)', 'inferred'),
      extra(RX, '206972', 'Ketalar (strength inferred)', 'inferred'),
    ],
    // "Ketanest" alone is racemic ketamine in several European markets (Ketanest 10 / 50 mg/mL); only "Ketanest S"
    // ("Ketanest-S") is esketamine. Revision-2 OR-1 step 3 reads plain "ketanest" as esketamine: this deviates on
    // purpose, because an anaesthetic racemic product read as esketamine would be held to the esketamine checks.
    // "S-ketamine" and "(S)-ketamine", the INN's chemical name on European labels and pharmacy lines, are esketamine.
    textMatch: ['ketamine', 'ketalar', 'ketanest'],
    textMatchNot: ['ketanest s', 'ketanest-s', 'ketanest® s', 'ketanest®-s', 's-ketamine', '(s)-ketamine'],
  },
  {
    slug: 'esketamine-products',
    title: 'Esketamine (Spravato)',
    purpose: 'Draft-order detection, CI-8 allergy, EL-3 prior course. Matched by SCDF/SBDF, NDC and name (verification.md 3).',
    source: 'rules.md 3.2; verification.md 3',
    codes: [
      ...refs('esketamine_ketamine_products', (c) => c.code !== '6130'),
      extra(SYSTEM.ndc, '50458-028-00', 'SPRAVATO 28 mg device (package component)', 'secondary'),
    ],
    // revision-2.md OR-1 step 3 names "ketanest" here; only "Ketanest S" is esketamine (see ketamine-products).
    textMatch: ['esketamine', 'spravato', 'ketanest s', 'ketanest-s', 'ketanest® s', 'ketanest®-s', 's-ketamine', '(s)-ketamine'],
  },
  {
    slug: 'esketamine-procedures',
    title: 'Esketamine administration and observation (HCPCS)',
    purpose: 'EL-3, MO-4',
    source: 'rules.md 3.3',
    codes: refs('procedures_billing', (c) => ['G2082', 'G2083', 'S0013', 'J0013'].includes(c.code!)),
  },
  {
    slug: 'tms-procedures',
    title: 'Transcranial magnetic stimulation',
    purpose:
      'TMS draft orders, EL-3, MO-4. No SNOMED TMS concept is verified (verification.md 5); the name is matched too, as a whole word: order catalogues build TMS as a local procedure named "TMS THERAPY", "TMS session" or "Deep TMS" with no CPT code (revision-2 OR-2: "or with TMS text").',
    source: 'rules.md 3.3; revision-2.md OR-2 (TMS text)',
    codes: refs('procedures_billing', (c) => c.code !== null && c.code.startsWith('9086')),
    textMatch: ['transcranial magnetic stimulation', 'tms', 'rtms', 'dtms', 'itbs', 'ctbs', 'theta burst', 'theta-burst'],
  },
  // ---- Instruments (rules.md 4.1, 4.4) ----
  {
    slug: 'phq9-total',
    title: 'PHQ-9 total score',
    purpose: 'EL-4, EL-2 (failure), MO-5',
    source: 'rules.md 4.1',
    codes: [
      ...refs('assessment_instruments', codeIn('44261-6', '89204-2')),
      // SNOMED-first systems code the total as an observable entity; an outside tester's public example carries it.
      extra(
        SYSTEM.snomed,
        '720433000',
        'Patient Health Questionnaire Nine Item score (observable entity)',
        'secondary',
        "SNOMED CT 720433000 'Patient Health Questionnaire Nine Item score (observable entity)'; public example: HL7 SHIFT demo patient Carl Frederickson, github:sayan801/demo-fhir-data _logs/bundle-for-hapi-with-PUT-method-conditionally-post.json @ e820c7385e65df2886890a71418adfa0544ee155 (FSH input/fsh/observations/PHQ9.fsh)",
      ),
    ],
  },
  { slug: 'phq9-item9', title: 'PHQ-9 item 9', purpose: 'CI-1', source: 'rules.md 4.1', codes: refs('assessment_instruments', codeIn('44260-8')) },
  {
    slug: 'phq9-panel',
    title: 'PHQ-9 panel',
    purpose: 'DS-2: a panel whose total is a 44261-6 component or member, its own value, or the sum of its nine items',
    source: 'revision-2 DS-2',
    codes: [extra(LA, '44249-1', 'PHQ-9 quick depression assessment panel', 'verified', 'shared/clinical/revision-2.md DS-2')],
  },
  {
    slug: 'phq9-items',
    title: 'PHQ-9 items 1 to 9',
    purpose: 'DS-2: the total is the sum of all nine answers when no total is recorded',
    source: 'revision-2 DS-2',
    codes: (
      [
        ['44250-9', 'Little interest or pleasure in doing things'],
        ['44255-8', 'Feeling down, depressed, or hopeless'],
        ['44259-0', 'Trouble falling or staying asleep, or sleeping too much'],
        ['44254-1', 'Feeling tired or having little energy'],
        ['44251-7', 'Poor appetite or overeating'],
        ['44258-2', 'Feeling bad about yourself'],
        ['44252-5', 'Trouble concentrating on things'],
        ['44253-3', 'Moving or speaking so slowly ... or the opposite'],
        ['44260-8', 'Thoughts that you would be better off dead, or of hurting yourself'],
      ] as const
    ).map(([code, display]) => extra(LA, code, display, 'verified', 'shared/clinical/revision-2.md DS-2')),
  },
  {
    slug: 'phq9-item9-answers',
    title: 'PHQ-9 item 9 answers with their scores',
    purpose: 'CI-1: any answer scoring 1 or more prompts a C-SSRS assessment.',
    source: 'rules.md 4.1 and 6',
    codes: [
      { ...extra(LA, 'LA6568-5', 'Not at all', 'verified', 'rules.md 4.1 (US Core example)'), ordinal: 0 },
      { ...extra(LA, 'LA6569-3', 'Several days', 'verified', 'rules.md 4.1 (US Core example)'), ordinal: 1 },
      { ...extra(LA, 'LA6570-1', 'More than half the days', 'verified', 'rules.md 4.1 (US Core example)'), ordinal: 2 },
      { ...extra(LA, 'LA6571-9', 'Nearly every day', 'verified', 'rules.md 4.1 (US Core example)'), ordinal: 3 },
    ],
  },
  { slug: 'gad7-total', title: 'GAD-7 total score', purpose: 'MO-5', source: 'rules.md 4.1', codes: refs('assessment_instruments', codeIn('70274-6')) },
  {
    slug: 'cssrs-ideation-severity',
    title: 'C-SSRS most severe suicidal ideation (1 month)',
    purpose: 'CI-1 (within 7 days)',
    source: 'rules.md 4.1 and 4.4',
    codes: refs('assessment_instruments', codeIn('93293-9')),
  },
  {
    slug: 'cssrs-high-risk-ideation-answers',
    title: 'C-SSRS ideation types 4-5 (active ideation with intent)',
    purpose: 'CI-1',
    source: 'rules.md 4.4 (answer list LL5434-7)',
    codes: [
      // The ordinal is the C-SSRS ideation type the card names ("C-SSRS type 5").
      { ...extra(LA, 'LA30373-7', 'Active suicidal ideation with some intent to act, without specific plan', 'verified', 'rules.md 4.4'), ordinal: 4 },
      { ...extra(LA, 'LA30374-5', 'Active suicidal ideation with specific plan and intent', 'verified', 'rules.md 4.4'), ordinal: 5 },
    ],
  },
  {
    slug: 'cssrs-screener-high-risk-items',
    title: 'C-SSRS screener items that mean high risk when answered yes',
    purpose: 'CI-1: ideation with intent, with plan and intent, or behaviour in the past 3 months.',
    source: 'verification.md 4; rules.md 4.4 (risk cut)',
    codes: [
      extra(LA, '93249-1', 'Ideation with some intent', 'verified'),
      extra(LA, '93250-9', 'Ideation with plan and intent', 'verified'),
      extra(LA, '93269-9', 'Suicidal behaviour within the past 3 months', 'verified'),
    ],
  },
  { slug: 'yes-answers', title: 'Yes', purpose: 'C-SSRS screener answers', source: 'verification.md 4', codes: [extra(LA, 'LA33-6', 'Yes', 'verified')] },
  {
    slug: 'madrs-total',
    title: 'MADRS total score',
    purpose: 'EL-4, EL-2 (failure). No LOINC code exists in readable sources: local code.',
    source: 'rules.md 1.10 and 4.1',
    codes: [{ system: LOCAL, code: 'madrs-total', display: 'MADRS total score', source: 'local CodeSystem trd-assessment', verification: 'verified' }],
  },
  // ---- Vital signs (rules.md 4.2) ----
  {
    slug: 'blood-pressure-panel',
    title: 'Blood pressure panel',
    purpose: 'CI-6, RC-5, EL-5 (DS-1: both panels, with 8480-6/8462-4 components)',
    source: 'rules.md 4.2; revision-2 DS-1',
    codes: [
      ...refs('vitals', codeIn('85354-9')),
      extra(
        LA,
        '55284-4',
        'Blood pressure systolic and diastolic',
        'secondary',
        'shared/clinical/revision-2.md DS-1 (public FHIR implementation data: every Synthea BP)',
      ),
      extra(
        SCT,
        '75367002',
        'Blood pressure (observable entity)',
        'verified',
        'SNOMED CT International 75367002 |Blood pressure (observable entity)|, the BP concept of SNOMED-first records (UK primary care); its systolic and diastolic components are read as for 85354-9',
      ),
    ],
  },
  {
    slug: 'systolic-blood-pressure',
    title: 'Systolic blood pressure',
    purpose: 'CI-6, RC-5',
    source: 'rules.md 4.2',
    codes: [
      ...refs('vitals', codeIn('8480-6')),
      extra(SCT, '271649006', 'Systolic blood pressure (observable entity)', 'verified', FHIR_BP_EXAMPLE),
      extra(CIEL, '5085', 'SYSTOLIC BLOOD PRESSURE', 'verified', OPENMRS_BP),
    ],
  },
  {
    slug: 'diastolic-blood-pressure',
    title: 'Diastolic blood pressure',
    purpose: 'CI-6, RC-5',
    source: 'rules.md 4.2',
    codes: [
      ...refs('vitals', codeIn('8462-4')),
      extra(SCT, '271650006', 'Diastolic blood pressure (observable entity)', 'verified', FHIR_BP_EXAMPLE),
      extra(CIEL, '5086', 'DIASTOLIC BLOOD PRESSURE', 'verified', OPENMRS_BP),
    ],
  },
  // US Core 9's average blood pressure (a mean of several readings, often the patient's own at home): a BP
  // on file, read as one reading marked "average" (DS-1 lists no average panel; revision-2 is silent).
  {
    slug: 'blood-pressure-average-panel',
    title: 'Blood pressure panel, mean systolic and mean diastolic',
    purpose: 'CI-6, RC-5, EL-5 (DS-1: an average of readings, with 96608-5/96609-3 components)',
    source: 'US Core 9 us-core-average-blood-pressure',
    date: '2026-11-30',
    codes: [extra(LA, '96607-7', 'Blood pressure panel mean systolic and mean diastolic', 'verified', US_CORE_AVERAGE_BP)],
  },
  {
    slug: 'systolic-blood-pressure-mean',
    title: 'Systolic blood pressure mean',
    purpose: 'CI-6, RC-5 (the systolic part of an average BP)',
    source: 'US Core 9 us-core-average-blood-pressure',
    date: '2026-11-30',
    codes: [extra(LA, '96608-5', 'Systolic blood pressure mean', 'verified', US_CORE_AVERAGE_BP)],
  },
  {
    slug: 'diastolic-blood-pressure-mean',
    title: 'Diastolic blood pressure mean',
    purpose: 'CI-6, RC-5 (the diastolic part of an average BP)',
    source: 'US Core 9 us-core-average-blood-pressure',
    date: '2026-11-30',
    codes: [extra(LA, '96609-3', 'Diastolic blood pressure mean', 'verified', US_CORE_AVERAGE_BP)],
  },
  { slug: 'heart-rate', title: 'Heart rate', purpose: 'EL-5, MO-2', source: 'rules.md 4.2', codes: refs('vitals', codeIn('8867-4')) },
  { slug: 'oxygen-saturation', title: 'Oxygen saturation', purpose: 'MO-2', source: 'rules.md 4.2', codes: refs('vitals', codeIn('2708-6', '59408-5')) },
  { slug: 'body-weight', title: 'Body weight', purpose: 'EL-7, MO-1', source: 'rules.md 4.2', codes: refs('vitals', codeIn('29463-7', '3141-9')) },
];

// Revision 2 (sections 6 and 7): its ValueSets replace the rules.md ones of the same slug. The
// ICD-10-CM substance-use codes come from codes.json by their sud_type, as DS-3 asks.
const sud = (keep: (c: RefCode) => boolean) => refs('substance_use_disorders', (c) => c.system !== SCT && c.in_remission !== true && keep(c));
const SAFETY_ICD: Record<string, Code[]> = {
  'substance-dependence': sud((c) => c.sud_type === 'dependence'),
  'substance-use-any-level-absolute': sud((c) => /^F1[36]/.test(c.code!)),
  'substance-abuse-or-unspecified-use': sud((c) => c.sud_type === 'abuse' || c.sud_type === 'use_unspecified'),
};
for (let i = defs.length - 1; i >= 0; i--) if (REPLACED_SLUGS.has(defs[i]!.slug)) defs.splice(i, 1);
for (const d of SAFETY_DEFS) defs.push({ ...d, codes: [...(SAFETY_ICD[d.slug] ?? []), ...d.codes] });
defs.push(...AUTHORED_DEFS, ...READING_DEFS);
const definedIn = (slug: string) =>
  AUTHORED_DEFS.some((d) => d.slug === slug)
    ? 'profiles/authored.ts'
    : READING_DEFS.some((d) => d.slug === slug)
      ? 'profiles/reading.ts'
      : SAFETY_DEFS.some((d) => d.slug === slug)
        ? 'profiles/safety-revision2.ts'
        : 'build-fhir-profiles.ts';

const RESULT_TEXT_NOTE =
  'A result given as text is read when its whole text (any case) is one of the result-text words; any other text is a result that could not be read.';

function valueSet(def: Def): fhir4.ValueSet {
  const bySystem = new Map<string, fhir4.ValueSetComposeIncludeConcept[]>();
  const seen = new Set<string>();
  for (const c of def.codes) {
    const key = `${c.system}|${c.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const extension: fhir4.Extension[] = [];
    if (c.verification !== 'verified') extension.push({ url: EXT.codeVerification, valueCode: c.verification });
    if (c.ordinal !== undefined) extension.push({ url: EXT.ordinalValue, valueDecimal: c.ordinal });
    if (c.source !== undefined) extension.push({ url: EXT.codeSource, valueString: c.source });
    const list = bySystem.get(c.system) ?? [];
    list.push({ code: c.code, display: c.display, ...(extension.length ? { extension } : {}) });
    bySystem.set(c.system, list);
  }
  const extension = [
    ...(def.textMatch ?? []).map((w) => ({ url: EXT.textMatch, valueString: w })),
    ...(def.textMatchWords ?? []).map((w) => ({ url: EXT.textMatchWords, valueString: w })),
    ...(def.textMatchNot ?? []).map((w) => ({ url: EXT.textMatchNot, valueString: w })),
    ...(def.resultText ?? []).map((w) => ({ url: EXT.resultText, valueString: w })),
  ];
  const name = def.slug.replace(/(^|-)([a-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase());
  return {
    resourceType: 'ValueSet',
    id: def.slug,
    url: `${CANONICAL_BASE}/ValueSet/${def.slug}`,
    version: VERSION,
    name,
    title: def.title,
    status: 'draft',
    experimental: false,
    date: def.date ?? DATE,
    publisher: 'trd-cds',
    description: `${def.purpose} Source: ${def.source}.${def.resultText ? ` ${RESULT_TEXT_NOTE}` : ''}`,
    ...(extension.length ? { extension } : {}),
    compose: {
      include: [
        ...[...bySystem].map(([system, concept]) => ({ system, concept })),
        // ICD-10-CM families: the hierarchy is the code prefix, so `is-a` matches every subdivision.
        ...(def.icdFamilies ?? []).map((f) => ({
          system: SYSTEM.icd10cm,
          filter: [{ property: 'concept', op: 'is-a' as const, value: f.code }],
          extension: [
            ...(f.verification !== 'verified' ? [{ url: EXT.codeVerification, valueCode: f.verification }] : []),
            { url: EXT.codeSource, valueString: `${f.source ?? def.source}: ${f.code} ${f.display}` },
          ],
        })),
      ],
      ...(def.exclude?.length ? { exclude: def.exclude.map((e) => ({ system: e.system, concept: [{ code: e.code }] })) } : {}),
    },
  };
}

const codeSystem: fhir4.CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'trd-assessment',
  url: LOCAL,
  version: VERSION,
  name: 'TrdAssessment',
  title: 'trd-cds local assessment instruments',
  status: 'draft',
  experimental: false,
  date: DATE,
  publisher: 'trd-cds',
  description:
    'Depression rating scales with no LOINC code found in readable sources (rules.md 1.10, verification.md 4). Map to LOINC by ConceptMap once a code is confirmed.',
  caseSensitive: true,
  content: 'complete',
  concept: [
    { code: 'madrs-total', display: 'MADRS total score', definition: 'Montgomery-Asberg Depression Rating Scale total (0-60).' },
    { code: 'hamd17-total', display: 'HAM-D 17 total score', definition: 'Hamilton Depression Rating Scale, 17 items, total (0-52).' },
    {
      code: 'qids-sr16-total',
      display: 'QIDS-SR16 total score',
      definition: 'Quick Inventory of Depressive Symptomatology, self-report, 16 items, total (0-27).',
    },
    { code: 'cgi-s', display: 'CGI-S', definition: 'Clinical Global Impression - Severity (1-7).' },
    ...LOCAL_CODES,
  ],
};

rmSync(join(out, 'ValueSet'), { recursive: true, force: true });
mkdirSync(join(out, 'ValueSet'), { recursive: true });
mkdirSync(join(out, 'CodeSystem'), { recursive: true });
for (const def of defs) {
  if (def.codes.length === 0) throw new Error(`${def.slug}: no codes`);
  writeFileSync(join(out, 'ValueSet', `${def.slug}.json`), JSON.stringify(valueSet(def), null, 2) + '\n');
}
writeFileSync(join(out, 'CodeSystem', 'trd-assessment.json'), JSON.stringify(codeSystem, null, 2) + '\n');

// The catalogue is copied whole: its provenance fields are part of what a reviewer checks.
mkdirSync(join(out, 'catalogue'), { recursive: true });
const products = JSON.parse(readFileSync(join(clinical, 'antidepressant-products.json'), 'utf8'));
writeFileSync(
  join(out, 'catalogue', 'antidepressant-products.json'),
  JSON.stringify({ version: VERSION, source: 'shared/clinical/antidepressant-products.json (verification.md 2)', products }, null, 1) + '\n',
);
const rows = defs.map((d) => {
  const vs = valueSet(d);
  const concepts = vs.compose!.include.flatMap((i) => i.concept ?? []);
  const families = vs.compose!.include.filter((i) => i.filter?.length);
  const flagged =
    concepts.filter((c) => c.extension?.some((e) => e.url === EXT.codeVerification)).length +
    families.filter((i) => i.extension?.some((e) => e.url === EXT.codeVerification)).length;
  const count = families.length ? `${concepts.length} + ${families.length} families` : `${concepts.length}`;
  return `| \`${d.slug}\` | ${d.title} | ${vs.url} | ${count} | ${flagged} | ${d.source} | \`${definedIn(d.slug)}\` |`;
});
writeFileSync(
  join(out, 'README.md'),
  `# fhir-profiles: clinical knowledge as data

Everything trd-cds decides keys on the data in this folder. It is loaded and validated at start-up
(ValueSets and CodeSystems against the HL7 FHIR R4 JSON Schema, the catalogue and thresholds against
the JSON Schemas in \`schemas/\`); a broken file stops the service with the file and field named, and
\`/readyz\` stays unready until it has passed.

Review changes here as data. Most of this folder is generated; the rest is written by hand:

- **Generated** by \`npx tsx scripts/build-fhir-profiles.ts\`: \`ValueSet/\` (every file), \`CodeSystem/trd-assessment.json\`,
  \`catalogue/antidepressant-products.json\` and this README, from the clinical reference \`../shared/clinical/\`
  (codes.json, with the additions and corrections of verification.md, which wins where they differ) and the
  definitions in \`scripts/profiles/\` (\`safety-revision2.ts\`: revision 2's safety, monitoring and medicine groups;
  \`authored.ts\`: ValueSets of later rules whose codes are not in codes.json). Do not edit these files: the next run
  overwrites them, and it rewrites \`ValueSet/\` whole, so a ValueSet file added by hand is deleted.
- **Written by hand** (the script never touches them): \`CodeSystem/order-origin.json\`, \`CodeSystem/override-reason.json\`,
  \`thresholds/\`, \`order-templates/\` and \`schemas/\`.

**To add a code** to a ValueSet: add it to the ValueSet's definition (the table's last column names the file, under
\`scripts/\`) with its display, verification and source, run the script, and commit the definition together with the
regenerated files; a run leaves \`git status\` clean when the data and its definitions agree. A new ValueSet is a new
definition there, never a new file here.

| folder | what |
|---|---|
| \`ValueSet/\` | one FHIR R4 ValueSet per concept a rule uses, canonical base \`${CANONICAL_BASE}/ValueSet/\` |
| \`CodeSystem/trd-assessment.json\` | local codes for MADRS, HAM-D 17, QIDS-SR16 and CGI-S (no LOINC code found) |
| \`catalogue/antidepressant-products.json\` | 446 RxNorm products (SCD/SBD/GPCK) with ingredient RxCUIs, strengths and non-counting flags |
| \`thresholds/trd-thresholds.json\` | doses, durations, look-backs, vital-sign and score thresholds, each with its source; override with \`THRESHOLDS_FILE\` |
| \`schemas/\` | JSON Schemas for the catalogue and thresholds; \`schemas/fhir-r4/\` the official FHIR R4 JSON Schema (vendored, CC0, see its README) |

Flags on concepts: \`${EXT.codeVerification}\` (\`unverified\`, \`secondary\` or \`inferred\`; absent means verified),
\`${EXT.codeSource}\` (where the code was seen), and on a ValueSet \`${EXT.textMatch}\` (words matched in
\`CodeableConcept.text\` where the reference says codes alone miss real data), \`${EXT.textMatchWords}\` (words
that must all begin a word of the text, in any order: "aneurysm clip" matches "Clipping of intracranial aneurysm"), \`${EXT.textMatchNot}\`
(another concept's name: a text holding it never names this one, so "Ketanest S" or "S-ketamine" never names ketamine), and \`${EXT.resultText}\`
(a whole result given as text, any case, that means the ValueSet's answer: "not detected"). \`npm test\` prints every flagged
code for terminology review.

## ValueSets

| slug | title | canonical URL | codes | not fully verified | source | defined in |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`,
);
console.log(`wrote ${defs.length} ValueSets, 1 CodeSystem, ${products.length} catalogue products`);
