/**
 * The Medication a draft order's `medicationReference` points to (revision-2 DS-5, for drafts):
 * 1. contained (`#id`);
 * 2. an entry of the draftOrders Bundle whose `fullUrl` equals the reference (absolute, `urn:uuid:`,
 *    or relative resolved against the draft entry's own fullUrl base), or whose resource has that
 *    type and id when the reference is relative;
 * 3. a Medication in the gathered record (prefetch or search results) with that type and id, when the
 *    reference is relative or under the `fhirServer` base;
 * 4. a Medication read from `fhirServer` for this call (see `draftMedicationReads`).
 * Anything else (another server's URL, a missing resource) is unresolved: the drug is then
 * identified only by `medicationReference.display`, or not at all (OR-1).
 *
 * This is the one switch point for draft Medication resolution: when the record layer offers a
 * resolver for drafts, `resolveDraftMedication` delegates to it.
 */

export interface DraftMedicationSources {
  /** draftOrders entries, with their fullUrl when the EHR sent one. */
  entries: readonly { fullUrl?: string; resource?: fhir4.Resource }[];
  /** Medication resources of the gathered record, keyed `Medication/<id>`. */
  recordMedications: ReadonlyMap<string, fhir4.Medication>;
  /** Medications read from fhirServer for this call, keyed `Medication/<id>`. */
  fetched: ReadonlyMap<string, fhir4.Medication>;
  fhirServer?: string;
}

export interface ResolvedMedication {
  resource: fhir4.Medication;
  /** Which path resolved it: contained, draftOrders, record, or fhirServer. */
  from: 'contained' | 'draftOrders' | 'record' | 'fhirServer';
}

const isMedication = (r: unknown): r is fhir4.Medication => typeof r === 'object' && r !== null && (r as fhir4.Resource).resourceType === 'Medication';
const trimSlash = (s: string) => s.replace(/\/+$/, '');

/** `Medication/<id>` for a relative reference, or an absolute one under the FHIR base; else undefined. */
export function relativeMedicationRef(reference: string, fhirServer?: string): string | undefined {
  if (/^Medication\/[A-Za-z0-9\-.]{1,64}$/.test(reference)) return reference;
  if (fhirServer && reference.startsWith(`${trimSlash(fhirServer)}/`)) return relativeMedicationRef(reference.slice(trimSlash(fhirServer).length + 1));
  return undefined;
}

/** The base of a fullUrl `<base>/<Type>/<id>`, for resolving relative references in a Bundle. */
const baseOf = (fullUrl: string | undefined) => (fullUrl ? /^(.*)\/[A-Za-z]+\/[^/]+$/.exec(fullUrl)?.[1] : undefined);

export function resolveDraftMedication(
  draft: fhir4.Resource & { medicationReference?: fhir4.Reference; contained?: fhir4.Resource[] },
  sources: DraftMedicationSources,
): ResolvedMedication | undefined {
  const reference = draft.medicationReference?.reference;
  if (typeof reference !== 'string' || reference.length === 0) return undefined;
  if (reference.startsWith('#')) {
    const contained = (Array.isArray(draft.contained) ? draft.contained : []).find((c) => isMedication(c) && c.id === reference.slice(1));
    return contained ? { resource: contained as fhir4.Medication, from: 'contained' } : undefined;
  }
  const entries = Array.isArray(sources.entries) ? sources.entries : [];
  const draftEntry = entries.find((e) => e?.resource === draft);
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(reference) ? reference : baseOf(draftEntry?.fullUrl) ? `${baseOf(draftEntry?.fullUrl)}/${reference}` : undefined;
  for (const e of entries) {
    if (!isMedication(e?.resource)) continue;
    if ((absolute && e.fullUrl === absolute) || reference === `Medication/${e.resource.id}`) return { resource: e.resource, from: 'draftOrders' };
  }
  const relative = relativeMedicationRef(reference, sources.fhirServer);
  const inRecord = relative ? sources.recordMedications.get(relative) : undefined;
  if (inRecord) return { resource: inRecord, from: 'record' };
  const fetched = relative ? sources.fetched.get(relative) : undefined;
  return fetched ? { resource: fetched, from: 'fhirServer' } : undefined;
}

/**
 * The Medication references of the drafts that only fhirServer can resolve, as relative reads
 * (`Medication/<id>`), each once. Gathered in parallel with the other queries of the call.
 */
export function draftMedicationReads(draftOrders: unknown, fhirServer: string | undefined): string[] {
  const entries = (draftOrders as { entry?: { fullUrl?: string; resource?: fhir4.Resource }[] } | undefined)?.entry;
  if (!Array.isArray(entries) || !fhirServer) return [];
  const reads = new Set<string>();
  for (const e of entries) {
    const r = e?.resource as (fhir4.Resource & { medicationReference?: fhir4.Reference }) | undefined;
    const reference = r?.resourceType === 'MedicationRequest' ? r.medicationReference?.reference : undefined;
    if (typeof reference !== 'string' || reference.startsWith('#')) continue;
    if (entries.some((x) => isMedication(x?.resource) && (x.fullUrl === reference || reference === `Medication/${x.resource.id}`))) continue;
    const relative = relativeMedicationRef(reference, fhirServer);
    if (relative) reads.add(relative);
  }
  return [...reads];
}
