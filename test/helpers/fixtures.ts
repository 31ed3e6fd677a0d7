import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';

export const FIXTURE_DIR = join(projectRoot, 'test', 'fixtures');

export interface Fixture {
  name: string;
  patientId: string;
  bundle: fhir4.Bundle;
  resources: fhir4.Resource[];
}

export function readFixture(name: string): Fixture {
  const bundle = JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')) as fhir4.Bundle;
  const resources = (bundle.entry ?? []).map((e) => e.resource!);
  const patient = resources.find((r) => r.resourceType === 'Patient');
  if (!patient?.id) throw new Error(`fixture ${name} has no Patient`);
  return { name, patientId: patient.id, bundle, resources };
}

/** Every synthetic patient in test/fixtures/, by scenario name. */
export function allFixtures(): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readFixture(f.slice(0, -'.json'.length)));
}
