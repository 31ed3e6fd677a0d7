import { RX, icd, medStatement, medRequest, obs, patient, procedure, SYS } from './fhir.js';

/**
 * A realistic candidate record of about `size` resources: years of medication statements and
 * orders, PHQ-9s, vitals and weights, and a problem list.
 */
export function syntheticPatient(size: number): fhir4.Resource[] {
  const out: fhir4.Resource[] = [patient({ gender: 'female', age: 52 }), icd('F33.2', { onsetDaysAgo: 900 }), icd('I10'), icd('E78.5'), icd('F41.1')];
  const rxcuis = [RX.sertraline50Tab, RX.escitalopramIngredient, RX.bupropionIngredient, RX.zoloft50Sbd];
  for (let i = 0; out.length < size; i++) {
    const day = 10 + ((i * 7) % 1400);
    switch (i % 6) {
      case 0:
        out.push(medStatement(rxcuis[i % rxcuis.length]!, { startDaysAgo: day + 60, endDaysAgo: day, dose: { tablets: 2 } }));
        break;
      case 1:
        out.push(medRequest(rxcuis[(i + 1) % rxcuis.length]!, { authoredDaysAgo: day, supplyDays: 30, refills: 1, status: 'completed' }));
        break;
      case 2:
        out.push(obs.phq9(8 + (i % 15), day));
        break;
      case 3:
        out.push(obs.bpPanel(118 + (i % 30), 74 + (i % 15), day));
        break;
      case 4:
        out.push(i % 12 === 4 ? obs.weight(70 + (i % 10), 'kg', day) : obs.heartRate(60 + (i % 30), day));
        break;
      default:
        out.push(i % 30 === 5 ? procedure(SYS.cpt, '90868', { daysAgo: day }) : icd(['J45.909', 'K21.9', 'M54.5', 'G47.00'][i % 4]!, { onsetDaysAgo: day }));
    }
  }
  return out;
}
