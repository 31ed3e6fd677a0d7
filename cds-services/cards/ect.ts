/**
 * EL-12 ECT as the alternative on a card (revision-2 section 6): "ECT may be considered: <reason>"
 * with a referral for an ECT evaluation (SO-10, template order-ect-referral). The card names no ECT
 * contraindications: the referral is for evaluation, and the ECT service assesses them.
 */
import type { Card, Suggestion } from '../../src/cds-hooks/protocol.js';
import type { Assessment } from '../assessment/assess.js';
import { diagnoses } from '../assessment/diagnoses.js';
import { makeCard, md } from './card.js';
import { orderAction, type PresentContext } from './common.js';

/** EL-12's reasons when ECT is to be named, else undefined (not shown, unknown, or a course under way). */
export function ectReasons(a: Assessment): string[] | undefined {
  const f = a.byRule.get('EL-12');
  if (f?.status !== 'met') return undefined;
  return (f.data?.['reasons'] as string[] | undefined) ?? [];
}

/** The depressive condition a referral is for: MDD with psychotic features, catatonia, else the current MDD. */
function reasonCondition(a: Assessment): string | undefined {
  const dx = diagnoses(a.index);
  return (dx.mddPsychotic.active[0] ?? dx.catatonia.active[0] ?? dx.mdd.active[0] ?? dx.postpartum.active[0])?.ref;
}

/** The referral for an ECT evaluation (SO-10): reasonReference to the depressive condition, orderDetail the EL-12 reasons. */
export function ectReferralSuggestion(a: Assessment, ctx: PresentContext, reasons: readonly string[]): Omit<Suggestion, 'uuid'> {
  const condition = reasonCondition(a);
  const label = 'Refer for an ECT evaluation';
  return {
    label,
    actions: [
      orderAction(ctx, 'order-ect-referral', label, (r) => {
        // orderAction gives every suggestion its intent, authoredOn and reason (SO); the referral names the
        // condition ECT is for when there is one more specific than the qualifying MDD.
        const sr = r as fhir4.ServiceRequest;
        if (condition) {
          sr.reasonReference = [{ reference: condition }];
          delete sr.reasonCode;
        }
        if (reasons.length) sr.orderDetail = reasons.map((text) => ({ text }));
      }),
    ],
  };
}

/** At most 139 characters: the reasons that fit, then "and N more". */
function ectSummary(reasons: readonly string[]): string {
  for (let n = reasons.length; n > 0; n--) {
    const more = reasons.length - n;
    const s = `ECT may be considered: ${reasons.slice(0, n).join('; ')}${more ? `; and ${more} more` : ''} (EL-12)`;
    if (s.length < 140) return s;
  }
  return 'ECT may be considered (EL-12)';
}

/**
 * The EL-12 info card of patient-view. With imminent suicide risk (CI-1) the safety card names ECT
 * and carries the referral instead, so there is no card of its own then.
 */
export function ectCard(a: Assessment, ctx: PresentContext): Card | undefined {
  const reasons = ectReasons(a);
  if (!reasons || a.byRule.get('CI-1')?.status === 'met') return undefined;
  const f = a.byRule.get('EL-12')!;
  const prior = f.data?.['priorEctSessions']
    ? md`Prior ECT on record: ${String(f.data['priorEctSessions'])} session(s)${f.data['lastEct'] ? `, last on ${String(f.data['lastEct'])}` : ''}.`
    : undefined;
  return makeCard(
    {
      summary: ectSummary(reasons),
      indicator: 'info',
      source: f.source,
      rules: ['EL-12'],
      detail: [
        md`**ECT may be considered:** ${reasons.join('; ')}.`,
        prior,
        md`A referral for evaluation: the ECT service assesses anaesthetic risk, ECT contraindications and consent.`,
      ],
      suggestions: [ectReferralSuggestion(a, ctx, reasons)],
      selectionBehavior: 'any',
    },
    ctx.newId,
  );
}
