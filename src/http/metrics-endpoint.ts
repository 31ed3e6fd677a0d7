import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import { registry } from '../metrics.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may read /metrics: with METRICS_TOKEN, only a caller presenting it as a bearer token; without
 * one, anyone outside production, and in production only on its own port (METRICS_PORT), which the
 * deployment keeps off the public network.
 */
export function metricsAccess(config: Config, onOwnPort: boolean): (authorization: string | undefined) => 'ok' | 'unauthorized' | 'off' {
  const token = config.metrics.token;
  if (!token) return () => (onOwnPort || config.nodeEnv !== 'production' ? 'ok' : 'off');
  const expected = digest(token);
  return (authorization) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    return presented !== undefined && timingSafeEqual(digest(presented), expected) ? 'ok' : 'unauthorized';
  };
}

async function answer(res: ServerResponse, access: 'ok' | 'unauthorized' | 'off'): Promise<void> {
  if (access === 'off') {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"not found"}');
    return;
  }
  if (access === 'unauthorized') {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' }).end('{"status":"unauthorized"}');
    return;
  }
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType }).end(body);
}

/** GET /metrics on the service port (express handler). */
export function metricsHandler(config: Config): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const access = metricsAccess(config, false);
  return (req, res) => answer(res, access(req.headers.authorization));
}

/** A server of its own for /metrics (METRICS_PORT); anything else is 404. */
export function metricsServer(config: Config): Server {
  const access = metricsAccess(config, true);
  return createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"not found"}');
      return;
    }
    void answer(res, access(req.headers.authorization));
  });
}
