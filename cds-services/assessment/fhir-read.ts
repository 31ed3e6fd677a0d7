/**
 * Reading FHIR the way real data arrives: partial dates, missing statuses, odd units.
 * Every function is total: malformed input gives undefined, never a throw.
 */

import { join } from 'node:path';
import { readJsonFile } from '../../src/knowledge/json-data.js';
import { memoByString } from '../../src/memo.js';
import { fhirProfilesDir } from '../../src/paths.js';
import { normaliseSystem } from '../../src/terminology/normalise.js';
import { EXT, EXT_US_CORE_BIRTH_SEX, EXT_US_CORE_INDIVIDUAL_SEX, SYSTEM } from '../../src/terminology/systems.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import { WRITTEN_MASS, WRITTEN_NUMBER, writtenMassMg, writtenNumber } from '../../src/terminology/written-mass.js';
import { VS } from './concepts.js';
import { resolveMedication, type MedicationHolder } from './medications.js';

const DAY_MS = 86_400_000;

const parseDateText = memoByString((value): Date | undefined => {
  if (!/^\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/.test(value)) return undefined;
  const d = new Date(value.length === 4 ? `${value}-01-01` : value);
  return Number.isNaN(d.getTime()) ? undefined : d;
});

/** A FHIR date or dateTime as a Date, or undefined. The Date is shared between calls: never mutate it. */
export function parseFhirDate(value: unknown): Date | undefined {
  return typeof value === 'string' ? parseDateText(value) : undefined;
}

/** A time known only to lie between two instants (a partial date, a zone-less day): revision-2 EL-2.2, DS-7. */
export interface DateInterval {
  earliest: Date;
  latest: Date;
}

const LAST_MS = (y: number, m: number) => Date.UTC(y, m + 1, 1) - 1; // last millisecond of month m (0-based)

const parseIntervalText = memoByString((value): DateInterval | undefined => {
  const partial = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(value);
  if (partial) {
    const y = Number(partial[1]);
    if (partial[2] === undefined) return { earliest: new Date(Date.UTC(y, 0, 1)), latest: new Date(LAST_MS(y, 11)) };
    const m = Number(partial[2]) - 1;
    if (m < 0 || m > 11) return undefined;
    if (partial[3] === undefined) return { earliest: new Date(Date.UTC(y, m, 1)), latest: new Date(LAST_MS(y, m)) };
    const d = Number(partial[3]);
    const start = Date.UTC(y, m, d);
    if (Number.isNaN(start) || new Date(start).getUTCDate() !== d) return undefined;
    // A date without a time is a calendar day somewhere: the UTC day, widened by the zones' reach (-12 h to +14 h).
    return { earliest: new Date(start - 14 * 3_600_000), latest: new Date(start + 86_400_000 - 1 + 12 * 3_600_000) };
  }
  const at = parseFhirDate(value);
  if (!at) return undefined;
  // A dateTime with no zone is that local time somewhere: as wide as the zones reach.
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(value)) return { earliest: new Date(at.getTime() - 14 * 3_600_000), latest: new Date(at.getTime() + 12 * 3_600_000) };
  return { earliest: at, latest: at };
});

/** A FHIR date or dateTime as the interval it names (a year, a month, a day, or an instant). Shared: never mutate. */
export function parseFhirInterval(value: unknown): DateInterval | undefined {
  return typeof value === 'string' ? parseIntervalText(value) : undefined;
}

/**
 * Three-valued "within the last `days` days of now" on an interval: true when every instant it
 * could be is within, false when none is, undefined when the bounds disagree (EL-2.2).
 */
export function withinDaysOf(i: DateInterval | undefined, now: Date, days: number): boolean | undefined {
  if (!i) return undefined;
  const yes = (d: Date) => d.getTime() <= now.getTime() + DAY_MS && daysBetween(d, now) <= days;
  // What was recorded happened by now: the part of an interval after now (a month still running) is cut off.
  const cap = (d: Date) => (d.getTime() > now.getTime() ? now : d);
  const early = yes(cap(i.earliest));
  const late = yes(cap(i.latest));
  return early === late ? early : undefined;
}

/** Least and greatest whole span in days between two intervals (for durations: EL-2.2). */
export function spanDays(from: DateInterval, to: DateInterval): { min: number; max: number } {
  return { min: Math.max(0, daysBetween(from.latest, to.earliest)), max: Math.max(0, daysBetween(from.earliest, to.latest)) };
}

export const daysBetween = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / DAY_MS;
export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY_MS);

/**
 * The UTC calendar day of a Date, `YYYY-MM-DD`: exactly `d.toISOString().slice(0, 10)`, without formatting
 * the time (toISOString measured ~5 times the cost, and notes and cards name many days per call).
 * Years outside 1000-9999, and invalid dates (a RangeError, as before), go through toISOString.
 */
export function isoDay(d: Date): string {
  const y = d.getUTCFullYear();
  if (!(y >= 1000 && y <= 9999)) return d.toISOString().slice(0, 10);
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${y}-${m < 10 ? '0' : ''}${m}-${day < 10 ? '0' : ''}${day}`;
}
/**
 * Calendar days from one day to another, as the days `isoDay` prints them (UTC): a session on 2026-11-28 at
 * 09:00 is 2 days before 2026-11-30 at 05:45, though only 44 hours. For "last 2 days ago" beside a card's dates.
 */
export const calendarDaysBetween = (from: Date, to: Date): number =>
  Math.round(
    (Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate()) - Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate())) / DAY_MS,
  );

export const withinDays = (d: Date | undefined, now: Date, days: number): boolean =>
  d !== undefined && d.getTime() <= now.getTime() + DAY_MS && daysBetween(d, now) <= days;

export function ref(resource: fhir4.Resource): string {
  return `${resource.resourceType}/${resource.id ?? 'unidentified'}`;
}

/**
 * The code of a status element (Condition and AllergyIntolerance `clinicalStatus` and
 * `verificationStatus`), trimmed and lower-cased: from an R4 CodeableConcept, or from the bare code
 * string that STU3-era exports still send under an R4 label (`"clinicalStatus": "active"`, as in
 * SMART's 2019 Synthea R4 sample set), which revision-2 DS-6 reads "as the string says".
 * Undefined when absent or unreadable (never a guess).
 */
export function statusCode(status: fhir4.CodeableConcept | string | undefined): string | undefined {
  if (typeof status === 'string') return status.trim().toLowerCase() || undefined;
  const coding = Array.isArray(status?.coding) ? status!.coding : [];
  const c = coding.find((x) => typeof x?.code === 'string')?.code;
  return c?.trim().toLowerCase();
}

// ---- Condition ----

/** Not refuted or entered in error: the condition was really recorded. */
export function conditionIsRecorded(c: fhir4.Condition): boolean {
  const v = statusCode(c.verificationStatus);
  if (v === 'refuted' || v === 'entered-in-error') return false;
  return statusCode(c.clinicalStatus) !== 'entered-in-error';
}

/**
 * Active = clinicalStatus active/recurrence/relapse, recorded, and not abated. A condition with
 * no clinicalStatus but no abatement is treated as active: absence of a status is not resolution.
 */
export function conditionIsActive(c: fhir4.Condition, now: Date): boolean {
  if (!conditionIsRecorded(c)) return false;
  const status = statusCode(c.clinicalStatus);
  if (status !== undefined && !['active', 'recurrence', 'relapse'].includes(status)) return false;
  const abated = parseFhirDate(c.abatementDateTime) ?? parseFhirDate(c.abatementPeriod?.end ?? c.abatementPeriod?.start);
  if (abated && abated.getTime() <= now.getTime()) return false;
  if (typeof c.abatementString === 'string' || c.abatementAge || c.abatementRange) return false;
  return true;
}

/** When the condition began or was recorded, whichever is known (onset preferred). */
export function conditionDate(c: fhir4.Condition): Date | undefined {
  return parseFhirDate(c.onsetDateTime) ?? parseFhirDate(c.onsetPeriod?.start) ?? parseFhirDate(c.recordedDate);
}

/**
 * When the condition's event happened: onset (dateTime, period or age) or, failing that, abatement.
 * Never recordedDate, which for a history code (Z91.5, I25.2) is when it was charted, not the event.
 */
export function onsetDate(c: fhir4.Condition, birthDate?: unknown): Date | undefined {
  const onset = parseFhirDate(c.onsetDateTime) ?? parseFhirDate(c.onsetPeriod?.start ?? c.onsetPeriod?.end);
  if (onset) return onset;
  const born = parseFhirDate(birthDate);
  const years = c.onsetAge?.value;
  if (born && typeof years === 'number' && (c.onsetAge?.code === 'a' || c.onsetAge?.unit?.startsWith('year'))) {
    return new Date(Date.UTC(born.getUTCFullYear() + Math.floor(years), born.getUTCMonth(), born.getUTCDate()));
  }
  return parseFhirDate(c.abatementDateTime) ?? parseFhirDate(c.abatementPeriod?.start ?? c.abatementPeriod?.end);
}

// ---- Observation ----

export function observationIsFinal(o: fhir4.Observation): boolean {
  return o.status === 'final' || o.status === 'amended' || o.status === 'corrected';
}

/** When an observation was made, as an interval (a partial effective date is not its first day). */
export function observationInterval(o: fhir4.Observation): DateInterval | undefined {
  const p = o.effectivePeriod;
  if (o.effectiveDateTime !== undefined) return parseFhirInterval(o.effectiveDateTime);
  if (o.effectiveInstant !== undefined) return parseFhirInterval(o.effectiveInstant);
  const start = parseFhirInterval(p?.start);
  const end = parseFhirInterval(p?.end);
  if (start || end) return { earliest: (start ?? end)!.earliest, latest: (end ?? start)!.latest };
  return parseFhirInterval(o.issued);
}

export function observationDate(o: fhir4.Observation): Date | undefined {
  return (
    parseFhirDate(o.effectiveDateTime) ??
    parseFhirDate(o.effectiveInstant) ??
    parseFhirDate(o.effectivePeriod?.end ?? o.effectivePeriod?.start) ??
    parseFhirDate(o.issued)
  );
}

/** Anything that carries a FHIR value[x]: an Observation, a component, a QuestionnaireResponse answer. */
export interface ValueCarrier {
  valueQuantity?: fhir4.Quantity;
  valueInteger?: number;
  valueDecimal?: number;
  valueString?: string;
  valueCodeableConcept?: fhir4.CodeableConcept;
  valueCoding?: fhir4.Coding;
  dataAbsentReason?: fhir4.CodeableConcept;
}

const NUMBER_TEXT = /^\s*[+-]?\d+(\.\d+)?\s*$/;
const ORDINAL_EXTENSIONS = new Set([EXT.ordinalValue, 'http://hl7.org/fhir/StructureDefinition/itemWeight']);

/** The ordinal a coding carries itself (the `ordinalValue` or `itemWeight` extension), if any. */
export function codingOrdinal(coding: fhir4.Coding | undefined): number | undefined {
  for (const e of Array.isArray(coding?.extension) ? coding!.extension : []) {
    if (ORDINAL_EXTENSIONS.has(e?.url) && typeof e.valueDecimal === 'number' && Number.isFinite(e.valueDecimal)) return e.valueDecimal;
  }
  return undefined;
}

/**
 * The number a value carries, in every shape real data uses (revision-2 DS-2): `valueQuantity.value`,
 * `valueInteger`, `valueDecimal`, a `valueString` that is a number ("12", trimmed), a
 * `valueCodeableConcept`/`valueCoding` whose coding carries an ordinal, or whose text is a number.
 * A value with `dataAbsentReason`, or none of these, is undefined: never 0.
 */
export function numericValue(x: ValueCarrier | null | undefined): number | undefined {
  if (!x || x.dataAbsentReason) return undefined;
  const q = x.valueQuantity?.value;
  if (typeof q === 'number' && Number.isFinite(q)) return q;
  if (typeof x.valueInteger === 'number' && Number.isFinite(x.valueInteger)) return x.valueInteger;
  if (typeof x.valueDecimal === 'number' && Number.isFinite(x.valueDecimal)) return x.valueDecimal;
  if (typeof x.valueString === 'string' && NUMBER_TEXT.test(x.valueString)) return Number(x.valueString);
  const coded = x.valueCodeableConcept;
  if (coded) {
    for (const c of Array.isArray(coded.coding) ? coded.coding : []) {
      const n = codingOrdinal(c);
      if (n !== undefined) return n;
    }
    if (typeof coded.text === 'string' && NUMBER_TEXT.test(coded.text)) return Number(coded.text);
  }
  return codingOrdinal(x.valueCoding);
}

/** The coded value (`valueCodeableConcept`, or a `valueCoding` as a concept), for rules that match answers. */
export function codedValue(x: ValueCarrier | null | undefined): fhir4.CodeableConcept | undefined {
  if (!x || x.dataAbsentReason) return undefined;
  if (x.valueCodeableConcept && typeof x.valueCodeableConcept === 'object') return x.valueCodeableConcept;
  return x.valueCoding && typeof x.valueCoding === 'object' ? { coding: [x.valueCoding] } : undefined;
}

/**
 * A result given as text only (a lab interface's `valueString: "Positive"`, or a
 * `valueCodeableConcept` with text and no coding), trimmed; undefined when the value is a number,
 * is coded, or is absent. Rules match it against ValueSet result texts, and treat text they do not
 * recognise as a result they could not read (never as no result).
 */
export function textValue(x: ValueCarrier | null | undefined): string | undefined {
  if (!x || x.dataAbsentReason) return undefined;
  const cc = x.valueCodeableConcept;
  const coded = cc && typeof cc === 'object' && Array.isArray(cc.coding) && cc.coding.length > 0;
  const text = typeof x.valueString === 'string' ? x.valueString : !coded && typeof cc?.text === 'string' ? cc.text : undefined;
  const trimmed = text?.trim();
  return trimmed && !NUMBER_TEXT.test(trimmed) ? trimmed : undefined;
}

/** The UCUM code (or unit text) of a quantity value, lower case; undefined for other shapes. */
export function valueUnit(x: ValueCarrier | null | undefined): string | undefined {
  const q = x?.valueQuantity;
  const unit = typeof q?.code === 'string' ? q.code : typeof q?.unit === 'string' ? q.unit : undefined;
  return unit?.trim().toLowerCase();
}

/** SNOMED CT unit codes to their UCUM unit (fhir-profiles ConceptMap snomed-ct-units-to-ucum). */
const SNOMED_UNITS: ReadonlyMap<string, string> = new Map(
  ((readJsonFile(join(fhirProfilesDir, 'ConceptMap', 'snomed-ct-units-to-ucum.json')) as fhir4.ConceptMap).group ?? []).flatMap((g) =>
    (g.element ?? []).flatMap((e) => (e.code && e.target?.[0]?.code ? [[e.code, e.target[0].code] as [string, string]] : [])),
  ),
);

/**
 * The unit of a Quantity or Duration (UCUM `code`, else the human `unit`), trimmed and lower-cased;
 * '' when there is none. A SNOMED CT unit code (258684004 milligram) is its UCUM unit; a code of another
 * system the service cannot read gives way to the human `unit` ("mg"). EHR data carries numbers, arrays
 * and objects here: such a unit is unreadable (undefined, which no unit comparison matches), so the value
 * is too, never a throw.
 */
export function unitOf(q: { code?: unknown; unit?: unknown; system?: unknown } | undefined): string | undefined {
  const system = typeof q?.system === 'string' ? normaliseSystem(q.system) : undefined;
  if (system !== undefined && system !== SYSTEM.ucum && typeof q?.code === 'string') {
    const ucum = system === SYSTEM.snomed ? SNOMED_UNITS.get(q.code.trim()) : undefined;
    if (ucum !== undefined) return ucum.toLowerCase();
    if (typeof q.unit === 'string') return q.unit.trim().toLowerCase();
  }
  const unit = q?.code !== undefined ? q.code : q?.unit !== undefined ? q.unit : '';
  return typeof unit === 'string' ? unit.trim().toLowerCase() : undefined;
}

const POUNDS_TO_KG = 0.45359237;
const OUNCES_TO_KG = POUNDS_TO_KG / 16; // avoirdupois: 16 oz to the pound (UCUM [oz_av], as Epic sends weights)

/** Body weight in kg from kg, g, pounds (UCUM `[lb_av]`) or ounces (`[oz_av]`); other units give undefined. */
export function weightInKg(q: fhir4.Quantity | undefined): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value) || q.value <= 0) return undefined;
  const unit = unitOf(q);
  if (unit === 'kg' || unit === 'kilogram' || unit === 'kilograms') return q.value;
  if (unit === 'g' || unit === 'gram' || unit === 'grams') return q.value / 1000;
  if (unit === '[oz_av]' || unit === 'oz' || unit === 'ounce' || unit === 'ounces') return q.value * OUNCES_TO_KG;
  if (unit === '[lb_av]' || unit === 'lb' || unit === 'lbs' || unit === 'pound' || unit === 'pounds') return q.value * POUNDS_TO_KG;
  return undefined;
}

// ---- Medications ----

/** mg in one of each mass unit a quantity's `code` (else `unit`) is written in, lower case: UCUM mg, g, ug, and their names. */
const MG_PER_UNIT: Readonly<Record<string, number>> = {
  mg: 1,
  milligram: 1,
  milligrams: 1,
  g: 1000,
  gram: 1000,
  grams: 1000,
  ug: 0.001,
  mcg: 0.001,
  µg: 0.001,
  microgram: 0.001,
  micrograms: 0.001,
};

/**
 * A quantity's value times its unit's factor in `factors` (the unit by `code`, else `unit`, lower case), of
 * any sign: what was written, converted. Undefined when the value is not a finite number or the unit is not one of them.
 */
function converted(q: fhir4.Quantity | undefined, factors: Readonly<Record<string, number>>): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  const unit = unitOf(q);
  const factor = unit !== undefined && Object.hasOwn(factors, unit) ? factors[unit] : undefined;
  return factor === undefined ? undefined : q.value * factor;
}

const notNegative = (n: number | undefined): number | undefined => (n !== undefined && n >= 0 ? n : undefined);

/** A dose quantity in mg, from mg, g or micrograms; undefined for other units and for a negative amount (no dose). */
export function massInMg(q: fhir4.Quantity | undefined): number | undefined {
  return notNegative(converted(q, MG_PER_UNIT));
}

/** mg per kg in one of each mass-per-kg unit (UCUM mg/kg, g/kg, ug/kg, mcg/kg). */
const MG_PER_KG_PER_UNIT: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(MG_PER_UNIT).flatMap(([unit, mg]) => [`${unit}/kg`, `${unit}/kilogram`].map((u) => [u, mg])),
);

/** A dose per kg of body weight in mg/kg, from mg/kg, g/kg or micrograms/kg, of any sign as written; undefined for other units. */
export function massPerKgInMg(q: fhir4.Quantity | undefined): number | undefined {
  return converted(q, MG_PER_KG_PER_UNIT);
}

/** Units per hour and per minute of a weight-based rate (mg/kg/h, ug/kg/min), as minutes per unit of time. */
const RATE_MINUTES: Readonly<Record<string, number>> = { min: 1, h: 60, hr: 60, hour: 60 };

/** A weight-based rate (mg/kg/h, ug/kg/min) in mg per kg per minute, of any sign as written; undefined for other units. */
export function massPerKgPerMinute(q: fhir4.Quantity | undefined): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  const [mass, kg, time] = (unitOf(q) ?? '').split('/');
  const mg = mass !== undefined && Object.hasOwn(MG_PER_UNIT, mass) ? MG_PER_UNIT[mass] : undefined;
  const minutes = time !== undefined && Object.hasOwn(RATE_MINUTES, time) ? RATE_MINUTES[time] : undefined;
  return mg !== undefined && kg === 'kg' && minutes !== undefined ? (q.value * mg) / minutes : undefined;
}

const UNIT_DOSE_UNITS = new Set([
  '{tbl}',
  'tbl',
  'tab',
  'tablet',
  'tablets',
  '{tablet}',
  '{pill}',
  'pill',
  'cap',
  'capsule',
  'capsules',
  '{capsule}',
  '{cap}',
  '1',
  '{patch}',
  'patch',
  '{each}',
  'each',
  'ea',
  '{dose}',
]);

const UNIT_FACTORS: Readonly<Record<string, number>> = Object.fromEntries(['', ...UNIT_DOSE_UNITS].map((u) => [u, 1]));

/** A dose counted in units (tablets, capsules, patches; no unit at all), or undefined if not a unit count or negative. */
export function unitCount(q: fhir4.Quantity | undefined): number | undefined {
  return notNegative(converted(q, UNIT_FACTORS));
}

/**
 * Units that count drug-delivery devices (a nasal spray device: SPRAVATO's unit of dosing, PI section 2),
 * as EHRs and pharmacy systems write them. A spray or actuation is not a device (a SPRAVATO device gives
 * two sprays), nor is a kit or package (a kit holds two or three devices): those convert nothing.
 */
const DEVICE_UNITS = new Set([
  'device',
  'devices',
  '{device}',
  '{devices}',
  'spray device',
  'spray devices',
  '{spray device}',
  'nasal device',
  'nasal devices',
  '{nasal device}',
  'nasal spray device',
  'nasal spray devices',
]);

/** A count of devices (`DEVICE_UNITS`, by `code`, else `unit`) of any sign, as written; undefined if not a device count. */
function devicesAsWritten(q: fhir4.Quantity | undefined): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  const unit = unitOf(q)?.replace(/\s+/g, ' ');
  return unit !== undefined && DEVICE_UNITS.has(unit) ? q.value : undefined;
}

/** A dose counted in devices (`DEVICE_UNITS`, by `code`, else `unit`), or undefined if not a device count or negative. */
export function deviceCount(q: fhir4.Quantity | undefined): number | undefined {
  return notNegative(devicesAsWritten(q));
}

/** Units that count sprays of a nasal device (UCUM annotations `{spray}`, `{actuat}`; SNOMED CT 732981002 actuation). */
const SPRAY_UNITS = new Set(['spray', 'sprays', '{spray}', '{sprays}', 'actuation', 'actuations', '{actuat}', '{actuation}', '{actuations}', 'actuat']);

/** A dose counted in sprays or actuations (`SPRAY_UNITS`), or undefined if not a spray count or negative. */
export function sprayCount(q: fhir4.Quantity | undefined): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  const unit = unitOf(q)?.replace(/\s+/g, ' ');
  return unit !== undefined && SPRAY_UNITS.has(unit) ? notNegative(q.value) : undefined;
}

const ML_PER_UNIT: Readonly<Record<string, number>> = { ml: 1 };

/** A volume in mL (UCUM `mL`), or undefined for other units and a negative amount. */
export function volumeInMl(q: fhir4.Quantity | undefined): number | undefined {
  return notNegative(converted(q, ML_PER_UNIT));
}

/** A Quantity as written, for a card: "40 mg", "1e-300 mL" (the human `unit`, else the `code`). */
export const quantityWords = (q: fhir4.Quantity | undefined): string =>
  `${q?.value ?? ''} ${typeof q?.unit === 'string' ? q.unit : typeof q?.code === 'string' ? q.code : ''}`.trim();

/** A strength as written: mg of one ingredient per mL, per unit (tablet, capsule) or per device, and the ratio in words. */
export interface WrittenStrength {
  /** mg per one `per`, as written and converted: may be zero, negative, not finite or absurd; the caller judges. */
  mg: number;
  per: 'mL' | 'unit' | 'device';
  /** The ratio as written: "40 mg / 100 mL". */
  text: string;
}

/**
 * A product's strength of one ingredient (`Medication.ingredient.strength`, a Ratio), as written: the numerator
 * in mg (mg, g, micrograms) over the denominator in mL ("20 mg / 5 mL" -> 4 mg per mL), in units ("50 mg /
 * 1 tablet", or a denominator of 1 with no unit: per unit) or in devices ("28 mg / 1 device": per device).
 * This is the one reader of strengths: it judges nothing, so 0 mg / 100 mL is 0 mg per mL, -40 mg / 1 mL is
 * -40 and 1e9 mg / 1 mL is 1e9; a denominator of zero or less divides into no number (NaN: 40 mg / 0 mL).
 * Each caller holds the value to its own plausible range (a trial's antidepressant dose, an order's
 * concentration) and names what it cannot use, with `text`. Undefined only for what is not a mass per mL,
 * unit or device (no denominator, a percentage, a mass over a mass).
 */
export function strengthOf(ratio: fhir4.Ratio | undefined): WrittenStrength | undefined {
  if (!ratio || typeof ratio !== 'object') return undefined;
  const mg = converted(ratio.numerator, MG_PER_UNIT);
  if (mg === undefined || !ratio.denominator || typeof ratio.denominator !== 'object') return undefined;
  const text = `${quantityWords(ratio.numerator)} / ${quantityWords(ratio.denominator)}`;
  // -40 mg / -1 mL is no 40 mg per mL: over nothing, or less than nothing, no amount is per anything.
  const over = (amount: number) => (amount > 0 ? mg / amount : NaN);
  const ml = converted(ratio.denominator, ML_PER_UNIT);
  if (ml !== undefined) return { mg: over(ml), per: 'mL', text };
  const units = converted(ratio.denominator, UNIT_FACTORS);
  if (units !== undefined) return { mg: over(units), per: 'unit', text };
  const devices = devicesAsWritten(ratio.denominator);
  return devices !== undefined ? { mg: over(devices), per: 'device', text } : undefined;
}

/** A mass in a drug's name ("20 mg", "20mg"), with what it is per when written ("/ 5 mL", "per mL", "/day"). */
const NAMED_MASS = new RegExp(String.raw`${WRITTEN_MASS}(?:\s*(?:\/|\bper\b)\s*(${WRITTEN_NUMBER})?\s*(\p{L}+))?`, 'giu');

/**
 * The strength a drug's name writes (revision-2 EL-2.8, DS-4: "strength parsed from the display or
 * text"): "Sertraline oral concentrate 20 mg/mL" -> 20 mg per mL, "fluoxetine 20 mg/5 mL" -> 4 mg per mL,
 * "Zoloft 50 mg tablet" -> 50 mg per unit, "Fluoxetine 25MG" -> 25 mg per unit. Only a name with one
 * strength (written once, or repeated as text and display repeat it), per a volume or per nothing: two
 * different masses (a combination product), or a mass per anything else ("150 mg/day", "mg/kg"), give
 * undefined, never a guess.
 */
export function strengthInText(text: string | undefined): { mg: number; per: 'mL' | 'unit' } | undefined {
  if (typeof text !== 'string' || !text) return undefined;
  const found = [...text.matchAll(NAMED_MASS)].map(namedStrength);
  // The same strength written twice is one strength: Oracle Health sends "sertraline (sertraline 100 mg
  // oral tablet)" with the display "sertraline 100 mg oral tablet", read together (medicationText).
  const first = found[0];
  if (!first || found.some((x) => !x || x.mg !== first.mg || x.per !== first.per)) return undefined;
  return first;
}

/** One mass found in a name as a strength, or undefined when it is per something other than a unit or a volume. */
function namedStrength(match: RegExpMatchArray): { mg: number; per: 'mL' | 'unit' } | undefined {
  const [, amount, unit, perAmount, perUnit] = match;
  // "12,5 mg" is 12.5 mg and "1,000 mg" 1000 mg; a number whose commas cannot be told apart is no strength (writtenNumber).
  const mg = writtenMassMg(amount!, unit!);
  if (mg === undefined || !(mg > 0)) return undefined;
  if (perUnit === undefined) return { mg, per: 'unit' };
  const per = perAmount === undefined ? 1 : writtenNumber(perAmount);
  return /^(ml|milliliters?|millilitres?)$/i.test(perUnit) && per !== undefined && per > 0 ? { mg: mg / per, per: 'mL' } : undefined;
}

const PERIOD_DAYS: Record<string, number> = { s: 1 / 86400, min: 1 / 1440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 };

/**
 * Administrations per day: from Timing.repeat (frequency / period), else from Timing.code through
 * `perDayOfCode` (FHIR R4 Timing.code "is understood to be a complete statement of whatever is specified
 * in the structured timing data", except that repeat.bounds still applies: Oracle Health sends a
 * `repeat` holding only `boundsPeriod` and the frequency as `code` QD / SNOMED CT 229797004 "Daily").
 * Undefined when neither gives one.
 */
export function administrationsPerDay(
  timing: fhir4.Timing | undefined,
  perDayOfCode?: (code: fhir4.CodeableConcept) => number | undefined,
): number | undefined {
  const r = timing?.repeat;
  const frequency = typeof r?.frequency === 'number' ? (typeof r.frequencyMax === 'number' ? r.frequencyMax : r.frequency) : 1;
  const period = typeof r?.period === 'number' && r.period > 0 ? r.period : undefined;
  const unitDays = typeof r?.periodUnit === 'string' && Object.hasOwn(PERIOD_DAYS, r.periodUnit) ? PERIOD_DAYS[r.periodUnit] : undefined;
  if (period !== undefined && unitDays !== undefined) return frequency / (period * unitDays);
  const code = timing?.code;
  return code && typeof code === 'object' && perDayOfCode ? perDayOfCode(code) : undefined;
}

/** The words of a Timing.code no frequency was read from ("'Daily'"), for the sentence that asks for one; undefined when there is none. */
export function unreadTimingCode(timing: fhir4.Timing | undefined): string | undefined {
  const code = timing?.code;
  if (!code || typeof code !== 'object') return undefined;
  const words =
    code.text ?? (Array.isArray(code.coding) ? code.coding.map((c) => c?.display ?? c?.code).find((w) => typeof w === 'string' && w.trim()) : undefined);
  return typeof words === 'string' && words.trim() ? `'${words.trim().slice(0, 32)}'` : 'a timing code';
}

const DURATION_DAYS: Record<string, number> = { d: 1, wk: 7, mo: 30, a: 365, h: 1 / 24, day: 1, days: 1, week: 7, weeks: 7, month: 30, months: 30 };

export function durationInDays(d: fhir4.Duration | undefined): number | undefined {
  if (typeof d?.value !== 'number' || !Number.isFinite(d.value) || d.value < 0) return undefined;
  const unit = unitOf(d);
  const factor = unit !== undefined && Object.hasOwn(DURATION_DAYS, unit) ? DURATION_DAYS[unit] : undefined;
  return factor === undefined ? undefined : d.value * factor;
}

/**
 * The medication concept of a medication resource or draft, following its reference (contained,
 * the record's Medications, or only the reference's display). See medications.ts for every form.
 */
export function medicationConcept(r: MedicationHolder, medications?: ReadonlyMap<string, fhir4.Medication>): fhir4.CodeableConcept | undefined {
  return resolveMedication(r, { medications }).concept;
}

/** Whole years from a calendar day (UTC parts) to `now`. */
function yearsSince(born: Date, now: Date): number {
  let age = now.getUTCFullYear() - born.getUTCFullYear();
  const m = now.getUTCMonth() - born.getUTCMonth();
  if (m < 0 || (m === 0 && now.getUTCDate() < born.getUTCDate())) age--;
  return age;
}

/**
 * An age read from a birth date: the least and greatest whole years it could be, or what would settle it
 * (with `implausible`, the sentence naming a birth date that is no one's: "the date of birth 2030-01-01 is in the future").
 */
export type AgeReading =
  | { youngest: number; oldest: number; needed?: undefined; implausible?: undefined }
  | { youngest?: undefined; oldest?: undefined; needed: string; implausible?: string };

/** Plausible ages (plausibleRanges ageYears), in whole years. */
export type AgeRange = { readonly min: number; readonly max: number };

/**
 * Age in whole years on `now` from `Patient.birthDate`, read as the interval it names (revision-2
 * DS-7): the ages on the last (`youngest`) and first (`oldest`) day the birth date could be. They
 * agree for a full date; for a year or year-month they may not, and a rule whose threshold falls
 * between them is unknown with "a full birth date". Absent or unreadable: `needed` only. A birth date
 * after `now`, or one giving an age above `range.max` (plausibleRanges ageYears), is no one's: the age is
 * unknown, `needed` "a correct date of birth" and `implausible` says why, never a negative or absurd age.
 */
export function readAge(birthDate: unknown, now: Date, range: AgeRange): AgeReading {
  const read = readAgeAsWritten(birthDate, now);
  if (read.youngest === undefined) return read;
  const written = typeof birthDate === 'string' ? birthDate : '';
  if (read.youngest < range.min) return { needed: 'a correct date of birth', implausible: `the date of birth ${written} is in the future` };
  if (read.oldest > range.max) return { needed: 'a correct date of birth', implausible: `the date of birth ${written} gives an age above ${range.max}` };
  return read;
}

function readAgeAsWritten(birthDate: unknown, now: Date): AgeReading {
  const partial = typeof birthDate === 'string' ? /^(\d{4})(?:-(\d{2}))?$/.exec(birthDate) : null;
  if (partial) {
    const y = Number(partial[1]);
    const m = partial[2] === undefined ? undefined : Number(partial[2]) - 1;
    if (m !== undefined && (m < 0 || m > 11)) return { needed: "the patient's date of birth" };
    const first = new Date(Date.UTC(y, m ?? 0, 1));
    const last = new Date(Date.UTC(y, (m ?? 11) + 1, 0)); // day 0 of the next month: the last day of this one
    return { youngest: yearsSince(last, now), oldest: yearsSince(first, now) };
  }
  const born = parseFhirDate(birthDate);
  if (!born) return { needed: "the patient's date of birth" };
  const age = yearsSince(born, now);
  return { youngest: age, oldest: age };
}

/** Age in whole years on `now`, or undefined when the birth date is absent, implausible or too partial to name one age (see readAge). */
export function ageInYears(birthDate: unknown, now: Date, range: AgeRange): number | undefined {
  const r = readAge(birthDate, now, range);
  return r.youngest !== undefined && r.youngest === r.oldest ? r.youngest : undefined;
}

/**
 * The patient's sex as the clinical rules need it (CI-4 child-bearing potential, OR-3 ideal body
 * weight), with what said it: US Core birth sex (`M` / `F`); else the US Core 9 individual-sex
 * extension (a SNOMED finding, through the sex-male / sex-female ValueSets), which US Core 9 example
 * patients carry instead of `gender`; else administrative `gender`. Undefined when none says male or
 * female (then a rule must not assume either).
 */
export function patientSex(
  patient: fhir4.Patient | undefined,
  t: Terminology,
): { sex: 'male' | 'female'; from: 'birth sex' | 'individual sex' | 'gender' } | undefined {
  if (!patient) return undefined;
  const ext = Array.isArray(patient.extension) ? patient.extension : [];
  // A sex element that is present but says neither (UNK, asked but declined, other) decides: unknown,
  // never replaced by the next source (a birth sex of UNK beside gender male may be a trans man).
  const birthSex = ext.find((e) => e?.url === EXT_US_CORE_BIRTH_SEX);
  if (birthSex)
    return birthSex.valueCode === 'M' || birthSex.valueCode === 'F' ? { sex: birthSex.valueCode === 'M' ? 'male' : 'female', from: 'birth sex' } : undefined;
  const individual = ext.find((e) => e?.url === EXT_US_CORE_INDIVIDUAL_SEX);
  if (individual) {
    const coding = individual.valueCoding;
    if (coding && t.inConcept(coding, VS.sexMale)) return { sex: 'male', from: 'individual sex' };
    if (coding && t.inConcept(coding, VS.sexFemale)) return { sex: 'female', from: 'individual sex' };
    return undefined;
  }
  return patient.gender === 'male' || patient.gender === 'female' ? { sex: patient.gender, from: 'gender' } : undefined;
}

export function allergyIsActive(a: fhir4.AllergyIntolerance): boolean {
  const v = statusCode(a.verificationStatus);
  if (v === 'refuted' || v === 'entered-in-error') return false;
  const c = statusCode(a.clinicalStatus);
  return c === undefined || c === 'active';
}
