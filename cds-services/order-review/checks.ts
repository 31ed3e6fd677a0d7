/**
 * Checks on the order itself (revision-2 OR-3 .. OR-10, OR-13). Each is a pure function of the
 * draft's structured dosage, the indexed record, the configuration and the clock, and returns one
 * `OrderCheck`: as ordered, differs (with its indicator), or unknown (with what would settle it).
 * A check that cannot be made is never "fine".
 */
import type { Indicator } from '../../src/cds-hooks/protocol.js';
import { VS } from '../assessment/concepts.js';
import { checkPlausible } from '../../src/knowledge/plausible.js';
import { type AgeReading, calendarDaysBetween, isoDay, parseFhirDate, patientSex, readAge, withinDays } from '../assessment/fhir-read.js';
import type { SettlingOrder } from '../assessment/findings.js';
import {
  bloodPressureBoundaries,
  bloodPressureValues,
  implausibleLatest,
  latestBloodPressure,
  latestWeight,
  preliminaryMark,
} from '../assessment/observations.js';
import type { RecordIndex } from '../assessment/record.js';
import type { Course } from '../assessment/rules/prior-courses.js';
import type { Thresholds } from '../assessment/thresholds.js';
import type { DraftDosage } from './dosage.js';

export type CheckStatus = 'as-ordered' | 'differs' | 'unknown';

export interface OrderCheck {
  rule: string;
  status: CheckStatus;
  /** For differs / unknown: how much it matters. As-ordered checks are info. */
  indicator: Indicator;
  /** A clinical phrase for the card summary ("infusion over 2 min; the protocol is 40 min"). */
  phrase: string;
  /** What the order says, in words. */
  ordered: string;
  /** What the protocol or label expects. */
  expected: string;
  /** For unknown: what would settle it. */
  needed?: string;
  /** More for the card's detail (e.g. the other course's sessions, OR-9). */
  detail?: string;
  settledBy?: SettlingOrder[];
  /** This check asks for the complete protocol update of the order. */
  wantsUpdate?: boolean;
  /** A critical dose check offers override reasons. */
  override?: boolean;
  /** OR-10: the out-of-range same-session readings, so a finding resting on the same reading joins its card (CD-1). */
  readings?: string[];
}

type OR = Thresholds['orderReview'];
const v = <K extends keyof OR>(c: OR, k: K): OR[K]['value'] => c[k].value;
const round1 = (n: number) => Math.round(n * 10) / 10;
const HALF_MG = (mg: number) => Math.round(mg * 2) / 2;

// ---------------------------------------------------------------------------------------------
// Dosing weight (OR-3)

export interface DosingWeight {
  kg: number;
  actualKg: number;
  basis: 'actual' | 'adjusted' | 'ideal' | 'capped';
  date: Date;
  ref: string;
  bmi?: number;
  /** The configured basis could not be applied (height or sex missing): actual weight was used. */
  fellBack?: boolean;
  /** Weighed in a `preliminary` Observation: used, and named so (preliminaryMark). */
  preliminary?: boolean;
}

function latestHeightCm(index: RecordIndex): number | undefined {
  for (const o of index.observations(VS.bodyHeight)) {
    const value = o.value;
    if (value === undefined || value <= 0) continue;
    const unit = o.unit;
    if (unit === 'cm') return value;
    if (unit === 'm') return value * 100;
    if (unit === '[in_i]' || unit === 'in') return value * 2.54;
  }
  return undefined;
}

/**
 * The weight OR-3 doses by: the latest weight within the look-back, adjusted as configured.
 * Source: revision-2 OR-3 (Devine IBW, ABW factor 0.4 [not re-read]; the policy is [local]).
 */
export function dosingWeight(index: RecordIndex, c: OR): DosingWeight | undefined {
  const w = latestWeight(index, v(c, 'weightLookbackDays'), index.knowledge.thresholds.plausibleRanges.weightKg);
  // An implausible newest weight is not a fact: no dose from it (MO-1 names it and asks for a re-weigh).
  if (!w || w.implausible) return undefined;
  const heightCm = latestHeightCm(index);
  const recordedBmi = index
    .observations(VS.bodyMassIndex)
    .find((o) => o.value !== undefined && withinDays(o.date, index.now, v(c, 'weightLookbackDays')))?.value;
  const bmi = recordedBmi ?? (heightCm ? w.kg / (heightCm / 100) ** 2 : undefined);
  const basis = v(c, 'ketamineWeightBasis');
  const base = {
    actualKg: w.kg,
    date: w.date,
    ref: w.ref,
    ...(bmi !== undefined ? { bmi: round1(bmi) } : {}),
    ...(w.preliminary ? { preliminary: true } : {}),
  };
  if (basis === 'actual') return { ...base, kg: w.kg, basis };
  if (basis === 'capped') return { ...base, kg: Math.min(w.kg, v(c, 'ketamineMaxDosingWeightKg')), basis };
  if (bmi === undefined || bmi < v(c, 'ketamineObesityBmi')) return { ...base, kg: w.kg, basis: 'actual' };
  const gender = patientSex(index.record.patient.items[0], index.knowledge.terminology)?.sex;
  if (!heightCm || !gender) return { ...base, kg: w.kg, basis: 'actual', fellBack: true };
  const ibw = (gender === 'male' ? 50 : 45.5) + 2.3 * Math.max(0, heightCm / 2.54 - 60);
  const kg = basis === 'ideal' ? ibw : ibw + v(c, 'adjustedBodyWeightFactor') * (w.kg - ibw);
  return { ...base, kg: Math.min(kg, w.kg), basis };
}

/**
 * The newest weight in OR-3's look-back when it is implausible, dated as a card names it ("weight 8,000
 * kg on 2026-11-20 is implausible: re-weigh"); undefined otherwise. OR-3 is then unknown for that
 * reason, never "no body weight" (unreadable is not none), as patient-view's EL-7 says.
 */
export function implausibleWeight(index: RecordIndex, c: OR): string | undefined {
  const range = index.knowledge.thresholds.plausibleRanges.weightKg;
  const w = latestWeight(index, v(c, 'weightLookbackDays'), range);
  if (!w?.implausible) return undefined;
  const check = checkPlausible(range, w.kg, isoDay(w.date));
  return check.plausible ? undefined : check.message;
}

// ---------------------------------------------------------------------------------------------
// IV ketamine (OR-3, OR-4, OR-5)

export interface KetamineContext {
  dosage: DraftDosage;
  weight?: DosingWeight;
  /** With no dosing weight: the newest weight was implausible, in the words a card names it (`implausibleWeight`). */
  weightImplausible?: string;
  /** A TMS draft in the same call, or an active TMS course: the 20-minute combination infusion is accepted. */
  combination: boolean;
  /**
   * Ketamine sessions on record before this order (administrations, statements with a date); undefined
   * when none is on record and the administration history could not be read (unknown, not zero).
   */
  priorSessions?: number;
  /**
   * The heaviest plausible adult weight in kg (thresholds plausibleRanges weightKg max): with no weight on file,
   * a dose above the TRD ceiling at this weight is above it for anyone (OR-3). Undefined: not judged.
   */
  heaviestKg?: number;
  c: OR;
}

/** The protocol dose in mg for the dosing weight, rounded to 0.5 mg as pumps are set. */
export const protocolDoseMg = (weight: DosingWeight, c: OR): number => HALF_MG(weight.kg * v(c, 'ketamineTargetMgPerKg'));

/**
 * A dose ordered as a range is checked at its top, the most that may be given (`OrderedDose.range`): the
 * check's detail says so, and a range with no top says what is missing. [local]
 */
function withRangeNote(check: OrderCheck, dosage: DraftDosage, fixedDose: string): OrderCheck {
  const range = dosage.dose?.range;
  const inverted = `Ordered as an inverted range (its low end is above its high end, which FHIR does not allow): checked at its larger end, the most that may be given; re-check the order. The protocol is ${fixedDose}.`;
  // An inverted range is malformed even when its larger end fits: a warning to re-check, never an information line. [local]
  if (dosage.dose?.inverted && check.indicator === 'info') {
    const atLargerEnd = check.status === 'as-ordered' ? '' : ` At its larger end: ${check.phrase}.`;
    return {
      ...check,
      status: 'differs',
      indicator: 'warning',
      phrase: 'its low end is above its high end: re-check the order',
      detail: [`${inverted}${atLargerEnd}`, check.detail].filter(Boolean).join(' '),
    };
  }
  if (!range || check.status === 'as-ordered') return check;
  const note = dosage.dose?.inverted
    ? inverted
    : range === 'top'
      ? `Ordered as a range (${dosage.dose!.text}): checked at its top, the most that may be given; the protocol is ${fixedDose}.`
      : `Ordered as a range with no upper bound (${dosage.dose!.text}): the most that may be given is not known; the protocol is ${fixedDose}.`;
  return { ...check, detail: check.detail ? `${note} ${check.detail}` : note };
}

/** "no dose in mg", or for a range with no top, what is missing instead (OR-3, OR-6). */
const noDoseWords = (dosage: DraftDosage) => (dosage.dose?.range === 'open' ? 'dose range with no upper bound' : 'no dose in mg');

/**
 * OR-2, OR-3 for an IV esketamine injection (Ketanest S): the dose as ordered, per kg of dosing weight
 * when there is one, is said but never checked against nor corrected to the racemic ketamine 0.5 mg/kg
 * protocol. Esketamine is about twice as potent as racemic ketamine (0.5 mg/kg racemic is about
 * 0.25 mg/kg of esketamine; IV esketamine for TRD was studied at 0.20 and 0.40 mg/kg over 40 min), and
 * no IV esketamine dose for depression is signed off here: an information line, no update. [local]
 * Source: revision-2 OR-2 (an esketamine injection is treated like ketamine); Singh JB et al. Biol
 * Psychiatry 2016;80:424 (IV esketamine 0.20 and 0.40 mg/kg in TRD).
 */
export function checkEsketamineInjectionDose({ dosage, weight, c }: KetamineContext): OrderCheck {
  const target = v(c, 'ketamineTargetMgPerKg');
  const perKg = dosage.dose?.mgPerKg ?? (dosage.dose?.mg !== undefined && weight ? dosage.dose.mg / weight.kg : undefined);
  const ordered =
    dosage.dose?.text !== undefined
      ? `${dosage.dose.text}${perKg !== undefined && dosage.dose.mgPerKg === undefined ? ` (${Math.round(perKg * 100) / 100} mg/kg for ${round1(weight!.kg)} kg)` : ''}`
      : 'no dose';
  if (dosage.dose?.implausible)
    return {
      rule: 'OR-3',
      status: 'unknown',
      indicator: dosage.dose.aboveMaximum ? 'critical' : 'warning',
      phrase: dosage.dose.aboveMaximum ? dosage.dose.implausible.replace(' is implausible:', ' is far above any esketamine dose:') : dosage.dose.implausible,
      ordered,
      expected: 'a plausible dose in mg',
      needed: 'a plausible dose in mg',
    };
  return {
    rule: 'OR-3',
    status: 'unknown',
    indicator: 'info',
    phrase: `dose not checked: the ${target} mg/kg protocol is racemic ketamine's, and esketamine is about twice as potent`,
    ordered,
    expected: `no IV esketamine protocol (racemic ketamine ${target} mg/kg)`,
    needed: "a prescriber's or pharmacist's check of the esketamine dose",
    detail: `Esketamine is about twice as potent as racemic ketamine: the racemic ${target} mg/kg is about ${target / 2} mg/kg of esketamine, and IV esketamine for treatment-resistant depression was studied at 0.2 and 0.4 mg/kg over 40 minutes. The dose checks here cover only the IV racemic ketamine ${target} mg/kg protocol and intranasal SPRAVATO, so no dose change is suggested.`,
  };
}

/** OR-3 IV ketamine dose per kg of dosing weight. Source: S0, S1 (0.5 mg/kg); escalation and ceiling [local]. */
export function checkKetamineDose(k: KetamineContext): OrderCheck {
  return withRangeNote(ketamineDose(k), k.dosage, `one fixed dose of ${v(k.c, 'ketamineTargetMgPerKg')} mg/kg`);
}

function ketamineDose({ dosage, weight, weightImplausible, priorSessions, heaviestKg, c }: KetamineContext): OrderCheck {
  const target = v(c, 'ketamineTargetMgPerKg');
  // No dosing weight: an implausible newest weight is named as such, never "no body weight".
  const noWeight = weightImplausible ?? `no body weight in ${v(c, 'weightLookbackDays')} days`;
  const noRecentWeight = weightImplausible ?? `no recent weight for the ${target} mg/kg dose`;
  const weightNeeded = weightImplausible ? `a plausible body weight (${weightImplausible})` : `a body weight within ${v(c, 'weightLookbackDays')} days`;
  const tolerance = v(c, 'ketamineDoseTolerancePercent') / 100;
  const ordered = dosage.dose?.text ?? 'no dose';
  const expected = weight
    ? `${target} mg/kg = ${protocolDoseMg(weight, c)} mg for ${round1(weight.kg)} kg${weight.basis === 'actual' ? '' : ` (${weight.basis} weight)`}${preliminaryMark(weight)}`
    : `${target} mg/kg`;
  const rule = 'OR-3';
  const perKg = dosage.dose?.mgPerKg ?? (dosage.dose?.mg !== undefined && weight ? dosage.dose.mg / weight.kg : undefined);
  if (dosage.dose?.implausible) {
    // An implausible dose, volume or concentration is not a fact: named, never "fits" nor "below protocol" (plausibleRanges).
    // A mass above the range's maximum (6,000 mg) is a tenfold error that would harm if given: critical. [local]
    return {
      rule,
      status: 'unknown',
      indicator: dosage.dose.aboveMaximum ? 'critical' : 'warning',
      phrase: dosage.dose.aboveMaximum ? dosage.dose.implausible.replace(' is implausible:', ' is far above any ketamine dose:') : dosage.dose.implausible,
      ordered,
      expected,
      needed: `a plausible dose in mg, or a volume of a product with a plausible ketamine concentration (mg per mL)`,
      ...(weight ? { wantsUpdate: true } : { settledBy: ['order-weight' as const] }),
    };
  }
  if (dosage.dose?.mg === undefined && dosage.dose?.mgPerKg === undefined && dosage.dose?.ml !== undefined) {
    // A volume of a product whose concentration is not known: the mg dose is unknown, and says what would settle it.
    return {
      rule,
      status: 'unknown',
      indicator: 'warning',
      phrase: weight
        ? `no concentration to convert ${ordered} to mg; ${target} mg/kg is ${protocolDoseMg(weight, c)} mg for ${round1(weight.kg)} kg`
        : `no concentration to convert ${ordered} to mg, and ${noRecentWeight}`,
      ordered,
      expected,
      needed: `the product's ketamine concentration (Medication.ingredient strength, mg per mL) or a dose in mg${weight ? '' : `, and ${weightNeeded}`}`,
      ...(weight ? { wantsUpdate: true } : { settledBy: ['order-weight' as const] }),
    };
  }
  if (dosage.dose?.mg === undefined && dosage.dose?.mgPerKg === undefined) {
    return weight
      ? {
          rule,
          status: 'unknown',
          indicator: 'warning',
          phrase: `${noDoseWords(dosage)}; ${target} mg/kg is ${protocolDoseMg(weight, c)} mg for ${round1(weight.kg)} kg${preliminaryMark(weight)}`,
          ordered,
          expected,
          needed: dosage.dose?.range === 'open' ? 'the top of the dose range, or one dose in mg or mg/kg' : 'a dose in mg or mg/kg',
          wantsUpdate: true,
        }
      : {
          rule,
          status: 'unknown',
          indicator: 'warning',
          phrase: `${noDoseWords(dosage)} and ${noRecentWeight}`,
          ordered,
          expected,
          needed: `a dose in mg and ${weightNeeded}`,
          settledBy: ['order-weight'],
        };
  }
  // With no weight, the weight is unknown but bounded: a dose above the TRD ceiling even at the heaviest plausible
  // adult weight is above it whatever the patient weighs (500 mg is over 1.0 mg/kg up to 500 kg): critical, as it
  // is with a weight, and the card says why. [local; revision-2 OR-3 critical band, plausibleRanges weightKg]
  const ceiling = v(c, 'ketamineTrdCeilingMgPerKg');
  if (perKg === undefined && dosage.dose?.mg !== undefined && heaviestKg !== undefined && dosage.dose.mg / heaviestKg > ceiling + 1e-9) {
    const atHeaviest = Math.round((dosage.dose.mg / heaviestKg) * 100) / 100;
    return {
      rule,
      status: 'differs',
      indicator: 'critical',
      phrase: `above any TRD dose at any adult weight (${atHeaviest} mg/kg at ${heaviestKg} kg): anaesthetic range`,
      ordered,
      expected,
      detail: `${noWeight[0]!.toUpperCase()}${noWeight.slice(1)}, but ${ordered} is above the ${ceiling} mg/kg TRD ceiling even for a patient of ${heaviestKg} kg, the heaviest weight read as plausible; a weight would give the exact mg/kg and the ${target} mg/kg dose.`,
      settledBy: ['order-weight'],
      override: true,
    };
  }
  if (perKg === undefined) {
    // With no weight, a dose above KETAMINE_TRD_MAX_MG_NO_WEIGHT is above the TRD range for most adults
    // (OR-2 step 4's own limit): say so, not only that a weight is missing. [local]
    const overNoWeightMax = dosage.dose?.mg !== undefined && dosage.dose.mg > v(c, 'ketamineTrdMaxMgNoWeight');
    return {
      rule,
      status: 'unknown',
      indicator: 'warning',
      phrase: overNoWeightMax
        ? `above ${v(c, 'ketamineTrdMaxMgNoWeight')} mg, beyond TRD doses for most adults; ${noWeight}`
        : (weightImplausible ?? `no body weight in ${v(c, 'weightLookbackDays')} days to check the ${target} mg/kg dose`),
      ordered,
      expected,
      needed: weightNeeded,
      settledBy: ['order-weight'],
    };
  }
  // A dose per kg is given in mg: with no recent weight nobody can prepare or check it, so it is not
  // "as ordered" whatever its number (outside reviewer's finding: 0.5 mg/kg at 75 with a 10-month-old weight).
  if (dosage.dose?.mgPerKg !== undefined && !weight) {
    return {
      rule,
      status: 'unknown',
      indicator: 'warning',
      phrase: weightImplausible ?? `no body weight in ${v(c, 'weightLookbackDays')} days to turn it into mg`,
      ordered,
      expected,
      needed: weightNeeded,
      settledBy: ['order-weight'],
    };
  }
  // A range is judged by its top: "up to 1.5 mg/kg".
  const range = dosage.dose?.range === 'top';
  const perKgText = `${range ? 'up to ' : ''}${Math.round(perKg * 100) / 100} mg/kg`;
  const withPerKg =
    dosage.dose?.mgPerKg === undefined
      ? `${ordered} (${perKgText})`
      : weight
        ? `${ordered} (${HALF_MG(perKg * weight.kg)} mg for ${round1(weight.kg)} kg)`
        : ordered;
  if (Math.abs(perKg - target) <= target * tolerance + 1e-9)
    return range
      ? // A range whose top is the protocol dose is still not the protocol's one fixed dose: said, with the fixed order. [local]
        {
          rule,
          status: 'differs',
          indicator: 'info',
          phrase: `dose range ${perKgText}; the protocol is one fixed ${target} mg/kg dose`,
          ordered: withPerKg,
          expected,
          wantsUpdate: true,
        }
      : { rule, status: 'as-ordered', indicator: 'info', phrase: `dose ${perKgText}`, ordered: withPerKg, expected };
  if (perKg < target)
    return { rule, status: 'differs', indicator: 'info', phrase: `dose ${perKgText} is below the ${target} mg/kg protocol dose`, ordered: withPerKg, expected };
  if (perKg <= v(c, 'ketamineEscalationMaxMgPerKg') + 1e-9) {
    // Escalation is for an inadequate response to earlier sessions: a first dose has none to judge, so
    // it starts at the protocol dose. Source: S0, S1 (0.5 mg/kg); the escalation rule is [local].
    const escalation = `escalation to ${v(c, 'ketamineEscalationMaxMgPerKg')} mg/kg follows an inadequate response to ${target} mg/kg`;
    if (priorSessions === 0)
      return {
        rule,
        status: 'differs',
        indicator: 'warning',
        phrase: `dose ${perKgText}; no earlier ketamine session on record: the protocol starts at ${target} mg/kg`,
        ordered: withPerKg,
        expected,
        detail: `No ketamine administration is on record, so this is a first dose; ${escalation} in earlier sessions.`,
        wantsUpdate: true,
      };
    if (priorSessions === undefined)
      return {
        rule,
        status: 'unknown',
        indicator: 'warning',
        phrase: `dose ${perKgText}; no ketamine administration history to show earlier sessions at ${target} mg/kg`,
        ordered: withPerKg,
        expected,
        needed: `the ketamine administration history (${escalation})`,
      };
    return {
      rule,
      status: 'differs',
      indicator: 'info',
      phrase: `dose ${perKgText} is above the ${target} mg/kg protocol dose; escalation after inadequate response`,
      ordered: withPerKg,
      expected,
      detail: `${priorSessions} earlier ketamine session(s) on record; ${escalation}: confirm that response was inadequate.`,
    };
  }
  if (perKg <= v(c, 'ketamineTrdCeilingMgPerKg') + 1e-9) {
    return {
      rule,
      status: 'differs',
      indicator: 'warning',
      phrase: `dose ${perKgText} is above the ${target} mg/kg protocol dose`,
      ordered: withPerKg,
      expected,
      wantsUpdate: true,
    };
  }
  return {
    rule,
    status: 'differs',
    indicator: 'critical',
    phrase: `dose ${perKgText} is above any TRD protocol dose: anaesthetic range`,
    ordered: withPerKg,
    expected,
    wantsUpdate: true,
    override: true,
  };
}

/** OR-4 IV ketamine infusion duration. Source: S1 (40-60 min); S0, S1 (20 min only during TMS). */
export function checkInfusionTime({ dosage, combination, c }: KetamineContext): OrderCheck {
  const rule = 'OR-4';
  const min = v(c, 'ketamineMinInfusionMinutes');
  const combo = v(c, 'ketamineCombinationMinInfusionMinutes');
  const expected = combination ? `over ${min} min (${combo} min during TMS in the combination)` : `over ${min} min`;
  const m = dosage.infusionMinutes;
  if (m === undefined && dosage.unreadRate)
    // A rate was ordered: say it, and what would turn it into a time, never "no rate".
    return {
      rule,
      status: 'unknown',
      indicator: 'warning',
      phrase: dosage.unreadRate.implausible
        ? `${dosage.unreadRate.implausible}; the protocol gives the dose over ${min} min`
        : `rate ${dosage.unreadRate.text} could not be converted to an infusion time; the protocol gives the dose over ${min} min`,
      ordered: dosage.unreadRate.text.startsWith('duration ') ? dosage.unreadRate.text : `rate ${dosage.unreadRate.text}`,
      expected,
      needed: dosage.unreadRate.needed,
      wantsUpdate: true,
    };
  if (m === undefined)
    return {
      rule,
      status: 'unknown',
      indicator: 'warning',
      phrase: `no infusion duration; the protocol gives the dose over ${min} min`,
      ordered: 'no duration or rate',
      expected,
      needed: 'an infusion duration or rate',
      wantsUpdate: true,
    };
  const ordered =
    dosage.infusionFrom === 'push'
      ? 'IV push or bolus'
      : `over ${round1(m)} min${dosage.infusionFrom === 'rate' ? ` (${dosage.infusionBasis ?? 'dose / rate'})` : ''}`;
  if (m >= min) return { rule, status: 'as-ordered', indicator: 'info', phrase: `infusion over ${round1(m)} min`, ordered, expected };
  if (combination && m >= combo)
    return {
      rule,
      status: 'as-ordered',
      indicator: 'info',
      phrase: `${round1(m)}-min infusion, accepted only during TMS in the combination`,
      ordered,
      expected,
    };
  const what = dosage.infusionFrom === 'push' ? 'given as a push or bolus' : `infused over ${round1(m)} min`;
  return { rule, status: 'differs', indicator: 'warning', phrase: `${what}; the protocol infuses over ${min} min`, ordered, expected, wantsUpdate: true };
}

/** A daily repeat, or a take-home supply, of ketamine or esketamine (OR-5, OR-7). */
function supplyOrDaily(dosage: DraftDosage, c: OR): string | undefined {
  if (dosage.daily) return 'repeats daily';
  if ((dosage.supplyDays ?? 0) >= v(c, 'supplyDaysFinding')) return `carries a ${Math.round(dosage.supplyDays!)}-day supply`;
  if ((dosage.refills ?? 0) > 0) return `carries ${dosage.refills} refill(s)`;
  return undefined;
}

/** The schedule as ordered, with its supply: "3 in 7 days, 6 doses, 14-day supply". */
function orderedSchedule(d: DraftDosage): string {
  return [scheduleText(d), d.supplyDays !== undefined ? `${Math.round(d.supplyDays)}-day supply` : ''].filter(Boolean).join(', ');
}

/** A clinic-given drug ordered to repeat daily or with a take-home supply (OR-5, OR-7): a warning with the protocol's update. */
function supplyFinding(rule: string, phrase: string, ordered: string, expected: string): OrderCheck {
  return { rule, status: 'differs', indicator: 'warning', phrase, ordered, expected, wantsUpdate: true };
}

function scheduleText(d: DraftDosage): string {
  if (d.single) return 'one dose';
  if (d.per7Days === undefined) return 'no schedule';
  const per = d.daily ? `${round1(d.perDay!)} a day` : `${round1(d.per7Days)} in 7 days`;
  return d.count !== undefined ? `${per}, ${d.count} doses` : per;
}

/** OR-5 IV ketamine frequency. Source: S1, S3 (3 a week, 6 sessions); ELEKT-D (twice weekly) [not re-read]. */
export function checkKetamineFrequency({ dosage, c }: KetamineContext): OrderCheck {
  const rule = 'OR-5';
  const expected = `up to ${v(c, 'ketamineMaxSessionsPer7Days')} sessions in 7 days (${v(c, 'ketamineSessionsPerWeek')} a week for ${v(c, 'ketamineInductionSessions')} sessions), one a day at most`;
  const ordered = orderedSchedule(dosage);
  const supply = supplyOrDaily(dosage, c);
  if (supply)
    return supplyFinding(rule, `the order ${supply}; the protocol is ${v(c, 'ketamineSessionsPerWeek')} sessions a week in clinic`, ordered, expected);
  if (dosage.single) return { rule, status: 'as-ordered', indicator: 'info', phrase: 'one session', ordered, expected };
  if (dosage.per7Days === undefined)
    return { rule, status: 'unknown', indicator: 'info', phrase: 'no schedule given', ordered, expected, needed: 'a frequency and number of sessions' };
  if ((dosage.perDay ?? 0) > v(c, 'ketamineMaxSessionsPerDay') || dosage.per7Days > v(c, 'ketamineMaxSessionsPer7Days')) {
    return {
      rule,
      status: 'differs',
      indicator: 'warning',
      phrase: `${round1(dosage.per7Days)} sessions in 7 days; the protocol allows ${v(c, 'ketamineMaxSessionsPer7Days')}`,
      ordered,
      expected,
      wantsUpdate: true,
    };
  }
  return { rule, status: 'as-ordered', indicator: 'info', phrase: scheduleText(dosage), ordered, expected };
}

/**
 * MO-9 During a course: a draft of the modality whose course is under way (MO-7) continues that course,
 * never a second induction (OR-5: "a new induction draft while a ketamine course is active -> MO-9 info
 * (course status)"; OR-13 for TMS). Info: the session count and last session, the sessions the order
 * would add beyond those left in the planned course, and once they are all given, the decision on
 * maintenance. Source: revision-2 OR-5, OR-13, MO-7, MO-9; S1 (maintenance every 2-4 days to weekly); PI 2.
 */
export function checkCourseInProgress(course: Course, dosage: DraftDosage | undefined, now: Date): OrderCheck {
  // Calendar days, as the cards' dates are printed (a session on 11-28 is 2 days before the 30th, whatever the hour).
  const days = Math.max(0, calendarDaysBetween(course.end, now));
  const last = days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`;
  // Past the planned number (maintenance sessions counted in the course), "session 10 of 8" would read as a slip.
  const progress =
    course.sessions <= course.planned ? `session ${course.sessions} of ${course.planned}` : `${course.sessions} sessions, ${course.planned} planned`;
  const head = `course under way, ${progress} (last ${last})`;
  const left = Math.max(0, course.planned - course.sessions);
  const count = dosage?.single ? 1 : dosage?.count;
  const phrase =
    left === 0
      ? `${head}; decide on maintenance`
      : count !== undefined && count > left
        ? `${head}; this order adds ${count} sessions, ${course.sessions + count} in all`
        : `${head}; this order continues it`;
  return {
    rule: 'MO-9',
    status: 'differs',
    indicator: 'info',
    phrase,
    ordered: count !== undefined ? `${count} session${count === 1 ? '' : 's'}` : 'no number of sessions',
    expected: left === 0 ? 'a maintenance schedule, decided on the response so far' : `the course continued: ${left} of ${course.planned} sessions left`,
    detail: `A course is under way (${course.sessions} session${course.sessions === 1 ? '' : 's'} since ${isoDay(course.start)}, the last ${last}): this order continues it, not a second course; at the end of the planned sessions, evaluate the response and decide on maintenance.`,
  };
}

/**
 * RC-17 and CI-1 for the order's own reason: a draft whose reason is suicidal ideation or behaviour
 * (R45.851, SNOMED 6471006 ...: esketamine's acute-SI indication, OR-6) records ideation today. RC-17
 * names the code, not the resource: ideation with no C-SSRS after it is graded before treatment, and
 * the acute-SI course follows a documented same-day evaluation (CI-1, OR-12, SO-7). Settled by a C-SSRS,
 * a C-SSRS risk level or a suicide risk evaluation within CSSRS_LOOKBACK_DAYS [local: the order is
 * dated today, so "after the finding" is read as the C-SSRS look-back]. Warning, with the C-SSRS and
 * the same-day evaluation orders. Source: revision-2 RC-17, CI-1, OR-6 (acute SI), SO-7; PI 1 (does not
 * replace hospitalisation when needed).
 */
export function checkSuicidalityReason(index: RecordIndex, t: Thresholds, now: Date): OrderCheck | undefined {
  const days = t.safety.cssrsLookbackDays.value;
  const recent = (d: Date | undefined) => d !== undefined && d.getTime() <= now.getTime() && withinDays(d, now, days);
  const observed = [VS.cssrsAssessments, VS.cssrsRiskLevel, VS.suicideRiskAssessment].some((url) => index.observations(url).some((o) => recent(o.date)));
  const evaluated = index
    .procedures(VS.suicideRiskAssessment)
    .some((p) => p.status === 'completed' && recent(parseFhirDate(p.performedDateTime) ?? parseFhirDate(p.performedPeriod?.end ?? p.performedPeriod?.start)));
  if (observed || evaluated) return undefined;
  return {
    rule: 'RC-17',
    status: 'unknown',
    indicator: 'warning',
    phrase: 'ordered for ungraded suicidal ideation: complete a C-SSRS and a same-day risk evaluation',
    ordered: 'reason: suicidal ideation',
    expected: `a C-SSRS or suicide risk evaluation within ${days} days`,
    needed: 'a C-SSRS and a same-day suicide risk evaluation',
    detail: `The order's reason records suicidal ideation, and no C-SSRS or suicide risk evaluation is on record in the last ${days} days. Grade it (C-SSRS) and document a same-day risk evaluation before the first dose: imminent risk defers treatment (CI-1), and ketamine or esketamine for acute suicidal ideation does not replace hospitalisation when it is needed.`,
    settledBy: ['order-cssrs', 'order-suicide-risk-evaluation'],
  };
}

// ---------------------------------------------------------------------------------------------
// Esketamine (OR-6, OR-7)

export interface EsketamineContext {
  dosage: DraftDosage;
  /** An age that decides the 65-and-over start: a partial birth date's, when its whole interval is on one side of it. */
  age?: number;
  /** OR-8 already asks for the date of birth: the 65-and-over line would name the same gap again (CD-1). */
  ageAsked?: boolean;
  /** No esketamine session within the new-course gap and no active esketamine order. */
  day1: boolean;
  /** Days since the current course's first session, when a course is under way. */
  courseDay?: number;
  acuteSuicidality: boolean;
  onOralAntidepressant: boolean;
  c: OR;
}

/** The dose a session should have, for the update: day 1 and the geriatric start per label and jurisdiction. */
export function esketamineExpectedDose({ dosage, age, day1, acuteSuicidality, c }: EsketamineContext): number {
  const device = v(c, 'esketamineDeviceMg');
  if (acuteSuicidality)
    return dosage.dose?.mg !== undefined && dosage.dose.mg >= 2 * device && dosage.dose.mg <= v(c, 'esketamineSiDoseMg') && dosage.dose.mg % device === 0
      ? dosage.dose.mg
      : v(c, 'esketamineSiDoseMg');
  const us = v(c, 'esketamineLabelJurisdiction') === 'US';
  if (day1) return !us && age !== undefined && age >= v(c, 'esketamineGeriatricAge') ? v(c, 'esketamineGeriatricDay1DoseMg') : v(c, 'esketamineDay1DoseMg');
  const mg = dosage.dose?.mg;
  if (mg === undefined) return v(c, 'esketamineDay1DoseMg');
  return Math.max(device, Math.min(v(c, 'esketamineMaxDoseMg'), Math.floor(mg / device) * device));
}

/** OR-6 Esketamine dose per session. Source: PI section 2; HCP (84 mg only after 56 mg); non-US label (65+). */
export function checkEsketamineDose(e: EsketamineContext): OrderCheck[] {
  return esketamineDose(e).map((check) => withRangeNote(check, e.dosage, `one dose of ${v(e.c, 'esketamineDeviceMg')}-mg devices per session`));
}

function esketamineDose(e: EsketamineContext): OrderCheck[] {
  const { dosage, age, day1, acuteSuicidality, c } = e;
  const rule = 'OR-6';
  const mg = dosage.dose?.mg;
  const device = v(c, 'esketamineDeviceMg');
  const max = v(c, 'esketamineMaxDoseMg');
  const us = v(c, 'esketamineLabelJurisdiction') === 'US';
  const geriatric = age !== undefined && age >= v(c, 'esketamineGeriatricAge');
  const expected = acuteSuicidality
    ? `${v(c, 'esketamineSiDoseMg')} mg twice weekly (56 mg for tolerability)`
    : day1
      ? `day 1: ${!us && geriatric ? v(c, 'esketamineGeriatricDay1DoseMg') : v(c, 'esketamineDay1DoseMg')} mg`
      : `${device}-mg steps up to ${max} mg`;
  const ordered = dosage.dose?.text ?? 'no dose';
  const out: OrderCheck[] = [];
  if (dosage.dose?.implausible)
    // A dose outside plausibleRanges is not a fact, never "no dose in mg": named as ordered. A mass above the range's
    // maximum (100000 mg, 1e9 devices) is a unit or decimal error that would harm if given: critical, as OR-6
    // makes any dose above the labelled maximum; zero, negative or a fraction of a mg is a warning to re-check. [local]
    return [
      {
        rule,
        status: 'unknown',
        indicator: dosage.dose.aboveMaximum ? 'critical' : 'warning',
        phrase: dosage.dose.aboveMaximum
          ? dosage.dose.implausible.replace(' is implausible:', ` is far above the labelled ${max} mg maximum:`)
          : dosage.dose.implausible,
        ordered,
        expected,
        needed: `a plausible dose in mg (${device}-mg devices, up to ${max} mg)`,
        wantsUpdate: true,
        ...(dosage.dose.aboveMaximum ? { override: true } : {}),
      },
    ];
  if (mg === undefined)
    return [
      {
        rule,
        status: 'unknown',
        indicator: 'warning',
        phrase: `${noDoseWords(dosage)}; esketamine is given as ${device}, ${2 * device} or ${max} mg`,
        ordered,
        expected,
        needed: dosage.dose?.range === 'open' ? 'the top of the dose range, or one dose in mg' : 'a dose in mg',
        wantsUpdate: true,
      },
    ];
  if (mg > max)
    return [
      {
        rule,
        status: 'differs',
        indicator: 'critical',
        phrase: `above the labelled maximum of ${max} mg per session`,
        ordered,
        expected,
        wantsUpdate: true,
        override: true,
      },
    ];
  if (mg % device !== 0)
    out.push({ rule, status: 'differs', indicator: 'warning', phrase: `not a multiple of the ${device}-mg device`, ordered, expected, wantsUpdate: true });
  if (acuteSuicidality) {
    if (mg !== v(c, 'esketamineSiDoseMg') && mg !== 2 * device)
      out.push({
        rule,
        status: 'differs',
        indicator: 'warning',
        phrase: `${mg} mg; for acute suicidal ideation the label gives ${v(c, 'esketamineSiDoseMg')} mg (56 mg for tolerability)`,
        ordered,
        expected,
        wantsUpdate: true,
      });
    if (!e.onOralAntidepressant)
      out.push({
        rule,
        status: 'differs',
        indicator: 'warning',
        phrase: 'for acute suicidal ideation the label requires an oral antidepressant; none is current',
        ordered: 'no current oral antidepressant',
        expected: 'with an oral antidepressant (MO-6)',
      });
    if (e.courseDay !== undefined && e.courseDay >= v(c, 'esketamineSiWeeks') * 7)
      out.push({
        rule,
        status: 'differs',
        indicator: 'info',
        phrase: `no systematic data support use past ${v(c, 'esketamineSiWeeks')} weeks for acute suicidal ideation`,
        ordered: `week ${Math.floor(e.courseDay / 7) + 1}`,
        expected: `${v(c, 'esketamineSiWeeks')} weeks`,
      });
    return out.length ? out : [{ rule, status: 'as-ordered', indicator: 'info', phrase: `${mg} mg`, ordered, expected }];
  }
  if (day1 && us) {
    if (mg > v(c, 'esketamineDay1DoseMg'))
      out.push({
        rule,
        status: 'differs',
        indicator: 'warning',
        phrase: `start at ${v(c, 'esketamineDay1DoseMg')} mg; ${mg} mg only after a ${v(c, 'esketamineDay1DoseMg')} mg first dose`,
        ordered,
        expected,
        wantsUpdate: true,
      });
    else if (mg < v(c, 'esketamineDay1DoseMg'))
      out.push({ rule, status: 'differs', indicator: 'info', phrase: 'below the labelled adult dose on day 1', ordered, expected });
    if (geriatric)
      out.push({
        rule,
        status: 'differs',
        indicator: 'info',
        phrase: `non-US labels start at ${v(c, 'esketamineGeriatricDay1DoseMg')} mg at ${v(c, 'esketamineGeriatricAge')} or older`,
        ordered,
        expected,
      });
  } else if (day1 && geriatric && mg !== v(c, 'esketamineGeriatricDay1DoseMg')) {
    out.push({
      rule,
      status: 'differs',
      indicator: 'warning',
      phrase: `at ${v(c, 'esketamineGeriatricAge')} or older, start at ${v(c, 'esketamineGeriatricDay1DoseMg')} mg`,
      ordered,
      expected,
      wantsUpdate: true,
    });
  } else if (day1 && !geriatric && mg !== v(c, 'esketamineDay1DoseMg')) {
    out.push({
      rule,
      status: 'differs',
      indicator: mg > v(c, 'esketamineDay1DoseMg') ? 'warning' : 'info',
      phrase: `day 1 is ${v(c, 'esketamineDay1DoseMg')} mg`,
      ordered,
      expected,
      wantsUpdate: mg > v(c, 'esketamineDay1DoseMg'),
    });
  } else if (!day1 && us && (age === undefined || age < v(c, 'esketamineGeriatricAge')) && mg === device) {
    out.push({ rule, status: 'differs', indicator: 'info', phrase: `${device} mg is not a labelled adult US dose`, ordered, expected });
  }
  if (age === undefined && day1 && !e.ageAsked)
    out.push({
      rule,
      status: 'unknown',
      indicator: 'info',
      phrase: 'age unknown, so the 65-and-over start could not be checked',
      ordered,
      expected,
      needed: "the patient's date of birth",
    });
  return out.length ? out : [{ rule, status: 'as-ordered', indicator: 'info', phrase: `${mg} mg`, ordered, expected }];
}

/** OR-7 Esketamine schedule by phase of the course. Source: PI section 2; REMS (no home use); S3. */
export function checkEsketamineSchedule(e: EsketamineContext): OrderCheck {
  const { dosage, c, acuteSuicidality } = e;
  const rule = 'OR-7';
  const week = e.day1 || e.courseDay === undefined ? 1 : Math.floor(e.courseDay / 7) + 1;
  const induction = week <= v(c, 'esketamineInductionWeeks') || (acuteSuicidality && week <= v(c, 'esketamineSiWeeks'));
  const limit = induction ? v(c, 'esketamineInductionMaxPer7Days') : 1;
  const expected = induction
    ? `at most ${limit} sessions in 7 days (weeks 1-${v(c, 'esketamineInductionWeeks')})`
    : 'at most 1 session in 7 days (from week 5)';
  const ordered = orderedSchedule(dosage);
  const supply = supplyOrDaily(dosage, c);
  if (supply) return supplyFinding(rule, `the order ${supply}; esketamine is given in a certified setting, at most twice weekly`, ordered, expected);
  if (dosage.single) return { rule, status: 'as-ordered', indicator: 'info', phrase: 'one session', ordered, expected };
  if (dosage.per7Days === undefined)
    return {
      rule,
      status: 'unknown',
      indicator: 'info',
      phrase: 'no schedule given',
      ordered,
      expected,
      needed: 'a frequency (twice weekly in weeks 1-4, then weekly)',
    };
  if (dosage.per7Days > limit)
    return {
      rule,
      status: 'differs',
      indicator: 'warning',
      phrase: `${round1(dosage.per7Days)} sessions in 7 days in week ${week}; the label allows ${limit}`,
      ordered,
      expected,
      wantsUpdate: true,
    };
  // The whole order is checked, not the week it starts in: twice weekly for 12 weeks runs past the induction weeks.
  const inductionWeeks = acuteSuicidality ? v(c, 'esketamineSiWeeks') : v(c, 'esketamineInductionWeeks');
  const lastWeek = induction && dosage.count !== undefined && dosage.per7Days > 1 ? week + Math.ceil(dosage.count / dosage.per7Days) - 1 : undefined;
  if (lastWeek !== undefined && lastWeek > inductionWeeks)
    return {
      rule,
      status: 'differs',
      indicator: 'warning',
      phrase: `${round1(dosage.per7Days)} sessions in 7 days until week ${lastWeek}; the label allows 1 a week from week ${inductionWeeks + 1}`,
      ordered,
      expected: `at most ${limit} sessions in 7 days in weeks 1-${inductionWeeks}, then weekly or every 2 weeks`,
      wantsUpdate: true,
    };
  return { rule, status: 'as-ordered', indicator: 'info', phrase: scheduleText(dosage), ordered, expected };
}

// ---------------------------------------------------------------------------------------------
// OR-8 Age, OR-10 same-session vital signs, OR-13 TMS parameters

/** Age on the order date (or at death, DS-8), or what would settle it (a partial birth date: DS-7). */
export function ageAtOrder(index: RecordIndex, orderDate: Date): AgeReading {
  const p = index.record.patient.items[0];
  if (!p) return { needed: "the patient's date of birth" };
  const death = parseFhirDate(p.deceasedDateTime);
  return readAge(p.birthDate, death && death.getTime() < orderDate.getTime() ? death : orderDate, index.knowledge.thresholds.plausibleRanges.ageYears);
}

/** OR-8 Age at order time. Source: PI 8.4 and boxed warning; TMS-510k; K < 18 [local]. */
export function checkAge(drug: 'ketamine' | 'esketamine' | 'tms', reading: AgeReading, onAntidepressant: boolean, c: OR): OrderCheck | undefined {
  const rule = 'OR-8';
  const adult = v(c, 'adultAge');
  // A partial birth date (DS-7) gives one age only when it is adult throughout or names a single age.
  const { youngest, oldest } = reading;
  const age = youngest !== undefined && (youngest === oldest || youngest >= adult) ? youngest : undefined;
  const needed = reading.needed ?? 'a full birth date';
  const expected = drug === 'tms' ? `${v(c, 'tmsMinAgeAdjunct')} or older (adjunct under ${adult})` : `${adult} or older`;
  if (age === undefined) {
    const phrase = reading.implausible
      ? `${reading.implausible}, so age could not be checked: correct it`
      : needed === 'a full birth date'
        ? 'the birth date is partial, so age could not be checked'
        : 'no date of birth, so age could not be checked';
    return { rule, status: 'unknown', indicator: drug === 'esketamine' ? 'warning' : 'info', phrase, ordered: 'age unknown', expected, needed };
  }
  const ordered = `age ${age}`;
  if (age >= adult) return undefined;
  if (drug === 'esketamine')
    return {
      rule,
      status: 'differs',
      indicator: 'critical',
      phrase: `age ${age}: esketamine is not approved under ${adult}; safety and effectiveness are not established`,
      ordered,
      expected,
      override: true,
    };
  if (drug === 'ketamine')
    return {
      rule,
      status: 'differs',
      indicator: 'warning',
      phrase: `age ${age}: ketamine for depression under ${adult} is off-label, with limited evidence`,
      ordered,
      expected,
    };
  if (age < v(c, 'tmsMinAgeAdjunct'))
    return {
      rule,
      status: 'differs',
      indicator: 'warning',
      phrase: `age ${age}: no TMS device is cleared for depression under ${v(c, 'tmsMinAgeAdjunct')}`,
      ordered,
      expected,
    };
  return onAntidepressant
    ? {
        rule,
        status: 'differs',
        indicator: 'info',
        phrase: `age ${age}: adolescent clearance is as an adjunct and device-specific; confirm the device`,
        ordered,
        expected,
      }
    : {
        rule,
        status: 'differs',
        indicator: 'warning',
        phrase: `age ${age}: the adolescent TMS clearance is for adjunctive use; no antidepressant is current`,
        ordered,
        expected,
      };
}

/**
 * OR-10 Pre-dose BP, HR and SpO2 within the session window before now, at order-sign, for a
 * session today (first occurrence today, or none given). Present values feed the same-session
 * thresholds: BP >= 180/100 and SpO2 <= 93 % critical; BP > 140/90 and HR > 110 warning.
 * Source: PI 5.6; S1; S0 (SpO2 > 93 %); rules.md 4.5.
 */
export function checkSessionVitals(index: RecordIndex, dosage: DraftDosage | undefined, t: Thresholds, now: Date): OrderCheck | undefined {
  const rule = 'OR-10';
  const start = dosage?.start;
  if (start && start.toISOString().slice(0, 10) > now.toISOString().slice(0, 10)) return undefined;
  const windowMin = t.safety.sessionVitalsWindowMinutes.value;
  const days = windowMin / 1440;
  const recent = (d: Date | undefined) => d !== undefined && d.getTime() <= now.getTime() + 5 * 60_000 && now.getTime() - d.getTime() <= windowMin * 60_000;
  const bp = latestBloodPressure(index, days);
  // An average of readings (US Core 96607-7) is no pre-dose reading: its single readings' times are not known.
  const bpNow = bp && !bp.average && recent(bp.date) && bp.systolic !== undefined && bp.diastolic !== undefined ? bp : undefined;
  const hr = index.observations(VS.heartRate).find((o) => o.value !== undefined && recent(o.date));
  const spo2 = index.observations(VS.oxygenSaturation).find((o) => o.value !== undefined && recent(o.date));
  const hrText = hr ? `HR ${hr.value}/min${preliminaryMark(hr)}` : '';
  const spo2Text = spo2 ? `SpO2 ${spo2.value} %${preliminaryMark(spo2)}` : '';
  const missing: string[] = [];
  const settledBy: SettlingOrder[] = [];
  // A same-session value outside its plausible range is missing, and named so it is re-measured (issue 20).
  const unreadable = (name: string, messages: readonly string[] | undefined) => (messages?.length ? `${name} (${messages.join('; ')})` : name);
  const oddBp = bp && recent(bp.date) && !bpNow ? bp.implausible : undefined;
  const oddHr = hr ? undefined : implausibleLatest(index, VS.heartRate, 0, windowMin)?.implausible;
  const oddSpo2 = spo2 ? undefined : implausibleLatest(index, VS.oxygenSaturation, 0, windowMin)?.implausible;
  const lacking: [boolean, string, SettlingOrder][] = [
    [!bpNow, unreadable('BP', oddBp), 'order-blood-pressure'],
    [!hr, unreadable('HR', oddHr ? [oddHr] : undefined), 'order-heart-rate'],
    [!spo2, unreadable('SpO2', oddSpo2 ? [oddSpo2] : undefined), 'order-spo2'],
  ];
  for (const [absent, name, order] of lacking) {
    if (!absent) continue;
    missing.push(name);
    settledBy.push(order);
  }
  const v4 = t.vitals;
  const limits = bloodPressureBoundaries(v4);
  const ordered = [bpNow ? `BP ${bloodPressureValues(bpNow, limits)}` : '', hrText, spo2Text].filter(Boolean).join(', ') || 'none recorded';
  const expected = `BP, HR and SpO2 within ${windowMin} min before the dose`;
  const problems: { indicator: Indicator; phrase: string; reading?: string }[] = [];
  if (bpNow && (bpNow.systolic! >= v4.bpBlockSystolicAtLeast.value || bpNow.diastolic! >= v4.bpBlockDiastolicAtLeast.value))
    problems.push({
      indicator: 'critical',
      phrase: `pre-dose BP ${bloodPressureValues(bpNow, limits)} is at or above ${v4.bpBlockSystolicAtLeast.value}/${v4.bpBlockDiastolicAtLeast.value}`,
    });
  else if (bpNow && (bpNow.systolic! > v4.bpCautionSystolicAbove.value || bpNow.diastolic! > v4.bpCautionDiastolicAbove.value))
    problems.push({
      indicator: 'warning',
      phrase: `pre-dose BP ${bloodPressureValues(bpNow, limits)} is above ${v4.bpCautionSystolicAbove.value}/${v4.bpCautionDiastolicAbove.value}`,
    });
  if (spo2 && spo2.value! <= t.safety.spo2Minimum.value)
    problems.push({ indicator: 'critical', phrase: `pre-dose ${spo2Text} is at or below ${t.safety.spo2Minimum.value} %` });
  if (hr && hr.value! > t.safety.heartRateMaximum.value)
    problems.push({ indicator: 'warning', phrase: `pre-dose ${hrText} is above ${t.safety.heartRateMaximum.value}`, reading: hr.ref });
  if (problems.length) {
    const worst = problems.find((p) => p.indicator === 'critical') ?? problems[0]!;
    return {
      rule,
      status: 'differs',
      indicator: worst.indicator,
      phrase: problems.map((p) => p.phrase).join('; '),
      ordered,
      expected,
      override: worst.indicator === 'critical',
      readings: problems.flatMap((p) => (p.reading ? [p.reading] : [])),
      ...(missing.length ? { needed: missing.join(', '), settledBy } : {}),
    };
  }
  if (missing.length)
    return {
      rule,
      status: 'unknown',
      indicator: 'warning',
      phrase: `no ${missing.join(', ')} in the ${windowMin} min before the dose`,
      ordered,
      expected,
      needed: missing.join(', '),
      settledBy,
    };
  return { rule, status: 'as-ordered', indicator: 'info', phrase: ordered, ordered, expected };
}

/** OR-13 A TMS draft names its stimulation parameters (protocol, % motor threshold, pulses, target). Source: LCD. */
export function checkTmsParameters(draft: fhir4.ServiceRequest): OrderCheck {
  const rule = 'OR-13';
  const words = [
    ...(Array.isArray(draft.orderDetail)
      ? draft.orderDetail.flatMap((d) => [d?.text, ...(Array.isArray(d?.coding) ? d.coding.map((x) => x?.display) : [])])
      : []),
    ...(Array.isArray(draft.note) ? draft.note.map((n) => n?.text) : []),
  ].filter((w): w is string => typeof w === 'string' && w.trim() !== '');
  const expected = 'protocol, % of motor threshold, pulses per session, target';
  if (words.length)
    return { rule, status: 'as-ordered', indicator: 'info', phrase: 'stimulation parameters given', ordered: words.join('; ').slice(0, 200), expected };
  return {
    rule,
    status: 'unknown',
    indicator: 'info',
    phrase: 'add the stimulation parameters (protocol, % motor threshold, pulses, target)',
    ordered: 'no parameters',
    expected,
    needed: 'the stimulation parameters in orderDetail or note',
  };
}
