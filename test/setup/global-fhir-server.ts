/**
 * vitest global setup: starts the in-memory FHIR R4 server on 127.0.0.1 (port 0) once for the run,
 * loads every synthetic patient of test/fixtures/ with its transaction Bundle, and hands the origin
 * to the tests (`inject('fhirServerOrigin')`).
 */
import type { TestProject } from 'vitest/node';
import { allFixtures } from '../helpers/fixtures.js';
import { startFhirTestServer } from '../helpers/fhir-test-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fhirServerOrigin: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startFhirTestServer();
  for (const fixture of allFixtures()) await server.load(fixture.bundle);
  project.provide('fhirServerOrigin', server.origin);
  return () => server.close();
}
