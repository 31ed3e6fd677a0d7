/**
 * Conformance on public data: each patient, as a clinician would judge it, in both modes (prefetch,
 * and fetched from the test FHIR server). Sources in SOURCES.md.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { startFhirTestServer, fhirBase, type FhirTestServer } from '../helpers/fhir-test-server.js';
import { realServices } from '../helpers/knowledge.js';
import { prefetchFor } from '../builders/prefetch.js';

interface Expected {
  /** What a clinician reads in the record, in words. */
  judgement: string;
  criteria: Record<string, 'met' | 'not-met' | 'unknown'>;
  evidence?: Record<string, string[]>;
}

/** The expected assessment of each public patient (rule -> status), as a clinician would judge it. */
const EXPECTED: Record<string, Expected> = {
  'us-core-phq9-valuestring': {
    judgement:
      'A PHQ-9 total of 12 three days ago, recorded as the string "12" inside a 44249-1 panel: a baseline score exists (EL-4 met); no depression diagnosis or antidepressant is on record, so TRD is not met.',
    criteria: { 'EL-4': 'met', 'EL-1': 'not-met' },
    evidence: { 'EL-4': ['Observation/PHQ9-item-example-44261-6'] },
  },
};

const dir = join(import.meta.dirname, 'patients');
const patients = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => {
    const bundle = JSON.parse(readFileSync(join(dir, f), 'utf8')) as fhir4.Bundle;
    const resources = (bundle.entry ?? []).map((e) => e.resource!);
    return { name: f.slice(0, -5), bundle, resources, patientId: resources.find((r) => r.resourceType === 'Patient')!.id! };
  });

let server: FhirTestServer;
beforeAll(async () => {
  server = await startFhirTestServer();
  for (const p of patients) await server.load(p.bundle);
});
afterAll(() => server?.close());

const services = realServices();
const { app } = buildTestApp({ services, env: { FHIR_QUERY_TIMEOUT_MS: '10000', FHIR_CALL_BUDGET_MS: '20000' } });

async function assessment(p: (typeof patients)[number], mode: 'prefetch' | 'fetch') {
  const body = {
    hook: 'patient-view',
    hookInstance: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    context: { userId: 'Practitioner/1', patientId: p.patientId },
    ...(mode === 'prefetch' ? { prefetch: prefetchFor(p.resources) } : { fhirServer: fhirBase(server.origin) }),
  };
  const res = await request(app).post('/cds-services/trd-patient-view').send(body).expect(200);
  const a = res.body.extension['org.trdcds.assessment'] as {
    criteria: { rule: string; status: string; evidence: string[] }[];
    findings: { rule: string; status: string; evidence: string[] }[];
  };
  return new Map([...a.criteria, ...a.findings].map((f) => [f.rule, f]));
}

describe('public patients, assessed as a clinician would judge them', () => {
  it('every patient file has its expected assessment written down', () => {
    expect(patients.map((p) => p.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const p of patients) {
    for (const mode of ['prefetch', 'fetch'] as const) {
      it(`${p.name} (${mode})`, async () => {
        const expected = EXPECTED[p.name]!;
        const got = await assessment(p, mode);
        for (const [rule, status] of Object.entries(expected.criteria))
          expect(got.get(rule)?.status ?? 'not-met', `${rule}: ${expected.judgement}`).toBe(status);
        for (const [rule, refs] of Object.entries(expected.evidence ?? {})) expect(got.get(rule)?.evidence).toEqual(expect.arrayContaining(refs));
      });
    }
  }
});
