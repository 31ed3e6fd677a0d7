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

export const CONFORMANCE_DIR = join(projectRoot, 'test', 'conformance', 'patients');

/** The dates a conformance record is newest by (its own clinical times, not meta.lastUpdated). */
const CLINICAL_DATES = [
  'effectiveDateTime',
  'authoredOn',
  'onsetDateTime',
  'recordedDate',
  'performedDateTime',
  'issued',
  'dateAsserted',
  'whenHandedOver',
  'authored',
];

/**
 * Every public-data conformance patient (test/conformance/patients, sources in its SOURCES.md), with a
 * clock the day after its newest clinical date: Synthea records are old, and are judged as if the chart
 * were opened just after the last entry (as test/conformance/conformance.test.ts does with its own table).
 */
export function conformancePatients(): (Fixture & { now: string })[] {
  return readdirSync(CONFORMANCE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.json'.length);
      const bundle = JSON.parse(readFileSync(join(CONFORMANCE_DIR, f), 'utf8')) as fhir4.Bundle;
      const resources = (bundle.entry ?? []).map((e) => e.resource!);
      const patient = resources.find((r) => r.resourceType === 'Patient');
      if (!patient?.id) throw new Error(`conformance patient ${name} has no Patient`);
      let newest = 0;
      for (const r of resources) {
        for (const field of CLINICAL_DATES) {
          const v = (r as unknown as Record<string, unknown>)[field];
          const t = typeof v === 'string' ? Date.parse(v) : NaN;
          if (Number.isFinite(t) && t > newest) newest = t;
        }
      }
      const now = new Date(Math.floor(newest / 86_400_000 + 1) * 86_400_000 + 12 * 3_600_000).toISOString();
      return { name, patientId: patient.id, bundle, resources, now };
    });
}
