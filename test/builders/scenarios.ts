import { RX, icd, medStatement, obs, patient } from './fhir.js';

/**
 * A clean TRD candidate: adult man with recurrent severe MDD, two failed adequate trials
 * (sertraline 2 x 50 mg tablets for 100 days, escitalopram 20 mg for 120 days, each followed by a
 * PHQ-9 >= 10), and recent BP, heart rate, weight, PHQ-9 and GAD-7.
 */
function parts() {
  return {
    patient: patient({ gender: 'male', age: 45 }) as fhir4.Resource,
    mdd: icd('F33.2', { onsetDaysAgo: 400, id: 'mdd' }) as fhir4.Resource,
    sertraline: medStatement(RX.sertraline50Tab, { startDaysAgo: 300, endDaysAgo: 200, dose: { tablets: 2 } }) as fhir4.Resource,
    phq9AfterSertraline: obs.phq9(17, 195) as fhir4.Resource,
    escitalopram: medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: { mg: 20 } }) as fhir4.Resource,
    phq9Recent: obs.phq9(18, 3) as fhir4.Resource,
    gad7: obs.gad7(11, 3) as fhir4.Resource,
    bp: obs.bpPanel(128, 82) as fhir4.Resource,
    heartRate: obs.heartRate(72) as fhir4.Resource,
    weight: obs.weight(80) as fhir4.Resource,
  };
}
export type CandidatePart = keyof ReturnType<typeof parts>;

/** The candidate with some parts replaced (or removed with null) and extra resources added. */
export function candidate(
  changes: Partial<Record<CandidatePart, fhir4.Resource | fhir4.Resource[] | null>> = {},
  ...extra: (fhir4.Resource | fhir4.Resource[])[]
): fhir4.Resource[] {
  const base = parts();
  const out: fhir4.Resource[] = [];
  for (const [name, resource] of Object.entries(base) as [CandidatePart, fhir4.Resource][]) {
    const change = name in changes ? changes[name] : resource;
    if (change) out.push(...(Array.isArray(change) ? change : [change]));
  }
  return [...out, ...extra.flat()];
}
