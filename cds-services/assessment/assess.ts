import { ConfigurationError } from '../../src/errors.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from './concepts.js';
import { MODALITIES, type Finding, type Modality, type Status } from './findings.js';
import { RecordIndex, type Knowledge, type PatientRecord } from './record.js';
import { runRule, type Rule, type RuleContext } from './rule.js';
import { CAUTION_RULES } from './rules/cautions.js';
import { CONTRAINDICATION_RULES } from './rules/contraindications.js';
import { ELIGIBILITY_RULES } from './rules/eligibility.js';
import { MONITORING_RULES } from './rules/monitoring.js';
import { BLOOD_PRESSURE_RULES } from './rules/blood-pressure.js';
import { BREATHING_AND_COGNITION_RULES } from './rules/breathing-and-cognition.js';
import { CARDIOVASCULAR_RULES } from './rules/cardiovascular.js';
import { MEDICINE_RULES } from './rules/medicines.js';
import { PREGNANCY_RULES } from './rules/pregnancy.js';
import { SUBSTANCE_USE_RULES } from './rules/substance-use.js';
import { SUICIDE_RISK_RULES } from './rules/suicide-risk.js';
import { TMS_SAFETY_RULES } from './rules/tms-safety.js';
import { ECT_RULES } from './rules/ect.js';
import { COMBINATION_LATE_RULES, COMBINATION_RULES } from './rules/combination.js';
import { assessTrials, type Trial } from './attempts.js';
import { diagnoses } from './diagnoses.js';
import { parseFhirDate, withinDays } from './fhir-read.js';
import type { Thresholds } from './thresholds.js';

export const RULES: readonly Rule[] = [
  ...ELIGIBILITY_RULES,
  // Safety (revision-2 section 6), by family, then the rules.md contraindications and cautions it leaves in place.
  ...SUICIDE_RISK_RULES,
  ...SUBSTANCE_USE_RULES,
  ...PREGNANCY_RULES,
  ...BLOOD_PRESSURE_RULES,
  ...CARDIOVASCULAR_RULES,
  ...TMS_SAFETY_RULES,
  ...BREATHING_AND_COGNITION_RULES,
  ...MEDICINE_RULES,
  ...CONTRAINDICATION_RULES,
  ...CAUTION_RULES,
  ...COMBINATION_RULES,
  ...MONITORING_RULES,
];

/**
 * Rules that read other rules' findings and the verdicts (RC-15 the combination, EL-12 ECT as the
 * alternative): run after the verdicts, which they never change (they are information or a warning
 * about the combination's eligibility, not a safety verdict).
 */
export const LATE_RULES: readonly Rule[] = [...COMBINATION_LATE_RULES, ...ECT_RULES];

/**
 * One verdict per treatment (revision-2 1.3): contraindicated (an absolute rule found), deferred
 * (start waits for a same-day evaluation, CI-1), caution, or clear ("no contraindication found").
 */
export type Verdict = 'contraindicated' | 'deferred' | 'caution' | 'clear';

export interface ModalityVerdict {
  status: Verdict;
  /** Rule ids behind the verdict. */
  because: string[];
  /**
   * Absolute rules for this treatment that could not be evaluated (CD-4): a "clear" verdict with
   * any of these reads "no contraindication found in the checks that could be run".
   */
  notChecked: string[];
}

export interface Assessment {
  now: Date;
  /** The whole TRD definition: a current MDD episode (EL-1) and the failed attempts (EL-2), three-valued. */
  trd: { status: Status; adequateTrials: number; failedTrials: number; unknownTrials: number; evidence: string[] };
  trials: Trial[];
  criteria: Finding[];
  findings: Finding[];
  modalities: Record<Modality, ModalityVerdict>;
  byRule: Map<string, Finding>;
  /** EL-10: whether patient-view shows TRD cards for this chart, and why. */
  isDepressionPatient: boolean;
  /** Resources left out of the record because they named another patient (count and types, no ids). */
  otherPatient: { count: number; types: string[] };
  /** Resources left out because they named no patient the call could tie to anyone (count only). */
  unattributable: number;
  chart: ChartScope;
  /** Modalities whose start is not to be suggested, with the rule that withholds it (RC-1 bipolar, MO-9 course, EL-6 age unknown). */
  withheldSuggestions: Partial<Record<Modality, string>>;
  /** The indexed record the rules read, for order review (OR-*), which reads it per draft. */
  index: RecordIndex;
}

/** EL-10: which charts get patient-view TRD cards, and the reason in words. */
export interface ChartScope {
  show: boolean;
  because: 'deceased' | 'depressive-condition' | 'recent-score' | 'antidepressant' | 'conditions-unavailable' | 'nothing-depressive';
}

const RANK: Record<Verdict, number> = { clear: 0, caution: 1, deferred: 2, contraindicated: 3 };

/** The combination carries the risks of both of its parts. */
const CONSIDERED: Record<Modality, readonly Modality[]> = {
  'iv-ketamine': ['iv-ketamine'],
  esketamine: ['esketamine'],
  tms: ['tms'],
  'ketamine-tms-combination': ['ketamine-tms-combination', 'iv-ketamine', 'tms'],
};

/**
 * Eligibility rules an order-time check stands on: EL-6's age is what OR-8 checks (esketamine under 18
 * critical, IV ketamine under 18 a warning, TMS under 15). With the age unknown that check could not be
 * made (CD-4: "not checked: age"); for esketamine it is an absolute one, which keeps the verdict from
 * "clear" as any unknown absolute rule does. Source: revision-2 OR-8, OR-12, CD-4.
 */
const ELIGIBILITY_CHECKS: Readonly<Record<string, { absoluteFor: readonly Modality[]; for: readonly Modality[] }>> = {
  'EL-6': { absoluteFor: ['esketamine'], for: ['iv-ketamine', 'esketamine', 'tms', 'ketamine-tms-combination'] },
};

function verdictFor(modality: Modality, findings: Finding[]): ModalityVerdict {
  const considered = CONSIDERED[modality];
  const touches = (list: readonly Modality[]) => list.some((m) => considered.includes(m));
  let status: Verdict = 'clear';
  const because: string[] = [];
  const notChecked: string[] = [];
  const raise = (v: Verdict, rule: string) => {
    if (RANK[v] > RANK[status]) {
      status = v;
      because.length = 0;
    }
    if (v === status && v !== 'clear' && !because.includes(rule)) because.push(rule);
  };
  for (const f of findings) {
    const check = ELIGIBILITY_CHECKS[f.rule];
    if (check && f.status === 'unknown' && touches(check.for)) {
      notChecked.push(f.rule);
      if (touches(check.absoluteFor)) raise('caution', f.rule);
      continue;
    }
    // Only absolute, deferring and relative rules decide a verdict, and only for the modalities they name as such.
    const absolute = touches(f.absoluteFor);
    const defers = touches(f.deferFor);
    if (!absolute && !defers && !touches(f.cautionFor)) continue;
    if (f.status === 'met') {
      // An information-level outcome (controlled hypertension, a history of substance use) is no caution.
      if (absolute) raise('contraindicated', f.rule);
      else if (defers) raise('deferred', f.rule);
      else if (f.indicator !== 'info') raise('caution', f.rule);
    } else if (f.status === 'unknown') {
      // CD-4: what could not be checked is named beside the verdict. An absolute rule that could not
      // be checked still keeps the verdict from "clear": missing data is never evidence of absence.
      notChecked.push(f.rule);
      if (absolute || defers) raise('caution', f.rule);
    }
  }
  return { status, because, notChecked };
}

/** Checks at start-up that every concept the rules name was loaded. */
export function checkConcepts(terminology: Terminology): void {
  const missing = Object.entries(VS).filter(([, url]) => !terminology.has(url));
  if (missing.length)
    throw new ConfigurationError(
      'Rules name ValueSets that were not loaded',
      missing.map(([n, u]) => `${n}: ${u}`),
    );
}

/** Three-valued AND: not met if either is, met only if both are. */
function both(a: Status, b: Status): Status {
  if (a === 'not-met' || b === 'not-met') return 'not-met';
  return a === 'met' && b === 'met' ? 'met' : 'unknown';
}

/**
 * EL-10 Which charts get patient-view TRD cards (revision-2 section 3; local).
 * None for a deceased patient (DS-8). Otherwise shown for an active or confirm-status depressive
 * condition (EL-1 sets, remission, bipolar depression), a PHQ-9 >= 10 or MADRS >= 20 within
 * PV_SCORE_TRIGGER_DAYS, an antidepressant attempt in the episode, or conditions that could not be read.
 */
function chartScope(index: RecordIndex, trials: Trial[], thresholds: Thresholds): ChartScope {
  const patient = index.record.patient.items[0];
  const died = parseFhirDate(patient?.deceasedDateTime);
  if (patient?.deceasedBoolean === true || (died && died.getTime() <= index.now.getTime())) return { show: false, because: 'deceased' };
  if (!index.record.conditions.known) return { show: true, because: 'conditions-unavailable' };
  const dx = diagnoses(index);
  const depressive = [dx.mdd, dx.ambiguous, dx.remission, dx.bipolarDepression];
  if (depressive.some((g) => g.active.length || g.confirm.length)) return { show: true, because: 'depressive-condition' };
  const days = thresholds.diagnoses.patientViewScoreTriggerDays.value;
  const high = (url: string, cut: number) =>
    index.observations(url).some((o) => o.value !== undefined && o.value >= cut && withinDays(o.date, index.now, days));
  if (high(VS.phq9Total, thresholds.failure.phq9StillDepressedAtLeast.value) || high(VS.madrsTotal, thresholds.failure.madrsStillDepressedAtLeast.value)) {
    return { show: true, because: 'recent-score' };
  }
  if (trials.length > 0) return { show: true, because: 'antidepressant' };
  return { show: false, because: 'nothing-depressive' };
}

/** Assesses one patient record: pure, given the record, the knowledge and the clock's now. */
export function assess(record: PatientRecord, knowledge: Knowledge, now: Date): Assessment {
  const index = new RecordIndex(record, knowledge, now);
  let trials: Trial[] | undefined;
  const ctx: RuleContext = { index, now, thresholds: knowledge.thresholds, trials: () => (trials ??= assessTrials(index)) };
  const all = RULES.map((r) => runRule(r, ctx));
  const byRule = new Map(all.map((f) => [f.rule, f]));
  const modalities = Object.fromEntries(MODALITIES.map((m) => [m, verdictFor(m, all)])) as Record<Modality, ModalityVerdict>;
  for (const rule of LATE_RULES) {
    const f = runRule(rule, { ...ctx, assessed: { byRule, verdicts: modalities } });
    all.push(f);
    byRule.set(f.rule, f);
  }
  const criteria = all.filter((f) => f.kind === 'eligibility');
  const findings = all.filter((f) => f.kind !== 'eligibility');

  const el2 = byRule.get('EL-2')!;
  const data = (el2.data ?? {}) as { adequateTrials?: number; failedTrials?: number; unknownTrials?: number };
  const allTrials = ctx.trials();
  const el1 = byRule.get('EL-1')!;
  const chart = chartScope(index, allTrials, knowledge.thresholds);
  const withheldSuggestions: Partial<Record<Modality, string>> = {};
  const rc1 = byRule.get('RC-1');
  if (rc1?.status === 'met' && rc1.data?.['suggestEsketamine'] === false) withheldSuggestions.esketamine = 'RC-1';
  // MO-9: while any course is active, no new course of any modality is suggested.
  if (byRule.get('MO-9')?.status === 'met') for (const m of ['iv-ketamine', 'esketamine', 'tms'] as const) withheldSuggestions[m] ??= 'MO-9';
  // OR-12: K and E are withheld under 18 and TMS under 15; an age that could not be read is unknown, never adult.
  if (byRule.get('EL-6')?.status === 'unknown') for (const m of ['iv-ketamine', 'esketamine', 'tms'] as const) withheldSuggestions[m] ??= 'EL-6';
  return {
    now,
    trd: {
      status: both(el1.status, el2.status),
      adequateTrials: data.adequateTrials ?? 0,
      failedTrials: data.failedTrials ?? 0,
      unknownTrials: data.unknownTrials ?? 0,
      evidence: el2.evidence,
    },
    trials: allTrials,
    criteria,
    findings,
    modalities,
    byRule,
    isDepressionPatient: chart.show,
    chart,
    withheldSuggestions,
    otherPatient: record.otherPatient,
    unattributable: record.unattributable,
    index,
  };
}

/** The machine-readable assessment carried on every response (extension "org.trdcds.assessment"). */
export function assessmentExtension(a: Assessment) {
  const slim = (f: Finding) => ({ rule: f.rule, status: f.status, evidence: f.evidence, missing: f.missing });
  return {
    // The TRD status's evidence is EL-2's, in `criteria`: not repeated here.
    // Version 3: trd.status is the whole TRD definition (EL-1 and EL-2), and `chart` says why cards show (EL-10).
    version: '3',
    chart: a.chart,
    trd: { status: a.trd.status, adequateTrials: a.trd.adequateTrials, failedTrials: a.trd.failedTrials, unknownTrials: a.trd.unknownTrials },
    modalities: Object.fromEntries(
      MODALITIES.map((m) => [
        m,
        a.modalities[m].notChecked.length ? { status: a.modalities[m].status, notChecked: a.modalities[m].notChecked } : { status: a.modalities[m].status },
      ]),
    ),
    criteria: a.criteria.map(slim),
    findings: a.findings
      .filter((f) => f.status !== 'not-met')
      .map((f) => ({ rule: f.rule, status: f.status, evidence: f.evidence, missing: f.missing, modalities: f.modalities, indicator: f.indicator })),
    // Named only when it happened: the EHR sent or served another patient's data, or data naming no
    // patient, which no rule read.
    ...(a.otherPatient.count > 0 || a.unattributable > 0
      ? {
          excluded: {
            ...(a.otherPatient.count > 0 ? { otherPatient: a.otherPatient } : {}),
            ...(a.unattributable > 0 ? { unattributable: a.unattributable } : {}),
          },
        }
      : {}),
  };
}
