/**
 * Counts a vitest JSON report for the closing "N passed, N failed" line. A test file that failed
 * without a failed test (it did not load, or a hook threw) counts as one failed test, and a missing
 * report counts as one failure, so that the line can never say 0 failed when the run failed.
 * @param {any} json vitest's JSON report, or undefined when none was written
 * @returns {{ passed: number, failed: number }}
 */
export function summarise(json) {
  if (!json) return { passed: 0, failed: 1 };
  const brokenFiles = (json.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
  const failed = (json.numFailedTests ?? 0) + brokenFiles;
  return { passed: json.numPassedTests ?? 0, failed: failed === 0 && json.success === false ? 1 : failed };
}
