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
