import type { AnyCdsService } from '../src/cds-hooks/service.js';
import type { TrdKnowledge } from './knowledge.js';
import { orderSelectService } from './trd-order-select/service.js';
import { orderSignService } from './trd-order-sign/service.js';
import { patientViewService } from './trd-patient-view/service.js';

export function createServices(knowledge: TrdKnowledge): AnyCdsService[] {
  return [patientViewService(knowledge), orderSelectService(knowledge), orderSignService(knowledge)];
}
