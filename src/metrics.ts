import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FhirFailureKind } from './fhir/client.js';

/**
 * The service's Prometheus metrics, in one registry (README "Metrics" lists each). Other modules
 * count through the small functions below; every label value is bounded (service ids, hook names,
 * HTTP statuses, rule ids, fixed outcome words), never a patient, a token or free text.
 */
export const registry = new Registry();

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const requestDuration = new Histogram({
  name: 'trdcds_http_request_duration_seconds',
  help: 'HTTP request duration by CDS service, hook and status (service and hook "none" outside hook calls)',
  labelNames: ['service', 'hook', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
});

const cards = new Counter({
  name: 'trdcds_cards_total',
  help: 'Cards returned, by CDS service, indicator and rule id ("none" when the card names no rule)',
  labelNames: ['service', 'indicator', 'rule'] as const,
  registers: [registry],
});

const fhirQueries = new Counter({
  name: 'trdcds_fhir_queries_total',
  help: 'FHIR requests to the EHR server by resource type and outcome (ok, 401-403, 404, 429, 5xx, 4xx, timeout, refused, malformed)',
  labelNames: ['resource_type', 'outcome'] as const,
  registers: [registry],
});

const fhirQueryDuration = new Histogram({
  name: 'trdcds_fhir_query_duration_seconds',
  help: 'FHIR request duration by resource type',
  labelNames: ['resource_type'] as const,
  buckets: SECONDS,
  registers: [registry],
});

const fhirServerRefusals = new Counter({
  name: 'trdcds_fhir_server_refusals_total',
  help: 'Hook calls whose fhirServer was refused because FHIR_SERVER_ALLOWLIST does not admit it',
  registers: [registry],
});

const jwtRefusals = new Counter({
  name: 'trdcds_jwt_refusals_total',
  help: 'Hook and discovery calls refused for their JWT, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

const feedback = new Counter({
  name: 'trdcds_feedback_total',
  help: 'Feedback items received, by CDS service and outcome (accepted, overridden)',
  labelNames: ['service', 'outcome'] as const,
  registers: [registry],
});

let processMetrics = false;
/** Node process metrics (CPU, memory, event loop lag, GC, handles); once per process, from main. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry });
}

export function observeRequest(service: string | undefined, hook: string | undefined, status: number, seconds: number): void {
  requestDuration.observe({ service: service ?? 'none', hook: hook ?? 'none', status: String(status) }, seconds);
}

const RULE_ID = /\b([A-Z]{2,3}-\d{1,2}(?:\.\d{1,2})?)\b/;
const TRAILING_RULE_ID = /\(([A-Z]{2,3}-\d{1,2}(?:\.\d{1,2})?)\)\s*$/;

interface CardLike {
  indicator: string;
  summary: string;
  source?: { label?: string; topic?: { code?: string } };
}

/**
 * The rule a card is about, for the `rule` label: its `source.topic.code`, else the first rule id in
 * `source.label`, else a trailing "(CI-4)" in the summary, else `none`.
 */
export function ruleOfCard(card: CardLike): string {
  const topic = card.source?.topic?.code;
  if (topic && /^[A-Z]{2,3}-\d{1,2}(?:\.\d{1,2})?$/.test(topic)) return topic;
  return RULE_ID.exec(card.source?.label ?? '')?.[1] ?? TRAILING_RULE_ID.exec(card.summary)?.[1] ?? 'none';
}

export function countCards(service: string, list: readonly CardLike[]): void {
  for (const card of list) cards.inc({ service, indicator: card.indicator, rule: ruleOfCard(card) });
}

/** The outcome label of a FHIR request: the failure kinds of the adapter folded into the documented set. */
export function fhirOutcome(kind: FhirFailureKind | 'ok'): string {
  switch (kind) {
    case 'ok':
      return 'ok';
    case 'unauthorized':
    case 'forbidden':
      return '401-403';
    case 'not-found':
      return '404';
    case 'rate-limited':
      return '429';
    case 'server-error':
      return '5xx';
    case 'http-error':
      return '4xx';
    case 'timeout':
      return 'timeout';
    case 'unreachable':
      return 'refused';
    case 'malformed-response':
    case 'unexpected-resource':
      return 'malformed';
    default:
      return 'other';
  }
}

/** `Condition?patient=1` -> Condition; an absolute URL (a paging link) -> page; anything odd -> other. */
export function resourceTypeOfQuery(url: string): string {
  if (/^https?:/i.test(url)) return 'page';
  const type = /^\/?([A-Za-z]+)(?:[/?]|$)/.exec(url)?.[1];
  return type && /^[A-Z][A-Za-z]{2,39}$/.test(type) ? type : 'other';
}

export function countFhirQuery(url: string, kind: FhirFailureKind | 'ok', seconds: number): void {
  const resourceType = resourceTypeOfQuery(url);
  fhirQueries.inc({ resource_type: resourceType, outcome: fhirOutcome(kind) });
  fhirQueryDuration.observe({ resource_type: resourceType }, seconds);
}

export function countFhirServerRefusal(): void {
  fhirServerRefusals.inc();
}

export function countJwtRefusal(reason: string): void {
  jwtRefusals.inc({ reason });
}

export function countFeedback(service: string, outcome: string, n = 1): void {
  feedback.inc({ service, outcome: outcome === 'accepted' || outcome === 'overridden' ? outcome : 'other' }, n);
}
