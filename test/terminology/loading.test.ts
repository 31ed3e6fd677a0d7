import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadThresholds, minimumDailyDoseMg } from '../../cds-services/assessment/thresholds.js';
import { ConfigurationError } from '../../src/errors.js';
import { loadProfiles } from '../../src/knowledge/load-profiles.js';
import { fhirProfilesDir } from '../../src/paths.js';
import { knowledge } from '../helpers/knowledge.js';

function copyOfProfiles(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trd-profiles-'));
  cpSync(fhirProfilesDir, dir, { recursive: true });
  return dir;
}

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as ConfigurationError).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loading fhir-profiles at start-up', () => {
  it('loads every ValueSet, the local CodeSystem and the catalogue', () => {
    const { terminology, catalogue } = knowledge();
    expect(terminology.valueSetUrls().length).toBeGreaterThanOrEqual(60);
    expect(catalogue.size).toBe(446);
  });

  it('a ValueSet that breaks the FHIR schema stops loading, naming the file and the field', () => {
    const dir = copyOfProfiles();
    const file = join(dir, 'ValueSet', 'bipolar-disorder.json');
    const vs = JSON.parse(readFileSync(file, 'utf8'));
    vs.status = 42;
    writeFileSync(file, JSON.stringify(vs));
    const message = problemsOf(() => loadProfiles(dir));
    expect(message).toContain('bipolar-disorder.json');
    expect(message).toContain('status');
  });

  it('a catalogue product without an RxCUI stops loading, naming the field', () => {
    const dir = copyOfProfiles();
    const file = join(dir, 'catalogue', 'antidepressant-products.json');
    const cat = JSON.parse(readFileSync(file, 'utf8'));
    delete cat.products[3].rxcui;
    writeFileSync(file, JSON.stringify(cat));
    const message = problemsOf(() => loadProfiles(dir));
    expect(message).toContain('antidepressant-products.json');
    expect(message).toContain('/products/3');
  });

  it('invalid JSON is named', () => {
    const dir = copyOfProfiles();
    writeFileSync(join(dir, 'ValueSet', 'glaucoma.json'), '{ not json');
    expect(problemsOf(() => loadProfiles(dir))).toContain('glaucoma.json');
  });
});

describe('thresholds as configuration data', () => {
  it('defaults to the lenient dose column and 42-day trials, each value with a source', () => {
    const t = loadThresholds();
    expect(t.adequateTrial.minimumDurationDays.value).toBe(42);
    expect(minimumDailyDoseMg(t, '36437')).toBe(50); // sertraline, lenient
    for (const group of [t.vitals, t.lookbackDays, t.dosing]) {
      for (const setting of Object.values(group)) expect(setting.source.length).toBeGreaterThan(5);
    }
  });

  it('a deployment override changes only what it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trd-thresholds-'));
    const file = join(dir, 'override.json');
    writeFileSync(
      file,
      JSON.stringify({
        adequateTrial: { minimumDurationDays: { value: 28, source: 'site policy 2026-10' }, doseColumn: { value: 'strict', source: 'site policy' } },
      }),
    );
    const t = loadThresholds(file);
    expect(t.adequateTrial.minimumDurationDays.value).toBe(28);
    expect(minimumDailyDoseMg(t, '36437')).toBe(150); // sertraline, strict
    expect(t.vitals.bpBlockSystolicAtLeast.value).toBe(180);
  });

  it('an invalid override stops start-up naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trd-thresholds-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ vitals: { spo2MinimumPercent: { value: 'ninety' } } }));
    const message = problemsOf(() => loadThresholds(file));
    expect(message).toContain('/vitals/spo2MinimumPercent');
  });
});
