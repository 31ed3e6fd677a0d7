// trd-patient-view: the discovery entry and prefetch of the patient-view service; its cards are in ./cards.ts.
// May import assessment/, cards/, knowledge.ts, service-kit.ts and src/ protocol types; never another service folder.
import type { CdsServiceDefinition } from '../../src/cds-hooks/service.js';
import type { Assessment } from '../assessment/assess.js';
import { patientViewCards } from './cards.js';
import type { TrdKnowledge } from '../knowledge.js';
import { REQUIRED_KEYS, trdFetchRefinements, trdPrefetch } from '../assessment/prefetch.js';
import { assessCall, presentContext, respond } from '../service-kit.js';
import type { ExplanationStore } from '../../src/cds-hooks/explanations.js';
import { explanationOf } from './explanation.js';

/** patient-view: is this patient a TRD candidate, and which treatments are contraindicated or need caution? */
export function patientViewService(knowledge: TrdKnowledge, explanations?: ExplanationStore): CdsServiceDefinition<'patient-view', Assessment> {
  return {
    id: 'trd-patient-view',
    hook: 'patient-view',
    title: 'Treatment-resistant depression: eligibility and safety',
    description:
      'When a chart opens: whether the patient meets TRD criteria (MDD, two failed adequate antidepressant trials, baseline PHQ-9/MADRS), which of IV ketamine, esketamine and TMS are contraindicated or need caution, missing data, and the next orders.',
    prefetch: trdPrefetch(knowledge.terminology),
    requiredData: REQUIRED_KEYS,
    fetchRefinements: trdFetchRefinements(knowledge.thresholds),
    followsMedicationReferences: true,
    decide: (call) => assessCall(call, knowledge),
    present: (a, call) => {
      // The TRD card links to the full assessment of this call instead of carrying its tables (CD-3, 900 px).
      const pageId = explanations?.enabled && call.baseUrl ? explanations.newPageId() : undefined;
      const ctx = {
        ...presentContext(call, knowledge, a),
        ...(pageId ? { explainUrl: `${call.baseUrl}/explain/${pageId}` } : {}),
      };
      const cards = patientViewCards(a, ctx);
      if (pageId && cards.length) explanations!.put(pageId, explanationOf(a, cards));
      return respond(cards, a);
    },
  };
}
