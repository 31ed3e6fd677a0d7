/**
 * Diagnoses as the rules read them (revision-2 section 3, DS-6): each depressive, bipolar, manic
 * and psychotic condition of the record with its state, read once per call.
 *
 * State (DS-6): `active`; `confirm` when the record holds it but a clinician must say whether it is
 * current (verification provisional, differential or unconfirmed; no clinicalStatus and older than
 * STATUSLESS_ACTIVE_DAYS or undated; a problem written only as text); inactive ones are left out.
 */
import { VS } from './concepts.js';
import { isoDay, statusCode, withinDays } from './fhir-read.js';
import type { IndexedCondition, RecordIndex } from './record.js';

export type ConditionState = 'active' | 'confirm';

export interface Diagnosis {
  ref: string;
  /** The code as recorded (first coding with a code), or the text of a text-only problem. */
  code: string;
  display: string;
  date?: Date;
  state: ConditionState;
  /** For `confirm`: why the clinician must confirm, in words. */
  why?: 'unconfirmed' | 'no status' | 'text only' | 'unlisted code';
  /** For `unconfirmed`: the verificationStatus code as recorded (provisional, differential, unconfirmed). */
  verification?: string;
}

/** The diagnoses of one concept, split by state. */
export interface DiagnosisGroup {
  active: Diagnosis[];
  confirm: Diagnosis[];
}

export interface DiagnosisFacts {
  /** MDD current episode (rules.md 2.1 list, SNOMED MDD, TRD 1153570009, postpartum F53.0/58703003). */
  mdd: DiagnosisGroup;
  trdCoded: DiagnosisGroup;
  postpartum: DiagnosisGroup;
  remission: DiagnosisGroup;
  ambiguous: DiagnosisGroup;
  bipolar: DiagnosisGroup;
  bipolarDepression: DiagnosisGroup;
  mania: DiagnosisGroup;
  psychotic: DiagnosisGroup;
  schizophrenia: DiagnosisGroup;
  mddPsychotic: DiagnosisGroup;
  catatonia: DiagnosisGroup;
}

const codeOf = (cc: fhir4.CodeableConcept | undefined): string | undefined => {
  const c = (Array.isArray(cc?.coding) ? cc!.coding : []).find((x) => typeof x?.code === 'string');
  return c?.code;
};
const UNCONFIRMED = new Set(['provisional', 'differential', 'unconfirmed']);

function displayOf(c: fhir4.Condition): string {
  const coding = (Array.isArray(c.code?.coding) ? c.code!.coding : []).find((x) => typeof x?.code === 'string');
  return (typeof c.code?.text === 'string' && c.code.text) || coding?.display || coding?.code || 'condition';
}

/**
 * The state of an indexed (coded) condition: active, confirm, or undefined when inactive.
 * A condition with no clinicalStatus is active only when recorded within `statuslessDays` (DS-6).
 */
export function conditionState(
  c: IndexedCondition,
  now: Date,
  statuslessDays: number,
): { state: ConditionState; why?: Diagnosis['why']; verification?: string } | undefined {
  if (!c.active) return undefined;
  const verification = statusCode(c.resource.verificationStatus);
  if (verification !== undefined && UNCONFIRMED.has(verification)) return { state: 'confirm', why: 'unconfirmed', verification };
  if (statusCode(c.resource.clinicalStatus) === undefined && !(c.date && withinDays(c.date, now, statuslessDays)))
    return { state: 'confirm', why: 'no status' };
  return { state: 'active' };
}

function group(index: RecordIndex, url: string, statuslessDays: number, textOnly: readonly Diagnosis[]): DiagnosisGroup {
  const out: DiagnosisGroup = { active: [], confirm: [] };
  for (const c of index.conditions(url)) {
    const s = conditionState(c, index.now, statuslessDays);
    if (!s) continue;
    const d: Diagnosis = {
      ref: c.ref,
      code: codeOf(c.resource.code) ?? '',
      display: displayOf(c.resource),
      date: c.date,
      state: s.state,
      ...(s.why ? { why: s.why } : {}),
      ...(s.verification ? { verification: s.verification } : {}),
    };
    out[s.state].push(d);
  }
  for (const d of textOnly) out.confirm.push(d);
  return out;
}

/**
 * Problems whose words name a concept though no code of theirs does (DS-6): recorded with no code at all, or
 * only with codes no ValueSet lists (another system such as WHO ICD-10, a local code, a subtype the lists
 * lack). Each is "confirm" for that concept: a code the service cannot read is missing knowledge, never
 * evidence that the diagnosis is absent.
 */
function textOnlyConditions(index: RecordIndex, urls: readonly string[]): Map<string, Diagnosis[]> {
  const t = index.knowledge.terminology;
  const out = new Map<string, Diagnosis[]>();
  if (!index.record.conditions.known) return out;
  for (const c of index.record.conditions.items) {
    if (!c.code || t.conceptsOf(c.code, false).size > 0) continue;
    const coded = codeOf(c.code);
    const words = displayOf(c);
    const v = statusCode(c.verificationStatus);
    if (v === 'refuted' || v === 'entered-in-error') continue;
    const clinical = statusCode(c.clinicalStatus);
    if (clinical !== undefined && !['active', 'recurrence', 'relapse'].includes(clinical)) continue;
    for (const url of urls) {
      if (!t.inConcept(c.code, url)) continue;
      const d: Diagnosis = coded
        ? { ref: `Condition/${c.id ?? 'unidentified'}`, code: coded, display: words, state: 'confirm', why: 'unlisted code' }
        : { ref: `Condition/${c.id ?? 'unidentified'}`, code: words, display: words, state: 'confirm', why: 'text only' };
      out.set(url, [...(out.get(url) ?? []), d]);
    }
  }
  return out;
}

/** The diagnostic facts of the record, read once per call. */
export function diagnoses(index: RecordIndex): DiagnosisFacts {
  return index.once('diagnoses', () => {
    const days = index.knowledge.thresholds.diagnoses.statuslessActiveDays.value;
    // Text-only problems name a concept by words (the ValueSet's text-match list); coded ones by code.
    const text = textOnlyConditions(index, [VS.depressionNeedsConfirmation, VS.bipolar, VS.maniaCurrentEpisode, VS.psychoticDisorders, VS.catatonia]);
    const g = (url: string) => group(index, url, days, text.get(url) ?? []);
    return {
      mdd: g(VS.mddCurrentEpisode),
      trdCoded: g(VS.treatmentResistantDepression),
      postpartum: g(VS.postpartumDepression),
      remission: g(VS.mddInRemission),
      ambiguous: g(VS.depressionNeedsConfirmation),
      bipolar: g(VS.bipolar),
      bipolarDepression: g(VS.bipolarDepression),
      mania: g(VS.maniaCurrentEpisode),
      psychotic: g(VS.psychoticDisorders),
      schizophrenia: g(VS.schizophreniaSpectrum),
      mddPsychotic: g(VS.mddPsychoticFeatures),
      catatonia: g(VS.catatonia),
    };
  });
}

/** "F33.42 (2026-03-01)": a diagnosis as a clinician reads it in a summary. */
export const diagnosisLabel = (d: Diagnosis): string => `${d.code}${d.date ? ` (${isoDay(d.date)})` : ''}`;

/**
 * Why a diagnosis needs confirming, as a clinician reads it: "Bipolar II disorder is provisional
 * (2026-11-20)", "Bipolar disorder has no clinical status (2019-04-02)", "'bipolar' is recorded as text only".
 */
export function confirmPhrase(d: Diagnosis): string {
  const date = d.date ? ` (${isoDay(d.date)})` : '';
  if (d.why === 'unconfirmed') return `${d.display} is ${d.verification ?? 'unconfirmed'}${date}`;
  if (d.why === 'no status') return `${d.display} has no clinical status${date}`;
  if (d.why === 'text only') return `'${d.display}' is recorded as text only`;
  if (d.why === 'unlisted code') return `'${d.display}' is recorded with a code this service does not list (${d.code})`;
  return `${d.display}${date}`;
}

/** Resources of diagnoses, for evidence. */
export const refsOf = (list: readonly Diagnosis[]): string[] => list.map((d) => d.ref);
