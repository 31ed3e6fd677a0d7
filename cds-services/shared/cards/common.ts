import type { Action } from '../../../src/cds-hooks/protocol.js';
import type { Assessment } from '../assess.js';
import { MODALITY_NAMES, type Finding, type Modality } from '../findings.js';
import type { OrderTemplateName, TrdKnowledge } from '../knowledge.js';
import { createAction } from './card.js';

export interface PresentContext {
  patientId: string;
  newId: () => string;
  now: Date;
  knowledge: TrdKnowledge;
}

export function modalityList(modalities: readonly Modality[]): string {
  const names = modalities.filter((m) => m !== 'ketamine-tms-combination').map((m) => MODALITY_NAMES[m]);
  if (names.length === 3) return 'IV ketamine, esketamine and TMS';
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? MODALITY_NAMES[modalities[0]!]);
}

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function orderAction(ctx: PresentContext, template: OrderTemplateName, description: string, edit?: (r: fhir4.Resource) => void): Action {
  return createAction(ctx.knowledge.orders.instantiate(template, ctx.patientId, ctx.newId, ctx.now.toISOString().slice(0, 10), edit), description);
}

/** Orders that would settle a missing criterion, by rule. */
export function ordersForMissing(f: Finding): { template: OrderTemplateName; label: string }[] {
  const wants = (text: string) => f.missing.some((m) => m.includes(text));
  switch (f.rule) {
    case 'EL-4':
      return f.status === 'not-met' ? [{ template: 'order-phq9', label: 'Order a baseline PHQ-9' }] : [];
    case 'EL-5':
      return f.status !== 'not-met'
        ? []
        : [
            ...(wants('blood pressure') ? [{ template: 'order-blood-pressure' as const, label: 'Record a blood pressure' }] : []),
            ...(wants('heart rate') ? [{ template: 'order-heart-rate' as const, label: 'Record a heart rate' }] : []),
          ];
    case 'CI-6':
      return f.status === 'unknown' && wants('blood pressure') ? [{ template: 'order-blood-pressure', label: 'Record a blood pressure' }] : [];
    case 'EL-7':
      return f.status === 'not-met' ? [{ template: 'order-weight', label: 'Record a body weight' }] : [];
    case 'CI-4':
      return f.status === 'unknown' && wants('pregnancy test') ? [{ template: 'order-pregnancy-test', label: 'Order a pregnancy test (hCG)' }] : [];
    case 'CI-1':
      return f.status === 'unknown' && wants('C-SSRS') ? [{ template: 'order-cssrs', label: 'Complete a C-SSRS today' }] : [];
    default:
      return [];
  }
}

/** Findings that are cautions for a modality: relative met, absolute met as a caution, absolute unknown. */
export function cautionsFor(a: Assessment, modality?: Modality): Finding[] {
  return a.findings.filter((f) => {
    if (f.kind === 'monitoring' || f.rule === 'RC-14' || f.rule === 'RC-15') return false;
    const absolute = modality ? f.absoluteFor.includes(modality) : f.absoluteFor.length > 0;
    const caution = modality ? f.cautionFor.includes(modality) : f.cautionFor.length > 0;
    if (f.status === 'met') return caution && !absolute;
    return f.status === 'unknown' && absolute;
  });
}
