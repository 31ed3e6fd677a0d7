/**
 * Text-only concepts (a local code with text, as EHR surgical histories send them) are read by the words a
 * ValueSet lists: `text-match` phrases as written, `text-match-words` in any order and form. An outside tester's
 * Epic-style "Clipping of intracranial aneurysm" left TMS clear (CI-10): the phrase list only had "aneurysm clip".
 */
import { describe, expect, it } from 'vitest';
import { valueSetUrl } from '../../src/terminology/systems.js';
import { knowledge } from '../helpers/knowledge.js';

const { terminology } = knowledge();
const localText = (text: string) => ({ coding: [{ system: 'urn:oid:1.2.840.114350.1.13.0.1.7.2.696580', code: '12345' }], text });

describe('implants in or near the head named by text only (CI-10)', () => {
  it.each<[string, boolean]>([
    ['Clipping of intracranial aneurysm', true],
    ['Craniotomy, aneurysm clipping', true],
    ['CRANIOTOMY FOR CLIPPING OF ANEURYSM', true],
    ['Aneurysm clip placement', true],
    ['Endovascular coiling of cerebral aneurysm', true],
    ['Deep brain stimulation electrode implantation', true],
    ['Vagus nerve stimulator', true],
    ['Ventricular shunt revision', true],
    ['Aneurysm of abdominal aorta', false],
    ['Paper clip ingestion', false],
    ['Transcutaneous electrical nerve stimulation', false],
  ])('%s: %s', (text, expected) => {
    expect(terminology.conceptsOf(localText(text)).has(valueSetUrl('tms-head-implant'))).toBe(expected);
  });
});

// Names are compared as a reader reads them (revision-2 DS-4): accents, fullwidth forms, soft hyphens,
// zero-width characters and Cyrillic or Greek look-alike letters do not make another drug.
describe('drug names in any spelling a reader reads as the drug (DS-4 name matching)', () => {
  const { catalogue } = knowledge();
  it.each<[string, string[]]>([
    ['Sértraline 50 mg tablet', ['sertraline']],
    ['ＺＯＬＯＦＴ 50mg', ['sertraline']],
    ['flu\u00ADoxetine 20 mg', ['fluoxetine']],
    ['Lith\u200Bium carbonate 300 mg', ['lithium']],
    ['Ph\u0435n\u0435lzin\u0435 15 mg', ['phenelzine']],
    ['Парацетамол 500 мг', []],
  ])('%s names %j', (text, names) => {
    expect(catalogue.ingredientsNamedIn(text).map((n) => n.name.toLowerCase().split(' ')[0])).toEqual(names);
  });

  it.each(['Kétamine 50 mg/mL', 'ＫＥＴＡＭＩＮＥ', 'keta\u00ADmine', 'k\u0435tamine', 'ΚΕΤΑΜΙΝΕ'])('%s is in the ketamine products by its words', (text) => {
    expect(terminology.inConcept(localText(text), valueSetUrl('ketamine-products'))).toBe(true);
  });
});
