// trd-order-sign: the discovery entry of the order-sign service; the review itself is order-review/.
// May import order-review/, knowledge.ts and src/ protocol types; never another service folder.
import type { TrdKnowledge } from '../knowledge.js';
import { orderReviewService } from '../order-review/service.js';

/** order-sign: the last check of ketamine, esketamine and TMS orders before they are signed. */
export const orderSignService = (knowledge: TrdKnowledge) =>
  orderReviewService(knowledge, {
    id: 'trd-order-sign',
    hook: 'order-sign',
    title: 'TRD order check (at signing)',
    description:
      'Before signing IV ketamine, esketamine or TMS orders: contraindications with a cancel suggestion, cautions, the dose check, monitoring, REMS facts and the ketamine + TMS combination protocol.',
  });
