import { timingSafeEqual, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router, type RequestHandler } from 'express';
import { InvalidRequest, NotFound, Unauthorized } from '../errors.js';
import type { CdsStore } from '../store/index.js';
import { ANALYTICS_PAGE, ANALYTICS_SCRIPT } from './analytics-page.js';

const require = createRequire(import.meta.url);
/** Chart.js's browser build from the installed package (its exports map hides dist/, so from the main file's folder). */
const CHART_JS = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');

const DAY = 86_400_000;
const DEFAULT_WEEKS = 12;
const MAX_DAYS = 3 * 366;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Reads ?from=&to= (ISO dates; to exclusive). Default: the last 12 weeks up to now. */
export function reportRange(query: Record<string, unknown>, now: Date): { from: Date; to: Date } {
  const parse = (field: 'from' | 'to'): Date | undefined => {
    const v = query[field];
    if (v === undefined || v === '') return undefined;
    const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) ? new Date(v) : new Date(NaN);
    if (Number.isNaN(d.getTime())) throw new InvalidRequest('Invalid range', [{ field, message: 'must be an ISO date such as 2026-11-01' }]);
    return d;
  };
  const to = parse('to') ?? now;
  const from = parse('from') ?? new Date(to.getTime() - DEFAULT_WEEKS * 7 * DAY);
  if (from >= to) throw new InvalidRequest('Invalid range', [{ field: 'from', message: 'must be before to' }]);
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY)
    throw new InvalidRequest('Invalid range', [{ field: 'from', message: `range must be at most ${MAX_DAYS} days` }]);
  return { from, to };
}

/**
 * GET /analytics/overrides (JSON, Authorization: Bearer ANALYTICS_TOKEN) and GET /analytics (the
 * page; it holds no data and asks for the token, which it sends only to /analytics/overrides).
 * Without ANALYTICS_TOKEN every analytics route is 404: off.
 */
export function analyticsRoutes(store: CdsStore, token: string | undefined): Router {
  const router = Router();
  if (!token) return router;
  const expected = digest(token);

  const requireToken: RequestHandler = (req, _res, next) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!presented || !timingSafeEqual(digest(presented), expected)) {
      throw new Unauthorized(presented ? 'bad-signature' : 'missing', 'The analytics token is required in Authorization: Bearer');
    }
    next();
  };
  const securePage: RequestHandler = (_req, res, next) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    next();
  };

  router.get('/analytics/overrides', requireToken, async (req, res) => {
    const { from, to } = reportRange(req.query as Record<string, unknown>, new Date());
    res.setHeader('Cache-Control', 'no-store');
    res.json(await store.overrides(from, to));
  });
  router.get('/analytics', securePage, (_req, res) => {
    res.type('html').send(ANALYTICS_PAGE);
  });
  router.get('/analytics/assets/analytics.js', securePage, (_req, res) => {
    res.type('application/javascript').send(ANALYTICS_SCRIPT);
  });
  router.get('/analytics/assets/chart.umd.min.js', (_req, res, next) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.sendFile(CHART_JS, (err) => err && next(new NotFound('Not found', [{ field: 'path', message: 'chart library missing' }])));
  });
  return router;
}
