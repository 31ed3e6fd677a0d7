/**
 * OR-1 Identify the drug of a draft order
 * Trigger: order-select, order-sign; each draft in `context.draftOrders`.
 * Logic: codes first (the draft's `medicationCodeableConcept`, then the resolved Medication's `code`
 * and `ingredient[].itemCodeableConcept`), then text (`CodeableConcept.text`, `coding.display`,
 * `medicationReference.display`, `Medication.code.text`), whole words: esketamine / spravato /
 * ketanest -> esketamine, else ketamine / ketalar -> ketamine. `dosageInstruction.text` never names
 * the drug. TMS is a ServiceRequest or Procedure coded (or worded) as TMS.
 * Outcome: ketamine, esketamine, tms, another drug, or unidentified (with `suggestsKetamine` when
 * something other than the drug fields hints at it).
 * Source: revision-2 OR-1, DS-4, DS-5 ([local] resolution order).
 */
import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from '../assessment/concepts.js';
import { isOwnSuggestion } from '../cards/orders.js';
import type { DraftMedicationSources } from './medication-resolver.js';
import { resolveDraftMedication } from './medication-resolver.js';

export type DraftDrug = 'ketamine' | 'esketamine' | 'tms' | 'other' | 'unidentified';

/** How the drug was told: by a code, by a name, or not at all. */
export type IdentifiedBy = 'code' | 'text' | 'none';

export interface IdentifiedDraft {
  resource: fhir4.Resource;
  /** `Type/id` for delete/update actions; never shown on a card. */
  ref: string;
  /** 1-based position in draftOrders, for naming a draft without its id. */
  position: number;
  drug: DraftDrug;
  identifiedBy: IdentifiedBy;
  /** Where the drug was found: the draft's own concept, a contained, bundled, prefetched or fetched Medication. */
  medicationFrom?: string;
  /** The order's words for humans (product text or display), never a resource id. */
  label?: string;
  /** An unidentified draft whose other words (reference, dosage text, note) mention ketamine or esketamine. */
  suggestsKetamine: boolean;
  /** Carries this service's own suggestion tag (OR-11). */
  own: boolean;
}

type OrderLike = fhir4.Resource & {
  code?: fhir4.CodeableConcept;
  medicationCodeableConcept?: fhir4.CodeableConcept;
  medicationReference?: fhir4.Reference;
  dosageInstruction?: fhir4.Dosage[];
  note?: fhir4.Annotation[];
};

const HINT = /ketamin|ketalar|spravato|ketanest/i;

const hasCode = (cc: fhir4.CodeableConcept | undefined): boolean =>
  Array.isArray(cc?.coding) && cc.coding.some((c) => typeof c?.code === 'string' && c.code.trim() !== '');
const textOf = (cc: fhir4.CodeableConcept | undefined): string | undefined =>
  (typeof cc?.text === 'string' && cc.text.trim()) ||
  (Array.isArray(cc?.coding) ? cc.coding.find((c) => typeof c?.display === 'string' && c.display.trim())?.display : undefined) ||
  undefined;

/** Ketamine or esketamine by code alone, for each concept in turn. */
function byCode(concepts: (fhir4.CodeableConcept | undefined)[], t: Terminology): DraftDrug | undefined {
  for (const cc of concepts) {
    if (t.matchingCoding(cc, VS.esketamineProducts)) return 'esketamine';
    if (t.matchingCoding(cc, VS.ketamineProducts)) return 'ketamine';
  }
  return undefined;
}

/** Ketamine or esketamine by whole-word name in the concepts' texts (codes were tried first). */
function byText(concepts: (fhir4.CodeableConcept | undefined)[], t: Terminology): DraftDrug | undefined {
  for (const cc of concepts) if (cc && t.inConcept(cc, VS.esketamineProducts)) return 'esketamine';
  for (const cc of concepts) if (cc && t.inConcept(cc, VS.ketamineProducts)) return 'ketamine';
  return undefined;
}

function identifyMedicationRequest(
  r: OrderLike,
  sources: DraftMedicationSources,
  t: Terminology,
): Pick<IdentifiedDraft, 'drug' | 'identifiedBy' | 'medicationFrom' | 'label'> {
  const own = r.medicationCodeableConcept;
  const resolved = own ? undefined : resolveDraftMedication(r, sources);
  const concepts = [own, resolved?.concept];
  const label = textOf(own) ?? textOf(resolved?.concept);
  const from = own ? 'medicationCodeableConcept' : resolved?.from;
  const coded = byCode(concepts, t);
  if (coded) return { drug: coded, identifiedBy: 'code', medicationFrom: from, label };
  const named = byText(concepts, t);
  if (named) return { drug: named, identifiedBy: 'text', medicationFrom: from, label };
  // Something names a drug, and it is neither: another drug. Nothing at all: unidentified.
  const anything = concepts.some((cc) => hasCode(cc) || textOf(cc) !== undefined);
  return anything
    ? { drug: 'other', identifiedBy: concepts.some(hasCode) ? 'code' : 'text', medicationFrom: from, label }
    : { drug: 'unidentified', identifiedBy: 'none', label };
}

/** What a draft order is (OR-1). Total: malformed drafts are 'other' or 'unidentified', never a throw. */
export function identifyDraft(resource: fhir4.Resource, position: number, sources: DraftMedicationSources, t: Terminology): IdentifiedDraft {
  const r = resource as OrderLike;
  const base = { resource, ref: `${resource.resourceType}/${resource.id ?? ''}`, position, own: isOwnSuggestion(resource), suggestsKetamine: false };
  if (r.resourceType === 'MedicationRequest') {
    const found = identifyMedicationRequest(r, sources, t);
    const hint =
      found.drug === 'unidentified' &&
      [
        r.medicationReference?.reference,
        ...(Array.isArray(r.dosageInstruction) ? r.dosageInstruction : []).map((d) => d?.text),
        ...(Array.isArray(r.note) ? r.note : []).map((n) => n?.text),
      ].some((s) => typeof s === 'string' && HINT.test(s));
    return { ...base, ...found, suggestsKetamine: hint };
  }
  if (r.resourceType === 'ServiceRequest' || r.resourceType === 'Procedure') {
    const label = textOf(r.code);
    if (t.inConcept(r.code, VS.tmsProcedures))
      return { ...base, drug: 'tms', identifiedBy: t.matchingCoding(r.code, VS.tmsProcedures) ? 'code' : 'text', label };
    if (t.inConcept(r.code, VS.esketamineProcedures)) return { ...base, drug: 'esketamine', identifiedBy: 'code', label };
    return { ...base, drug: 'other', identifiedBy: 'code', label };
  }
  return { ...base, drug: 'other', identifiedBy: 'none' };
}
