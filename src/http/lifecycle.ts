import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTerminus } from '@godaddy/terminus';
import { cut, type Logger } from '../logger.js';

export interface LifecycleOptions {
  port: number;
  host: string;
  /** After SIGTERM/SIGINT: /readyz answers 503 and calls are still served for this long. */
  drainDelayMs: number;
  /** Then the port closes; calls still running this long after are cut and logged. */
  shutdownTimeoutMs: number;
  logger: Logger;
  /** Other servers to close with this one (the metrics port). */
  alsoClose?: Server[];
  /** Called after the port closed and calls in flight finished (the ledger's last writes, the database). */
  onClosed?: () => Promise<void>;
  /** Called once listening, with the bound port. */
  onListening?: (port: number) => void;
}

export interface Lifecycle {
  server: Server;
  /** False from the first shutdown signal on: /readyz reports it. */
  accepting(): boolean;
}

/** A call in flight, as the shutdown log names it: ids and timing, never content. */
interface InFlight {
  res: ServerResponse;
  method: string;
  path: string;
  started: number;
}

/**
 * Listens, and on a listen error (port in use, no permission, bad host) logs one fatal line and
 * exits 1, so a supervisor restarts it and an alert fires. Shutdown is @godaddy/terminus's: on
 * SIGTERM or SIGINT, /readyz turns 503 at once (accepting() is false) while calls are served for
 * the drain delay, so load balancers stop routing first; then the port closes, in-flight calls
 * finish, and any still running at the shutdown timeout is logged before its connection is cut.
 */
export function listen(handler: RequestListener, options: LifecycleOptions): Lifecycle {
  const { logger } = options;
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  let accepting = true;

  const inFlight = new Set<InFlight>();
  server.on('request', (req, res) => {
    const call: InFlight = { res, method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, started: performance.now() };
    inFlight.add(call);
    res.once('close', () => inFlight.delete(call));
  });

  server.on('error', (err: NodeJS.ErrnoException) => {
    logger.fatal(
      { errorCode: err.code, port: options.port, host: cut(options.host, 256) },
      `cannot listen on ${cut(options.host, 256)}:${options.port}: ${err.code ?? err.name}`,
    );
    process.exit(1);
  });

  const logCallsStillRunning = () => {
    for (const call of inFlight) {
      logger.error(
        {
          reqId: call.res.getHeader('x-request-id'),
          method: call.method,
          path: cut(call.path, 256),
          runningMs: Math.round(performance.now() - call.started),
          timeoutMs: options.shutdownTimeoutMs,
        },
        'call still running at the shutdown timeout: cut',
      );
    }
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      logger.info(
        { signal, drainDelayMs: options.drainDelayMs, inFlight: inFlight.size },
        'shutting down: /readyz answers 503, calls are served until the drain delay ends',
      ),
    );
  }

  createTerminus(server, {
    signals: ['SIGTERM', 'SIGINT'],
    useExit0: true,
    timeout: options.shutdownTimeoutMs,
    beforeShutdown: async () => {
      accepting = false;
      await sleep(options.drainDelayMs);
      logger.info({ inFlight: inFlight.size, timeoutMs: options.shutdownTimeoutMs }, 'drain delay over: port closed, waiting for calls in flight');
      // Set before terminus starts its own timer of the same length, so this runs first.
      setTimeout(logCallsStillRunning, options.shutdownTimeoutMs).unref();
    },
    onSignal: async () => {
      await Promise.all((options.alsoClose ?? []).map((s) => new Promise((resolve) => s.close(resolve))));
      await options.onClosed?.().catch((err: unknown) => logger.warn({ errorType: (err as Error)?.name }, 'closing the database failed'));
    },
    onShutdown: async () => {
      logger.info('stopped');
    },
    logger: (message, err) => logger.error({ errorType: err?.name }, cut(message, 256)),
  });

  server.listen(options.port, options.host, () => {
    const address = server.address();
    options.onListening?.(typeof address === 'object' && address ? address.port : options.port);
  });
  return { server, accepting: () => accepting };
}
