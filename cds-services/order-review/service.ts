import type { CdsServiceDefinition } from '../../src/cds-hooks/service.js';
import type { Assessment } from '../assessment/assess.js';
import { trdDrafts } from './drafts.js';
import { orderReviewCards } from './cards.js';
import type { TrdKnowledge } from '../knowledge.js';
import { REQUIRED_KEYS, trdPrefetch } from '../assessment/prefetch.js';
import { assessCall, presentContext, respond } from '../service-kit.js';

/** order-select and order-sign share one review; order-select looks only at the selected drafts. */
export function orderReviewService<H extends 'order-select' | 'order-sign'>(
  knowledge: TrdKnowledge,
  entry: { id: string; hook: H; title: string; description: string },
): CdsServiceDefinition<H, Assessment> {
  return {
    ...entry,
    prefetch: trdPrefetch(knowledge.terminology),
    requiredData: REQUIRED_KEYS,
    decide: (call) => assessCall(call, knowledge),
    present: (a, call) => {
      const context = call.context as { draftOrders?: { entry?: { resource?: fhir4.Resource }[] }; selections?: string[] };
      const drafts = trdDrafts(context.draftOrders, knowledge.terminology, call.hook === 'order-select' ? (context.selections ?? []) : undefined);
      return respond(orderReviewCards(a, drafts, presentContext(call, knowledge, a.now)), a);
    },
  };
}
