/**
 * ValueSets authored for rules written after the first build, whose codes are not in codes.json:
 * order review (revision-2 OR-2, OR-3), session monitoring and misuse safeguards (MO-11, MO-13),
 * the patient's sex (US Core 9 individual sex) and the indication filter of EL-2.3.
 *
 * They were first written by hand in fhir-profiles/ValueSet/ and are defined here so that the build
 * reproduces them instead of deleting them. Each code keeps the verification and the source it was
 * committed with; a code with no `source` of its own is sourced by its ValueSet's `source` (the
 * description says which mark revision 2 gives it).
 */
import { CANONICAL_BASE, SYSTEM } from '../../src/terminology/systems.js';
import type { ProfileCode, ProfileDef, Verification } from './types.js';

const SCT = SYSTEM.snomed;
const LA = SYSTEM.loinc;
const LOCAL = `${CANONICAL_BASE}/CodeSystem/trd-assessment`;
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
/** The day these rules and their ValueSets were added. */
const ADDED = '2026-11-29';

const c = (system: string, code: string, display: string, verification: Verification = 'verified', source?: string): ProfileCode => ({
  system,
  code,
  display,
  verification,
  ...(source !== undefined ? { source } : {}),
});
const SYNTHEA = 'SMART generated-sample-data R4 Synthea';

export const AUTHORED_DEFS: ProfileDef[] = [
  // ---- Order review: the route of a ketamine draft (OR-2 step 1) ----
  {
    slug: 'route-intravenous',
    title: 'Intravenous route',
    purpose: 'OR-2 step 1: an IV ketamine order.',
    source: 'revision-2 OR-2 (47625008 V; 418114005, 419993007 listed V but not traced to codes.json, Appendix C)',
    date: ADDED,
    codes: [
      c(SCT, '47625008', 'Intravenous route'),
      c(SCT, '418114005', 'Intravenous central route', 'unverified'),
      c(SCT, '419993007', 'Intravenous peripheral route', 'unverified'),
    ],
    textMatch: ['intravenous', 'IV', 'IVPB', 'intravenously'],
  },
  {
    slug: 'route-intramuscular',
    title: 'Intramuscular route',
    purpose: 'OR-2 step 1: a non-IV (off-label for depression) ketamine route.',
    source: 'revision-2 OR-2',
    date: ADDED,
    codes: [c(SCT, '78421000', 'Intramuscular route')],
    textMatch: ['intramuscular', 'IM', 'intramuscularly'],
  },
  {
    slug: 'route-oral',
    title: 'Oral route',
    purpose: 'OR-2 step 1: a non-IV ketamine route.',
    source: 'revision-2 OR-2 (26643006 is S)',
    date: ADDED,
    codes: [c(SCT, '26643006', 'Oral route', 'secondary')],
    textMatch: ['oral', 'PO', 'by mouth', 'orally'],
  },
  {
    slug: 'route-nasal',
    title: 'Nasal route',
    purpose: "OR-2: esketamine's labelled route; nasal racemic ketamine is a non-IV route.",
    source: 'revision-2 OR-2, SO-2',
    date: ADDED,
    codes: [c(SCT, '46713006', 'Nasal route')],
    textMatch: ['nasal', 'intranasal', 'intranasally', 'nasally'],
  },
  {
    slug: 'route-subcutaneous',
    title: 'Subcutaneous route',
    purpose: 'OR-2 step 1: a non-IV ketamine route.',
    source: 'revision-2 OR-2',
    date: ADDED,
    codes: [c(SCT, '34206005', 'Subcutaneous route')],
    textMatch: ['subcutaneous', 'subcutaneously', 'SC', 'SQ', 'subcut'],
  },
  {
    slug: 'route-sublingual',
    title: 'Sublingual route',
    purpose: 'OR-2 step 1: a non-IV ketamine route.',
    source: 'revision-2 OR-2 (37839007 is U)',
    date: ADDED,
    codes: [c(SCT, '37839007', 'Sublingual route', 'unverified')],
    textMatch: ['sublingual', 'SL', 'sublingually'],
  },
  // ---- Order review: the setting (OR-2 step 3) and the weight basis (OR-3) ----
  {
    slug: 'ketamine-out-of-scope-settings',
    title: 'Procedural, emergency or critical-care settings (ketamine not a TRD order)',
    purpose:
      'OR-2 step 3, KETAMINE_OUT_OF_SCOPE_SETTINGS: an encounter in one of these settings makes a ketamine draft without a TRD marker out of scope. Matched on Encounter.class (v3 ActCode EMER, the only class value), Encounter.type, Encounter.serviceType, Encounter.location[].physicalType and the location (a contained Location type, or the reference display), codes or the words below. A deployment extends this mapping (its own location and service codes).',
    source:
      'revision-2 OR-2 step 3 and Appendix A (local); EMER (V); v3 RoleCode ER, ICU, OR named as examples in OR-2, not traced to a primary source here (unverified)',
    date: ADDED,
    codes: [
      c(ACT_CODE, 'EMER', 'emergency'),
      c(ROLE_CODE, 'ER', 'Emergency room', 'unverified'),
      c(ROLE_CODE, 'ICU', 'Intensive care unit', 'unverified'),
      c(ROLE_CODE, 'OR', 'Operating room', 'unverified'),
    ],
    textMatch: [
      'emergency department',
      'emergency room',
      'operating room',
      'operating theatre',
      'operating theater',
      'theatre',
      'intensive care',
      'critical care',
      'ICU',
      'anaesthesia',
      'anesthesia',
      'anaesthetics',
      'anesthesiology',
      'procedural sedation',
      'emergency medicine',
    ],
  },
  {
    slug: 'body-height',
    title: 'Body height',
    purpose: 'OR-3: height for BMI and ideal body weight.',
    source: 'revision-2 OR-3, Appendix B (8302-2 V)',
    date: ADDED,
    codes: [c(LA, '8302-2', 'Body height')],
  },
  {
    slug: 'body-mass-index',
    title: 'Body mass index',
    purpose: 'OR-3: the obesity flag and weight basis.',
    source: 'revision-2 OR-3, Appendix B (39156-5 S)',
    date: ADDED,
    codes: [c(LA, '39156-5', 'Body mass index (BMI) [Ratio]', 'secondary')],
  },
  // ---- The patient's sex when no US Core birth sex is given (CI-4, OR-3) ----
  {
    slug: 'sex-female',
    title: 'Individual sex: female',
    purpose:
      'The US Core 9 individual-sex extension (us-core-individual-sex) value meaning female, read when a Patient gives no US Core birth sex (CI-4 child-bearing potential, OR-3 ideal body weight).',
    source: 'HL7 US Core 9',
    date: ADDED,
    codes: [c(SCT, '248152002', 'Female (finding)', 'secondary', 'HL7 US Core 9 input/examples/patient-example.json (us-core-individual-sex)')],
  },
  {
    slug: 'sex-male',
    title: 'Individual sex: male',
    purpose:
      'The US Core 9 individual-sex extension (us-core-individual-sex) value meaning male, read when a Patient gives no US Core birth sex (CI-4 child-bearing potential, OR-3 ideal body weight).',
    source: 'HL7 US Core 9',
    date: ADDED,
    codes: [
      c(
        SCT,
        '248153007',
        'Male (finding)',
        'unverified',
        'HL7 US Core 9 us-core-individual-sex binding (SNOMED finding); not seen in an example here: confirm on a terminology server',
      ),
    ],
  },
  // ---- Monitoring after a session (MO-11) and misuse safeguards (MO-13); local codes of trd-assessment ----
  {
    slug: 'moaas-score',
    title: 'MOAA/S sedation score (0-5)',
    purpose: 'MO-11 (revision 2): sedation checked after each session; discharge at MOAA/S 5 (DISCHARGE_MOAAS_MIN).',
    source: 'revision-2.md MO-11 and Appendix B assessment_instruments (local code moaas until LOINC exists); PI 5.1',
    date: ADDED,
    codes: [c(LOCAL, 'moaas', 'MOAA/S score')],
  },
  {
    slug: 'rass-score',
    title: 'RASS sedation score (-5 to +4)',
    purpose: 'MO-11 (revision 2): sedation checked after each session by RASS where MOAA/S is not used; discharge at RASS 0.',
    source: 'revision-2.md MO-11 and Appendix B assessment_instruments (local code rass until LOINC exists)',
    date: ADDED,
    codes: [c(LOCAL, 'rass', 'RASS score')],
  },
  {
    slug: 'dissociation-score',
    title: 'Dissociation score after a ketamine or esketamine session (CADSS)',
    purpose: 'MO-11 (revision 2): dissociation checked after each session.',
    source: 'revision-2.md MO-11 and Appendix B assessment_instruments (local code cadss-total until LOINC exists)',
    date: ADDED,
    codes: [c(LOCAL, 'cadss-total', 'CADSS total score')],
  },
  {
    slug: 'pdmp-review',
    title: 'Prescription drug monitoring program review',
    purpose: 'MO-13 (revision 2): a PDMP review at initiation and every MISUSE_REVIEW_DAYS during maintenance.',
    source: 'revision-2.md MO-13 and SO-11 (marked V there, but not traced to codes.json: Appendix C)',
    date: ADDED,
    codes: [
      c(
        SCT,
        '461621000124108',
        'Review of prescription drug monitoring program record',
        'unverified',
        'revision-2.md MO-13, SO-11; Appendix C (not traced to codes.json)',
      ),
    ],
  },
  {
    slug: 'urine-drug-screen',
    title: 'Urine drug screen',
    purpose: 'MO-13 (revision 2): a urine drug screen at initiation and every MISUSE_REVIEW_DAYS during maintenance.',
    source:
      'revision-2.md MO-13 and SO-11 (the local code of the order template; the deployment maps it to a code of the CDC urine drug screening tests value set)',
    date: ADDED,
    codes: [c(LOCAL, 'urine-drug-screen', 'Urine drug screen')],
  },
  // ---- Treatment attempts: an antidepressant given for another indication (EL-2.3) ----
  {
    slug: 'anxiety-ocd-trauma-disorders',
    title: 'Anxiety, obsessive-compulsive or trauma disorder (as the reason for an antidepressant)',
    purpose:
      "EL-2.3: an antidepressant prescribed for one of these while a depressive disorder is active is undecided ('confirm the trial targeted depression'), not excluded.",
    source: "revision-2.md EL-2.3 (F40-F42, F43.1x); SNOMED concepts as SMART's Synthea R4 sample data codes them (secondary)",
    date: ADDED,
    codes: [
      c(SCT, '47505003', 'Posttraumatic stress disorder', 'secondary', `${SYNTHEA} (reasonReference of sertraline)`),
      c(SCT, '197480006', 'Anxiety disorder', 'secondary', SYNTHEA),
    ],
    icdFamilies: [
      { code: 'F40', display: 'Phobic anxiety disorders', verification: 'verified', source: 'revision-2.md EL-2.3' },
      { code: 'F41', display: 'Other anxiety disorders', verification: 'verified', source: 'revision-2.md EL-2.3' },
      { code: 'F42', display: 'Obsessive-compulsive disorder', verification: 'verified', source: 'revision-2.md EL-2.3' },
      { code: 'F43.1', display: 'Post-traumatic stress disorder', verification: 'verified', source: 'revision-2.md EL-2.3' },
    ],
  },
];
