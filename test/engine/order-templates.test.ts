import { describe, expect, it } from 'vitest';
import { testKnowledge } from '../helpers/knowledge.js';

describe('suggested orders built from the shared templates', () => {
  const orders = testKnowledge().orders;
  let n = 0;
  const newId = () => `draft-${++n}`;

  it('gives each draft its own id and patient, over the template', () => {
    const a = orders.instantiate<fhir4.ServiceRequest>('order-phq9', 'p1', newId);
    const b = orders.instantiate<fhir4.ServiceRequest>('order-phq9', 'p2', newId);
    expect([a.id, a.subject?.reference]).toEqual(['draft-1', 'Patient/p1']);
    expect([b.id, b.subject?.reference]).toEqual(['draft-2', 'Patient/p2']);
    expect(b.code).toEqual(a.code);
  });

  it('an edited draft (the weight-based ketamine dose) does not change later drafts', () => {
    const setDose = (mg: number) => (r: fhir4.MedicationRequest) => {
      r.dosageInstruction![0]!.doseAndRate![0]!.doseQuantity!.value = mg;
    };
    const first = orders.instantiate<fhir4.MedicationRequest>('ketamine-infusion', 'p1', newId, '2026-11-21', setDose(35));
    const second = orders.instantiate<fhir4.MedicationRequest>('ketamine-infusion', 'p2', newId, '2026-11-21');
    expect(first.dosageInstruction![0]!.doseAndRate![0]!.doseQuantity!.value).toBe(35);
    expect(second.dosageInstruction![0]!.doseAndRate![0]!.doseQuantity!.value).not.toBe(35);
  });

  it('a write to a part an unedited draft shares with the template throws instead of changing every later card', () => {
    const draft = orders.instantiate<fhir4.ServiceRequest>('order-phq9', 'p1', newId);
    expect(() => {
      draft.code!.text = 'changed';
    }).toThrow(TypeError);
    expect(orders.instantiate<fhir4.ServiceRequest>('order-phq9', 'p1', newId).code?.text).not.toBe('changed');
  });
});
