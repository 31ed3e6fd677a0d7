import { z } from 'zod';
import { comparableId } from '../cds-hooks/uuid.js';
import { InvalidRequest, type ProblemIssue } from '../errors.js';
import type { FeedbackItem } from '../store/index.js';
import { SYSTEM } from '../terminology/systems.js';

/**
 * How far ahead of our clock an `outcomeTimestamp` may be: client clocks drift, but an action cannot be
 * taken after its feedback arrives. Five minutes covers NTP-less workstations; a timestamp beyond it
 * (2099 from a wrong clock or a hostile client) would win every later outcome of that card, so it is a 400.
 */
export const OUTCOME_CLOCK_SKEW_MS = 5 * 60_000;

const id = z.string().trim().min(1, 'must be a non-empty string').max(128, 'must be at most 128 characters');
/** A card or suggestion id, spelled as the ledger keeps the ones issued (upper case and `urn:uuid:` tolerated). */
const issuedId = id.transform(comparableId);
const text = z.string().max(500, 'must be at most 500 characters');
const freeText = z.string().max(10_000, 'must be at most 10000 characters');
const coding = z.looseObject({ system: text.nullish(), code: text.nullish(), display: text.nullish() });
/** A reason as clients send it: a Coding, or a CodeableConcept ({coding: [...], text}) from FHIR-minded clients. */
const reasonShape = z.looseObject({
  system: text.nullish(),
  code: text.nullish(),
  display: text.nullish(),
  coding: z.array(coding).max(20, 'must hold at most 20 codings').nullish(),
  text: freeText.nullish(),
});
type ReasonShape = z.infer<typeof reasonShape>;

const UNREADABLE_REASON = 'must be a Coding with a code, or a CodeableConcept with a coding that has a code';

/**
 * The one reason Coding of a Coding or CodeableConcept: the Coding itself when it has a code, else the
 * CodeableConcept's coding of our own override-reason system, else its first coding with a code (the
 * codings of one CodeableConcept mean the same concept). Undefined when nothing carries a code.
 */
function oneReason(r: ReasonShape): { system?: string; code: string } | undefined {
  const pick = (c: { system?: string | null; code?: string | null }) => ({ ...(c.system ? { system: c.system } : {}), code: c.code! });
  if (r.code) return pick(r);
  const coded = (r.coding ?? []).filter((c) => c.code);
  const chosen = coded.find((c) => c.system === SYSTEM.cardOverrideReason) ?? coded[0];
  return chosen ? pick(chosen) : undefined;
}

/** What `overrideReason` may carry beside the reason, as CDS Hooks 2.0 and the legacy flat shape define it. */
const OVERRIDE_REASON_MEMBERS = new Set(['reason', 'userComment', 'system', 'code', 'display', 'coding', 'text', 'extension']);

/**
 * CDS Hooks 2.0 feedback (§Feedback), tolerated as real clients send it and normalised to one reason
 * Coding: nulls for optional fields; `overrideReason` as { reason: Coding, userComment } (2.0), as the
 * legacy flat Coding (early sandbox and 1.x clients), or with a CodeableConcept for the Coding; the
 * card's own `overrideReasons` echoed as an array holding the one reason chosen; no `outcomeTimestamp`
 * (the time received is used). A reason given in a shape that cannot be read is a 400 naming the field,
 * never stored as "no reason".
 */
export const FeedbackBody = z.object({
  feedback: z
    .array(
      z
        .looseObject({
          card: issuedId,
          outcome: z.enum(['accepted', 'overridden'], { message: "must be 'accepted' or 'overridden'" }),
          acceptedSuggestions: z
            .array(z.looseObject({ id: issuedId }))
            .max(50)
            .nullish(),
          overrideReason: z
            .looseObject({
              reason: reasonShape.nullish(),
              userComment: freeText.nullish(),
              system: text.nullish(),
              code: text.nullish(),
              display: text.nullish(),
              coding: z.array(coding).max(20, 'must hold at most 20 codings').nullish(),
              text: freeText.nullish(),
            })
            .nullish(),
          overrideReasons: z.array(reasonShape).max(20, 'must hold at most 20 reasons').nullish(),
          outcomeTimestamp: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).nullish(),
        })
        .transform((f, ctx) => {
          const fail = (path: (string | number)[], message: string) => {
            ctx.addIssue({ code: 'custom', path, message, input: f });
            return z.NEVER;
          };
          const r = f.overrideReason;
          let reason: { system?: string; code: string } | undefined;
          if (r?.reason) {
            reason = oneReason(r.reason);
            // A CodeableConcept with text only is a reason in words: kept as a comment (its length), like userComment.
            if (!reason && typeof r.reason.text !== 'string') return fail(['overrideReason', 'reason'], UNREADABLE_REASON);
          } else if (r && (r.code || r.system || r.coding?.length)) {
            // The legacy flat shape: the Coding (or a CodeableConcept) in place of { reason }.
            reason = oneReason(r);
            if (!reason) return fail(['overrideReason'], `${UNREADABLE_REASON}, or { reason, userComment }`);
          } else if (r && !r.userComment && !r.text && Object.keys(r).some((k) => !OVERRIDE_REASON_MEMBERS.has(k))) {
            return fail(['overrideReason'], 'must be { reason: Coding, userComment }');
          }
          const echoed = f.overrideReasons ?? [];
          if (!reason && echoed.length > 1) {
            // The card offers several; echoing them all says nothing of the one chosen, and guessing could snooze a card.
            return fail(['overrideReasons'], `holds ${echoed.length} reasons: send the one chosen, as overrideReason.reason`);
          }
          if (!reason && echoed.length === 1) {
            reason = oneReason(echoed[0]!);
            if (!reason) return fail(['overrideReasons', 0], UNREADABLE_REASON);
          }
          const comment = r?.userComment ?? r?.reason?.text ?? r?.text ?? echoed[0]?.text;
          const given = reason || typeof comment === 'string';
          return {
            card: f.card,
            outcome: f.outcome,
            acceptedSuggestions: (f.acceptedSuggestions ?? []).map((s) => s.id),
            ...(r || given
              ? {
                  overrideReason: {
                    ...(reason ?? {}),
                    ...(typeof comment === 'string' ? { commentLength: comment.length } : {}),
                  },
                }
              : {}),
            ...(f.outcomeTimestamp ? { outcomeTimestamp: new Date(f.outcomeTimestamp) } : {}),
          } satisfies FeedbackItem;
        }),
    )
    .min(1, 'must hold at least one item')
    .max(1000, 'must hold at most 1000 items'),
});

/**
 * Validates a feedback body into items, received at `now`; 400 naming each bad field (e.g.
 * `feedback.0.outcome`, `feedback.0.outcomeTimestamp` more than OUTCOME_CLOCK_SKEW_MS ahead of `now`).
 */
export function parseFeedback(body: unknown, now: Date): FeedbackItem[] {
  const parsed = FeedbackBody.safeParse(body);
  const issues: ProblemIssue[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  const items = parsed.success ? parsed.data.feedback : [];
  items.forEach((item, i) => {
    if (item.outcomeTimestamp && item.outcomeTimestamp.getTime() > now.getTime() + OUTCOME_CLOCK_SKEW_MS) {
      issues.push({
        field: `feedback.${i}.outcomeTimestamp`,
        message: `is in the future (more than ${OUTCOME_CLOCK_SKEW_MS / 60_000} minutes after the time received, ${now.toISOString()})`,
      });
    }
  });
  if (issues.length) throw new InvalidRequest('Invalid feedback', issues);
  return items;
}
