import type { Terminology } from '../../src/terminology/terminology.js';
import { SAFETY_VITAL_SIGNS, VS } from './concepts.js';
import type { RecordType } from './record.js';
import type { Thresholds } from './thresholds.js';

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
  ...SAFETY_VITAL_SIGNS,
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

/** The medication searches, and the type each names its drug reference on (`<Type>:medication`). */
const MEDICATION_KEYS = {
  medicationStatements: 'MedicationStatement',
  medicationRequests: 'MedicationRequest',
  medicationDispenses: 'MedicationDispense',
  medicationAdministrations: 'MedicationAdministration',
} as const;

const DAY_MS = 86_400_000;

/**
 * What the service adds to its own queries (never to the advertised templates, which stay CDS Hooks
 * 2.0 templates): each medication search asks the server to include the Medications it references
 * (`_include=<Type>:medication`, so a drug named by reference costs no extra round trip where the
 * server supports it; one that refuses it with 400 is asked the plain query), and the Observation
 * search asks only for the look-back the rules read (`date=ge<today - reading.observationSearchFloorDays>`),
 * newest first, and the QuestionnaireResponse search the same floor on `authored`. One object per UTC day, reused by every call of that day.
 */
export function trdFetchRefinements(thresholds: Thresholds): (now: Date) => Readonly<Record<string, string>> {
  const floorDays = thresholds.reading.observationSearchFloorDays.value;
  const includes = Object.fromEntries(Object.entries(MEDICATION_KEYS).map(([key, type]) => [key, `&_include=${type}:medication`]));
  let floor = '';
  let refinements: Readonly<Record<string, string>> = {};
  return (now) => {
    const day = new Date(now.getTime() - floorDays * DAY_MS).toISOString().slice(0, 10);
    if (day !== floor) {
      floor = day;
      // Questionnaire responses (PHQ-9 as a form) are scores like the observations: the same floor, on `authored`.
      refinements = Object.freeze({ ...includes, observations: `&date=ge${day}`, questionnaireResponses: `&authored=ge${day}` });
    }
    return refinements;
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
