import type { CdsResponse } from '../src/cds-hooks/protocol.js';
import type { HookCall } from '../src/cds-hooks/service.js';
import { assess, assessmentExtension, type Assessment } from './assessment/assess.js';
import type { PresentContext } from './cards/common.js';
import { orderReasonOf } from './cards/suggested-orders.js';
import type { TrdKnowledge } from './knowledge.js';
import { KEY_TYPES } from './assessment/prefetch.js';
import { buildRecord } from './assessment/record.js';
import { recordWords } from './assessment/record-words.js';

export const ASSESSMENT_EXTENSION = 'org.trdcds.assessment';

/** decide: the same record gives the same assessment from every hook. */
export function assessCall(call: HookCall, knowledge: TrdKnowledge): Assessment {
  return assess(buildRecord(call.data, KEY_TYPES), knowledge, call.clock.now());
}

/** What presenting a call needs: the patient, ids, the clock, the knowledge, and why suggestions are ordered (SO). */
export function presentContext(call: HookCall, knowledge: TrdKnowledge, a: Assessment): PresentContext {
  return {
    patientId: call.context.patientId,
    newId: call.newId,
    now: a.now,
    knowledge,
    reason: orderReasonOf(a),
    nameRecord: (reference) => recordWords(a.index, reference),
  };
}

/** Every 200 carries the whole assessment for machines, cards or not. */
export function respond(cards: CdsResponse['cards'], a: Assessment): CdsResponse {
  return { cards, extension: { [ASSESSMENT_EXTENSION]: assessmentExtension(a) } };
}

/** As `respond`, with more for machines in the same extension (order review: why each draft was in or out of scope). */
export function respondWith(cards: CdsResponse['cards'], a: Assessment, more: Record<string, unknown>): CdsResponse {
  return { cards, extension: { [ASSESSMENT_EXTENSION]: { ...assessmentExtension(a), ...more } } };
}
