import { loadProfiles, type Profiles } from '../../src/knowledge/load-profiles.js';
import { loadThresholds, type Thresholds } from '../../cds-services/assessment/thresholds.js';

let cached: (Profiles & { thresholds: Thresholds }) | undefined;

/** fhir-profiles/ loaded once per test worker, exactly as at start-up. */
export function knowledge(): Profiles & { thresholds: Thresholds } {
  cached ??= { ...loadProfiles(), thresholds: loadThresholds() };
  return cached;
}

import { createServices } from '../../cds-services/index.js';
import { trdKnowledge, type TrdKnowledge } from '../../cds-services/knowledge.js';
import type { AnyCdsService } from '../../src/cds-hooks/service.js';

let trd: TrdKnowledge | undefined;
export function testKnowledge(): TrdKnowledge {
  const k = knowledge();
  trd ??= trdKnowledge({ ...k }, k.thresholds);
  return trd;
}

/** The real three services, built on the real fhir-profiles. */
export function realServices(): AnyCdsService[] {
  return createServices(testKnowledge());
}
