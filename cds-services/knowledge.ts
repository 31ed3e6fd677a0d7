import { ConfigurationError } from '../src/errors.js';
import type { Profiles } from '../src/knowledge/load-profiles.js';
import { SYSTEM } from '../src/terminology/systems.js';
import type { Coding } from '../src/cds-hooks/protocol.js';
import { checkConcepts } from './assessment/assess.js';
import { attemptThresholdProblems } from './assessment/attempts.js';
import { OrderTemplates } from './cards/orders.js';
import type { Knowledge } from './assessment/record.js';
import type { Thresholds } from './assessment/thresholds.js';

export const ORDER_TEMPLATE_NAMES = [
  'tms-initial',
  'tms-course',
  'tms-taper',
  'ketamine-infusion',
  'esketamine-day1',
  'esketamine-induction',
  'esketamine-acute-si',
  'vital-sign-monitoring',
  'heart-rate-monitoring',
  'pulse-oximetry',
  'esketamine-bp-monitoring',
  'esketamine-spo2-monitoring',
  'phq9-each-session',
  'order-phq9',
  'order-blood-pressure',
  'order-heart-rate',
  'order-weight',
  'order-height',
  'order-spo2',
  'order-pregnancy-test',
  'order-cssrs',
  'order-suicide-risk-evaluation',
  'order-tms-safety-screen',
  'order-pdmp-review',
  'order-urine-drug-screen',
  'order-ect-referral',
] as const;
export type OrderTemplateName = (typeof ORDER_TEMPLATE_NAMES)[number];

/** Everything the TRD services read besides the call: terminology, catalogue, thresholds, orders. */
export interface TrdKnowledge extends Knowledge {
  orders: OrderTemplates;
  overrideReasons: Coding[];
}

export function trdKnowledge(profiles: Profiles, thresholds: Thresholds): TrdKnowledge {
  checkConcepts(profiles.terminology);
  const orders = new OrderTemplates(profiles.orderTemplates);
  const problems = orders.requireAll(ORDER_TEMPLATE_NAMES);
  const reasons = profiles.codeSystems.get(SYSTEM.cardOverrideReason);
  if (!reasons?.concept?.length) problems.push(`CodeSystem ${SYSTEM.cardOverrideReason} is missing`);
  problems.push(...attemptThresholdProblems(profiles.terminology, profiles.catalogue, thresholds));
  if (problems.length) throw new ConfigurationError('Invalid TRD knowledge', problems);
  profiles.fhirValidator.warm(['ServiceRequest', 'MedicationRequest']);
  return {
    terminology: profiles.terminology,
    catalogue: profiles.catalogue,
    thresholds,
    orders,
    overrideReasons: reasons!.concept!.map((c) => ({ system: SYSTEM.cardOverrideReason, code: c.code, display: c.display ?? c.code })),
  };
}
