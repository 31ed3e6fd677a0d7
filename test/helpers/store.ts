import request from 'supertest';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { CdsStore } from '../../src/store/index.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import { buildTestApp, LogCapture, testConfig } from './app.js';
import { realServices } from './knowledge.js';
import { prefetchFor } from '../builders/prefetch.js';
import type { CdsResponse } from '../../src/cds-hooks/protocol.js';

/** A clock tests move by hand (snooze expiry, retention). */
export function movableClock(iso: string): Clock & { set(iso: string): void; advanceDays(d: number): void } {
  let at = new Date(iso);
  return {
    now: () => new Date(at),
    set: (s) => (at = new Date(s)),
    advanceDays: (d) => (at = new Date(at.getTime() + d * 86_400_000)),
  };
}

export const TEST_SECRET = 'test-pseudonym-secret-0123456789abcdef';

/** A store on an in-memory PGlite (default) or a Postgres URL; the ledger flushes only when asked. */
export async function openTestStore(o: { url?: string; clock: Clock; env?: Record<string, string>; logs?: LogCapture }) {
  const logs = o.logs ?? new LogCapture();
  const config = testConfig({
    DATA_DIR: 'memory://',
    PSEUDONYM_SECRET: TEST_SECRET,
    LEDGER_FLUSH_MS: '60000',
    ...(o.url ? { DATABASE_URL: o.url } : {}),
    ...o.env,
  });
  const store = await CdsStore.open(config.store, { logger: createLogger('info', logs), clock: o.clock, overrideReasonSystem: SYSTEM.cardOverrideReason });
  return { store, config, logs };
}

const services = realServices();

/** The real services over HTTP with a store. */
export function storeApp(store: CdsStore, clock: Clock, env: Record<string, string> = {}) {
  return buildTestApp({ services, store, clock, env: { DATA_DIR: 'memory://', PSEUDONYM_SECRET: TEST_SECRET, ...env } });
}

export const HOOK_INSTANCE = '5b9c7a2e-0d1f-4c3b-9e8a-7f6d5c4b3a21';

/** Calls patient-view for a record with full prefetch; returns the response body. */
export async function patientView(
  app: Parameters<typeof request>[0],
  resources: fhir4.Resource[],
  patientId: string,
  userId = 'Practitioner/dr-jones',
): Promise<CdsResponse> {
  const res = await request(app)
    .post('/cds-services/trd-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: HOOK_INSTANCE,
      fhirServer: 'https://ehr.example.org/fhir',
      context: { userId, patientId },
      prefetch: prefetchFor(resources),
    });
  if (res.status !== 200) throw new Error(`patient-view answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body as CdsResponse;
}

export async function truncateAll(store: CdsStore): Promise<void> {
  await store.ledger.flush();
  for (const t of ['feedback', 'snooze', 'jwt_replay', 'ledger_suggestion', 'ledger_card'] as const) await store.store.db.deleteFrom(t).execute();
}

/**
 * One store for a test file, on `clock`: opened before the file's tests (and handed to `opened`),
 * emptied before each test, closed after the file.
 */
export function storePerFile(clock: Clock, opened: (store: CdsStore) => void): void {
  let store: CdsStore | undefined;
  beforeAll(async () => {
    ({ store } = await openTestStore({ clock }));
    opened(store);
  }, 120_000);
  afterAll(() => store?.close());
  beforeEach(() => truncateAll(store!));
}
