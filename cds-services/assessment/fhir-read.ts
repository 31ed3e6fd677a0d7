/**
 * Reading FHIR the way real data arrives: partial dates, missing statuses, odd units.
 * Every function is total: malformed input gives undefined, never a throw.
 */

import { memoByString } from '../../src/memo.js';
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

export const daysBetween = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / DAY_MS;
export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY_MS);
export const withinDays = (d: Date | undefined, now: Date, days: number): boolean =>
  d !== undefined && d.getTime() <= now.getTime() + DAY_MS && daysBetween(d, now) <= days;

export function ref(resource: fhir4.Resource): string {
  return `${resource.resourceType}/${resource.id ?? 'unidentified'}`;
}

function codeOf(cc: fhir4.CodeableConcept | undefined): string | undefined {
  const coding = Array.isArray(cc?.coding) ? cc!.coding : [];
  const c = coding.find((x) => typeof x?.code === 'string')?.code;
  return c?.trim().toLowerCase();
}

// ---- Condition ----

/** Not refuted or entered in error: the condition was really recorded. */
export function conditionIsRecorded(c: fhir4.Condition): boolean {
  const v = codeOf(c.verificationStatus);
  if (v === 'refuted' || v === 'entered-in-error') return false;
  return codeOf(c.clinicalStatus) !== 'entered-in-error';
}

/**
 * Active = clinicalStatus active/recurrence/relapse, recorded, and not abated. A condition with
 * no clinicalStatus but no abatement is treated as active: absence of a status is not resolution.
 */
export function conditionIsActive(c: fhir4.Condition, now: Date): boolean {
  if (!conditionIsRecorded(c)) return false;
  const status = codeOf(c.clinicalStatus);
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

export function observationDate(o: fhir4.Observation): Date | undefined {
  return parseFhirDate(o.effectiveDateTime) ?? parseFhirDate(o.effectiveInstant) ?? parseFhirDate(o.effectivePeriod?.end ?? o.effectivePeriod?.start) ?? parseFhirDate(o.issued);
}

export function numericValue(x: { valueQuantity?: fhir4.Quantity; valueInteger?: number }): number | undefined {
  const q = x.valueQuantity?.value;
  if (typeof q === 'number' && Number.isFinite(q)) return q;
  return typeof x.valueInteger === 'number' && Number.isFinite(x.valueInteger) ? x.valueInteger : undefined;
}

/**
 * The unit of a Quantity or Duration (UCUM `code`, else the human `unit`), trimmed and lower-cased;
 * '' when there is none. EHR data carries numbers, arrays and objects here: such a unit is
 * unreadable (undefined, which no unit comparison matches), so the value is too, never a throw.
 */
export function unitOf(q: { code?: unknown; unit?: unknown } | undefined): string | undefined {
  const unit = q?.code !== undefined ? q.code : q?.unit !== undefined ? q.unit : '';
  return typeof unit === 'string' ? unit.trim().toLowerCase() : undefined;
}

const POUNDS_TO_KG = 0.45359237;

/** Body weight in kg from kg, g or pounds (UCUM `[lb_av]`); other units give undefined. */
export function weightInKg(q: fhir4.Quantity | undefined): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value) || q.value <= 0) return undefined;
  const unit = unitOf(q);
  if (unit === 'kg' || unit === 'kilogram' || unit === 'kilograms') return q.value;
  if (unit === 'g') return q.value / 1000;
  if (unit === '[lb_av]' || unit === 'lb' || unit === 'lbs' || unit === 'pound' || unit === 'pounds') return q.value * POUNDS_TO_KG;
  return undefined;
}

// ---- Medications ----

/** Daily amount in mg of a dose quantity in mg, g or micrograms; undefined for other units. */
export function massInMg(q: fhir4.Quantity | undefined): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) return undefined;
  const unit = unitOf(q);
  if (unit === 'mg' || unit === 'milligram' || unit === 'milligrams') return q.value;
  if (unit === 'g' || unit === 'gram') return q.value * 1000;
  if (unit === 'ug' || unit === 'mcg' || unit === 'microgram') return q.value / 1000;
  return undefined;
}

const UNIT_DOSE_UNITS = new Set(['{tbl}', 'tbl', 'tab', 'tablet', 'tablets', '{tablet}', '{pill}', 'pill', 'cap', 'capsule', 'capsules', '{capsule}', '{cap}', '1', '{patch}', 'patch', '{each}', 'each', 'ea', '{dose}']);

/** A dose counted in units (tablets, capsules, patches), or undefined if not a unit count. */
export function unitCount(q: fhir4.Quantity | undefined): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) return undefined;
  const unit = unitOf(q);
  return unit !== undefined && (unit === '' || UNIT_DOSE_UNITS.has(unit)) ? q.value : undefined;
}

export function volumeInMl(q: fhir4.Quantity | undefined): number | undefined {
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) return undefined;
  const unit = unitOf(q);
  return unit === 'ml' ? q.value : undefined;
}

const PERIOD_DAYS: Record<string, number> = { s: 1 / 86400, min: 1 / 1440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 };

/** Administrations per day from Timing.repeat (frequency / period), or undefined if not structured. */
export function administrationsPerDay(timing: fhir4.Timing | undefined): number | undefined {
  const r = timing?.repeat;
  if (!r) return undefined;
  const frequency = typeof r.frequency === 'number' ? (typeof r.frequencyMax === 'number' ? r.frequencyMax : r.frequency) : 1;
  const period = typeof r.period === 'number' && r.period > 0 ? r.period : undefined;
  const unitDays = typeof r.periodUnit === 'string' && Object.hasOwn(PERIOD_DAYS, r.periodUnit) ? PERIOD_DAYS[r.periodUnit] : undefined;
  if (period === undefined || unitDays === undefined) return undefined;
  return frequency / (period * unitDays);
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

export function ageInYears(birthDate: unknown, now: Date): number | undefined {
  const born = parseFhirDate(birthDate);
  if (!born) return undefined;
  let age = now.getUTCFullYear() - born.getUTCFullYear();
  const m = now.getUTCMonth() - born.getUTCMonth();
  if (m < 0 || (m === 0 && now.getUTCDate() < born.getUTCDate())) age--;
  return age;
}

export function allergyIsActive(a: fhir4.AllergyIntolerance): boolean {
  const v = codeOf(a.verificationStatus);
  if (v === 'refuted' || v === 'entered-in-error') return false;
  const c = codeOf(a.clinicalStatus);
  return c === undefined || c === 'active';
}

