import { KEY_TYPES } from '../../cds-services/assessment/prefetch.js';

export const bundle = (resources: fhir4.Resource[]): fhir4.Bundle => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource })),
});

/** Which prefetch key carries each resource type, from the services' own key map. */
export const PREFETCH_KEY: Record<string, string> = Object.fromEntries(
  Object.entries(KEY_TYPES)
    .filter(([key]) => key !== 'patient')
    .flatMap(([key, types]) => types.map((t) => [t, key])),
);

/**
 * Full prefetch for a record, as an EHR would send it: every key, empty searches as empty Bundles,
 * Medication resources with the statements (as an _include would bring them).
 */
export function prefetchFor(resources: fhir4.Resource[]): Record<string, unknown> {
  const prefetch: Record<string, unknown> = { patient: resources.find((r) => r.resourceType === 'Patient') ?? null };
  for (const [type, key] of Object.entries(PREFETCH_KEY)) prefetch[key] = bundle(resources.filter((r) => r.resourceType === type));
  (prefetch['medicationStatements'] as fhir4.Bundle).entry!.push(...resources.filter((r) => r.resourceType === 'Medication').map((resource) => ({ resource })));
  return prefetch;
}
