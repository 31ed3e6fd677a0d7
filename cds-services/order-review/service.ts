import type { CdsServiceDefinition, HookCall } from '../../src/cds-hooks/service.js';
import type { Assessment } from '../assessment/assess.js';
import type { TrdKnowledge } from '../knowledge.js';
import { REQUIRED_KEYS, trdFetchRefinements, trdPrefetch } from '../assessment/prefetch.js';
import { assessCall, presentContext, respondWith } from '../service-kit.js';
import { orderReviewCards, orderReviewExtension } from './cards.js';
import { draftMedicationReads } from './medication-resolver.js';
import { reviewOrders, type OrderReview } from './review.js';

/** Keys of the extra reads for drafts' Medications (`draftMedication0`, ...), gathered with the rest of the call. */
const DRAFT_MEDICATION_KEY = 'draftMedication';

interface OrderContext {
  draftOrders?: { entry?: { fullUrl?: string; resource?: fhir4.Resource }[] } | null;
  selections?: string[];
}

export interface OrderDecision {
  assessment: Assessment;
  review: OrderReview;
}

/** The Medications fetched for the drafts, keyed `Medication/<id>`. */
function fetchedMedications(call: HookCall): Map<string, fhir4.Medication> {
  const out = new Map<string, fhir4.Medication>();
  for (const [key, d] of Object.entries(call.data)) {
    if (!key.startsWith(DRAFT_MEDICATION_KEY) || !d.known) continue;
    for (const r of d.resources) if (r.resourceType === 'Medication' && r.id) out.set(`Medication/${r.id}`, r as fhir4.Medication);
  }
  return out;
}

/** The prefetch key of the call's Encounter. */
const ENCOUNTER_KEY = 'encounter';

/** The call's Encounter, when it was prefetched or read (the patient-compartment filter already ran on it). */
function encounterOfCall(call: HookCall): { encounter?: fhir4.Encounter } {
  const d = call.data[ENCOUNTER_KEY];
  const encounter = d?.known ? d.resources.find((r) => r.resourceType === 'Encounter') : undefined;
  return encounter ? { encounter: encounter as fhir4.Encounter } : {};
}

/** order-select and order-sign share one review; order-select looks only at the selected drafts. */
export function orderReviewService<H extends 'order-select' | 'order-sign'>(
  knowledge: TrdKnowledge,
  entry: { id: string; hook: H; title: string; description: string },
): CdsServiceDefinition<H, OrderDecision> {
  return {
    ...entry,
    // The encounter of the call (OR-2 step 3, the setting); not fetched when the EHR gives no encounterId.
    prefetch: { ...trdPrefetch(knowledge.terminology), [ENCOUNTER_KEY]: 'Encounter/{{context.encounterId}}' },
    requiredData: REQUIRED_KEYS,
    fetchRefinements: trdFetchRefinements(knowledge.thresholds),
    followsMedicationReferences: true,
    contextReads: (context, fhirServer) =>
      Object.fromEntries(draftMedicationReads((context as OrderContext).draftOrders, fhirServer).map((read, i) => [`${DRAFT_MEDICATION_KEY}${i}`, read])),
    decide: (call) => {
      const assessment = assessCall(call, knowledge);
      const context = call.context as OrderContext;
      const entries = Array.isArray(context.draftOrders?.entry) ? context.draftOrders.entry : [];
      const review = reviewOrders(
        assessment,
        {
          hook: call.hook as H,
          entries,
          ...(call.hook === 'order-select' ? { selections: context.selections ?? [] } : {}),
          fetched: fetchedMedications(call),
          ...encounterOfCall(call),
          ...(typeof call.context['patientId'] === 'string' ? { patientId: call.context['patientId'] } : {}),
          ...(call.fhirServer ? { fhirServer: call.fhirServer } : {}),
        },
        knowledge,
      );
      return { assessment, review };
    },
    present: ({ assessment, review }, call) =>
      respondWith(orderReviewCards(assessment, review, presentContext(call, knowledge, assessment)), assessment, { orders: orderReviewExtension(review) }),
  };
}
