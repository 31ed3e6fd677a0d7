/**
 * Exposures to antidepressants and augmenting agents (revision-2 EL-2.1): one per counting
 * ingredient per medication record, with its interval, daily dose, units per day, and the reason
 * it was stopped. The treatment attempts built from them are in attempts.ts.
 */
import { SYSTEM } from '../../src/terminology/systems.js';
import type { CatalogueProduct, MedicationCatalogue, MedicationMatch } from '../../src/terminology/medication-catalogue.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from './concepts.js';
import { diagnoses } from './diagnoses.js';
import {
  addDays,
  administrationsPerDay,
  daysBetween,
  durationInDays,
  isoDay,
  massInMg,
  parseFhirDate,
  parseFhirInterval,
  strengthInText,
  strengthOf,
  unitCount,
  unreadTimingCode,
  volumeInMl,
  type DateInterval,
} from './fhir-read.js';
import type { Thresholds } from './thresholds.js';
import { checkPlausible } from '../../src/knowledge/plausible.js';
import { medicationText } from './medications.js';
import { medicationIndication } from './reasons.js';
import { namesNoCodedDrug, type MedicationUse, type RecordIndex } from './record.js';

export interface Exposure {
  ingredientRxcui: string;
  ingredient: string;
  ref: string;
  /** The earliest it could have started, and the latest it could have ended (EL-2.1, EL-2.2). */
  start?: Date;
  end?: Date;
  /** When the start or end is uncertain (a month- or year-precision date, an unrecorded end): its other bound. */
  latestStart?: Date;
  earliestEnd?: Date;
  /**
   * Why the end is uncertain, when it was not recorded (EL-2.1 steps 3, 5, 6): an active record with nothing
   * recent, a stopped one with no end, or a stopped one with no end that another antidepressant followed.
   */
  openEnd?: 'stale-active' | 'stopped-no-end' | 'stopped-before-switch';
  /** For `stopped-before-switch`: the antidepressant whose start bounds the end ("escitalopram"). */
  switchedTo?: string;
  dailyMg?: number;
  role: 'antidepressant' | 'augmentation';
  /** The catalogued product the record names, when it names one. */
  productRxcui?: string;
  /** Units (tablets, capsules) a day, from structured dosage or dispensed supply. */
  unitsPerDay?: number;
  /** Stopped or completed (a switch or stop), not still taken. */
  ended: boolean;
  /** Why it was stopped, when the record says (EL-2.11): not effective, or not tolerated. */
  stopReason?: 'ineffective' | 'intolerance';
  /**
   * Prescribed for an anxiety, obsessive-compulsive or trauma disorder while a depressive disorder
   * is on record (EL-2.3): whether it was a depression trial must be confirmed, so it never fails.
   */
  indicationToConfirm?: boolean;
  /** The dose is a volume (mL) and no strength of the product is known (EL-2.8): the mg a day is unknown. */
  volumeWithoutStrength?: boolean;
  /**
   * The words of a Timing.code no frequency could be read from ("'Daily'", a local code), when the dose was
   * there and only the frequency was missing: the card asks for the frequency, not for a dose already on the order.
   */
  unreadFrequency?: string;
  /**
   * The dose as written is not a dose anyone takes (0 mL, 1e9 mg), or the only strength that would convert it is
   * no product's (0 mg / 1 mL): the sentence naming it; the mg a day is unknown (EL-2.8).
   */
  implausibleDose?: string;
}

const INEFFECTIVE =
  /\b(ineffective|not effective|no response|non-?response|lack of (efficacy|effect|response)|did not work|didn't work|no benefit|no improvement)\b/i;
const INTOLERANCE = /\b(side[- ]effects?|adverse|intoleran|not tolerated|allerg)/i;

/** EL-2.11: the stop reason a medication record carries (statusReason codes or text). */
function stopReasonOf(r: Resource): Exposure['stopReason'] {
  const reasons: fhir4.CodeableConcept[] =
    r.resourceType === 'MedicationStatement'
      ? Array.isArray(r.statusReason)
        ? r.statusReason
        : []
      : r.resourceType === 'MedicationRequest'
        ? r.statusReason && !Array.isArray(r.statusReason)
          ? [r.statusReason]
          : []
        : r.resourceType === 'MedicationDispense' && r.statusReasonCodeableConcept
          ? [r.statusReasonCodeableConcept]
          : [];
  for (const reason of reasons) {
    const codes = (Array.isArray(reason?.coding) ? reason.coding : []).map((c) => (typeof c?.code === 'string' ? c.code.toLowerCase() : ''));
    // medicationrequest-status-reason: sintol (side intolerance), salg (allergy); altchoice alone says nothing.
    if (codes.includes('sintol') || codes.includes('salg')) return 'intolerance';
    const words = [reason?.text, ...(Array.isArray(reason?.coding) ? reason.coding.map((c) => c?.display) : [])]
      .filter((w): w is string => typeof w === 'string')
      .join(' ');
    if (INTOLERANCE.test(words)) return 'intolerance';
    if (INEFFECTIVE.test(words)) return 'ineffective';
  }
  return undefined;
}

/**
 * Doses a day: from a dosage's timing (frequency over period); one for an administration, which records one
 * dose given (the others of its day are added to it in `exposures`: sumAdministeredDays).
 */
function dosesPerDay(r: Resource, t: Terminology): number | undefined {
  return r.resourceType === 'MedicationAdministration' ? 1 : administrationsPerDay(dosageOf(r)?.timing, perDayOfCode(t));
}

/** Administrations a day a Timing.code states (QD, BID, SNOMED CT 229797004 ...), from the timing-frequency-per-day ValueSet. */
const perDayOfCode = (t: Terminology) => (code: fhir4.CodeableConcept) => t.ordinal(code, VS.timingFrequencyPerDay);

/** Units a day from structured dosage (tablets x frequency), or a dispense's quantity over its days supplied. */
function unitsPerDayOf(r: Resource, t: Terminology): number | undefined {
  const dosage = dosageOf(r);
  const dr = Array.isArray(dosage?.doseAndRate) ? dosage!.doseAndRate[0] : undefined;
  const units = unitCount(r.resourceType === 'MedicationAdministration' ? doseOf(r) : dr?.doseQuantity);
  const perDay = dosesPerDay(r, t);
  if (units !== undefined && perDay !== undefined) return units * perDay;
  if (r.resourceType === 'MedicationDispense') {
    const days = durationInDays(r.daysSupply);
    const quantity = unitCount(r.quantity);
    // Nothing handed over is no dose (a placeholder), never 0 tablets a day.
    if (days && quantity) return quantity / days;
  }
  return undefined;
}

/**
 * Days a supplied quantity lasts (EL-2.1 step 2, last form): tablets over the tablets taken a day, or a
 * liquid's mL over the mL taken a day (structured dose x frequency); undefined when either is unknown.
 */
function daysOfSupply(quantity: fhir4.Quantity | undefined, r: Resource, ranges: Ranges, t: Terminology): number | undefined {
  // A supply divided by an implausible dose (1e9 mL a day) lasts no real time: the end is not known from it.
  if (implausibleDose(r, ranges)) return undefined;
  const units = unitCount(quantity);
  const unitsPerDay = unitsPerDayOf(r, t);
  if (units !== undefined && unitsPerDay) return units / unitsPerDay;
  const ml = volumeInMl(quantity);
  const mlPerDose = volumeInMl(doseOf(r));
  const perDay = administrationsPerDay(dosageOf(r)?.timing, perDayOfCode(t));
  return ml !== undefined && mlPerDose && perDay ? ml / (mlPerDose * perDay) : undefined;
}

const ENDED = new Set(['stopped', 'completed']);

type Resource = MedicationUse['resource'];

/** A medication record's first dosage (statement `dosage`, order or dispense `dosageInstruction`), if it is a list. */
export function dosageOf(r: Resource): fhir4.Dosage | undefined {
  if (r.resourceType === 'MedicationStatement') return Array.isArray(r.dosage) ? r.dosage[0] : undefined;
  if (r.resourceType === 'MedicationRequest' || r.resourceType === 'MedicationDispense') {
    return Array.isArray(r.dosageInstruction) ? r.dosageInstruction[0] : undefined;
  }
  return undefined;
}

/** mg of one ingredient in one unit (tablet, capsule, patch-day) and in one mL of the product taken (EL-2.8). */
interface Strength {
  perUnit?: number;
  perMl?: number;
  /**
   * The product's own strength of this ingredient, per unit or per mL, when no product has it: the sentence
   * naming it ("strength 0 mg / 1 mL is implausible: re-check the product's strength"). Said only when the
   * dose needs a strength of that kind and nothing else gave one.
   */
  implausible?: { unit?: string; mL?: string };
}

/** Whether a concept (a Medication's ingredient item) names this catalogue ingredient: by code, by product, or by name (DS-4). */
function namesIngredient(concept: fhir4.CodeableConcept | undefined, ingredientRxcui: string, catalogue: MedicationCatalogue): boolean {
  const m = catalogue.resolve(concept);
  if (m?.kind === 'ingredient') return m.ingredientRxcui === ingredientRxcui;
  if (m?.kind === 'product') return m.product.ingredients.some((i) => i.ingredientRxcui === ingredientRxcui);
  return catalogue.ingredientsNamedIn(medicationText(concept)).some((i) => i.ingredientRxcui === ingredientRxcui);
}

/**
 * The strength of one ingredient in the product a record names (EL-2.8 "product strength"): the
 * referenced Medication's own `ingredient.strength` (contained or the record's), taken only from the
 * ingredient that is this drug (another ingredient's, or a diluent's, never stands in), as OR-3 reads a
 * ketamine premix, and only when plausible; else the catalogue product's strength for its code (sertraline 20 mg/mL oral
 * concentrate, fluoxetine 4 mg/mL oral solution); else, for an uncatalogued product of one ingredient,
 * the strength its name writes ("Sertraline oral concentrate 20 mg/mL"). Empty when none says: a dose in
 * mL then stays unconverted, and the trial's dose is unknown, never inadequate.
 */
function strengthIn(
  use: MedicationUse,
  product: CatalogueProduct | undefined,
  ingredientRxcui: string,
  catalogue: MedicationCatalogue,
  single: boolean,
  ranges: Ranges,
): Strength {
  const out: Strength = {};
  const items = Array.isArray(use.medication?.ingredient) ? use.medication.ingredient : [];
  items.forEach((item, n) => {
    const strength = strengthOf(item?.strength);
    // A strength per device (a nasal spray) converts no tablet or mL taken.
    if (!strength || strength.per === 'device' || !namesIngredient(use.ingredients?.[n] ?? item?.itemCodeableConcept, ingredientRxcui, catalogue)) return;
    // One tablet or one mL holds at most one dose's mg and more than none (plausibleRanges antidepressantDoseMg):
    // 0 mg / 1 mL, -20 mg / 1 mL or 1e9 mg / 1 mL is an entry error, never a strength that makes a dose.
    if (!checkPlausible(ranges.antidepressantDoseMg, strength.mg).plausible) {
      out.implausible ??= {};
      out.implausible[strength.per] ??= `strength ${strength.text} is implausible: re-check the product's strength`;
      return;
    }
    if (strength.per === 'mL') out.perMl ??= strength.mg;
    else out.perUnit ??= strength.mg;
  });
  const i = product?.ingredients.find((x) => x.ingredientRxcui === ingredientRxcui);
  if (i?.strengthValue) {
    if (i.strengthUnit === 'mg') out.perUnit ??= i.strengthValue;
    if (i.strengthUnit === 'mg/mL') out.perMl ??= i.strengthValue;
    if (i.strengthUnit === 'mg/h' && i.deliveredMgPerDay) out.perUnit ??= i.deliveredMgPerDay;
  }
  // Failing both, the strength the drug's name writes, for a product of one ingredient (EL-2.8, EL-2.14).
  if (!product && out.perUnit === undefined && out.perMl === undefined && single) {
    const named = strengthInText(medicationText(use.concept));
    if (named?.per === 'mL') out.perMl = named.mg;
    else if (named) out.perUnit = named.mg;
  }
  return out;
}

/**
 * The first dose of a record's dosage, as written (`doseQuantity`, else the top of `doseRange`); for an
 * administration, the dose it gave (`dosage.dose`), read as any other dose: mg, or tablets or mL by the strength.
 */
function doseOf(r: Resource): fhir4.Quantity | undefined {
  if (r.resourceType === 'MedicationAdministration') return r.dosage && typeof r.dosage === 'object' ? r.dosage.dose : undefined;
  const dosage = dosageOf(r);
  const dr = Array.isArray(dosage?.doseAndRate) ? dosage!.doseAndRate[0] : undefined;
  return dr?.doseQuantity ?? dr?.doseRange?.high;
}

type Ranges = Thresholds['plausibleRanges'];

/**
 * Whether a record's dose as written is one anyone takes (plausibleRanges antidepressantDoseMg, -Ml and
 * -Units: one dose in mg, g or micrograms, in mL, or in tablets and capsules). Undefined when it is, or
 * when it is in no unit these read; else the sentence a trial row shows ("dose 0 mL is implausible:
 * re-check the dose"). Zero is a placeholder ("as directed"), never 0 mg a day, and 1e9 mL is an entry
 * error, never an adequate dose: the trial's dose is unknown (EL-2.8; the project's plausible-range policy).
 */
function implausibleDose(r: Resource, ranges: Ranges): string | undefined {
  const q = doseOf(r);
  if (typeof q?.value !== 'number') return undefined;
  const one = { ...q, value: 1 };
  const mgEach = massInMg(one);
  const range =
    mgEach !== undefined
      ? ranges.antidepressantDoseMg
      : volumeInMl(one) !== undefined
        ? ranges.antidepressantDoseMl
        : unitCount(one) !== undefined
          ? ranges.antidepressantDoseUnits
          : undefined;
  if (!range) return undefined;
  const check = checkPlausible(range, q.value * (mgEach ?? 1));
  return check.plausible ? undefined : check.message;
}

/**
 * Daily dose of one ingredient: structured dose x frequency (a mass as written; tablets x strength; a
 * volume x the product's mg per mL), or a dispense's quantity (tablets or mL) x strength over its days supplied.
 */
function dailyDoseMg(r: Resource, strength: Strength, single: boolean, t: Terminology): number | undefined {
  const dose = doseOf(r);
  const perDay = dosesPerDay(r, t);
  if (dose && perDay !== undefined) {
    const mg = single ? massInMg(dose) : undefined;
    if (mg !== undefined) return mg * perDay;
    const units = unitCount(dose);
    if (units !== undefined && strength.perUnit !== undefined) return units * strength.perUnit * perDay;
    const ml = volumeInMl(dose);
    if (ml !== undefined && strength.perMl !== undefined) return ml * strength.perMl * perDay;
  }
  if (r.resourceType === 'MedicationDispense') {
    // A dispense of nothing (0 tablets, 0 mL) is a placeholder: no dose, never 0 mg a day.
    const days = durationInDays(r.daysSupply);
    const units = unitCount(r.quantity);
    if (days && units && strength.perUnit !== undefined) return (units * strength.perUnit) / days;
    const ml = volumeInMl(r.quantity);
    if (days && ml && strength.perMl !== undefined) return (ml * strength.perMl) / days;
  }
  return undefined;
}

/**
 * The product's own strength the dose needed, when it was implausible and nothing else gave one (EL-2.8): a dose
 * (or a dispense) in tablets with only an implausible strength per unit, or in mL with only one per mL.
 */
function implausibleStrength(r: Resource, strength: Strength): string | undefined {
  const bad = strength.implausible;
  if (!bad) return undefined;
  const amounts = [doseOf(r), r.resourceType === 'MedicationDispense' ? r.quantity : undefined];
  if (bad.unit && strength.perUnit === undefined && amounts.some((q) => unitCount(q) !== undefined)) return bad.unit;
  if (bad.mL && strength.perMl === undefined && amounts.some((q) => volumeInMl(q) !== undefined)) return bad.mL;
  return undefined;
}

/** A dose given as a volume (mL) that no strength converts to mg: what the trial row names as missing. */
function unconvertedVolume(r: Resource, strength: Strength): boolean {
  if (strength.perMl !== undefined) return false;
  return volumeInMl(doseOf(r)) !== undefined || (r.resourceType === 'MedicationDispense' && volumeInMl(r.quantity) !== undefined);
}

/**
 * A date as the instants it could be (EL-2.2): a year or a month is its whole span; a day or a
 * dateTime is itself (a duration between two days does not depend on the zone both were written in).
 */
function dateBounds(value: unknown): DateInterval | undefined {
  if (typeof value === 'string' && /^\d{4}(-\d{2})?$/.test(value)) return parseFhirInterval(value);
  const d = parseFhirDate(value);
  return d ? { earliest: d, latest: d } : undefined;
}

const point = (d: Date): DateInterval => ({ earliest: d, latest: d });

/** When a record's drug was taken: its start and end, each an interval when uncertain (EL-2.1, EL-2.2). */
interface Period {
  start?: DateInterval;
  end?: DateInterval;
  /** The end was not recorded and is bounded by EL-2.1 step 5 or 6: why, in words a trial row shows. */
  openEnd?: 'stale-active' | 'stopped-no-end';
  /** Stopped or completed with no explicit end or supply: a switch to another antidepressant may end it (EL-2.1 step 3). */
  endInferable?: boolean;
  /** No explicit end or supply at all: a later order naming this one in `priorPrescription` ends it (EL-2.1 step 3). */
  noRecordedEnd?: boolean;
}

/**
 * EL-2.1 steps 4-6 for a record with a start and no recorded end or supply: active with evidence within
 * ACTIVE_ORDER_STALE_DAYS (the later of the start and `lastEvidence`) -> taken until now; active and
 * stale -> ended somewhere in [start, now]; stopped, completed or any other status -> ended within
 * STOPPED_ORDER_MAX_DAYS of the start (which keeps a 2009 order out of today's episode).
 */
function openEnded(status: string, start: DateInterval, lastEvidence: DateInterval | undefined, now: Date, at: Thresholds['attempts']): Period {
  if (status === 'active') {
    const last = lastEvidence && lastEvidence.latest.getTime() > start.latest.getTime() ? lastEvidence : start;
    if (daysBetween(last.latest, now) <= at.activeOrderStaleDays.value) return { start, end: point(now), noRecordedEnd: true };
    return { start, end: { earliest: start.latest, latest: now }, openEnd: 'stale-active', noRecordedEnd: true };
  }
  return {
    start,
    end: { earliest: start.latest, latest: addDays(start.latest, at.stoppedOrderMaxDays.value) },
    openEnd: 'stopped-no-end',
    endInferable: true,
    noRecordedEnd: true,
  };
}

/** When the ingredient was taken, from effective periods, supply durations or dispenses (EL-2.1). */
function exposurePeriod(r: Resource, now: Date, th: Thresholds, t: Terminology): Period {
  const at = th.attempts;
  switch (r.resourceType) {
    case 'MedicationStatement': {
      const start = dateBounds(r.effectivePeriod?.start) ?? dateBounds(r.effectiveDateTime);
      const end = dateBounds(r.effectivePeriod?.end);
      if (!start || end) return { start, end };
      return openEnded(r.status, start, dateBounds(r.dateAsserted), now, at);
    }
    case 'MedicationRequest': {
      const timing = dosageOf(r)?.timing?.repeat;
      const bounds = timing?.boundsPeriod;
      const authored = dateBounds(r.authoredOn);
      if (bounds?.start) {
        const start = dateBounds(bounds.start);
        const end = dateBounds(bounds.end);
        if (!start || end) return { start, end };
        return openEnded(r.status, start, authored, now, at);
      }
      const boundsDays = durationInDays(timing?.boundsDuration);
      if (authored && boundsDays !== undefined) return { start: authored, end: shift(authored, boundsDays) };
      const supplyDays = durationInDays(r.dispenseRequest?.expectedSupplyDuration);
      const fills = 1 + (typeof r.dispenseRequest?.numberOfRepeatsAllowed === 'number' ? r.dispenseRequest.numberOfRepeatsAllowed : 0);
      if (authored && supplyDays !== undefined) return { start: authored, end: shift(authored, supplyDays * fills) };
      // EL-2.1 step 2, last form: the quantity over the units (or mL) taken a day, times the fills.
      const lasts = daysOfSupply(r.dispenseRequest?.quantity, r, th.plausibleRanges, t);
      if (authored && lasts !== undefined) return { start: authored, end: shift(authored, lasts * fills) };
      const validity = r.dispenseRequest?.validityPeriod;
      if (validity?.start && validity.end) return { start: dateBounds(validity.start), end: dateBounds(validity.end) };
      return authored ? openEnded(r.status, authored, undefined, now, at) : {};
    }
    case 'MedicationDispense': {
      const start = dateBounds(r.whenHandedOver) ?? dateBounds(r.whenPrepared);
      const days = durationInDays(r.daysSupply);
      if (start && days !== undefined) return { start, end: shift(start, days) };
      // No days supplied: the quantity over the units (or mL) taken a day (EL-2.1 step 2).
      const lasts = daysOfSupply(r.quantity, r, th.plausibleRanges, t);
      return { start, end: start && lasts !== undefined ? shift(start, lasts) : undefined };
    }
    case 'MedicationAdministration': {
      const start = dateBounds(r.effectivePeriod?.start) ?? dateBounds(r.effectiveDateTime);
      return { start, end: dateBounds(r.effectivePeriod?.end) ?? (start ? shift(start, 1) : undefined) };
    }
  }
}

const shift = (i: DateInterval, days: number): DateInterval => ({ earliest: addDays(i.earliest, days), latest: addDays(i.latest, days) });

const STATEMENT_NOT_TAKEN = new Set(['entered-in-error', 'not-taken', 'intended']);
const REQUEST_TAKEN = new Set(['active', 'completed', 'stopped', 'on-hold']);
const REQUEST_NOT_AN_ORDER = new Set(['proposal', 'plan', 'option']);

function isTaken(r: Resource): boolean {
  switch (r.resourceType) {
    case 'MedicationStatement':
      return !STATEMENT_NOT_TAKEN.has(r.status);
    case 'MedicationRequest':
      return REQUEST_TAKEN.has(r.status) && !REQUEST_NOT_AN_ORDER.has(r.intent);
    case 'MedicationDispense':
      return r.status === 'completed' || r.status === 'in-progress';
    case 'MedicationAdministration':
      return r.status === 'completed' || r.status === 'in-progress';
  }
}

// Catalogue products are fixed at start-up: their coded ingredients are listed once.
const productIngredients = new WeakMap<CatalogueProduct, { rxcui: string; name: string }[]>();

function codedIngredients(match: MedicationMatch | undefined): { rxcui: string; name: string }[] {
  if (match?.kind === 'ingredient') return [{ rxcui: match.ingredientRxcui, name: match.name }];
  if (match?.kind !== 'product') return [];
  let list = productIngredients.get(match.product);
  if (!list) {
    list = match.product.ingredients.filter((i) => i.ingredientRxcui).map((i) => ({ rxcui: i.ingredientRxcui!, name: i.name }));
    productIngredients.set(match.product, list);
  }
  return list;
}

/** Exposures to counting ingredients, one per ingredient per medication resource. */
export function exposures(index: RecordIndex): Exposure[] {
  const { terminology: t, thresholds } = index.knowledge;
  const out: Exposure[] = [];
  const roles = new Map<string, Exposure['role'] | undefined>();
  const roleOf = (rxcui: string): Exposure['role'] | undefined => {
    if (roles.has(rxcui)) return roles.get(rxcui);
    const coding = { system: SYSTEM.rxnorm, code: rxcui };
    const role = t.inConcept(coding, VS.antidepressantIngredients)
      ? 'antidepressant'
      : t.inConcept(coding, VS.augmentationIngredients) && thresholds.adequateTrial.countAugmentation.value
        ? 'augmentation'
        : undefined;
    roles.set(rxcui, role);
    return role;
  };
  // EL-2.3: a record prescribed only for something other than depression is not a depression trial.
  const countOther = thresholds.attempts.countOtherIndications.value;
  let depressionOnRecord: boolean | undefined;
  const depressive = () => {
    const dx = diagnoses(index);
    return (depressionOnRecord ??= [dx.mdd, dx.ambiguous, dx.remission, dx.bipolarDepression, dx.postpartum, dx.trdCoded].some(
      (g) => g.active.length + g.confirm.length > 0,
    ));
  };
  // Exposures of stopped or completed records with no recorded end or supply: a switch may end them (EL-2.1 step 3).
  const inferable = new Set<Exposure>();
  const noRecordedEnd = new Set<Exposure>();
  /** `MedicationRequest/<id>` of an order -> the exposures of the later orders that name it in priorPrescription. */
  const replacedBy = new Map<string, Exposure[]>();
  /** Exposures of administrations: one dose each, added up by day (sumAdministeredDays). */
  const administered: Exposure[] = [];
  for (const use of index.medicationUses) {
    if (!isTaken(use.resource)) continue;
    const indication = countOther ? 'unstated' : medicationIndication(use.resource, index);
    if (indication === 'other' || (indication === 'anxiety' && !depressive())) continue;
    const match = use.match;
    // Products flagged as not an antidepressant trial (lamotrigine, hypnotic doxepin, Zyban, 5-HTP...) never count.
    if (match?.kind === 'product' && match.product.flags?.length) continue;
    const ingredients = codedIngredients(match);
    const product = match?.kind === 'product' ? match.product : undefined;
    const period = exposurePeriod(use.resource, index.now, thresholds, t);
    const doseProblem = implausibleDose(use.resource, thresholds.plausibleRanges);
    const first = out.length;
    const capped = (d: Date | undefined) => (d && d.getTime() > index.now.getTime() ? index.now : d);
    const end = capped(period.end?.latest);
    const earliestEnd = capped(period.end?.earliest);
    for (const ingredient of ingredients) {
      const role = roleOf(ingredient.rxcui);
      if (!role) continue;
      const strength = strengthIn(use, product, ingredient.rxcui, index.knowledge.catalogue, ingredients.length === 1, thresholds.plausibleRanges);
      const dailyMg = doseProblem ? undefined : dailyDoseMg(use.resource, strength, ingredients.length === 1, t);
      const problem = doseProblem ?? (dailyMg === undefined ? implausibleStrength(use.resource, strength) : undefined);
      const exposure: Exposure = {
        ingredientRxcui: ingredient.rxcui,
        ingredient: ingredient.name,
        ref: use.ref,
        start: period.start?.earliest,
        end,
        dailyMg,
        role,
        unitsPerDay: doseProblem ? undefined : unitsPerDayOf(use.resource, t),
        ended: ENDED.has(use.resource.status) || (end !== undefined && end.getTime() < index.now.getTime()),
        stopReason: stopReasonOf(use.resource),
      };
      // The optional fields only when they say something (set, not spread: this runs for every medication record).
      if (period.start && period.start.latest.getTime() !== period.start.earliest.getTime()) exposure.latestStart = period.start.latest;
      if (earliestEnd && end && earliestEnd.getTime() !== end.getTime()) exposure.earliestEnd = earliestEnd;
      if (period.openEnd) exposure.openEnd = period.openEnd;
      if (product) exposure.productRxcui = product.rxcui;
      if (indication === 'anxiety') exposure.indicationToConfirm = true;
      if (problem) exposure.implausibleDose = problem;
      else if (exposure.dailyMg === undefined && unconvertedVolume(use.resource, strength)) exposure.volumeWithoutStrength = true;
      else if (exposure.dailyMg === undefined && doseOf(use.resource) && dosesPerDay(use.resource, t) === undefined) {
        const words = unreadTimingCode(dosageOf(use.resource)?.timing);
        if (words) exposure.unreadFrequency = words;
      }
      out.push(exposure);
    }
    for (let i = first; i < out.length; i++) {
      if (period.endInferable) inferable.add(out[i]!);
      if (period.noRecordedEnd) noRecordedEnd.add(out[i]!);
      if (use.resource.resourceType === 'MedicationAdministration') administered.push(out[i]!);
    }
    const prior = use.resource.resourceType === 'MedicationRequest' ? priorOrderKey(use.resource.priorPrescription?.reference) : undefined;
    if (prior && out.length > first) replacedBy.set(prior, [...(replacedBy.get(prior) ?? []), ...out.slice(first)]);
  }
  endByReplacement(noRecordedEnd, replacedBy);
  endBySwitch(out, inferable, thresholds.attempts.switchInferenceMaxDays.value);
  sumAdministeredDays(administered);
  return out;
}

/**
 * An administration records one dose; a day's dose of a drug given by administrations (an inpatient stay) is
 * the sum of that day's (UTC calendar day of each one's time): sertraline 50 mg at 08:00 and at 20:00 is 100 mg
 * that day, never 50 mg a day. A day with an administration of unknown dose has an unknown dose (never the sum
 * of the others); tablets a day are added up the same way.
 */
function sumAdministeredDays(administered: readonly Exposure[]): void {
  const days = new Map<string, Exposure[]>();
  for (const e of administered) {
    if (!e.start) continue;
    const key = `${e.ingredientRxcui}|${isoDay(e.start)}`;
    const list = days.get(key);
    if (list) list.push(e);
    else days.set(key, [e]);
  }
  const total = (list: readonly Exposure[], of: (e: Exposure) => number | undefined) =>
    list.every((e) => of(e) !== undefined) ? list.reduce((sum, e) => sum + of(e)!, 0) : undefined;
  for (const list of days.values()) {
    if (list.length < 2) continue;
    const mg = total(list, (e) => e.dailyMg);
    const units = total(list, (e) => e.unitsPerDay);
    for (const e of list) {
      if (mg === undefined) delete e.dailyMg;
      else e.dailyMg = mg;
      if (units === undefined) delete e.unitsPerDay;
      else e.unitsPerDay = units;
    }
  }
}

/** `MedicationRequest/<id>` for a priorPrescription reference (relative, absolute or versioned). */
function priorOrderKey(reference: unknown): string | undefined {
  const m = typeof reference === 'string' ? /(?:^|\/)MedicationRequest\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/.exec(reference) : null;
  return m ? `MedicationRequest/${m[1]}` : undefined;
}

/**
 * EL-2.1 step 3, first case: an order with no recorded end that a later order names in `priorPrescription`
 * ended when the later one started (a recorded replacement: known for duration tests).
 */
function endByReplacement(noRecordedEnd: ReadonlySet<Exposure>, replacedBy: ReadonlyMap<string, Exposure[]>): void {
  for (const e of noRecordedEnd) {
    const later = (replacedBy.get(e.ref) ?? []).filter((o) => o !== e && o.start && e.start && o.start.getTime() > e.start.getTime());
    if (!later.length) continue;
    e.end = new Date(Math.min(...later.map((o) => o.start!.getTime())));
    e.ended = true;
    delete e.earliestEnd;
    delete e.openEnd;
  }
}

/**
 * EL-2.1 step 3, second case: a stopped or completed antidepressant with no recorded end or supply, followed by
 * another antidepressant (a different ingredient) within SWITCH_INFERENCE_MAX_DAYS of its start, ended at the
 * latest when that one started: its end lies in [its start, the other's start]. Revision-2 uses the switch date
 * as a known end; it is only an upper bound (an SSRI is often stopped in its first weeks for side effects, and the
 * next drug is started at the next visit), so it can prove a trial too short, never long enough (EL-2.2
 * three-valued: the trial is undecided, and the row asks for the stop date, naming the bound).
 */
function endBySwitch(all: Exposure[], inferable: ReadonlySet<Exposure>, maxDays: number): void {
  for (const e of inferable) {
    // Already ended by a recorded replacement (endByReplacement).
    if (e.role !== 'antidepressant' || !e.start || !e.openEnd) continue;
    const from = e.latestStart ?? e.start;
    let next: Exposure | undefined;
    for (const o of all) {
      if (o === e || o.role !== 'antidepressant' || o.ingredientRxcui === e.ingredientRxcui || !o.start || o.latestStart) continue;
      const gap = daysBetween(from, o.start);
      if (gap > 0 && gap <= maxDays && (!next || o.start.getTime() < next.start!.getTime())) next = o;
    }
    if (!next) continue;
    e.earliestEnd ??= from;
    e.end = next.start!;
    e.openEnd = 'stopped-before-switch';
    e.switchedTo = next.ingredient;
  }
}

/**
 * Medication records of the episode whose drug cannot be told: no RxNorm code (free text only, another
 * code system such as NDC, or a reference to a Medication resource the record does not hold). Each could
 * be an antidepressant trial, so they keep EL-2 from being "not met".
 */
export function unidentifiedMedications(index: RecordIndex): string[] {
  const at = index.knowledge.thresholds.adequateTrial;
  const episodeStart = addDays(index.now, -at.episodeLookbackMonths.value * 30.44);
  return index.medicationUses
    .filter((use) => isTaken(use.resource) && namesNoCodedDrug(use))
    .filter((use) => {
      const { start, end } = exposurePeriod(use.resource, index.now, index.knowledge.thresholds, index.knowledge.terminology);
      const last = end?.latest ?? start?.latest;
      return !last || last.getTime() >= episodeStart.getTime();
    })
    .map((use) => use.ref);
}
