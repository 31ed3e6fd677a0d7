import { performance } from 'node:perf_hooks';
import type { Card, CdsResponse } from '../cds-hooks/protocol.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { overrideReport, type OverrideReport } from './analytics.js';
import type { StoreConfig } from './config.js';
import { createDatabase, migrate, type Store } from './database.js';
import { ServiceUnavailable } from '../errors.js';
import { storeFeedback, type FeedbackItem, type FeedbackSummary } from './feedback.js';
import { CardLedger, errorCode, type CallIdentity } from './ledger.js';
import { Pseudonymiser, pseudonymSecret } from './pseudonym.js';
import { SharedReplayGuard } from './replay.js';
import { FolderInUse } from './folder-lock.js';
import { SnoozeBook, type Snoozes } from './snooze.js';

export type { CallIdentity, FeedbackItem, FeedbackSummary, OverrideReport, Snoozes };

/** What the HTTP layer holds for one hook call between gathering and responding. */
export interface CallRecord {
  identity: CallIdentity;
  patientKey: string;
  snoozes: Promise<Snoozes>;
}

/**
 * Everything trd-cds keeps: the card ledger, feedback, snooze and (on Postgres) the shared JWT
 * replay check, over one database. The request path only calls `beginCall` and `settle`, which
 * never wait on the database beyond the bounded snooze look-up and never throw.
 */
export class CdsStore {
  readonly ledger: CardLedger;
  readonly snoozes: SnoozeBook;
  /** Shared replay check; only with Postgres (an embedded database is one instance's own). */
  readonly replay?: SharedReplayGuard;
  private readonly pseudonyms: Pseudonymiser;
  private purgeTimer?: NodeJS.Timeout;
  /** Set once the schema is current; until then nothing reads or writes (see `ready`). */
  readonly gate = { ready: false, closed: false };
  /**
   * Whether the first attempt to open the database has ended (opened or failed). Opening the embedded
   * database (PGlite) runs on the main thread and stalls every call for seconds, so an instance is not
   * ready before it; a Postgres that is down does not hold readiness (hooks answer the same without it).
   */
  firstOpenSettled = false;
  /** Resolves when the database is open and migrated. */
  ready: Promise<void> = Promise.resolve();

  private constructor(
    readonly store: Store,
    private readonly config: StoreConfig,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly overrideReasonSystem: string,
  ) {
    this.pseudonyms = new Pseudonymiser(pseudonymSecret(config.pseudonymSecret, config.dataDir));
    this.ledger = new CardLedger(store.db, this.pseudonyms, config.ledger, logger, this.gate);
    this.snoozes = new SnoozeBook(store.db, config.snooze, this.gate, (summary) => this.pseudonyms.key('problem', summary));
    if (store.kind === 'postgres') this.replay = new SharedReplayGuard(store.db, logger, this.gate);
  }

  /**
   * Makes the store and starts opening and migrating the database in the background, retrying
   * with back-off while it is unreachable: the service serves meanwhile (no snooze, cards queued
   * for the ledger up to its bound). Then purges what retention no longer keeps, hourly.
   */
  static start(config: StoreConfig, deps: { logger: Logger; clock: Clock; overrideReasonSystem: string }, retry = true): CdsStore {
    const store = createDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: config.poolMax });
    const cds = new CdsStore(store, config, deps.logger, deps.clock, deps.overrideReasonSystem);
    cds.ready = cds.migrateWhenReachable(retry);
    if (retry) cds.ready.catch(() => undefined);
    return cds;
  }

  /** As `start`, resolved once the database is ready; rejects if it cannot be opened (no retry). */
  static async open(config: StoreConfig, deps: { logger: Logger; clock: Clock; overrideReasonSystem: string }): Promise<CdsStore> {
    const cds = CdsStore.start(config, deps, false);
    await cds.ready;
    return cds;
  }

  private async migrateWhenReachable(retry: boolean): Promise<void> {
    const started = performance.now();
    for (let attempt = 1; !this.gate.closed; attempt++) {
      try {
        await migrate(this.store.db);
        this.firstOpenSettled = true;
        break;
      } catch (err) {
        this.firstOpenSettled = true;
        if (!retry || this.gate.closed) throw err;
        if (err instanceof FolderInUse && attempt === 1) {
          this.logger.error(
            { database: this.store.kind, attempt, pid: err.pid },
            'embedded database is in use by another process (another trd-cds, or the report command, on the same DATA_DIR); serving without ledger, feedback and snooze, and retrying. Give each instance its own DATA_DIR, or set DATABASE_URL',
          );
        } else if (this.store.kind === 'pglite' && attempt === 1) {
          // An embedded database that fails to open is its folder, not a network: seen after a process was killed
          // during crash recovery (WAL redo PANIC). Retrying stays harmless, but someone must act, so say what to do.
          this.logger.error(
            { database: this.store.kind, attempt, error: errorCode(err) },
            'embedded database cannot be opened (its folder under DATA_DIR may be damaged); serving without ledger, feedback and snooze, and retrying. Move DATA_DIR/pglite aside to start a new one, or set DATABASE_URL',
          );
        } else {
          this.logger.warn({ database: this.store.kind, attempt, error: errorCode(err) }, 'database not reachable; serving without it and retrying');
        }
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)).unref());
      }
    }
    if (this.gate.closed) return;
    this.gate.ready = true;
    this.logger.info({ database: this.store.kind, openMs: Math.round(performance.now() - started) }, 'database ready');
    await this.purge();
    this.purgeTimer = setInterval(() => void this.purge(), 3_600_000);
    this.purgeTimer.unref();
  }

  get kind() {
    return this.store.kind;
  }

  patientKey(patientId: string, fhirServer?: string): string {
    return this.pseudonyms.key('patient', patientId, fhirServer);
  }

  /** Starts the call's snooze look-up (cached); call as soon as the request is valid. */
  beginCall(identity: CallIdentity): CallRecord {
    const patientKey = this.patientKey(identity.patientId, identity.fhirServer);
    // Only a chart's reminders are snoozed (patient-view); an order call's cards are about the order (storeFeedback).
    const snoozes =
      this.config.ledger.enabled && identity.hook === 'patient-view'
        ? this.snoozes.lookup(identity.service, patientKey, this.clock.now())
        : Promise.resolve(new Map() as Snoozes);
    return { identity, patientKey, snoozes };
  }

  /**
   * Hides snoozed non-critical cards (listed under `snoozed` in the service's extension) and
   * queues the shown cards for the ledger. Returns the response to send and the wait in ms.
   */
  async settle(record: CallRecord, response: CdsResponse, extensionKey: string | undefined): Promise<{ response: CdsResponse; snoozeWaitMs: number }> {
    const t0 = performance.now();
    const snoozes = await record.snoozes;
    const snoozeWaitMs = performance.now() - t0;
    this.snoozes.observeWait(snoozeWaitMs);
    const now = this.clock.now();
    let out = response;
    if (snoozes.size) {
      const { shown, snoozed } = this.snoozes.apply(response.cards, snoozes, now);
      if (snoozed.length) {
        const extension = { ...(response.extension ?? {}) };
        if (extensionKey) extension[extensionKey] = { ...((extension[extensionKey] as object | undefined) ?? {}), snoozed };
        out = { ...response, cards: shown, extension };
      }
    }
    if (this.config.ledger.enabled) this.ledger.record(record.identity, record.patientKey, out.cards as Card[], now);
    return { response: out, snoozeWaitMs };
  }

  /** Waits (at most `ms`) for a database that is still opening; false if it is not ready by then. */
  private async readyWithin(ms: number): Promise<boolean> {
    if (!this.gate.ready) await Promise.race([this.ready.catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
    return this.gate.ready;
  }

  async feedback(service: string, items: readonly FeedbackItem[]): Promise<FeedbackSummary> {
    if (!(await this.readyWithin(5000))) throw new ServiceUnavailable('The database is not available; retry later');
    return storeFeedback(
      { db: this.store.db, ledger: this.ledger, snoozes: this.snoozes, overrideReasonSystem: this.overrideReasonSystem, logger: this.logger },
      service,
      items,
      this.clock.now(),
    );
  }

  async overrides(from: Date, to: Date): Promise<OverrideReport> {
    if (!(await this.readyWithin(5000))) throw new ServiceUnavailable('The database is not available; retry later');
    return overrideReport(this.store.db, from, to);
  }

  /** Deletes ledger rows and feedback older than the retention, and expired snoozes and token ids. */
  async purge(): Promise<void> {
    if (!this.gate.ready) return;
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.ledger.retentionDays * 86_400_000);
    try {
      const cards = await this.store.db.deleteFrom('ledger_card').where('shown_at', '<', cutoff).executeTakeFirst();
      const feedback = await this.store.db.deleteFrom('feedback').where('received_at', '<', cutoff).executeTakeFirst();
      await this.store.db.deleteFrom('snooze').where('until', '<', now).execute();
      await this.store.db.deleteFrom('jwt_replay').where('expires_at', '<', now).execute();
      const purged = Number(cards.numDeletedRows) + Number(feedback.numDeletedRows);
      if (purged)
        this.logger.info(
          { cards: Number(cards.numDeletedRows), feedback: Number(feedback.numDeletedRows), retentionDays: this.config.ledger.retentionDays },
          'ledger retention purge',
        );
    } catch (err) {
      this.logger.warn({ error: errorCode(err) }, 'ledger retention purge failed');
    }
  }

  async close(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.ledger.close();
    this.gate.closed = true;
    // A database still opening gets a moment to finish (shutdown must stay within the drain budget).
    await Promise.race([this.ready.catch(() => undefined), new Promise((r) => setTimeout(r, 500).unref())]);
    await this.store.close().catch(() => undefined);
  }
}
