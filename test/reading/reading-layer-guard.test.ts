import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

/** The reading layer: the only files that may read a FHIR value shape (revision-2 section 8). */
const READING_LAYER = new Set(
  ['fhir-read.ts', 'observations.ts', 'scores.ts', 'record.ts', 'medications.ts'].map((f) => join('cds-services', 'assessment', f)),
);

/** A value[x] or component read: `o.valueQuantity`, `x?.valueString`, `r['valueInteger']`, `obs.component`. */
// An extension's own value (`ext.valueString`) is not an observed value: not a shape this guard is about.
const VALUE_SHAPE =
  /(?<!\bext\??)(\.|\?\.|\[['"])(value(Quantity|Integer|Decimal|String|CodeableConcept|Coding|Boolean|Range|Ratio|Period|DateTime|Time|SampledData|Attachment)|component)\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('values are read through one reading layer', () => {
  it('no rule, card or service reads a value shape (valueQuantity, valueString, component ...) directly', () => {
    const offending = sourceFiles(join(projectRoot, 'cds-services'))
      .filter((file) => !READING_LAYER.has(relative(projectRoot, file)))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(projectRoot, file)}:${i + 1}` }))
          .filter(({ line }) => !line.trim().startsWith('*') && !line.trim().startsWith('//') && VALUE_SHAPE.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(offending).toEqual([]);
  });

  it('the guard itself catches a direct read', () => {
    expect(VALUE_SHAPE.test('const v = o.resource.valueQuantity?.value;')).toBe(true);
    expect(VALUE_SHAPE.test("const c = r['valueCodeableConcept'];")).toBe(true);
    expect(VALUE_SHAPE.test('for (const c of obs.component ?? [])')).toBe(true);
    expect(VALUE_SHAPE.test('const v = o.value;')).toBe(false);
    expect(VALUE_SHAPE.test('const c = o.coded;')).toBe(false);
    expect(VALUE_SHAPE.test("if (typeof ext?.valueString !== 'string') return;")).toBe(false);
  });
});
