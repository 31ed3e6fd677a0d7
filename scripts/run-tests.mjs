#!/usr/bin/env node
// `npm test`: the lint and format checks, then vitest once, then the plain "N passed, N failed" line CI reads.
// A test file that fails to load (or fails outside its tests) counts as a failed test, and a failed
// lint or format check counts as one failed test, so the exit code and the line always agree. Arguments go to vitest (a targeted run, e.g. `npm test -- test/http`); lint runs only on full runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { summarise } from './test-summary.mjs';

const report = process.env.TEST_REPORT ?? '.test-results/vitest.json';
const args = process.argv.slice(2);
mkdirSync(dirname(report), { recursive: true });
rmSync(report, { force: true });

const run = (label, argv) => {
  const result = spawnSync(process.execPath, argv, { stdio: 'inherit' });
  if (result.status !== 0) console.log(`${label}: failed`);
  return result.status === 0;
};

let checksFailed = 0;
if (args.length === 0) {
  if (!run('lint', ['node_modules/eslint/bin/eslint.js', '.'])) checksFailed++;
  if (!run('format check (npm run format fixes it)', ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level=warn', '.'])) checksFailed++;
}

const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
  { stdio: 'inherit' },
);

const { passed, failed } = summarise(existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined);
const totalFailed = failed + checksFailed;
console.log(`${passed} passed, ${totalFailed} failed`);
process.exit(vitest.status !== 0 || totalFailed > 0 || passed === 0 ? 1 : 0);
