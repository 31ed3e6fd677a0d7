import type { Insertable, Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import type { CardLedger } from './ledger.js';
import { errorCode } from './ledger.js';
import { feedbackItems } from './metrics.js';
import type { Database } from './schema.js';
import type { SnoozeBook } from './snooze.js';

/** One feedback item as the HTTP layer validated it (CDS Hooks 2.0 §Feedback). */
export interface FeedbackItem {
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions: string[];
  overrideReason?: { system?: string; code?: string; commentLength?: number };
  outcomeTimestamp?: Date;
}

export interface FeedbackSummary {
  items: number;
  accepted: number;
  overridden: number;
  unmatched: number;
  snoozed: number;
}

export type UnmatchedReason = 'unknown-card' | 'other-service';

const CUT = 64;

/**
 * Stores feedback against the card ledger. An item whose card this service never issued (unknown
 * uuid, or a card of another service) is kept as unmatched and counted, never joined to a rule.
 * An override with a snoozing reason of our own override-reason system (or no system, as the
 * legacy flat shape sends) snoozes a matched non-critical card.
 */
/**
 * Only a chart's reminders snooze (patient-view): an order call's card is about the order being placed, a new
 * decision each time, so "already addressed" on one order's dose never hides the next order's. A card
 * recorded before problem keys (migration 0002) names no problem and snoozes nothing.
 */
const snoozable = (card: { hook: string; problem_key: string | null }): boolean => card.hook === 'patient-view' && !!card.problem_key;

export async function storeFeedback(
  deps: { db: Kysely<Database>; ledger: CardLedger; snoozes: SnoozeBook; overrideReasonSystem: string; logger: Logger },
  service: string,
  items: readonly FeedbackItem[],
  now: Date,
): Promise<FeedbackSummary> {
  // Cards of a call answered a moment ago may still be queued.
  await deps.ledger.flush();
  const uuids = [...new Set(items.map((i) => i.card))];
  const cards = new Map(
    (
      await deps.db
        .selectFrom('ledger_card')
        .select(['card_uuid', 'service', 'hook', 'indicator', 'rule_key', 'problem_key', 'patient_key'])
        .where('card_uuid', 'in', uuids)
        .execute()
    ).map((c) => [c.card_uuid, c]),
  );
  const summary: FeedbackSummary = { items: items.length, accepted: 0, overridden: 0, unmatched: 0, snoozed: 0 };
  const rows: Insertable<Database['feedback']>[] = [];
  const snoozes: { patientKey: string; ruleKey: string; problemKey: string; code: string }[] = [];
  for (const item of items) {
    const card = cards.get(item.card);
    const unmatched: UnmatchedReason | null = !card ? 'unknown-card' : card.service !== service ? 'other-service' : null;
    summary[item.outcome]++;
    if (unmatched) summary.unmatched++;
    feedbackItems.inc({ outcome: item.outcome, match: unmatched ?? 'matched' });
    const reason = item.overrideReason;
    rows.push({
      service,
      card_uuid: item.card.slice(0, CUT),
      matched: !unmatched,
      unmatched_reason: unmatched,
      outcome: item.outcome,
      override_system: reason?.system?.slice(0, 200) ?? null,
      override_code: reason?.code?.slice(0, CUT) ?? null,
      comment_length: reason?.commentLength ?? null,
      accepted_suggestions: item.acceptedSuggestions.map((s) => s.slice(0, CUT)),
      outcome_at: item.outcomeTimestamp ?? now,
      received_at: now,
    });
    const ownSystem = !reason?.system || reason.system === deps.overrideReasonSystem;
    if (
      card &&
      !unmatched &&
      snoozable(card) &&
      item.outcome === 'overridden' &&
      card.indicator !== 'critical' &&
      card.rule_key !== '' &&
      ownSystem &&
      deps.snoozes.enabled &&
      deps.snoozes.isSnoozingReason(reason?.code)
    ) {
      snoozes.push({ patientKey: card.patient_key, ruleKey: card.rule_key, problemKey: card.problem_key!, code: reason!.code! });
    }
  }
  await deps.db.insertInto('feedback').values(rows).execute();
  for (const s of snoozes) {
    try {
      await deps.snoozes.snooze(service, s.patientKey, { ruleKey: s.ruleKey, problemKey: s.problemKey }, s.code, now);
      summary.snoozed++;
    } catch (err) {
      deps.logger.warn({ error: errorCode(err) }, 'snooze not stored');
    }
  }
  return summary;
}
