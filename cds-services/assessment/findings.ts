import type { Indicator } from '../../src/cds-hooks/protocol.js';

export const MODALITIES = ['iv-ketamine', 'esketamine', 'tms', 'ketamine-tms-combination'] as const;
export type Modality = (typeof MODALITIES)[number];

export const MODALITY_NAMES: Record<Modality, string> = {
  'iv-ketamine': 'IV ketamine',
  esketamine: 'esketamine (SPRAVATO)',
  tms: 'TMS',
  'ketamine-tms-combination': 'ketamine + TMS',
};

/** Three-valued: unknown is never read as not-met. */
export type Status = 'met' | 'not-met' | 'unknown';

export type RuleKind = 'eligibility' | 'absolute' | 'relative' | 'monitoring';

export interface RuleSource {
  label: string;
  url: string;
}

/** What a rule concluded about one patient, with the resources that decided it. */
export interface Outcome {
  status: Status;
  /** References (`Condition/abc`) of the resources behind the status. */
  evidence: string[];
  /** For unknown (or an unmet requirement): what data would settle it, in words. */
  missing: string[];
  /** One clinical sentence saying what was found, for the card. */
  note?: string;
  data?: Record<string, unknown>;
  /** Orders that would settle what is missing (suggested on the missing-data card). */
  settledBy?: SettlingOrder[];
  /**
   * Where one rule's outcomes differ in weight (RC-16 recent attempt vs history, RC-2 abuse vs
   * remission, RC-5 above 140/90 vs controlled): the indicator of this outcome, instead of the rule's.
   * An `info` outcome never makes a treatment's verdict "caution".
   */
  indicator?: Indicator;
  /** Where a configured policy decides (CI-5 for IV ketamine, CI-3 levels): the modalities this outcome contraindicates. */
  absoluteFor?: readonly Modality[];
}

/** The order templates (fhir-profiles/order-templates/) that record a missing measurement. */
export type SettlingOrder =
  | 'order-phq9'
  | 'order-blood-pressure'
  | 'order-heart-rate'
  | 'order-weight'
  | 'order-pregnancy-test'
  | 'order-cssrs'
  | 'order-suicide-risk-evaluation'
  | 'order-tms-safety-screen'
  | 'order-pdmp-review'
  | 'order-urine-drug-screen'
  | 'order-spo2';

/** The outcome, saying which orders would settle what it lacks. */
export const settledBy = (outcome: Outcome, ...orders: SettlingOrder[]): Outcome => (orders.length ? { ...outcome, settledBy: orders } : outcome);

/** The outcome at a given indicator (see Outcome.indicator). */
export const asIndicator = (outcome: Outcome, indicator: Indicator): Outcome => ({ ...outcome, indicator });

export interface Finding extends Outcome {
  rule: string;
  title: string;
  kind: RuleKind;
  modalities: readonly Modality[];
  /** Modalities for which this rule, when met, is an absolute contraindication. */
  absoluteFor: readonly Modality[];
  /** Modalities for which this rule, when met, is a caution. */
  cautionFor: readonly Modality[];
  /** Modalities whose start waits for a same-day evaluation when this rule is met (CI-1). */
  deferFor: readonly Modality[];
  indicator: Indicator;
  source: RuleSource;
  /** Per-treatment sources where `source` does not speak to that treatment (see Rule.sourceFor). */
  sourceFor?: Partial<Record<Modality, RuleSource>>;
}

/** The source a card about `modality` cites for this finding: the treatment's own where the rule has one. */
export const sourceOf = (f: Pick<Finding, 'source' | 'sourceFor'>, modality: Modality | undefined): RuleSource =>
  (modality && f.sourceFor?.[modality]) || f.source;

/** An outcome with its note and data only when given (set, not spread: every rule of every call makes one). */
function outcome(status: Status, evidence: string[], missing: string[], note: string | undefined, data: Record<string, unknown> | undefined): Outcome {
  const o: Outcome = { status, evidence, missing };
  if (note) o.note = note;
  if (data) o.data = data;
  return o;
}

export const met = (evidence: string[], note?: string, data?: Record<string, unknown>): Outcome => outcome('met', evidence, [], note, data);
export const notMet = (note?: string, data?: Record<string, unknown>, missing: string[] = [], evidence: string[] = []): Outcome =>
  outcome('not-met', evidence, missing, note, data);
export const unknown = (missing: string[], evidence: string[] = [], note?: string, data?: Record<string, unknown>): Outcome =>
  outcome('unknown', evidence, missing, note, data);
