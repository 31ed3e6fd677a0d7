import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from './concepts.js';
import type { RecordType } from './record.js';

/** Observations the rules read: filtering by code keeps the payload to what is needed. */
const OBSERVATION_CONCEPTS = [
  VS.phq9Total,
  VS.phq9Item9,
  VS.phq9Panel,
  VS.phq9Items,
  VS.madrsTotal,
  VS.gad7Total,
  VS.cssrsIdeationSeverity,
  VS.cssrsScreenerHighRiskItems,
  VS.bloodPressurePanel,
  VS.systolicBp,
  VS.diastolicBp,
  VS.heartRate,
  VS.oxygenSaturation,
  VS.bodyWeight,
  VS.bodyHeight,
  VS.bodyMassIndex,
  VS.pregnancyStatusObservation,
  VS.hcgTests,
  VS.cssrsAssessments,
  VS.suicideRiskAssessment,
  VS.tmsSafetyScreen,
  VS.lactation,
];

/**
 * Searches ask for up to this many resources a page. Servers cap `_count` (Oracle Health at 200 for
 * most types); one page for a typical record means one round trip, and longer records page.
 */
const PAGE_SIZE = 200;

/**
 * The prefetch templates every TRD service declares (CDS Hooks 2.0 allowed forms: instance read,
 * search by patient, token list, `_count`). The spec has no date arithmetic, so look-backs are applied
 * by the rules; observations are cut to the codes the rules read.
 */
export function trdPrefetch(terminology: Terminology): Record<string, string> {
  const codes = OBSERVATION_CONCEPTS.flatMap((url) => terminology.codes(url).map((c) => `${c.system}|${c.code}`));
  const search = (type: string, filter = '') => `${type}?patient={{context.patientId}}${filter}&_count=${PAGE_SIZE}`;
  return {
    patient: 'Patient/{{context.patientId}}',
    conditions: search('Condition'),
    medicationStatements: search('MedicationStatement'),
    medicationRequests: search('MedicationRequest'),
    medicationDispenses: search('MedicationDispense'),
    medicationAdministrations: search('MedicationAdministration'),
    // Newest first: when a long vitals history pages past FHIR_MAX_PAGES, what was read is the recent part.
    observations: search('Observation', `&code=${[...new Set(codes)].join(',')}&_sort=-date`),
    procedures: search('Procedure'),
    devices: search('Device'),
    allergies: search('AllergyIntolerance'),
    questionnaireResponses: search('QuestionnaireResponse'),
  };
}

/** Which resource types each prefetch key supplies (Medication resources may ride along). */
export const KEY_TYPES: Readonly<Record<string, readonly RecordType[]>> = {
  patient: ['Patient'],
  conditions: ['Condition'],
  medicationStatements: ['MedicationStatement'],
  medicationRequests: ['MedicationRequest'],
  medicationDispenses: ['MedicationDispense'],
  medicationAdministrations: ['MedicationAdministration'],
  observations: ['Observation'],
  procedures: ['Procedure'],
  devices: ['Device'],
  allergies: ['AllergyIntolerance'],
  questionnaireResponses: ['QuestionnaireResponse'],
};

/** Without these the service cannot answer at all: 412 when neither prefetched nor fetchable. */
export const REQUIRED_KEYS = ['patient', 'conditions'] as const;
