/**
 * Patients of the issue 17 review, one per situation, for the card budget and the card screenshots:
 * each is the clean candidate with the situation added.
 */
import { SYS, allergy, device, icd, medStatement, obs, patient } from './fhir.js';
import { candidate } from './scenarios.js';

const woman = () => patient({ gender: 'female', age: 31 });

export const SAFETY_SCENARIOS: Record<string, () => fhir4.Resource[]> = {
  'positive-pregnancy-test-40-days-old': () => candidate({ patient: woman() }, obs.hcg('positive', 40)),
  'woman-without-a-pregnancy-test': () => candidate({ patient: woman() }),
  'convulsion-60-days-ago-without-epilepsy': () => candidate({}, icd('R56.9', { onsetDaysAgo: 60 })),
  'spo2-87-with-copd-and-sleep-apnoea': () => candidate({}, obs.spo2(87, 3), icd('J44.9'), icd('G47.33')),
  'prior-mi-with-coronary-disease-and-heart-rate-128': () => candidate({ heartRate: obs.heartRate(128) }, icd('I25.2'), icd('I25.10')),
  'stroke-4-months-ago': () => candidate({}, icd('I63.9', { onsetDaysAgo: 120 })),
  'dementia-with-recent-delirium': () => candidate({}, icd('F03.90'), icd('F05', { onsetDaysAgo: 20 })),
  'breastfeeding-after-a-delivery': () => candidate({ patient: woman() }, icd('Z39.1', { onsetDaysAgo: 40 }), obs.hcg('negative', 2)),
  'lisdexamfetamine-and-temazepam-as-bare-codes': () =>
    candidate({}, medStatement('700810', { startDaysAgo: 60, dose: null }), medStatement('10355', { startDaysAgo: 60, dose: null })),
  'cssrs-type-5-this-week': () => candidate({}, obs.cssrsIdeation('LA30374-5', 2)),
  'passive-ideation-not-graded': () => candidate({}, icd('R45.851', { onsetDaysAgo: 4 })),
  'cannabis-use-unspecified': () => candidate({}, icd('F12.90')),
  'one-stale-high-bp': () => candidate({ bp: obs.bpPanel(186, 98, 20) }),
  'controlled-hypertension-132-82': () => candidate({ bp: obs.bpPanel(132, 82) }, icd('I10')),
  // Issue 16's patients for whom ECT is the alternative (EL-12): the ECT card must fit the budget too.
  'psychotic-depression-ect-alternative': () => candidate({ mdd: icd('F33.3', { onsetDaysAgo: 400 }) }),
  'every-treatment-ruled-out-ect-alternative': () => candidate({}, allergy(SYS.rx, '6130'), device('Cochlear implant, right')),
  'severe-depression-in-pregnancy-ect-alternative': () => candidate({ patient: woman(), phq9Recent: obs.phq9(23, 2) }, obs.hcg('positive', 10)),
  'many-problems-at-once': () =>
    candidate(
      { patient: woman(), bp: obs.bpPanel(186, 98, 20), heartRate: null, weight: null },
      obs.cssrsIdeation('LA30374-5', 2),
      icd('F10.20'),
      icd('I63.9', { onsetDaysAgo: 30 }),
      icd('R56.9', { onsetDaysAgo: 60 }),
      icd('J44.9'),
      icd('F03.90'),
      medStatement('10355', { startDaysAgo: 60, dose: null }),
      medStatement('700810', { startDaysAgo: 60, dose: null }),
      icd('K74.60'),
    ),
};
