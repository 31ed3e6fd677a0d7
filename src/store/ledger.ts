import type { Insertable, Kysely } from 'kysely';
import { cardRules } from '../cds-hooks/card-provenance.js';
import { normalisedUuid } from '../cds-hooks/uuid.js';
import type { Card } from '../cds-hooks/protocol.js';
import type { Logger } from '../logger.js';
import { ledgerCards } from './metrics.js';
import type { Pseudonymiser } from './pseudonym.js';
import type { Database } from './schema.js';

/** Who and what one hook call was about, as the request said it (raw ids stay in memory only). */
export interface CallIdentity {
  service: string;
  hook: string;
  hookInstance: string;
  patientId: string;
  userId?: string;
  /** The FHIR server the ids belong to (namespace of the pseudonyms). */
  fhirServer?: string;
}

interface QueuedCard {
  uuid: string;
  /** Kept in memory until the write, which stores only its pseudonymous key. */
  summary: string;
  indicator: string;
  ruleIds: readonly string[];
  suggestions: { uuid: string; label: string }[];
}

interface QueuedCall {
  call: CallIdentity;
  patientKey: string;
  shownAt: Date;
  cards: QueuedCard[];
}

export interface LedgerSettings {
  queueMax: number;
  batchSize: number;
  flushMs: number;
}

export const ruleKeyOf = (ruleIds: readonly string[]) => ruleIds.join('+');

/**
 * The card ledger: every card and suggestion a hook call returned, written in batches after the
 * response. `record` only copies ids into a bounded queue; the database is never awaited on the
 * request path, and a full queue or a failed write drops rows (counted, with one warn line per
 * failure) instead of slowing or changing any response.
 */
export class CardLedger {
  private queue: QueuedCall[] = [];
  private queuedCards = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private lastOverflowWarn = 0;
  readonly stats = { written: 0, droppedQueueFull: 0, droppedDbError: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly pseudonyms: Pseudonymiser,
    private readonly settings: LedgerSettings,
    private readonly logger: Logger,
    private readonly gate: { ready: boolean } = { ready: true },
  ) {}

  /** Queues the cards of one response (O(cards)); never throws, never waits. */
  record(call: CallIdentity, patientKey: string, cards: readonly Card[], shownAt: Date): void {
    if (cards.length === 0) return;
    if (this.queuedCards + cards.length > this.settings.queueMax) {
      this.stats.droppedQueueFull += cards.length;
      ledgerCards.inc({ result: 'dropped-queue-full' }, cards.length);
      const now = Date.now();
      if (now - this.lastOverflowWarn > 10_000) {
        this.lastOverflowWarn = now;
        this.logger.warn({ dropped: this.stats.droppedQueueFull, queueMax: this.settings.queueMax }, 'card ledger queue full: cards dropped');
      }
      return;
    }
    const queued: QueuedCard[] = new Array(cards.length);
    for (let i = 0; i < cards.length; i++) {
      const c = cards[i]!;
      const suggestions = c.suggestions ? c.suggestions.map((s) => ({ uuid: s.uuid, label: s.label })) : [];
      queued[i] = { uuid: c.uuid, summary: c.summary, indicator: c.indicator, ruleIds: cardRules(c), suggestions };
    }
    this.queue.push({ call, patientKey, shownAt, cards: queued });
    this.queuedCards += cards.length;
    if (this.queuedCards >= this.settings.batchSize) this.schedule(0);
    else this.schedule(this.settings.flushMs);
  }

  get pending(): number {
    return this.queuedCards;
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  /** Writes everything queued so far; resolves when written or dropped (never rejects). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    if (!this.gate.ready) {
      // The database is still opening: keep the cards (the queue stays bounded) and try again.
      this.schedule(this.settings.flushMs);
      return;
    }
    this.flushing = this.writeAll().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length) {
      const batch: QueuedCall[] = [];
      let n = 0;
      while (this.queue.length && (n === 0 || n + this.queue[0]!.cards.length <= this.settings.batchSize)) {
        const call = this.queue.shift()!;
        n += call.cards.length;
        batch.push(call);
      }
      this.queuedCards -= n;
      await this.write(batch, n);
    }
  }

  private async write(batch: QueuedCall[], n: number): Promise<void> {
    const cardRows: Insertable<Database['ledger_card']>[] = [];
    const suggestionRows: Insertable<Database['ledger_suggestion']>[] = [];
    for (const { call, patientKey, shownAt, cards } of batch) {
      const userKey = call.userId ? this.pseudonyms.key('user', call.userId, call.fhirServer) : null;
      for (const c of cards) {
        cardRows.push({
          card_uuid: c.uuid,
          service: call.service,
          hook: call.hook,
          // A hookInstance that is not a UUID may be anything (a name, an MRN): only its pseudonymous key is kept.
          hook_instance: normalisedUuid(call.hookInstance) ?? this.pseudonyms.key('hook-instance', call.hookInstance, call.fhirServer),
          rule_ids: [...c.ruleIds],
          rule_key: ruleKeyOf(c.ruleIds),
          problem_key: this.pseudonyms.key('problem', c.summary),
          indicator: c.indicator,
          patient_key: patientKey,
          user_key: userKey,
          shown_at: shownAt,
        });
        for (const s of c.suggestions) suggestionRows.push({ suggestion_uuid: s.uuid, card_uuid: c.uuid, label: s.label.slice(0, 200) });
      }
    }
    try {
      // No transaction: the embedded database has one session, shared with the request path's reads.
      await this.db
        .insertInto('ledger_card')
        .values(cardRows)
        .onConflict((oc) => oc.column('card_uuid').doNothing())
        .execute();
      if (suggestionRows.length) {
        await this.db
          .insertInto('ledger_suggestion')
          .values(suggestionRows)
          .onConflict((oc) => oc.column('suggestion_uuid').doNothing())
          .execute();
      }
      this.stats.written += n;
      ledgerCards.inc({ result: 'written' }, n);
    } catch (err) {
      this.stats.droppedDbError += n;
      ledgerCards.inc({ result: 'dropped-db-error' }, n);
      this.logger.warn({ dropped: n, droppedTotal: this.stats.droppedDbError, error: errorCode(err) }, 'card ledger write failed: cards dropped');
    }
  }

  /** Stops the timer and writes what is queued (shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/** A database error's class for a log line: its SQLSTATE or errno code, never its message (which can quote values). */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : ((err as Error)?.name ?? 'unknown');
}
