import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import { createLogger } from './logger.js';
import { buildRuntime } from './runtime.js';
import { closeGracefully } from './http/shutdown.js';

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
  const app = createApp({ config, logger, ...runtime.appDeps });
  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    logger.info(
      { port: typeof address === 'object' && address ? address.port : config.port, host: config.host, readyMs: Math.round(performance.now() - startedAt) },
      'trd-cds listening',
    );
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void closeGracefully(server, config.shutdownTimeoutMs).then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
