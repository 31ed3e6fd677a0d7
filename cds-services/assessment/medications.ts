/**
 * One resolver for what drug a medication resource or draft order names (revision-2 DS-4, DS-5),
 * used for the record's MedicationStatement/Request/Dispense/Administration and for draft orders.
 *
 * The drug's concept is found, in order: `medicationCodeableConcept`; a contained Medication (`#id`);
 * a Medication in the same Bundle (draftOrders) whose `fullUrl` equals the reference; a Medication
 * of the gathered record with the same type and id (relative, absolute or versioned reference, or a
 * `urn:uuid:` whose uuid is the Medication's id, as Synthea writes them); else only the reference's
 * `display`. The drug is then identified by code (the catalogue), by ingredient or brand name in the
 * text, or not at all.
 */
import type { MedicationMatch } from '../../src/terminology/medication-catalogue.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import { VS } from './concepts.js';
import type { Knowledge } from './record.js';

/** What a resource carries to name its drug: MedicationRequest/Statement/Dispense/Administration or a draft. */
export interface MedicationHolder {
  medicationCodeableConcept?: fhir4.CodeableConcept;
  medicationReference?: fhir4.Reference;
  contained?: fhir4.Resource[];
}

/** Medications a reference may point at: the record's, and a Bundle's (draftOrders) by fullUrl. */
export interface MedicationSources {
  /** Medications by `Medication/<id>` (the record's `medications`). */
  readonly medications?: ReadonlyMap<string, fhir4.Medication>;
  /** A Bundle the holder came in (draftOrders): its Medication entries match by `fullUrl` or type and id. */
  readonly bundle?: { entry?: { fullUrl?: string; resource?: fhir4.Resource }[] } | null;
}

export type MedicationVia = 'codeable-concept' | 'contained' | 'bundle' | 'record' | 'display' | 'none';

export interface ResolvedMedication {
  /** The drug's concept, when one was found (from the holder or the Medication it references). */
  concept?: fhir4.CodeableConcept;
  /** Where the concept came from; `display` means only `medicationReference.display` names it. */
  via: MedicationVia;
  /** The reference that could not be followed (for "the drug of ..." wording), when unresolved. */
  unresolvedReference?: string;
  /** The Medication the reference resolved to (its ingredients' strengths give a product's concentration). */
  medication?: fhir4.Medication;
  /** The concept of each of `medication.ingredient`, in order (item references followed); undefined where none. */
  ingredients?: (fhir4.CodeableConcept | undefined)[];
}

/**
 * How a medication was identified (DS-4): by a catalogued code; by an ingredient or brand name in its
 * text; as a drug the catalogue does not hold (a name or code that names no catalogued ingredient:
 * not an antidepressant or augmenter); or not at all (nothing names it: unknown, never "absent").
 */
export type Identification = 'code' | 'name' | 'not-catalogued' | 'unidentified';

export interface IdentifiedMedication extends ResolvedMedication {
  /** The catalogued product or ingredient; for a name match, the (first) named ingredient. */
  match?: MedicationMatch;
  identification: Identification;
  /** The name text the drug carries (display or text), for cards; may be absent. */
  text?: string;
}

const MEDICATION_REFERENCE = /(?:^|\/)Medication\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/;

/** `Medication/<id>` for any reference form naming a Medication by type and id; undefined otherwise. */
export function medicationKey(reference: string): string | undefined {
  const m = MEDICATION_REFERENCE.exec(reference.split(/[?#]/)[0]!);
  if (m) return `Medication/${m[1]}`;
  const uuid = /^urn:uuid:([A-Za-z0-9\-.]{1,64})$/i.exec(reference);
  return uuid ? `Medication/${uuid[1]}` : undefined;
}

const isMedication = (r: unknown): r is fhir4.Medication => (r as fhir4.Resource | undefined)?.resourceType === 'Medication';

/** Finds the resource an ingredient's `itemReference` names (a Medication or Substance), or undefined. */
export type IngredientItemLookup = (reference: string) => fhir4.Medication | fhir4.Substance | undefined;

/**
 * The concept one `Medication.ingredient` names (FHIR R4 `item[x]`): its `itemCodeableConcept`, or the
 * `code` (and, for a Medication, its own coded ingredients) of the Medication or Substance its
 * `itemReference` names, found by `lookup` one level deep only: the referenced Medication's own
 * ingredient references are not followed, so a cycle (`#a` -> `#b` -> `#a`) ends at once. An
 * unfollowed reference names the drug only by its `display` (a name, matched as text; DS-4).
 */
export function ingredientConcept(ingredient: fhir4.MedicationIngredient | undefined, lookup?: IngredientItemLookup): fhir4.CodeableConcept | undefined {
  const cc = ingredient?.itemCodeableConcept;
  if (cc && typeof cc === 'object') return cc;
  const ref = ingredient?.itemReference;
  if (!ref || typeof ref !== 'object') return undefined;
  const reference = typeof ref.reference === 'string' ? ref.reference.trim() : '';
  const target = reference && lookup ? lookup(reference) : undefined;
  const concept = isMedication(target) ? drugConcept(target) : target?.code && typeof target.code === 'object' ? target.code : undefined;
  if (concept) return concept;
  const display = typeof ref.display === 'string' && ref.display.trim() ? ref.display.trim() : undefined;
  return display ? { text: display } : undefined;
}

/** A product whose ingredient names the product itself (a cycle) has no ingredient there. */
const notItself = (m: fhir4.Medication, target: fhir4.Medication | fhir4.Substance | undefined) => (target === m ? undefined : target);

/**
 * The drug a Medication names: its `code` and its ingredients' concepts together (revision-2 OR-1 step 2,
 * DS-5: `Medication.code`, then `Medication.ingredient[].item[x]`). Both, not either: a premix or
 * compounded product often carries only a local code, while its ingredient says RxNorm 6130
 * (ketamine), and a local code must not hide it. An ingredient given as `itemReference` is followed
 * with `lookup` (see `ingredientConcept`); without one, only `itemCodeableConcept` (and a reference's
 * display) count. The text is the code's, else the ingredients'; an ingredient's own text is kept as a
 * display, so names match too (DS-4).
 */
function drugConcept(m: fhir4.Medication | undefined, lookup?: IngredientItemLookup): fhir4.CodeableConcept | undefined {
  if (!m) return undefined;
  const code = m.code && typeof m.code === 'object' ? m.code : undefined;
  const items = (Array.isArray(m.ingredient) ? m.ingredient : [])
    .map((i) => ingredientConcept(i, lookup && ((reference) => notItself(m, lookup(reference)))))
    .filter((c): c is fhir4.CodeableConcept => !!c && typeof c === 'object');
  if (!items.length) return code;
  const own = Array.isArray(code?.coding) ? code.coding : [];
  const codeText = typeof code?.text === 'string' && code.text.trim() !== '' ? code.text : undefined;
  const coding = [...own];
  const texts: string[] = [];
  for (const item of items) {
    const codings = Array.isArray(item.coding) ? item.coding : [];
    coding.push(...codings);
    const text = typeof item.text === 'string' && item.text.trim() !== '' ? item.text : undefined;
    if (!text) continue;
    texts.push(text);
    if (codeText && !codings.some((c) => c?.display === text)) coding.push({ display: text });
  }
  const text = codeText ?? (texts.length ? texts.join(' / ') : undefined);
  if (!coding.length && !text) return code;
  return { ...(coding.length ? { coding } : {}), ...(text ? { text } : {}) };
}

/**
 * The concept a medication resource or draft names, following its reference (DS-5 steps 1-3 and 5;
 * step 4, the read from fhirServer, happens when data is gathered, so its Medications are in `sources`).
 * Total: odd shapes give `via: 'none'`.
 */
export function resolveMedication(holder: MedicationHolder, sources: MedicationSources = {}): ResolvedMedication {
  const cc = holder.medicationCodeableConcept;
  if (cc && typeof cc === 'object') return { concept: cc, via: 'codeable-concept' };
  const ref = holder.medicationReference;
  const reference = typeof ref?.reference === 'string' ? ref.reference.trim() : undefined;
  if (reference) {
    const lookup = itemLookup(holder, sources);
    const found = (medication: fhir4.Medication | undefined, via: MedicationVia): ResolvedMedication | undefined => {
      const concept = drugConcept(medication, lookup);
      if (!concept || !medication) return undefined;
      const ingredients = (Array.isArray(medication.ingredient) ? medication.ingredient : []).map((i) =>
        ingredientConcept(i, (reference) => notItself(medication, lookup(reference))),
      );
      return { concept, via, medication, ingredients };
    };
    if (reference.startsWith('#')) {
      const contained = (Array.isArray(holder.contained) ? holder.contained : []).find((c) => isMedication(c) && c.id === reference.slice(1));
      const fromContained = found(contained as fhir4.Medication | undefined, 'contained');
      if (fromContained) return fromContained;
    } else {
      const entries = Array.isArray(sources.bundle?.entry) ? sources.bundle!.entry : [];
      const byFullUrl = entries.find((e) => e?.fullUrl === reference && isMedication(e.resource))?.resource as fhir4.Medication | undefined;
      const fromFullUrl = found(byFullUrl, 'bundle');
      if (fromFullUrl) return fromFullUrl;
      const key = medicationKey(reference);
      if (key) {
        const inBundle = entries.find((e) => isMedication(e?.resource) && `Medication/${e!.resource!.id}` === key)?.resource as fhir4.Medication | undefined;
        const fromBundle = found(inBundle, 'bundle');
        if (fromBundle) return fromBundle;
        const fromRecord = found(sources.medications?.get(key), 'record');
        if (fromRecord) return fromRecord;
      }
    }
  }
  const display = typeof ref?.display === 'string' && ref.display.trim() ? ref.display.trim() : undefined;
  if (display) return { concept: { text: display }, via: 'display', ...(reference ? { unresolvedReference: reference } : {}) };
  return { via: 'none', ...(reference ? { unresolvedReference: reference } : {}) };
}

/**
 * How an ingredient's `itemReference` is followed, the same way as `medicationReference`: `#id` among
 * the holder's contained resources (a contained Medication's references point at its container's
 * siblings); else a Medication of the Bundle by `fullUrl` or type and id; else one of the record.
 */
function itemLookup(holder: MedicationHolder, sources: MedicationSources): IngredientItemLookup {
  return (reference) => {
    const isItem = (r: unknown): r is fhir4.Medication | fhir4.Substance => isMedication(r) || (r as fhir4.Resource | undefined)?.resourceType === 'Substance';
    if (reference.startsWith('#'))
      return (Array.isArray(holder.contained) ? holder.contained : []).find((c) => isItem(c) && c.id === reference.slice(1)) as
        fhir4.Medication | fhir4.Substance | undefined;
    const entries = Array.isArray(sources.bundle?.entry) ? sources.bundle!.entry : [];
    const byFullUrl = entries.find((e) => e?.fullUrl === reference && isItem(e.resource))?.resource;
    if (byFullUrl) return byFullUrl as fhir4.Medication | fhir4.Substance;
    const key = medicationKey(reference);
    if (!key) return undefined;
    const inBundle = entries.find((e) => isMedication(e?.resource) && `Medication/${e!.resource!.id}` === key)?.resource;
    return (inBundle as fhir4.Medication | undefined) ?? sources.medications?.get(key);
  };
}

/** Words that say "some antidepressant" without naming one: such text identifies nothing. */
const CLASS_ONLY = /\b(antidepressants?|ssris?|snris?|maois?|tricyclics?|tcas?)\b/i;

/** The name texts of a concept: its text and every coding's display. */
export function medicationText(concept: fhir4.CodeableConcept | undefined): string | undefined {
  if (!concept) return undefined;
  const parts: string[] = [];
  if (typeof concept.text === 'string' && concept.text.trim()) parts.push(concept.text.trim());
  for (const c of Array.isArray(concept.coding) ? concept.coding : []) {
    if (typeof c?.display === 'string' && c.display.trim() && !parts.includes(c.display.trim())) parts.push(c.display.trim());
  }
  return parts.length ? parts.join(' / ') : undefined;
}

/**
 * Which drug it is (DS-4): a catalogued RxNorm code; else a multi-ingredient product the text names (its
 * brand, or every ingredient of one catalogued product: EL-2.7); else an ingredient or brand name in the text
 * (of several, the first antidepressant ingredient);
 * else `not-catalogued` when a ValueSet names it (an ingredient list such as the CNS depressants) or a
 * coding carries a code with its display (a coded drug named in the code system's own words, which
 * would have named a catalogued ingredient if it were one); else `unidentified`. Free text alone
 * ("sleeping tablet from home"), a class word ("SSRI"), a code with no display (no RxNorm roll-up
 * here) or an unfollowed reference says nothing certain, so it is unidentified.
 */
export function identifyConcept(resolved: ResolvedMedication, knowledge: Pick<Knowledge, 'catalogue' | 'terminology'>): IdentifiedMedication {
  const { concept } = resolved;
  const text = medicationText(concept);
  const byCode = knowledge.catalogue.resolve(concept);
  if (byCode) return { ...resolved, match: byCode, identification: 'code', ...(text ? { text } : {}) };
  // A name naming a multi-ingredient product (its brand, or all its ingredients) is that product, never its first ingredient (EL-2.7).
  const product = knowledge.catalogue.productNamedIn(text);
  if (product) return { ...resolved, match: { kind: 'product', product }, identification: 'name', ...(text ? { text } : {}) };
  const named = knowledge.catalogue.ingredientsNamedIn(text);
  if (named.length) {
    // Several ingredients and no one product (strengths not written, or several fit): the antidepressant among
    // them, never the first named: "olanzapine / fluoxetine capsule" is fluoxetine (its dose unknown), not
    // olanzapine, which counts only beside fluoxetine and would drop the trial (EL-2.6, EL-2.7).
    const antidepressant =
      named.length > 1
        ? named.find((n) => knowledge.terminology.inConcept({ system: SYSTEM.rxnorm, code: n.ingredientRxcui }, VS.antidepressantIngredients))
        : undefined;
    const chosen = antidepressant ?? named[0]!;
    return { ...resolved, match: { kind: 'ingredient', ingredientRxcui: chosen.ingredientRxcui, name: chosen.name }, identification: 'name', text };
  }
  const namedCoding = (Array.isArray(concept?.coding) ? concept!.coding : []).some(
    (c) => typeof c?.code === 'string' && typeof c.display === 'string' && c.display.trim() !== '' && !CLASS_ONLY.test(c.display),
  );
  const saysWhichDrug = namedCoding || knowledge.terminology.conceptsOf(concept).size > 0;
  return { ...resolved, identification: saysWhichDrug ? 'not-catalogued' : 'unidentified', ...(text ? { text } : {}) };
}

/** Resolve and identify in one step: the function order review calls on a draft (with the draftOrders Bundle). */
export function identifyMedication(
  holder: MedicationHolder,
  sources: MedicationSources,
  knowledge: Pick<Knowledge, 'catalogue' | 'terminology'>,
): IdentifiedMedication {
  return identifyConcept(resolveMedication(holder, sources), knowledge);
}
