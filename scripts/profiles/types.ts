/**
 * The shape of a ValueSet definition as scripts/build-fhir-profiles.ts reads it, shared by the
 * definition files in this folder.
 */
export type Verification = 'verified' | 'secondary' | 'inferred' | 'unverified';

export interface ProfileCode {
  system: string;
  code: string;
  display: string;
  /** Where the code was seen (the code-source extension). Absent: the ValueSet's own source names it. */
  source?: string;
  verification: Verification;
  ordinal?: number;
}

export interface ProfileDef {
  slug: string;
  title: string;
  purpose: string;
  source: string;
  /** ValueSet.date when it differs from the build's (the day a later rule added the ValueSet). */
  date?: string;
  codes: ProfileCode[];
  /** ICD-10-CM families matched by code prefix (FHIR `is-a` filter). */
  icdFamilies?: {
    code: string;
    display: string;
    verification: Verification;
    /** Where the family is named, when not the ValueSet's source. */ source?: string;
  }[];
  /** Exact codes excluded from the families (e.g. G45.4 from G45). */
  exclude?: { system: string; code: string }[];
  /** Words matched in CodeableConcept.text / display where the reference says codes alone miss real data. */
  textMatch?: string[];
  /** Phrases set aside before `textMatch` is tried: another concept's name that contains its words ("ketanest s"). */
  textMatchNot?: string[];
  /** Words that together name the concept in any order and form (each begins a word of the text). */
  textMatchWords?: string[];
  /** Whole results given as text that mean this ValueSet's answer ("Positive", "not detected"). */
  resultText?: string[];
}
