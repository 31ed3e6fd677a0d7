import type { AnyCdsService } from '../src/cds-hooks/service.js';

const PATIENT = { patient: 'Patient/{{context.patientId}}', conditions: 'Condition?patient={{context.patientId}}' };

export function createServices(): AnyCdsService[] {
  return [
    { id: 'trd-patient-view', hook: 'patient-view', title: 'TRD assessment', description: 'TRD status and modality safety', prefetch: PATIENT, requiredData: ['patient', 'conditions'], decide: () => null, present: () => ({ cards: [] }) },
    { id: 'trd-order-select', hook: 'order-select', title: 'TRD order check (select)', description: 'Checks ketamine, esketamine and TMS orders', prefetch: PATIENT, requiredData: ['patient', 'conditions'], decide: () => null, present: () => ({ cards: [] }) },
    { id: 'trd-order-sign', hook: 'order-sign', title: 'TRD order check (sign)', description: 'Checks ketamine, esketamine and TMS orders', prefetch: PATIENT, requiredData: ['patient', 'conditions'], decide: () => null, present: () => ({ cards: [] }) },
  ];
}
