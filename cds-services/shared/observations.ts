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
 * Blood pressure readings, newest first: an 85354-9 panel with 8480-6/8462-4 components, or
 * separate systolic and diastolic observations taken at the same time.
 */
export function bloodPressures(index: RecordIndex): BloodPressure[] {
  return index.once('blood-pressures', () => readBloodPressures(index));
}

function readBloodPressures(index: RecordIndex): BloodPressure[] {
  const t = index.knowledge.terminology;
  const readings: BloodPressure[] = [];
  for (const o of index.observations(VS.bloodPressurePanel)) {
    if (!o.date) continue;
    const components = Array.isArray(o.resource.component) ? o.resource.component : [];
    const part = (url: string) => {
      const c = components.find((x) => t.inConcept(x?.code, url));
      return c ? numericValue(c) : undefined;
    };
    const systolic = part(VS.systolicBp);
    const diastolic = part(VS.diastolicBp);
    if (systolic !== undefined || diastolic !== undefined) readings.push({ systolic, diastolic, date: o.date, evidence: [o.ref] });
  }
  const separate = new Map<number, BloodPressure>();
  const addSeparate = (list: IndexedObservation[], field: 'systolic' | 'diastolic') => {
    for (const o of list) {
      // A panel also carrying the component code was read above.
      if (!o.date || o.value === undefined || t.inConcept(o.resource.code, VS.bloodPressurePanel)) continue;
      const at = o.date.getTime();
      const r = separate.get(at) ?? { date: o.date, evidence: [] };
      r[field] = o.value;
      r.evidence.push(o.ref);
      separate.set(at, r);
    }
  };
  addSeparate(index.observations(VS.systolicBp), 'systolic');
  addSeparate(index.observations(VS.diastolicBp), 'diastolic');
  readings.push(...separate.values());
  return readings.sort((a, b) => b.date.getTime() - a.date.getTime());
}

export function latestBloodPressure(index: RecordIndex, days: number): BloodPressure | undefined {
  const latest = bloodPressures(index)[0];
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
