/**
 * Small typed builders for test patients. Dates are relative to the test clock (TEST_NOW) so a
 * scenario reads "weight 12 days ago", not a calendar date.
 */
import { TEST_NOW } from '../helpers/app.js';

export const NOW = new Date(TEST_NOW);
export const SYS = {
  icd: 'http://hl7.org/fhir/sid/icd-10-cm',
  sct: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  rx: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  ndc: 'http://hl7.org/fhir/sid/ndc',
  cpt: 'http://www.ama-assn.org/go/cpt',
  local: 'https://trd-cds.org/fhir/CodeSystem/trd-assessment',
  ucum: 'http://unitsofmeasure.org',
};

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${++seq}`;

export function daysAgo(n: number): string {
  return new Date(NOW.getTime() - n * 86_400_000).toISOString();
}
export const dateAgo = (n: number) => daysAgo(n).slice(0, 10);
const cc = (system: string, code: string, display?: string): fhir4.CodeableConcept => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });
const PATIENT_REF = { reference: 'Patient/p1' };

export function patient(p: { gender?: fhir4.Patient['gender']; age?: number; birthDate?: string | null } = {}): fhir4.Patient {
  const birthDate = p.birthDate === null ? undefined : (p.birthDate ?? `${NOW.getUTCFullYear() - (p.age ?? 45)}-03-01`);
  return { resourceType: 'Patient', id: 'p1', gender: p.gender ?? 'male', ...(birthDate ? { birthDate } : {}) };
}

export function condition(
  system: string,
  code: string,
  o: { status?: string; verification?: string; onsetDaysAgo?: number; abatedDaysAgo?: number; recordedDaysAgo?: number; id?: string } = {},
): fhir4.Condition {
  return {
    resourceType: 'Condition',
    id: o.id ?? nextId('cond'),
    subject: PATIENT_REF,
    code: cc(system, code),
    ...(o.status !== 'none' ? { clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/condition-clinical', o.status ?? 'active') } : {}),
    ...(o.verification ? { verificationStatus: cc('http://terminology.hl7.org/CodeSystem/condition-ver-status', o.verification) } : {}),
    ...(o.onsetDaysAgo !== undefined ? { onsetDateTime: daysAgo(o.onsetDaysAgo) } : {}),
    ...(o.abatedDaysAgo !== undefined ? { abatementDateTime: daysAgo(o.abatedDaysAgo) } : {}),
    ...(o.recordedDaysAgo !== undefined ? { recordedDate: daysAgo(o.recordedDaysAgo) } : {}),
  };
}
export const icd = (code: string, o?: Parameters<typeof condition>[2]) => condition(SYS.icd, code, o);
export const sct = (code: string, o?: Parameters<typeof condition>[2]) => condition(SYS.sct, code, o);

function observation(
  code: fhir4.CodeableConcept,
  days: number,
  value: Partial<fhir4.Observation>,
  status: fhir4.Observation['status'] = 'final',
): fhir4.Observation {
  return { resourceType: 'Observation', id: nextId('obs'), status, subject: PATIENT_REF, code, effectiveDateTime: daysAgo(days), ...value };
}
const score = (n: number): Partial<fhir4.Observation> => ({ valueQuantity: { value: n, system: SYS.ucum, code: '{score}' } });

export const obs = {
  phq9: (value: number, days = 3, status?: fhir4.Observation['status']) => observation(cc(SYS.loinc, '44261-6'), days, score(value), status),
  madrs: (value: number, days = 3) => observation(cc(SYS.local, 'madrs-total'), days, score(value)),
  gad7: (value: number, days = 3) => observation(cc(SYS.loinc, '70274-6'), days, score(value)),
  phq9Item9: (answer: string, days = 1) => observation(cc(SYS.loinc, '44260-8'), days, { valueCodeableConcept: cc(SYS.loinc, answer) }),
  cssrsIdeation: (answer: string, days = 1) => observation(cc(SYS.loinc, '93293-9'), days, { valueCodeableConcept: cc(SYS.loinc, answer) }),
  bpPanel: (systolic: number, diastolic: number, days = 2) =>
    observation(cc(SYS.loinc, '85354-9'), days, {
      component: [
        { code: cc(SYS.loinc, '8480-6'), valueQuantity: { value: systolic, system: SYS.ucum, code: 'mm[Hg]' } },
        { code: cc(SYS.loinc, '8462-4'), valueQuantity: { value: diastolic, system: SYS.ucum, code: 'mm[Hg]' } },
      ],
    }),
  bpSeparate: (systolic: number, diastolic: number, days = 2) => [
    observation(cc(SYS.loinc, '8480-6'), days, { valueQuantity: { value: systolic, system: SYS.ucum, code: 'mm[Hg]' } }),
    observation(cc(SYS.loinc, '8462-4'), days, { valueQuantity: { value: diastolic, system: SYS.ucum, code: 'mm[Hg]' } }),
  ],
  heartRate: (value: number, days = 2) => observation(cc(SYS.loinc, '8867-4'), days, { valueQuantity: { value, system: SYS.ucum, code: '/min' } }),
  weight: (value: number, unit: 'kg' | 'g' | '[lb_av]' | '[oz_av]' = 'kg', days = 5) =>
    observation(cc(SYS.loinc, '29463-7'), days, { valueQuantity: { value, system: SYS.ucum, code: unit } }),
  hcg: (result: 'positive' | 'negative', days = 5) =>
    observation(cc(SYS.loinc, '2106-3'), days, { valueCodeableConcept: cc(SYS.sct, result === 'positive' ? '10828004' : '260385009') }),
  /** A qualitative hCG whose result is text only (`valueString`), as lab interfaces often send it. */
  hcgText: (valueString: string, days = 1) => observation(cc(SYS.loinc, '2106-3'), days, { valueString }),
  pregnancyStatus: (answer: string, days = 5) => observation(cc(SYS.loinc, '82810-3'), days, { valueCodeableConcept: cc(SYS.sct, answer) }),
  spo2: (value: number, days = 2) => observation(cc(SYS.loinc, '59408-5'), days, { valueQuantity: { value, system: SYS.ucum, code: '%' } }),
  /** A C-SSRS screener item (93249-1 intent, 93250-9 plan, 93269-9 behaviour) answered yes or no. */
  cssrsScreener: (item: string, yes: boolean, days = 1) =>
    observation(cc(SYS.loinc, item), days, { valueCodeableConcept: cc(SYS.loinc, yes ? 'LA33-6' : 'LA32-8') }),
  cssrsRiskLevel: (level: 'high' | 'moderate' | 'low', days = 1) =>
    observation(cc(SYS.loinc, '93374-7'), days, { valueCodeableConcept: { text: `${level} risk` } }),
  suicideRiskEvaluation: (days = 0.1, level?: 'high' | 'low') =>
    observation(cc(SYS.sct, '225337009'), days, level ? { valueCodeableConcept: { text: `${level} risk` } } : {}),
  /** A TMS safety screen Observation (revision-2 CI-10): the result, and one component per item answered yes. */
  tmsScreen: (result: 'no-contraindication' | 'needs-review' | 'contraindication-present', days = 3) =>
    observation(cc(SYS.local, 'tms-safety-screen'), days, { valueCodeableConcept: cc(SYS.local, result) }),
};

export interface DoseSpec {
  mg?: number;
  tablets?: number;
  perDay?: number;
}

function dosage(d: DoseSpec): fhir4.Dosage {
  const doseQuantity = d.mg !== undefined ? { value: d.mg, system: SYS.ucum, code: 'mg' } : { value: d.tablets ?? 1, system: SYS.ucum, code: '{tbl}' };
  return { timing: { repeat: { frequency: d.perDay ?? 1, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity }] };
}

/** A medication statement over [startDaysAgo, endDaysAgo]; `dose: null` leaves dosage out. */
export function medStatement(
  rxcui: string,
  o: { startDaysAgo: number; endDaysAgo?: number; dose?: DoseSpec | null; status?: fhir4.MedicationStatement['status']; display?: string },
): fhir4.MedicationStatement {
  return {
    resourceType: 'MedicationStatement',
    id: nextId('ms'),
    status: o.status ?? (o.endDaysAgo === undefined ? 'active' : 'completed'),
    subject: PATIENT_REF,
    medicationCodeableConcept: { coding: [{ system: SYS.rx, code: rxcui, ...(o.display ? { display: o.display } : {}) }] },
    effectivePeriod: { start: daysAgo(o.startDaysAgo), ...(o.endDaysAgo !== undefined ? { end: daysAgo(o.endDaysAgo) } : {}) },
    ...(o.dose === null ? {} : { dosage: [dosage(o.dose ?? { tablets: 1 })] }),
  };
}

export function medRequest(
  rxcui: string,
  o: { authoredDaysAgo: number; supplyDays?: number; refills?: number; dose?: DoseSpec; status?: fhir4.MedicationRequest['status']; text?: string },
): fhir4.MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: nextId('mr'),
    status: o.status ?? 'active',
    intent: 'order',
    subject: PATIENT_REF,
    authoredOn: daysAgo(o.authoredDaysAgo),
    medicationCodeableConcept: { coding: [{ system: SYS.rx, code: rxcui }], ...(o.text ? { text: o.text } : {}) },
    dosageInstruction: [dosage(o.dose ?? { tablets: 1 })],
    ...(o.supplyDays
      ? {
          dispenseRequest: {
            expectedSupplyDuration: { value: o.supplyDays, unit: 'days', system: SYS.ucum, code: 'd' },
            numberOfRepeatsAllowed: o.refills ?? 0,
          },
        }
      : {}),
  };
}

export function medDispense(rxcui: string, o: { daysAgo: number; quantity: number; daysSupply: number }): fhir4.MedicationDispense {
  return {
    resourceType: 'MedicationDispense',
    id: nextId('md'),
    status: 'completed',
    subject: PATIENT_REF,
    medicationCodeableConcept: { coding: [{ system: SYS.rx, code: rxcui }] },
    whenHandedOver: daysAgo(o.daysAgo),
    quantity: { value: o.quantity, system: SYS.ucum, code: '{tbl}' },
    daysSupply: { value: o.daysSupply, unit: 'days', system: SYS.ucum, code: 'd' },
  };
}

export function medAdministration(rxcui: string, o: { daysAgo: number; mg: number }): fhir4.MedicationAdministration {
  return {
    resourceType: 'MedicationAdministration',
    id: nextId('mad'),
    status: 'completed',
    subject: PATIENT_REF,
    medicationCodeableConcept: { coding: [{ system: SYS.rx, code: rxcui }] },
    effectiveDateTime: daysAgo(o.daysAgo),
    dosage: { dose: { value: o.mg, system: SYS.ucum, code: 'mg' } },
  };
}

export function procedure(system: string, code: string, o: { daysAgo?: number; status?: fhir4.Procedure['status'] } = {}): fhir4.Procedure {
  return {
    resourceType: 'Procedure',
    id: nextId('proc'),
    status: o.status ?? 'completed',
    subject: PATIENT_REF,
    code: cc(system, code),
    performedDateTime: daysAgo(o.daysAgo ?? 400),
  };
}

export function device(text: string, code?: [string, string]): fhir4.Device {
  return { resourceType: 'Device', id: nextId('dev'), status: 'active', patient: PATIENT_REF, type: { ...(code ? cc(code[0], code[1]) : {}), text } };
}

export function allergy(system: string, code: string, text?: string): fhir4.AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id: nextId('alg'),
    patient: PATIENT_REF,
    clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active'),
    code: { ...cc(system, code), ...(text ? { text } : {}) },
  };
}

// RxNorm products from the catalogue and reference, named for readable scenarios.
export const RX = {
  sertraline50Tab: '312941', // sertraline 50 MG Oral Tablet (SCD)
  zoloft50Sbd: '208161', // Sertraline 50 MG Oral Tablet [Zoloft]
  sertralineIngredient: '36437',
  escitalopramIngredient: '321988',
  bupropionIngredient: '42347',
  lamotrigineIngredient: '28439',
  ketamineIngredient: '6130',
  esketamineSbdf: '2201625',
};
