/**
 * What a draft MedicationRequest orders, read from its structured dosage (every `dosageInstruction` and
 * `doseAndRate` entry, or STU3's dose and rate on the Dosage; the first is the order's shape): route, dose,
 * infusion time, how often and for how long, and the supply.
 * Every reader is total: an absent or unreadable element is undefined (unknown), never a default.
 * Units per revision-2 DS-11 and OR-4: dose in `mg` or `mg/kg`, or a volume (`mL`) converted to mg by
 * the product's concentration; rate in `mg/min`, `mg/h`, or `mL/h` / `mL/min` (a volume and a volume
 * rate give the infusion time; a mass and a volume rate need the concentration). Volume-based orders
 * are how Oracle Health and Epic send IV mixtures (100 mL of 40 mg/100 mL at 150 mL/h). A volume that
 * cannot be converted is an unknown dose saying what would settle it, never a made-up mg.
 */
import { checkPlausible, formatMeasured, type PlausibleRange } from '../../src/knowledge/plausible.js';
import type { MedicationCatalogue } from '../../src/terminology/medication-catalogue.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from '../assessment/concepts.js';
import {
  deviceCount,
  massInMg,
  massPerKgInMg,
  massPerKgPerMinute,
  parseFhirDate,
  quantityWords,
  sprayCount,
  strengthOf,
  unitOf,
  volumeInMl,
} from '../assessment/fhir-read.js';

export type RouteClass = 'iv' | 'nasal' | 'im' | 'oral' | 'sc' | 'sublingual' | 'other' | 'unknown';

/** How each route is named on a card (CD-3: the route actually ordered). */
export const ROUTE_WORD: Record<RouteClass, string> = {
  iv: 'IV',
  nasal: 'intranasal',
  im: 'IM',
  oral: 'oral',
  sc: 'subcutaneous',
  sublingual: 'sublingual',
  other: '',
  unknown: '',
};

const ROUTE_SETS: [RouteClass, string][] = [
  ['iv', VS.routeIntravenous],
  ['nasal', VS.routeNasal],
  ['im', VS.routeIntramuscular],
  ['oral', VS.routeOral],
  ['sc', VS.routeSubcutaneous],
  ['sublingual', VS.routeSublingual],
];

export interface OrderedDose {
  /** The dose in mg, when ordered in mass units, or as a volume of a product whose concentration is known. */
  mg?: number;
  /** The dose in mL, when ordered as a volume. */
  ml?: number;
  /** The dose in mg/kg, when ordered per kg. */
  mgPerKg?: number;
  /** What was ordered, in words ("160 mg", "2 mL"), for the card. */
  text?: string;
  /**
   * The dose, volume, concentration or computed mg is implausible (thresholds `plausibleRanges`): the
   * sentence naming it ("concentration 1e+308 g / 100 mL is implausible: check the product's strength");
   * then no mg, mL or mg/kg is given, so nothing is checked against it.
   */
  implausible?: string;
  /** The implausible dose is a mass (ordered, per kg, or computed) above the range's maximum: a tenfold error, not noise. */
  aboveMaximum?: boolean;
  /**
   * Ordered as a range (`doseRange`, a titration or PRN order): `top` when mg, mL and mg/kg are its high
   * end (a range is as dangerous as its top, and `text` is the range as ordered); `open` when it has no
   * high end, so no dose is known.
   */
  range?: 'top' | 'open';
  /** The range was written with its low end above its high end (FHIR rng-2): checked at its larger end, said on the card. */
  inverted?: boolean;
}

/** The plausible ranges the order's numbers are held to (thresholds `plausibleRanges`). */
export type DosagePlausibleRanges = Record<
  'orderConcentrationMgPerMl' | 'orderDoseMg' | 'orderDoseMgPerKg' | 'orderVolumeMl' | 'infusionMinutes',
  PlausibleRange
>;

/**
 * Undefined when `value` is finite, positive and (with a range) inside it; else the sentence naming it,
 * as written when `written` is given ("dose 0 mg is implausible: check the order").
 */
function implausibility(value: number, range: PlausibleRange | undefined, written?: string): string | undefined {
  if (Number.isFinite(value) && value > 0 && (!range || checkPlausible(range, value).plausible)) return undefined;
  const label = range?.label ?? 'value';
  return `${label} ${written ?? `${formatMeasured(value)} ${range?.unit ?? ''}`.trim()} is implausible: ${range?.remedy ?? 're-check the order'}`;
}

export interface DraftDosage {
  route: RouteClass;
  /** No route was given; an infusion rate or duration made it IV (OR-2 step 1). */
  routeInferred: boolean;
  dose?: OrderedDose;
  /** Minutes over which each dose runs: `timing.repeat.duration`, or dose / rate; 0 for push or bolus. */
  infusionMinutes?: number;
  /** How the infusion time was found (for the card). */
  infusionFrom?: 'duration' | 'rate' | 'push';
  /** For a time from a rate: what it was computed from ("100 mL at 150 mL/h"). */
  infusionBasis?: string;
  /**
   * A rate (or duration) was given but no time could be computed from it: the rate as ordered, what would
   * settle it, and, when the rate or the time it gives is implausible, the sentence naming it.
   */
  unreadRate?: { text: string; needed: string; implausible?: string };
  /** Doses a day and doses in any 7 days, from `timing.repeat` (frequency, period, count, bounds) or `timing.code`. */
  perDay?: number;
  per7Days?: number;
  /** Repeats daily or more often. */
  daily: boolean;
  /** Total number of doses, when bounded (`count`, or frequency x `boundsDuration`/`boundsPeriod`). */
  count?: number;
  /** A take-home supply: expected supply duration in days, or refills. */
  supplyDays?: number;
  refills?: number;
  /** First occurrence: `boundsPeriod.start` or the first `timing.event`. */
  start?: Date;
  /** A single dose (count 1, or one event), so frequency is settled. */
  single: boolean;
  /** The dosage's own words, for the card only (never used to identify the drug). */
  text?: string;
  /** `doseAndRate.type`: the dose as ordered (0.5 mg/kg) or as the EHR calculated it (40 mg). */
  doseType?: 'ordered' | 'calculated';
  /**
   * With more than one instruction or dose-and-rate entry: every step, this one (the first) included, each
   * read as a whole dosage. The dose checks judge each and name the worst. [local; FHIR R4 Dosage.sequence]
   */
  steps?: DraftDosage[];
}

const MINUTES: Record<string, number> = { s: 1 / 60, min: 1, h: 60, d: 1440, wk: 10080, mo: 43200, a: 525600 };

function minutesOf(value: unknown, unit: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || typeof unit !== 'string') return undefined;
  const factor = Object.hasOwn(MINUTES, unit.trim()) ? MINUTES[unit.trim()] : undefined;
  return factor === undefined ? undefined : value * factor;
}

function durationMinutes(d: fhir4.Duration | undefined): number | undefined {
  return d ? minutesOf(d.value, d.code ?? d.unit) : undefined;
}

/** The route class of a dosage: its coded route, else its route text. */
export function routeOf(route: fhir4.CodeableConcept | undefined, t: Terminology): RouteClass {
  if (!route || typeof route !== 'object') return 'unknown';
  for (const [cls, url] of ROUTE_SETS) if (t.matchingCoding(route, url)) return cls;
  for (const [cls, url] of ROUTE_SETS) if (t.inConcept(route, url)) return cls;
  const anything = (Array.isArray(route.coding) && route.coding.length > 0) || typeof route.text === 'string';
  return anything ? 'other' : 'unknown';
}

/** The drug's concentration in the ordered product, in mg per mL, with how it was written. */
export interface Concentration {
  mgPerMl: number;
  /** As written: "40 mg / 100 mL". */
  text: string;
  from: 'product' | 'catalogue' | 'label';
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The concentration of the ordered drug (`drugSet`: the ketamine or esketamine ValueSet) in a product:
 * a `Medication.ingredient` of that drug (`ingredients`: each ingredient's concept with its `itemReference`
 * followed, from the resolver; else its `itemCodeableConcept`) whose `strength` is a mass over a volume (mg, g or
 * micrograms over mL), read by the one strength reader (`strengthOf`) as written, and only that ingredient
 * (another ingredient's strength, a diluent's, never stands in); else the catalogue's mg/mL strength for the
 * product's code. A written strength no product has (0 mg / 100 mL, 40 mg / 0 mL) is returned as written, and
 * `readDraftDosage` names it against plausibleRanges orderConcentrationMgPerMl, never replaced by the
 * catalogue's. Undefined when none is known: the volume then stays unconverted.
 */
export function productConcentration(
  medication: fhir4.Medication | undefined,
  concept: fhir4.CodeableConcept | undefined,
  drugSet: string,
  t: Terminology,
  catalogue?: MedicationCatalogue,
  ingredients?: readonly (fhir4.CodeableConcept | undefined)[],
): Concentration | undefined {
  const strengths = (Array.isArray(medication?.ingredient) ? medication.ingredient : []).flatMap((i, n) => {
    // The strength as written, even 0 mg / 100 mL or 40 mg / 0 mL: the order's dose reader names it as implausible.
    const strength = strengthOf(i?.strength);
    if (strength?.per !== 'mL') return [];
    const concentration = { mgPerMl: strength.mg, text: strength.text, from: 'product' as const };
    return [{ drug: t.inConcept(ingredients?.[n] ?? i.itemCodeableConcept, drugSet), concentration }];
  });
  // Only the ingredient that is the drug gives its concentration: a diluent's strength (sodium chloride
  // 0.9 % is written 900 mg / 100 mL) is never the ketamine's, so with none of the drug the dose stays in mL.
  const ofDrug = strengths.filter((x) => x.drug);
  if (ofDrug.length === 1) return ofDrug[0]!.concentration;
  const match = catalogue?.resolve(concept);
  const perMl = match?.kind === 'product' ? match.product.ingredients.filter((i) => i.strengthUnit === 'mg/mL' && i.strengthValue) : [];
  return perMl.length === 1 ? { mgPerMl: perMl[0]!.strengthValue!, text: `${perMl[0]!.strengthValue} mg/mL`, from: 'catalogue' } : undefined;
}

/** The drug's mass in one delivery device of the ordered product (a SPRAVATO nasal device), with how it was known. */
export interface DeviceStrength {
  mgPerDevice: number;
  /** Sprays each device gives (SPRAVATO: 2, PI section 2): a dose in sprays or actuations is this fraction of a device. */
  spraysPerDevice?: number;
  /** As written or labelled: "28 mg per device". */
  text: string;
  from: 'product' | 'label';
}

/**
 * The mg of the ordered drug (`drugSet`) in one device: a `Medication.ingredient` of that drug whose
 * `strength` is a mass over a device count ("28 mg / 1 device"), and only that ingredient; else
 * `labelMgPerDevice`, the labelled mass per device of every product of the drug (esketamine: thresholds
 * `esketamineDeviceMg`, revision-2 OR-6 ESK_DEVICE_MG, PI section 2). Undefined when neither is known: a
 * device count then converts to nothing.
 */
export function deviceStrength(
  medication: fhir4.Medication | undefined,
  drugSet: string,
  t: Terminology,
  ingredients?: readonly (fhir4.CodeableConcept | undefined)[],
  labelMgPerDevice?: number,
  labelSpraysPerDevice?: number,
): DeviceStrength | undefined {
  const own = (Array.isArray(medication?.ingredient) ? medication.ingredient : []).flatMap((i, n) => {
    const strength = strengthOf(i?.strength);
    // A device holds some drug: a strength of none or less (0 mg / 1 device, 28 mg / 0 devices) is no device's, and the label's stands.
    if (strength?.per !== 'device' || !(strength.mg > 0)) return [];
    if (!t.inConcept(ingredients?.[n] ?? i.itemCodeableConcept, drugSet)) return [];
    return [{ mgPerDevice: strength.mg, text: strength.text, from: 'product' as const }];
  });
  // The sprays a device gives are the label's (the product's own strength is per device, never per spray).
  const sprays = labelSpraysPerDevice !== undefined && labelSpraysPerDevice > 0 ? { spraysPerDevice: labelSpraysPerDevice } : {};
  if (own.length === 1) return { ...own[0]!, ...sprays };
  return labelMgPerDevice !== undefined && labelMgPerDevice > 0
    ? { mgPerDevice: labelMgPerDevice, text: `${labelMgPerDevice} mg per device`, from: 'label', ...sprays }
    : undefined;
}

function doseOf(
  q: fhir4.Quantity | undefined,
  concentration: Concentration | undefined,
  ranges?: DosagePlausibleRanges,
  perDevice?: DeviceStrength,
): OrderedDose | undefined {
  if (!q || typeof q !== 'object') return undefined;
  const unit = unitOf(q);
  const perKg = massPerKgInMg(q);
  const value = typeof q.value === 'number' && Number.isFinite(q.value) ? q.value : undefined;
  const unitWords = typeof q.unit === 'string' ? q.unit : typeof q.code === 'string' ? q.code : '';
  const text = value !== undefined ? `${value} ${unitWords}`.trim() : undefined;
  if (value === undefined) return { text };
  const odd = (n: number, range: PlausibleRange | undefined, written?: string) => implausibility(n, range, written);
  // A mass over the range's maximum is dangerous as ordered, not merely unreadable.
  const above = (n: number, range: PlausibleRange | undefined) => (range && n > range.max ? { aboveMaximum: true } : {});
  // A negative amount of anything is no dose at all, never "no dose in mg": named as written.
  if (value < 0) return { text, implausible: odd(value, perKg !== undefined ? ranges?.orderDoseMgPerKg : ranges?.orderDoseMg, text) };
  if (perKg !== undefined) {
    // mg/kg, or micrograms or grams per kg, through the one converter (2500 ug/kg is 2.5 mg/kg).
    const words = unit === 'mg/kg' ? text : `${text} (${round2(perKg)} mg/kg)`;
    const implausible = odd(perKg, ranges?.orderDoseMgPerKg, words);
    return implausible ? { text: words, implausible, ...above(perKg, ranges?.orderDoseMgPerKg) } : { mgPerKg: perKg, text: words };
  }
  const mg = massInMg(q);
  if (mg !== undefined) {
    const implausible = odd(mg, ranges?.orderDoseMg, text);
    return implausible ? { text, implausible, ...above(mg, ranges?.orderDoseMg) } : { mg, text };
  }
  // A count of devices (SPRAVATO is dosed by the 28-mg device) is the device's mass times the count.
  const devices = deviceCount(q);
  if (devices !== undefined && perDevice) {
    const converted = round2(devices * perDevice.mgPerDevice);
    const deviceText = `${value} ${value === 1 ? 'device' : 'devices'} (${converted} mg at ${perDevice.text})`;
    const oddMg = odd(converted, ranges?.orderDoseMg, `${formatMeasured(converted)} mg (${formatMeasured(value)} ${value === 1 ? 'device' : 'devices'})`);
    return oddMg ? { text: deviceText, implausible: oddMg, ...above(converted, ranges?.orderDoseMg) } : { mg: converted, text: deviceText };
  }
  // Sprays or actuations: the device's mass over its sprays (SPRAVATO: 28 mg in two sprays, 14 mg each), never guessed.
  const sprays = sprayCount(q);
  if (sprays !== undefined && perDevice?.spraysPerDevice) {
    const perSpray = perDevice.mgPerDevice / perDevice.spraysPerDevice;
    const converted = round2(sprays * perSpray);
    const sprayText = `${value} ${value === 1 ? 'spray' : 'sprays'} (${converted} mg at ${round2(perSpray)} mg per spray)`;
    const oddMg = odd(converted, ranges?.orderDoseMg, `${formatMeasured(converted)} mg (${formatMeasured(value)} ${value === 1 ? 'spray' : 'sprays'})`);
    return oddMg ? { text: sprayText, implausible: oddMg, ...above(converted, ranges?.orderDoseMg) } : { mg: converted, text: sprayText };
  }
  const ml = volumeInMl(q);
  if (ml === undefined) return { text };
  const oddVolume = odd(ml, ranges?.orderVolumeMl, text);
  if (oddVolume) return { text, implausible: oddVolume };
  if (!concentration) return { ml, text };
  // A concentration outside its range, or a computed mg that is, is not a dose: named, never converted.
  const oddConcentration = odd(concentration.mgPerMl, ranges?.orderConcentrationMgPerMl, concentration.text);
  if (oddConcentration) return { ml, text, implausible: oddConcentration };
  const converted = round2(ml * concentration.mgPerMl);
  const oddMg = odd(converted, ranges?.orderDoseMg, `${formatMeasured(converted)} mg (${text} at ${concentration.text})`);
  if (oddMg) return { ml, text, implausible: oddMg, ...above(converted, ranges?.orderDoseMg) };
  return { ml, mg: converted, text: `${text} (${converted} mg at ${concentration.text})` };
}

/** A range whose low end is above its high end, compared in mg when both are masses, else in one unit. */
function invertedRange(range: fhir4.Range): boolean {
  const { low, high } = range;
  if (typeof low?.value !== 'number' || typeof high?.value !== 'number' || !Number.isFinite(low.value) || !Number.isFinite(high.value)) return false;
  const lowMg = massInMg(low);
  const highMg = massInMg(high);
  if (lowMg !== undefined && highMg !== undefined) return lowMg > highMg;
  return unitOf(low) === unitOf(high) && low.value > high.value;
}

/** The quantity a dose is read from: `doseQuantity`, else a range's larger end (its high end, or its low end when inverted). */
function doseQuantityOf(dr: fhir4.DosageDoseAndRate | undefined): fhir4.Quantity | undefined {
  if (dr?.doseQuantity) return dr.doseQuantity;
  const range = dr?.doseRange && typeof dr.doseRange === 'object' ? dr.doseRange : undefined;
  return range && invertedRange(range) ? range.low : range?.high;
}

/**
 * A dose range (`doseAndRate.doseRange`, FHIR R4 `Dosage.doseAndRate.dose[x]`: how EHRs send "titrate" and
 * PRN range orders) read as its high end, with the range as ordered for the card ("40 to 120 mg"): a range
 * is as dangerous as its top (revision-2 OR-3, OR-6 judge the dose that may be given). With no high end the
 * dose is unknown (`range: 'open'`), never its low end.
 */
function rangeDoseOf(
  range: fhir4.Range | undefined,
  concentration: Concentration | undefined,
  ranges?: DosagePlausibleRanges,
  perDevice?: DeviceStrength,
): OrderedDose | undefined {
  if (!range || typeof range !== 'object') return undefined;
  const low = typeof range.low?.value === 'number' && Number.isFinite(range.low.value) ? range.low : undefined;
  if (low && invertedRange(range)) {
    // Malformed (rng-2: low <= high): the most the order allows is its larger end, never the smaller "high".
    const larger = doseOf(low, concentration, ranges, perDevice);
    const lowWords = unitOf(low) === unitOf(range.high) ? String(low.value) : quantityWords(low);
    return { ...larger, text: `${lowWords} to ${quantityWords(range.high)} (inverted range)`, range: 'top', inverted: true };
  }
  const top = doseOf(range.high, concentration, ranges, perDevice);
  if (top?.text === undefined) return low ? { text: `${quantityWords(low)} or more (no upper bound)`, range: 'open' } : undefined;
  const lowWords = low ? (unitOf(low) === unitOf(range.high) ? String(low.value) : quantityWords(low)) : undefined;
  return { ...top, text: lowWords !== undefined ? `${lowWords} to ${top.text}` : `up to ${top.text}`, range: 'top' };
}

/**
 * An amount per minute from `rateQuantity` (its unit one of `minutesPerUnit`'s: "ml/h" is 60) or
 * `rateRatio` (the numerator read by `amount`, per a time). Zero or less is no rate: 40 mg at 0 mg/min
 * would take forever, not "fit" OR-4.
 */
function ratePerMin(
  dr: fhir4.DosageDoseAndRate | undefined,
  minutesPerUnit: Readonly<Record<string, number>>,
  amount: (q: fhir4.Quantity | undefined) => number | undefined,
): number | undefined {
  const q = dr?.rateQuantity;
  if (q && typeof q.value === 'number' && Number.isFinite(q.value) && q.value > 0) {
    const minutes = minutesPerUnit[unitOf(q) ?? ''];
    return minutes === undefined ? undefined : q.value / minutes;
  }
  const r = dr?.rateRatio;
  const a = amount(r?.numerator);
  const per = minutesOf(r?.denominator?.value ?? 1, r?.denominator?.code ?? r?.denominator?.unit);
  return a !== undefined && a > 0 && per ? a / per : undefined;
}

/** mL per minute from `rateQuantity` (mL/h, mL/min) or `rateRatio` (mL per h or min). */
const rateMlPerMin = (dr: fhir4.DosageDoseAndRate | undefined) => ratePerMin(dr, { 'ml/min': 1, 'ml/h': 60, 'ml/hr': 60 }, volumeInMl);

/** mg per minute from `rateQuantity` (mg/min, mg/h) or `rateRatio` (mg per min or h). */
const rateMgPerMin = (dr: fhir4.DosageDoseAndRate | undefined) => ratePerMin(dr, { 'mg/min': 1, 'mg/h': 60, 'mg/hr': 60 }, massInMg);

const rateWords = (dr: fhir4.DosageDoseAndRate | undefined): string | undefined =>
  dr?.rateQuantity
    ? quantityWords(dr.rateQuantity)
    : dr?.rateRatio
      ? `${quantityWords(dr.rateRatio.numerator)} per ${quantityWords(dr.rateRatio.denominator)}`
      : undefined;

/** `timing.code` abbreviations (v3 GTSAbbreviation) as doses a day. */
const TIMING_CODE_PER_DAY: Record<string, number> = { QD: 1, BID: 2, TID: 3, QID: 4, AM: 1, PM: 1, QOD: 0.5, Q4H: 6, Q6H: 4, Q8H: 3 };

const PUSH = /\b(push|bolus|stat dose|slow iv injection)\b/i;

/**
 * Reads the first dosage instruction of a draft MedicationRequest. `concentration` (mg/mL of the drug in
 * the ordered product, from `productConcentration`) converts a volume dose to mg and joins a mass dose to
 * a volume rate; without it a volume dose is known only in mL. `perDevice` (`deviceStrength`) converts a
 * dose counted in devices to mg.
 */
export function readDraftDosage(
  r: fhir4.MedicationRequest,
  t: Terminology,
  concentration?: Concentration,
  ranges?: DosagePlausibleRanges,
  perDevice?: DeviceStrength,
): DraftDosage {
  // Every dosage instruction (a titration's or induction's sequenced steps) and every doseAndRate entry (an
  // EHR's ordered mg/kg beside its calculated mg) is a dose the patient may receive: each is read. A single
  // object where an array belongs is read as one entry.
  const instructions = listOf<fhir4.Dosage>(r.dosageInstruction);
  const steps = (instructions.length ? instructions : [undefined]).flatMap((d) => {
    const entries = doseAndRateOf(d);
    return (entries.length ? entries : [undefined]).map((dr) => ({ ...readDosageStep(r, d, dr, t, concentration, ranges, perDevice), ...doseTypeOf(dr) }));
  });
  const first = steps[0]!;
  return steps.length > 1 ? { ...first, steps } : first;
}

const listOf = <T>(v: unknown): T[] => (Array.isArray(v) ? v : v && typeof v === 'object' ? [v as T] : []);

/**
 * The dose-and-rate entries of one instruction: `doseAndRate` (an array, or one object), else the STU3 shape
 * (`doseQuantity` / `doseRange` / `rateQuantity` / `rateRatio` on the Dosage itself, as STU3 clients and
 * converters still send it), read as one entry.
 */
function doseAndRateOf(d: fhir4.Dosage | undefined): fhir4.DosageDoseAndRate[] {
  const entries = listOf<fhir4.DosageDoseAndRate>(d?.doseAndRate).filter((e) => e && typeof e === 'object');
  if (entries.length) return entries;
  const stu3 = d as (fhir4.Dosage & Pick<fhir4.DosageDoseAndRate, 'doseQuantity' | 'doseRange' | 'rateQuantity' | 'rateRatio'>) | undefined;
  const legacy: fhir4.DosageDoseAndRate = {
    ...(stu3?.doseQuantity && typeof stu3.doseQuantity === 'object' ? { doseQuantity: stu3.doseQuantity } : {}),
    ...(stu3?.doseRange && typeof stu3.doseRange === 'object' ? { doseRange: stu3.doseRange } : {}),
    ...(stu3?.rateQuantity && typeof stu3.rateQuantity === 'object' ? { rateQuantity: stu3.rateQuantity } : {}),
    ...(stu3?.rateRatio && typeof stu3.rateRatio === 'object' ? { rateRatio: stu3.rateRatio } : {}),
  };
  return Object.keys(legacy).length ? [legacy] : [];
}

/** `doseAndRate.type` (dose-rate-type: ordered, calculated), when coded. */
function doseTypeOf(dr: fhir4.DosageDoseAndRate | undefined): Pick<DraftDosage, 'doseType'> {
  const codings = listOf<fhir4.Coding>(dr?.type?.coding);
  const code = codings.map((c) => c?.code).find((c) => c === 'ordered' || c === 'calculated');
  return code ? { doseType: code } : {};
}

/** One step of a draft's dosage: one instruction `d` with one of its dose-and-rate entries `dr`. */
function readDosageStep(
  r: fhir4.MedicationRequest,
  d: fhir4.Dosage | undefined,
  dr: fhir4.DosageDoseAndRate | undefined,
  t: Terminology,
  concentration?: Concentration,
  ranges?: DosagePlausibleRanges,
  perDevice?: DeviceStrength,
): DraftDosage {
  const repeat = d?.timing?.repeat;
  const text = typeof d?.text === 'string' ? d.text : undefined;
  // The dose as ordered: a quantity, else the top of a range (the quantity the infusion time is computed from).
  const doseQuantity = doseQuantityOf(dr);
  const dose = dr?.doseQuantity ? doseOf(dr.doseQuantity, concentration, ranges, perDevice) : rangeDoseOf(dr?.doseRange, concentration, ranges, perDevice);
  // An implausible concentration times nothing: it turns no mass into a volume rate either.
  const usable = concentration && !implausibility(concentration.mgPerMl, ranges?.orderConcentrationMgPerMl) ? concentration : undefined;

  let infusionMinutes: number | undefined = minutesOf(repeat?.duration, repeat?.durationUnit);
  let infusionFrom: DraftDosage['infusionFrom'] = infusionMinutes !== undefined ? 'duration' : undefined;
  let infusionBasis: string | undefined;
  let unreadRate: DraftDosage['unreadRate'];
  const durationText = `${repeat?.duration ?? ''} ${repeat?.durationUnit ?? ''}`.trim();
  const oddDuration = infusionMinutes !== undefined ? implausibility(infusionMinutes, ranges?.infusionMinutes, `${durationText} (duration)`) : undefined;
  if (oddDuration) {
    unreadRate = { text: `duration ${durationText}`, needed: 'a plausible infusion duration or rate', implausible: oddDuration };
    infusionMinutes = undefined;
    infusionFrom = undefined;
  }
  const rate = rateMgPerMin(dr);
  const mlRate = rateMlPerMin(dr);
  // A weight-based rate (mg/kg/h, micrograms/kg/min), as pumps are programmed: with a dose per kg, no weight is needed.
  const perKgRate = dr?.rateQuantity ? massPerKgPerMinute(dr.rateQuantity) : undefined;
  const perKgRateUsable = perKgRate !== undefined && perKgRate > 0 ? perKgRate : undefined;
  const rateText = rateWords(dr);
  if (oddDuration) {
    // Named above; a rate does not overrule an implausible duration.
  } else if (infusionMinutes === undefined && (rate !== undefined || mlRate !== undefined || perKgRateUsable !== undefined)) {
    // Amount over rate, in whichever units both are known: mg over mg/min, mL over mL/min, mg/kg over mg/kg/min,
    // or across the concentration.
    const minutes =
      dose?.ml !== undefined && mlRate !== undefined
        ? dose.ml / mlRate
        : dose?.mg !== undefined && rate !== undefined
          ? dose.mg / rate
          : dose?.mgPerKg !== undefined && perKgRateUsable !== undefined
            ? dose.mgPerKg / perKgRateUsable
            : dose?.mg !== undefined && mlRate !== undefined && usable
              ? dose.mg / (mlRate * usable.mgPerMl)
              : undefined;
    // A time is finite, positive and plausible: 40 mg at 1e-300 mg/min is no infusion that "fits".
    const amount =
      dose?.ml !== undefined && mlRate !== undefined
        ? quantityWords(doseQuantity)
        : dose?.mgPerKg !== undefined && perKgRateUsable !== undefined
          ? `${dose.mgPerKg} mg/kg`
          : `${dose?.mg} mg`;
    const basis = `${amount} at ${rateText}`;
    const oddTime = minutes !== undefined ? implausibility(minutes, ranges?.infusionMinutes, `${formatMeasured(minutes)} min (${basis})`) : undefined;
    if (oddTime) {
      unreadRate = { text: rateText ?? '', needed: 'a plausible rate, or an infusion duration', implausible: oddTime };
    } else if (minutes !== undefined) {
      infusionMinutes = minutes;
      infusionFrom = 'rate';
      infusionBasis = basis;
    } else if (rateText) {
      unreadRate = {
        text: rateText,
        needed:
          dose?.mg === undefined && dose?.ml === undefined
            ? 'a dose to divide by the rate'
            : mlRate !== undefined
              ? "the product's concentration (mg per mL), or an infusion duration"
              : perKgRateUsable !== undefined
                ? 'a dose in mg/kg for the rate in mg/kg, or an infusion duration'
                : 'a dose in mg, or an infusion duration',
      };
    }
  } else if (infusionMinutes === undefined && rateText) {
    // A rate of zero (or less) is no rate at all: named as implausible, never an endless infusion that "fits".
    const amount = dr?.rateQuantity ? dr.rateQuantity.value : dr?.rateRatio?.numerator?.value;
    const implausible =
      typeof amount === 'number' && !(Number.isFinite(amount) && amount > 0)
        ? `rate ${rateText} is implausible: ${ranges?.infusionMinutes.remedy ?? 're-check the rate or duration'}`
        : undefined;
    unreadRate = {
      text: rateText,
      needed: implausible ? 'a plausible rate, or an infusion duration' : 'a rate in mg/h, mg/min, mg/kg/h, mL/h or mL/min, or an infusion duration',
      ...(implausible ? { implausible } : {}),
    };
  }
  if (infusionMinutes === undefined && text && PUSH.test(text)) {
    infusionMinutes = 0;
    infusionFrom = 'push';
  }

  const periodMin = minutesOf(repeat?.period, repeat?.periodUnit);
  const frequency =
    typeof repeat?.frequencyMax === 'number'
      ? repeat.frequencyMax
      : typeof repeat?.frequency === 'number'
        ? repeat.frequency
        : periodMin !== undefined
          ? 1
          : undefined;
  let perDay = periodMin && frequency !== undefined ? (frequency * 1440) / periodMin : undefined;
  const codings = d?.timing?.code?.coding;
  const code = (Array.isArray(codings) ? codings : []).find((c) => typeof c?.code === 'string')?.code?.toUpperCase();
  if (perDay === undefined && code && Object.hasOwn(TIMING_CODE_PER_DAY, code)) perDay = TIMING_CODE_PER_DAY[code];
  const events = Array.isArray(d?.timing?.event) ? d.timing.event.map(parseFhirDate).filter((x): x is Date => !!x) : [];
  const boundsMin = durationMinutes(repeat?.boundsDuration) ?? periodLengthMinutes(repeat?.boundsPeriod);
  const count =
    typeof repeat?.count === 'number'
      ? typeof repeat.countMax === 'number'
        ? repeat.countMax
        : repeat.count
      : events.length > 0 && !repeat
        ? events.length
        : perDay !== undefined && boundsMin !== undefined
          ? Math.round((perDay * boundsMin) / 1440)
          : undefined;
  const single = count === 1;
  // Doses in any 7 days: the rate over a week, but never more than the whole order holds.
  let per7Days = perDay !== undefined ? perDay * 7 : undefined;
  if (count !== undefined) per7Days = per7Days === undefined ? (single ? 1 : undefined) : Math.min(per7Days, count);

  const supply = r.dispenseRequest?.expectedSupplyDuration;
  const supplyDays = supply ? minutesOf(supply.value, supply.code ?? supply.unit) : undefined;
  const refills = typeof r.dispenseRequest?.numberOfRepeatsAllowed === 'number' ? r.dispenseRequest.numberOfRepeatsAllowed : undefined;
  // OR-2 step 1: with no route given, an infusion rate (even one that gives no time: mL/h with no concentration) or duration means IV.
  const coded = routeOf(d?.route, t);
  const route = coded === 'unknown' && (infusionFrom === 'duration' || infusionFrom === 'rate' || unreadRate !== undefined) ? 'iv' : coded;
  return {
    route,
    routeInferred: route !== coded,
    dose,
    infusionMinutes,
    infusionFrom,
    ...(infusionBasis ? { infusionBasis } : {}),
    ...(unreadRate ? { unreadRate } : {}),
    perDay: single ? undefined : perDay,
    per7Days,
    daily: !single && perDay !== undefined && perDay >= 1,
    count,
    supplyDays: supplyDays !== undefined ? supplyDays / 1440 : undefined,
    refills,
    start: parseFhirDate(repeat?.boundsPeriod?.start) ?? events[0],
    single,
    text,
  };
}

function periodLengthMinutes(p: fhir4.Period | undefined): number | undefined {
  const start = parseFhirDate(p?.start);
  const end = parseFhirDate(p?.end);
  return start && end && end.getTime() >= start.getTime() ? (end.getTime() - start.getTime()) / 60000 : undefined;
}
