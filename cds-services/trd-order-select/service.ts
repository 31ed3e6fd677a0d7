// trd-order-select: the discovery entry of the order-select service; the review itself is order-review/.
// May import order-review/, knowledge.ts and src/ protocol types; never another service folder.
import type { TrdKnowledge } from '../knowledge.js';
import { orderReviewService } from '../order-review/service.js';

/** order-select: checks a ketamine, esketamine or TMS order as the clinician picks it. */
export const orderSelectService = (knowledge: TrdKnowledge) =>
  orderReviewService(knowledge, {
    id: 'trd-order-select',
    hook: 'order-select',
    title: 'TRD order check (while selecting)',
    description:
      'Checks a selected IV ketamine, esketamine or TMS order against the record: contraindications, cautions, the 0.5 mg/kg ketamine dose, monitoring and REMS facts.',
  });
