import type { Clock } from '../clock.js';
import { ConfigurationError } from '../errors.js';
import type { GatheredData } from '../fhir/gather.js';
import { checkPrefetchTemplate } from './prefetch-template.js';
import { HOOKS, type CdsResponse, type DiscoveryEntry, type HookContext, type HookName } from './protocol.js';

/** Everything a service sees of one hook call, after validation and data gathering. */
export interface HookCall<H extends HookName = HookName> {
  readonly hook: H;
  readonly hookInstance: string;
  readonly context: HookContext<H>;
  readonly data: GatheredData;
  readonly clock: Clock;
  readonly newId: () => string;
  /** The EHR's FHIR base for this call, if it gave one (to resolve absolute references under it). */
  readonly fhirServer?: string;
  /** This service's own origin as the EHR reaches it (PUBLIC_BASE_URL, else the request's host): for links back to it. */
  readonly baseUrl?: string;
}

/**
 * A CDS service as a declarative unit: its discovery entry, the data it needs, and two pure
 * steps the engine times separately — decide (rules over data) and present (cards).
 */
export interface CdsServiceDefinition<H extends HookName = HookName, Decision = unknown> {
  readonly id: string;
  readonly hook: H;
  readonly title: string;
  readonly description: string;
  readonly prefetch: Readonly<Record<string, string>>;
  readonly usageRequirements?: string;
  /** Prefetch keys without which no answer is possible: unobtainable ones give HTTP 412. */
  readonly requiredData: readonly string[];
  /**
   * Reads this call needs besides its prefetch templates, named by key (e.g. the Medication a draft
   * order references): fetched from fhirServer in parallel with the rest, never required.
   */
  contextReads?(context: HookContext<H>, fhirServer: string | undefined): Record<string, string>;
  /**
   * Query parameters this service adds, per prefetch key, when it fetches that key itself (a date floor,
   * an `_include`): not advertised in discovery, since CDS Hooks 2.0 templates have no date arithmetic.
   * Called once per call with the call's clock; should return a cached object (no per-call work).
   */
  fetchRefinements?(now: Date): Readonly<Record<string, string>>;
  /** Read the separate Medications that medication resources reference, when fhirServer holds them (DS-5). */
  readonly followsMedicationReferences?: boolean;
  /** The response extension that describes the call; the engine lists snoozed cards in it. */
  readonly extensionKey?: string;
  decide(call: HookCall<H>): Decision;
  present(decision: Decision, call: HookCall<H>): CdsResponse;
}

// Services of different hooks live in one registry; the engine only calls them through their own hook.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCdsService = CdsServiceDefinition<any, any>;

export function discoveryEntry(service: AnyCdsService): DiscoveryEntry {
  return {
    hook: service.hook,
    id: service.id,
    title: service.title,
    description: service.description,
    prefetch: { ...service.prefetch },
    ...(service.usageRequirements ? { usageRequirements: service.usageRequirements } : {}),
  };
}

const SERVICE_ID = /^[a-z0-9][a-z0-9-]*$/;

/** Start-up check of the service catalogue; a problem here stops the process. */
export function validateServices(services: readonly AnyCdsService[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of services) {
    if (!SERVICE_ID.test(s.id)) problems.push(`service '${s.id}': id must be lower-case letters, digits and dashes`);
    if (seen.has(s.id)) problems.push(`service '${s.id}': id is not unique`);
    seen.add(s.id);
    if (!(HOOKS as readonly string[]).includes(s.hook)) problems.push(`service '${s.id}': unknown hook '${s.hook}'`);
    if (!s.title.trim() || !s.description.trim()) problems.push(`service '${s.id}': title and description are required`);
    for (const [key, template] of Object.entries(s.prefetch)) {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) problems.push(`service '${s.id}': prefetch key '${key}' must be alphanumeric`);
      for (const p of checkPrefetchTemplate(s.hook, template)) problems.push(`service '${s.id}': prefetch '${key}': ${p}`);
    }
    for (const key of s.requiredData) {
      if (!(key in s.prefetch)) problems.push(`service '${s.id}': required data '${key}' has no prefetch template`);
    }
  }
  if (problems.length > 0) throw new ConfigurationError('Invalid CDS service catalogue', problems);
}
