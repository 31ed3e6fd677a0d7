/**
 * Writes cds-services/try-page/examples.json: the try-it page's synthetic example patients, built with
 * the test builders (test/builders/try-examples.ts). Record dates are relative to the tests' clock and
 * the page moves them to today, so the file does not expire. A test fails when it drifts from the builders.
 * Run: npx tsx scripts/make-try-examples.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/paths.js';
import { tryExamples } from '../test/builders/try-examples.js';

const data = tryExamples();
writeFileSync(join(projectRoot, 'cds-services', 'try-page', 'examples.json'), `${JSON.stringify(data, null, 1)}\n`);
console.log(`cds-services/try-page/examples.json: ${data.examples.length} examples`);
