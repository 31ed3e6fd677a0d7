import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codingKey } from '../../src/terminology/normalise.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import { knowledge } from '../helpers/knowledge.js';
import { clinicalReferenceDir as clinicalDir } from '../helpers/reference.js';

const { terminology } = knowledge();
const loaded = new Set(terminology.valueSetUrls().flatMap((url) => terminology.codes(url).map((c) => codingKey(c.system, c.code)!)));

/** Codes in the reference that no rule of rules.md section 5 uses, with why they are left out. */
const NOT_USED_BY_RULES: Record<string, string> = {
  '96365': 'CPT IV infusion (UNVERIFIED): not specific to ketamine, so it cannot identify a ketamine course',
  J3490: 'HCPCS unclassified drugs (UNVERIFIED): not specific to ketamine',
  '44249-1': 'PHQ-9 panel: rules read the total (44261-6) and item 9',
  '55758-7': 'PHQ-2: a screen, not a baseline severity (EL-4 asks for PHQ-9 or MADRS)',
  '55757-9': 'PHQ-2 panel: as above',
  '69737-5': 'GAD-7 panel: MO-5 reads the total (70274-6)',
  '73831-0': 'depression screening assessment: not a severity score',
  '73832-8': 'depression screening assessment: not a severity score',
  '93245-9': 'C-SSRS panel: CI-1 reads its items',
  '93278-0': 'C-SSRS ideation item: CI-1 reads the most-severe-ideation item 93293-9',
  '93294-7': 'C-SSRS lifetime ideation: CI-1 looks at the past month',
  '93299-6': 'C-SSRS lifetime wish to be dead: CI-1 looks at the past month',
  '9279-1': 'respiratory rate: no rule in section 5 reads it',
  '28439': 'lamotrigine: EL-2 excludes it through the catalogue flag "not an antidepressant (mood stabilizer)"',
  'I77.0': 'acquired arteriovenous fistula: revision-2 CI-5 removes it (not an AVM, and it includes dialysis access)',
  'F32.81':
    'premenstrual dysphoric disorder: not a depressive episode (revision-2 EL-1 leaves it out of the ambiguous codes; EL-2.3 names it a non-depressive indication)',
  '588250': 'milnacipran: never an antidepressant trial (revision-2 EL-2.4; labelled for fibromyalgia only in the US)',
};

const hcpcsRef = 'urn:oid:2.16.840.1.113883.6.285';
const systemOf = (s: string) => (s.startsWith(hcpcsRef) ? SYSTEM.hcpcs : s);

describe('every code the rules use from the shared reference is in a ValueSet', () => {
  const codes = JSON.parse(readFileSync(join(clinicalDir, 'codes.json'), 'utf8')) as {
    concepts: Record<string, { codes: { system: string; code: string | null }[] }>;
  };
  const rows = Object.entries(codes.concepts).flatMap(([concept, c]) =>
    c.codes.filter((x) => x.code !== null && !(x.code in NOT_USED_BY_RULES)).map((x) => ({ concept, ...x })),
  );

  it('codes.json (all 25 concepts)', () => {
    expect(rows.length).toBeGreaterThan(1200);
    const missing = rows.filter((r) => !loaded.has(codingKey(systemOf(r.system), r.code)!)).map((r) => `${r.concept}: ${r.system}|${r.code}`);
    expect(missing).toEqual([]);
  });

  it('verification.md additions (ingredient RxCUIs, TRD SNOMED, C-SSRS, device types, hCG answers)', () => {
    const text = readFileSync(join(clinicalDir, 'verification.md'), 'utf8');
    const wanted: [string, string][] = [];
    for (const line of text.split('\n')) {
      const m = /^\| [^|]+ \| (RxNorm IN|SNOMED CT|LOINC|LOINC answer) \| `([^`]+)`/.exec(line);
      if (!m) continue;
      const system = m[1] === 'RxNorm IN' ? SYSTEM.rxnorm : m[1] === 'SNOMED CT' ? SYSTEM.snomed : SYSTEM.loinc;
      for (const code of m[2]!.split(/`\s*\/\s*`|, /)) wanted.push([system, code.replace(/`/g, '').trim()]);
    }
    // Rows of verification.md that name no rule's data: catalogue-only ingredients and lab codes.
    const catalogueOnly = new Set([
      '8076',
      '2356',
      '94',
      '14334-7',
      '74806-1',
      '3719-2',
      '93373-9',
      '93246-7',
      '93247-5',
      '93248-3',
      '93267-3',
      '93374-7',
      'LA32-8',
    ]);
    const missing = wanted.filter(([s, c]) => !catalogueOnly.has(c) && !loaded.has(codingKey(s, c)!)).map(([s, c]) => `${s}|${c}`);
    expect(wanted.length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});

describe('terminology review list', () => {
  it('prints every code the reference could not verify, flagged in its ValueSet', () => {
    const flagged = terminology.unverifiedCodes();
    const lines = flagged.map((c) => `${c.verification.padEnd(10)} ${c.system}|${c.code}  ${c.display ?? ''}  (${c.valueSet.split('/').pop()})`);
    console.log(`Codes for terminology review (${lines.length}):\n${lines.join('\n')}`);
    expect(flagged.map((c) => c.code)).toEqual(expect.arrayContaining(['Z91.51', 'R45.88', 'S0013', '238082', '60001007']));
    expect(flagged.every((c) => ['unverified', 'secondary', 'inferred'].includes(c.verification))).toBe(true);
  });
});
