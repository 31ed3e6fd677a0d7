import { performance } from 'node:perf_hooks';
import type { AppDeps } from './app.js';
import { loadTrustedIssuers } from './auth/trusted-issuers.js';
import { JwtVerifier } from './auth/verifier.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { loadProfiles } from './knowledge/load-profiles.js';
import type { Logger } from './logger.js';
import { createServices } from '../cds-services/index.js';
import { CARD_CSS, renderCards } from '../cds-services/cards/render-html.js';
import { join } from 'node:path';
import { projectRoot } from './paths.js';
import { tryPageRouter } from './http/try-page.js';
import { trdKnowledge } from '../cds-services/knowledge.js';
import { loadThresholds } from '../cds-services/assessment/thresholds.js';

export interface Runtime {
  appDeps: Omit<AppDeps, 'config' | 'logger'>;
}

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
  const services = createServices(knowledge);
  const authenticate = config.auth.requireJwt ? jwtAuthenticator(config) : undefined;
  const pages = config.tryPage ? [tryPage(config)] : [];
  if (config.tryPage) logger.info('try-it page on at /try (synthetic data only)');
  return { appDeps: { services, isReady: () => true, pages, ...(authenticate ? { authenticate } : {}) } };
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

/** Verifies the EHR's JWT against the trusted issuers in TRUSTED_ISSUERS_FILE. */
export function jwtAuthenticator(config: Config, clock: Clock = systemClock): NonNullable<AppDeps['authenticate']> {
  const verifier = new JwtVerifier(loadTrustedIssuers(config.auth.trustedIssuersFile!), {
    algorithms: config.auth.algorithms,
    clockSkewSeconds: config.auth.clockSkewSeconds,
    jwksTimeoutMs: config.auth.jwksTimeoutMs,
    jwksCooldownMs: config.auth.jwksCooldownMs,
    publicBaseUrl: config.publicBaseUrl,
    clock,
  });
  return (req) => verifier.verify(req);
}
