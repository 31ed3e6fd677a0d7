/**
 * OR-1 Identify the drug of a draft order
 * Trigger: order-select, order-sign; each draft in `context.draftOrders`.
 * Logic: codes first (the draft's `medicationCodeableConcept`, then the resolved Medication's `code`
 * and its ingredients: `itemCodeableConcept`, or the Medication an `itemReference` names, one level deep), then text (`CodeableConcept.text`, `coding.display`,
 * `medicationReference.display`, `Medication.code.text`), whole words: esketamine / spravato /
 * Ketanest S -> esketamine, else ketamine / ketalar / Ketanest -> ketamine (the words are the ValueSets'
 * data). Revision-2 reads plain "ketanest" as esketamine; we do not: in several European markets plain
 * Ketanest is racemic ketamine and only Ketanest S is esketamine. `dosageInstruction.text` never names
 * the drug. TMS is a ServiceRequest or Procedure coded (or worded) as TMS.
 * Outcome: ketamine, esketamine, tms, another drug, or unidentified (with `suggestsKetamine` when
 * something hints at it). A code decides only when it resolves (DS-4): the medication catalogue or a
 * ValueSet holds it. A code that does not (an NDC or RxCUI outside the pinned data, in any form) says
 * nothing, however standard its system: the words decide, and with no words the draft is unidentified,
 * never "another drug". "Another drug" is conclusive only by a code that resolves or a standard drug
 * code (RxNorm, NDC, SNOMED CT) named in its own display: a draft named only by a local code or words that is not identified, yet carries a sign of
 * ketamine or esketamine anywhere (an ingredient's or product's words, the reference, the dosage or
 * note text, a brand; folded as DS-4 names are, letters spelled apart joined, or a word mixing Latin
 * with another script's letters), is unidentified and said on a card, never silently "another drug".
 * Source: revision-2 OR-1, DS-4, DS-5 ([local] resolution order).
 */
import { codingKey, foldText, normaliseSystem } from '../../src/terminology/normalise.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from '../assessment/concepts.js';
import type { Knowledge } from '../assessment/record.js';
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
  /** The Medication its `medicationReference` resolved to (for the product's concentration, OR-3, OR-4). */
  medication?: fhir4.Medication;
  /** The concept of each of the Medication's ingredients, in order, item references followed (the drug's own strength, OR-3). */
  ingredients?: (fhir4.CodeableConcept | undefined)[];
  /** An unidentified draft's codes that resolve to no drug here ("NDC 67457-108-10"), for the OR-1 card. */
  unresolvedCodes?: string[];
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
/** Single letters spelled apart ("K E T A M I N E", "k-e-t-a-m-i-n-e"), joined into the word they spell. */
const joinSpelledOut = (s: string): string => s.replace(/(?<!\p{L})\p{L}(?:[ .-]\p{L}(?!\p{L}))+/gu, (m) => m.replace(/[ .-]/g, ''));
/** A word mixing Latin letters with another script's (a look-alike the fold does not know): a disguised name, never another drug. */
const mixesScripts = (s: string): boolean => s.split(/\P{L}+/u).some((w) => /\p{Script=Latin}/u.test(w) && /\P{Script=Latin}/u.test(w));
/** A sign of ketamine or esketamine in words, read as DS-4 name matching reads them (`foldText`). */
const signsKetamine = (s: string): boolean => {
  const folded = foldText(s);
  return HINT.test(folded) || HINT.test(joinSpelledOut(folded)) || mixesScripts(folded);
};
/** Code systems whose code, named in its own display, names a drug for certain (a code there that is not ketamine is another drug). */
const DRUG_SYSTEMS = [SYSTEM.rxnorm, SYSTEM.ndc, SYSTEM.snomed].map((s) => `${s}|`);
const hasNamedDrugSystemCode = (cc: fhir4.CodeableConcept | undefined): boolean =>
  Array.isArray(cc?.coding) &&
  cc.coding.some((c) => {
    const key = codingKey(c?.system, c?.code);
    return key !== undefined && DRUG_SYSTEMS.some((s) => key.startsWith(s)) && typeof c?.display === 'string' && c.display.trim() !== '';
  });
/**
 * A concept with a coding the service resolves (DS-4): a product or ingredient of the medication
 * catalogue, or a code some ValueSet holds (an ingredient list such as the CNS depressants). Codes
 * only, never words: an unknown NDC or RxCUI resolves to nothing, so it is not conclusive.
 */
const resolvesByCode = (cc: fhir4.CodeableConcept | undefined, k: DrugKnowledge): boolean =>
  cc !== undefined && (k.catalogue.resolve(cc) !== undefined || k.terminology.conceptsOf(cc, false).size > 0);

type DrugKnowledge = Pick<Knowledge, 'terminology' | 'catalogue'>;
/** Every word of a concept: its text and its codings' displays. */
const wordsOf = (cc: fhir4.CodeableConcept | undefined): unknown[] => [cc?.text, ...(Array.isArray(cc?.coding) ? cc.coding.map((c) => c?.display) : [])];

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
  k: DrugKnowledge,
): Pick<IdentifiedDraft, 'drug' | 'identifiedBy' | 'medicationFrom' | 'label' | 'medication' | 'ingredients' | 'unresolvedCodes'> & {
  concepts: (fhir4.CodeableConcept | undefined)[];
  conclusive: boolean;
} {
  const own = r.medicationCodeableConcept;
  const resolved = own ? undefined : resolveDraftMedication(r, sources);
  const concepts = [own, resolved?.concept];
  const label = textOf(own) ?? textOf(resolved?.concept);
  const from = own ? 'medicationCodeableConcept' : resolved?.from;
  const medication = resolved?.medication;
  const ingredients = resolved?.ingredients;
  const conclusive = true;
  const t = k.terminology;
  const coded = byCode(concepts, t);
  if (coded) return { drug: coded, identifiedBy: 'code', medicationFrom: from, label, medication, ingredients, concepts, conclusive };
  const named = byText(concepts, t);
  if (named) return { drug: named, identifiedBy: 'text', medicationFrom: from, label, medication, ingredients, concepts, conclusive };
  // A code that resolves, or words, name a drug, and it is neither: another drug (conclusively so only by
  // a code that resolves or a standard drug code named in its own words). A code that resolves to
  // nothing and no words: unidentified (OR-1 step 4), said on a card.
  const byResolvedCode = concepts.some((cc) => resolvesByCode(cc, k));
  const anything = byResolvedCode || concepts.some((cc) => textOf(cc) !== undefined);
  return anything
    ? {
        drug: 'other',
        identifiedBy: byResolvedCode ? 'code' : 'text',
        medicationFrom: from,
        label,
        medication,
        ingredients,
        concepts,
        conclusive: byResolvedCode || concepts.some(hasNamedDrugSystemCode),
      }
    : { drug: 'unidentified', identifiedBy: 'none', label, concepts, conclusive: false, ...unresolved(concepts) };
}

const SYSTEM_WORDS: Readonly<Record<string, string>> = { [SYSTEM.rxnorm]: 'RxNorm', [SYSTEM.ndc]: 'NDC', [SYSTEM.snomed]: 'SNOMED CT' };
/** The codes of an unidentified draft, in words ("NDC 67457-108-10", "code X1"), each once. */
function unresolved(concepts: (fhir4.CodeableConcept | undefined)[]): Pick<IdentifiedDraft, 'unresolvedCodes'> {
  const codes = new Set<string>();
  for (const cc of concepts)
    for (const c of Array.isArray(cc?.coding) ? cc.coding : []) {
      const system = normaliseSystem(c?.system);
      if (!system || typeof c?.code !== 'string' || !c.code.trim()) continue;
      codes.add(`${SYSTEM_WORDS[system] ?? 'code'} ${c.code.trim()}`);
    }
  return codes.size ? { unresolvedCodes: [...codes] } : {};
}

/** What a draft order is (OR-1). Total: malformed drafts are 'other' or 'unidentified', never a throw. */
export function identifyDraft(resource: fhir4.Resource, position: number, sources: DraftMedicationSources, k: DrugKnowledge): IdentifiedDraft {
  const t = k.terminology;
  const r = resource as OrderLike;
  const base = { resource, ref: `${resource.resourceType}/${resource.id ?? ''}`, position, own: isOwnSuggestion(resource), suggestsKetamine: false };
  if (r.resourceType === 'MedicationRequest') {
    const { concepts, conclusive, ...found } = identifyMedicationRequest(r, sources, k);
    // Silence must be earned: a drug not told for certain, with any sign of ketamine or esketamine, is said on a card.
    const hint =
      !conclusive &&
      [
        r.medicationReference?.reference,
        r.medicationReference?.display,
        ...concepts.flatMap(wordsOf),
        ...(Array.isArray(r.dosageInstruction) ? r.dosageInstruction : []).flatMap((d) => [d?.text, d?.patientInstruction]),
        ...(Array.isArray(r.note) ? r.note : []).map((n) => n?.text),
      ].some((s) => typeof s === 'string' && signsKetamine(s));
    if (hint && found.drug === 'other') return { ...base, ...found, drug: 'unidentified', identifiedBy: 'none', suggestsKetamine: true };
    return { ...base, ...found, suggestsKetamine: hint && found.drug === 'unidentified' };
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
