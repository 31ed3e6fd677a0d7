import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustedIssuers } from '../../src/auth/trusted-issuers.js';
import { fixedClock } from '../../src/clock.js';
import { projectRoot } from '../../src/paths.js';
import { jwtAuthenticator } from '../../src/runtime.js';
import { TEST_NOW, buildTestApp, testConfig } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';
import { sandboxDir } from '../helpers/sandbox.js';

const ISS = 'https://ehr.test.example';
const REMOTE_ISS = 'https://rotating.test.example';
const SLOW_ISS = 'https://slow.test.example';
const NOW_S = Math.floor(new Date(TEST_NOW).getTime() / 1000);
const HOST = '127.0.0.1:80';
const AUD = `http://${HOST}/cds-services/trd-patient-view`;

interface Pair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}
async function pair(alg: 'ES384' | 'RS384', kid: string): Promise<Pair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

let es: Pair, rs: Pair, stranger: Pair, rotatedA: Pair, rotatedB: Pair;
let jwksServer: Server, slowServer: Server, trapServer: Server;
let servedKeys: JWK[] = [];
let trapHits = 0;
const listen = async (s: Server) => {
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
};

function token(
  key: CryptoKey,
  o: { kid: string; alg?: string; iss?: string; aud?: string; iat?: number; exp?: number; jti?: string | null; jku?: string; tenant?: string },
) {
  const iat = o.iat ?? NOW_S;
  const jwt = new SignJWT({ ...(o.tenant ? { tenant: o.tenant } : {}) })
    .setProtectedHeader({ alg: o.alg ?? 'ES384', typ: 'JWT', kid: o.kid, ...(o.jku ? { jku: o.jku } : {}) })
    .setIssuer(o.iss ?? ISS)
    .setAudience(o.aud ?? AUD)
    .setIssuedAt(iat)
    .setExpirationTime(o.exp ?? iat + 300);
  if (o.jti !== null) jwt.setJti(o.jti ?? crypto.randomUUID());
  return jwt.sign(key);
}

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
let app: ReturnType<typeof buildTestApp>['app'];
let logs: ReturnType<typeof buildTestApp>['logs'];
let jwksUrl: string, trapUrl: string;

beforeAll(async () => {
  [es, rs, stranger, rotatedA, rotatedB] = await Promise.all([
    pair('ES384', 'es-1'),
    pair('RS384', 'rs-1'),
    pair('ES384', 'es-1'),
    pair('ES384', 'rot-a'),
    pair('ES384', 'rot-b'),
  ]);
  jwksServer = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: servedKeys })));
  slowServer = createServer(() => undefined); // never answers
  trapServer = createServer((_req, res) => {
    trapHits++;
    res.end('{}');
  });
  jwksUrl = `${await listen(jwksServer)}/jwks.json`;
  const slowUrl = `${await listen(slowServer)}/jwks.json`;
  trapUrl = `${await listen(trapServer)}/jwks.json`;
  servedKeys = [rotatedA.publicJwk];
  const dir = mkdtempSync(join(tmpdir(), 'trd-issuers-'));
  const file = join(dir, 'issuers.json');
  writeFileSync(
    file,
    JSON.stringify([
      { iss: ISS, jwks: { keys: [es.publicJwk, rs.publicJwk] }, jwks_uri: 'https://ehr.test.example/jwks.json' },
      { iss: REMOTE_ISS, jwks_uri: jwksUrl },
      { iss: SLOW_ISS, jwks_uri: slowUrl },
      { iss: 'https://tenanted.test.example', jwks: { keys: [es.publicJwk] }, tenants: ['site-a'] },
    ]),
  );
  const config = testConfig({ REQUIRE_JWT: 'true', TRUSTED_ISSUERS_FILE: file, JWKS_TIMEOUT_MS: '300', JWKS_COOLDOWN_MS: '0' });
  ({ app, logs } = buildTestApp({ config, services: realServices(), authenticate: jwtAuthenticator(config, fixedClock(TEST_NOW)) }));
});

afterAll(() => {
  for (const s of [jwksServer, slowServer, trapServer]) {
    s.closeAllConnections?.();
    s.close();
  }
});

const body = {
  hook: 'patient-view',
  hookInstance: 'f0e1d2c3-b4a5-4697-8877-665544332211',
  context: { userId: 'Practitioner/1', patientId: 'p1' },
  prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null },
};
const call = (bearer?: string, path = '/cds-services/trd-patient-view') => {
  const r = request(app).post(path).set('Host', HOST);
  if (bearer !== undefined) r.set('Authorization', `Bearer ${bearer}`);
  return r.send(body);
};
async function expectRejected(bearer: string | undefined, reason: string) {
  const res = await call(bearer);
  expect(res.status).toBe(401);
  expect(res.body.reason).toBe(reason);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
}

describe('JWT verification on every call', () => {
  it('a good ES384 token passes, and its iss and jti reach the log line but the token does not', async () => {
    const jwt = await token(es.privateKey, { kid: 'es-1', jti: 'good-es-jti' });
    await call(jwt).expect(200);
    const line = logs.records.find((r) => r['jti'] === 'good-es-jti')!;
    expect(line).toMatchObject({ iss: ISS, status: 200 });
    expect(logs.text).not.toContain(jwt.split('.')[2]!);
  });

  it('a good RS384 token passes', async () => {
    await call(await token(rs.privateKey, { kid: 'rs-1', alg: 'RS384' })).expect(200);
  });

  it.each<[string, () => Promise<string | undefined>, string]>([
    ['no Authorization header', async () => undefined, 'missing'],
    ['not a JWT', async () => 'not-a-jwt', 'malformed'],
    [
      'alg none',
      async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISS, aud: AUD, iat: NOW_S, exp: NOW_S + 300, jti: 'x' })}.`,
      'unsupported-algorithm',
    ],
    [
      'HS256 signed with the public key as the secret',
      async () => {
        const h = b64({ alg: 'HS256', typ: 'JWT', kid: 'es-1' });
        const p = b64({ iss: ISS, aud: AUD, iat: NOW_S, exp: NOW_S + 300, jti: 'hs' });
        // The classic key-confusion attack: the issuer's public key (PEM) used as an HMAC secret.
        const secret = await exportSPKI((await importJWK(es.publicJwk, 'ES384')) as CryptoKey);
        return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
      },
      'unsupported-algorithm',
    ],
    ['signed with the wrong key', () => token(stranger.privateKey, { kid: 'es-1' }), 'bad-signature'],
    ['unknown kid', () => token(es.privateKey, { kid: 'nobody' }), 'unknown-key'],
    ['unknown iss', () => token(es.privateKey, { kid: 'es-1', iss: 'https://evil.example' }), 'unknown-issuer'],
    ['wrong aud', () => token(es.privateKey, { kid: 'es-1', aud: 'http://elsewhere/cds-services/trd-patient-view' }), 'bad-audience'],
    ['expired', () => token(es.privateKey, { kid: 'es-1', iat: NOW_S - 900, exp: NOW_S - 600 }), 'expired'],
    ['iat in the future', () => token(es.privateKey, { kid: 'es-1', iat: NOW_S + 600, exp: NOW_S + 900 }), 'issued-in-future'],
    ['no jti', () => token(es.privateKey, { kid: 'es-1', jti: null }), 'missing-jti'],
    ['tenant not allowed', () => token(es.privateKey, { kid: 'es-1', iss: 'https://tenanted.test.example', tenant: 'site-b' }), 'tenant-not-allowed'],
  ])('%s is refused', async (_label, mint, reason) => {
    await expectRejected(await mint(), reason);
  });

  it('a replayed jti is refused until it expires', async () => {
    const jwt = await token(es.privateKey, { kid: 'es-1', jti: 'once-only' });
    await call(jwt).expect(200);
    await expectRejected(jwt, 'replay');
  });

  it("a jku outside the issuer's key URLs is refused and never fetched", async () => {
    await expectRejected(await token(es.privateKey, { kid: 'es-1', jku: trapUrl }), 'untrusted-jku');
    expect(trapHits).toBe(0);
  });

  it('a JWKS endpoint that times out refuses the call within the timeout', async () => {
    const started = Date.now();
    await expectRejected(await token(es.privateKey, { kid: 'es-1', iss: SLOW_ISS }), 'keys-unavailable');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a key rotation at the EHR is picked up without a restart', async () => {
    await call(await token(rotatedA.privateKey, { kid: 'rot-a', iss: REMOTE_ISS })).expect(200);
    servedKeys = [rotatedA.publicJwk, rotatedB.publicJwk];
    await call(await token(rotatedB.privateKey, { kid: 'rot-b', iss: REMOTE_ISS })).expect(200);
  });

  it('discovery and feedback are verified too; CORS preflights are not', async () => {
    await request(app).get('/cds-services').set('Host', HOST).expect(401);
    const disc = await token(es.privateKey, { kid: 'es-1', aud: `http://${HOST}/cds-services` });
    await request(app).get('/cds-services').set('Host', HOST).set('Authorization', `Bearer ${disc}`).expect(200);
    await request(app).post('/cds-services/trd-patient-view/feedback').set('Host', HOST).send({ feedback: [] }).expect(401);
    await request(app)
      .options('/cds-services/trd-patient-view')
      .set('Origin', 'https://sandbox.cds-hooks.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type')
      .expect(204);
  });

  it('logs the refusal reason with iss and jti, never the token', async () => {
    const jwt = await token(stranger.privateKey, { kid: 'es-1', jti: 'forged-jti' });
    await expectRejected(jwt, 'bad-signature');
    const line = logs.records.find((r) => r['jti'] === 'forged-jti')!;
    expect(line).toMatchObject({ authFailure: 'bad-signature', iss: ISS, status: 401 });
    expect(logs.text).not.toContain(jwt);
  });
});

describe('the public CDS Hooks sandbox', () => {
  const captures = readdirSync(sandboxDir)
    .filter((f) => f.endsWith('.jwt.json'))
    .map((f) => JSON.parse(readFileSync(join(sandboxDir, f), 'utf8')));

  it('the shipped sandbox key file loads and holds the kid its tokens name', () => {
    const issuers = loadTrustedIssuers(join(projectRoot, 'config', 'trusted-issuers.sandbox.json'));
    const sandbox = issuers.find((i) => i.iss === 'https://sandbox.cds-hooks.org')!;
    for (const c of captures) {
      expect(sandbox.jwks!.keys.map((k) => k.kid)).toContain(c.header.kid);
      expect(sandbox.jwks_uri).toBe(c.header.jku);
    }
  });

  it("a token shaped exactly like the sandbox's, signed with a generated key, passes", async () => {
    const capture = captures[0];
    const key = await pair('ES384', capture.header.kid);
    const dir = mkdtempSync(join(tmpdir(), 'trd-sandbox-'));
    const file = join(dir, 'issuers.json');
    writeFileSync(file, JSON.stringify([{ iss: capture.claims.iss, jwks_uri: capture.header.jku, jwks: { keys: [key.publicJwk] } }]));
    const config = testConfig({ REQUIRE_JWT: 'true', TRUSTED_ISSUERS_FILE: file });
    const { app: sandboxApp } = buildTestApp({ config, services: realServices(), authenticate: jwtAuthenticator(config, fixedClock(TEST_NOW)) });
    const aud = `http://${HOST}/cds-services/trd-patient-view`;
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: capture.header.alg, typ: capture.header.typ, kid: capture.header.kid, jku: capture.header.jku })
      .setIssuer(capture.claims.iss)
      .setAudience(aud)
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + (capture.claims.exp - capture.claims.iat))
      .setJti(crypto.randomUUID())
      .sign(key.privateKey);
    await request(sandboxApp).post('/cds-services/trd-patient-view').set('Host', HOST).set('Authorization', `Bearer ${jwt}`).send(body).expect(200);
  });
});
