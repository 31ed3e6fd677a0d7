import { Counter, Histogram, register } from 'prom-client';

/** Registered once per process on prom-client's default registry (served by /metrics). */
function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const ledgerCards = once(
  'trdcds_ledger_cards_total',
  () =>
    new Counter({
      name: 'trdcds_ledger_cards_total',
      help: 'Cards handed to the card ledger, by result (written, dropped-queue-full, dropped-db-error)',
      labelNames: ['result'],
    }),
);

export const feedbackItems = once(
  'trdcds_feedback_items_total',
  () =>
    new Counter({
      name: 'trdcds_feedback_items_total',
      help: 'Feedback items stored, by outcome and match (matched, unknown-card, other-service)',
      labelNames: ['outcome', 'match'],
    }),
);

export const snoozeLookups = once(
  'trdcds_snooze_lookups_total',
  () =>
    new Counter({
      name: 'trdcds_snooze_lookups_total',
      help: 'Snooze look-ups on the request path, by result (cached, fetched, timeout, error, not-ready)',
      labelNames: ['result'],
    }),
);

export const snoozeWait = once(
  'trdcds_snooze_wait_seconds',
  () =>
    new Histogram({
      name: 'trdcds_snooze_wait_seconds',
      help: 'Time a hook call waited for its snooze look-up after presenting its cards',
      buckets: [0.00001, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1],
    }),
);

export const replayChecks = once(
  'trdcds_jwt_replay_checks_total',
  () =>
    new Counter({
      name: 'trdcds_jwt_replay_checks_total',
      help: 'JWT jti checks against the shared database, by result (fresh, replay, db-error)',
      labelNames: ['result'],
    }),
);
