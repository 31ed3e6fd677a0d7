import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FhirSchemaValidator, precompiledValidatorsSource } from '../../src/fhir/schema.js';
import { fhirProfilesDir } from '../../src/paths.js';

// The build compiles the FHIR R4 validators start-up needs (scripts/build-fhir-validators.mjs);
// these tests check that what the build writes is used, answers exactly as the schema compiled at
// start-up does, and is ignored when it was made from another schema.

const valueSet = (): fhir4.ValueSet => JSON.parse(readFileSync(join(fhirProfilesDir, 'ValueSet', 'bipolar-disorder.json'), 'utf8'));

const resources: [string, unknown][] = [
  ['a valid ValueSet', valueSet()],
  ['a ValueSet with a numeric status', { ...valueSet(), status: 42 }],
  ['a ValueSet with an unknown property', { ...valueSet(), colour: 'blue' }],
  ['a ValueSet whose compose is a string', { ...valueSet(), compose: 'all of SNOMED' }],
  ['a CodeSystem without status', { resourceType: 'CodeSystem', content: 'complete' }],
  ['a Patient (not compiled at build: compiled on demand)', { resourceType: 'Patient', gender: 'robot' }],
  ['a resource type FHIR R4 does not have', { resourceType: 'Medicament' }],
  ['no resourceType', { status: 'active' }],
];

describe('FHIR R4 validators compiled at build time', () => {
  let dir: string;
  let built: string;
  let fromBuild: FhirSchemaValidator;
  const compiledHere = new FhirSchemaValidator({ precompiledFile: '/nonexistent/fhir-r4-validators.cjs' });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trd-fhir-validators-'));
    built = join(dir, 'fhir-r4-validators.cjs');
    writeFileSync(built, precompiledValidatorsSource(['ValueSet', 'CodeSystem']));
    fromBuild = new FhirSchemaValidator({ precompiledFile: built });
  }, 60_000);

  it('are used when the build made them from the vendored schema', () => {
    expect(fromBuild.precompiled).toBe(true);
    expect(compiledHere.precompiled).toBe(false);
  });

  it.each(resources)(
    '%s: the same problems as the schema compiled at start-up',
    (_name, resource) => {
      expect(fromBuild.validate(resource)).toEqual(compiledHere.validate(resource));
    },
    60_000,
  );

  it('name the field of a broken ValueSet', () => {
    expect(fromBuild.validate({ ...valueSet(), status: 42 })).toContainEqual({
      path: 'status',
      message: 'must be equal to one of the allowed values',
    });
  });

  it('are not used when made from another schema (its SHA-256 differs): the schema is compiled instead', () => {
    const stale = join(dir, 'stale.cjs');
    writeFileSync(stale, readFileSync(built, 'utf8').replace(/"SCHEMA_SHA256":"[0-9a-f]{64}"/, `"SCHEMA_SHA256":"${'0'.repeat(64)}"`));
    const validator = new FhirSchemaValidator({ precompiledFile: stale });
    expect(validator.precompiled).toBe(false);
    expect(validator.validate({ ...valueSet(), status: 42 }).map((p) => p.path)).toContain('status');
  }, 60_000);
});
