/**
 * The one strength reader (`strengthOf`, `Medication.ingredient.strength`): the ratio as written, in mg per mL,
 * per unit or per device, judged by nobody here: trials and order review each hold it to their own range.
 */
import { describe, expect, it } from 'vitest';
import { strengthOf, type WrittenStrength } from '../../cds-services/assessment/fhir-read.js';

const q = (value: number, code?: string): fhir4.Quantity => ({ value, ...(code === undefined ? {} : { unit: code, code }) });

const SCENARIOS: Record<string, [fhir4.Ratio, WrittenStrength | undefined]> = {
  'twenty-mg-per-five-ml-is-four-mg-per-ml': [
    { numerator: q(20, 'mg'), denominator: q(5, 'mL') },
    { mg: 4, per: 'mL', text: '20 mg / 5 mL' },
  ],
  'half-a-gram-per-tablet-is-500-mg-per-unit': [
    { numerator: q(0.5, 'g'), denominator: q(1, '{tbl}') },
    { mg: 500, per: 'unit', text: '0.5 g / 1 {tbl}' },
  ],
  'a-denominator-of-1-with-no-unit-is-per-unit': [
    { numerator: q(50, 'mg'), denominator: q(1) },
    { mg: 50, per: 'unit', text: '50 mg / 1' },
  ],
  'twenty-eight-mg-per-device-is-per-device': [
    { numerator: q(28, 'mg'), denominator: q(1, 'device') },
    { mg: 28, per: 'device', text: '28 mg / 1 device' },
  ],
  'zero-mg-per-100-ml-is-read-as-zero': [
    { numerator: q(0, 'mg'), denominator: q(100, 'mL') },
    { mg: 0, per: 'mL', text: '0 mg / 100 mL' },
  ],
  'minus-40-mg-per-ml-is-read-as-minus-40': [
    { numerator: q(-40, 'mg'), denominator: q(1, 'mL') },
    { mg: -40, per: 'mL', text: '-40 mg / 1 mL' },
  ],
  'a-billion-mg-per-ml-is-read-as-a-billion': [
    { numerator: q(1e9, 'mg'), denominator: q(1, 'mL') },
    { mg: 1e9, per: 'mL', text: '1000000000 mg / 1 mL' },
  ],
  'forty-mg-over-0-ml-is-no-number': [
    { numerator: q(40, 'mg'), denominator: q(0, 'mL') },
    { mg: NaN, per: 'mL', text: '40 mg / 0 mL' },
  ],
  'minus-40-mg-over-minus-1-ml-is-no-number-never-40': [
    { numerator: q(-40, 'mg'), denominator: q(-1, 'mL') },
    { mg: NaN, per: 'mL', text: '-40 mg / -1 mL' },
  ],
  'a-percentage-is-no-mass-per-anything': [{ numerator: q(0.9, '%'), denominator: q(1) }, undefined],
  'a-mass-over-a-mass-is-no-strength-read-here': [{ numerator: q(10, 'mg'), denominator: q(1, 'g') }, undefined],
  'a-numerator-with-no-denominator-is-no-strength': [{ numerator: q(10, 'mg') }, undefined],
};

describe('the one strength reader reads what was written', () => {
  it.each(Object.entries(SCENARIOS))('%s', (_name, [ratio, expected]) => {
    expect(strengthOf(ratio)).toEqual(expected);
  });
});
