import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { ConfigurationError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { isAllowedFhirServer } from '../../src/fhir/server-allowlist.js';
import { projectRoot } from '../../src/paths.js';
import { SANDBOX_ISSUER, jwtAuthenticator } from '../../src/runtime.js';
import type { AnyCdsService } from '../../src/cds-hooks/service.js';
import { LogCapture, TEST_NOW, buildTestApp, testConfig } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';
import { fakeFhirServer } from './observe.js';

const services = realServices();
const NOW_S = Math.floor(Date.parse(TEST_NOW) / 1000);
const PATIENT = { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1990-01-01' };
const patientView = (extra: Record<string, unknown> = {}) => ({
  hook: 'patient-view',
  hookInstance: 'b4c3d2e1-0f9e-4d8c-8b7a-695847362514',
  context: { userId: 'Practitioner/1', patientId: 'p1' },
  prefetch: { patient: PATIENT, conditions: null },
  ...extra,
});
const requestLine = (logs: LogCapture) => logs.records.find((r) => r['msg'] === 'request')!;

describe('request id and trace context', () => {
  it('takes X-Request-Id and traceparent, sends them on every FHIR request, echoes them, and logs neither token nor resource', async () => {
    const fhir = await fakeFhirServer();
    try {
      const { app, logs } = buildTestApp({ services });
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await request(app)
        .post('/cds-services/trd-patient-view')
        .set('X-Request-Id', 'ehr-request-42')
        .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
        .send(
          patientView({
            prefetch: {},
            fhirServer: fhir.url,
            fhirAuthorization: { access_token: 'secret-access-token-xyz', token_type: 'Bearer', scope: 'patient/*.read', subject: 'trd-cds', expires_in: 300 },
          }),
        )
        .expect(200);
      expect(res.headers['x-request-id']).toBe('ehr-request-42');
      expect(res.headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(fhir.requests.length).toBeGreaterThan(0);
      for (const r of fhir.requests) {
        expect(r.headers['x-request-id']).toBe('ehr-request-42');
        expect(r.headers['traceparent']).toBe(res.headers['traceparent']);
      }
      expect(requestLine(logs)).toMatchObject({ reqId: 'ehr-request-42', traceId, status: 200 });
      expect(logs.text).not.toContain('secret-access-token-xyz');
      expect(logs.text).not.toContain('1990-01-01');
    } finally {
      fhir.close();
    }
  });

  it('an X-Request-Id that is not a short plain token is replaced by one of our own', async () => {
    const { app } = buildTestApp({ services: [] });
    const res = await request(app).get('/cds-services').set('X-Request-Id', 'x'.repeat(65)).expect(200);
    expect(res.headers['x-request-id']).not.toContain('xxxx');
    expect(res.headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });
});

describe('log lines IT can act on', () => {
  it('every line carries pid and hostname', async () => {
    const { app, logs } = buildTestApp({ services: [] });
    await request(app).get('/cds-services').expect(200);
    expect(logs.records.length).toBeGreaterThan(0);
    for (const r of logs.records) expect(r).toMatchObject({ pid: process.pid, hostname: expect.any(String) });
  });

  it('a 400 logs its reason code and the field names at warn, never the values', async () => {
    const { app, logs } = buildTestApp({ services });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send(patientView({ context: { userId: 'Practitioner/1', patientId: { name: 'Jane Secretname' } } }));
    expect(res.status).toBe(400);
    const line = requestLine(logs);
    expect(line).toMatchObject({ level: 40, status: 400, problem: { code: 'invalid-request', fields: expect.arrayContaining(['context.patientId']) } });
    expect(logs.text).not.toContain('Secretname');
  });

  it('a 415 and a 404 log their reason codes', async () => {
    const { app, logs } = buildTestApp({ services });
    await request(app).post('/cds-services/trd-patient-view').set('content-type', 'text/plain').send('x').expect(415);
    await request(app).post('/cds-services/no-such-service').send(patientView()).expect(404);
    const problems = logs.records.filter((r) => r['msg'] === 'request').map((r) => r['problem']);
    expect(problems).toEqual([
      { code: 'unsupported-media-type', fields: ['content-type'] },
      { code: 'not-found', fields: ['id'] },
    ]);
  });

  it('a fhirServer outside the allowlist: an error line naming the refused origin, not its path', async () => {
    const { app, logs } = buildTestApp({ services, env: { FHIR_SERVER_ALLOWLIST: 'https://ehr.example.org/fhir' } });
    await request(app)
      .post('/cds-services/trd-patient-view')
      .send(patientView({ prefetch: { patient: PATIENT }, fhirServer: 'https://elsewhere.example.net/fhir/Patient-p1-secret' }))
      .expect(412);
    const line = logs.records.find((r) => String(r['msg']).startsWith('fhirServer refused'))!;
    expect(line).toMatchObject({ level: 50, origin: 'https://elsewhere.example.net' });
    expect(logs.text).not.toContain('Patient-p1-secret');
  });

  it('an unreachable JWKS: a warn line naming issuer, key URL and cause; the call is refused as keys-unavailable', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const jwksUri = `http://127.0.0.1:${(closed.address() as { port: number }).port}/jwks.json`;
    closed.close();
    const iss = 'https://ehr.unreachable-keys.example';
    const dir = mkdtempSync(join(tmpdir(), 'trd-jwks-'));
    writeFileSync(join(dir, 'issuers.json'), JSON.stringify([{ iss, jwks_uri: jwksUri }]));
    const config = testConfig({
      REQUIRE_JWT: 'true',
      TRUSTED_ISSUERS_FILE: join(dir, 'issuers.json'),
      PUBLIC_BASE_URL: 'https://cds.example.org',
      JWKS_TIMEOUT_MS: '1000',
    });
    const logs = new LogCapture();
    const authenticate = jwtAuthenticator(config, fixedClock(TEST_NOW), createLogger('info', logs));
    const { app } = buildTestApp({ services, config, authenticate });
    const { privateKey } = await generateKeyPair('ES384');
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: 'k1' })
      .setIssuer(iss)
      .setAudience('https://cds.example.org/cds-services/trd-patient-view')
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + 300)
      .setJti('jti-1')
      .sign(privateKey);
    const res = await request(app).post('/cds-services/trd-patient-view').set('Authorization', `Bearer ${jwt}`).send(patientView()).expect(401);
    expect(res.body.reason).toBe('keys-unavailable');
    const warn = logs.records.find((r) => String(r['msg']).startsWith('JWKS unavailable'))!;
    expect(warn).toMatchObject({ level: 40, iss, jwksUri });
    expect(String(warn['cause'])).toMatch(/ECONNREFUSED|fetch failed/);
    expect(logs.text).not.toContain(jwt);
  });

  it('ids are cut to 64 characters and no line is long, whatever the request carries', async () => {
    const { app, logs } = buildTestApp({ services });
    await request(app)
      .post('/cds-services/trd-patient-view')
      .send(patientView({ hookInstance: 'h'.repeat(100_000) }));
    const line = requestLine(logs);
    expect(String(line['hookInstance'] ?? '').length).toBeLessThanOrEqual(64 + 12);
    for (const l of logs.lines) expect(l.length).toBeLessThan(4096);
  });

  it('a long string one level down in a logged field is cut too', () => {
    const logs = new LogCapture();
    createLogger('info', logs).info({ fhir: { url: `https://ehr.example/${'p'.repeat(5000)}` } }, 'outbound');
    const url = String((logs.records[0]!['fhir'] as Record<string, unknown>)['url']);
    expect(url.length).toBeLessThan(300);
    expect(url).toMatch(/…\[\d+\]$/);
  });

  it('feedback: one line per request with counts, not one per item, and no card ids', async () => {
    const { app, logs } = buildTestApp({ services });
    const feedback = Array.from({ length: 500 }, (_, i) => ({
      card: `11111111-1111-4111-8111-${String(i).padStart(12, '0')}`,
      outcome: i % 2 ? 'accepted' : 'overridden',
      ...(i % 2
        ? { acceptedSuggestions: [{ id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}` }] }
        : { overrideReason: { reason: { code: 'patient-declined', system: 'http://example.org' } } }),
      outcomeTimestamp: '2026-11-21T12:00:00Z',
    }));
    await request(app).post('/cds-services/trd-patient-view/feedback').send({ feedback }).expect(200);
    expect(logs.lines).toHaveLength(1);
    expect(requestLine(logs)).toMatchObject({
      feedback: { items: 500, outcomes: { accepted: 250, overridden: 250 }, acceptedSuggestions: 250, overrideReasons: 250 },
    });
    expect(logs.text).not.toContain('11111111-1111-4111-8111');
  });

  it('an unexpected error: a 500 and an error line with its type, never its message or stack', async () => {
    const failing: AnyCdsService = {
      ...services.find((s) => s.hook === 'patient-view')!,
      decide: () => {
        throw new Error('record of Jane Doe, born 1990-01-01');
      },
    };
    const { app, logs } = buildTestApp({ services: [failing] });
    await request(app).post(`/cds-services/${failing.id}`).send(patientView()).expect(500);
    expect(logs.records.find((r) => r['msg'] === 'unhandled error')).toMatchObject({ level: 50, errorType: 'Error' });
    expect(requestLine(logs)).toMatchObject({ level: 50, status: 500, problem: { code: 'internal-error' } });
    expect(logs.text).not.toContain('Jane Doe');
    expect(logs.text).not.toContain('at ');
  });
});

describe('safe production defaults', () => {
  async function sandboxStyleIssuers(): Promise<{ file: string; sign: () => Promise<string> }> {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    const dir = mkdtempSync(join(tmpdir(), 'trd-sandbox-iss-'));
    const file = join(dir, 'issuers.json');
    writeFileSync(file, JSON.stringify([{ iss: SANDBOX_ISSUER, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'sb', alg: 'ES384' }] } }]));
    const sign = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES384', kid: 'sb' })
        .setIssuer(SANDBOX_ISSUER)
        .setAudience('https://cds.example.org/cds-services/trd-patient-view')
        .setIssuedAt(NOW_S)
        .setExpirationTime(NOW_S + 300)
        .setJti(crypto.randomUUID())
        .sign(privateKey);
    return { file, sign };
  }

  it('the shipped sandbox issuer file is refused in production', () => {
    const config = testConfig({
      NODE_ENV: 'production',
      TRUSTED_ISSUERS_FILE: join(projectRoot, 'config', 'trusted-issuers.sandbox.json'),
      PUBLIC_BASE_URL: 'https://cds.example.org',
    });
    expect(() => jwtAuthenticator(config)).toThrow(ConfigurationError);
    expect(() => jwtAuthenticator(config)).toThrow(/ALLOW_SANDBOX_ISSUER/);
  });

  it('with ALLOW_SANDBOX_ISSUER=true it starts with a warning and warns on each call the sandbox signs', async () => {
    const { file, sign } = await sandboxStyleIssuers();
    const config = testConfig({ NODE_ENV: 'production', TRUSTED_ISSUERS_FILE: file, ALLOW_SANDBOX_ISSUER: 'true', PUBLIC_BASE_URL: 'https://cds.example.org' });
    const logs = new LogCapture();
    const authenticate = jwtAuthenticator(config, fixedClock(TEST_NOW), createLogger('info', logs));
    expect(logs.records.filter((r) => r['level'] === 40 && String(r['msg']).startsWith('ALLOW_SANDBOX_ISSUER is on'))).toHaveLength(1);
    const { app } = buildTestApp({ services, config, authenticate });
    await request(app)
      .post('/cds-services/trd-patient-view')
      .set('Authorization', `Bearer ${await sign()}`)
      .send(patientView())
      .expect(200);
    expect(logs.records.filter((r) => String(r['msg']).startsWith('call signed by the public sandbox issuer'))).toHaveLength(1);
  });

  it('outside production the sandbox issuer is accepted without a warning (local testing with the sandbox)', async () => {
    const { file } = await sandboxStyleIssuers();
    const logs = new LogCapture();
    jwtAuthenticator(testConfig({ REQUIRE_JWT: 'true', TRUSTED_ISSUERS_FILE: file }), fixedClock(TEST_NOW), createLogger('info', logs));
    expect(logs.lines).toEqual([]);
  });

  it('the image does not ship the sandbox issuer file', () => {
    const ignored = readFileSync(join(projectRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toContain('config/trusted-issuers.sandbox.json');
  });

  it.each([
    ['an https server under an https entry', 'https://ehr.example.org/fhir/', ['https://ehr.example.org/fhir'], true],
    ['the same host over plain http', 'http://ehr.example.org/fhir/', ['https://ehr.example.org/fhir'], false],
    ['plain http on loopback with no allowlist', 'http://127.0.0.1:8080/fhir', [], false],
    ['plain http named explicitly with http://', 'http://ehr.internal/fhir/', ['http://ehr.internal/fhir'], true],
  ])('production FHIR servers: %s', (_label, url, allowlist, allowed) => {
    expect(isAllowedFhirServer(url, allowlist, true)).toBe(allowed);
  });
});
