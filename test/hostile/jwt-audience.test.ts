/**
 * JWT audience (issue 20): in production the token's aud is checked against PUBLIC_BASE_URL (required
 * when JWT checking is on), never against the Host header the caller sends.
 */
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { JwtVerifier } from '../../src/auth/verifier.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { ConfigurationError, Unauthorized } from '../../src/errors.js';
import { TEST_NOW } from '../helpers/app.js';

const ISS = 'https://ehr.test.example';
const NOW_S = Math.floor(new Date(TEST_NOW).getTime() / 1000);
const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384', use: 'sig' }] };

const sign = (aud: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'k1' })
    .setIssuer(ISS)
    .setAudience(aud)
    .setIssuedAt(NOW_S)
    .setExpirationTime(NOW_S + 300)
    .setJti(crypto.randomUUID())
    .sign(privateKey);

/** The parts of an express Request the verifier reads: a caller-chosen Host and the path. */
const fakeRequest = (token: string, host: string) =>
  ({
    protocol: 'http',
    originalUrl: '/cds-services/trd-patient-view',
    get: (h: string) => (h.toLowerCase() === 'host' ? host : h.toLowerCase() === 'authorization' ? `Bearer ${token}` : undefined),
  }) as unknown as Request;

const verifier = (o: { publicBaseUrl?: string; audienceFromHost: boolean }) =>
  new JwtVerifier([{ iss: ISS, jwks } as never], { algorithms: ['ES384'], clockSkewSeconds: 60, jwksTimeoutMs: 1000, clock: fixedClock(TEST_NOW), ...o });

async function rejection(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof Unauthorized ? err.reason : String(err);
  }
}

describe('JWT audience in production', () => {
  it('production with JWT checking and no PUBLIC_BASE_URL does not start, naming PUBLIC_BASE_URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TRUSTED_ISSUERS_FILE: 'x.json' })).toThrow(ConfigurationError);
    expect(() => loadConfig({ NODE_ENV: 'production', TRUSTED_ISSUERS_FILE: 'x.json' })).toThrow(/PUBLIC_BASE_URL/);
    expect(loadConfig({ NODE_ENV: 'production', TRUSTED_ISSUERS_FILE: 'x.json', PUBLIC_BASE_URL: 'https://cds.example.org' }).publicBaseUrl).toBe(
      'https://cds.example.org',
    );
  });

  it('a token whose aud matches the Host the caller sent is refused: the audience is PUBLIC_BASE_URL', async () => {
    const v = verifier({ publicBaseUrl: 'https://cds.example.org', audienceFromHost: false });
    expect(await rejection(v.verify(fakeRequest(await sign('http://attacker.example/cds-services/trd-patient-view'), 'attacker.example')))).toBe(
      'bad-audience',
    );
    expect(await rejection(v.verify(fakeRequest(await sign('https://cds.example.org/cds-services/trd-patient-view'), 'attacker.example')))).toBeUndefined();
  });

  it('without PUBLIC_BASE_URL, production refuses every token rather than trust the Host header', async () => {
    const v = verifier({ audienceFromHost: false });
    expect(await rejection(v.verify(fakeRequest(await sign('http://cds.local/cds-services/trd-patient-view'), 'cds.local')))).toBe('bad-audience');
  });
});
