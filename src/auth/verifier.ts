import type { Request } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey, type JWTPayload } from 'jose';
import type { Clock } from '../clock.js';
import { Unauthorized, type TokenRejection } from '../errors.js';
import type { CallerIdentity } from '../app.js';
import type { TrustedIssuer } from './trusted-issuers.js';

export interface VerifierOptions {
  algorithms: string[];
  clockSkewSeconds: number;
  jwksTimeoutMs: number;
  /** Least time between JWKS refetches on an unknown kid (rate limit). */
  jwksCooldownMs?: number;
  /** The base URL clients call (behind proxies): the JWT audience is this plus the path called. */
  publicBaseUrl?: string;
  /** Without publicBaseUrl, take the audience's base from the request's Host (development only). */
  audienceFromHost?: boolean;
  clock: Clock;
  /** Told when an issuer's key set could not be had (for a warn line naming issuer, URL and cause). */
  onKeysUnavailable?: (failure: KeysFailure) => void;
  /**
   * Replay check shared by replicas (Postgres): true = first use, false = replay, undefined = could
   * not tell (this instance's own memory decides). Absent: this instance's memory only.
   */
  sharedReplay?: { claim(tokenId: string, expiresAt: Date, now: Date): Promise<boolean | undefined> };
}

/** Why an issuer's keys were unavailable: never a token, only where the keys were sought and what failed. */
export interface KeysFailure {
  iss: string;
  jwksUri?: string;
  /** The error class and, for network failures, the system code (ECONNREFUSED, ENOTFOUND, ...). */
  cause: string;
}

/** The remote key set could not be fetched or used; carries the cause for the log line. */
class KeysUnavailable extends Error {
  constructor(readonly causeText: string) {
    super('keys unavailable');
  }
}

/** A short, value-free description of why fetching keys failed: error class, system code, jose's message. */
function describeCause(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  const parts = [e?.name ?? 'Error', e?.code, e?.cause?.code ?? e?.cause?.message, e instanceof errors.JOSEError ? e.message : undefined];
  return parts
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .join(': ')
    .slice(0, 200);
}

/**
 * A remote key set whose failures to fetch (network, timeout, a non-200 answer, an invalid set) are
 * told apart from the token's own faults: no matching kid stays a refusal of the token.
 */
function remoteKeys(url: URL, timeoutMs: number, cooldownMs: number): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(url, { timeoutDuration: timeoutMs, cooldownDuration: cooldownMs, cacheMaxAge: 10 * 60_000 });
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new KeysUnavailable(describeCause(err));
    }
  };
}

interface IssuerKeys {
  issuer: TrustedIssuer;
  keys: JWTVerifyGetKey;
}

const REPLAY_SWEEP_AT = 10_000;

/**
 * Verifies the EHR's signed JWT on every call (CDS Hooks 2.0 §Trusting CDS Clients): asymmetric
 * algorithm from the allowed list, a trusted iss with a kid in its keys, aud equal to the URL
 * called, exp/iat within the skew, and a jti not seen before. Nothing is fetched because a token
 * says so: a jku header must be one of the issuer's configured key URLs.
 */
export class JwtVerifier {
  private readonly issuers = new Map<string, IssuerKeys>();
  /** iss|jti to the token's expiry (ms): a jti is refused again until then. */
  private readonly seen = new Map<string, number>();

  constructor(
    issuers: readonly TrustedIssuer[],
    private readonly options: VerifierOptions,
  ) {
    for (const issuer of issuers) {
      const keys = issuer.jwks
        ? createLocalJWKSet(issuer.jwks as Parameters<typeof createLocalJWKSet>[0])
        : remoteKeys(new URL(issuer.jwks_uri!), options.jwksTimeoutMs, options.jwksCooldownMs ?? 30_000);
      this.issuers.set(issuer.iss, { issuer, keys });
    }
  }

  /** The URL the client called, as it sees it: what `aud` must equal. */
  audienceFor(req: Request): string | undefined {
    const fromHost = this.options.audienceFromHost ?? !this.options.publicBaseUrl;
    const base = this.options.publicBaseUrl ?? (fromHost ? `${req.protocol}://${req.get('host') ?? ''}` : undefined);
    if (base === undefined) return undefined;
    return `${base.replace(/\/+$/, '')}${req.originalUrl.split('?')[0]}`;
  }

  async verify(req: Request): Promise<CallerIdentity> {
    const header = req.get('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!token) throw new Unauthorized('missing', 'A signed JWT is required in Authorization: Bearer');

    let claims: JWTPayload;
    let protectedHeader: ReturnType<typeof decodeProtectedHeader>;
    try {
      protectedHeader = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw new Unauthorized('malformed', 'The bearer token is not a JWT');
    }
    const who = { iss: typeof claims.iss === 'string' ? claims.iss : undefined, jti: typeof claims.jti === 'string' ? claims.jti : undefined };
    const reject = (reason: TokenRejection, message: string) => Object.assign(new Unauthorized(reason, message), who);

    const alg = protectedHeader.alg ?? 'none';
    if (!this.options.algorithms.includes(alg)) throw reject('unsupported-algorithm', `Algorithm ${alg} is not accepted`);
    const entry = who.iss ? this.issuers.get(who.iss) : undefined;
    if (!entry) throw reject('unknown-issuer', 'The token issuer is not trusted');
    if (protectedHeader.jku !== undefined && protectedHeader.jku !== entry.issuer.jwks_uri) {
      throw reject('untrusted-jku', 'The jku header is not a key URL configured for this issuer');
    }
    if (entry.issuer.tenants && !entry.issuer.tenants.includes(String(claims['tenant'] ?? ''))) {
      throw reject('tenant-not-allowed', 'The tenant is not allowed for this issuer');
    }

    const now = this.options.clock.now();
    const audience = this.audienceFor(req);
    if (audience === undefined) throw reject('bad-audience', 'The service has no PUBLIC_BASE_URL to check the token audience against');
    try {
      await jwtVerify(token, entry.keys, {
        issuer: who.iss,
        audience,
        algorithms: this.options.algorithms,
        clockTolerance: this.options.clockSkewSeconds,
        currentDate: now,
        requiredClaims: ['exp', 'iat'],
      });
    } catch (err) {
      if (err instanceof KeysUnavailable) {
        this.options.onKeysUnavailable?.({ iss: entry.issuer.iss, jwksUri: entry.issuer.jwks_uri, cause: err.causeText });
        throw reject('keys-unavailable', 'The issuer key set could not be fetched or used');
      }
      throw reject(...this.classify(err));
    }
    const skewMs = this.options.clockSkewSeconds * 1000;
    if ((claims.iat ?? 0) * 1000 > now.getTime() + skewMs) throw reject('issued-in-future', 'The token was issued in the future');
    if (!who.jti) throw reject('missing-jti', 'The token has no jti');
    const tokenId = `${who.iss}|${who.jti}`;
    const expiresAt = (claims.exp ?? 0) * 1000 + skewMs;
    this.rememberOrRefuse(tokenId, expiresAt, now.getTime(), reject);
    if (this.options.sharedReplay && (await this.options.sharedReplay.claim(tokenId, new Date(expiresAt), now)) === false) {
      throw reject('replay', 'The token (jti) was already used');
    }
    return { iss: who.iss!, jti: who.jti, ...(typeof claims['tenant'] === 'string' ? { tenant: claims['tenant'] } : {}) };
  }

  private rememberOrRefuse(key: string, expiresAt: number, now: number, reject: (r: TokenRejection, m: string) => Error): void {
    const until = this.seen.get(key);
    if (until !== undefined && until > now) throw reject('replay', 'The token (jti) was already used');
    if (this.seen.size >= REPLAY_SWEEP_AT) for (const [k, t] of this.seen) if (t <= now) this.seen.delete(k);
    this.seen.set(key, expiresAt);
  }

  private classify(err: unknown): [TokenRejection, string] {
    if (err instanceof errors.JWTExpired) return ['expired', 'The token has expired'];
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'aud') return ['bad-audience', 'The token audience is not the URL called'];
      if (err.claim === 'iat' || err.claim === 'nbf') return ['issued-in-future', 'The token is not yet valid'];
      return ['malformed', `The token's ${err.claim} claim is invalid`];
    }
    if (err instanceof errors.JWKSNoMatchingKey) return ['unknown-key', 'No trusted key matches the token kid'];
    if (err instanceof errors.JWKSTimeout) return ['keys-unavailable', 'The issuer key set could not be fetched in time'];
    if (err instanceof errors.JWSSignatureVerificationFailed) return ['bad-signature', 'The token signature does not verify'];
    if (err instanceof errors.JOSEAlgNotAllowed) return ['unsupported-algorithm', 'The token algorithm is not accepted'];
    if (err instanceof errors.JWKSInvalid || err instanceof errors.JOSEError) return ['keys-unavailable', 'The issuer key set is unusable'];
    return ['malformed', 'The token could not be verified'];
  }
}
