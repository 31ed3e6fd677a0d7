/**
 * Property: whatever shape any field of any resource the rules read takes (wrong types, nesting,
 * unicode, sizes), every hook answers without a 5xx and without an error reaching the error
 * handler unmapped. The record is a full TRD candidate with a ketamine draft, so every rule runs.
 */
import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { realServices } from '../helpers/knowledge.js';
import { buildTestApp } from '../helpers/app.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';
import { candidate } from '../builders/scenarios.js';
import { ketamineDraft, tmsDraft } from '../builders/drafts.js';
import { icd, medDispense, medRequest, procedure, allergy, device, RX, SYS } from '../builders/fhir.js';
import { fuzzParams, hostileValue, mutationPaths, withValueAt } from './fuzz.js';

const { app, logs } = buildTestApp({ services: realServices() });

/** Every resource type the rules read, at least once. */
const record: fhir4.Resource[] = candidate(
  {},
  icd('F20.0', { onsetDaysAgo: 30 }),
  medRequest(RX.sertraline50Tab, { authoredDaysAgo: 20, supplyDays: 30 }),
  medDispense(RX.sertraline50Tab, { daysAgo: 10, quantity: 30, daysSupply: 30 }),
  procedure(SYS.cpt, '90868', { daysAgo: 100 }),
  allergy(SYS.rx, RX.ketamineIngredient),
  device('cochlear implant'),
).flat();
const drafts: fhir4.Resource[] = [ketamineDraft(40), tmsDraft()];

type Hook = 'patient-view' | 'order-select' | 'order-sign';

async function call(hook: Hook, resources: fhir4.Resource[], draftOrders: fhir4.Resource[]) {
  const context: Record<string, unknown> = { userId: 'Practitioner/1', patientId: 'p1' };
  if (hook !== 'patient-view') context['draftOrders'] = bundle(draftOrders);
  if (hook === 'order-select') context['selections'] = draftOrders.map((d) => `${d.resourceType}/${String(d.id)}`);
  return request(app)
    .post(`/cds-services/trd-${hook}`)
    .send({ hook, hookInstance: 'fuzz-1', context, prefetch: prefetchFor(resources) });
}

const target = fc.record({
  hook: fc.constantFrom<Hook>('patient-view', 'order-select', 'order-sign'),
  inDraft: fc.boolean(),
  index: fc.nat(),
  pathIndex: fc.nat(),
  value: hostileValue,
});

describe('fuzz: hostile values in any field of any resource the rules read', () => {
  it('never a 5xx, never an unmapped error (fixed seed, bounded runs)', async () => {
    const before = logs.lines.length;
    await fc.assert(
      fc.asyncProperty(target, async ({ hook, inDraft, index, pathIndex, value }) => {
        const list = inDraft && hook !== 'patient-view' ? drafts : record;
        const i = index % list.length;
        const paths = mutationPaths(list[i]!);
        const path = paths[pathIndex % paths.length]!;
        const mutated = list.map((r, j) => (j === i ? withValueAt(r, path, value) : r));
        const res = await (inDraft && hook !== 'patient-view' ? call(hook, record, mutated) : call(hook, mutated, drafts));
        expect(
          res.status,
          `${hook} ${list[i]!.resourceType}.${path.join('.')} = ${JSON.stringify(value)?.slice(0, 80)}: ${JSON.stringify(res.body).slice(0, 300)}`,
        ).toBeLessThan(500);
        if (res.status === 200) expect(Array.isArray(res.body.cards)).toBe(true);
      }),
      fuzzParams(),
    );
    expect(logs.lines.slice(before).filter((l) => l.includes('unhandled error'))).toEqual([]);
  }, 120_000);
});
