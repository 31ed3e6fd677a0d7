import type { Action } from '../../src/cds-hooks/protocol.js';
import type { Assessment } from '../assessment/assess.js';
import { MODALITY_NAMES, type Finding, type Modality, type SettlingOrder } from '../assessment/findings.js';
import type { OrderTemplateName, TrdKnowledge } from '../knowledge.js';
import { suggestedAction, type OrderReason } from './suggested-orders.js';

export interface PresentContext {
  patientId: string;
  newId: () => string;
  now: Date;
  knowledge: TrdKnowledge;
  /** The explanation page of this call (absolute URL), when one is kept: the TRD card links to it instead of carrying its tables. */
  explainUrl?: string;
  /** Why suggestions are ordered (the qualifying condition, or TRD): every suggested resource carries it (SO). */
  reason?: OrderReason;
  /** A record reference in a clinician's words (CD-6: card text never names a resource by id); see recordWords. */
  nameRecord?: (reference: string) => string;
}

export function modalityList(modalities: readonly Modality[]): string {
  const names = modalities.filter((m) => m !== 'ketamine-tms-combination').map((m) => MODALITY_NAMES[m]);
  if (names.length === 3) return 'IV ketamine, esketamine and TMS';
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? MODALITY_NAMES[modalities[0]!]);
}

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A suggested order from a template, with what every suggestion carries (SO: intent, authoredOn, reason, order set). */
export function orderAction(ctx: PresentContext, template: OrderTemplateName, description: string, edit?: (r: fhir4.Resource) => void): Action {
  return suggestedAction(ctx, template, description, edit);
}

const SETTLING_ORDER_LABELS: Record<SettlingOrder, string> = {
  'order-phq9': 'Order a baseline PHQ-9',
  'order-blood-pressure': 'Record a blood pressure',
  'order-heart-rate': 'Record a heart rate',
  'order-weight': 'Record a body weight',
  'order-pregnancy-test': 'Order a pregnancy test (hCG)',
  'order-cssrs': 'Complete a C-SSRS today',
  'order-suicide-risk-evaluation': 'Order a same-day suicide risk evaluation',
  'order-tms-safety-screen': 'Complete a TMS safety screen',
  'order-pdmp-review': 'Review the prescription drug monitoring program',
  'order-urine-drug-screen': 'Order a urine drug screen',
  'order-spo2': 'Record SpO2 (pulse oximetry)',
};

/** Orders that would settle a missing criterion: the ones its rule names. */
// Typed as templates: a settling order that is not a loaded template fails to compile.
export function ordersForMissing(f: Finding): { template: OrderTemplateName; label: string }[] {
  return (f.settledBy ?? []).map((template) => ({ template, label: SETTLING_ORDER_LABELS[template] }));
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
