import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { cardRules } from '../cds-hooks/card-provenance.js';
import type { Card } from '../cds-hooks/protocol.js';
import { ruleKeyOf } from './ledger.js';
import { snoozeLookups, snoozeWait } from './metrics.js';
import type { Database } from './schema.js';

/** Active snoozes of one patient in one service: `snoozeKey` (rule and problem) to the end of its snooze. */
export type Snoozes = ReadonlyMap<string, Date>;

/** What a snooze names: the card's rules and the problem its summary stated (a pseudonymous key). */
export interface SnoozedProblem {
  ruleKey: string;
  problemKey: string;
}

const snoozeKey = (p: SnoozedProblem): string => `${p.ruleKey}\u0000${p.problemKey}`;

const NONE: Snoozes = new Map();

export interface SnoozeSettings {
  /** Override reason codes that snooze (CodeSystem override-reason). */
  reasons: readonly string[];
  days: number;
  cacheSeconds: number;
  lookupTimeoutMs: number;
}

/** What a call hid, for the assessment extension. */
export interface SnoozedCard {
  rules: readonly string[];
  indicator: Card['indicator'];
  until: string;
}

/**
 * Snooze: a clinician who overrides a non-critical patient-view card with a snoozing reason ("already
 * addressed", "patient declined") does not see that card again (the same rules stating the same problem,
 * compared by the summary's pseudonymous key) for the same patient in the same service for SNOOZE_DAYS.
 * A changed problem (a new value, another gap) shows again; critical cards are never hidden. The look-up runs beside data
 * gathering and is cached per patient and service (SNOOZE_CACHE_SECONDS, the delay before another
 * replica's new snooze shows); a slow or failed look-up hides nothing.
 */
export class SnoozeBook {
  private readonly cache: LRUCache<string, Snoozes>;
  readonly stats = { cached: 0, fetched: 0, timeout: 0, error: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: SnoozeSettings,
    private readonly gate: { ready: boolean },
    /** The pseudonymous key of a card's summary, as the ledger stored it (never the summary itself: it can hold clinical values). */
    private readonly problemKeyOf: (summary: string) => string,
  ) {
    this.cache = new LRUCache<string, Snoozes>({ max: 20_000, ttl: Math.max(1, settings.cacheSeconds * 1000), ttlAutopurge: false });
  }

  get enabled(): boolean {
    return this.settings.days > 0 && this.settings.reasons.length > 0;
  }

  isSnoozingReason(code: string | undefined): boolean {
    return code !== undefined && this.settings.reasons.includes(code);
  }

  /** Starts the look-up; resolves to the active snoozes, or none after the timeout or on error. Never rejects. */
  lookup(service: string, patientKey: string, now: Date): Promise<Snoozes> {
    if (!this.enabled) return Promise.resolve(NONE);
    if (!this.gate.ready) {
      this.stats.error++;
      snoozeLookups.inc({ result: 'not-ready' });
      return Promise.resolve(NONE);
    }
    const key = `${service}\u0000${patientKey}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.stats.cached++;
      snoozeLookups.inc({ result: 'cached' });
      return Promise.resolve(hit);
    }
    return new Promise<Snoozes>((resolve) => {
      const timer = setTimeout(() => {
        this.stats.timeout++;
        snoozeLookups.inc({ result: 'timeout' });
        resolve(NONE);
      }, this.settings.lookupTimeoutMs);
      this.db
        .selectFrom('snooze')
        .select(['rule_key', 'problem_key', 'until'])
        .where('patient_key', '=', patientKey)
        .where('service', '=', service)
        .where('until', '>', now)
        .execute()
        .then(
          (rows) => {
            const found: Snoozes = rows.length
              ? new Map(rows.map((r) => [snoozeKey({ ruleKey: r.rule_key, problemKey: r.problem_key }), new Date(r.until)]))
              : NONE;
            this.cache.set(key, found);
            clearTimeout(timer);
            this.stats.fetched++;
            snoozeLookups.inc({ result: 'fetched' });
            resolve(found);
          },
          () => {
            clearTimeout(timer);
            this.stats.error++;
            snoozeLookups.inc({ result: 'error' });
            resolve(NONE);
          },
        );
    });
  }

  /** Records the wait a call spent on its look-up after presenting (the request-path cost). */
  observeWait(ms: number): void {
    snoozeWait.observe(ms / 1000);
  }

  /** Splits cards into shown and snoozed; critical cards and cards naming no rule are always shown. */
  apply(cards: Card[], snoozes: Snoozes, now: Date): { shown: Card[]; snoozed: SnoozedCard[] } {
    if (snoozes.size === 0) return { shown: cards, snoozed: [] };
    const shown: Card[] = [];
    const snoozed: SnoozedCard[] = [];
    for (const card of cards) {
      const rules = card.indicator === 'critical' ? [] : cardRules(card);
      const until = rules.length ? snoozes.get(snoozeKey({ ruleKey: ruleKeyOf(rules), problemKey: this.problemKeyOf(card.summary) })) : undefined;
      if (until && until > now) snoozed.push({ rules, indicator: card.indicator, until: until.toISOString() });
      else shown.push(card);
    }
    return { shown, snoozed };
  }

  /** Snoozes a card's problem for a patient (longest snooze wins) and forgets the cached look-up. */
  async snooze(service: string, patientKey: string, problem: SnoozedProblem, reasonCode: string, now: Date): Promise<Date> {
    const until = new Date(now.getTime() + this.settings.days * 86_400_000);
    await this.db
      .insertInto('snooze')
      .values({ patient_key: patientKey, service, rule_key: problem.ruleKey, problem_key: problem.problemKey, until, reason_code: reasonCode, created_at: now })
      .onConflict((oc) =>
        oc.columns(['patient_key', 'service', 'rule_key', 'problem_key']).doUpdateSet((eb) => ({
          until: eb.fn('greatest', ['snooze.until', eb.ref('excluded.until')]),
          reason_code: eb.ref('excluded.reason_code'),
          created_at: eb.ref('excluded.created_at'),
        })),
      )
      .execute();
    this.cache.delete(`${service}\u0000${patientKey}`);
    return until;
  }
}
