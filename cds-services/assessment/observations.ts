/** Clinical readings built from Observations the way real data carries them. */
import { VS } from './concepts.js';
import { numericValue, weightInKg, withinDays } from './fhir-read.js';
import type { IndexedObservation, RecordIndex } from './record.js';

export interface BloodPressure {
  systolic?: number;
  diastolic?: number;
  date: Date;
  evidence: string[];
}

/**
 * The newest blood pressure reading: an 85354-9 panel with 8480-6/8462-4 components, or separate
 * systolic and diastolic observations taken at the same time (a panel wins a tie). Only the newest
 * is ever read, so older readings are not assembled.
 */
function newestBloodPressure(index: RecordIndex): BloodPressure | undefined {
  const t = index.knowledge.terminology;
  let panel: BloodPressure | undefined;
  for (const o of index.observations(VS.bloodPressurePanel)) {
    if (!o.date) continue;
    const components = Array.isArray(o.resource.component) ? o.resource.component : [];
    const part = (url: string) => {
      const c = components.find((x) => t.inConcept(x?.code, url));
      return c ? numericValue(c) : undefined;
    };
    const systolic = part(VS.systolicBp);
    const diastolic = part(VS.diastolicBp);
    if (systolic !== undefined || diastolic !== undefined) {
      panel = { systolic, diastolic, date: o.date, evidence: [o.ref] };
      break; // observations are newest first
    }
  }
  // A panel also carrying the component code was read above.
  const separateReadings = (list: IndexedObservation[]) =>
    list.filter((o) => o.date && o.value !== undefined && !t.inConcept(o.resource.code, VS.bloodPressurePanel));
  const systolics = separateReadings(index.observations(VS.systolicBp));
  const diastolics = separateReadings(index.observations(VS.diastolicBp));
  const newestSeparate = Math.max(systolics[0]?.date!.getTime() ?? -Infinity, diastolics[0]?.date!.getTime() ?? -Infinity);
  if (newestSeparate === -Infinity || (panel && panel.date.getTime() >= newestSeparate)) return panel;
  const separate: BloodPressure = { date: new Date(newestSeparate), evidence: [] };
  for (const [list, field] of [[systolics, 'systolic'], [diastolics, 'diastolic']] as const) {
    for (const o of list) {
      if (o.date!.getTime() !== newestSeparate) break;
      separate[field] = o.value;
      separate.evidence.push(o.ref);
    }
  }
  return separate;
}

export function latestBloodPressure(index: RecordIndex, days: number): BloodPressure | undefined {
  const latest = index.once('newest-blood-pressure', () => newestBloodPressure(index));
  return latest && withinDays(latest.date, index.now, days) ? latest : undefined;
}

export interface Weight {
  kg: number;
  date: Date;
  ref: string;
}

/** The newest body weight within the look-back, in kg whatever unit it was recorded in. */
export function latestWeight(index: RecordIndex, days: number): Weight | undefined {
  for (const o of index.observations(VS.bodyWeight)) {
    const kg = weightInKg(o.resource.valueQuantity);
    if (kg !== undefined && o.date && withinDays(o.date, index.now, days)) return { kg, date: o.date, ref: o.ref };
  }
  return undefined;
}

/** The newest observation in a concept within the look-back, with a numeric value. */
export function latestScore(index: RecordIndex, url: string, days: number): IndexedObservation | undefined {
  return index.observations(url).find((o) => o.value !== undefined && withinDays(o.date, index.now, days));
}

/** One blood pressure reading: a panel, or a systolic and a diastolic taken together; a missing part is undefined, never 0. */
export type BloodPressureReading = BloodPressure;

const PAIR_WINDOW_MS = 5 * 60_000; // DS-1 BP_PAIR_WINDOW_MIN

/**
 * Every blood pressure reading within the look-back, newest first (CI-6 needs more than the newest):
 * panels with their components, and standalone parts paired with the nearest other part within
 * 5 minutes (DS-1); a part with no partner is a partial reading.
 */
export function bloodPressureReadings(index: RecordIndex, days: number): BloodPressureReading[] {
  return index.once(`blood-pressure-readings-${days}`, () => {
    const t = index.knowledge.terminology;
    const out: BloodPressureReading[] = [];
    for (const o of index.observations(VS.bloodPressurePanel)) {
      if (!o.date || !withinDays(o.date, index.now, days)) continue;
      const components = Array.isArray(o.resource.component) ? o.resource.component : [];
      const part = (url: string) => {
        const c = components.find((x) => t.inConcept(x?.code, url));
        return c ? numericValue(c) : undefined;
      };
      const systolic = part(VS.systolicBp);
      const diastolic = part(VS.diastolicBp);
      if (systolic !== undefined || diastolic !== undefined) out.push({ systolic, diastolic, date: o.date, evidence: [o.ref] });
    }
    const standalone = (url: string) =>
      index.observations(url).filter((o) => o.date && o.value !== undefined && withinDays(o.date, index.now, days) && !t.inConcept(o.resource.code, VS.bloodPressurePanel));
    const diastolics = standalone(VS.diastolicBp);
    const paired = new Set<IndexedObservation>();
    for (const s of standalone(VS.systolicBp)) {
      let best: IndexedObservation | undefined;
      for (const d of diastolics) {
        const gap = Math.abs(d.date!.getTime() - s.date!.getTime());
        if (!paired.has(d) && gap <= PAIR_WINDOW_MS && (!best || gap < Math.abs(best.date!.getTime() - s.date!.getTime()))) best = d;
      }
      if (best) paired.add(best);
      out.push({ systolic: s.value, diastolic: best?.value, date: s.date!, evidence: best ? [s.ref, best.ref] : [s.ref] });
    }
    for (const d of diastolics) if (!paired.has(d)) out.push({ diastolic: d.value, date: d.date!, evidence: [d.ref] });
    return out.sort((a, b) => b.date.getTime() - a.date.getTime());
  });
}

/** The newest numeric observation in a concept within a window given in minutes (same-session vital signs). */
export function latestWithinMinutes(index: RecordIndex, url: string, minutes: number): IndexedObservation | undefined {
  return index.observations(url).find((o) => o.value !== undefined && o.date !== undefined && o.date.getTime() <= index.now.getTime() && index.now.getTime() - o.date.getTime() <= minutes * 60_000);
}
