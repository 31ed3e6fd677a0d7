/**
 * What a problem written as text says about the problem it names (revision-2 DS-6, read NegEx-style [local]):
 * "Family history of schizophrenia (brother)" is a relative's, "Negative screen for mania" and "No psychosis"
 * are absent, "R/O bipolar disorder" is unconfirmed, "Psychosis (resolved 2010)" is past, and "Bipolar
 * disorder" is stated. The cue phrases are data (thresholds `diagnoses.conditionTextCues`); a cue applies
 * when no terminator (";", "but", ...) stands between it and the problem's words, and a negation only on its
 * side of them ("No psychosis", "Psychosis ruled out"; never "Schizophrenia, no current episode").
 *
 * Source: revision-2 DS-6 (a text-only problem is confirm, never found); NegEx (Chapman et al., J Biomed
 * Inform 2001;34:301) for the cue-and-scope reading; the phrase lists are local.
 */
import { wholePhrase } from '../../src/terminology/terminology.js';
import type { ConditionTextCues } from './thresholds.js';

/** family: a relative's problem; negated: absent; uncertain: unconfirmed; history: past; stated: as written. */
export type TextContext = 'family' | 'negated' | 'uncertain' | 'history' | 'stated';

/** Where a problem's words are in its (folded) text: the terminology's `textMatch`. */
export interface TextMatch {
  text: string;
  start: number;
  end: number;
}

interface CuePatterns {
  family: RegExp;
  before: RegExp;
  after: RegExp;
  uncertain: RegExp;
  history: RegExp;
  terminators: RegExp;
}

// The cue lists are fixed at start-up: each is compiled once.
const compiled = new WeakMap<ConditionTextCues, CuePatterns>();

/** Phrases as one whole-word pattern, folded as the text is; no phrase matches nothing. */
const pattern = (phrases: readonly string[]): RegExp => new RegExp(phrases.map(wholePhrase).join('|') || '(?!)', 'gi');

function patternsOf(cues: ConditionTextCues): CuePatterns {
  let p = compiled.get(cues);
  if (!p) {
    p = {
      family: pattern(cues.familyHistory),
      before: pattern(cues.negatedBefore),
      after: pattern(cues.negatedAfter),
      uncertain: pattern(cues.uncertain),
      history: pattern(cues.history),
      terminators: pattern(cues.terminators),
    };
    compiled.set(cues, p);
  }
  return p;
}

const spans = (re: RegExp, text: string): { start: number; end: number }[] =>
  [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));

// The readings of a text that names a problem more than once, the one that matters most first.
const WEIGHT: readonly TextContext[] = ['stated', 'uncertain', 'history', 'negated', 'family'];

/**
 * What a text says of the problem it names at each of `matches` (the terminology's `textMatches`): the reading
 * that matters most ("No mania but hypomanic episode last month" states a hypomanic episode).
 */
export function textContext(matches: readonly TextMatch[], cues: ConditionTextCues): TextContext {
  const readings = matches.map((m) => contextAt(m, cues));
  return WEIGHT.find((w) => readings.includes(w)) ?? 'stated';
}

/** What the text around one place where a problem's words stand says of it (see the module comment). */
function contextAt(match: TextMatch, cues: ConditionTextCues): TextContext {
  const p = patternsOf(cues);
  const { text, start, end } = match;
  const stops = spans(p.terminators, text);
  // A cue reaches the problem's words when no terminator lies between them.
  const reaches = (cue: { start: number; end: number }) => {
    const [from, to] = cue.end <= start ? [cue.end, start] : [end, cue.start];
    return !stops.some((s) => s.start >= from && s.end <= to);
  };
  const found = (re: RegExp, side: 'before' | 'after' | 'either') =>
    spans(re, text).some((c) => {
      const before = c.end <= start;
      const after = c.start >= end;
      return (side === 'before' ? before : side === 'after' ? after : before || after) && reaches(c);
    });
  if (found(p.family, 'either')) return 'family';
  if (found(p.before, 'before') || found(p.after, 'after')) return 'negated';
  if (found(p.uncertain, 'either')) return 'uncertain';
  if (found(p.history, 'either')) return 'history';
  return 'stated';
}

/** Whether any of a Condition's categories names family history (a category some systems use for a relative's problem). */
export function categoryIsFamilyHistory(categories: unknown, cues: ConditionTextCues): boolean {
  if (!Array.isArray(categories)) return false;
  const re = patternsOf(cues).family;
  return categories.some((cc: fhir4.CodeableConcept | null) => {
    const words = [cc?.text, ...(Array.isArray(cc?.coding) ? cc.coding.flatMap((c) => [c?.display, c?.code]) : [])];
    return words.some((w) => typeof w === 'string' && spans(re, w.replace(/[-_]/g, ' ')).length > 0);
  });
}
