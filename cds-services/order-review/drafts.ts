import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from '../assessment/concepts.js';
import type { Modality } from '../assessment/findings.js';
import { medicationConcept } from '../assessment/fhir-read.js';
import { isOwnSuggestion } from '../cards/orders.js';

export interface TrdDraft {
  resource: fhir4.Resource;
  ref: string;
  modality: Extract<Modality, 'iv-ketamine' | 'esketamine' | 'tms'>;
  /** The draft came from one of this service's own suggestions (loop guard). */
  own: boolean;
}

type OrderLike = fhir4.Resource & { code?: fhir4.CodeableConcept; medicationCodeableConcept?: fhir4.CodeableConcept; medicationReference?: fhir4.Reference; contained?: fhir4.Resource[] };

/** Which TRD treatment a draft order is, if any: ketamine or esketamine by product/ingredient, TMS by procedure code. */
function modalityOf(r: OrderLike, t: Terminology): TrdDraft['modality'] | undefined {
  if (r.resourceType === 'MedicationRequest') {
    const concept = medicationConcept(r);
    if (t.inConcept(concept, VS.esketamineProducts)) return 'esketamine';
    if (t.inConcept(concept, VS.ketamineProducts)) return 'iv-ketamine';
    return undefined;
  }
  if (t.inConcept(r.code, VS.tmsProcedures)) return 'tms';
  if (t.inConcept(r.code, VS.esketamineProcedures)) return 'esketamine';
  return undefined;
}

/** Draft orders for ketamine, esketamine or TMS; for order-select only the selected ones. */
export function trdDrafts(bundle: { entry?: { resource?: fhir4.Resource }[] } | undefined, t: Terminology, selections?: readonly string[]): TrdDraft[] {
  const out: TrdDraft[] = [];
  for (const entry of bundle?.entry ?? []) {
    const r = entry?.resource as OrderLike | undefined;
    if (!r || typeof r.resourceType !== 'string') continue;
    const ref = `${r.resourceType}/${r.id ?? ''}`;
    if (selections && !selections.includes(ref)) continue;
    const modality = modalityOf(r, t);
    if (modality) out.push({ resource: r, ref, modality, own: isOwnSuggestion(r) });
  }
  return out;
}
