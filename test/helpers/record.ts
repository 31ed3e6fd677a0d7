import { assess } from '../../cds-services/assessment/assess.js';
import { KEY_TYPES } from '../../cds-services/assessment/prefetch.js';
import { buildRecord, type PatientRecord } from '../../cds-services/assessment/record.js';
import type { GatheredData } from '../../src/fhir/gather.js';
import { NOW } from '../builders/fhir.js';
import { knowledge } from './knowledge.js';

export type PrefetchKey = keyof typeof KEY_TYPES;

/** A record as the service would build it, with the named prefetch keys unavailable (Medication resources ride with the statements, as an EHR's _include would send them). */
export function recordOf(resources: fhir4.Resource[], unknownKeys: readonly string[] = []): PatientRecord {
  const data: Record<string, GatheredData[string]> = {};
  for (const [key, types] of Object.entries(KEY_TYPES)) {
    data[key] = unknownKeys.includes(key)
      ? { known: false, reason: 'FHIR server: server-error', source: 'fhir' }
      : {
          known: true,
          resources: resources.filter(
            (r) => (types as readonly string[]).includes(r.resourceType) || (key === 'medicationStatements' && r.resourceType === 'Medication'),
          ),
          source: 'prefetch',
        };
  }
  return buildRecord(data, KEY_TYPES);
}

export function assessResources(resources: fhir4.Resource[], unknownKeys: readonly string[] = []) {
  return assess(recordOf(resources, unknownKeys), knowledge(), NOW);
}
