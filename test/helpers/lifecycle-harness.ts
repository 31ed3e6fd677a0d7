/**
 * A child process for the lifecycle tests: the real listen() with a tiny handler, so start-up costs
 * nothing and a call can be made to last (GET /slow?ms=N). Settings come from the environment.
 */
import { listen } from '../../src/http/lifecycle.js';
import { createLogger } from '../../src/logger.js';

const logger = createLogger('info');
const env = process.env;
const server = listen(
  (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/readyz') {
      res.writeHead(server.accepting() ? 200 : 503).end();
      return;
    }
    if (url.pathname === '/slow') {
      setTimeout(() => res.writeHead(200).end('slow done'), Number(url.searchParams.get('ms') ?? 0));
      return;
    }
    res.setHeader('x-request-id', 'req-' + url.pathname.slice(1));
    res.writeHead(200).end('ok');
  },
  {
    port: Number(env['PORT'] ?? 0),
    host: env['HOST'] ?? '127.0.0.1',
    drainDelayMs: Number(env['DRAIN_DELAY_MS'] ?? 0),
    shutdownTimeoutMs: Number(env['SHUTDOWN_TIMEOUT_MS'] ?? 1000),
    logger,
    onListening: (port) => logger.info({ port }, 'listening'),
  },
);
