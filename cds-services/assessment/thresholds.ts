import { join, relative } from 'node:path';
import { assertMatchesSchema, readJsonFile } from '../../src/knowledge/json-data.js';
import { fhirProfilesDir, projectRoot } from '../../src/paths.js';
import type { PlausibleRange } from '../../src/knowledge/plausible.js';

export interface Setting<T> {
  value: T;
  source: string;
}
type Settings<K extends string> = Record<K, Setting<number>>;

export interface DoseThreshold {
  ingredient: string;
  lenient: number;
  strict: number;
  source: string;
}

/** A multi-ingredient product that counts as one attempt with its own adequate dose (EL-2.7). */
/** Phrases read around a problem's words in its text (revision-2 DS-6; condition-text.ts), each list as written. */
export interface ConditionTextCues {
  /** A relative's problem ("family history of", "brother"): never the patient's. */
  familyHistory: string[];
  /** Before the problem's words ("no", "denies", "negative screen for"): the problem is absent. */
  negatedBefore: string[];
  /** After them ("ruled out", "negative"): the problem is absent. */
  negatedAfter: string[];
  /** Either side ("rule out", "r/o", "?", "possible"): unconfirmed. */
  uncertain: string[];
  /** Either side ("history of", "resolved", "in remission"): a past problem. */
  history: string[];
  /** A cue applies only when none of these stands between it and the problem's words. */
  terminators: string[];
}

export interface ProductRule {
  product: string;
  minimumUnitsPerDay: number;
  /** The ingredient RxCUI the attempt is named and counted by. */
  countsAs: string;
  /** Ingredients of the product whose own thresholds are not applied. */
  ignoreIngredients: string[];
  source: string;
}

/** Shape of fhir-profiles/thresholds/trd-thresholds.json (checked by its JSON Schema at start-up). */
export interface Thresholds {
  version: string;
  adequateTrial: Settings<'minimumDurationDays' | 'episodeLookbackMonths' | 'minimumTrialsForTrd' | 'gapToleranceDays'> & {
    doseColumn: Setting<'lenient' | 'strict'>;
    countAugmentation: Setting<boolean>;
    minimumDailyDoseMg: Record<string, DoseThreshold>;
  };
  failure: Settings<'phq9StillDepressedAtLeast' | 'madrsStillDepressedAtLeast' | 'scoreWindowAfterTrialDays'>;
  scores: Settings<'phq9BaselineExpectedAtLeast' | 'phq9RemissionBelow' | 'responseReductionPercent'> & {
    phq9Bands: Setting<[number, string][]>;
    madrsBands: Setting<[number, string][]>;
  };
  vitals: Settings<
    | 'bpCautionSystolicAbove'
    | 'bpCautionDiastolicAbove'
    | 'bpBlockSystolicAtLeast'
    | 'bpBlockDiastolicAtLeast'
    | 'bpCrisisSystolicAbove'
    | 'bpCrisisDiastolicAbove'
    | 'spo2MinimumPercent'
    | 'monitoringIntervalMinutes'
    | 'esketaminePostDoseBpMinutes'
    | 'esketamineObservationHours'
  >;
  lookbackDays: Settings<
    | 'bloodPressure'
    | 'bloodPressureHistory'
    | 'heartRate'
    | 'weight'
    | 'baselineSeverity'
    | 'hcgTest'
    | 'pregnancyStatus'
    | 'pregnancyCondition'
    | 'acuteSuicidality'
    | 'cssrs'
    | 'phq9Item9'
    | 'recentMi'
    | 'suicideAttemptHistory'
    | 'convulsions'
    | 'priorCourse'
  >;
  pregnancyPotential: Settings<'minimumAge' | 'maximumAge'>;
  /** Values outside these are not facts: named on the card, never used (src/knowledge/plausible.ts). */
  plausibleRanges: Record<
    | 'weightKg'
    | 'heightCm'
    | 'systolicBp'
    | 'diastolicBp'
    | 'heartRate'
    | 'spo2Percent'
    | 'phq9Total'
    | 'phq9Item9'
    | 'madrsTotal'
    | 'gad7Total'
    | 'cssrsIdeationSeverity'
    | 'orderConcentrationMgPerMl'
    | 'orderDoseMg'
    | 'orderDoseMgPerKg'
    | 'orderVolumeMl'
    | 'infusionMinutes'
    | 'antidepressantDoseMg'
    | 'antidepressantDoseMl'
    | 'antidepressantDoseUnits'
    | 'ageYears',
    PlausibleRange
  >;
  /** revision-2 section 8 (DS-1, DS-2): how values are read. */
  reading: Settings<'bpPairWindowMinutes' | 'observationSearchFloorDays'> & { phq9Questionnaires: Setting<string[]> };
  /** revision-2 section 3 (EL-1, EL-10, RC-1). */
  diagnoses: Settings<'statuslessActiveDays' | 'patientViewScoreTriggerDays'> & {
    bipolarSuggestEsketamine: Setting<boolean>;
    /** DS-6: phrases that make a problem's text a family member's, negated, unconfirmed or past (condition-text.ts). */
    conditionTextCues: Setting<ConditionTextCues>;
  };
  /** revision-2 section 4 (EL-2.1 to EL-2.14). */
  attempts: Settings<
    | 'concurrentStartDays'
    | 'crossTaperMaxOverlapDays'
    | 'switchInferenceMaxDays'
    | 'stoppedOrderMaxDays'
    | 'activeOrderStaleDays'
    | 'episodeRemissionMinDays'
    | 'baselineBeforeDays'
    | 'baselineAfterDays'
    | 'nextAttemptGraceDays'
    | 'onTreatmentGraceDays'
    | 'augmentationMinimumDays'
    | 'lithiumLevelAfterDays'
    | 'lithiumMinimumDoseMg'
  > & {
    countBasis: Setting<'attempts' | 'antidepressants'>;
    countUnexplainedSwitchAsFailure: Setting<boolean>;
    countIntoleranceAsFailure: Setting<boolean>;
    countOtherIndications: Setting<boolean>;
    lithiumMinimumLevelMmolL: DoseThreshold;
    /** Ingredient RxCUI -> daily dose (mg) below which it is hypnotic or low-dose co-medication. */
    coMedicationBelowMg: Record<string, { ingredient: string; value: number; source: string }>;
    /** Product RxCUI -> how a multi-ingredient product counts (EL-2.7). */
    products: Record<string, ProductRule>;
    /** Ingredients that count only inside a product row, never as an attempt of their own. */
    productOnlyIngredients: Record<string, { ingredient: string; source: string }>;
    /** Augmenting ingredient RxCUI -> the antidepressant it counts with only (olanzapine with fluoxetine). */
    augmentationOnlyWith: Record<string, { ingredient: string; with: string; source: string }>;
  };
  /** revision-2 section 5 (MO-7 to MO-10). */
  courses: Settings<
    | 'tmsActiveDays'
    | 'ketamineActiveDays'
    | 'esketamineActiveDays'
    | 'tmsGapDays'
    | 'ketamineGapDays'
    | 'esketamineGapDays'
    | 'tmsPlannedSessions'
    | 'ketaminePlannedSessions'
    | 'esketaminePlannedSessions'
    | 'baselineWindowDays'
    | 'outcomeWindowDays'
    | 'partialResponsePercent'
    | 'madrsRemissionAtMost'
    | 'relapsePhq9AtLeast'
    | 'relapseMadrsAtLeast'
  >;
  /** revision-2 section 6 and Appendix A (safety). */
  safety: Settings<
    | 'cssrsLookbackDays'
    | 'siCodeLookbackDays'
    | 'phq9Item9LookbackDays'
    | 'attemptRecentDays'
    | 'attemptHistoryWindowDays'
    | 'pregnancyMaxDays'
    | 'hcgInitiationDays'
    | 'hcgCourseRetestDays'
    | 'lactationLookbackDays'
    | 'hcgUnreliableAfterPregnancyEndDays'
    | 'bpConfirmReadings'
    | 'bpCrisisLookbackDays'
    | 'bpEligibilityLookbackDays'
    | 'heartRateMaximum'
    | 'spo2Minimum'
    | 'sessionVitalsWindowMinutes'
    | 'cardiacRecentDays'
    | 'seizureLookbackDays'
    | 'benzodiazepineStoppedDays'
    | 'tmsScreenValidDays'
    | 'deliriumRecentDays'
  > & {
    sudAbsoluteLevel: Setting<'dependence' | 'any' | 'none'>;
    tubalLigationSettles: Setting<boolean>;
    ci5KetamineIndicator: Setting<'critical' | 'warning'>;
    includeRelativeSeizureHazard: Setting<boolean>;
    tmsScreenQuestionnaires: Setting<string[]>;
    /** Empty: no crisis pathway link on the safety card. */
    crisisPathwayUrl: Setting<string>;
  };
  /** revision-2 section 7 and Appendix A (monitoring and suggested orders). */
  monitoring: Settings<'postInfusionObservationMinutes' | 'dischargeMoaasMinimum' | 'misuseReviewDays'> & {
    tmsProtocol: Setting<'10Hz-rTMS' | 'iTBS' | 'deepTMS-H1'>;
    suggestionIntent: Setting<'order' | 'proposal'>;
  };
  dosing: Settings<
    | 'ketamineMgPerKg'
    | 'ketamineDoseTolerancePercent'
    | 'ketamineInfusionMinutes'
    | 'ketamineCombinationInfusionMinutes'
    | 'ketamineSessionsPerWeek'
    | 'ketamineCourseWeeks'
    | 'tmsSessionsPerWeek'
    | 'tmsCourseWeeks'
    | 'esketamineInductionSessionsPerWeek'
    | 'esketamineInductionWeeks'
    | 'esketamineInductionDoseMg'
  >;
  /** EL-12 ECT as the alternative: the pregnancy severity cut (local), the score window and when an ECT course is under way. */
  ect: Settings<'pregnancySeverePhq9AtLeast' | 'pregnancySevereMadrsAtLeast' | 'scoreLookbackDays' | 'courseActiveDays'>;
  /** Order review, OR-2..OR-11 (revision-2 Appendix A, "Order review"). */
  orderReview: Settings<OrderReviewNumber> & {
    ketamineWeightBasis: Setting<'actual' | 'adjusted' | 'ideal' | 'capped'>;
    esketamineLabelJurisdiction: Setting<string>;
    trdOrderSetCanonicals: Setting<string[]>;
    /** SO-1: the deployment's orderable ketamine injection coding, put before RxNorm 6130 on the suggestion. */
    ketamineOrderableCoding: Setting<{ system: string; code: string; display?: string }[]>;
    /** SO-2: the orderable 28 mg esketamine coding for day 1 at 65 or older outside the US. */
    esketamineGeriatricDay1Coding: Setting<{ system: string; code: string; display?: string }[]>;
  };
}

export type OrderReviewNumber =
  | 'ketamineTargetMgPerKg'
  | 'ketamineDoseTolerancePercent'
  | 'ketamineEscalationMaxMgPerKg'
  | 'ketamineTrdCeilingMgPerKg'
  | 'ketamineTrdMaxMgNoWeight'
  | 'ketamineObesityBmi'
  | 'ketamineObesityFlagBmi'
  | 'ketamineMaxDosingWeightKg'
  | 'adjustedBodyWeightFactor'
  | 'weightLookbackDays'
  | 'ketamineMinInfusionMinutes'
  | 'ketamineCombinationMinInfusionMinutes'
  | 'ketamineMaxSessionsPer7Days'
  | 'ketamineMaxSessionsPerDay'
  | 'ketamineSessionsPerWeek'
  | 'ketamineInductionSessions'
  | 'esketamineDeviceMg'
  | 'esketamineSpraysPerDevice'
  | 'esketamineDeviceMl'
  | 'esketamineMaxDoseMg'
  | 'esketamineDay1DoseMg'
  | 'esketamineGeriatricAge'
  | 'esketamineGeriatricDay1DoseMg'
  | 'esketamineNewCourseGapDays'
  | 'esketamineInductionWeeks'
  | 'esketamineInductionMaxPer7Days'
  | 'esketamineSiDoseMg'
  | 'esketamineSiWeeks'
  | 'adultAge'
  | 'tmsMinAgeAdjunct'
  | 'supplyDaysFinding'
  | 'loopGuardHours';

export const DEFAULTS_FILE = join(fhirProfilesDir, 'thresholds', 'trd-thresholds.json');
const SCHEMA_FILE = join(fhirProfilesDir, 'schemas', 'trd-thresholds.schema.json');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An override changes only what it names; a `{value, source}` leaf is replaced whole. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override) || 'value' in override) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) merged[k] = k in base ? deepMerge(base[k], v) : v;
  return merged;
}

/** The defaults, with a deployment's override file (THRESHOLDS_FILE) merged in and validated. */
export function loadThresholds(overrideFile?: string): Thresholds {
  const schema = readJsonFile(SCHEMA_FILE) as object;
  const defaults = readJsonFile(DEFAULTS_FILE);
  if (!overrideFile) return assertMatchesSchema<Thresholds>(defaults, schema, relative(projectRoot, DEFAULTS_FILE));
  return assertMatchesSchema<Thresholds>(deepMerge(defaults, readJsonFile(overrideFile)), schema, overrideFile);
}

/** The minimum daily dose in force for an ingredient, or undefined when none is configured. */
export function minimumDailyDoseMg(t: Thresholds, ingredientRxcui: string): number | undefined {
  const row = t.adequateTrial.minimumDailyDoseMg[ingredientRxcui];
  return row ? row[t.adequateTrial.doseColumn.value] : undefined;
}
