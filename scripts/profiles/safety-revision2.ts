/**
 * ValueSets for the safety, monitoring and order rules of the clinical decision record, revision 2
 * (sections 6 and 7, Appendix B). Kept apart from the concepts of rules.md so a reviewer reads one
 * revision's codes in one place. Every code carries its verification mark as revision 2 gives it:
 * (V) verified, (S) secondary, (U) unverified; Appendix C's doubts are kept as `unverified`.
 *
 * ICD-10-CM families ("I63.x", "J44.x") are `is-a` filters on the code (the ICD-10-CM hierarchy is
 * its code prefix), so new subdivisions are matched without listing them.
 */
import { CANONICAL_BASE, SYSTEM } from '../../src/terminology/systems.js';
import { CHILDBIRTH_CODES, DELIVERY_FAMILIES, OBSTETRIC_SOURCE, PREGNANCY_CODES, PUERPERIUM_CODES, PUERPERIUM_FAMILIES } from './obstetric.js';
import { SNOMED_STATUS_EPILEPTICUS } from './snomed-disorders.js';
import { WHO_STATUS_EPILEPTICUS } from './who-icd10.js';
import type { ProfileCode as SafetyCode, ProfileDef as SafetyDef, Verification } from './types.js';

const R2 = 'revision-2.md';
const ICD = SYSTEM.icd10cm;
const SCT = SYSTEM.snomed;
const LA = SYSTEM.loinc;
const RX = SYSTEM.rxnorm;
const LOCAL = `${CANONICAL_BASE}/CodeSystem/trd-assessment`;

const c = (system: string, code: string, display: string, verification: Verification = 'verified', source = R2): SafetyCode => ({
  system,
  code,
  display,
  source,
  verification,
});
const icd = (code: string, display: string, v: Verification = 'verified') => c(ICD, code, display, v);
const sct = (code: string, display: string, v: Verification = 'verified') => c(SCT, code, display, v);
const rx = (code: string, display: string, v: Verification = 'verified') => c(RX, code, display, v, `${R2} (RxNorm IN)`);
const fam = (code: string, display: string, verification: Verification = 'verified') => ({ code, display, verification });

/**
 * Delivery and the puerperium in ICD-10-CM chapter 15 (obstetric.ts): each ends a pregnancy (CI-4) and asks about
 * breastfeeding (RC-18). O60.0x (preterm labour without delivery) and O71.0x (uterine rupture before labour)
 * are pregnancy codes inside the labour families, so they are excluded here.
 */
const afterDelivery = {
  codes: [...CHILDBIRTH_CODES, ...PUERPERIUM_CODES].map(([code, display]) => c(ICD, code, display, 'verified', OBSTETRIC_SOURCE)),
  families: [...DELIVERY_FAMILIES, ...PUERPERIUM_FAMILIES].map(([code, display]) => ({
    code,
    display,
    verification: 'verified' as const,
    source: OBSTETRIC_SOURCE,
  })),
  exclude: PREGNANCY_CODES.filter(([code]) => /^O(60|71)\./.test(code)).map(([code]) => ({ system: ICD, code })),
};

/** RxNorm ingredients and the names matched in text when a record carries no code (DS-4). */
function ingredients(list: [string | null, string, Verification?][]): { codes: SafetyCode[]; textMatch: string[] } {
  return {
    codes: list.filter(([code]) => code !== null).map(([code, name, v]) => rx(code!, name, v ?? 'verified')),
    textMatch: list.map(([, name]) => name),
  };
}

const benzodiazepines = ingredients([
  ['596', 'alprazolam'],
  ['2356', 'chlordiazepoxide'],
  ['21241', 'clobazam'],
  ['2598', 'clonazepam'],
  ['2353', 'clorazepate'],
  ['3322', 'diazepam'],
  ['4077', 'estazolam'],
  ['4501', 'flurazepam'],
  ['6470', 'lorazepam'],
  ['7781', 'oxazepam'],
  ['35185', 'quazepam'],
  ['10355', 'temazepam'],
  ['10767', 'triazolam'],
  ['6960', 'midazolam', 'unverified'],
]);
const hypnotics = ingredients([
  ['39993', 'zolpidem'],
  ['461016', 'eszopiclone'],
  ['74667', 'zaleplon'],
  ['1547099', 'suvorexant'],
  [null, 'lemborexant'],
  [null, 'daridorexant'],
]);
const barbiturates = ingredients([
  ['8134', 'phenobarbital'],
  ['19860', 'butalbital'],
  ['477631', 'butabarbital'],
  ['9624', 'secobarbital'],
  ['8691', 'primidone'],
]);
const opioids = ingredients([
  ['1819', 'buprenorphine'],
  ['2670', 'codeine'],
  ['4337', 'fentanyl'],
  ['5489', 'hydrocodone'],
  ['3423', 'hydromorphone'],
  ['6378', 'levorphanol'],
  ['6754', 'meperidine'],
  ['6813', 'methadone'],
  ['7052', 'morphine'],
  ['7804', 'oxycodone'],
  ['7814', 'oxymorphone'],
  ['8001', 'pentazocine'],
  ['787390', 'tapentadol'],
  ['10689', 'tramadol'],
]);
const gabapentinoids = ingredients([
  ['25480', 'gabapentin'],
  ['187832', 'pregabalin'],
]);
const sedatingAntipsychotics = ingredients([
  ['51272', 'quetiapine'],
  ['61381', 'olanzapine'],
  ['2626', 'clozapine'],
  ['2403', 'chlorpromazine'],
  ['10502', 'thioridazine'],
  ['6475', 'loxapine'],
  ['784649', 'asenapine'],
]);
const muscleRelaxants = ingredients([
  ['2101', 'carisoprodol'],
  ['21949', 'cyclobenzaprine'],
  ['1292', 'baclofen'],
  ['57258', 'tizanidine'],
  ['59078', 'metaxalone'],
  ['6845', 'methocarbamol'],
]);
const sedatingAntihistamines = ingredients([
  ['5553', 'hydroxyzine'],
  ['3498', 'diphenhydramine'],
  ['8745', 'promethazine'],
  ['3642', 'doxylamine'],
  ['6760', 'meprobamate'],
  [null, 'sodium oxybate'],
]);
const maois = ingredients([
  ['8123', 'phenelzine'],
  ['10734', 'tranylcypromine'],
  ['6011', 'isocarboxazid'],
  ['9639', 'selegiline'],
  ['134748', 'rasagiline'],
  ['190376', 'linezolid'],
  ['6878', 'methylene blue'],
  ['8702', 'procarbazine'],
  [null, 'safinamide'],
]);
const stimulants = ingredients([
  ['725', 'amphetamine'],
  ['3288', 'dextroamphetamine'],
  ['700810', 'lisdexamfetamine'],
  ['673579', 'lisdexamfetamine', 'unverified'],
  ['6816', 'methamphetamine'],
  ['6901', 'methylphenidate'],
  ['352372', 'dexmethylphenidate'],
  ['30125', 'modafinil'],
  ['641465', 'armodafinil'],
  ['8152', 'phentermine'],
  ['1422', 'benzphetamine'],
  ['3389', 'diethylpropion'],
  [null, 'solriamfetol'],
]);
// RC-6a, besides the stimulants above.
const seizureThreshold = ingredients([
  ['42347', 'bupropion'],
  ['704', 'amitriptyline'],
  ['7531', 'nortriptyline'],
  ['5691', 'imipramine'],
  ['3247', 'desipramine'],
  ['3638', 'doxepin'],
  ['2597', 'clomipramine'],
  ['8886', 'protriptyline'],
  ['10834', 'trimipramine'],
  ['722', 'amoxapine'],
  ['6646', 'maprotiline'],
  ['2626', 'clozapine'],
  ['2403', 'chlorpromazine'],
  ['10689', 'tramadol'],
  ['787390', 'tapentadol'],
  ['6754', 'meperidine'],
  ['10438', 'theophylline'],
  ['689', 'aminophylline'],
  ['6038', 'isoniazid'],
  ['4678', 'ganciclovir'],
  ['85762', 'ritonavir'],
  ['6448', 'lithium'],
  ['42351', 'lithium carbonate'],
]);

const union = (...groups: { codes: SafetyCode[]; textMatch: string[] }[]) => ({
  codes: groups.flatMap((g) => g.codes),
  textMatch: [...new Set(groups.flatMap((g) => g.textMatch))],
});

const group = (slug: string, title: string, purpose: string, g: { codes: SafetyCode[]; textMatch: string[] }, source = `${R2} RC-3 table`): SafetyDef => ({
  slug,
  title,
  purpose,
  source,
  codes: g.codes,
  textMatch: g.textMatch,
});

export const SAFETY_DEFS: SafetyDef[] = [
  // ---- Suicidality (CI-1, RC-17, RC-16) ----
  {
    slug: 'suicidal-intent-or-plan',
    title: 'Suicidal intent, plan or access to planned means',
    purpose: 'CI-1 (3): an active intent or plan concept within 30 days is imminent risk.',
    source: `${R2} CI-1`,
    codes: [
      sct('304594002', 'Suicidal intent (finding)'),
      sct('247650009', 'Planning suicide (finding)'),
      sct('711561004', 'Has access to planned means of suicide (finding)'),
    ],
  },
  {
    slug: 'suicide-attempt',
    title: 'Suicide attempt (event)',
    purpose: 'CI-1 (2) when its onset is within 90 days; RC-16 when older. Dated by onset, never by recordedDate.',
    source: `${R2} CI-1, RC-16`,
    codes: [
      icd('T14.91XA', 'Suicide attempt, initial encounter'),
      icd('T14.91XD', 'Suicide attempt, subsequent encounter'),
      sct('425104003', 'Suicidal behavior (finding)'),
    ],
  },
  {
    slug: 'suicidal-ideation',
    title: 'Suicidal ideation (not graded)',
    purpose: 'RC-17: ideation recorded within 30 days with no C-SSRS after it.',
    source: `${R2} RC-17`,
    codes: [
      icd('R45.851', 'Suicidal ideations'),
      sct('6471006', 'Suicidal thoughts (finding)'),
      sct('267073005', 'Suicidal (finding)'),
      sct('102911000', 'Thoughts of self harm (finding)'),
    ],
  },
  {
    slug: 'cssrs-assessments',
    title: 'C-SSRS assessments (any item or score)',
    purpose: 'RC-17: a C-SSRS dated after ideation grades it; CI-1 settling.',
    source: `${R2} CI-1, RC-17; codes.json assessment_instruments`,
    codes: [
      c(LA, '93245-9', 'Columbia suicide severity rating scale', 'verified'),
      c(LA, '93373-9', 'C-SSRS screener', 'secondary'),
      c(LA, '93293-9', 'Most severe suicidal ideation 1 month'),
      c(LA, '93278-0', 'Suicidal ideation [C-SSRS]'),
      c(LA, '93249-1', 'Ideation with some intent'),
      c(LA, '93250-9', 'Ideation with plan and intent'),
      c(LA, '93269-9', 'Suicidal behaviour within the past 3 months'),
      c(LA, '93374-7', 'C-SSRS suicide risk level'),
    ],
  },
  {
    slug: 'cssrs-risk-level',
    title: 'C-SSRS suicide risk level',
    purpose: 'CI-1 (1): a high risk level within 7 days; CI-1 settling: the level after the evaluation.',
    source: `${R2} CI-1`,
    codes: [c(LA, '93374-7', 'C-SSRS suicide risk level')],
  },
  {
    slug: 'suicide-risk-level-high',
    title: 'Suicide risk level: high',
    purpose:
      'CI-1: the answer of a risk level that keeps the safety card critical. No LOINC answer code was read: a local code, and the word "high" in the answer text.',
    source: `${R2} CI-1 [local]`,
    codes: [c(LOCAL, 'suicide-risk-high', 'High suicide risk', 'verified', 'local CodeSystem trd-assessment')],
    textMatch: ['high'],
  },
  {
    slug: 'suicide-risk-assessment',
    title: 'Suicide risk assessment (evaluation)',
    purpose: 'CI-1 settling: an evaluation dated after the trigger; SO-7 same-day evaluation order.',
    source: `${R2} CI-1, SO-7`,
    codes: [sct('225337009', 'Suicide risk assessment (procedure)', 'secondary')],
  },
  // ---- Substance use (CI-3, RC-2; DS-3 lists) ----
  {
    slug: 'substance-dependence',
    title: 'Substance dependence, not in remission',
    purpose: 'CI-3 (a): dependence level, any substance but nicotine and caffeine. ICD-10-CM F1x.2x except x.21, and DS-3 list A.',
    source: `${R2} CI-3, DS-3 list A; codes.json substance_use_disorders (sud_type dependence)`,
    codes: [
      ...[
        '66590003',
        '7200002',
        '713583005',
        '714829008',
        '713862009',
        '75544000',
        '191819002',
        '191820008',
        '1081000119105',
        '231477003',
        '231478008',
        '231479000',
        '426001001',
        '703845008',
        '85005007',
        '191837001',
        '191838006',
        '723933008',
        '31956009',
        '191831000',
        '191832007',
        '724688003',
        '442406005',
        '21647008',
        '426873000',
        '275471001',
        '838527002',
        '5002000',
        '191816009',
        '6525002',
        '231482005',
        '2403008',
        '724724008',
        '51339003',
        '1254812006',
      ].map((code) => sct(code, 'Substance dependence (DS-3 list A)', code === '1254812006' ? 'unverified' : 'verified')),
    ],
  },
  {
    slug: 'substance-use-any-level-absolute',
    title: 'Hallucinogen (incl. PCP, ketamine) or sedative-hypnotic use disorder, any level',
    purpose: 'CI-3 (b): SUD_ABSOLUTE_ANY_LEVEL_CLASSES. ICD-10-CM F16 and F13 (not in remission), and the SNOMED concepts under CI-3.',
    source: `${R2} CI-3`,
    codes: [
      ...[
        '724713006',
        '724715004',
        '7071007',
        '145841000119107',
        '425885002',
        '38247002',
        '191849000',
        '191850000',
        '268646008',
        '191899001',
        '191900006',
        '231468005',
      ].map((code) => sct(code, 'Hallucinogen use disorder (CI-3 b)')),
      ...['64386003', '427327003', '231473004', '231462006', '231472009', '724656006', '231470001', '125851000119106'].map((code) =>
        sct(code, 'Sedative, hypnotic or anxiolytic use disorder (CI-3 b)'),
      ),
    ],
  },
  {
    slug: 'substance-abuse-or-unspecified-use',
    title: 'Substance abuse or unspecified use, not in remission',
    purpose: 'RC-2 warning: F1x.1x and F1x.9x not in remission (nicotine excluded), and DS-3 list B.',
    source: `${R2} RC-2, DS-3 list B; codes.json substance_use_disorders (sud_type abuse, use_unspecified)`,
    codes: [
      ...[
        '5602001',
        '191909007',
        '191912005',
        '191913000',
        '520841000124109',
        '15167005',
        '191883007',
        '284591009',
        '37344009',
        '191891003',
        '191893000',
        '191894006',
        '78267003',
        '191916008',
        '191918009',
        '191919001',
        '84758004',
        '441527004',
        '699449003',
        '70340006',
        '26416006',
        '49540005',
        '91388009',
        '445273005',
        '66214007',
      ].map((code) => sct(code, 'Substance abuse (DS-3 list B)')),
    ],
  },
  {
    slug: 'substance-use-remission-history',
    title: 'Substance use disorder in remission, or history of abuse',
    purpose: 'RC-2 info: DS-3 list C (the ICD-10-CM remission codes are in substance-use-disorder-in-remission).',
    source: `${R2} RC-2, DS-3 list C`,
    codes: [
      '1461000119109',
      '1471000119103',
      '191833002',
      '191839003',
      '191851001',
      '191827006',
      '191895007',
      '191901005',
      '191907009',
      '191914006',
      '191920007',
      '1254973007',
      '1231158003',
      '1231159006',
      '1231325000',
      '1231331002',
      '425841004',
      '371435006',
      '288781000119108',
      '288791000119106',
      '288801000119107',
      '288811000119105',
      '288831000119100',
      '288841000119109',
    ].map((code) => sct(code, 'Substance use disorder in remission or history of abuse (DS-3 list C)')),
  },
  // ---- Pregnancy and lactation (CI-4, RC-18) ----
  {
    slug: 'pregnancy-outcome',
    title: 'Pregnancy outcome: delivery or abortion',
    purpose:
      'CI-4: ends the pregnancy evidence before it. O07 (failed attempted termination) is not an outcome. A delivery (O60-O77 and the childbirth subdivisions of chapter 15) or the puerperium (O85-O90 and the puerperium subdivisions) is an outcome too.',
    source: `${R2} CI-4; ${OBSTETRIC_SOURCE}`,
    codes: [
      icd('Z39.0', 'Encounter for care and examination of mother immediately after delivery'),
      icd('Z39.2', 'Encounter for routine postpartum follow-up'),
      icd('Z33.2', 'Encounter for elective termination of pregnancy'),
      ...afterDelivery.codes,
    ],
    icdFamilies: [
      fam('O00', 'Ectopic pregnancy'),
      fam('O01', 'Hydatidiform mole'),
      fam('O02', 'Other abnormal products of conception'),
      fam('O03', 'Spontaneous abortion'),
      fam('O04', 'Complications following (induced) termination of pregnancy'),
      fam('O08', 'Complications following ectopic and molar pregnancy'),
      fam('O80', 'Encounter for full-term uncomplicated delivery'),
      fam('O82', 'Encounter for cesarean delivery without indication'),
      fam('Z37', 'Outcome of delivery'),
      ...afterDelivery.families,
    ],
    exclude: afterDelivery.exclude,
  },
  {
    slug: 'delivery-or-postpartum',
    title: 'Delivery or postpartum depression',
    purpose: 'RC-18 unknown: a delivery or postpartum depression within 365 days with no feeding record asks about breastfeeding.',
    source: `${R2} RC-18; ${OBSTETRIC_SOURCE}`,
    codes: [
      icd('F53.0', 'Postpartum depression'),
      icd('Z39.0', 'Care immediately after delivery'),
      icd('Z39.2', 'Routine postpartum follow-up'),
      sct('58703003', 'Postpartum depression (disorder)'),
      ...afterDelivery.codes,
    ],
    icdFamilies: [
      fam('O80', 'Full-term uncomplicated delivery'),
      fam('O82', 'Cesarean delivery without indication'),
      fam('Z37', 'Outcome of delivery'),
      ...afterDelivery.families,
    ],
    exclude: afterDelivery.exclude,
  },
  {
    slug: 'not-childbearing-potential',
    title: 'Not of child-bearing potential',
    purpose: 'CI-4 not found: hysterectomy, bilateral oophorectomy, asymptomatic menopausal state. N95.1 is not listed (also coded in the perimenopause).',
    source: `${R2} CI-4`,
    codes: [
      icd('Z90.710', 'Acquired absence of both cervix and uterus'),
      icd('Z90.711', 'Acquired absence of uterus with remaining cervical stump'),
      icd('Z90.722', 'Acquired absence of ovaries, bilateral'),
      icd('Z78.0', 'Asymptomatic menopausal state'),
    ],
  },
  {
    slug: 'tubal-ligation',
    title: 'Tubal ligation status',
    purpose: 'CI-4 not found only when TUBAL_LIGATION_SETTLES is true (default false).',
    source: `${R2} CI-4 [local]`,
    codes: [icd('Z98.51', 'Tubal ligation status')],
  },
  {
    slug: 'lactation',
    title: 'Breastfeeding',
    purpose: 'RC-18 (within 365 days).',
    source: `${R2} RC-18`,
    codes: [
      icd('Z39.1', 'Encounter for care and examination of lactating mother'),
      ...['1260078007', '866041003', '1258999009', '1258998001', '69840006', '225604004'].map((code) => sct(code, 'Breastfeeding finding', 'unverified')),
    ],
  },
  // ---- Cardiovascular and cerebrovascular (CI-7, RC-19) ----
  {
    slug: 'cerebrovascular-recent',
    title: 'Ischaemic stroke or TIA',
    purpose:
      'CI-7 when its onset is within 90 days; RC-19 when older; RC-6 (TMS seizure-threshold risk, IFCN 2009/2021) at any time. G45.4 (transient global amnesia) is excluded.',
    source: `${R2} CI-7`,
    codes: [
      sct('422504002', 'Ischemic stroke (disorder)'),
      sct('230690007', 'Cerebrovascular accident (disorder)'),
      sct('266257000', 'Transient ischemic attack (disorder)'),
    ],
    icdFamilies: [fam('I63', 'Cerebral infarction'), fam('G45', 'Transient cerebral ischemic attacks and related syndromes')],
    exclude: [{ system: ICD, code: 'G45.4' }],
  },
  {
    slug: 'cardiovascular-caution',
    title: 'Cardiovascular or cerebrovascular condition needing assessment',
    purpose: 'RC-19: prior MI, coronary artery disease, chronic heart failure, arrhythmia, tachycardia, stroke or TIA history.',
    source: `${R2} RC-19`,
    codes: [
      icd('I25.2', 'Old myocardial infarction'),
      sct('1755008', 'Old myocardial infarction (disorder)', 'secondary'),
      icd('I25.9', 'Chronic ischemic heart disease, unspecified'),
      sct('53741008', 'Coronary arteriosclerosis (disorder)'),
      sct('414545008', 'Ischemic heart disease (disorder)'),
      icd('I50.22', 'Chronic systolic heart failure'),
      icd('I50.32', 'Chronic diastolic heart failure'),
      icd('I50.42', 'Chronic combined heart failure'),
      icd('I49.9', 'Cardiac arrhythmia, unspecified'),
      sct('49436004', 'Atrial fibrillation (disorder)'),
      sct('5370000', 'Atrial flutter (disorder)'),
      icd('R00.0', 'Tachycardia, unspecified'),
      icd('Z86.73', 'Personal history of TIA and cerebral infarction without residual deficits'),
    ],
    icdFamilies: [
      fam('I25.1', 'Atherosclerotic heart disease of native coronary artery'),
      fam('I47.1', 'Supraventricular tachycardia'),
      fam('I47.2', 'Ventricular tachycardia'),
      fam('I48', 'Atrial fibrillation and flutter'),
      fam('I69.3', 'Sequelae of cerebral infarction'),
    ],
  },
  // ---- Seizures (CI-9, RC-6) ----
  {
    slug: 'seizure-event',
    title: 'Seizure event',
    purpose: 'CI-9: a seizure within 365 days (with an epilepsy code: found; without: neurology review).',
    source: `${R2} CI-9`,
    codes: [
      icd('R56.1', 'Post traumatic seizures'),
      icd('R56.9', 'Unspecified convulsions'),
      sct('91175000', 'Seizure (finding)', 'secondary'),
      sct('308742005', 'Convulsion (finding)'),
      sct('1254960008', 'Seizure (finding)'),
      // Status epilepticus is a prolonged seizure: at least the risk of one seizure (an outside tester's finding).
      ...SNOMED_STATUS_EPILEPTICUS,
      ...WHO_STATUS_EPILEPTICUS,
    ],
    // G41 (status epilepticus) is a WHO ICD-10 category; ICD-10-CM has none (it codes status epilepticus inside G40). Records
    // that send WHO codes under the ICD-10-CM URI are read as they mean it: no ICD-10-CM code can be mistaken for it.
    icdFamilies: [
      {
        code: 'G41',
        display: 'Status epilepticus (WHO ICD-10 category sent under the ICD-10-CM URI)',
        verification: 'secondary',
        source: 'WHO ICD-10 G41 Status epilepticus; not an ICD-10-CM category',
      },
    ],
  },
  {
    slug: 'seizure-not-epileptic',
    title: 'Febrile convulsions or psychogenic non-epileptic seizures',
    purpose: 'CI-9: information only, never a seizure event.',
    source: `${R2} CI-9`,
    codes: [
      icd('R56.00', 'Simple febrile convulsions'),
      icd('R56.01', 'Complex febrile convulsions'),
      icd('F44.5', 'Conversion disorder with seizures or convulsions'),
    ],
  },
  {
    slug: 'withdrawal-states',
    title: 'Alcohol or sedative withdrawal or dependence',
    purpose: 'RC-6: lowers the seizure threshold.',
    source: `${R2} RC-6, Appendix B`,
    codes: [
      sct('191480000', 'Alcohol withdrawal syndrome (disorder)'),
      sct('85561006', 'Uncomplicated alcohol withdrawal (disorder)'),
      sct('66590003', 'Alcohol dependence (disorder)'),
      sct('7200002', 'Alcoholism (disorder)'),
    ],
    icdFamilies: [
      fam('F10.2', 'Alcohol dependence'),
      fam('F13.2', 'Sedative, hypnotic or anxiolytic dependence'),
      fam('F10.13', 'Alcohol abuse with withdrawal', 'unverified'),
      fam('F10.93', 'Alcohol use, unspecified with withdrawal', 'unverified'),
      fam('F13.13', 'Sedative abuse with withdrawal', 'unverified'),
      fam('F13.93', 'Sedative use, unspecified with withdrawal', 'unverified'),
    ],
    exclude: [
      { system: ICD, code: 'F10.21' },
      { system: ICD, code: 'F13.21' },
    ],
  },
  // ---- TMS safety screen (CI-10) ----
  {
    slug: 'tms-safety-screen',
    title: 'TMS safety screen',
    purpose: 'CI-10: an Observation recording the screen (IFCN questionnaire or TASS); SO-9 orders it.',
    source: `${R2} CI-10, SO-9`,
    codes: [c(LOCAL, 'tms-safety-screen', 'TMS safety screen', 'verified', 'local CodeSystem trd-assessment')],
  },
  {
    slug: 'tms-implant-site-uncoded',
    title: 'Implant whose site is not coded',
    purpose: 'CI-10 unknown (confirm): Z96.82, Z95.828, Z96.89, Z97.8; neurostimulator, nervous-system implant and embolisation coil devices.',
    source: `${R2} CI-10`,
    codes: [
      icd('Z96.82', 'Presence of neurostimulator'),
      icd('Z95.828', 'Presence of other vascular implants and grafts'),
      icd('Z96.89', 'Presence of other specified functional implants'),
      icd('Z97.8', 'Presence of other specified devices'),
      icd('Z98.2', 'Presence of cerebrospinal fluid drainage device'),
      icd('Z45.42', 'Adjustment and management of neurostimulator'),
      sct('25937001', 'Neurostimulator, device (physical object)', 'secondary'),
      sct('303618000', 'Nervous system implant (physical object)', 'secondary'),
      sct('102314001', 'Embolization coil, device (physical object)', 'secondary'),
    ],
    textMatch: ['stimulator', 'clip', 'coil', 'shunt', 'bullet fragment', 'shrapnel'],
  },
  // ---- Respiratory and cognition (RC-20, RC-21) ----
  {
    slug: 'respiratory-risk',
    title: 'Respiratory disease (COPD, sleep apnoea, respiratory failure, oxygen)',
    purpose: 'RC-20.',
    source: `${R2} RC-20`,
    codes: [
      icd('G47.33', 'Obstructive sleep apnea'),
      icd('E66.2', 'Morbid obesity with alveolar hypoventilation'),
      icd('Z99.81', 'Dependence on supplemental oxygen'),
      sct('78275009', 'Obstructive sleep apnea syndrome (disorder)'),
      sct('1101000119103', 'Obstructive sleep apnea of adult (disorder)'),
      sct('13645005', 'Chronic obstructive lung disease (disorder)', 'secondary'),
    ],
    icdFamilies: [fam('J44', 'Chronic obstructive pulmonary disease'), fam('J96.1', 'Chronic respiratory failure')],
  },
  {
    slug: 'cognitive-impairment',
    title: 'Dementia or mild cognitive impairment',
    purpose: 'RC-21.',
    source: `${R2} RC-21`,
    codes: [
      icd('G31.84', 'Mild cognitive impairment'),
      sct('52448006', 'Dementia (disorder)'),
      sct('26929004', "Alzheimer's disease (disorder)"),
      // Synthea codes Alzheimer's disease this way; RC-21 lists its parent.
      c(
        SCT,
        '230265002',
        "Familial Alzheimer's disease of early onset (disorder)",
        'secondary',
        "SMART generated-sample-data R4 Synthea; a kind of Alzheimer's disease 26929004, which revision-2 RC-21 lists",
      ),
    ],
    icdFamilies: [
      fam('F01.5', 'Vascular dementia'),
      fam('F02.8', 'Dementia in other diseases'),
      fam('F03.9', 'Unspecified dementia'),
      fam('G30', "Alzheimer's disease"),
    ],
  },
  {
    slug: 'delirium',
    title: 'Delirium',
    purpose: 'RC-21 (within 90 days).',
    source: `${R2} RC-21`,
    codes: [icd('F05', 'Delirium due to known physiological condition'), icd('R41.0', 'Disorientation, unspecified'), sct('2776000', 'Delirium (disorder)')],
  },
  // ---- Hepatic (RC-8) ----
  {
    slug: 'hepatic-failure',
    title: 'Hepatic failure (severe hepatic impairment)',
    purpose: 'RC-8: esketamine not recommended in severe impairment.',
    source: `${R2} RC-8`,
    codes: [sct('59927004', 'Hepatic failure (disorder)')],
    icdFamilies: [fam('K72.1', 'Chronic hepatic failure'), fam('K72.9', 'Hepatic failure, unspecified')],
  },
  // ---- Medicines (RC-3, RC-4, RC-6, RC-22) ----
  group(
    'benzodiazepine-ingredients',
    'Benzodiazepines',
    'RC-3, RC-22 (may blunt the ketamine response), RC-6 (a recently stopped one: withdrawal).',
    benzodiazepines,
  ),
  group('hypnotic-ingredients', 'Z-drugs and other hypnotics', 'RC-3.', hypnotics),
  group('barbiturate-ingredients', 'Barbiturates', 'RC-3.', barbiturates),
  group('opioid-ingredients', 'Opioids', 'RC-3.', opioids),
  group('gabapentinoid-ingredients', 'Gabapentinoids', 'RC-3.', gabapentinoids),
  group('sedating-antipsychotic-ingredients', 'Sedating antipsychotics', 'RC-3.', sedatingAntipsychotics),
  group('muscle-relaxant-ingredients', 'Muscle relaxants', 'RC-3.', muscleRelaxants),
  group('sedating-antihistamine-ingredients', 'Sedating antihistamines and other sedatives', 'RC-3.', sedatingAntihistamines),
  group(
    'cns-depressant-ingredients',
    'CNS depressants (all RC-3 groups)',
    'RC-3: any of the groups; the card names the group found.',
    union(benzodiazepines, hypnotics, barbiturates, opioids, gabapentinoids, sedatingAntipsychotics, muscleRelaxants, sedatingAntihistamines),
  ),
  group('maoi-ingredients', 'Monoamine oxidase inhibitors', 'RC-4 (BP interaction).', maois, `${R2} RC-4 table`),
  group('psychostimulant-ingredients', 'Psychostimulants and wake-promoting agents', 'RC-4 (BP interaction); RC-6.', stimulants, `${R2} RC-4 table`),
  group(
    'seizure-threshold-lowering-ingredients',
    'Medicines that lower the seizure threshold',
    'RC-6 (TMS), table RC-6a with the stimulants.',
    union(seizureThreshold, stimulants),
    `${R2} RC-6a`,
  ),
  group('lamotrigine-ingredient', 'Lamotrigine', "RC-22: may attenuate ketamine's effects.", ingredients([['28439', 'lamotrigine']]), `${R2} RC-22`),
];

/** Slugs this file replaces in the rules.md build (their revision-2 versions are above). */
export const REPLACED_SLUGS = new Set([
  'cns-depressant-ingredients',
  'maoi-ingredients',
  'psychostimulant-ingredients',
  'seizure-threshold-lowering-ingredients',
]);

/** Local codes the rules of revision 2 read (added to the trd-assessment CodeSystem). */
export const LOCAL_CODES: fhir4.CodeSystemConcept[] = [
  {
    code: 'tms-safety-screen',
    display: 'TMS safety screen',
    definition:
      'Result of a TMS safety screen (IFCN questionnaire or TASS): no-contraindication, needs-review or contraindication-present; one component per item answered yes.',
  },
  { code: 'no-contraindication', display: 'TMS safety screen: no contraindication', definition: 'Every item of the TMS safety screen answered no.' },
  { code: 'needs-review', display: 'TMS safety screen: needs review', definition: 'An item answered yes that calls for a risk-benefit judgement (IFCN 2011).' },
  { code: 'contraindication-present', display: 'TMS safety screen: contraindication present', definition: 'The screen found a contraindication to TMS.' },
  { code: 'suicide-risk-high', display: 'High suicide risk', definition: 'A suicide risk level of high (C-SSRS risk level or evaluation).' },
  {
    code: 'urine-drug-screen',
    display: 'Urine drug screen',
    definition:
      'Order placeholder for a urine drug screen (SO-11); a deployment maps it to its local order code from the CDC urine drug screening tests value set.',
  },
  { code: 'cadss-total', display: 'CADSS total score', definition: 'Clinician-Administered Dissociative States Scale total (MO-11).' },
  { code: 'moaas', display: 'MOAA/S score', definition: "Modified Observer's Assessment of Alertness/Sedation (0-5) (MO-11)." },
  { code: 'rass', display: 'RASS score', definition: 'Richmond Agitation-Sedation Scale (-5 to +4) (MO-11).' },
];
