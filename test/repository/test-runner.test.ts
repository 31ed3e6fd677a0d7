import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
// @ts-expect-error plain JavaScript module without types (the CI script's own counting)
import { summarise } from '../../scripts/test-summary.mjs';

const file = (status: string, tests: string[]) => ({ status, assertionResults: tests.map((t) => ({ status: t })) });

describe('the closing line counts what failed', () => {
  it.each([
    [
      'all-passed',
      { numPassedTests: 3, numFailedTests: 0, success: true, testResults: [file('passed', ['passed', 'passed', 'passed'])] },
      { passed: 3, failed: 0 },
    ],
    ['a-failed-test', { numPassedTests: 1, numFailedTests: 1, success: false, testResults: [file('failed', ['passed', 'failed'])] }, { passed: 1, failed: 1 }],
    [
      'a-file-that-did-not-load',
      { numPassedTests: 2, numFailedTests: 0, success: false, testResults: [file('passed', ['passed', 'passed']), file('failed', [])] },
      { passed: 2, failed: 1 },
    ],
    ['a-failed-run-with-nothing-counted', { numPassedTests: 0, numFailedTests: 0, success: false, testResults: [] }, { passed: 0, failed: 1 }],
    ['no-report-at-all', undefined, { passed: 0, failed: 1 }],
  ])('%s', (_name, report, expected) => {
    expect(summarise(report)).toEqual(expected);
  });
});

describe('npm test on a suite with a file that fails to load', () => {
  const dir = join(projectRoot, '.test-results', `broken-suite-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints "1 passed, 1 failed" and exits non-zero', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['*.check.mjs'] } };\n");
    writeFileSync(join(dir, 'passes.check.mjs'), "import { it } from 'vitest';\nit('passes', () => {});\n");
    writeFileSync(join(dir, 'broken.check.mjs'), "import './no-such-module.mjs';\n");
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const run = spawnSync(process.execPath, ['scripts/run-tests.mjs', '--root', dir, '--config', join(dir, 'vitest.config.mjs')], {
      cwd: projectRoot,
      env: { ...env, TEST_REPORT: join(dir, 'report.json') },
      encoding: 'utf8',
    });
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
    expect(run.status).toBe(1);
  });
});
