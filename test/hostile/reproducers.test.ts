/**
 * Every reproducer of issue 20's request-side findings, kept as a named test: each was an HTTP 500
 * (a call that returned no cards) or a held connection, and must now be an answer or a clear 4xx.
 */
import { gzipSync } from 'node:zlib';
import { createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { buildTestApp } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';
import { closeNow, listenOnLoopback } from '../helpers/loopback.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';
import { candidate } from '../builders/scenarios.js';
import { ketamineDraft } from '../builders/drafts.js';
import { medDispense, medRequest, obs, RX } from '../builders/fhir.js';

const { app, logs } = buildTestApp({ services: realServices(), env: { MAX_BODY: '1mb' } });

const hookInstance = '5b9c7a2e-0d1f-4c3b-9e8a-7f6d5c4b3a21';
const context = (drafts: unknown[] = []) => ({ userId: 'Practitioner/1', patientId: 'p1', draftOrders: bundle(drafts as fhir4.Resource[]) });

function signCall(resources: fhir4.Resource[], drafts: unknown[] = [ketamineDraft(40)]) {
  return request(app)
    .post('/cds-services/trd-order-sign')
    .send({ hook: 'order-sign', hookInstance, context: context(drafts), prefetch: prefetchFor(resources) });
}

function nestedArrays(depth: number): unknown {
  let v: unknown = { system: 'http://snomed.info/sct', code: '58214004' };
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const ODD_UNITS: [string, unknown][] = [
  ['a number', 80],
  ['a boolean', true],
  ['an array', ['kg']],
  ['an object', { code: 'kg' }],
];

describe('issue 20 reproducers: wrong-typed values are unreadable for that fact, never a 500', () => {
  it.each(ODD_UNITS)('a weight whose unit code is %s: 200, the weight is not used', async (_name, code) => {
    const weight = obs.weight(80);
    (weight.valueQuantity as Record<string, unknown>)['code'] = code;
    const res = await signCall(candidate({ weight }));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.cards)).not.toMatch(/Change the dose to/);
  });

  it.each(ODD_UNITS)('a draft dose whose unit code is %s: 200', async (_name, code) => {
    const draft = ketamineDraft(40);
    (draft.dosageInstruction![0]!.doseAndRate![0]!.doseQuantity as Record<string, unknown>)['code'] = code;
    expect((await signCall(candidate(), [draft])).status).toBe(200);
  });

  it.each(ODD_UNITS)('a dispense whose days-supply unit is %s: 200', async (_name, code) => {
    const dispense = medDispense(RX.sertraline50Tab, { daysAgo: 10, quantity: 30, daysSupply: 30 });
    (dispense.daysSupply as Record<string, unknown>)['code'] = code;
    (dispense.quantity as Record<string, unknown>)['code'] = code;
    expect((await signCall(candidate({}, dispense))).status).toBe(200);
  });

  it.each(ODD_UNITS)('an order whose supply-duration unit is %s: 200', async (_name, code) => {
    const order = medRequest(RX.sertraline50Tab, { authoredDaysAgo: 20, supplyDays: 30 });
    (order.dispenseRequest!.expectedSupplyDuration as Record<string, unknown>)['code'] = code;
    expect((await signCall(candidate({}, order))).status).toBe(200);
  });

  it('a draft whose dosageInstruction is a string: 200', async () => {
    const draft = { ...ketamineDraft(40), dosageInstruction: '40 mg IV' };
    expect((await signCall(candidate(), [draft])).status).toBe(200);
  });

  it('nested arrays in Condition.code (a few levels): 200', async () => {
    const condition = { resourceType: 'Condition', id: 'c-nested', subject: { reference: 'Patient/p1' }, code: { coding: nestedArrays(5) } };
    expect((await signCall(candidate({}, condition as fhir4.Resource))).status).toBe(200);
  });
});

describe('issue 20 reproducers: hostile envelopes get a 4xx naming the field', () => {
  it('about 2,000 levels of nesting in a draft: 400 naming where', async () => {
    const draft = { ...ketamineDraft(40), extension: nestedArrays(2000) };
    const res = await signCall(candidate(), [draft]);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/context\.draftOrders\.entry\.0\.resource\.extension/);
    expect(JSON.stringify(res.body)).toMatch(/nest/);
  });

  // Attacker's finding: 8,000 drafts naming separate Medications held the event loop for 34 s.
  it('more draft orders than one signing holds (501): 400 naming context.draftOrders.entry', async () => {
    const drafts = Array.from({ length: 501 }, (_, i) => ({
      resourceType: 'MedicationRequest',
      id: `d${i}`,
      medicationReference: { reference: `Medication/x${i}` },
    }));
    const res = await signCall(candidate(), drafts);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/context\.draftOrders\.entry/);
    expect(JSON.stringify(res.body)).toMatch(/more than 500 entries/);
  });

  it('about 2,000 levels of nested arrays in Condition.code: 400 naming where', async () => {
    const condition = { resourceType: 'Condition', id: 'c-deep', subject: { reference: 'Patient/p1' }, code: { coding: nestedArrays(2000) } };
    const res = await signCall(candidate({}, condition as fhir4.Resource));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/prefetch\.conditions\.entry\.\d+\.resource\.code\.coding/);
  });

  it('a 4 MiB patientId: 400 naming context.patientId, and not echoed back', async () => {
    const { app: big } = buildTestApp({ services: realServices(), env: { MAX_BODY: '8mb' } });
    const res = await request(big)
      .post('/cds-services/trd-patient-view')
      .send({ hook: 'patient-view', hookInstance, context: { userId: 'Practitioner/1', patientId: 'p'.repeat(4 * 1024 * 1024) } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('context.patientId');
    expect(JSON.stringify(res.body).length).toBeLessThan(2000);
  });

  it.each([
    ['hookInstance', { hookInstance: 'h'.repeat(10_000) }, 'hookInstance'],
    ['a resource id', { prefetch: { patient: { resourceType: 'Patient', id: 'i'.repeat(10_000) } } }, 'prefetch.patient.id'],
    ['an array of 100,000 items', { prefetch: { conditions: { resourceType: 'Bundle', entry: new Array(100_000).fill(0) } } }, 'prefetch.conditions.entry'],
  ])('an oversize %s: 400 naming the field', async (_name, change, field) => {
    const { app: big } = buildTestApp({ services: realServices(), env: { MAX_BODY: '8mb' } });
    const res = await request(big)
      .post('/cds-services/trd-patient-view')
      .send({ hook: 'patient-view', hookInstance, context: { userId: 'Practitioner/1', patientId: 'p1' }, ...change });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('bad percent-encoding in the path: 400, not 500', async () => {
    const res = await request(app).post('/cds-services/%E0%A4%A').send({});
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('an unsupported content-encoding: 415', async () => {
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .set('content-type', 'application/json')
      .set('content-encoding', 'compress')
      .send('{}');
    expect(res.status).toBe(415);
  });
});

/** A raw POST to patient-view on the loopback `port` with these headers; the caller sends (or withholds) the body. */
const rawPatientViewPost = (port: number, headers: Record<string, string>) =>
  httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/cds-services/trd-patient-view', headers });

describe('issue 20 reproducers: bodies over the wire (gzip, oversize-declared)', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer(app);
    port = await listenOnLoopback(server);
  });
  afterAll(() => closeNow(server));

  async function post(headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
    const req = rawPatientViewPost(port, { ...headers, 'content-length': String(body.length) });
    req.end(body);
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    let text = '';
    for await (const chunk of res) text += chunk;
    return { status: res.statusCode!, body: text };
  }

  it('a gzip header on a body that is not gzip: 400, not 500', async () => {
    const res = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, Buffer.from('{"hook":"patient-view"}'));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).resourceType).toBe('OperationOutcome');
  });

  it('a real gzip body is still read', async () => {
    const body = gzipSync(
      JSON.stringify({ hook: 'patient-view', hookInstance, context: { userId: 'Practitioner/1', patientId: 'p1' }, prefetch: prefetchFor(candidate()) }),
    );
    const res = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, body);
    expect(res.status).toBe(200);
  });

  it('a Content-Length over MAX_BODY gets 413 before the body is sent', async () => {
    const started = Date.now();
    const req = rawPatientViewPost(port, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
    req.flushHeaders();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    expect(res.statusCode).toBe(413);
    expect(Date.now() - started).toBeLessThan(2000);
    req.destroy();
  });
});

describe('issue 20 reproducers: slow bodies', () => {
  it('a body still dripping in after BODY_TIMEOUT_MS gets 408 and the connection is closed', async () => {
    const { app: slowApp } = buildTestApp({ services: realServices(), env: { BODY_TIMEOUT_MS: '400' } });
    const server = createServer(slowApp);
    const port = await listenOnLoopback(server);
    const started = Date.now();
    const req = rawPatientViewPost(port, { 'content-type': 'application/json', 'content-length': '100000' });
    req.on('error', () => undefined);
    req.write('{"hook":');
    const drip = setInterval(() => req.write(' '), 50);
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    clearInterval(drip);
    expect(res.statusCode).toBe(408);
    expect(res.headers['connection']).toBe('close');
    expect(Date.now() - started).toBeLessThan(3000);
    req.destroy();
    closeNow(server);
  });
});

describe('issue 20 reproducers: all of the above', () => {
  it('no 500 reached the error handler unmapped in any of these', () => {
    expect(logs.lines.filter((l) => l.includes('unhandled error'))).toEqual([]);
  });
});
