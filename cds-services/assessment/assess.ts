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
import { assessTrials, type Trial } from './trials.js';

export const RULES: readonly Rule[] = [...ELIGIBILITY_RULES, ...CONTRAINDICATION_RULES, ...CAUTION_RULES, ...MONITORING_RULES];

export type Verdict = 'contraindicated' | 'caution' | 'clear';

export interface ModalityVerdict {
  status: Verdict;
  /** Rule ids behind the verdict. */
  because: string[];
}

export interface Assessment {
  now: Date;
  trd: { status: Status; adequateTrials: number; failedTrials: number; unknownTrials: number; evidence: string[] };
  trials: Trial[];
  criteria: Finding[];
  findings: Finding[];
  modalities: Record<Modality, ModalityVerdict>;
  byRule: Map<string, Finding>;
  /** Anything of depression on record at all: a diagnosis or an antidepressant. */
  isDepressionPatient: boolean;
  /** Resources left out of the record because they named another patient (count and types, no ids). */
  otherPatient: { count: number; types: string[] };
}

const RANK: Record<Verdict, number> = { clear: 0, caution: 1, contraindicated: 2 };

/** The combination carries the risks of both of its parts. */
const CONSIDERED: Record<Modality, readonly Modality[]> = {
  'iv-ketamine': ['iv-ketamine'],
  esketamine: ['esketamine'],
  tms: ['tms'],
  'ketamine-tms-combination': ['ketamine-tms-combination', 'iv-ketamine', 'tms'],
};

function verdictFor(modality: Modality, findings: Finding[]): ModalityVerdict {
  const considered = CONSIDERED[modality];
  const touches = (list: readonly Modality[]) => list.some((m) => considered.includes(m));
  let status: Verdict = 'clear';
  const because: string[] = [];
  const raise = (v: Verdict, rule: string) => {
    if (RANK[v] > RANK[status]) {
      status = v;
      because.length = 0;
    }
    if (v === status && v !== 'clear' && !because.includes(rule)) because.push(rule);
  };
  for (const f of findings) {
    // Only absolute and relative rules decide a verdict, and only for the modalities they name as such.
    const absolute = touches(f.absoluteFor);
    if (!absolute && !touches(f.cautionFor)) continue;
    if (f.status === 'met') raise(absolute ? 'contraindicated' : 'caution', f.rule);
    else if (f.status === 'unknown' && absolute) raise('caution', f.rule);
  }
  return { status, because };
}

/** Checks at start-up that every concept the rules name was loaded. */
export function checkConcepts(terminology: Terminology): void {
  const missing = Object.entries(VS).filter(([, url]) => !terminology.has(url));
  if (missing.length) throw new ConfigurationError('Rules name ValueSets that were not loaded', missing.map(([n, u]) => `${n}: ${u}`));
}

/** Assesses one patient record: pure, given the record, the knowledge and the clock's now. */
export function assess(record: PatientRecord, knowledge: Knowledge, now: Date): Assessment {
  const index = new RecordIndex(record, knowledge, now);
  let trials: Trial[] | undefined;
  const ctx: RuleContext = { index, now, thresholds: knowledge.thresholds, trials: () => (trials ??= assessTrials(index)) };
  const all = RULES.map((r) => runRule(r, ctx));
  const byRule = new Map(all.map((f) => [f.rule, f]));
  const criteria = all.filter((f) => f.kind === 'eligibility');
  const findings = all.filter((f) => f.kind !== 'eligibility');

  const modalities = Object.fromEntries(MODALITIES.map((m) => [m, verdictFor(m, all)])) as Record<Modality, ModalityVerdict>;

  const el2 = byRule.get('EL-2')!;
  const data = (el2.data ?? {}) as { adequateTrials?: number; failedTrials?: number; unknownTrials?: number };
  const allTrials = ctx.trials();
  const el1 = byRule.get('EL-1')!;
  return {
    now,
    trd: {
      status: el2.status,
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
    // Unknown conditions could hide a diagnosis, so such a patient is treated as one.
    isDepressionPatient: el1.evidence.length > 0 || allTrials.length > 0 || !record.conditions.known,
    otherPatient: record.otherPatient,
  };
}

/** The machine-readable assessment carried on every response (extension "org.trdcds.assessment"). */
export function assessmentExtension(a: Assessment) {
  const slim = (f: Finding) => ({ rule: f.rule, status: f.status, evidence: f.evidence, missing: f.missing });
  return {
    // The TRD status's evidence is EL-2's, in `criteria`: not repeated here.
    version: '2',
    trd: { status: a.trd.status, adequateTrials: a.trd.adequateTrials, failedTrials: a.trd.failedTrials, unknownTrials: a.trd.unknownTrials },
    modalities: Object.fromEntries(MODALITIES.map((m) => [m, { status: a.modalities[m].status }])),
    criteria: a.criteria.map(slim),
    findings: a.findings
      .filter((f) => f.status !== 'not-met')
      .map((f) => ({ rule: f.rule, status: f.status, evidence: f.evidence, missing: f.missing, modalities: f.modalities, indicator: f.indicator })),
    // Named only when it happened: the EHR sent or served another patient's data, which no rule read.
    ...(a.otherPatient.count > 0 ? { excluded: { otherPatient: a.otherPatient } } : {}),
  };
}
