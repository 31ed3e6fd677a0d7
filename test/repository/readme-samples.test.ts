/**
 * The README's sample cards are the services' real answers to examples/*.request.json: regenerate them
 * with `npx tsx scripts/make-examples.ts` when a card changes (the outside tester found the README
 * two versions behind: an old extension version, no `chart` member, cards the service no longer gives).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { README_SAMPLES_END, README_SAMPLES_START, readmeSamples } from '../builders/readme-samples.js';

describe('README samples', () => {
  it('show what the services answer to the example requests (else run npx tsx scripts/make-examples.ts)', async () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const shown = readme.slice(readme.indexOf(README_SAMPLES_START), readme.indexOf(README_SAMPLES_END) + README_SAMPLES_END.length);
    expect(shown).toBe(await readmeSamples());
  });
});
