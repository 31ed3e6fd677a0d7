import { createApp } from './app.js';
import { buildInfo } from './build-info.js';
import { loadConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import { listen } from './http/lifecycle.js';
import { metricsServer } from './http/metrics-endpoint.js';
import { cut, createLogger } from './logger.js';
import { collectProcessMetrics } from './metrics.js';
import { buildRuntime } from './runtime.js';

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger(config.logLevel);
  let runtime;
  try {
    runtime = await buildRuntime(config, logger);
  } catch (err) {
    if (err instanceof ConfigurationError) {
      logger.fatal({ problems: err.problems }, err.message.split('\n')[0]);
      process.exit(78);
    }
    throw err;
  }
  collectProcessMetrics();
  const production = config.nodeEnv === 'production';
  for (const prefix of config.fhir.serverAllowlist.filter((p) => p.startsWith('http:'))) {
    if (production)
      logger.warn({ prefix: cut(prefix, 256) }, 'FHIR_SERVER_ALLOWLIST names a plain http:// server: the EHR access token travels unencrypted to it');
  }
  if (production && config.metrics.port === undefined && !config.metrics.token) {
    logger.warn('/metrics is off: set METRICS_PORT (a port kept off the public network) or METRICS_TOKEN');
  }

  // Ready once loaded (runtime) and until the first shutdown signal (lifecycle).
  const server: { accepting: () => boolean } = { accepting: () => false };
  const isReady = runtime.appDeps.isReady ?? (() => true);
  const app = createApp({ config, logger, ...runtime.appDeps, isReady: () => isReady() && server.accepting() });

  const metrics = config.metrics.port === undefined ? undefined : metricsServer(config);
  if (metrics) {
    metrics.on('error', (err: NodeJS.ErrnoException) => {
      logger.fatal({ errorCode: err.code, port: config.metrics.port }, `cannot listen for /metrics on port ${config.metrics.port}: ${err.code ?? err.name}`);
      process.exit(1);
    });
    metrics.listen(config.metrics.port, config.host);
  }

  const build = buildInfo(config.gitCommit);
  server.accepting = listen(app, {
    port: config.port,
    host: config.host,
    drainDelayMs: config.drainDelayMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    logger,
    alsoClose: metrics ? [metrics] : [],
    // After the port closed and calls finished: the ledger's last rows are written, the database closed.
    onClosed: () => runtime.close(),
    onListening: (port) =>
      logger.info(
        {
          version: build.version,
          commit: build.commit,
          nodeEnv: config.nodeEnv,
          host: config.host,
          port,
          metrics: config.metrics.port !== undefined ? `port ${config.metrics.port}` : config.metrics.token ? 'bearer token' : production ? 'off' : 'open',
          thresholdsFile: runtime.startup.thresholdsFile,
          thresholdsSha256: runtime.startup.thresholdsSha256,
          jwt: config.auth.requireJwt ? 'required' : 'off',
          trustedIssuers: runtime.startup.trustedIssuers,
          fhirServerAllowlist: config.fhir.serverAllowlist,
          drainDelayMs: config.drainDelayMs,
          shutdownTimeoutMs: config.shutdownTimeoutMs,
          readyMs: Math.round(performance.now() - startedAt),
        },
        'trd-cds listening',
      ),
  }).accepting;
}

await main();
