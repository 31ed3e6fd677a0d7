import { z } from 'zod';
import { InvalidRequest } from '../errors.js';
import type { FeedbackItem } from '../store/index.js';

const id = z.string().trim().min(1, 'must be a non-empty string').max(128, 'must be at most 128 characters');
const text = z.string().max(500, 'must be at most 500 characters');
const coding = z.looseObject({ system: text.nullish(), code: text.nullish(), display: text.nullish() });

/**
 * CDS Hooks 2.0 feedback (§Feedback). Tolerated as real clients send it: nulls for optional
 * fields, `overrideReason` as { reason: Coding, userComment } or the legacy flat Coding
 * (early sandbox and 1.x clients), no `outcomeTimestamp` (the time received is used).
 */
export const FeedbackBody = z.object({
  feedback: z
    .array(
      z.looseObject({
        card: id,
        outcome: z.enum(['accepted', 'overridden'], { message: "must be 'accepted' or 'overridden'" }),
        acceptedSuggestions: z.array(z.looseObject({ id })).max(50).nullish(),
        overrideReason: z
          .looseObject({
            reason: coding.nullish(),
            userComment: z.string().max(10_000).nullish(),
            system: text.nullish(),
            code: text.nullish(),
          })
          .nullish(),
        outcomeTimestamp: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).nullish(),
      }),
    )
    .min(1, 'must hold at least one item')
    .max(1000, 'must hold at most 1000 items'),
});

/** Validates a feedback body into items; 400 naming each bad field (e.g. `feedback.0.outcome`). */
export function parseFeedback(body: unknown): FeedbackItem[] {
  const parsed = FeedbackBody.safeParse(body);
  if (!parsed.success) {
    throw new InvalidRequest(
      'Invalid feedback',
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
    );
  }
  return parsed.data.feedback.map((f) => {
    const r = f.overrideReason;
    const reason = r ? (r.reason ?? (r.code || r.system ? { system: r.system, code: r.code } : undefined)) : undefined;
    return {
      card: f.card,
      outcome: f.outcome,
      acceptedSuggestions: (f.acceptedSuggestions ?? []).map((s) => s.id),
      ...(r
        ? {
            overrideReason: {
              ...(reason?.system ? { system: reason.system } : {}),
              ...(reason?.code ? { code: reason.code } : {}),
              ...(typeof r.userComment === 'string' ? { commentLength: r.userComment.length } : {}),
            },
          }
        : {}),
      ...(f.outcomeTimestamp ? { outcomeTimestamp: new Date(f.outcomeTimestamp) } : {}),
    };
  });
}
