/**
 * Card rules CD-1, CD-3 and CD-5 of revision 2: findings are grouped under the clinical problem they
 * are about before any card is built (one card per problem, never two cards on one problem), and
 * worded for a clinician: human words, acronyms in their case, data gaps phrased as gaps, the rule id
 * only at the end in parentheses, and no engine words ("met", "not excluded") for a safety check.
 */
import type { Indicator } from '../../src/cds-hooks/protocol.js';
import type { Assessment } from '../assessment/assess.js';
import type { Finding } from '../assessment/findings.js';

/** The problems of CD-1 (and the few other ones the rules.md cautions are about). */
export type Problem =
  | 'suicidality'
  | 'psychosis'
  | 'bipolar'
  | 'substance-use'
  | 'pregnancy'
  | 'blood-pressure'
  | 'cardiovascular'
  | 'brain-vessels'
  | 'seizure'
  | 'implant'
  | 'cardiac-device'
  | 'respiratory'
  | 'cognition'
  | 'interaction'
  | 'liver'
  | 'allergy'
  | 'intracranial-pressure'
  | 'thyroid'
  | 'eyes'
  | 'bladder'
  | 'dissociation'
  | 'trd-status'
  | 'course'
  | 'payer'
  | 'monitoring'
  | 'medication-list'
  | 'data';

/** Which problem each rule is about. A rule not listed is about the TRD status (EL) or is monitoring (MO). */
const PROBLEM_OF: Readonly<Record<string, Problem>> = {
  'CI-1': 'suicidality',
  'RC-16': 'suicidality',
  'RC-17': 'suicidality',
  'CI-2': 'psychosis',
  'CI-12': 'bipolar',
  'RC-1': 'bipolar',
  'CI-3': 'substance-use',
  'RC-2': 'substance-use',
  'MO-13': 'substance-use',
  'CI-4': 'pregnancy',
  'RC-18': 'pregnancy',
  'CI-5': 'brain-vessels',
  'CI-6': 'blood-pressure',
  'RC-5': 'blood-pressure',
  'CI-7': 'cardiovascular',
  'RC-19': 'cardiovascular',
  'CI-8': 'allergy',
  'CI-9': 'seizure',
  'RC-6': 'seizure',
  'CI-10': 'implant',
  'RC-7': 'cardiac-device',
  'CI-11': 'intracranial-pressure',
  'CI-13': 'respiratory',
  'RC-20': 'respiratory',
  'RC-21': 'cognition',
  'RC-3': 'interaction',
  // A medicine that raises BP is a blood-pressure problem (it is read beside the BP itself).
  'RC-4': 'blood-pressure',
  'RC-22': 'interaction',
  'RC-8': 'liver',
  'RC-9': 'thyroid',
  'RC-10': 'eyes',
  'RC-11': 'bladder',
  'RC-12': 'dissociation',
  'RC-13': 'trd-status',
  'RC-14': 'payer',
  'RC-15': 'course',
};

/** The problem a rule id is about, when the rule is one of a problem family (undefined for a rule that is its own problem). */
export const problemOfRule = (rule: string): Problem | undefined => PROBLEM_OF[rule];

export function problemOf(f: Pick<Finding, 'rule' | 'kind'> & { data?: Finding['data']; status?: Finding['status'] }): Problem {
  // The medication list that could not be read is one gap, whichever medicine checks it leaves open (CD-1).
  if (f.status === 'unknown' && f.data?.['medicationListGap'] === true) return 'medication-list';
  // EL-9 is about the diagnosis in conflict: MDD beside bipolar is the bipolar problem, beside schizophrenia the psychosis one.
  if (f.rule === 'EL-9') {
    const conflicts = (f.data?.['conflicts'] as string[] | undefined) ?? [];
    if (conflicts.some((c) => /bipolar/.test(c))) return 'bipolar';
    if (conflicts.some((c) => /schizophrenia/.test(c))) return 'psychosis';
    return 'trd-status';
  }
  return PROBLEM_OF[f.rule] ?? (f.kind === 'monitoring' ? 'monitoring' : f.kind === 'eligibility' ? 'trd-status' : 'data');
}

/**
 * The first summary that fits under 140 characters (CD-3), so a summary is never cut mid-thought:
 * callers list their wordings from the fullest to the shortest.
 */
export function firstFitting(...options: readonly string[]): string {
  const given = options.filter(Boolean);
  return given.find((o) => o.length < 140) ?? given[given.length - 1]!;
}

/**
 * `prefix + text + suffix`, then shorter: `text` cut after each of its clauses, from the last to the first (CD-3: a
 * summary is cut between thoughts, never inside one). Sentences become clauses ("A. B" reads "A; b"). A clause
 * boundary is a sentence end, a semicolon, or a comma before "with" (what follows adds how, not whether); never
 * inside parentheses, and never before "but", which qualifies what precedes it.
 */
export function clauseOptions(prefix: string, text: string, suffix: string): string[] {
  const joined = clause(text).replace(/\. (\S)/g, (_m, c: string) => `; ${inSentence(c)}`);
  const cuts: number[] = [];
  let depth = 0;
  for (let i = 0; i < joined.length; i++) {
    const ch = joined[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (!depth && (joined.startsWith('; ', i) || joined.startsWith(', with ', i))) cuts.push(i);
  }
  return [joined.length, ...cuts.reverse()].map((n) => `${prefix}${joined.slice(0, n)}${suffix}`);
}

/**
 * A sentence up to its first colon outside parentheses ("Bipolar disorder (F31.81: II)" stays whole), for a
 * summary that keeps only what was found: a cut inside a parenthesis would leave it unclosed (CD-3).
 */
export function leadClause(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (!depth && text.startsWith(': ', i)) return text.slice(0, i);
  }
  return text;
}

/**
 * `items` joined with commas, as many as fit in `room` characters, then "and N more"; when not even the
 * first fits, the first cut at a word with "…" (never a bare count: "1 problems" told a clinician nothing).
 */
export function fittingList(items: readonly string[], room: number): string {
  for (let n = items.length; n > 0; n--) {
    const more = items.length - n;
    const text = `${items.slice(0, n).join(', ')}${more ? ` and ${more} more` : ''}`;
    if (text.length <= room) return text;
  }
  const more = items.length > 1 ? ` and ${items.length - 1} more` : '';
  const cut = (items[0] ?? '').slice(0, Math.max(room - more.length - 1, 0));
  const word = cut.lastIndexOf(' ');
  return `${cut.slice(0, word > cut.length / 2 ? word : cut.length).replace(/[\s,;:(]+$/, '')}…${more}`;
}

/** Names joined for a sentence: "IV ketamine", "IV ketamine and TMS", "IV ketamine, esketamine and TMS". */
export function joinNames(names: readonly string[], word: 'and' | 'or' = 'and'): string {
  const unique = [...new Set(names)];
  return unique.length > 1 ? `${unique.slice(0, -1).join(', ')} ${word} ${unique[unique.length - 1]}` : (unique[0] ?? '');
}

/** How a card names each problem, in clinical words with acronyms in their case. */
export const PROBLEM_NAMES: Readonly<Record<Problem, string>> = {
  suicidality: 'suicide risk',
  psychosis: 'psychosis',
  bipolar: 'bipolar disorder or mania',
  'substance-use': 'substance use',
  pregnancy: 'pregnancy or breastfeeding',
  'blood-pressure': 'BP',
  cardiovascular: 'heart or brain-vessel disease',
  'brain-vessels': 'aneurysm, AVM or brain haemorrhage',
  seizure: 'seizure risk',
  implant: 'implant near the TMS coil',
  'cardiac-device': 'pacemaker or implanted cardiac device',
  respiratory: 'breathing and SpO2',
  cognition: 'delirium or cognitive impairment',
  interaction: 'sedating medicines',
  liver: 'liver disease',
  allergy: 'ketamine allergy',
  'intracranial-pressure': 'raised intracranial pressure',
  thyroid: 'hyperthyroidism',
  eyes: 'glaucoma',
  bladder: 'bladder symptoms',
  dissociation: 'dissociative disorder',
  'trd-status': 'TRD status',
  course: 'treatment course',
  payer: 'coverage',
  monitoring: 'monitoring',
  'medication-list': 'medication list',
  data: 'missing data',
};

/** Findings grouped by problem, in first-seen order. */
export function groupByProblem(findings: readonly Finding[]): Map<Problem, Finding[]> {
  const out = new Map<Problem, Finding[]>();
  for (const f of findings) {
    const p = problemOf(f);
    const list = out.get(p);
    if (list) list.push(f);
    else out.set(p, [f]);
  }
  return out;
}

const RANK: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 };
/** The highest indicator among findings (CD-1: CI-6 and RC-5 on one reading make one card at the higher one). */
export function highestIndicator(findings: readonly Pick<Finding, 'indicator'>[]): Indicator {
  return findings.reduce<Indicator>((best, f) => (RANK[f.indicator] < RANK[best] ? f.indicator : best), 'info');
}

/** Words kept in their case when a sentence is lower-cased at its start (CD-3). */
const ACRONYM = /^(BP|HR|SpO2|MI|CNS|MAOI|TMS|ECT|PHQ-9|MADRS|C-SSRS|hCG|REMS|SPRAVATO|TRD|MDD|AVM|TIA|COPD|IV|PDMP|SUD)\b/;

/** A title as it reads inside a sentence: the first letter lower-cased unless it starts an acronym or a name. */
export function inSentence(text: string): string {
  if (!text || ACRONYM.test(text) || /^[A-Z]{2}/.test(text)) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A sentence for a card's first words: its first letter upper-cased. */
export const sentenceCase = (text: string): string => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

/** Removes a trailing full stop, so a finding's note can sit inside a longer sentence. */
export const clause = (text: string): string => text.replace(/\.\s*$/, '');

/**
 * What a card says of one finding (CD-3): the rule's own sentence when it wrote one (its notes name
 * what was found, or the gap as a gap: "No BP recorded in the last 30 days"); otherwise the check
 * and what is missing.
 */
export function findingSentence(f: Finding): string {
  if (f.note) return clause(f.note);
  if (f.status === 'unknown') return `${sentenceCase(inSentence(f.title))} could not be checked: ${f.missing.join('; ') || 'data unavailable'}`;
  return sentenceCase(inSentence(f.title));
}

/**
 * Findings as sentences, each with its rules; a sentence two rules share is said once (CD-1):
 * "BP on 2026-11-20 could not be read: ... (CI-6, RC-5)", not the same words twice.
 */
export function sentencesWithRules(fs: readonly Finding[], sentence: (f: Finding) => string = findingSentence): string[] {
  const rules = new Map<string, string[]>();
  for (const f of fs) {
    const text = sentence(f);
    const ids = rules.get(text);
    if (!ids) rules.set(text, [f.rule]);
    else if (!ids.includes(f.rule)) ids.push(f.rule);
  }
  return [...rules].map(([text, ids]) => `${text} (${ids.join(', ')})`);
}

/**
 * CD-5 status words. Eligibility: meets / does not meet / unknown (what is needed). Contraindications
 * and cautions: found / not found / could not check (what is missing). Never "met" for a safety check.
 * `withMissing` false leaves out what is missing (a table that has its own column for it).
 */
export function statusWords(f: Finding, withMissing = true): string {
  const missing = withMissing && f.missing.length ? ` (${f.missing.join('; ')})` : '';
  if (f.kind === 'eligibility') return f.status === 'met' ? 'meets' : f.status === 'not-met' ? 'does not meet' : `unknown${missing}`;
  // EL-11 (staging) and EL-12 (ECT as the alternative) are information, not tasks: they apply or not.
  if (f.kind === 'monitoring' && f.rule.startsWith('EL-'))
    return f.status === 'met' ? 'applies' : f.status === 'not-met' ? 'does not apply' : `unknown${missing}`;
  if (f.kind === 'monitoring') return f.status === 'met' ? 'to do' : f.status === 'not-met' ? 'done' : `unknown${missing}`;
  return f.status === 'met' ? 'found' : f.status === 'not-met' ? 'not found' : `could not check${missing}`;
}

/** "(CI-4)", or "(CI-6, RC-5)": the rule ids at the end of a summary. */
export const ruleIds = (findings: readonly Pick<Finding, 'rule'>[]): string => `(${[...new Set(findings.map((f) => f.rule))].join(', ')})`;

/**
 * EL-4's doubt about the current episode in the card's words ("Latest PHQ-9 3 on <date> (minimal):
 * confirm the depressive episode is current"), or undefined. An active course explains a low score
 * (a response), so it is no doubt then.
 */
export function episodeInDoubt(a: Assessment): string | undefined {
  const el4 = a.byRule.get('EL-4');
  if (el4?.data?.['reason'] !== 'episode-in-doubt' || (a.byRule.get('MO-7')?.data as { active?: boolean } | undefined)?.active) return undefined;
  return el4.note?.replace(/\.$/, '');
}
