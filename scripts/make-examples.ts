/**
 * Writes examples/*.request.json: one sample request per hook, built with the test builders (dates
 * relative to the tests' clock), for the README's curl walk-through; then the README's "What the
 * services return for the samples" from the services' answers to them (a test fails when it drifts).
 * Run: npx tsx scripts/make-examples.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/paths.js';
import { patient, icd, obs } from '../test/builders/fhir.js';
import { ketamineDraft, tmsDraft } from '../test/builders/drafts.js';
import { candidate } from '../test/builders/scenarios.js';
import { bundle, prefetchFor } from '../test/builders/prefetch.js';
import { readmeSamples, withSamples } from '../test/builders/readme-samples.js';

const context = { userId: 'Practitioner/example', patientId: 'p1' };
const examples = {
  'patient-view': {
    hook: 'patient-view',
    hookInstance: 'b1e9f0a2-3c4d-4e5f-8a6b-7c8d9e0f1a2b',
    context,
    prefetch: prefetchFor(candidate({ patient: patient({ gender: 'female', age: 34 }) })),
  },
  'order-select': {
    hook: 'order-select',
    hookInstance: 'c2f0a1b3-4d5e-4f60-9b7c-8d9e0f1a2b3c',
    context: { ...context, selections: ['MedicationRequest/draft-ketamine'], draftOrders: bundle([ketamineDraft(60)]) },
    prefetch: prefetchFor(candidate()),
  },
  'order-sign': {
    hook: 'order-sign',
    hookInstance: 'd3a1b2c4-5e6f-4071-8c8d-9e0f1a2b3c4d',
    context: { ...context, draftOrders: bundle([ketamineDraft(60), tmsDraft()]) },
    prefetch: prefetchFor(candidate({}, icd('F31.81'), obs.bpPanel(150, 92, 1))),
  },
};
for (const [hook, request] of Object.entries(examples)) {
  writeFileSync(join(projectRoot, 'examples', `${hook}.request.json`), JSON.stringify(request, null, 2) + '\n');
}
console.log(`wrote ${Object.keys(examples).length} examples`);
const readme = join(projectRoot, 'README.md');
writeFileSync(readme, withSamples(readFileSync(readme, 'utf8'), await readmeSamples()));
console.log('README.md: sample cards regenerated');
