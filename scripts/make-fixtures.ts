/**
 * Writes test/fixtures/<scenario>.json: each synthetic patient of test/builders/fixture-scenarios.ts
 * as a FHIR transaction Bundle. Dates are relative to the tests' fixed clock, so the files are stable;
 * a test fails when they drift from the builders.
 * Run: npx tsx scripts/make-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/paths.js';
import { FIXTURE_SCENARIOS, toTransactionBundle } from '../test/builders/fixture-scenarios.js';

const dir = join(projectRoot, 'test', 'fixtures');
mkdirSync(dir, { recursive: true });
for (const [name, scenario] of Object.entries(FIXTURE_SCENARIOS)) {
  const bundle = toTransactionBundle(name, scenario.build());
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(bundle, null, 1)}\n`);
  console.log(`test/fixtures/${name}.json: ${bundle.entry!.length} resources`);
}
