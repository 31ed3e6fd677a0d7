import { Counter, Histogram } from 'prom-client';
import { registry } from '../metrics.js';

/*
 * The store's counters, on the service's one registry (src/metrics.ts), the one /metrics serves.
 * They once sat on prom-client's default registry, which nothing serves: every store counter was
 * missing from /metrics. README "Metrics" lists each.
 */

export const ledgerCards = new Counter({
  name: 'trdcds_ledger_cards_total',
  help: 'Cards handed to the card ledger, by result (written, dropped-queue-full, dropped-db-error)',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const feedbackItems = new Counter({
  name: 'trdcds_feedback_items_total',
  help: 'Feedback items stored, by outcome and match (matched, unknown-card, other-service)',
  labelNames: ['outcome', 'match'] as const,
  registers: [registry],
});

export const snoozeLookups = new Counter({
  name: 'trdcds_snooze_lookups_total',
  help: 'Snooze look-ups on the request path, by result (cached, fetched, timeout, error, not-ready)',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const snoozeWait = new Histogram({
  name: 'trdcds_snooze_wait_seconds',
  help: 'Time a hook call waited for its snooze look-up after presenting its cards',
  buckets: [0.00001, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1],
  registers: [registry],
});

export const replayChecks = new Counter({
  name: 'trdcds_jwt_replay_checks_total',
  help: 'JWT jti checks against the shared database, by result (fresh, replay, db-error)',
  labelNames: ['result'] as const,
  registers: [registry],
});
