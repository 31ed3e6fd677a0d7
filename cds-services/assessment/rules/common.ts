import { recordsInWords } from '../record-words.js';
import type { Outcome } from '../findings.js';
import { met, notMet, unknown } from '../findings.js';
import { isoDay, withinDays } from '../fhir-read.js';
import type { IndexedCondition, RecordIndex, Section } from '../record.js';

/**
 * The evidence of several trials, courses or readings, in order: `list.flatMap((x) => x.evidence)`
 * as a loop, because V8's flatMap costs about ten times as much on the evidence lists rules build.
 */
export function evidenceOf(list: readonly { readonly evidence: readonly string[] }[]): string[] {
  const out: string[] = [];
  for (const x of list) for (const ref of x.evidence) out.push(ref);
  return out;
}

/** The references of indexed resources, for a finding's evidence. */
export const refs = (list: readonly { ref: string }[]): string[] => list.map((x) => x.ref);

/** Active conditions in a concept; with a window, dated within it (undated active ones count). */
export function activeWithin(index: RecordIndex, url: string, days?: number): IndexedCondition[] {
  return index.activeConditions(url).filter((c) => days === undefined || !c.date || withinDays(c.date, index.now, days));
}

/** A condition rule: found for the given conditions, else unknown when conditions could not be read, else not found. */
export function byConditions(index: RecordIndex, found: IndexedCondition[], note: string, absent?: string): Outcome {
  if (found.length) return met(refs(found), note);
  return unknownBecause({ conditions: index.record.conditions }) ?? notMet(absent);
}

/**
 * A condition's name for a card: its text, else a coding's display, else the name our ValueSets give its code (the
 * ValueSet `url` first: "Alcohol dependence", or the ValueSet's title for a code held by family), else its code.
 */
export function conditionName(c: IndexedCondition, index?: RecordIndex, url?: string): string {
  const code = c.resource.code;
  const codings = Array.isArray(code?.coding) ? code.coding : [];
  const displayed = codings.find((x) => x && typeof x.display === 'string' && x.display.trim())?.display;
  if (typeof code?.text === 'string' && code.text.trim()) return code.text;
  if (displayed) return displayed;
  const named = index?.knowledge.terminology.nameOf(code, url);
  return named ?? codings.find((x) => x && x.code)?.code ?? 'condition';
}

export const ALL: ['iv-ketamine', 'esketamine', 'tms', 'ketamine-tms-combination'] = ['iv-ketamine', 'esketamine', 'tms', 'ketamine-tms-combination'];
export const KETAMINES: ['iv-ketamine', 'esketamine'] = ['iv-ketamine', 'esketamine'];

/** The data a rule needs could not be had: say which, and why. */
export function unknownBecause(sections: Record<string, Section<unknown>>): Outcome | undefined {
  // Most rules of most calls find every section known: nothing is allocated then.
  let missing: string[] | undefined;
  for (const name in sections) {
    const s = sections[name]!;
    if (!s.known) (missing ??= []).push(`${name} (${s.reason ?? 'unavailable'})`);
  }
  return missing ? unknown(missing) : undefined;
}

/** What would settle medication records that name no coded drug (see namesNoCodedDrug), each named as the chart shows it (CD-6). */
export const drugOf = (index: RecordIndex, refs: readonly string[]): string =>
  `the drug of ${recordsInWords(index, refs).join('; ')} (coded, or its Medication resource)`;

export const isoDate = (d: Date | undefined): string => (d ? isoDay(d) : 'undated');

/** A sentence's first letter in upper case ("PHQ-9 total 31 points is implausible" stays; "weight ..." becomes "Weight ..."). */
export const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
