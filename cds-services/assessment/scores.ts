/**
 * PHQ-9 totals (and item 9) from every shape real records carry them in (revision-2 DS-2), as extra
 * entries of the record index, so a rule reading `index.observations(VS.phq9Total)` sees them all:
 *
 * - a PHQ-9 panel (44249-1) Observation: its total is a total `component`, else a `hasMember`
 *   Observation coded as the total (already indexed on its own), else the panel's own value[x] (read
 *   as a total's value is: US Core screening-assessment examples carry the score there), else the
 *   sum of all nine item answers (components or members), each read as a number or as an answer's ordinal;
 * - a QuestionnaireResponse (completed or amended, dated by `authored`) of a PHQ-9 questionnaire (its
 *   canonical in PHQ9_QUESTIONNAIRES, or items whose linkId or code is a PHQ-9 LOINC code): the total
 *   item, else the sum of the nine items. An Observation `derivedFrom` it is the same score, kept once.
 *
 * Derived values outside 0-27 are not PHQ-9 totals and are dropped; a panel's own value outside
 * 0-27 is kept for the plausibility pass to name (issue 20), and a panel's own value that is no number
 * ("18 points") is kept without a value for the record index to name as unreadable. Item 9 found in a panel or a response
 * is indexed as an item-9 entry too (RC-17).
 */
import { SYSTEM } from '../../src/terminology/systems.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from './concepts.js';
import { codedValue, numericValue, observationDate, observationInterval, parseFhirDate, parseFhirInterval, ref, type ValueCarrier } from './fhir-read.js';
import type { IndexedObservation } from './record.js';

const PHQ9_MAX = 27;
const ITEM_COUNT = 9;

/** A score of an item or total: a number, else the ordinal the answer ValueSet gives its code. */
function answerValue(v: ValueCarrier | undefined, t: Terminology): number | undefined {
  if (!v) return undefined;
  return numericValue(v) ?? t.ordinal(codedValue(v), VS.phq9Item9Answers);
}

const validTotal = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n >= 0 && n <= PHQ9_MAX ? n : undefined);

/** Sum of the nine items, when every one of them is answered; undefined otherwise. */
function sumOfItems(
  items: { code: fhir4.CodeableConcept | fhir4.Coding[] | undefined; value: ValueCarrier | undefined }[],
  t: Terminology,
): number | undefined {
  const seen = new Map<string, number>();
  for (const i of items) {
    const coding = t.matchingCoding(Array.isArray(i.code) ? { coding: i.code } : i.code, VS.phq9Items);
    if (!coding?.code) continue;
    const v = answerValue(i.value, t);
    if (v !== undefined && v >= 0 && v <= 3) seen.set(coding.code, v);
  }
  if (seen.size < ITEM_COUNT) return undefined;
  let sum = 0;
  for (const v of seen.values()) sum += v;
  return sum;
}

/** The Observation states a value of its own (`value[x]`), readable or not. */
const hasOwnValue = (o: fhir4.Observation): boolean => Object.entries(o).some(([k, v]) => k.startsWith('value') && v !== null && v !== undefined);

/**
 * Entries derived from PHQ-9 panels (final Observations coded 44249-1, as the record index grouped them,
 * in record order): totals (by component or item sum) and item 9. `observations` are the whole record's, for `hasMember`.
 */
function fromPanels(
  panels: readonly fhir4.Observation[],
  observations: readonly fhir4.Observation[],
  t: Terminology,
): { totals: IndexedObservation[]; item9: IndexedObservation[] } {
  const totals: IndexedObservation[] = [];
  const item9: IndexedObservation[] = [];
  let byRef: Map<string, fhir4.Observation> | undefined;
  for (const o of panels) {
    // A panel coded as the total too was indexed with its own value.
    if (t.inConcept(o.code, VS.phq9Total)) continue;
    const base = { resource: o, ref: ref(o), date: observationDate(o), when: observationInterval(o) };
    const components = Array.isArray(o.component) ? o.component : [];
    const totalComponent = components.find((c) => t.inConcept(c?.code, VS.phq9Total));
    let parts: { code: fhir4.CodeableConcept | undefined; value: ValueCarrier | undefined }[] = components.map((c) => ({ code: c?.code, value: c }));
    const members = Array.isArray(o.hasMember) ? o.hasMember : [];
    if (!totalComponent && members.length) {
      byRef ??= new Map(observations.map((x) => [ref(x), x]));
      const memberObs = members
        .map((m) => (typeof m?.reference === 'string' ? byRef!.get(m.reference.replace(/^.*\/(Observation\/[^/]+)$/, '$1')) : undefined))
        .filter((x) => x !== undefined);
      // A member coded as the total is indexed on its own: nothing to derive.
      if (memberObs.some((m) => t.inConcept(m.code, VS.phq9Total))) continue;
      parts = [...parts, ...memberObs.map((m) => ({ code: m.code, value: m as ValueCarrier }))];
    }
    // The panel's own value[x] (the US Core screening-assessment shape: the HL7 Health Care Surveys IG example
    // puts the PHQ-9 score on 44249-1 itself) is its stated total; outside 0-27 it is marked implausible by the
    // index's plausibility pass, like a 44261-6 of 31, never read as a score nor as "no PHQ-9".
    const own = totalComponent ? undefined : numericValue(o);
    if (own !== undefined) totals.push({ ...base, value: own });
    const total = own !== undefined ? undefined : validTotal(totalComponent ? answerValue(totalComponent, t) : sumOfItems(parts, t));
    if (total !== undefined) totals.push({ ...base, value: total });
    // A stated score that is no number ("18 points") and nothing to derive one from: a PHQ-9 that could not be
    // read, indexed without a value for the record index to name (`unreadable`), never dropped as "no PHQ-9".
    else if (own === undefined && !totalComponent && hasOwnValue(o)) totals.push({ ...base });
    const nine = parts.find((p) => t.inConcept(p.code, VS.phq9Item9));
    // Item 9 of a preliminary panel is read too, marked preliminary: a patient who endorsed thoughts of
    // self-harm did so whether or not the form is final (a safety answer, not a score to trend).
    if (nine?.value)
      item9.push({
        ...base,
        value: answerValue(nine.value, t),
        coded: codedValue(nine.value),
        ...(o.status === 'preliminary' ? { preliminary: true as const } : {}),
      });
  }
  return { totals, item9 };
}

interface QrItem {
  linkId?: string;
  code?: fhir4.Coding[];
  answer?: (ValueCarrier & { item?: QrItem[] })[];
  item?: QrItem[];
}

function flatten(items: QrItem[] | undefined, out: QrItem[] = []): QrItem[] {
  for (const i of Array.isArray(items) ? items : []) {
    if (!i || typeof i !== 'object') continue;
    out.push(i);
    flatten(i.item, out);
    for (const a of Array.isArray(i.answer) ? i.answer : []) flatten(a?.item, out);
  }
  return out;
}

/** The item's LOINC code: its `code`, else its linkId read as a LOINC code (with or without a leading slash). */
function itemCode(i: QrItem): fhir4.Coding[] {
  const codes = Array.isArray(i.code) ? i.code.filter((c) => c && typeof c === 'object') : [];
  if (typeof i.linkId === 'string') codes.push({ system: SYSTEM.loinc, code: i.linkId.replace(/^\//, '').trim() });
  return codes;
}

/** Entries derived from PHQ-9 QuestionnaireResponses: totals and item 9. */
function fromResponses(
  responses: readonly fhir4.QuestionnaireResponse[],
  observations: readonly fhir4.Observation[],
  t: Terminology,
  canonicals: readonly string[],
): { totals: IndexedObservation[]; item9: IndexedObservation[] } {
  const totals: IndexedObservation[] = [];
  const item9: IndexedObservation[] = [];
  if (responses.length === 0) return { totals, item9 };
  // An Observation derived from a response is the same score (DS-2): the response adds nothing.
  const derived = new Set<string>();
  for (const o of observations)
    for (const d of Array.isArray(o.derivedFrom) ? o.derivedFrom : [])
      if (typeof d?.reference === 'string') derived.add(d.reference.replace(/^.*\/(QuestionnaireResponse\/[^/]+)$/, '$1'));
  for (const qr of responses) {
    if (qr.status !== 'completed' && qr.status !== 'amended') continue;
    const own = ref(qr);
    const items = flatten(qr.item as QrItem[] | undefined);
    const isPhq9 =
      (typeof qr.questionnaire === 'string' && canonicals.includes(qr.questionnaire.split('|')[0]!)) ||
      items.some((i) => t.inConcept({ coding: itemCode(i) }, VS.phq9Total) || t.inConcept({ coding: itemCode(i) }, VS.phq9Items));
    if (!isPhq9) continue;
    const when = parseFhirInterval(qr.authored);
    const date = parseFhirDate(qr.authored);
    // The index entry needs an Observation shape: a stand-in carrying the response's date; its ref is the response's.
    const standIn: fhir4.Observation = {
      resourceType: 'Observation',
      id: qr.id,
      status: 'final',
      code: { text: 'PHQ-9 (QuestionnaireResponse)' },
      ...(typeof qr.authored === 'string' ? { effectiveDateTime: qr.authored } : {}),
    };
    const base = { resource: standIn, ref: own, date, when };
    const firstAnswer = (i: QrItem) => (Array.isArray(i.answer) ? i.answer[0] : undefined);
    const totalItem = items.find((i) => t.inConcept({ coding: itemCode(i) }, VS.phq9Total));
    const total = validTotal(
      totalItem
        ? answerValue(firstAnswer(totalItem), t)
        : sumOfItems(
            items.map((i) => ({ code: itemCode(i), value: firstAnswer(i) })),
            t,
          ),
    );
    if (total !== undefined && !derived.has(own)) totals.push({ ...base, value: total });
    const nine = items.find((i) => t.inConcept({ coding: itemCode(i) }, VS.phq9Item9));
    const nineAnswer = nine ? firstAnswer(nine) : undefined;
    if (nineAnswer && !derived.has(own)) item9.push({ ...base, value: answerValue(nineAnswer, t), coded: codedValue(nineAnswer) });
  }
  return { totals, item9 };
}

/**
 * Every PHQ-9 total and item-9 entry not already an Observation of its own (see the file header).
 * `panels`: the record's final PHQ-9 panel Observations, in record order (the record index has them
 * grouped by code already: the record is not scanned again); `observations`: all of the record's.
 */
export function derivedPhq9(
  panels: readonly fhir4.Observation[],
  observations: readonly fhir4.Observation[],
  responses: readonly fhir4.QuestionnaireResponse[],
  t: Terminology,
  canonicals: readonly string[],
): { totals: IndexedObservation[]; item9: IndexedObservation[] } {
  const fromPanel = fromPanels(panels, observations, t);
  const qrs = fromResponses(responses, observations, t, canonicals);
  return { totals: [...fromPanel.totals, ...qrs.totals], item9: [...fromPanel.item9, ...qrs.item9] };
}
