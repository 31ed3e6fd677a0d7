import { describe, expect, it } from 'vitest';
import { valueSetUrl } from '../../src/terminology/systems.js';
import type { Codeish } from '../../src/terminology/terminology.js';
import { knowledge } from '../helpers/knowledge.js';

const { terminology, catalogue } = knowledge();
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const SCT = 'http://snomed.info/sct';
const NDC = 'http://hl7.org/fhir/sid/ndc';
const WHO = 'http://hl7.org/fhir/sid/icd-10';
const SERTRALINE_50_SCD = '312941';
const ZOLOFT_50_SBD = '208161';
const cc = (system: unknown, code: unknown, text?: string) => ({ coding: [{ system, code }], ...(text ? { text } : {}) }) as Codeish;

describe('inConcept matches on system and code together, normalising what EHRs send', () => {
  it.each<[string, Codeish, string, boolean]>([
    ['ICD-10-CM with its dot', cc(ICD, 'F33.2'), 'mdd-current-episode', true],
    ['ICD-10-CM without its dot', cc(ICD, 'F332'), 'mdd-current-episode', true],
    ['ICD-10-CM lower case with spaces', cc(ICD, ' f33.2 '), 'mdd-current-episode', true],
    ['ICD-10-CM under its OID', cc('urn:oid:2.16.840.1.113883.6.90', 'F33.2'), 'mdd-current-episode', true],
    ['SNOMED under its OID', cc('urn:oid:2.16.840.1.113883.6.96', '370143000'), 'mdd-current-episode', true],
    ['SNOMED with a trailing slash', cc('http://snomed.info/sct/', '370143000'), 'mdd-current-episode', true],
    ['LOINC under its OID', cc('urn:oid:2.16.840.1.113883.6.1', '44261-6'), 'phq9-total', true],
    ['RxNorm under its OID', cc('urn:oid:2.16.840.1.113883.6.88', '6130'), 'ketamine-products', true],
    ['HCPCS under the CMS URI', cc('http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', 'G2082'), 'esketamine-procedures', true],
    ['HCPCS under its OID', cc('urn:oid:2.16.840.1.113883.6.285', 'g2083'), 'esketamine-procedures', true],
    ['remission code is not a current episode', cc(ICD, 'F33.41'), 'mdd-current-episode', false],
    ['remission code is in remission', cc(ICD, 'F33.41'), 'mdd-in-remission', true],
    ['same code, wrong system', cc(SCT, 'F33.2'), 'mdd-current-episode', false],
    ['right code, no system', cc(undefined, 'F33.2'), 'mdd-current-episode', false],
    ['empty code', cc(ICD, ''), 'mdd-current-episode', false],
    ['unknown system', cc('http://example.org/codes', 'F33.2'), 'mdd-current-episode', false],
    ['code as a number', cc(SCT, 370143000), 'mdd-current-episode', true],
    ['a bare Coding', { system: ICD, code: 'F32.9' }, 'mdd-current-episode', true],
    ['null', null, 'mdd-current-episode', false],
    ['undefined', undefined, 'mdd-current-episode', false],
    ['coding that is not an array', { coding: 'F33.2' } as unknown as Codeish, 'mdd-current-episode', false],
    ['an array of CodeableConcepts (reasonCode)', [cc(SCT, '1'), cc(ICD, 'F33.1')] as unknown as Codeish, 'mdd-current-episode', true],
    ['nicotine is not a substance use disorder here', cc(ICD, 'F17.210'), 'substance-use-disorder-active', false],
    ['intractable epilepsy', cc(ICD, 'G40.919'), 'seizure-intractable', true],
    ['non-intractable epilepsy is not intractable', cc(ICD, 'G40.909'), 'seizure-intractable', false],
    ['Synthea negative hCG under the LOINC system', cc('http://loinc.org', '260385009'), 'hcg-negative-results', true],
    ['esketamine matched by product name when uncoded', { text: 'Spravato 56 mg nasal spray' }, 'esketamine-products', true],
    ['esketamine text does not look like ketamine', { text: 'esketamine nasal spray' }, 'ketamine-products', false],
    ['cochlear implant device by text', { text: 'Cochlear implant, left' }, 'tms-head-implant', true],
    ['text is ignored where the ValueSet declares no words', { text: 'major depression' }, 'mdd-current-episode', false],
    ['WHO ICD-10 F33.1 is the same recurrent moderate depression', cc(WHO, 'F33.1'), 'mdd-current-episode', true],
    ['WHO ICD-10 under its OID', cc('urn:oid:2.16.840.1.113883.6.3', 'F32.2'), 'mdd-current-episode', true],
    ['WHO ICD-10 F31.8 other bipolar affective disorders', cc(WHO, 'F31.8'), 'bipolar-disorder', true],
    ['WHO ICD-10 F31.31 (somatic syndrome) read at four characters as F31.3', cc(WHO, 'F31.31'), 'bipolar-depression', true],
    ['WHO ICD-10 F31.6 mixed is not psychotic (CM F31.64 is)', cc(WHO, 'F31.6'), 'psychotic-disorders', false],
    ['WHO ICD-10 F31.6 mixed is a current mixed episode', cc(WHO, 'F31.6'), 'mania-current-episode', true],
    ['WHO ICD-10 G40.0 does not say intractable', cc(WHO, 'G40.0'), 'seizure-intractable', false],
    ['WHO ICD-10 G41.9 status epilepticus is a seizure', cc(WHO, 'G41.9'), 'seizure-event', true],
    ['WHO ICD-10 O99.3 (mental disorders in pregnancy) is pregnancy', cc(WHO, 'O99.3'), 'pregnancy-conditions', true],
    ['WHO ICD-10 I71.4 abdominal aortic aneurysm', cc(WHO, 'I71.4'), 'aneurysm-avm-ich', true],
    ['NDC as the 10-digit 5-3-2 product code', cc(NDC, '50458-028-03'), 'esketamine-products', true],
    ['NDC in its 11-digit 5-4-2 form without hyphens', cc(NDC, '50458002803'), 'esketamine-products', true],
    ['NDC in its 11-digit form with hyphens', cc(NDC, '50458-0028-03'), 'esketamine-products', true],
    ['NDC under its OID, 11 digits', cc('urn:oid:2.16.840.1.113883.6.69', '50458002802'), 'esketamine-products', true],
    ['another package of the same labeler is not SPRAVATO', cc(NDC, '50458002903'), 'esketamine-products', false],
  ])('%s', (_label, value, slug, expected) => {
    expect(terminology.inConcept(value, valueSetUrl(slug))).toBe(expected);
  });

  it('gives PHQ-9 item 9 answers their scores', () => {
    const url = valueSetUrl('phq9-item9-answers');
    expect(terminology.ordinal(cc('http://loinc.org', 'LA6568-5'), url)).toBe(0);
    expect(terminology.ordinal(cc('http://loinc.org', 'LA6571-9'), url)).toBe(3);
    expect(terminology.ordinal(cc('http://loinc.org', 'LA9999-9'), url)).toBeUndefined();
  });

  it('throws only for a ValueSet that was never loaded (a programming error)', () => {
    expect(() => terminology.inConcept(cc(ICD, 'F33.2'), valueSetUrl('no-such-set'))).toThrow(/unknown ValueSet/);
  });
});

describe('medication catalogue', () => {
  const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
  const resolve = (code: string, system = RX) => catalogue.resolve({ coding: [{ system, code }] });

  it('an SCD resolves to its ingredient and strength', () => {
    const m = resolve(SERTRALINE_50_SCD);
    expect(m).toMatchObject({ kind: 'product', product: { ingredients: [{ ingredientRxcui: '36437', strengthValue: 50, strengthUnit: 'mg' }] } });
  });

  it('an SBD (brand only) resolves to the same ingredient and strength as its SCD', () => {
    const m = resolve(ZOLOFT_50_SBD);
    expect(m).toMatchObject({ kind: 'product', product: { tty: 'SBD', ingredients: [{ ingredientRxcui: '36437', strengthValue: 50 }] } });
  });

  it('an ingredient RxCUI resolves to itself', () => {
    expect(resolve('36437')).toEqual({ kind: 'ingredient', ingredientRxcui: '36437', name: 'sertraline' });
  });

  it('does not resolve a code under another system, nor an unknown code', () => {
    expect(resolve('36437', 'http://snomed.info/sct')).toBeUndefined();
    expect(resolve('999999999')).toBeUndefined();
  });
});
