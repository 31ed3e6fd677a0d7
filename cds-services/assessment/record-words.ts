/**
 * Records named as a clinician finds them in the chart (revision-2 CD-6): drug, dose and date; a
 * diagnosis's display, code and date; an observation's value and date. Never the resource id, which a
 * clinician cannot look up: references stay in the machine-readable assessment extension only.
 */
import { VS } from './concepts.js';
import { codedValue, isoDay, numericValue, parseFhirDate, textValue, valueUnit } from './fhir-read.js';
import { allBloodPressureReadings, bloodPressureText } from './observations.js';
import type { MedicationUse, PatientRecord, RecordIndex } from './record.js';

type AnyCoded = { text?: unknown; coding?: { code?: unknown; display?: unknown }[] } | undefined;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** A concept's words: its text, else a coding's display. */
function conceptWords(c: AnyCoded): string | undefined {
  if (!c) return undefined;
  return str(c.text) ?? (Array.isArray(c.coding) ? c.coding.map((x) => str(x?.display)).find(Boolean) : undefined);
}

/** The first code a concept carries, for "coded <code>" when it has no words. */
const firstCode = (c: AnyCoded): string | undefined => (Array.isArray(c?.coding) ? c.coding.map((x) => str(x?.code)).find(Boolean) : undefined);

const dayOf = (v: unknown): string | undefined => {
  const d = parseFhirDate(v);
  return d ? isoDay(d) : undefined;
};

const MEDICATION_KIND: Record<string, string> = {
  MedicationRequest: 'medication order',
  MedicationStatement: 'medication statement',
  MedicationDispense: 'medication dispense',
  MedicationAdministration: 'medication administration',
};

/** The fields the four medication resources name their drug, dose and date with. */
interface MedicationRecord {
  authoredOn?: string;
  effectivePeriod?: fhir4.Period;
  effectiveDateTime?: string;
  whenHandedOver?: string;
  dateAsserted?: string;
  dosageInstruction?: fhir4.Dosage[];
  dosage?: fhir4.Dosage[] | fhir4.MedicationAdministrationDosage;
  medicationCodeableConcept?: fhir4.CodeableConcept;
  medicationReference?: fhir4.Reference;
}

function medicationWords(r: MedicationRecord, type: string, name: string | undefined): string {
  const date = dayOf(
    r.authoredOn ??
      r.effectivePeriod?.start ??
      r.effectiveDateTime ??
      r.whenHandedOver ??
      r.dateAsserted ??
      r.dosageInstruction?.[0]?.timing?.repeat?.boundsPeriod?.start,
  );
  const dose = str(r.dosageInstruction?.[0]?.text ?? (Array.isArray(r.dosage) ? r.dosage[0]?.text : r.dosage?.text));
  const kind = MEDICATION_KIND[type] ?? 'medication record';
  if (name) return `${name} (${[kind.replace('medication ', ''), date].filter(Boolean).join(' of ')})`;
  const code = firstCode(r.medicationCodeableConcept);
  const reference = str(r.medicationReference?.display);
  const drug = reference ? `named '${reference}'` : code ? `coded ${code} (not recognised)` : 'that names no drug';
  return `a ${kind}${date ? ` of ${date}` : ''}${dose ? ` (${dose})` : ''} ${drug}`;
}

/** A unit as a clinician writes it after a value: none for a UCUM annotation ("{score}"), "72/min", "80 kg". */
function unitWords(unit: string | undefined): string {
  if (!unit || unit.startsWith('{')) return '';
  return unit.startsWith('/') || unit === '%' ? unit : ` ${unit}`;
}

function observationWords(o: fhir4.Observation, shortName: string | undefined): string {
  const name = shortName ?? conceptWords(o.code) ?? (firstCode(o.code) ? `observation ${firstCode(o.code)}` : 'an observation');
  const n = numericValue(o);
  const value = n !== undefined ? `${n}${unitWords(valueUnit(o))}` : (textValue(o) ?? conceptWords(codedValue(o)));
  const date = dayOf(o.effectiveDateTime ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start ?? o.effectiveInstant ?? o.issued);
  return `${name}${value ? ` ${value}` : ''}${date ? ` on ${date}` : ''}`;
}

function conditionWords(c: fhir4.Condition): string {
  const name = conceptWords(c.code) ?? 'a condition';
  const code = firstCode(c.code);
  const date = dayOf(c.onsetDateTime ?? c.onsetPeriod?.start ?? c.recordedDate);
  const inBrackets = [code !== name ? code : undefined, date].filter(Boolean).join(', ');
  return inBrackets ? `${name} (${inBrackets})` : name;
}

/** What one resource is, in words. `name` is the reading layer's name for it (the drug identified, "PHQ-9"), if any. */
function resourceWords(r: fhir4.Resource, name: string | undefined): string {
  const any = r as fhir4.Resource & { code?: AnyCoded; performedDateTime?: string; recordedDate?: string; authored?: string };
  switch (r.resourceType) {
    case 'Patient':
      return "the patient's demographics";
    case 'Condition':
      return conditionWords(r as fhir4.Condition);
    case 'Observation':
      return observationWords(r as fhir4.Observation, name);
    case 'MedicationRequest':
    case 'MedicationStatement':
    case 'MedicationDispense':
    case 'MedicationAdministration':
      return medicationWords(r as MedicationRecord, r.resourceType, name);
    case 'Device': {
      // An implant is named as recorded (Device.type, else its deviceName): "Spinal cord stimulator", not "a device record" (CD-6).
      const d = r as fhir4.Device;
      const deviceName = (Array.isArray(d.deviceName) ? d.deviceName : []).map((n) => str(n?.name)).find(Boolean);
      return conceptWords(d.type as AnyCoded) ?? deviceName ?? 'a device record';
    }
    case 'QuestionnaireResponse': {
      const date = dayOf(any.authored);
      return `a questionnaire response${date ? ` of ${date}` : ''}`;
    }
    default: {
      const name = conceptWords(any.code) ?? `a ${r.resourceType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} record`;
      const date = dayOf(any.performedDateTime ?? any.recordedDate);
      return `${name}${date ? ` (${date})` : ''}`;
    }
  }
}

/**
 * A reference named by its kind only ("a medication request record"), for a record not in hand: card text
 * never names a resource by id (CD-6); every reference is in the assessment extension.
 */
export const recordKind = (reference: string): string => {
  const type = reference.split('/')[0] ?? '';
  return /^[A-Z][A-Za-z]+$/.test(type) ? `a ${type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} record` : 'a record';
};

const SECTIONS: readonly (keyof Omit<PatientRecord, 'medications' | 'otherPatient' | 'unattributable'>)[] = [
  'patient',
  'conditions',
  'observations',
  'medicationRequests',
  'medicationStatements',
  'medicationDispenses',
  'medicationAdministrations',
  'procedures',
  'devices',
  'allergies',
  'questionnaireResponses',
];

/**
 * A reference (`MedicationRequest/313757847`) as a clinician finds that record: "sertraline 100 mg oral
 * tablet (order of 2026-02-03)", "PHQ-9 18 on 2026-11-10", "a medication order of 2026-02-03 (1 tab, Oral,
 * Daily) coded 1991302 (not recognised)". A reference to nothing in the record is named by its kind
 * ("a medication request record"), never by its id.
 */
export function recordWords(index: RecordIndex, reference: string): string {
  const byRef = index.once('record-words', () => {
    const map = new Map<string, fhir4.Resource>();
    for (const s of SECTIONS) for (const r of index.record[s].items as fhir4.Resource[]) if (r?.id) map.set(`${r.resourceType}/${r.id}`, r);
    return map;
  });
  const r = byRef.get(reference);
  if (!r) return recordKind(reference);
  if (r.resourceType === 'Observation') {
    // A BP as its reading names it ("BP 128/82 mmHg on <date>"), from the one BP reader.
    const bp = allBloodPressureReadings(index).find((b) => b.evidence.includes(reference));
    if (bp) return `BP ${bloodPressureText(bp)} on ${isoDay(bp.date)}`;
    return resourceWords(r, shortObservationName(index, reference));
  }
  const use = index.medicationUses.find((u) => u.ref === reference);
  return resourceWords(r, use ? drugName(use) : undefined);
}

/** The drug a medication record was identified as: its own words, else the catalogue's name; none when unidentified. */
function drugName(use: MedicationUse): string | undefined {
  if (use.identification === 'unidentified') return undefined;
  if (use.text) return use.text;
  const m = use.match;
  return m?.kind === 'ingredient' ? m.name : m?.kind === 'product' ? m.product.display : undefined;
}

/** Observations named the way the cards name them (their LOINC displays run to 60 characters). */
const SHORT_NAMES: readonly [string, string][] = [
  [VS.phq9Total, 'PHQ-9'],
  [VS.madrsTotal, 'MADRS'],
  [VS.gad7Total, 'GAD-7'],
  [VS.heartRate, 'HR'],
  [VS.oxygenSaturation, 'SpO2'],
  [VS.bodyWeight, 'weight'],
  [VS.hcgTests, 'hCG'],
];

function shortObservationName(index: RecordIndex, reference: string): string | undefined {
  return SHORT_NAMES.find(([url]) => index.observations(url).some((o) => o.ref === reference))?.[1];
}

/** Several references in words, each once. */
export const recordsInWords = (index: RecordIndex, references: readonly string[]): string[] => [...new Set(references.map((ref) => recordWords(index, ref)))];
