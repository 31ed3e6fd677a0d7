import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigurationError } from '../src/errors.js';

describe('configuration from the environment', () => {
  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', logLevel: 'info', corsOrigins: ['*'], maxBodyBytes: 5 * 1024 * 1024 });
    expect(c.auth.requireJwt).toBe(false);
    expect(c.fhir).toMatchObject({ queryTimeoutMs: 2000, serverAllowlist: [] });
  });

  it.each([
    ['size in kb', { MAX_BODY: '512kb' }, (c: ReturnType<typeof loadConfig>) => c.maxBodyBytes === 512 * 1024],
    ['comma-separated origins', { CORS_ORIGINS: 'https://a.org, https://b.org' }, (c: ReturnType<typeof loadConfig>) => c.corsOrigins.length === 2],
    [
      'JWT required by default in production',
      { NODE_ENV: 'production', TRUSTED_ISSUERS_FILE: 'x.json', PUBLIC_BASE_URL: 'https://cds.example.org' },
      (c: ReturnType<typeof loadConfig>) => c.auth.requireJwt,
    ],
    ['JWT turned off explicitly', { NODE_ENV: 'production', REQUIRE_JWT: 'false' }, (c: ReturnType<typeof loadConfig>) => !c.auth.requireJwt],
  ])('reads %s', (_label, env, check) => {
    expect(check(loadConfig(env))).toBe(true);
  });

  it('lists every bad value at once, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', MAX_BODY: 'huge', FHIR_SERVER_ALLOWLIST: 'ftp://x', REQUIRE_JWT: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems.join('\n');
    for (const name of ['PORT', 'LOG_LEVEL', 'MAX_BODY', 'FHIR_SERVER_ALLOWLIST', 'REQUIRE_JWT']) expect(problems).toContain(name);
  });

  it('refuses to require JWTs without a trusted-issuer file', () => {
    expect(() => loadConfig({ REQUIRE_JWT: 'true' })).toThrow(/TRUSTED_ISSUERS_FILE/);
  });
});
