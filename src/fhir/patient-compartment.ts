/**
 * Which patient a resource is about, so that only the patient in context reaches the rules.
 * EHRs and sandboxes do send other patients' resources (a prefetch Bundle of a ward list, a search
 * the server did not filter): each resource's own patient reference decides, never the query.
 */

/** The element naming the patient, per type (FHIR R4 Patient compartment, for the types read here). */
const PATIENT_ELEMENT: Readonly<Record<string, string>> = {
  AllergyIntolerance: 'patient',
  Condition: 'subject',
  Device: 'patient',
  DiagnosticReport: 'subject',
  Encounter: 'subject',
  Immunization: 'patient',
  MedicationAdministration: 'subject',
  MedicationDispense: 'subject',
  MedicationRequest: 'subject',
  MedicationStatement: 'subject',
  Observation: 'subject',
  Procedure: 'subject',
  QuestionnaireResponse: 'subject',
  ServiceRequest: 'subject',
};

export type Belonging = 'context-patient' | 'other-patient' | 'unattributed';

const PATIENT_REFERENCE = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/;

/**
 * Whose a resource is: the context patient's, another patient's, or unattributed (no patient
 * reference at all, or a type that is about no patient, such as Medication).
 *
 * A reference names the context patient when it is `Patient/<id>` (relative, absolute on any base,
 * or versioned), `urn:uuid:<id>` (a Bundle-local reference whose uuid is the patient's id, as
 * Synthea writes it), or one of `aliases` (the `fullUrl`s under which a Bundle carried that patient). Any other reference string, including a Group or a Patient of another id,
 * is another patient's. A reference with only an identifier or display cannot be told and is
 * unattributed: it came back from a search by this patient, so it is kept.
 */
export function belongingOf(resource: fhir4.Resource, patientId: string, aliases?: ReadonlySet<string>): Belonging {
  if (resource.resourceType === 'Patient') return resource.id === patientId ? 'context-patient' : 'other-patient';
  const element = PATIENT_ELEMENT[resource.resourceType];
  if (!element) return 'unattributed';
  const reference = (resource as unknown as Record<string, { reference?: unknown } | undefined>)[element]?.reference;
  if (typeof reference !== 'string' || reference.trim() === '') return 'unattributed';
  // The common shape first, without a regular expression: most references are exactly `Patient/<id>`.
  if (reference.length === patientId.length + 8 && reference.startsWith('Patient/') && reference.endsWith(patientId)) return 'context-patient';
  if (aliases?.has(reference)) return 'context-patient';
  // Synthea and other generators write every subject as `urn:uuid:<Patient.id>`: that uuid is the patient's own id.
  if (reference.startsWith('urn:uuid:') && reference.slice(9).toLowerCase() === patientId.toLowerCase()) return 'context-patient';
  const m = PATIENT_REFERENCE.exec(reference.split(/[?#]/)[0]!);
  return m?.[1] === patientId ? 'context-patient' : 'other-patient';
}

/** The `fullUrl`s under which a Bundle carries the context patient (for `urn:uuid:` references). */
export function patientAliases(bundle: fhir4.Bundle, patientId: string): Set<string> {
  const aliases = new Set<string>();
  for (const e of Array.isArray(bundle.entry) ? bundle.entry : []) {
    if (e?.resource?.resourceType === 'Patient' && e.resource.id === patientId && typeof e.fullUrl === 'string') aliases.add(e.fullUrl);
  }
  return aliases;
}

export interface PatientFilterResult {
  kept: fhir4.Resource[];
  /** How many resources named another patient, and of which types (for the log and the assessment; no ids). */
  otherPatient: number;
  otherPatientTypes: string[];
}

/** Keeps the context patient's resources and unattributed ones; counts those of anyone else. */
export function keepContextPatient(resources: readonly fhir4.Resource[], patientId: string, aliases?: ReadonlySet<string>): PatientFilterResult {
  let kept: fhir4.Resource[] | undefined;
  const types = new Set<string>();
  let otherPatient = 0;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    if (belongingOf(r, patientId, aliases) === 'other-patient') {
      kept ??= resources.slice(0, i);
      otherPatient++;
      types.add(r.resourceType);
    } else kept?.push(r);
  }
  return { kept: kept ?? (resources as fhir4.Resource[]), otherPatient, otherPatientTypes: [...types].sort() };
}
