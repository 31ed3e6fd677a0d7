/**
 * The drug a draft order's `medicationReference` names (revision-2 DS-5, for drafts), through the
 * reading layer's one resolver (`resolveMedication`): contained (`#id`); the draftOrders Bundle by
 * `fullUrl` or type and id; a Medication of the gathered record; and, added here, a Medication read
 * from `fhirServer` for this call (see `draftMedicationReads`). Medication.code first, then its
 * ingredients (an `itemReference` followed the same ways, one level deep). Unresolved: the drug is named only by `medicationReference.display`, or not at all.
 */
import { medicationReadOf } from '../../src/fhir/medication-references.js';
import { resolveMedication } from '../assessment/medications.js';

export interface DraftMedicationSources {
  /** draftOrders entries, with their fullUrl when the EHR sent one. */
  entries: readonly { fullUrl?: string; resource?: fhir4.Resource }[];
  /** Medication resources of the gathered record, keyed `Medication/<id>`. */
  recordMedications: ReadonlyMap<string, fhir4.Medication>;
  /** Medications read from fhirServer for this call, keyed `Medication/<id>`. */
  fetched: ReadonlyMap<string, fhir4.Medication>;
  fhirServer?: string;
}

export interface ResolvedDraftMedication {
  concept: fhir4.CodeableConcept;
  /** Which path resolved it: contained, draftOrders, record, fhirServer, or the reference's display only. */
  from: 'contained' | 'draftOrders' | 'record' | 'fhirServer' | 'display';
  /** The resolved Medication, when the reference named one (not for a display only). */
  medication?: fhir4.Medication;
  /** The concept of each of its ingredients, in order, item references followed (for the drug's own strength). */
  ingredients?: (fhir4.CodeableConcept | undefined)[];
}

const isMedication = (r: unknown): r is fhir4.Medication => typeof r === 'object' && r !== null && (r as fhir4.Resource).resourceType === 'Medication';
/** `Medication/<id>` for a relative reference, or an absolute one under the FHIR base; else undefined. */
export const relativeMedicationRef = (reference: string, fhirServer?: string): string | undefined => medicationReadOf(reference, fhirServer);

export function resolveDraftMedication(
  draft: fhir4.Resource & { medicationReference?: fhir4.Reference; contained?: fhir4.Resource[] },
  sources: DraftMedicationSources,
): ResolvedDraftMedication | undefined {
  const medications = sources.fetched.size ? new Map([...sources.recordMedications, ...sources.fetched]) : sources.recordMedications;
  const resolved = resolveMedication(draft, { medications, bundle: { entry: [...sources.entries] } });
  if (!resolved.concept) return undefined;
  const reference = draft.medicationReference?.reference;
  const from =
    resolved.via === 'contained'
      ? 'contained'
      : resolved.via === 'bundle'
        ? 'draftOrders'
        : resolved.via === 'display'
          ? 'display'
          : typeof reference === 'string' &&
              sources.fetched.has(relativeMedicationRef(reference, sources.fhirServer) ?? '') &&
              !sources.recordMedications.has(relativeMedicationRef(reference, sources.fhirServer) ?? '')
            ? 'fhirServer'
            : 'record';
  return {
    concept: resolved.concept,
    from,
    ...(resolved.medication ? { medication: resolved.medication } : {}),
    ...(resolved.ingredients ? { ingredients: resolved.ingredients } : {}),
  };
}

/**
 * The Medication references of the drafts that only fhirServer can resolve, as relative reads
 * (`Medication/<id>`), each once: a draft's `medicationReference`, and the ingredient `itemReference`s
 * of the contained or bundled Medication it names. Gathered in parallel with the other queries of the call.
 */
export function draftMedicationReads(draftOrders: unknown, fhirServer: string | undefined): string[] {
  const entries = (draftOrders as { entry?: { fullUrl?: string; resource?: fhir4.Resource }[] } | undefined)?.entry;
  if (!Array.isArray(entries) || !fhirServer) return [];
  const reads = new Set<string>();
  const inBundle = (reference: string) =>
    entries.find((x) => isMedication(x?.resource) && (x.fullUrl === reference || reference === `Medication/${x.resource.id}`))?.resource as
      fhir4.Medication | undefined;
  const read = (reference: unknown) => {
    if (typeof reference !== 'string' || reference.startsWith('#') || inBundle(reference)) return;
    const relative = relativeMedicationRef(reference, fhirServer);
    if (relative) reads.add(relative);
  };
  for (const e of entries) {
    const r = e?.resource as (fhir4.Resource & { medicationReference?: fhir4.Reference; contained?: fhir4.Resource[] }) | undefined;
    const reference = r?.resourceType === 'MedicationRequest' ? r.medicationReference?.reference : undefined;
    if (typeof reference !== 'string') continue;
    read(reference);
    const named = reference.startsWith('#')
      ? (Array.isArray(r!.contained) ? r!.contained : []).find((c) => isMedication(c) && c.id === reference.slice(1))
      : inBundle(reference);
    if (isMedication(named)) for (const i of Array.isArray(named.ingredient) ? named.ingredient : []) read(i?.itemReference?.reference);
  }
  return [...reads];
}
