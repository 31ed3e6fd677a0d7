import request from 'supertest';
import { expect } from 'vitest';
import type { CdsResponse } from '../../src/cds-hooks/protocol.js';
import { buildTestApp } from './app.js';
import { expectValidCards } from './card-invariants.js';
import { realServices } from './knowledge.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';

export { bundle, prefetchFor };

const services = realServices();
const { app } = buildTestApp({ services });
export const testApp = app;

export interface HookOptions {
  drafts?: fhir4.Resource[];
  selections?: string[];
  prefetch?: Record<string, unknown>;
}

/** Calls a hook over HTTP with full prefetch; checks every card's invariants before returning. */
export async function callHook(hook: 'patient-view' | 'order-select' | 'order-sign', resources: fhir4.Resource[], o: HookOptions = {}): Promise<CdsResponse> {
  const context: Record<string, unknown> = { userId: 'Practitioner/1', patientId: 'p1' };
  if (hook !== 'patient-view') context['draftOrders'] = bundle(o.drafts ?? []);
  if (hook === 'order-select') context['selections'] = o.selections ?? (o.drafts ?? []).map((d) => `${d.resourceType}/${d.id}`);
  const res = await request(app)
    .post(`/cds-services/trd-${hook}`)
    .send({ hook, hookInstance: '5b9c7a2e-0d1f-4c3b-9e8a-7f6d5c4b3a21', context, prefetch: o.prefetch ?? prefetchFor(resources) });
  expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
  const body = res.body as CdsResponse;
  expectValidCards(body.cards);
  expect(body.extension?.['org.trdcds.assessment']).toBeDefined();
  return body;
}
