import { describe, expect, it } from 'vitest';
import { valueSetUrl } from '../../src/terminology/systems.js';
import { Terminology } from '../../src/terminology/terminology.js';
import { knowledge } from '../helpers/knowledge.js';

const { terminology } = knowledge();
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const cc = (code: string) => ({ coding: [{ system: ICD, code }] });

/** revision-2 lists ICD-10-CM families ("I63.x"): an is-a filter matches every subdivision, new ones included. */
describe('ICD-10-CM families (is-a filters) match by code prefix', () => {
  it.each<[string, string, string, boolean]>([
    ['a cerebral infarction subdivision is a recent-stroke code', 'I63.512', 'cerebrovascular-recent', true],
    ['the family code itself', 'I63', 'cerebrovascular-recent', true],
    ['a TIA code', 'G45.9', 'cerebrovascular-recent', true],
    ['transient global amnesia is excluded from the TIA family', 'G45.4', 'cerebrovascular-recent', false],
    ['a code without its dot', 'I6350', 'cerebrovascular-recent', true],
    ['a neighbouring family is not matched', 'I64', 'cerebrovascular-recent', false],
    ['COPD with exacerbation is respiratory risk', 'J44.1', 'respiratory-risk', true],
    ['an FY2023 dementia subdivision', 'F03.911', 'cognitive-impairment', true],
    ['an FY2023 SVT subdivision', 'I47.19', 'cardiovascular-caution', true],
    ['alcohol dependence with withdrawal', 'F10.230', 'withdrawal-states', true],
    ['alcohol dependence in remission is not a withdrawal state', 'F10.21', 'withdrawal-states', false],
    ['a delivery outcome', 'Z37.0', 'pregnancy-outcome', true],
    ['failed attempted termination is not an outcome', 'O07.4', 'pregnancy-outcome', false],
  ])('%s', (_name, code, slug, expected) => {
    expect(terminology.inConcept(cc(code), valueSetUrl(slug))).toBe(expected);
    expect(terminology.conceptsOf(cc(code)).has(valueSetUrl(slug))).toBe(expected);
  });

  it('a ValueSet filter on anything but ICD-10-CM is refused at load, not silently ignored', () => {
    const vs: fhir4.ValueSet = {
      resourceType: 'ValueSet',
      url: 'https://example.org/vs',
      status: 'draft',
      compose: { include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '73211009' }] }] },
    };
    expect(() => new Terminology([vs])).toThrow(/only ICD-10-CM is-a filters/);
  });
});
