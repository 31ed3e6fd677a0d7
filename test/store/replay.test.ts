import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { jwtAuthenticator } from '../../src/runtime.js';
import { CdsStore } from '../../src/store/index.js';
import { createLogger } from '../../src/logger.js';
import { buildTestApp, TEST_NOW, testConfig } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';
import { freshDatabase } from '../helpers/postgres.js';
import { openTestStore } from '../helpers/store.js';
import { readFixture } from '../helpers/fixtures.js';
import { prefetchFor } from '../builders/prefetch.js';

const ISS = 'https://ehr.replicas.example';
const HOST = '127.0.0.1:80';
const NOW_S = Math.floor(new Date(TEST_NOW).getTime() / 1000);
const clock = fixedClock(TEST_NOW);
const stores: CdsStore[] = [];
let sign: (jti: string) => Promise<string>;
let file: string;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES384');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384', use: 'sig' };
  file = join(mkdtempSync(join(tmpdir(), 'trd-replay-')), 'issuers.json');
  writeFileSync(file, JSON.stringify([{ iss: ISS, jwks: { keys: [jwk] } }]));
  sign = (jti) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'k1' })
      .setIssuer(ISS)
      .setAudience(`http://${HOST}/cds-services/trd-patient-view`)
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + 300)
      .setJti(jti)
      .sign(privateKey);
});
afterAll(async () => {
  for (const s of stores) await s.close();
});

/** One replica: its own process state, the shared store's replay guard. */
async function replica(url: string) {
  const { store } = await openTestStore({ url, clock });
  stores.push(store);
  const config = testConfig({ REQUIRE_JWT: 'true', TRUSTED_ISSUERS_FILE: file });
  return buildTestApp({ config, services: realServices(), clock, store, authenticate: jwtAuthenticator(config, clock, undefined, store.replay) }).app;
}

const fixture = readFixture('clean-trd-candidate');
const body = {
  hook: 'patient-view',
  hookInstance: 'f0e1d2c3-b4a5-4697-8877-665544332211',
  context: { userId: 'Practitioner/1', patientId: fixture.patientId },
  prefetch: prefetchFor(fixture.resources),
};
const call = (app: Awaited<ReturnType<typeof replica>>, jwt: string) =>
  request(app).post('/cds-services/trd-patient-view').set('Host', HOST).set('Authorization', `Bearer ${jwt}`).send(body);

describe('JWT replay across replicas sharing one Postgres', () => {
  it('a token used on one replica is refused by the other (and by the first again); a new token passes on both', async () => {
    const url = await freshDatabase(inject('postgresUrl'), 'replay');
    const [a, b] = [await replica(url), await replica(url)];
    const jwt = await sign('jti-once');
    expect((await call(a, jwt)).status).toBe(200);
    const replayed = await call(b, jwt);
    expect(replayed.status).toBe(401);
    expect(replayed.body.reason).toBe('replay');
    expect((await call(a, jwt)).body.reason).toBe('replay');
    expect((await call(b, await sign('jti-two'))).status).toBe(200);
    expect((await call(a, await sign('jti-three'))).status).toBe(200);
    // The store keeps a hash of iss|jti, never the token or the jti itself.
    const rows = await stores[0]!.store.db.selectFrom('jwt_replay').selectAll().execute();
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toMatch(/jti-|ehr\.replicas/);
  }, 60_000);

  it('the embedded database has no shared replay guard: the check stays per instance', async () => {
    const store = CdsStore.start(testConfig({ DATA_DIR: 'memory://' }).store, { logger: createLogger('silent'), clock, overrideReasonSystem: 'x' });
    stores.push(store);
    expect(store.kind).toBe('pglite');
    expect(store.replay).toBeUndefined();
  }, 60_000);
});
