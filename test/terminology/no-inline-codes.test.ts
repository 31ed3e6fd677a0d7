import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Quoted strings that look like clinical codes: ICD-10-CM, LOINC, SNOMED/RxNorm/CPT numbers, HCPCS. */
const CODE_LIKE = [
  /['"`][A-TV-Z]\d{2}(\.[0-9A-Z]{1,4})?['"`]/, // ICD-10-CM, e.g. 'F33.2'
  /['"`]\d{3,6}-\d['"`]/, // LOINC, e.g. '44261-6'
  /['"`]LA\d{3,6}-\d['"`]/, // LOINC answer
  /['"`]\d{4,18}['"`]/, // SNOMED CT, RxNorm, CPT
  /['"`][A-Z]\d{4}['"`]/, // HCPCS, e.g. 'G2082'
];

describe('codes live in fhir-profiles/, not in the rules', () => {
  it('no code-looking string literal appears in cds-services/', () => {
    const offending = sourceFiles(join(projectRoot, 'cds-services')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${relative(projectRoot, file)}:${i + 1}` }))
        .filter(({ line }) => !line.trim().startsWith('*') && !line.trim().startsWith('//') && CODE_LIKE.some((re) => re.test(line)))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });
});
