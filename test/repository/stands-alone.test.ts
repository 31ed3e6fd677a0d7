import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

// `.ci/run` runs the whole suite from a copy of the repository in an empty folder (scripts/test-alone.sh);
// these checks say early, in any run, which file would break that.

const SKIP = new Set(['node_modules', '.git', 'dist', 'coverage', '.test-results', '.bench-build']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    SKIP.has(e.name) ? [] : e.isDirectory() ? filesUnder(join(dir, e.name)) : [relative(projectRoot, join(dir, e.name))],
  );
}

describe('the repository stands alone', () => {
  it('no test, script or CI file reads the shared reference beside the repository', () => {
    // The one exception regenerates fhir-profiles/ from a newer reference on purpose; no test runs it.
    const code = ['test', 'scripts', 'bench', '.ci']
      .flatMap((d) => filesUnder(join(projectRoot, d)))
      .filter((f) => /\.(ts|mts|mjs|js|sh)$|^\.ci\//.test(f) && f !== join('scripts', 'build-fhir-profiles.ts'));
    const outside = /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]|['"`](\.\.\/)+shared\/(clinical|sandbox|notes|hooks)\b/;
    const readers = code.filter((f) => outside.test(readFileSync(join(projectRoot, f), 'utf8')));
    expect(code.length).toBeGreaterThan(30);
    expect(readers).toEqual([]);
  });

  it.each(['test/fixtures/sandbox', 'test/reference/clinical'])('%s is the snapshot its SNAPSHOT.json records', (dir) => {
    const snapshot = JSON.parse(readFileSync(join(projectRoot, dir, 'SNAPSHOT.json'), 'utf8')) as { taken: string; files: Record<string, string> };
    expect(snapshot.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const sha256 = (f: string) =>
      createHash('sha256')
        .update(readFileSync(join(projectRoot, dir, f)))
        .digest('hex');
    expect(Object.fromEntries(Object.keys(snapshot.files).map((f) => [f, sha256(f)]))).toEqual(snapshot.files);
  });

  it('the vendored FHIR R4 JSON Schema is the file its README names (SHA-256)', () => {
    const dir = join(projectRoot, 'fhir-profiles', 'schemas', 'fhir-r4');
    const named = /SHA-256: `([0-9a-f]{64})`/.exec(readFileSync(join(dir, 'README.md'), 'utf8'))?.[1];
    expect(
      createHash('sha256')
        .update(readFileSync(join(dir, 'fhir.schema.json')))
        .digest('hex'),
    ).toBe(named);
  });
});
