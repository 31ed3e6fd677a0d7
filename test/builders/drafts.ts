import { RX, SYS } from './fhir.js';

/** Route codings as EHRs send them (SNOMED CT). */
export const ROUTE = {
  iv: { coding: [{ system: SYS.sct, code: '47625008', display: 'Intravenous route' }] },
  im: { coding: [{ system: SYS.sct, code: '78421000', display: 'Intramuscular route' }] },
  oral: { coding: [{ system: SYS.sct, code: '26643006', display: 'Oral route' }] },
  nasal: { coding: [{ system: SYS.sct, code: '46713006', display: 'Nasal route' }] },
} satisfies Record<string, fhir4.CodeableConcept>;

/** Reasons a draft may give (ICD-10-CM). */
export const REASON = {
  mdd: { coding: [{ system: SYS.icd, code: 'F33.2', display: 'Major depressive disorder, recurrent severe without psychotic features' }] },
  pain: { coding: [{ system: SYS.icd, code: 'R52', display: 'Pain, unspecified' }] },
  postoperativePain: { coding: [{ system: SYS.icd, code: 'G89.18', display: 'Other acute postprocedural pain' }] },
  agitation: { coding: [{ system: SYS.icd, code: 'R45.1', display: 'Restlessness and agitation' }] },
  anaesthesia: { text: 'General anaesthesia induction for laparoscopic cholecystectomy' },
  suicidalIdeation: { coding: [{ system: SYS.icd, code: 'R45.851', display: 'Suicidal ideations' }] },
} satisfies Record<string, fhir4.CodeableConcept>;

const UCUM = (value: number, code: string) => ({ value, unit: code, system: SYS.ucum, code });

export interface DraftDose {
  mg?: number;
  mgPerKg?: number;
  route?: fhir4.CodeableConcept | null;
  /** Minutes over which the dose runs (timing.repeat.duration). */
  minutes?: number;
  /** Infusion rate in mg/min (doseAndRate.rateQuantity). */
  rateMgPerMin?: number;
  /** Doses per period (timing.repeat.frequency / period / periodUnit). */
  frequency?: number;
  period?: number;
  periodUnit?: 'd' | 'wk' | 'h';
  count?: number;
  supplyDays?: number;
  text?: string;
  reason?: fhir4.CodeableConcept;
  authoredOn?: string;
}

function dosage(d: DraftDose): Partial<fhir4.MedicationRequest> {
  const repeat: fhir4.TimingRepeat = {
    ...(d.minutes !== undefined ? { duration: d.minutes, durationUnit: 'min' } : {}),
    ...(d.frequency !== undefined ? { frequency: d.frequency, period: d.period ?? 1, periodUnit: d.periodUnit ?? 'wk' } : {}),
    ...(d.count !== undefined ? { count: d.count } : {}),
  };
  const doseQuantity = d.mg !== undefined ? UCUM(d.mg, 'mg') : d.mgPerKg !== undefined ? UCUM(d.mgPerKg, 'mg/kg') : undefined;
  const instruction: fhir4.Dosage = {
    ...(d.text ? { text: d.text } : {}),
    ...(Object.keys(repeat).length ? { timing: { repeat } } : {}),
    ...(d.route ? { route: d.route } : {}),
    ...(doseQuantity || d.rateMgPerMin
      ? { doseAndRate: [{ ...(doseQuantity ? { doseQuantity } : {}), ...(d.rateMgPerMin ? { rateQuantity: UCUM(d.rateMgPerMin, 'mg/min') } : {}) }] }
      : {}),
  };
  return {
    ...(Object.keys(instruction).length ? { dosageInstruction: [instruction] } : {}),
    ...(d.supplyDays ? { dispenseRequest: { expectedSupplyDuration: { value: d.supplyDays, unit: 'days', system: SYS.ucum, code: 'd' } } } : {}),
    ...(d.reason ? { reasonCode: [d.reason] } : {}),
    ...(d.authoredOn ? { authoredOn: d.authoredOn } : {}),
  };
}

const base = (id: string): fhir4.MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
});

/**
 * An IV ketamine draft: by default the protocol shape (IV, over 40 minutes, 3 a week for 6 sessions,
 * for depression) at `mg`.
 * `ketamineDraft(40)` is an in-scope order; pass `d` to change any part (null route = none given).
 */
export const ketamineDraft = (mg?: number, id = 'draft-ketamine', d: DraftDose = {}): fhir4.MedicationRequest => ({
  ...base(id),
  medicationCodeableConcept: { coding: [{ system: SYS.rx, code: RX.ketamineIngredient }], text: 'ketamine injection' },
  ...dosage({ mg, minutes: 40, frequency: 3, count: 6, reason: REASON.mdd, ...d, route: d.route === null ? undefined : (d.route ?? ROUTE.iv) }),
});

/** An esketamine (SPRAVATO) draft, intranasal, 56 mg by default. */
export const esketamineDraft = (id = 'draft-esketamine', d: DraftDose = {}): fhir4.MedicationRequest => ({
  ...base(id),
  medicationCodeableConcept: { coding: [{ system: SYS.rx, code: RX.esketamineSbdf }], text: 'Spravato 56 mg' },
  ...dosage({ mg: 56, route: ROUTE.nasal, frequency: 2, count: 8, ...d }),
});

/** A draft naming its drug only by a reference (contained `#id`, `Medication/id`, an absolute URL or a urn:uuid). */
export const referencedDraft = (reference: string, id: string, d: DraftDose = {}, extra: Partial<fhir4.MedicationRequest> = {}): fhir4.MedicationRequest => ({
  ...base(id),
  medicationReference: { reference },
  ...dosage({ route: ROUTE.nasal, mg: 56, ...d }),
  ...extra,
});

export const medication = (id: string, concept: fhir4.CodeableConcept): fhir4.Medication => ({ resourceType: 'Medication', id, code: concept });

export const ESKETAMINE_KIT: fhir4.CodeableConcept = { coding: [{ system: SYS.ndc, code: '50458-028-02', display: 'SPRAVATO 56 mg dose kit' }] };
export const KETAMINE_CODED: fhir4.CodeableConcept = { coding: [{ system: SYS.rx, code: RX.ketamineIngredient }] };

export const tmsDraft = (id = 'draft-tms', extra: Partial<fhir4.ServiceRequest> = {}): fhir4.ServiceRequest => ({
  resourceType: 'ServiceRequest',
  id,
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: SYS.cpt, code: '90868' }] },
  ...extra,
});

export const unrelatedDraft = (): fhir4.MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id: 'draft-lisinopril',
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: SYS.rx, code: '314076', display: 'Lisinopril 10 MG Oral Tablet' }] },
});
