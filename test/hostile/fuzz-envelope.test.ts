/**
 * Property: any hook request envelope (a valid call with any part replaced by a hostile value, any
 * JSON at all, or bytes that are not JSON) gets an answer or a 4xx naming the problem, never a 5xx,
 * and never an error reaching the error handler unmapped.
 */
import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';
import { candidate } from '../builders/scenarios.js';
import { ketamineDraft } from '../builders/drafts.js';
import { FUZZ_RUNS, fuzzParams, hostileValue, pathsOf, withValueAt } from './fuzz.js';

const { app, logs } = buildTestApp({ services: realServices() });

const HOOKS = ['patient-view', 'order-select', 'order-sign'] as const;
const envelope = (hook: (typeof HOOKS)[number]) => ({
  hook,
  hookInstance: '5b9c7a2e-0d1f-4c3b-9e8a-7f6d5c4b3a21',
  fhirServer: 'http://127.0.0.1:1/fhir',
  fhirAuthorization: { access_token: 'x', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds' },
  context: {
    userId: 'Practitioner/1',
    patientId: 'p1',
    ...(hook === 'patient-view' ? {} : { draftOrders: bundle([ketamineDraft(40)]), selections: ['MedicationRequest/draft-ketamine'] }),
  },
  prefetch: prefetchFor(candidate()),
});
// Paths into the envelope, but not into every resource of the prefetch (fuzz-resources covers those).
const ENVELOPE_PATHS = Object.fromEntries(HOOKS.map((h) => [h, pathsOf(envelope(h), 5).filter((p) => p[0] !== 'prefetch' || p.length <= 4)]));

describe('fuzz: hostile hook request envelopes', () => {
  it('a valid call with any part replaced: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HOOKS), fc.nat(), hostileValue, async (hook, i, value) => {
        const paths = ENVELOPE_PATHS[hook]!;
        const path = paths[i % paths.length]!;
        const body = withValueAt(envelope(hook), path, value);
        const res = await request(app)
          .post(`/cds-services/trd-${hook}`)
          .send(body as object);
        expect(res.status, `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 80)}: ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
      }),
      fuzzParams(),
    );
  }, 120_000);

  it('any JSON value as the body: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HOOKS), fc.jsonValue({ maxDepth: 6 }), async (hook, body) => {
        const res = await request(app).post(`/cds-services/trd-${hook}`).set('content-type', 'application/json').send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
        expect(res.status === 200 || res.body.resourceType === 'OperationOutcome').toBe(true);
      }),
      fuzzParams(),
    );
  }, 120_000);

  it('bytes that are not JSON, any path, any content-type: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom(
          '/cds-services/trd-patient-view',
          '/cds-services/trd-order-sign/feedback',
          '/cds-services/%E0%A4%A',
          '/cds-services/%00',
          '/x/../cds-services',
        ),
        fc.constantFrom('application/json', 'application/fhir+json', 'text/plain', 'application/json; charset=latin-9'),
        async (text, path, type) => {
          const res = await request(app).post(path).set('content-type', type).send(text);
          expect(res.status).toBeLessThan(500);
        },
      ),
      fuzzParams(Math.max(10, Math.floor(FUZZ_RUNS / 2))),
    );
  }, 120_000);

  it('none of them reached the error handler unmapped', () => {
    expect(logs.lines.filter((l) => l.includes('unhandled error'))).toEqual([]);
  });
});
