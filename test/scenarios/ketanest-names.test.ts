/**
 * Product names of ketamine and esketamine (revision-2 OR-1 step 3, with one deviation): "Ketanest S"
 * (or "Ketanest-S") is esketamine; plain "Ketanest" is racemic ketamine, as it is sold in several European
 * markets. "S-ketamine" and "(S)-ketamine", the chemical name on European labels, are esketamine, whatever
 * else the text says. Revision-2 reads plain "ketanest" as esketamine; the names are the ValueSets' data
 * (text-match, text-match-not), so a draft order and a record of the patient read them alike.
 */
import { describe, expect, it } from 'vitest';
import { VS } from '../../cds-services/assessment/concepts.js';
import { identifyDraft } from '../../cds-services/order-review/identify.js';
import { knowledge } from '../helpers/knowledge.js';

const draftNamed = (text: string): fhir4.MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id: 'd1',
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { text },
});

const SCENARIOS: Record<string, { text: string; drug: 'ketamine' | 'esketamine' }> = {
  'ketanest-s-25-mg-per-ml-is-esketamine': { text: 'Ketanest S 25 mg/ml Injektionslösung', drug: 'esketamine' },
  'ketanest-hyphen-s-is-esketamine': { text: 'Ketanest-S 5 mg/ml', drug: 'esketamine' },
  'ketanest-s-in-capitals-is-esketamine': { text: 'KETANEST S 25MG/ML AMP', drug: 'esketamine' },
  'ketanest-registered-s-is-esketamine': { text: 'Ketanest® S 25 mg/ml', drug: 'esketamine' },
  'ketanest-registered-alone-is-racemic-ketamine': { text: 'Ketanest® 10 mg/ml', drug: 'ketamine' },
  'plain-ketanest-50-mg-per-ml-is-racemic-ketamine': { text: 'Ketanest 50 mg/ml', drug: 'ketamine' },
  'ketanest-solution-for-injection-is-racemic-ketamine-not-ketanest-s': { text: 'Ketanest solution for injection 10 mg/ml', drug: 'ketamine' },
  'spravato-is-still-esketamine': { text: 'Spravato 28 mg nasal spray', drug: 'esketamine' },
  'ketanest-with-s-ketamine-in-brackets-is-esketamine-not-racemic-ketanest': { text: 'Ketanest 25 mg/ml (S-ketamine) injection', drug: 'esketamine' },
  's-ketamine-hydrochloride-is-esketamine': { text: 'S-Ketamine hydrochloride 25 mg/mL', drug: 'esketamine' },
  'parenthesised-s-ketamine-is-esketamine': { text: '(S)-ketamine 5 mg/ml solution for injection', drug: 'esketamine' },
  'lower-case-s-ketamine-is-esketamine': { text: 's-ketamine 50 mg/2 ml', drug: 'esketamine' },
  'ketamine-with-no-s-is-still-racemic-ketamine': { text: 'ketamine 50 mg/ml (racemic)', drug: 'ketamine' },
};

describe('Ketanest S is esketamine, plain Ketanest is racemic ketamine', () => {
  const k = knowledge();
  const { terminology } = k;
  const sources = { entries: [], recordMedications: new Map(), fetched: new Map() };

  it.each(Object.entries(SCENARIOS))('%s', (_name, s) => {
    // A draft order (OR-1 step 3).
    expect(identifyDraft(draftNamed(s.text), 1, sources, k)).toMatchObject({ drug: s.drug, identifiedBy: 'text' });
    // The same words in the patient's record (prior courses, allergies): one drug, never both.
    const concepts = terminology.conceptsOf({ text: s.text });
    expect(concepts.has(VS.esketamineProducts)).toBe(s.drug === 'esketamine');
    expect(concepts.has(VS.ketamineProducts)).toBe(s.drug === 'ketamine');
  });
});
