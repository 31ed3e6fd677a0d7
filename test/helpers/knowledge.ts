import { loadProfiles, type Profiles } from '../../src/knowledge/load-profiles.js';
import { loadThresholds, type Thresholds } from '../../cds-services/shared/thresholds.js';

let cached: (Profiles & { thresholds: Thresholds }) | undefined;

/** fhir-profiles/ loaded once per test worker, exactly as at start-up. */
export function knowledge(): Profiles & { thresholds: Thresholds } {
  cached ??= { ...loadProfiles(), thresholds: loadThresholds() };
  return cached;
}
