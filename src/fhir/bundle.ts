/** Small, total helpers over FHIR Bundles: never throw on odd shapes, skip what is not a resource. */

export function isResource(value: unknown): value is fhir4.Resource {
  return typeof value === 'object' && value !== null && typeof (value as { resourceType?: unknown }).resourceType === 'string';
}

/** Resources of a searchset, leaving out `search.mode = outcome` entries (warnings, not data). */
export function bundleResources(bundle: fhir4.Bundle): fhir4.Resource[] {
  const out: fhir4.Resource[] = [];
  for (const entry of Array.isArray(bundle.entry) ? bundle.entry : []) {
    if (!entry || !isResource(entry.resource)) continue;
    if (entry.search?.mode === 'outcome' || entry.resource.resourceType === 'OperationOutcome') continue;
    out.push(entry.resource);
  }
  return out;
}

export function nextLink(bundle: fhir4.Bundle): string | undefined {
  const next = Array.isArray(bundle.link) ? bundle.link.find((l) => l?.relation === 'next') : undefined;
  return typeof next?.url === 'string' && next.url.length > 0 ? next.url : undefined;
}

const MEDICATION_USES = new Set(['MedicationStatement', 'MedicationRequest', 'MedicationDispense', 'MedicationAdministration']);

/** The resource type a query asks for: `Condition?patient=1` and `Patient/1` name theirs first. */
export function queriedType(query: string | undefined): string | undefined {
  const m = /^\/?([A-Z][A-Za-z]{1,63})(?=[/?]|$)/.exec(query ?? '');
  return m?.[1];
}

function hasErrorIssue(outcome: fhir4.Resource): boolean {
  const issues = (outcome as { issue?: unknown }).issue;
  return Array.isArray(issues) && issues.some((i) => ['fatal', 'error', 'warning'].includes((i as { severity?: unknown } | null)?.severity as string));
}

/**
 * Why a Bundle cannot be read as the complete answer to a search for `searchedType`, or undefined
 * when it can. Reading a malformed Bundle as "searched, none found" would turn unreadable data into
 * evidence of absence: an `entry` that is not a list, an entry that is not a resource, entries of
 * another type, a `total` with no entries, or only an error OperationOutcome make the data unknown.
 * Medication resources may ride along with medication searches (an `_include`), and entries marked
 * `search.mode = include` may be of any type.
 */
export function searchsetProblem(bundle: fhir4.Bundle, searchedType?: string): string | undefined {
  const entry: unknown = (bundle as { entry?: unknown }).entry;
  if (entry !== undefined && entry !== null && !Array.isArray(entry)) return 'the Bundle entry is not a list';
  const entries = (entry ?? []) as unknown[];
  let data = 0;
  let failed = false;
  for (const e of entries) {
    const resource = (e as { resource?: unknown } | null)?.resource;
    if (!isResource(resource)) return 'a Bundle entry holds no FHIR resource';
    const type = resource.resourceType;
    if (type === 'OperationOutcome') {
      failed ||= hasErrorIssue(resource);
      continue;
    }
    if ((e as fhir4.BundleEntry).search?.mode === 'include') continue;
    if (searchedType && type !== searchedType && !(type === 'Medication' && MEDICATION_USES.has(searchedType))) {
      return `the Bundle holds ${type.slice(0, 64)} entries for a ${searchedType} search`;
    }
    data++;
  }
  if (data === 0 && failed) return 'the server reported an error (OperationOutcome) in place of results';
  const total: unknown = (bundle as { total?: unknown }).total;
  if (typeof total === 'number' && total > data && data === 0 && !nextLink(bundle)) return `the Bundle says ${total} found but holds none`;
  return undefined;
}
