import type { AnyCdsService } from '../src/cds-hooks/service.js';
import type { ExplanationStore } from '../src/cds-hooks/explanations.js';
import type { TrdKnowledge } from './knowledge.js';
import { ASSESSMENT_EXTENSION } from './service-kit.js';
import { orderSelectService } from './trd-order-select/service.js';
import { orderSignService } from './trd-order-sign/service.js';
import { patientViewService } from './trd-patient-view/service.js';

/** The three services; with an explanation store, patient-view keeps each call's full assessment for its TRD card's link. */
export function createServices(knowledge: TrdKnowledge, options: { explanations?: ExplanationStore } = {}): AnyCdsService[] {
  // Every service describes its call in the assessment extension; the engine lists snoozed cards there.
  return [patientViewService(knowledge, options.explanations), orderSelectService(knowledge), orderSignService(knowledge)].map((s) => ({
    ...s,
    extensionKey: ASSESSMENT_EXTENSION,
  }));
}
