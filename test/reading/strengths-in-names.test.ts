/**
 * Strengths written in drug names (revision-2 EL-2.8, DS-4: "strength parsed from the display or text"), as
 * European labels write them too: a decimal comma ("sertraline 12,5 mg", "Ketanest S 2,5 mg/ml") is a decimal
 * point, and an en-US thousands separator ("1,000 mg") is never a decimal comma. One number reader
 * (writtenNumber) serves the reading layer's strength of a name and the catalogue's product of a name.
 */
import { describe, expect, it } from 'vitest';
import { strengthInText } from '../../cds-services/assessment/fhir-read.js';
import { writtenNumber } from '../../src/terminology/written-mass.js';
import { knowledge } from '../helpers/knowledge.js';

describe('a number written in a drug name', () => {
  it.each<[string, number | undefined]>([
    ['12.5', 12.5],
    ['12,5', 12.5],
    ['2,25', 2.25],
    ['0,125', 0.125],
    ['1,000', 1000],
    ['12,500', 12500],
    ['1,000,000', 1000000],
    ['1,500.5', 1500.5],
    ['1,0000', undefined],
    ['12,5,3', undefined],
    ['1.000,5', undefined],
    ['1.000.000', undefined],
  ])('%s is %s', (written, value) => {
    expect(writtenNumber(written)).toBe(value);
  });
});

describe('the strength a drug name writes, with decimal commas and thousands separators', () => {
  it.each<[string, string, ReturnType<typeof strengthInText>]>([
    ['a-decimal-comma-is-a-decimal-point', 'sertraline 12,5 mg tablet', { mg: 12.5, per: 'unit' }],
    ['a-thousands-separator-is-never-a-decimal-comma', 'lithium carbonate 1,000 mg tablet', { mg: 1000, per: 'unit' }],
    ['a-decimal-comma-after-a-lone-zero-is-a-decimal-comma', 'liothyronine 0,025 mg tablet', { mg: 0.025, per: 'unit' }],
    ['a-european-concentration-per-ml', 'Ketanest S 2,5 mg/ml Injektionslösung', { mg: 2.5, per: 'mL' }],
    ['a-european-concentration-over-a-decimal-comma-volume', 'Sertralin Lösung 12,5 mg/2,5 ml', { mg: 5, per: 'mL' }],
    ['a-whole-concentration-per-ml-is-read-as-before', 'Ketanest S 25 mg/ml', { mg: 25, per: 'mL' }],
    ['a-number-whose-comma-cannot-be-told-is-no-strength', 'sertraline 1,0000 mg tablet', undefined],
  ])('%s', (_name, text, strength) => {
    expect(strengthInText(text)).toEqual(strength);
  });
});

describe('a multi-ingredient product named in words is told from its other strengths (EL-2.7)', () => {
  const { catalogue } = knowledge();
  it.each<[string, string, string | undefined]>([
    ['amitriptyline-12-comma-5-mg-with-chlordiazepoxide-5-mg', 'amitriptyline 12,5 mg / chlordiazepoxide 5 mg Tablette', '856769'],
    ['amitriptyline-12-point-5-mg-with-chlordiazepoxide-5-mg', 'amitriptyline 12.5 mg / chlordiazepoxide 5 mg tablet', '856769'],
    // The generic (SCD 856792) and its brand (SBD 856796) hold the same strengths: one drug, read as the generic.
    ['amitriptyline-25-mg-with-chlordiazepoxide-10-mg-fits-a-generic-and-its-brand', 'amitriptyline 25 mg / chlordiazepoxide 10 mg tablet', '856792'],
    ['olanzapine-6-mg-with-fluoxetine-25-mg-named-olanzapine-first', 'olanzapine 6 mg / fluoxetine 25 mg oral capsule', '403969'],
    ['olanzapine-with-fluoxetine-and-no-strength-fits-five-drugs-and-is-none', 'olanzapine / fluoxetine capsule', undefined],
  ])('%s', (_name, text, rxcui) => {
    expect(catalogue.productNamedIn(text)?.rxcui).toBe(rxcui);
  });
});
