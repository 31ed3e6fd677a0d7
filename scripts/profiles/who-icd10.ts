/**
 * WHO ICD-10 (http://hl7.org/fhir/sid/icd-10) concepts the service must name itself. Every other WHO code is read as
 * the ICD-10-CM code of the same characters (src/terminology/terminology.ts says where the two classifications part),
 * so only these are listed: WHO subcategories that ICD-10-CM turns into headings (F31.1, F31.3, F31.6, F31.7, F33.4,
 * G40.x) and WHO categories ICD-10-CM does not have (G41 status epilepticus). Titles are WHO's (ICD-10 2019).
 */
import { SYSTEM } from '../../src/terminology/systems.js';
import type { ProfileCode } from './types.js';

/** The WHO titles as public code lists carry them (HDR UK DATAMIND phenotype tables; clinical code tables). */
const WHO_SOURCE = 'WHO ICD-10 2019 titles as public code lists give them (HDR UK DATAMIND ICD-10 mood-disorder table; status epilepticus G41 tables)';
const who = (list: [string, string][]): ProfileCode[] =>
  list.map(([code, display]) => ({ system: SYSTEM.icd10, code, display, source: WHO_SOURCE, verification: 'secondary' }));

export const WHO_BIPOLAR = who([
  ['F31', 'Bipolar affective disorder'],
  ['F31.1', 'Bipolar affective disorder, current episode manic without psychotic symptoms'],
  ['F31.3', 'Bipolar affective disorder, current episode mild or moderate depression'],
  ['F31.6', 'Bipolar affective disorder, current episode mixed'],
  ['F31.7', 'Bipolar affective disorder, currently in remission'],
  ['F31.8', 'Other bipolar affective disorders'],
]);
export const WHO_BIPOLAR_DEPRESSION = WHO_BIPOLAR.filter((c) => c.code === 'F31.3');
export const WHO_MANIA = [...WHO_BIPOLAR.filter((c) => c.code === 'F31.1' || c.code === 'F31.6'), ...who([['F30.1', 'Mania without psychotic symptoms']])];
export const WHO_MDD_REMISSION = who([['F33.4', 'Recurrent depressive disorder, currently in remission']]);
export const WHO_DEPRESSION_CONFIRM = who([['F32.8', 'Other depressive episodes']]);
export const WHO_STATUS_EPILEPTICUS = who([
  ['G41.0', 'Grand mal status epilepticus'],
  ['G41.1', 'Petit mal status epilepticus'],
  ['G41.2', 'Complex partial status epilepticus'],
  ['G41.8', 'Other status epilepticus'],
  ['G41.9', 'Status epilepticus, unspecified'],
]);
