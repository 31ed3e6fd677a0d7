import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { realServices } from '../helpers/knowledge.js';
import { buildTestApp } from '../helpers/app.js';
import { sandboxCaptures } from '../helpers/sandbox.js';

const services = realServices();
const serviceIdFor = (hook: string) => services.find((s) => s.hook === hook)!.id;

const patientView = (overrides: Record<string, unknown> = {}) => ({
  hook: 'patient-view',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  context: { userId: 'Practitioner/1', patientId: 'p1' },
  prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null },
  ...overrides,
});

describe('discovery', () => {
  it('lists one service per hook, each with a distinct id, title, description and prefetch', async () => {
    const { app } = buildTestApp({ services });
    const res = await request(app).get('/cds-services').expect(200);
    const entries = res.body.services as { id: string; hook: string; title: string; description: string; prefetch: object }[];
    expect(entries.map((e) => e.hook).sort()).toEqual(['order-select', 'order-sign', 'patient-view']);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const e of entries) {
      expect(e.title.length).toBeGreaterThan(0);
      expect(e.description.length).toBeGreaterThan(0);
      expect(Object.keys(e.prefetch)).toContain('patient');
    }
  });
});

describe('hook endpoint status codes', () => {
  const { app } = buildTestApp({ services });
  const pv = `/cds-services/${serviceIdFor('patient-view')}`;

  it.each([
    ['valid patient-view call', pv, 'application/json', JSON.stringify(patientView()), 200],
    ['unknown service id', '/cds-services/no-such-service', 'application/json', JSON.stringify(patientView()), 404],
    ['invalid JSON', pv, 'application/json', '{"hook": "patient-view",', 400],
    ['JSON that is not an object', pv, 'application/json', '[1,2]', 400],
    ['the wrong hook for that service id', pv, 'application/json', JSON.stringify(patientView({ hook: 'order-sign' })), 400],
    ['text/plain body', pv, 'text/plain', JSON.stringify(patientView()), 415],
    ['no content type', pv, '', JSON.stringify(patientView()), 415],
  ])('%s', async (_label, path, contentType, body, status) => {
    const req = request(app).post(path);
    if (contentType) req.set('content-type', contentType);
    const res = await req.send(body);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/); // never a stack trace
  });

  it('names every bad field in one 400 OperationOutcome', async () => {
    const res = await request(app)
      .post(pv)
      .send({ hook: 'patient-view', context: { userId: '', patientId: 42 }, fhirServer: 'not a url' })
      .expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const fields = res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    expect(fields).toEqual(expect.arrayContaining(['hookInstance', 'fhirServer', 'context.userId', 'context.patientId']));
  });

  it('rejects a prefetch value that is not a FHIR resource, naming the key', async () => {
    const res = await request(app)
      .post(pv)
      .send(patientView({ prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: 'lots' } }))
      .expect(400);
    expect(res.body.issue[0].expression).toEqual(['prefetch.conditions']);
  });

  it('answers 413 for a body over MAX_BODY', async () => {
    const small = buildTestApp({ services, env: { MAX_BODY: '1kb' } });
    const big = patientView({ padding: 'x'.repeat(4096) });
    const res = await request(small.app).post(pv).send(big);
    expect(res.status).toBe(413);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('answers 404 with an OperationOutcome for an unknown route', async () => {
    const res = await request(app).get('/nothing-here').expect(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('answers 412 when required data is neither prefetched nor fetchable', async () => {
    const res = await request(app)
      .post(pv)
      .send(patientView({ prefetch: undefined }))
      .expect(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(res.body)).toContain('prefetch.patient');
  });
});

describe('what the public sandbox really sends', () => {
  const { app } = buildTestApp({ services });
  it.each(sandboxCaptures().map((c) => [c.name, c] as const))('%s gets a 200 with cards', async (_name, capture) => {
    const res = await request(app)
      .post(`/cds-services/${serviceIdFor(capture.request.hook)}`)
      .send(capture.request)
      .expect(200);
    expect(Array.isArray(res.body.cards)).toBe(true);
  });

  // CDS Hooks 2.0 makes draftOrders REQUIRED on both order hooks: a 200 with no cards would read as "nothing found".
  it.each(['order-select', 'order-sign'] as const)('an %s call with no draftOrders, or null, gets a 400 naming context.draftOrders', async (hook) => {
    const capture = sandboxCaptures().find((c) => c.request.hook === hook)!;
    const { draftOrders: _dropped, ...context } = capture.request.context;
    for (const sent of [context, { ...context, draftOrders: null }]) {
      const res = await request(app)
        .post(`/cds-services/${serviceIdFor(hook)}`)
        .send({ ...capture.request, context: sent })
        .expect(400);
      expect(res.body.issue.map((i: { expression: string[] }) => i.expression[0])).toEqual(['context.draftOrders']);
    }
  });

  it('an order-select call with an empty draftOrders Bundle gets a 200 with no cards', async () => {
    const capture = sandboxCaptures().find((c) => c.request.hook === 'order-select')!;
    const res = await request(app)
      .post(`/cds-services/${serviceIdFor('order-select')}`)
      .send({ ...capture.request, context: { ...capture.request.context, draftOrders: { resourceType: 'Bundle' } } })
      .expect(200);
    expect(res.body.cards).toEqual([]);
  });
});

describe('CORS for browser clients', () => {
  const { app } = buildTestApp({ services });
  it('answers a preflight without authentication, allowing authorization and content-type', async () => {
    const res = await request(app)
      .options('/cds-services/trd-patient-view')
      .set('Origin', 'https://sandbox.cds-hooks.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toMatch(/authorization/);
    expect(res.headers['access-control-allow-headers']).toMatch(/content-type/);
  });

  it('allows only configured origins when CORS_ORIGINS is set', async () => {
    const { app: restricted } = buildTestApp({ services, env: { CORS_ORIGINS: 'https://ehr.example.org' } });
    const res = await request(restricted).get('/cds-services').set('Origin', 'https://ehr.example.org');
    expect(res.headers['access-control-allow-origin']).toBe('https://ehr.example.org');
  });
});

describe('operations endpoints', () => {
  it('healthz is up and readyz follows readiness', async () => {
    let ready = false;
    const { app } = buildTestApp({ services, isReady: () => ready });
    await request(app).get('/healthz').expect(200);
    await request(app).get('/readyz').expect(503);
    ready = true;
    await request(app).get('/readyz').expect(200);
  });

  it('logs one line per request with ids and timings, never the body', async () => {
    const { app, logs } = buildTestApp({ services });
    await request(app).post('/cds-services/trd-patient-view').send(patientView()).expect(200);
    const line = logs.records.find((r) => r['msg'] === 'request')!;
    expect(line).toMatchObject({ serviceId: 'trd-patient-view', hook: 'patient-view', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', status: 200 });
    expect(typeof line['durationMs']).toBe('number');
    expect(typeof line['reqId']).toBe('string');
    expect(logs.text).not.toContain('Patient');
  });
});
