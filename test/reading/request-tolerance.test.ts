/**
 * What real clients send: optional members as null, fhirAuthorization with only the token and its type.
 * Each is tolerated with complete prefetch; a member that matters, when wrong, still gets a 400 naming it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { fhirBase } from '../helpers/fhir-test-server.js';
import { buildTestApp } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';

const services = realServices();
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as Record<string, unknown> & { context: Record<string, unknown> };
const patientView = fixture('sandbox-01-patient-view.request.json');
const orderSign = fixture('sandbox-05-order-sign.request.json');
// The captures name a loopback FHIR server; with complete prefetch nothing is fetched, so drop it.
const { fhirServer: _pvServer, ...pvComplete } = patientView;
// The order-sign capture carries no prefetch (the sandbox fetched nothing): give it the required keys.
const { fhirServer: _osServer, ...osRest } = orderSign;
const osComplete = { ...osRest, prefetch: { patient: { resourceType: 'Patient', id: orderSign.context['patientId'] }, conditions: null } };
const fullAuthorization = { access_token: 'tok-secret-123', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'trd-cds' };

/**
 * Patient-view with complete prefetch and `fhirAuthorization`: a 200, one warning naming exactly the `missing`
 * members (no warning when none are missing), and the token never in the logs.
 */
async function expectToleratedWith(fhirAuthorization: Record<string, unknown>, missing: string[]): Promise<void> {
  const { app, logs } = buildTestApp({ services });
  const res = await request(app)
    .post('/cds-services/trd-patient-view')
    .send({ ...pvComplete, fhirAuthorization });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const warning = logs.records.find((r) => r['msg'] === 'fhirAuthorization lacks members CDS Hooks requires');
  if (missing.length) expect(warning?.['missing']).toEqual(missing);
  else expect(warning).toBeUndefined();
  expect(logs.text).not.toContain('tok-secret-123');
}

describe('optional members sent as null mean absent', () => {
  const { app } = buildTestApp({ services });
  it.each<[string, string, Record<string, unknown>]>([
    ['patient-view with "fhirServer": null', 'trd-patient-view', { ...pvComplete, fhirServer: null }],
    ['patient-view with "fhirAuthorization": null', 'trd-patient-view', { ...pvComplete, fhirAuthorization: null }],
    ['patient-view with "encounterId": null', 'trd-patient-view', { ...pvComplete, context: { ...pvComplete.context, encounterId: null } }],
    [
      'patient-view with "prefetch" members null (searched, none)',
      'trd-patient-view',
      { ...pvComplete, prefetch: { ...(pvComplete.prefetch as object), medicationRequests: null } },
    ],
    [
      'order-sign with every optional member null',
      'trd-order-sign',
      { ...osComplete, fhirServer: null, fhirAuthorization: null, context: { ...osComplete.context, encounterId: null } },
    ],
  ])('%s gets a 200', async (_label, id, body) => {
    const res = await request(app).post(`/cds-services/${id}`).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Array.isArray(res.body.cards)).toBe(true);
  });
});

describe('fhirAuthorization needs only access_token and token_type', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['all members', fullAuthorization, []],
    ['without expires_in', { ...fullAuthorization, expires_in: undefined }, ['expires_in']],
    ['without subject', { ...fullAuthorization, subject: undefined }, ['subject']],
    ['with only the token and its type', { access_token: 'tok-secret-123', token_type: 'bearer' }, ['expires_in', 'scope', 'subject']],
    ['with members sent as null', { ...fullAuthorization, scope: null, subject: null }, ['scope', 'subject']],
  ])('%s: 200, a warning naming the missing members, never the token', async (_label, fhirAuthorization, missing) => {
    await expectToleratedWith(fhirAuthorization, missing);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'without token_type (treated as Bearer)',
      { access_token: 'tok-secret-123', expires_in: 300, scope: 'patient/*.read', subject: 'trd-cds' },
      ['token_type'],
    ],
    ['with token_type null', { ...fullAuthorization, token_type: null }, ['token_type']],
    [
      'with every optional member null',
      { access_token: 'tok-secret-123', token_type: null, expires_in: null, scope: null, subject: null, patient: null },
      ['token_type', 'expires_in', 'scope', 'subject'],
    ],
    ['with expires_in as a string', { ...fullAuthorization, expires_in: '300' }, ['expires_in']],
    ['with no access_token (complete prefetch: nothing to fetch)', { token_type: 'Bearer' }, ['access_token', 'expires_in', 'scope', 'subject']],
    ['with a token type that is not Bearer (complete prefetch)', { access_token: 'tok-secret-123', token_type: 'MAC' }, ['expires_in', 'scope', 'subject']],
  ])('%s: 200 with complete prefetch, a warning naming what is missing', async (_label, fhirAuthorization, missing) => {
    await expectToleratedWith(fhirAuthorization, missing);
  });

  const origin = inject('fhirServerOrigin');
  const { patient: _patient, conditions: _conditions, ...withoutPatientAndConditions } = pvComplete.prefetch as Record<string, unknown>;
  const incomplete = (fhirAuthorization: unknown, tag: string) => ({
    ...pvComplete,
    prefetch: withoutPatientAndConditions,
    fhirServer: fhirBase(origin, { tag }),
    fhirAuthorization,
  });

  it('without token_type, data the call lacks is fetched with the token as Bearer', async () => {
    const { app } = buildTestApp({ services });
    const tag = randomUUID();
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send(incomplete({ access_token: 'tok-secret-123', token_type: null }, tag));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const requests = (await (await fetch(`${origin}/_requests/${tag}`)).json()) as { authorization?: string }[];
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.authorization === 'Bearer tok-secret-123')).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['no access_token', { token_type: 'Bearer' }, 'fhirAuthorization.access_token'],
    ['an empty access_token', { access_token: '  ', token_type: 'Bearer' }, 'fhirAuthorization.access_token'],
    ['a token type that is not Bearer', { access_token: 'x', token_type: 'MAC' }, 'fhirAuthorization.token_type'],
  ])('%s when data must be fetched: 400 naming the member and why, and no request', async (_label, fhirAuthorization, field) => {
    const { app, logs } = buildTestApp({ services });
    const tag = randomUUID();
    const res = await request(app).post('/cds-services/trd-patient-view').send(incomplete(fhirAuthorization, tag)).expect(400);
    const issues = res.body.issue as { expression?: string[]; diagnostics?: string }[];
    expect(issues.flatMap((i) => i.expression ?? [])).toContain(field);
    expect(JSON.stringify(issues)).toMatch(/fetch/);
    expect(await (await fetch(`${origin}/_requests/${tag}`)).json()).toEqual([]);
    expect(logs.text).not.toContain('tok-secret-123');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['fhirAuthorization that is not an object is still a 400 naming it', { fhirAuthorization: 'a-token' }, 'fhirAuthorization'],
    ['a fhirServer that is not a URL still gets a 400 naming it', { fhirServer: 'not a url' }, 'fhirServer'],
  ])('%s', async (_label, wrong, member) => {
    const { app } = buildTestApp({ services });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send({ ...pvComplete, ...wrong })
      .expect(400);
    expect(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain(member);
  });
});
