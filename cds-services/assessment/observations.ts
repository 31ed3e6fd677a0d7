/** Clinical readings built from Observations the way real data carries them. */
import { VS } from './concepts.js';
import { checkPlausible, type PlausibleRange } from '../../src/knowledge/plausible.js';
import { numericValue, valueUnit, weightInKg, withinDays, type ValueCarrier } from './fhir-read.js';
import type { IndexedObservation, RecordIndex } from './record.js';
import type { Thresholds } from './thresholds.js';

export interface BloodPressure {
  /** mmHg; undefined when that part is missing, absent (dataAbsentReason) or in another unit: never 0. */
  systolic?: number;
  diastolic?: number;
  date: Date;
  evidence: string[];
  /** One part only: a standalone systolic or diastolic with no partner within BP_PAIR_WINDOW_MIN. */
  partial: boolean;
  /** A part was outside its plausible range and is read as missing: the sentences a card names ("systolic BP 1,200 mmHg is implausible: re-measure"). */
  implausible?: string[];
  /** A part came from a `preliminary` Observation (a device reading not yet validated): used, and named so. */
  preliminary?: boolean;
  /**
   * An average of several readings (US Core average blood pressure, 96607-7; often the patient's own at
   * home), dated at the end of its period: a BP on file, named "(average)"; its single readings and their
   * times are not known, so it is never the one crisis-level reading nor a same-session one.
   */
  average?: boolean;
}

/**
 * What a card adds after a vital sign read from a `preliminary` Observation: " (preliminary)", else ''.
 * Vital signs used in safety checks are read whether final or preliminary (record.ts), so a reading
 * not yet validated is named as such, never hidden behind an older one or "no reading".
 */
export const preliminaryMark = (r: { preliminary?: boolean } | undefined): string => (r?.preliminary ? ' (preliminary)' : '');

/** The BP thresholds (mmHg) a card compares readings with: a part within half a mmHg of one keeps its decimals. */
export interface BloodPressureBoundaries {
  systolic: readonly number[];
  diastolic: readonly number[];
}

/** The caution, block and crisis limits of the thresholds, as the boundaries a card's words compare with. */
export function bloodPressureBoundaries(v: Thresholds['vitals']): BloodPressureBoundaries {
  return {
    systolic: [v.bpCautionSystolicAbove.value, v.bpBlockSystolicAtLeast.value, v.bpCrisisSystolicAbove.value],
    diastolic: [v.bpCautionDiastolicAbove.value, v.bpBlockDiastolicAtLeast.value, v.bpCrisisDiastolicAbove.value],
  };
}

/**
 * A reading as a card names it: "163/114 mmHg" ("?" for a missing part). Devices and generators send
 * decimals (142.5/91.33, Synthea 163.34716484120628); clinicians read whole mmHg, so the words are
 * rounded to whole mmHg (display only: the rules compare the values as recorded). A part within half a
 * mmHg of one of `boundaries` (the limits the card's sentence names) keeps the decimals that tell it from
 * the limit, so 140.4 is never named "140" beside "above 140/90".
 */
export function bloodPressureText(r: Pick<BloodPressure, 'systolic' | 'diastolic' | 'preliminary' | 'average'>, boundaries?: BloodPressureBoundaries): string {
  return `${bloodPressureNumbers(r, boundaries)} mmHg${averageMark(r)}${preliminaryMark(r)}`;
}

/** The same reading without its unit: "163/114" ("192/121 (preliminary)", "186/112 (average)"). */
export function bloodPressureValues(
  r: Pick<BloodPressure, 'systolic' | 'diastolic' | 'preliminary' | 'average'>,
  boundaries?: BloodPressureBoundaries,
): string {
  return `${bloodPressureNumbers(r, boundaries)}${averageMark(r)}${preliminaryMark(r)}`;
}

const averageMark = (r: { average?: boolean }): string => (r.average ? ' (average)' : '');

/** One part in whole mmHg, or with the fewest decimals (up to 3) that keep it off a nearby limit it is not. */
function mmHgWords(v: number | undefined, limits: readonly number[] = []): string {
  if (v === undefined) return '?';
  const whole = Math.round(v);
  const limit = limits.find((x) => x !== v && Math.abs(v - x) < 0.5);
  if (limit === undefined) return String(whole);
  for (const digits of [1, 2, 3]) {
    const shown = Math.round(v * 10 ** digits) / 10 ** digits;
    if (shown !== limit) return String(shown);
  }
  return String(v);
}

function bloodPressureNumbers(r: Pick<BloodPressure, 'systolic' | 'diastolic'>, boundaries?: BloodPressureBoundaries): string {
  return `${mmHgWords(r.systolic, boundaries?.systolic)}/${mmHgWords(r.diastolic, boundaries?.diastolic)}`;
}

const MMHG = new Set(['mm[hg]', 'mmhg', 'mm hg']);

/** A BP part in mmHg, or undefined (DS-1: units must be mm[Hg]; a missing part is unknown, never 0). */
function mmHg(x: ValueCarrier | undefined): number | undefined {
  const v = numericValue(x);
  return v !== undefined && MMHG.has(valueUnit(x) ?? '') ? v : undefined;
}

const encounterOf = (o: IndexedObservation) => (typeof o.resource.encounter?.reference === 'string' ? o.resource.encounter.reference : undefined);

/**
 * Every blood pressure reading of the record, newest first (revision-2 DS-1): panels (85354-9,
 * 55284-4, SNOMED CT 75367002, or an 8716-3 vital-signs panel) with systolic/diastolic components, and
 * standalone systolic / diastolic Observations (LOINC 8480-6 / 8462-4, SNOMED CT 271649006 / 271650006,
 * CIEL 5085 / 5086 as OpenMRS sends them; the codes are the ValueSets') paired
 * when their times differ by at most BP_PAIR_WINDOW_MIN and they share the encounter when both
 * carry one (the nearest partner first). A part without a partner is a partial reading.
 */
export function allBloodPressureReadings(index: RecordIndex): readonly BloodPressure[] {
  return index.once('blood-pressure-readings', () => {
    const t = index.knowledge.terminology;
    const ranges = index.knowledge.thresholds.plausibleRanges;
    const readings: BloodPressure[] = [];
    /** A reading with each part checked against its plausible range: an implausible part is missing, and named. */
    const push = (
      systolic: number | undefined,
      diastolic: number | undefined,
      date: Date,
      evidence: string[],
      partial: boolean,
      preliminary: boolean,
      average = false,
    ) => {
      const implausible: string[] = [];
      const plausible = (v: number | undefined, range: PlausibleRange) => {
        if (v === undefined) return undefined;
        const check = checkPlausible(range, v);
        if (check.plausible) return v;
        implausible.push(check.message);
        return undefined;
      };
      const sys = plausible(systolic, ranges.systolicBp);
      const dia = plausible(diastolic, ranges.diastolicBp);
      readings.push({
        systolic: sys,
        diastolic: dia,
        date,
        evidence,
        partial: partial || sys === undefined || dia === undefined,
        ...(implausible.length ? { implausible } : {}),
        ...(preliminary ? { preliminary } : {}),
        ...(average ? { average } : {}),
      });
    };
    // An average panel may carry 85354-9 beside 96607-7 (US Core 7's example does): read once, as an average.
    // A vital-signs panel (8716-3) carrying systolic and diastolic components is a BP reading too (DS-1).
    const panels = new Set([
      ...index.observations(VS.bloodPressurePanel),
      ...index.observations(VS.bloodPressureAverage),
      ...index.observations(VS.vitalSignsPanel),
    ]);
    for (const o of panels) {
      if (!o.date) continue;
      const average = t.inConcept(o.resource.code, VS.bloodPressureAverage);
      const components = Array.isArray(o.resource.component) ? o.resource.component : [];
      const part = (...urls: string[]) => mmHg(components.find((x) => urls.some((url) => t.inConcept(x?.code, url))));
      const systolic = part(VS.systolicBp, VS.systolicBpMean);
      const diastolic = part(VS.diastolicBp, VS.diastolicBpMean);
      if (systolic === undefined && diastolic === undefined) continue;
      push(systolic, diastolic, o.date, [o.ref], systolic === undefined || diastolic === undefined, o.preliminary === true, average);
    }
    const isPanel = (o: IndexedObservation) =>
      t.inConcept(o.resource.code, VS.bloodPressurePanel) ||
      t.inConcept(o.resource.code, VS.bloodPressureAverage) ||
      t.inConcept(o.resource.code, VS.vitalSignsPanel);
    const standalone = (url: string) => index.observations(url).filter((o) => o.date && !isPanel(o) && mmHg(o.resource) !== undefined);
    const systolics = standalone(VS.systolicBp);
    const diastolics = standalone(VS.diastolicBp);
    const windowMs = index.knowledge.thresholds.reading.bpPairWindowMinutes.value * 60_000;
    const paired = new Set<IndexedObservation>();
    for (const s of systolics) {
      let best: IndexedObservation | undefined;
      let bestGap = Infinity;
      for (const d of diastolics) {
        if (paired.has(d)) continue;
        const gap = Math.abs(d.date!.getTime() - s.date!.getTime());
        const se = encounterOf(s);
        const de = encounterOf(d);
        if (gap <= windowMs && gap < bestGap && !(se && de && se !== de)) {
          best = d;
          bestGap = gap;
        }
      }
      if (best) paired.add(best);
      const date = best && best.date!.getTime() > s.date!.getTime() ? best.date! : s.date!;
      push(mmHg(s.resource), best ? mmHg(best.resource) : undefined, date, best ? [s.ref, best.ref] : [s.ref], !best, !!(s.preliminary || best?.preliminary));
    }
    for (const d of diastolics) if (!paired.has(d)) push(undefined, mmHg(d.resource), d.date!, [d.ref], true, d.preliminary === true);
    // Newest first; at the same time a full reading before a partial one.
    return readings.sort((a, b) => b.date.getTime() - a.date.getTime() || Number(a.partial) - Number(b.partial));
  });
}

/** Every blood pressure reading within the look-back, newest first (CI-6 needs more than the newest). */
export function bloodPressureReadings(index: RecordIndex, days: number): BloodPressureReading[] {
  return index.once(`blood-pressure-readings-${days}`, () => allBloodPressureReadings(index).filter((r) => withinDays(r.date, index.now, days)));
}

/** The newest blood pressure reading within the look-back (possibly partial), or undefined. */
export function latestBloodPressure(index: RecordIndex, days: number): BloodPressure | undefined {
  const latest = allBloodPressureReadings(index)[0];
  return latest && withinDays(latest.date, index.now, days) ? latest : undefined;
}

/**
 * Three-valued "systolic >= sys or diastolic >= dia" (DS-1): true if a known part meets its limit;
 * undefined if the known part does not and the other is missing; false only when both are known and below.
 * `strict` makes the tests "above" (>) instead of "at least" (>=).
 */
export function bpMeets(bp: BloodPressure, sys: number, dia: number, strict = false): boolean | undefined {
  const over = (v: number | undefined, limit: number) => (v === undefined ? undefined : strict ? v > limit : v >= limit);
  const s = over(bp.systolic, sys);
  const d = over(bp.diastolic, dia);
  if (s === true || d === true) return true;
  if (s === undefined || d === undefined) return undefined;
  return false;
}

export interface Weight {
  kg: number;
  date: Date;
  ref: string;
  /** Set when the newest weight is outside its plausible range: not a fact, nothing is computed from it. */
  implausible?: string;
  /** From a `preliminary` Observation: used, and named so (preliminaryMark). */
  preliminary?: boolean;
}

/**
 * The newest body weight within the look-back, in kg whatever unit it was recorded in. With a
 * plausible range, a newest weight outside it comes back marked `implausible` (with the sentence a
 * card shows, "weight 80,000 kg is implausible: re-weigh"): callers must not use its `kg`. An older
 * plausible weight does not stand in for it: the newest measurement says the record needs a re-weigh.
 */
export function latestWeight(index: RecordIndex, days: number, range?: PlausibleRange): Weight | undefined {
  for (const o of index.observations(VS.bodyWeight)) {
    const kg = weightInKg(o.resource.valueQuantity);
    if (kg === undefined || !o.date || !withinDays(o.date, index.now, days)) continue;
    const check = range ? checkPlausible(range, kg) : undefined;
    return {
      kg,
      date: o.date,
      ref: o.ref,
      ...(check && !check.plausible ? { implausible: check.message } : {}),
      ...(o.preliminary ? { preliminary: true } : {}),
    };
  }
  return undefined;
}

/**
 * The newest observation in a concept within the look-back (or, with `minutes`, within that many
 * minutes before now) when it gave no usable number (implausible; for scores, also unreadable or
 * preliminary: record.ts `unreadable`) and no usable one is newer: a rule that would otherwise read
 * "none recorded" says "could not be read" and names it with `unreadable` (issue 20).
 */
export function implausibleLatest(index: RecordIndex, url: string, days: number, minutes?: number): IndexedObservation | undefined {
  const now = index.now.getTime();
  const inWindow = (o: IndexedObservation) =>
    minutes === undefined ? withinDays(o.date, index.now, days) : o.date !== undefined && o.date.getTime() <= now && now - o.date.getTime() <= minutes * 60_000;
  const newest = index.observations(url).find((o) => (o.value !== undefined || o.unreadable !== undefined) && inWindow(o));
  return newest?.unreadable ? newest : undefined;
}

/** The newest observation in a concept within the look-back, with a numeric value. */
export function latestScore(index: RecordIndex, url: string, days: number): IndexedObservation | undefined {
  return index.observations(url).find((o) => o.value !== undefined && withinDays(o.date, index.now, days));
}

/** One blood pressure reading: a panel, or a systolic and a diastolic taken together; a missing part is undefined, never 0. */
export type BloodPressureReading = BloodPressure;

/** The newest numeric observation in a concept within a window given in minutes (same-session vital signs). */
export function latestWithinMinutes(index: RecordIndex, url: string, minutes: number): IndexedObservation | undefined {
  return index
    .observations(url)
    .find(
      (o) =>
        o.value !== undefined && o.date !== undefined && o.date.getTime() <= index.now.getTime() && index.now.getTime() - o.date.getTime() <= minutes * 60_000,
    );
}
