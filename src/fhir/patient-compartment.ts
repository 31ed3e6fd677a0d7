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

export type Belonging = 'context-patient' | 'other-patient' | 'unattributable' | 'unattributed';

/** What the call knows of the context patient besides its id: the names a Bundle gives it, and its identifiers. */
export interface KnownPatient {
  /** The `fullUrl`s under which a Bundle carried the patient (for `urn:uuid:` references). */
  readonly aliases?: ReadonlySet<string>;
  /** `Patient.identifier` values by system (an MRN system and its value, say). */
  readonly identifiers?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * The call's `fhirServer`: an absolute reference is to the context patient only on this base (or on
   * the base of one of `aliases`). A logical id is unique on its server only (FHIR R4 References 2.3.0).
   */
  readonly serverBase?: string;
}

const PATIENT_REFERENCE = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/;

/**
 * Whose a resource is: the context patient's, another patient's, unattributable (a resource about a
 * patient that names none this call can tie to anyone: no subject, a subject with only a display,
 * or an identifier in a system the context patient has no identifier in), or unattributed (a type
 * that is about no patient, such as Medication).
 *
 * A literal reference names the context patient when it is `Patient/<id>` (relative, or versioned),
 * absolute on the call's own base (`known.serverBase`, or the base of a Bundle's `fullUrl` for the
 * patient in `known.aliases`), `urn:uuid:<id>` (a Bundle-local reference whose uuid is the patient's id,
 * as Synthea writes it), or one of `known.aliases`. Any other reference string, including a Group or
 * a Patient of another id, is another patient's; so is `Patient/<id>` on another server
 * (`https://other-hospital.example/fhir/Patient/p7` is not this server's p7: logical ids are unique on
 * their own server only, and records aggregated from other organisations carry such references). A logical reference (`identifier` only, as HIE
 * aggregators write it) is the context patient's when its system and value are one of
 * `known.identifiers`, another patient's when the patient has an identifier in that system with
 * another value (MRN 99999 where the patient is MRN 12345).
 */
export function belongingOf(resource: fhir4.Resource, patientId: string, known: KnownPatient = {}): Belonging {
  if (resource.resourceType === 'Patient') return resource.id === patientId ? 'context-patient' : 'other-patient';
  const element = PATIENT_ELEMENT[resource.resourceType];
  if (!element) return 'unattributed';
  const subject = (resource as unknown as Record<string, { reference?: unknown; identifier?: unknown } | undefined>)[element];
  const reference = subject?.reference;
  if (typeof reference !== 'string' || reference.trim() === '') return byIdentifier(subject?.identifier, known.identifiers);
  // The common shape first, without a regular expression: most references are exactly `Patient/<id>`.
  if (reference.length === patientId.length + 8 && reference.startsWith('Patient/') && reference.endsWith(patientId)) return 'context-patient';
  if (known.aliases?.has(reference)) return 'context-patient';
  // Synthea and other generators write every subject as `urn:uuid:<Patient.id>`: that uuid is the patient's own id.
  if (reference.startsWith('urn:uuid:') && reference.slice(9).toLowerCase() === patientId.toLowerCase()) return 'context-patient';
  const path = reference.split(/[?#]/)[0]!;
  const m = PATIENT_REFERENCE.exec(path);
  if (m?.[1] !== patientId) return 'other-patient';
  if (!ABSOLUTE.test(path)) return 'context-patient';
  return onOwnServer(path.slice(0, m.index), known) ? 'context-patient' : 'other-patient';
}

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * A FHIR base compared as a server: host (with a non-default port) and path, without the trailing
 * slash; case-insensitive in the host only. The scheme is not compared: `http://ehr/fhir` behind a
 * TLS-terminating proxy is the same server as `https://ehr/fhir`. Undefined for what is not a URL.
 */
export function normalisedBase(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    // URL drops a default port and lower-cases the host itself.
    return `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

/** Whether `base` (an absolute reference up to `Patient/`) is the call's FHIR server or a base the Bundle gave the patient. */
function onOwnServer(base: string, known: KnownPatient): boolean {
  const candidate = normalisedBase(base);
  if (candidate === undefined) return false;
  if (known.serverBase !== undefined && normalisedBase(known.serverBase) === candidate) return true;
  for (const alias of known.aliases ?? []) {
    const m = PATIENT_REFERENCE.exec(alias.split(/[?#]/)[0]!);
    if (m && ABSOLUTE.test(alias) && normalisedBase(alias.slice(0, m.index)) === candidate) return true;
  }
  return false;
}

function byIdentifier(identifier: unknown, identifiers: KnownPatient['identifiers']): Belonging {
  const { system, value } = (identifier ?? {}) as { system?: unknown; value?: unknown };
  if (typeof system !== 'string' || typeof value !== 'string' || !identifiers) return 'unattributable';
  const values = identifiers.get(system);
  if (!values) return 'unattributable';
  return values.has(value) ? 'context-patient' : 'other-patient';
}

/**
 * The `fullUrl`s under which a Bundle carries the context patient (for `urn:uuid:` references). A
 * RESTful fullUrl naming another Patient id (`.../Patient/p2` on Patient p1) contradicts the resource
 * (FHIR R4 requires them to agree) and is no alias: it would let p2's data in as p1's.
 */
export function patientAliases(bundle: fhir4.Bundle, patientId: string): Set<string> {
  const aliases = new Set<string>();
  for (const e of Array.isArray(bundle.entry) ? bundle.entry : []) {
    if (e?.resource?.resourceType !== 'Patient' || e.resource.id !== patientId || typeof e.fullUrl !== 'string') continue;
    const named = PATIENT_REFERENCE.exec(e.fullUrl.split(/[?#]/)[0]!)?.[1];
    if (named === undefined || named === patientId) aliases.add(e.fullUrl);
  }
  return aliases;
}

/** Adds the context Patient's identifiers (system and value) to `into`; other Patients and other types are skipped. */
export function addPatientIdentifiers(resource: fhir4.Resource, patientId: string, into: Map<string, Set<string>>): void {
  if (resource.resourceType !== 'Patient' || resource.id !== patientId) return;
  const list: unknown = (resource as fhir4.Patient).identifier;
  if (!Array.isArray(list)) return;
  for (const i of list as unknown[]) {
    const { system, value } = (i ?? {}) as { system?: unknown; value?: unknown };
    if (typeof system !== 'string' || typeof value !== 'string') continue;
    let values = into.get(system);
    if (!values) into.set(system, (values = new Set()));
    values.add(value);
  }
}

export interface PatientFilterResult {
  kept: fhir4.Resource[];
  /** How many resources named another patient, and of which types (for the log and the assessment; no ids). */
  otherPatient: number;
  otherPatientTypes: string[];
  /** How many resources about a patient named none this call can tie to anyone (no subject, a display only). */
  unattributable: number;
}

/**
 * Keeps the context patient's resources and those about no patient; counts those of anyone else
 * and those that cannot be tied to a patient, and leaves both out: only the patient in context
 * reaches a rule, and a reading that may be someone else's is not this patient's fact.
 */
export function keepContextPatient(resources: readonly fhir4.Resource[], patientId: string, known?: KnownPatient): PatientFilterResult {
  let kept: fhir4.Resource[] | undefined;
  const types = new Set<string>();
  let otherPatient = 0;
  let unattributable = 0;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    const belonging = belongingOf(r, patientId, known);
    if (belonging === 'other-patient' || belonging === 'unattributable') {
      kept ??= resources.slice(0, i);
      if (belonging === 'other-patient') {
        otherPatient++;
        types.add(r.resourceType);
      } else unattributable++;
    } else kept?.push(r);
  }
  return { kept: kept ?? (resources as fhir4.Resource[]), otherPatient, otherPatientTypes: [...types].sort(), unattributable };
}
