/**
 * Following `medicationReference` to a separate Medication on the FHIR server (revision-2 DS-5 step 4):
 * which references can be read there, and as what relative read. Only `Medication/<id>` (relative, or
 * absolute under the call's FHIR base) is read; a contained (`#id`) or `urn:` reference belongs to the
 * Bundle it came in, and an absolute URL on another server is never requested (outbound policy).
 */
const MEDICATION_USES = new Set(['MedicationRequest', 'MedicationStatement', 'MedicationDispense', 'MedicationAdministration']);
const RELATIVE_MEDICATION = /^Medication\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const trimSlash = (s: string) => s.replace(/\/+$/, '');

/** `Medication/<id>` for a relative reference, or an absolute one under `fhirServer`; else undefined. */
export function medicationReadOf(reference: string, fhirServer?: string): string | undefined {
  const m = RELATIVE_MEDICATION.exec(reference);
  if (m) return `Medication/${m[1]}`;
  if (!fhirServer) return undefined;
  const base = trimSlash(fhirServer);
  if (!reference.startsWith(`${base}/`)) return undefined;
  const rest = reference.slice(base.length + 1);
  return rest.includes('://') ? undefined : medicationReadOf(rest);
}

/**
 * The Medication reads the medication resources of `resources` need: each reference that is readable
 * under `fhirServer` and not in `held` (`Medication/<id>` of Medications already gathered). A Medication
 * is about no patient, so reading one never brings another patient's data in; the resources that name
 * it are filtered by patient later, like all gathered data.
 */
export function medicationReadsNeeded(resources: readonly fhir4.Resource[], fhirServer: string, held: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const r of resources) {
    if (!MEDICATION_USES.has(r.resourceType)) continue;
    const reference = (r as { medicationReference?: { reference?: unknown } }).medicationReference?.reference;
    if (typeof reference !== 'string') continue;
    // A concept on the resource itself names the drug: nothing to read.
    if ((r as { medicationCodeableConcept?: unknown }).medicationCodeableConcept) continue;
    const read = medicationReadOf(reference.trim(), fhirServer);
    if (!read || held.has(read)) continue;
    out.push(read);
  }
  return out;
}
