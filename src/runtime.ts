import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from './app.js';
import { loadTrustedIssuers } from './auth/trusted-issuers.js';
import { JwtVerifier } from './auth/verifier.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { loadProfiles } from './knowledge/load-profiles.js';
import type { Logger } from './logger.js';
import { CdsStore } from './store/index.js';
import type { SharedReplayGuard } from './store/replay.js';
import { SYSTEM } from './terminology/systems.js';
import { createServices } from '../cds-services/index.js';
import { CARD_CSS, escapeHtml, renderCards, renderMarkdown } from '../cds-services/cards/render-html.js';
import { ExplanationStore } from './cds-hooks/explanations.js';
import { explainPageRouter } from './http/explain-page.js';
import { join } from 'node:path';
import { projectRoot } from './paths.js';
import { tryPageRouter } from './http/try-page.js';
import { trdKnowledge } from '../cds-services/knowledge.js';
import { DEFAULTS_FILE as THRESHOLD_DEFAULTS, loadThresholds } from '../cds-services/assessment/thresholds.js';
import { ConfigurationError } from './errors.js';

export interface Runtime {
  appDeps: Omit<AppDeps, 'config' | 'logger'>;
  /** What the start-up line reports about the configuration in force. */
  startup: { thresholdsFile: string; thresholdsSha256: string; trustedIssuers: number };
  /** Writes what the ledger still holds and closes the database (after the server stopped). */
  close(): Promise<void>;
}

/** The public CDS Hooks sandbox signs with a key whose private half is published: never trust it in production by default. */
export const SANDBOX_ISSUER = 'https://sandbox.cds-hooks.org';

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Loads and validates everything the service needs before it may report ready. */
export async function buildRuntime(config: Config, logger: Logger): Promise<Runtime> {
  if (!config.auth.requireJwt) logger.warn('REQUIRE_JWT is off: hook calls are not authenticated (local use only)');
  const started = performance.now();
  const heapBefore = process.memoryUsage().heapUsed;
  const knowledge = trdKnowledge(loadProfiles(), loadThresholds(config.thresholdsFile));
  logger.info(
    {
      loadMs: Math.round(performance.now() - started),
      heapMb: Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e5) / 10,
      valueSets: knowledge.terminology.valueSetUrls().length,
      products: knowledge.catalogue.size,
    },
    'clinical knowledge loaded',
  );
  const explanations = new ExplanationStore(config.explain);
  const services = createServices(knowledge, { explanations });
  const store = CdsStore.start(config.store, { logger, clock: systemClock, overrideReasonSystem: SYSTEM.cardOverrideReason });
  const authenticate = config.auth.requireJwt ? jwtAuthenticator(config, systemClock, logger, store.replay) : undefined;
  if (config.auth.requireJwt && !store.replay)
    logger.info('JWT replay check is per instance (embedded database); set DATABASE_URL to share it across replicas');
  const pages = [...(config.tryPage ? [tryPage(config)] : []), ...(explanations.enabled ? [explainPage(explanations)] : [])];
  if (config.tryPage) logger.info('try-it page on at /try (synthetic data only)');
  const thresholdsFile = config.thresholdsFile ?? THRESHOLD_DEFAULTS;
  return {
    appDeps: { services, isReady: () => store.firstOpenSettled, pages, store, ...(authenticate ? { authenticate } : {}) },
    close: () => store.close(),
    startup: {
      thresholdsFile: config.thresholdsFile ?? relative(projectRoot, THRESHOLD_DEFAULTS),
      thresholdsSha256: sha256Of(thresholdsFile),
      trustedIssuers: config.auth.requireJwt ? loadTrustedIssuers(config.auth.trustedIssuersFile!).length : 0,
    },
  };
}

/** The try-it page with its files from cds-services/try-page/ and the one card renderer. */
export function tryPage(config: Config) {
  return tryPageRouter({
    assetsDir: join(projectRoot, 'cds-services', 'try-page'),
    renderCards: (cards) => renderCards(cards, { interactive: true }),
    cardCss: CARD_CSS,
    maxBodyBytes: config.maxBodyBytes,
  });
}

/** The explanation pages (`GET /explain/{page}`), rendered with the one card renderer. */
export function explainPage(store: ExplanationStore) {
  return explainPageRouter({ store, renderCards: (cards) => renderCards(cards), renderMarkdown, escapeHtml, cardCss: CARD_CSS });
}

/**
 * Verifies the EHR's JWT against the trusted issuers in TRUSTED_ISSUERS_FILE. In production the
 * public sandbox's issuer is refused at start-up unless ALLOW_SANDBOX_ISSUER is set, and then each
 * call it signs is logged at warn. Unreachable key sets are logged at warn with issuer, URL and cause.
 */
export function jwtAuthenticator(
  config: Config,
  clock: Clock = systemClock,
  logger?: Logger,
  sharedReplay?: SharedReplayGuard,
): NonNullable<AppDeps['authenticate']> {
  const file = config.auth.trustedIssuersFile!;
  const issuers = loadTrustedIssuers(file);
  const production = config.nodeEnv === 'production';
  const hasSandbox = issuers.some((i) => i.iss === SANDBOX_ISSUER);
  if (production && hasSandbox && !config.allowSandboxIssuer) {
    throw new ConfigurationError('Invalid configuration', [
      `${file}: trusts the public CDS Hooks sandbox (${SANDBOX_ISSUER}), whose private key is public; remove it, or set ALLOW_SANDBOX_ISSUER=true for a test deployment`,
    ]);
  }
  const warnSandbox = production && hasSandbox;
  if (warnSandbox)
    logger?.warn({ iss: SANDBOX_ISSUER }, 'ALLOW_SANDBOX_ISSUER is on: tokens signed with the public sandbox key are accepted (test deployments only)');
  const verifier = new JwtVerifier(issuers, {
    algorithms: config.auth.algorithms,
    clockSkewSeconds: config.auth.clockSkewSeconds,
    jwksTimeoutMs: config.auth.jwksTimeoutMs,
    jwksCooldownMs: config.auth.jwksCooldownMs,
    publicBaseUrl: config.publicBaseUrl,
    // Never the caller's Host in production (config requires PUBLIC_BASE_URL there).
    audienceFromHost: !production,
    clock,
    onKeysUnavailable: (f) =>
      logger?.warn({ iss: f.iss, jwksUri: f.jwksUri, cause: f.cause }, 'JWKS unavailable: tokens of this issuer are refused until its keys can be fetched'),
    ...(sharedReplay ? { sharedReplay } : {}),
  });
  if (!warnSandbox) return (req) => verifier.verify(req);
  return async (req) => {
    const caller = await verifier.verify(req);
    if (caller.iss === SANDBOX_ISSUER)
      logger?.warn({ iss: caller.iss, jti: caller.jti.slice(0, 64) }, 'call signed by the public sandbox issuer accepted (ALLOW_SANDBOX_ISSUER)');
    return caller;
  };
}
