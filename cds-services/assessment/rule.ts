import type { Indicator } from '../../src/cds-hooks/protocol.js';
import type { Finding, Modality, Outcome, RuleKind, RuleSource } from './findings.js';
import type { RecordIndex } from './record.js';
import type { Thresholds } from './thresholds.js';
import type { Trial } from './attempts.js';

/** What every rule reads: the indexed record, the clock's "now", thresholds, and the trials. */
export interface RuleContext {
  index: RecordIndex;
  now: Date;
  thresholds: Thresholds;
  trials: () => Trial[];
  /**
   * For the rules that read other rules' findings (EL-12, RC-15): every earlier finding and each
   * treatment's verdict. Absent for the rules that run first; see LATE_RULES in assess.ts.
   */
  assessed?: AssessedSoFar;
}

/** The findings and verdicts a late rule reads (assess.ts runs the late rules after the verdicts). */
export interface AssessedSoFar {
  byRule: ReadonlyMap<string, Finding>;
  verdicts: Readonly<
    Record<Modality, { status: 'contraindicated' | 'deferred' | 'caution' | 'clear'; because: readonly string[]; notChecked: readonly string[] }>
  >;
}

export interface Rule {
  id: string;
  title: string;
  kind: RuleKind;
  /** Modalities for which a met rule is an absolute contraindication (critical). */
  absoluteFor?: Modality[];
  /** Modalities for which a met rule is a caution (warning). */
  cautionFor?: Modality[];
  /** Modalities for which the rule is information only. */
  infoFor?: Modality[];
  /** Modalities whose start waits for a same-day evaluation when the rule is met (CI-1): verdict "deferred". */
  deferFor?: Modality[];
  source: RuleSource;
  /**
   * The source for one treatment where `source` does not speak to it (a caution the esketamine label
   * makes for esketamine, the ketamine label for IV ketamine): a card about that treatment cites it.
   */
  sourceFor?: Partial<Record<Modality, RuleSource>>;
  evaluate(ctx: RuleContext): Outcome;
}

export const defineRule = (rule: Rule): Rule => rule;

function indicatorOf(rule: Rule, outcome: Outcome): Indicator {
  if (outcome.indicator) return outcome.indicator;
  if (rule.kind === 'monitoring') return 'info';
  if (rule.kind === 'eligibility') return outcome.status === 'met' ? 'info' : 'warning';
  if (rule.kind === 'absolute' && outcome.status === 'met' && (outcome.absoluteFor ?? rule.absoluteFor)?.length) return 'critical';
  if (!rule.absoluteFor?.length && !rule.cautionFor?.length) return 'info';
  return 'warning';
}

// A rule's modalities are fixed: listed once per rule, not once per call.
const modalitiesOfRule = new WeakMap<Rule, readonly Modality[]>();

function modalitiesOf(rule: Rule): readonly Modality[] {
  let list = modalitiesOfRule.get(rule);
  if (!list)
    modalitiesOfRule.set(
      rule,
      (list = [...new Set([...(rule.absoluteFor ?? []), ...(rule.deferFor ?? []), ...(rule.cautionFor ?? []), ...(rule.infoFor ?? [])])]),
    );
  return list;
}

const NONE: readonly Modality[] = [];

/** Each reference once, in first-seen order; the list itself when it repeats nothing. */
function distinct(refs: string[]): string[] {
  if (refs.length < 2) return refs;
  const set = new Set(refs);
  return set.size === refs.length ? refs : [...set];
}

/** A rule whose outcome narrows its absolute modalities (a configured policy) keeps the others as cautions. */
function cautionsBesides(rule: Rule, absolute: readonly Modality[]): readonly Modality[] {
  return [...new Set([...(rule.cautionFor ?? []), ...(rule.absoluteFor ?? []).filter((m) => !absolute.includes(m))])];
}

export function runRule(rule: Rule, ctx: RuleContext): Finding {
  const outcome = rule.evaluate(ctx);
  const finding: Finding = {
    rule: rule.id,
    title: rule.title,
    kind: rule.kind,
    modalities: modalitiesOf(rule),
    deferFor: rule.deferFor ?? NONE,
    absoluteFor: outcome.absoluteFor ?? rule.absoluteFor ?? NONE,
    cautionFor: outcome.absoluteFor ? cautionsBesides(rule, outcome.absoluteFor) : (rule.cautionFor ?? NONE),
    indicator: indicatorOf(rule, outcome),
    source: rule.source,
    status: outcome.status,
    evidence: distinct(outcome.evidence),
    missing: outcome.missing,
  };
  // The optional fields only when the outcome has them (set, not spread: every rule of every call).
  if (rule.sourceFor !== undefined) finding.sourceFor = rule.sourceFor;
  if (outcome.note !== undefined) finding.note = outcome.note;
  if (outcome.data !== undefined) finding.data = outcome.data;
  if (outcome.settledBy !== undefined) finding.settledBy = outcome.settledBy;
  return finding;
}
