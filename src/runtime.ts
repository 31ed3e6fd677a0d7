import { performance } from 'node:perf_hooks';
import type { AppDeps } from './app.js';
import type { Config } from './config.js';
import { loadProfiles } from './knowledge/load-profiles.js';
import type { Logger } from './logger.js';
import { createServices } from '../cds-services/index.js';
import { trdKnowledge } from '../cds-services/shared/knowledge.js';
import { loadThresholds } from '../cds-services/shared/thresholds.js';

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
  return { appDeps: { services, isReady: () => true } };
}
