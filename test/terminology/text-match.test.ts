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
