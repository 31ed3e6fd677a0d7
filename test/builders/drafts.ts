import { RX, SYS } from './fhir.js';

export const ketamineDraft = (mg?: number, id = 'draft-ketamine'): fhir4.MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: SYS.rx, code: RX.ketamineIngredient }], text: 'ketamine injection' },
  ...(mg !== undefined ? { dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: mg, unit: 'mg', system: SYS.ucum, code: 'mg' } }] }] } : {}),
});

export const esketamineDraft = (id = 'draft-esketamine'): fhir4.MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: SYS.rx, code: RX.esketamineSbdf }], text: 'Spravato 56 mg' },
});

export const tmsDraft = (id = 'draft-tms'): fhir4.ServiceRequest => ({
  resourceType: 'ServiceRequest',
  id,
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: SYS.cpt, code: '90868' }] },
});

export const unrelatedDraft = (): fhir4.MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id: 'draft-lisinopril',
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: SYS.rx, code: '314076', display: 'Lisinopril 10 MG Oral Tablet' }] },
});
