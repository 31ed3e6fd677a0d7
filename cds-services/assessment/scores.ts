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
import {
  codedValue,
  isoDay,
  numericValue,
  observationDate,
  observationInterval,
  parseFhirDate,
  parseFhirInterval,
  ref,
  type ValueCarrier,
} from './fhir-read.js';
import type { IndexedObservation } from './record.js';

const PHQ9_MAX = 27;
const ITEM_COUNT = 9;

/** A score of an item or total: a number, else the ordinal the answer ValueSet gives its code. */
function answerValue(v: ValueCarrier | undefined, t: Terminology): number | undefined {
  if (!v) return undefined;
  return numericValue(v) ?? t.ordinal(codedValue(v), VS.phq9Item9Answers);
}

const validTotal = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n >= 0 && n <= PHQ9_MAX ? n : undefined);

/** How many distinct PHQ-9 items (by `key`) are answered 0-3, and their sum (of all nine only; undefined otherwise). */
function itemScores(
  items: readonly { key: string | undefined; value: ValueCarrier | undefined }[],
  t: Terminology,
): { answered: number; sum: number | undefined } {
  const seen = new Map<string, number>();
  for (const i of items) {
    if (i.key === undefined) continue;
    const v = answerValue(i.value, t);
    if (v !== undefined && v >= 0 && v <= 3) seen.set(i.key, v);
  }
  if (seen.size < ITEM_COUNT) return { answered: seen.size, sum: undefined };
  let sum = 0;
  for (const v of seen.values()) sum += v;
  return { answered: seen.size, sum };
}

/** Which PHQ-9 item a code is (`system|code` of its coding in `url`), if any. */
function itemKey(code: fhir4.CodeableConcept | fhir4.Coding[] | undefined, t: Terminology, url: string = VS.phq9Items): string | undefined {
  const coding = t.matchingCoding(Array.isArray(code) ? { coding: code } : code, url);
  return coding?.code ? `${coding.system}|${coding.code}` : undefined;
}

/** Sum of the nine items, when every one of them is answered; undefined otherwise (never a total of fewer). */
function sumOfItems(items: { code: fhir4.CodeableConcept | undefined; value: ValueCarrier | undefined }[], t: Terminology): number | undefined {
  return itemScores(
    items.map((i) => ({ key: itemKey(i.code, t), value: i.value })),
    t,
  ).sum;
}

/** The Observation states a value of its own (`value[x]`), readable or not. */
const hasOwnValue = (o: fhir4.Observation): boolean => Object.entries(o).some(([k, v]) => k.startsWith('value') && v !== null && v !== undefined);

/**
 * Entries derived from PHQ-9 panels (final Observations coded 44249-1, as the record index grouped them,
 * in record order) and from PHQ-9 totals that carry their items (a 44261-6 with the nine answers as
 * `component`s, as FHIR's own scored-instrument example does for the Apgar score): totals (by component
 * or item sum) and item 9. A total with a value of its own is indexed on its own; one with none is the
 * sum of its nine items. `observations` are the whole record's, for `hasMember`.
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
    // A panel or total coded as the total was indexed with its own value: only what its items add is derived here.
    const codedTotal = t.inConcept(o.code, VS.phq9Total);
    const base = { resource: o, ref: ref(o), date: observationDate(o), when: observationInterval(o) };
    const components = Array.isArray(o.component) ? o.component : [];
    const totalComponent = codedTotal ? undefined : components.find((c) => t.inConcept(c?.code, VS.phq9Total));
    let parts: { code: fhir4.CodeableConcept | undefined; value: ValueCarrier | undefined }[] = components.map((c) => ({ code: c?.code, value: c }));
    const members = Array.isArray(o.hasMember) ? o.hasMember : [];
    if (!totalComponent && members.length) {
      byRef ??= new Map(observations.map((x) => [ref(x), x]));
      const memberObs = members
        .map((m) => (typeof m?.reference === 'string' ? byRef!.get(m.reference.replace(/^.*\/(Observation\/[^/]+)$/, '$1')) : undefined))
        .filter((x) => x !== undefined);
      // A member coded as the total is indexed on its own: nothing to derive.
      if (!codedTotal && memberObs.some((m) => t.inConcept(m.code, VS.phq9Total))) continue;
      parts = [...parts, ...memberObs.map((m) => ({ code: m.code, value: m as ValueCarrier }))];
    }
    if (codedTotal) {
      // A total with no value[x] of its own is the sum of the nine items it carries (never of fewer).
      const sum = hasOwnValue(o) ? undefined : validTotal(sumOfItems(parts, t));
      if (sum !== undefined) totals.push({ ...base, value: sum });
    } else {
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
    }
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

/**
 * A PHQ-9 by its Questionnaire's name: `.../phq-9`, `.../phq9`, `mii-qst-pro-phq-9` (not PHQ-2, PHQ-15 or
 * PHQ-9-CMS variants with other numbers).
 */
const PHQ9_NAMED = /(?:^|[^a-z0-9])phq[-_ ]?9(?![0-9])/i;
/**
 * An item numbered 1 to 9 in a Questionnaire named a PHQ-9 (`phq1`, `phq-9`'s `item_9`, `q09`): the PHQ-9's
 * items are fixed in order by the instrument (Kroenke 2001), so the number is the item. Read only where
 * neither a code nor a known linkId names the item.
 */
const NUMBERED_ITEM = /^(?:phq[-_ ]?(?:9[-_ .])?)?(?:q|item|question)?[-_ .]?0?([1-9])$/i;

/**
 * The item's codes: its `code` (as some forms send it), its linkId read as a LOINC code (with or without a
 * leading slash: LHC-Forms), and its linkId under its Questionnaire's canonical (the phq9Questionnaire*
 * ValueSets name the linkIds of Questionnaires that do not use LOINC codes, such as the German MII PRO PHQ-9).
 */
function itemCode(i: QrItem, canonical: string | undefined): fhir4.Coding[] {
  const codes = Array.isArray(i.code) ? i.code.filter((c) => c && typeof c === 'object') : [];
  if (typeof i.linkId === 'string') {
    codes.push({ system: SYSTEM.loinc, code: i.linkId.replace(/^\//, '').trim() });
    if (canonical) codes.push({ system: canonical, code: i.linkId.trim() });
  }
  return codes;
}

/** A response's PHQ-9 statuses: finished forms give totals; unfinished ones (`in-progress`, `stopped`) give their answers only. */
const FINISHED = new Set(['completed', 'amended']);
const UNFINISHED = new Set(['in-progress', 'stopped']);

/**
 * Entries derived from PHQ-9 QuestionnaireResponses: totals and item 9.
 *
 * A response is a PHQ-9 when its Questionnaire is one of `canonicals` or is named a PHQ-9, or when its items
 * are PHQ-9 items (the total, item 9, or at least three of the nine: a PHQ-2 is not a PHQ-9). An answered
 * item is a fact whatever the form's status: item 9 of a stopped or in-progress form reaches RC-17, marked
 * unfinished. A total is the total item of a finished form, else the sum of all nine items answered (never
 * of fewer); a PHQ-9 with neither is indexed without a value, naming how many items were answered, so that
 * it is "a PHQ-9 that could not be scored", never "no PHQ-9".
 */
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
    const finished = FINISHED.has(qr.status);
    if (!finished && !UNFINISHED.has(qr.status)) continue;
    const own = ref(qr);
    if (derived.has(own)) continue;
    const canonical = typeof qr.questionnaire === 'string' ? qr.questionnaire.split('|')[0]!.trim() : undefined;
    const named = canonical !== undefined && (canonicals.includes(canonical) || PHQ9_NAMED.test(canonical));
    const items = flatten(qr.item as QrItem[] | undefined);
    const answer = (i: QrItem) => (Array.isArray(i.answer) ? i.answer[0] : undefined);
    // Only answered items count: a group or display item named like one is not its answer.
    const answeredItems = items.filter((i) => answer(i) !== undefined);
    const numberOf = (i: QrItem) => (named && typeof i.linkId === 'string' ? NUMBERED_ITEM.exec(i.linkId.trim())?.[1] : undefined);
    const is = (i: QrItem, coded: string, byLinkId: string) =>
      t.inConcept({ coding: itemCode(i, canonical) }, coded) || t.inConcept({ coding: itemCode(i, canonical) }, byLinkId);
    // Each item's identity: a known code or linkId, else (in a form named a PHQ-9) its number.
    const keyOf = (i: QrItem) => {
      const n = numberOf(i);
      return itemKey(itemCode(i, canonical), t) ?? itemKey(itemCode(i, canonical), t, VS.phq9QuestionnaireItems) ?? (n ? `item ${n}` : undefined);
    };
    const totalItem = answeredItems.find((i) => is(i, VS.phq9Total, VS.phq9QuestionnaireTotal));
    const nine = answeredItems.find((i) => is(i, VS.phq9Item9, VS.phq9QuestionnaireItem9)) ?? answeredItems.find((i) => keyOf(i) === 'item 9');
    const { answered, sum } = itemScores(
      answeredItems.map((i) => ({ key: keyOf(i), value: answer(i) })),
      t,
    );
    if (!named && !totalItem && !nine && answered < 3) continue;
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
    const stated = finished && totalItem ? validTotal(answerValue(answer(totalItem), t)) : undefined;
    const total = stated ?? validTotal(sum);
    if (total !== undefined) totals.push({ ...base, value: total });
    else {
      const day = date ? isoDay(date) : 'an unknown date';
      const why = finished ? `${answered} of 9 items answered and no total` : `not finished (${qr.status}), ${answered} of 9 items answered`;
      totals.push({ ...base, unreadable: `PHQ-9 on ${day} could not be scored (${why}): repeat it` });
    }
    const nineAnswer = nine ? answer(nine) : undefined;
    if (nineAnswer)
      item9.push({ ...base, value: answerValue(nineAnswer, t), coded: codedValue(nineAnswer), ...(finished ? {} : { unfinished: true as const }) });
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
