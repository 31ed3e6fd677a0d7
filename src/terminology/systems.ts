/**
 * Code-system URIs and the project's canonical base: the one file where these strings live.
 * Clinical codes themselves live in fhir-profiles/ as ValueSets, never here.
 */
export const CANONICAL_BASE = 'https://trd-cds.org/fhir';

export const SYSTEM = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  /** WHO ICD-10 (non-US records): read as ICD-10-CM where the code means the same (Terminology). */
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  cpt: 'http://www.ama-assn.org/go/cpt',
  hcpcs: 'urn:oid:2.16.840.1.113883.6.285',
  ndc: 'http://hl7.org/fhir/sid/ndc',
  ucum: 'http://unitsofmeasure.org',
  observationInterpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  medicationRequestCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
  cardOverrideReason: `${CANONICAL_BASE}/CodeSystem/override-reason`,
  trdAssessment: `${CANONICAL_BASE}/CodeSystem/trd-assessment`,
  orderOrigin: `${CANONICAL_BASE}/CodeSystem/order-origin`,
} as const;

/**
 * Other spellings of the same systems that real EHR data carries (OIDs, the CMS HCPCS URI),
 * mapped to the canonical URI above.
 */
export const SYSTEM_ALIASES: Readonly<Record<string, string>> = {
  'urn:oid:2.16.840.1.113883.6.90': SYSTEM.icd10cm,
  'http://hl7.org/fhir/sid/icd-10-cm/': SYSTEM.icd10cm,
  'urn:oid:2.16.840.1.113883.6.3': SYSTEM.icd10,
  'urn:oid:2.16.840.1.113883.6.96': SYSTEM.snomed,
  'http://snomed.info/sct/': SYSTEM.snomed,
  'urn:oid:2.16.840.1.113883.6.1': SYSTEM.loinc,
  'http://loinc.org/': SYSTEM.loinc,
  'urn:oid:2.16.840.1.113883.6.88': SYSTEM.rxnorm,
  'urn:oid:2.16.840.1.113883.6.12': SYSTEM.cpt,
  'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets': SYSTEM.hcpcs,
  'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets': SYSTEM.hcpcs,
  'urn:oid:2.16.840.1.113883.6.69': SYSTEM.ndc,
  'http://hl7.org/fhir/v3/ObservationInterpretation': SYSTEM.observationInterpretation,
};

/** Extensions the project defines on ValueSet concepts. */
export const EXT = {
  codeVerification: `${CANONICAL_BASE}/StructureDefinition/code-verification`,
  codeSource: `${CANONICAL_BASE}/StructureDefinition/code-source`,
  textMatch: `${CANONICAL_BASE}/StructureDefinition/text-match`,
  /**
   * Words that together name the concept in any order and form: each must begin a word of the text
   * ("aneurysm clip" matches "Clipping of intracranial aneurysm" and "CRANIOTOMY, ANEURYSM CLIPPING").
   */
  textMatchWords: `${CANONICAL_BASE}/StructureDefinition/text-match-words`,
  /**
   * Words that name something else although they contain this ValueSet's words: they are set aside before its
   * words are matched ("Ketanest S" is esketamine, so it never names ketamine by its "Ketanest").
   */
  textMatchNot: `${CANONICAL_BASE}/StructureDefinition/text-match-not`,
  /** A whole result given as text that means this ValueSet's answer ("Positive", "not detected"); matched exactly, case-insensitive. */
  resultText: `${CANONICAL_BASE}/StructureDefinition/result-text`,
  ordinalValue: 'http://hl7.org/fhir/StructureDefinition/ordinalValue',
} as const;

export const valueSetUrl = (slug: string): string => `${CANONICAL_BASE}/ValueSet/${slug}`;

/** US Core birth sex (CI-4 child-bearing potential reads it before administrative gender). */
export const EXT_US_CORE_BIRTH_SEX = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex';
/** US Core 9 individual sex: a SNOMED finding (Female / Male), read when no birth sex is given. */
export const EXT_US_CORE_INDIVIDUAL_SEX = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-individual-sex';
