import type { Indicator } from '../../src/cds-hooks/protocol.js';
import type { Finding, Modality, Outcome, RuleKind, RuleSource } from './findings.js';
import type { RecordIndex } from './record.js';
import type { Thresholds } from './thresholds.js';
import type { Trial } from './trials.js';

/** What every rule reads: the indexed record, the clock's "now", thresholds, and the trials. */
export interface RuleContext {
  index: RecordIndex;
  now: Date;
  thresholds: Thresholds;
  trials: () => Trial[];
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
  source: RuleSource;
  evaluate(ctx: RuleContext): Outcome;
}

export const defineRule = (rule: Rule): Rule => rule;

function indicatorOf(rule: Rule, outcome: Outcome): Indicator {
  if (rule.kind === 'monitoring') return 'info';
  if (rule.kind === 'eligibility') return outcome.status === 'met' ? 'info' : 'warning';
  if (rule.kind === 'absolute' && outcome.status === 'met' && rule.absoluteFor?.length) return 'critical';
  if (!rule.absoluteFor?.length && !rule.cautionFor?.length) return 'info';
  return 'warning';
}

// A rule's modalities are fixed: listed once per rule, not once per call.
const modalitiesOfRule = new WeakMap<Rule, readonly Modality[]>();

function modalitiesOf(rule: Rule): readonly Modality[] {
  let list = modalitiesOfRule.get(rule);
  if (!list) modalitiesOfRule.set(rule, (list = [...new Set([...(rule.absoluteFor ?? []), ...(rule.cautionFor ?? []), ...(rule.infoFor ?? [])])]));
  return list;
}

const NONE: readonly Modality[] = [];

/** Each reference once, in first-seen order; the list itself when it repeats nothing. */
function distinct(refs: string[]): string[] {
  if (refs.length < 2) return refs;
  const set = new Set(refs);
  return set.size === refs.length ? refs : [...set];
}

export function runRule(rule: Rule, ctx: RuleContext): Finding {
  const outcome = rule.evaluate(ctx);
  return {
    rule: rule.id,
    title: rule.title,
    kind: rule.kind,
    modalities: modalitiesOf(rule),
    absoluteFor: rule.absoluteFor ?? NONE,
    cautionFor: rule.cautionFor ?? NONE,
    indicator: indicatorOf(rule, outcome),
    source: rule.source,
    status: outcome.status,
    evidence: distinct(outcome.evidence),
    missing: outcome.missing,
    ...(outcome.note === undefined ? {} : { note: outcome.note }),
    ...(outcome.data === undefined ? {} : { data: outcome.data }),
    ...(outcome.settledBy === undefined ? {} : { settledBy: outcome.settledBy }),
  };
}
