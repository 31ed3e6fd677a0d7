/**
 * One resolver for every path a drug is named by (revision-2 DS-4, DS-5): records and draft orders.
 */
import { describe, expect, it } from 'vitest';
import { identifyMedication, resolveMedication, type MedicationHolder, type MedicationSources } from '../../cds-services/assessment/medications.js';
import { draftMedicationReads } from '../../cds-services/order-review/medication-resolver.js';
import { SYS } from '../builders/fhir.js';
import { knowledge } from '../helpers/knowledge.js';

const sertraline50: fhir4.CodeableConcept = { coding: [{ system: SYS.rx, code: '312941', display: 'sertraline 50 MG Oral Tablet' }] };
const medication = (id: string, code: fhir4.CodeableConcept): fhir4.Medication => ({ resourceType: 'Medication', id, code });
const record = new Map([['Medication/med-1', medication('med-1', sertraline50)]]);

describe('resolving the drug a resource names (DS-5)', () => {
  it.each<[string, MedicationHolder, MedicationSources, string, string | undefined]>([
    ['medicationCodeableConcept', { medicationCodeableConcept: sertraline50 }, {}, 'codeable-concept', '312941'],
    ['a contained Medication', { medicationReference: { reference: '#m' }, contained: [medication('m', sertraline50)] }, {}, 'contained', '312941'],
    ['a separate Medication in the record', { medicationReference: { reference: 'Medication/med-1' } }, { medications: record }, 'record', '312941'],
    [
      'an absolute URL to a Medication in the record',
      { medicationReference: { reference: 'https://ehr.example.org/fhir/Medication/med-1' } },
      { medications: record },
      'record',
      '312941',
    ],
    ['a versioned reference', { medicationReference: { reference: 'Medication/med-1/_history/2' } }, { medications: record }, 'record', '312941'],
    ['a urn:uuid naming the Medication id (Synthea)', { medicationReference: { reference: 'urn:uuid:med-1' } }, { medications: record }, 'record', '312941'],
    [
      'a draftOrders Bundle entry matched by fullUrl',
      { medicationReference: { reference: 'urn:uuid:6a1f' } },
      { bundle: { entry: [{ fullUrl: 'urn:uuid:6a1f', resource: medication('x', sertraline50) }] } },
      'bundle',
      '312941',
    ],
    [
      'a draftOrders Bundle entry matched by type and id',
      { medicationReference: { reference: 'Medication/x' } },
      { bundle: { entry: [{ fullUrl: 'https://ehr.example.org/fhir/Medication/x', resource: medication('x', sertraline50) }] } },
      'bundle',
      '312941',
    ],
    [
      'a reference no one holds, with a display',
      { medicationReference: { reference: 'Medication/gone', display: 'Zoloft 50 mg' } },
      { medications: record },
      'display',
      undefined,
    ],
    ['a reference no one holds, without a display', { medicationReference: { reference: 'Medication/gone' } }, { medications: record }, 'none', undefined],
    ['a contained reference that is not there', { medicationReference: { reference: '#nope' } }, {}, 'none', undefined],
    ['nothing at all (the sandbox first order-select)', {}, {}, 'none', undefined],
  ])('%s', (_label, holder, sources, via, code) => {
    const r = resolveMedication(holder, sources);
    expect(r.via).toBe(via);
    expect(r.concept?.coding?.[0]?.code).toBe(code);
  });
});

describe('an ingredient named by itemReference (FHIR R4 Medication.ingredient.item[x]) is followed one level deep', () => {
  const premix = (id: string, ref: fhir4.Reference): fhir4.Medication => ({
    resourceType: 'Medication',
    id,
    code: { coding: [{ system: 'urn:oid:1.2.840.999', code: 'PREMIX77' }] },
    ingredient: [{ itemReference: ref }],
  });
  const codes = (r: ReturnType<typeof resolveMedication>) => (r.concept?.coding ?? []).map((c) => c.code);

  it.each<[string, MedicationHolder, MedicationSources, (string | undefined)[]]>([
    [
      'a contained ingredient Medication, sibling of the premix',
      { medicationReference: { reference: '#m1' }, contained: [premix('m1', { reference: '#k' }), medication('k', sertraline50)] },
      {},
      ['PREMIX77', '312941'],
    ],
    [
      'a Medication of the record',
      { medicationReference: { reference: '#m1' }, contained: [premix('m1', { reference: 'Medication/med-1' })] },
      { medications: record },
      ['PREMIX77', '312941'],
    ],
    [
      'a Medication of the draftOrders Bundle by fullUrl',
      { medicationReference: { reference: '#m1' }, contained: [premix('m1', { reference: 'urn:uuid:9b' })] },
      { bundle: { entry: [{ fullUrl: 'urn:uuid:9b', resource: medication('y', sertraline50) }] } },
      ['PREMIX77', '312941'],
    ],
    [
      'a cycle (the premix names itself) ends at once',
      { medicationReference: { reference: '#m1' }, contained: [premix('m1', { reference: '#m1' })] },
      {},
      ['PREMIX77'],
    ],
  ])('%s', (_label, holder, sources, expected) => {
    const r = resolveMedication(holder, sources);
    expect(codes(r)).toEqual(expected);
    expect(r.ingredients).toHaveLength(1);
  });

  it('an ingredient Medication only the FHIR server holds is read with the call, once; one in draftOrders or contained is not', () => {
    const draft = (id: string, ingredientRefs: string[]): fhir4.MedicationRequest => ({
      resourceType: 'MedicationRequest',
      id,
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      medicationReference: { reference: '#m1' },
      contained: [
        {
          ...premix('m1', { reference: ingredientRefs[0]! }),
          ingredient: ingredientRefs.map((reference) => ({ itemReference: { reference } })),
        } as fhir4.Medication,
      ],
    });
    const draftOrders = {
      resourceType: 'Bundle',
      entry: [
        { resource: draft('a', ['Medication/k-server', '#k', 'urn:uuid:in-bundle']) },
        { resource: draft('b', ['https://ehr.example.org/fhir/Medication/k-server']) },
        { fullUrl: 'urn:uuid:in-bundle', resource: medication('in-bundle', sertraline50) },
      ],
    };
    expect(draftMedicationReads(draftOrders, 'https://ehr.example.org/fhir')).toEqual(['Medication/k-server']);
  });

  it('an ingredient reference no one holds names the drug by its display only', () => {
    const r = resolveMedication({ medicationReference: { reference: '#m1' }, contained: [premix('m1', { reference: '#gone', display: 'Ketamine HCl' })] }, {});
    expect(r.ingredients).toEqual([{ text: 'Ketamine HCl' }]);
  });
});

describe('identifying the drug (DS-4): the catalogue is not the gatekeeper', () => {
  const k = knowledge();
  const cc = (system: string, code: string, display?: string, text?: string): fhir4.CodeableConcept => ({
    coding: [{ system, code, ...(display ? { display } : {}) }],
    ...(text ? { text } : {}),
  });
  it.each<[string, MedicationHolder, string, string | undefined]>([
    ['a catalogued RxNorm product', { medicationCodeableConcept: sertraline50 }, 'code', 'sertraline'],
    // A product code the catalogue does not list (as Synthea's often are), named in its display.
    [
      'an uncatalogued RxNorm code whose display names fluoxetine',
      { medicationCodeableConcept: cc(SYS.rx, '999999', 'FLUoxetine 20 MG Oral Capsule') },
      'name',
      'fluoxetine',
    ],
    ['an NDC whose display names sertraline', { medicationCodeableConcept: cc(SYS.ndc, '0000-0000-00', 'Sertraline HCl 100mg tab') }, 'name', 'sertraline'],
    ['a brand name in the text', { medicationCodeableConcept: { text: 'Zoloft 50mg' } }, 'name', 'sertraline'],
    ['a brand in a reference display', { medicationReference: { reference: 'Medication/gone', display: 'Lexapro 10 mg' } }, 'name', 'escitalopram'],
    ['the longer name wins ("lithium carbonate")', { medicationCodeableConcept: { text: 'Lithium Carbonate 300 MG' } }, 'name', 'lithium carbonate'],
    ['a name inside another word is not a match', { medicationCodeableConcept: { text: 'Prozacine-like tonic' } }, 'unidentified', undefined],
    [
      'an RxNorm code with its display naming another drug',
      { medicationCodeableConcept: cc(SYS.rx, '314076', 'lisinopril 10 MG Oral Tablet') },
      'not-catalogued',
      undefined,
    ],
    ['a CNS depressant matched by its ValueSet', { medicationCodeableConcept: { text: 'lorazepam 1 mg' } }, 'not-catalogued', undefined],
    ['an uncatalogued RxNorm code with no display', { medicationCodeableConcept: cc(SYS.rx, '999999') }, 'unidentified', undefined],
    ['free text naming no drug', { medicationCodeableConcept: { text: 'sleeping tablet from home' } }, 'unidentified', undefined],
    ['a class word only', { medicationCodeableConcept: cc(SYS.ndc, '1', 'SSRI') }, 'unidentified', undefined],
    ['a reference no one could read, without a display', { medicationReference: { reference: 'Medication/gone' } }, 'unidentified', undefined],
  ])('%s', (_label, holder, identification, ingredient) => {
    const r = identifyMedication(holder, {}, k);
    expect(r.identification).toBe(identification);
    const name = r.match?.kind === 'product' ? r.match.product.ingredients[0]?.name : r.match?.name;
    expect(name).toBe(ingredient);
  });
});
