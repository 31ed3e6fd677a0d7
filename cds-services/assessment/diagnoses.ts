/**
 * Diagnoses as the rules read them (revision-2 section 3, DS-6): each depressive, bipolar, manic
 * and psychotic condition of the record with its state, read once per call.
 *
 * State (DS-6): `active`; `confirm` when the record holds it but a clinician must say whether it is
 * current (verification provisional, differential or unconfirmed; no clinicalStatus and older than
 * STATUSLESS_ACTIVE_DAYS or undated; a problem written only as text). Inactive ones (clinicalStatus
 * inactive, remission or resolved, or abated) are kept apart as `history`: bipolar disorder and psychotic
 * disorders are lifelong, and the rules that care say so (RC-1, CI-2, EL-9) [local: revision-2 is silent].
 * A problem written as text is read for its cues (condition-text.ts): a relative's, or a negated one, is
 * not the patient's diagnosis and is left out; 'history of' or 'resolved' makes it history.
 */
import { VS } from './concepts.js';
import { categoryIsFamilyHistory, textContext } from './condition-text.js';
import { conditionIsActive, isoDay, parseFhirDate, statusCode, withinDays } from './fhir-read.js';
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
  /** For history: how the record says it is past ("in remission", "resolved", "inactive", "abated 2021-03-01", "recorded as history"). */
  past?: string;
}

/** The diagnoses of one concept, split by state. */
export interface DiagnosisGroup {
  active: Diagnosis[];
  confirm: Diagnosis[];
  /** Recorded but not current (inactive, in remission, resolved, abated, or written as history). */
  history: Diagnosis[];
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

/** A condition's words: its text, a coding's display, else `named` (the name our ValueSets give its code), else its code. */
function displayOf(c: fhir4.Condition, named?: string): string {
  const coding = (Array.isArray(c.code?.coding) ? c.code!.coding : []).find((x) => typeof x?.code === 'string');
  return (typeof c.code?.text === 'string' && c.code.text) || coding?.display || named || coding?.code || 'condition';
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

/** How a recorded, inactive condition says it is past: its clinicalStatus, else its abatement. */
function pastPhrase(c: fhir4.Condition): string {
  const status = statusCode(c.clinicalStatus);
  if (status === 'remission') return 'in remission';
  if (status === 'resolved' || status === 'inactive') return status;
  const abated = parseFhirDate(c.abatementDateTime) ?? parseFhirDate(c.abatementPeriod?.end ?? c.abatementPeriod?.start);
  return abated ? `abated ${isoDay(abated)}` : 'abated';
}

function group(index: RecordIndex, url: string, statuslessDays: number, textOnly: TextOnly): DiagnosisGroup {
  const out: DiagnosisGroup = { active: [], confirm: [], history: [] };
  const cues = index.knowledge.thresholds.diagnoses.conditionTextCues.value;
  for (const c of index.conditions(url)) {
    // A problem filed under a family-history category is a relative's, never the patient's (only the patient in context).
    if (categoryIsFamilyHistory(c.resource.category, cues)) continue;
    const s = conditionState(c, index.now, statuslessDays);
    if (!s) {
      out.history.push({
        ref: c.ref,
        code: codeOf(c.resource.code) ?? '',
        display: displayOf(c.resource),
        date: c.date,
        state: 'active',
        past: pastPhrase(c.resource),
      });
      continue;
    }
    const d: Diagnosis = {
      ref: c.ref,
      code: codeOf(c.resource.code) ?? '',
      display: displayOf(c.resource, index.knowledge.terminology.nameOf(c.resource.code, url)),
      date: c.date,
      state: s.state,
      ...(s.why ? { why: s.why } : {}),
      ...(s.verification ? { verification: s.verification } : {}),
    };
    out[s.state].push(d);
  }
  out.confirm.push(...(textOnly.confirm.get(url) ?? []));
  out.history.push(...(textOnly.history.get(url) ?? []));
  return out;
}

/** Problems named only by words, by concept: to confirm, or history. */
interface TextOnly {
  confirm: Map<string, Diagnosis[]>;
  history: Map<string, Diagnosis[]>;
}

/**
 * Problems whose words name a concept though no code of theirs does (DS-6): recorded with no code at all, or
 * only with codes no ValueSet lists (another system such as WHO ICD-10, a local code, a subtype the lists
 * lack). Each is "confirm" for that concept: a code the service cannot read is missing knowledge, never
 * evidence that the diagnosis is absent. The words are read for their cues (condition-text.ts): a relative's
 * problem ("Family history of schizophrenia (brother)") and a negated one ("Negative screen for mania", "No
 * psychosis") name nothing of the patient's; a past one ("history of", "resolved", or its status) is history.
 */
function textOnlyConditions(index: RecordIndex, urls: readonly string[]): TextOnly {
  const t = index.knowledge.terminology;
  const cues = index.knowledge.thresholds.diagnoses.conditionTextCues.value;
  const out: TextOnly = { confirm: new Map(), history: new Map() };
  if (!index.record.conditions.known) return out;
  for (const c of index.record.conditions.items) {
    if (!c.code || t.conceptsOf(c.code, false).size > 0) continue;
    const coded = codeOf(c.code);
    const words = displayOf(c);
    const v = statusCode(c.verificationStatus);
    if (v === 'refuted' || v === 'entered-in-error' || categoryIsFamilyHistory(c.category, cues)) continue;
    const clinical = statusCode(c.clinicalStatus);
    const inactive = (clinical !== undefined && !['active', 'recurrence', 'relapse'].includes(clinical)) || !conditionIsActive(c, index.now);
    for (const url of urls) {
      // Every place the concept's words stand, in the text and in each coding's display (as inConcept reads them).
      const matches = [c.code.text, ...(Array.isArray(c.code.coding) ? c.code.coding.map((x) => x?.display) : [])].flatMap((w) => t.textMatches(w, url));
      if (!matches.length) continue;
      const context = textContext(matches, cues);
      if (context === 'family' || context === 'negated') continue;
      const d: Diagnosis = coded
        ? { ref: `Condition/${c.id ?? 'unidentified'}`, code: coded, display: words, state: 'confirm', why: 'unlisted code' }
        : { ref: `Condition/${c.id ?? 'unidentified'}`, code: words, display: words, state: 'confirm', why: 'text only' };
      // Past by its status, or by its words ('history of', 'resolved'); 'rule out' stays to confirm.
      const past = context === 'uncertain' ? undefined : inactive ? pastPhrase(c) : context === 'history' ? 'recorded as history' : undefined;
      const into = past ? out.history : out.confirm;
      into.set(url, [...(into.get(url) ?? []), past ? { ...d, state: 'active', past } : d]);
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
    const g = (url: string) => group(index, url, days, text);
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

/** "F31.9, in remission", or a text-only problem quoted ("'Psychosis (resolved 2010)'"): a past diagnosis in a summary. */
export function historyPhrase(d: Diagnosis): string {
  if (d.why === 'text only') return `'${d.display}'`;
  return `${d.code || d.display}, ${d.past ?? 'past'}`;
}

/** Resources of diagnoses, for evidence. */
export const refsOf = (list: readonly Diagnosis[]): string[] => list.map((d) => d.ref);
