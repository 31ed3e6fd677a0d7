/**
 * Unreadable is unknown (issue 20): a prefetch Bundle that is not a well-formed searchset makes that
 * data unknown with the reason named, never "searched, none found"; no verdict becomes clearer
 * because data could not be read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CdsResponse } from '../../src/cds-hooks/protocol.js';
import { callHook, prefetchFor } from '../helpers/hooks.js';
import { icd } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';
import { fuzzParams } from './fuzz.js';

const MALFORMED: Record<string, (resources: fhir4.Resource[]) => unknown> = {
  'entry is an object': (rs) => ({ resourceType: 'Bundle', type: 'searchset', total: rs.length, entry: { resource: rs[0] } }),
  'total without entries': (rs) => ({ resourceType: 'Bundle', type: 'searchset', total: Math.max(rs.length, 2) }),
  'entries of another type': () => ({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Basic', id: 'b1' } }] }),
  'only an error OperationOutcome': () => ({
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [{ resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }, search: { mode: 'outcome' } }],
  }),
  'entries that are not resources': () => ({ resourceType: 'Bundle', type: 'searchset', entry: [1, 'x', { resource: 'Condition/1' }] }),
};

type Assessment = {
  modalities: Record<string, { status: string }>;
  criteria: { rule: string; status: string; missing: string[] }[];
  findings: { rule: string; status: string; missing: string[] }[];
};
const assessment = (r: CdsResponse) => r.extension!['org.trdcds.assessment'] as Assessment;
const SEVERITY: Record<string, number> = { clear: 0, caution: 1, deferred: 2, contraindicated: 3 };

describe('unreadable is unknown', () => {
  const psychosis = icd('F20.0', { onsetDaysAgo: 100, id: 'schizophrenia' });

  it('a psychosis in a well-formed Bundle gives a critical card (the baseline)', async () => {
    const res = await callHook('patient-view', candidate({}, psychosis));
    expect(res.cards.some((c) => c.indicator === 'critical')).toBe(true);
  });

  it.each(Object.keys(MALFORMED))(
    'conditions as a Bundle whose %s: the psychosis is unknown, not "none found", and the reason is named (reproducer)',
    async (shape) => {
      const resources = candidate({}, psychosis);
      const prefetch = prefetchFor(resources);
      prefetch['conditions'] = MALFORMED[shape]!(resources.filter((r) => r.resourceType === 'Condition'));
      const res = await callHook('patient-view', resources, { prefetch });
      const a = assessment(res);
      for (const m of Object.values(a.modalities)) expect(m.status).not.toBe('clear');
      const missing = [...a.criteria, ...a.findings].flatMap((f) => f.missing).join(' ');
      expect(missing).toMatch(/prefetch unreadable/);
      expect(res.cards.length).toBeGreaterThan(0);
    },
  );

  it('any key, any malformed shape: no verdict is clearer than with that key searched and empty, and something says so', async () => {
    const keys = ['conditions', 'observations', 'medicationStatements', 'medicationRequests', 'procedures', 'devices', 'allergies'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.constantFrom(...Object.keys(MALFORMED)), async (key, shape) => {
        const resources = candidate();
        const empty = prefetchFor(resources);
        empty[key] = { resourceType: 'Bundle', type: 'searchset', entry: [] };
        const broken = prefetchFor(resources);
        broken[key] = MALFORMED[shape]!([]);
        const [known, unreadable] = [
          assessment(await callHook('patient-view', resources, { prefetch: empty })),
          assessment(await callHook('patient-view', resources, { prefetch: broken })),
        ];
        for (const [m, v] of Object.entries(unreadable.modalities))
          expect(SEVERITY[v.status]!, `${key} ${shape}: ${m}`).toBeGreaterThanOrEqual(SEVERITY[known.modalities[m]!.status]!);
        const unknowns = (a: Assessment) => [...a.criteria, ...a.findings].filter((f) => f.status === 'unknown').length;
        expect(unknowns(unreadable), `${key} ${shape}`).toBeGreaterThan(unknowns(known));
      }),
      fuzzParams(20),
    );
  }, 120_000);
});
