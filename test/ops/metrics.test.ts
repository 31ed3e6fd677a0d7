import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { Unauthorized } from '../../src/errors.js';
import { metricsServer } from '../../src/http/metrics-endpoint.js';
import { fhirOutcome, resourceTypeOfQuery, ruleOfCard } from '../../src/metrics.js';
import { buildTestApp, testConfig } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';
import { fakeFhirServer, metricValue } from './observe.js';
import { prefetchFor } from '../builders/prefetch.js';
import { readFixture } from '../helpers/fixtures.js';

const services = realServices();
const patientView = (extra: Record<string, unknown> = {}) => ({
  hook: 'patient-view',
  hookInstance: 'a3f4c2d1-0b9e-4c8d-8f7e-6a5b4c3d2e1f',
  context: { userId: 'Practitioner/1', patientId: 'p1' },
  prefetch: { patient: { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1990-01-01' }, conditions: null },
  ...extra,
});

describe('GET /metrics (prom-client)', () => {
  const { app } = buildTestApp({ services });

  it('counts a hook call by service, hook and status, and its cards by service, indicator and rule', async () => {
    const labels = { service: 'trd-patient-view', hook: 'patient-view', status: '200' };
    const before = await metricValue('trdcds_http_request_duration_seconds_count', labels);
    const cardsBefore = await metricValue('trdcds_cards_total', { service: 'trd-patient-view' });
    const { patientId, resources } = readFixture('pregnant-woman-with-trd');
    const body = { ...patientView({ prefetch: prefetchFor(resources) }), context: { userId: 'Practitioner/1', patientId } };
    const res = await request(app).post('/cds-services/trd-patient-view').send(body).expect(200);
    expect(await metricValue('trdcds_http_request_duration_seconds_count', labels)).toBe(before + 1);
    const cards = res.body.cards as { indicator: string; summary: string }[];
    expect(cards.length).toBeGreaterThan(0);
    expect(await metricValue('trdcds_cards_total', { service: 'trd-patient-view' })).toBe(cardsBefore + cards.length);

    const text = (
      await request(app)
        .get('/metrics')
        .expect(200)
        .expect('content-type', /text\/plain/)
    ).text;
    expect(text).toMatch(/trdcds_http_request_duration_seconds_bucket\{[^}]*service="trd-patient-view",hook="patient-view",status="200"/);
    expect(text).toMatch(/trdcds_cards_total\{service="trd-patient-view",indicator="(info|warning|critical)",rule="[A-Z]{2,3}-[\d.]+|none"\}/);
  });

  it('counts a card under the rule its summary or source.topic names', () => {
    expect(ruleOfCard({ indicator: 'warning', summary: 'Cautions: pregnancy not excluded (CI-4)' })).toBe('CI-4');
    expect(ruleOfCard({ indicator: 'info', summary: 'Monitoring (MO-2)', source: { topic: { code: 'MO-11' } } })).toBe('MO-11');
    expect(ruleOfCard({ indicator: 'info', summary: 'Dose check', source: { label: 'OR-4: SPRAVATO prescribing information' } })).toBe('OR-4');
    expect(ruleOfCard({ indicator: 'info', summary: 'TRD criteria met: 2 failed trials' })).toBe('none');
  });

  it('counts a FHIR query that timed out, by resource type and outcome', async () => {
    const fhir = await fakeFhirServer('hang');
    try {
      const { app: timing } = buildTestApp({ services, env: { FHIR_QUERY_TIMEOUT_MS: '150', FHIR_CALL_BUDGET_MS: '400' } });
      const before = await metricValue('trdcds_fhir_queries_total', { resource_type: 'Condition', outcome: 'timeout' });
      await request(timing)
        .post('/cds-services/trd-patient-view')
        .send(patientView({ prefetch: { patient: patientView().prefetch.patient }, fhirServer: fhir.url }))
        .expect(200);
      expect(await metricValue('trdcds_fhir_queries_total', { resource_type: 'Condition', outcome: 'timeout' })).toBe(before + 1);
    } finally {
      fhir.close();
    }
  });

  it('counts a JWT refusal by reason', async () => {
    const { app: guarded } = buildTestApp({
      services,
      authenticate: async () => {
        throw new Unauthorized('expired', 'The token has expired');
      },
    });
    const before = await metricValue('trdcds_jwt_refusals_total', { reason: 'expired' });
    await request(guarded).post('/cds-services/trd-patient-view').send(patientView()).expect(401);
    expect(await metricValue('trdcds_jwt_refusals_total', { reason: 'expired' })).toBe(before + 1);
  });

  it('counts feedback by outcome', async () => {
    const before = await metricValue('trdcds_feedback_total', { service: 'trd-patient-view', outcome: 'overridden' });
    const feedback = [1, 2, 3].map((i) => ({
      card: `00000000-0000-4000-8000-00000000000${i}`,
      outcome: 'overridden',
      outcomeTimestamp: '2026-11-21T12:00:00Z',
    }));
    await request(app).post('/cds-services/trd-patient-view/feedback').send({ feedback }).expect(200);
    expect(await metricValue('trdcds_feedback_total', { service: 'trd-patient-view', outcome: 'overridden' })).toBe(before + 3);
  });

  it.each([
    ['ok', 'ok'],
    ['unauthorized', '401-403'],
    ['forbidden', '401-403'],
    ['not-found', '404'],
    ['rate-limited', '429'],
    ['server-error', '5xx'],
    ['timeout', 'timeout'],
    ['unreachable', 'refused'],
    ['malformed-response', 'malformed'],
  ] as const)('FHIR failure %s is counted as outcome %s', (kind, outcome) => {
    expect(fhirOutcome(kind)).toBe(outcome);
  });

  it.each([
    ['Condition?patient=p1&_count=200', 'Condition'],
    ['Patient/p1', 'Patient'],
    ['https://ehr.example.org/fhir?_getpages=abc', 'page'],
    ['../../etc', 'other'],
  ])('the resource type label of %s is %s', (url, label) => {
    expect(resourceTypeOfQuery(url)).toBe(label);
  });
});

describe('who may read /metrics', () => {
  it('with METRICS_TOKEN: 401 without the bearer token, 200 with it', async () => {
    const { app } = buildTestApp({ services: [], env: { METRICS_TOKEN: 'a-long-scrape-token-123' } });
    await request(app).get('/metrics').expect(401);
    await request(app).get('/metrics').set('Authorization', 'Bearer wrong-token-of-some-length').expect(401);
    await request(app).get('/metrics').set('Authorization', 'Bearer a-long-scrape-token-123').expect(200);
  });

  it('in production without a token or a port of its own, /metrics is not served', async () => {
    const { app } = buildTestApp({ services: [], env: { NODE_ENV: 'production', REQUIRE_JWT: 'false' } });
    await request(app).get('/metrics').expect(404);
  });

  describe('with METRICS_PORT, on its own server only', () => {
    const config = testConfig({ METRICS_PORT: '0' });
    const { app } = buildTestApp({ services: [], config });
    const server = metricsServer(config);
    afterAll(() => server.close());

    it('serves /metrics there, and the service port answers 404', async () => {
      await request(server)
        .get('/metrics')
        .expect(200)
        .expect(/trdcds_http_request_duration_seconds/);
      await request(server).get('/cds-services').expect(404);
      await request(app).get('/metrics').expect(404);
    });
  });
});
