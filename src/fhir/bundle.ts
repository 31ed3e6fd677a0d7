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
