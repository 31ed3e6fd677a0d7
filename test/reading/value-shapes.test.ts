/**
 * Real value shapes read into typed facts (revision-2 DS-1, DS-2, DS-7): tables of named scenarios.
 */
import { describe, expect, it } from 'vitest';
import { VS } from '../../cds-services/assessment/concepts.js';
import { administrationsPerDay, parseFhirInterval, weightInKg, withinDaysOf } from '../../cds-services/assessment/fhir-read.js';
import { bloodPressureText, bloodPressureValues, bpMeets, latestBloodPressure, latestWeight } from '../../cds-services/assessment/observations.js';
import { RecordIndex } from '../../cds-services/assessment/record.js';
import { NOW, SYS, daysAgo } from '../builders/fhir.js';
import { knowledge } from '../helpers/knowledge.js';
import { recordOf } from '../helpers/record.js';

const indexOf = (resources: object[]) => new RecordIndex(recordOf(resources as fhir4.Resource[]), knowledge(), NOW);
const cc = (system: string, code: string): fhir4.CodeableConcept => ({ coding: [{ system, code }] });
const subject = { reference: 'Patient/p1' };
let n = 0;
const obs = (code: string, at: string, value: object, extra: object = {}) => ({
  resourceType: 'Observation',
  id: `o${++n}`,
  status: 'final',
  subject,
  code: cc(SYS.loinc, code),
  effectiveDateTime: at,
  ...value,
  ...extra,
});
const mm = (value: number) => ({ valueQuantity: { value, system: SYS.ucum, code: 'mm[Hg]', unit: 'mm[Hg]' } });
const at = (minutesAgo: number) => new Date(NOW.getTime() - 2 * 86_400_000 - minutesAgo * 60_000).toISOString();
const panel = (code: string, when: string, sys?: object, dia?: object) => ({
  resourceType: 'Observation',
  id: `p${++n}`,
  status: 'final',
  subject,
  code: cc(SYS.loinc, code),
  effectiveDateTime: when,
  component: [...(sys ? [{ code: cc(SYS.loinc, '8480-6'), ...sys }] : []), ...(dia ? [{ code: cc(SYS.loinc, '8462-4'), ...dia }] : [])],
});

describe('blood pressure (DS-1)', () => {
  const SCT = 'http://snomed.info/sct';
  /** An OpenMRS FHIR2 concept: the concept uuid with no system, CIEL, and SNOMED CT. */
  const openmrs = (ciel: string, snomed: string): fhir4.CodeableConcept => ({
    coding: [
      { code: `${ciel}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` },
      { system: 'https://openconceptlab.org/orgs/CIEL/sources/CIEL', code: ciel },
      { system: SCT, code: snomed },
    ],
  });
  it.each<[string, object[], { systolic?: number; diastolic?: number; partial: boolean } | undefined]>([
    ['the US Core panel 85354-9', [panel('85354-9', at(0), mm(150), mm(95))], { systolic: 150, diastolic: 95, partial: false }],
    ['the older panel 55284-4 (every Synthea BP)', [panel('55284-4', at(0), mm(186), mm(114))], { systolic: 186, diastolic: 114, partial: false }],
    [
      'separate parts 40 seconds apart are one reading',
      [obs('8480-6', at(0), mm(172)), obs('8462-4', new Date(new Date(at(0)).getTime() + 40_000).toISOString(), mm(101))],
      { systolic: 172, diastolic: 101, partial: false },
    ],
    [
      'separate parts 20 minutes apart are two partial readings (newest first)',
      [obs('8480-6', at(20), mm(172)), obs('8462-4', at(0), mm(101))],
      { diastolic: 101, partial: true },
    ],
    [
      'parts in different encounters are not paired',
      [obs('8480-6', at(0), mm(172), { encounter: { reference: 'Encounter/a' } }), obs('8462-4', at(1), mm(101), { encounter: { reference: 'Encounter/b' } })],
      { systolic: 172, partial: true },
    ],
    ['a panel missing its diastolic is partial, never 0', [panel('85354-9', at(0), mm(150))], { systolic: 150, partial: true }],
    [
      'a component with dataAbsentReason is unknown, never 0',
      [panel('85354-9', at(0), mm(150), { dataAbsentReason: cc('http://terminology.hl7.org/CodeSystem/data-absent-reason', 'not-performed') })],
      { systolic: 150, partial: true },
    ],
    ['a part in another unit is unknown', [panel('85354-9', at(0), mm(150), { valueQuantity: { value: 12, code: 'kPa' } })], { systolic: 150, partial: true }],
    [
      'OpenMRS parts coded CIEL and SNOMED CT with unit mmHg (no BP LOINC)',
      [
        { ...obs('x', at(0), { valueQuantity: { value: 186, unit: 'mmHg', system: SYS.ucum, code: 'mmHg' } }), code: openmrs('5085', '271649006') },
        { ...obs('x', at(0), { valueQuantity: { value: 114, unit: 'mmHg', system: SYS.ucum, code: 'mmHg' } }), code: openmrs('5086', '271650006') },
      ],
      { systolic: 186, diastolic: 114, partial: false },
    ],
    [
      'a SNOMED CT-only panel (75367002) with SNOMED CT components',
      [
        {
          ...panel('x', at(0)),
          code: cc(SCT, '75367002'),
          component: [
            { code: cc(SCT, '271649006'), ...mm(162) },
            { code: cc(SCT, '271650006'), ...mm(104) },
          ],
        },
      ],
      { systolic: 162, diastolic: 104, partial: false },
    ],
    ['a vital-signs panel (8716-3) carrying BP components', [panel('8716-3', at(0), mm(158), mm(99))], { systolic: 158, diastolic: 99, partial: false }],
    [
      'a vital-signs panel (8716-3) whose BP parts are members',
      [
        { ...obs('8716-3', at(0), {}), hasMember: [{ reference: 'Observation/m-sys' }, { reference: 'Observation/m-dia' }] },
        { ...obs('8480-6', at(0), mm(171)), id: 'm-sys' },
        { ...obs('8462-4', at(0), mm(103)), id: 'm-dia' },
      ],
      { systolic: 171, diastolic: 103, partial: false },
    ],
    [
      'a vital-signs panel with no BP is no BP',
      [{ ...obs('8716-3', at(0), {}), component: [{ code: cc(SYS.loinc, '8867-4'), valueQuantity: { value: 70, code: '/min' } }] }],
      undefined,
    ],
    ['no BP at all', [], undefined],
  ])('%s', (_label, resources, expected) => {
    const bp = latestBloodPressure(indexOf(resources), 30);
    if (!expected) return expect(bp).toBeUndefined();
    expect({ systolic: bp?.systolic, diastolic: bp?.diastolic, partial: bp?.partial }).toEqual({ systolic: undefined, diastolic: undefined, ...expected });
  });

  // Device-integrated vitals are sent `preliminary` until a nurse validates them: a reading taken, used (newest
  // wins) and marked, never turned into "no BP" with an older reading quoted instead.
  it.each<[string, object[], { systolic?: number; diastolic?: number; preliminary?: boolean } | undefined]>([
    [
      'a preliminary panel newer than a final one is the latest reading, marked preliminary',
      [panel('85354-9', at(60 * 24), mm(132), mm(86)), { ...panel('85354-9', at(0), mm(192), mm(121)), status: 'preliminary' }],
      { systolic: 192, diastolic: 121, preliminary: true },
    ],
    [
      'a final panel newer than a preliminary one is the latest reading, unmarked',
      [{ ...panel('85354-9', at(60), mm(192), mm(121)), status: 'preliminary' }, panel('85354-9', at(0), mm(132), mm(86))],
      { systolic: 132, diastolic: 86 },
    ],
    [
      'a preliminary systolic paired with a final diastolic is marked preliminary',
      [{ ...obs('8480-6', at(0), mm(172)), status: 'preliminary' }, obs('8462-4', at(0), mm(101))],
      { systolic: 172, diastolic: 101, preliminary: true },
    ],
    ['a registered panel (not yet measured) is still no reading', [{ ...panel('85354-9', at(0), mm(192), mm(121)), status: 'registered' }], undefined],
  ])('preliminary blood pressure: %s', (_label, resources, expected) => {
    const bp = latestBloodPressure(indexOf(resources), 30);
    if (!expected) return expect(bp).toBeUndefined();
    expect({ systolic: bp?.systolic, diastolic: bp?.diastolic, preliminary: bp?.preliminary }).toEqual({ preliminary: undefined, ...expected });
  });

  it('a preliminary reading is named "(preliminary)" in the words a card uses', () => {
    expect(bloodPressureText({ systolic: 192, diastolic: 121, preliminary: true })).toBe('192/121 mmHg (preliminary)');
    expect(bloodPressureValues({ systolic: 192, diastolic: 121, preliminary: true })).toBe('192/121 (preliminary)');
    expect(bloodPressureText({ systolic: 132, diastolic: 86 })).toBe('132/86 mmHg');
  });

  it.each<[string, string, string, object, boolean]>([
    ['heart rate is read', VS.heartRate, '8867-4', { valueQuantity: { value: 96, code: '/min' } }, true],
    ['SpO2 is read', VS.oxygenSaturation, '59408-5', { valueQuantity: { value: 91, code: '%' } }, true],
    ['body weight is read', VS.bodyWeight, '29463-7', { valueQuantity: { value: 80, code: 'kg' } }, true],
  ])('preliminary %s', (_label, url, code, value, read) => {
    const entries = indexOf([{ ...obs(code, at(0), value), status: 'preliminary' }]).observations(url);
    expect(entries.map((o) => o.preliminary)).toEqual(read ? [true] : []);
  });

  // A score keeps the final statuses for its value, but a preliminary one is there: no value, named to confirm.
  it('a preliminary PHQ-9 total gives no score and is named to confirm, never dropped', () => {
    const [entry, ...rest] = indexOf([{ ...obs('44261-6', at(0), { valueInteger: 14 }), status: 'preliminary' }]).observations(VS.phq9Total);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ value: undefined, unreadable: expect.stringMatching(/^PHQ-9 14 on \d{4}-\d{2}-\d{2} is preliminary: confirm it$/) });
  });

  it('a preliminary weight is the dosing weight, marked preliminary', () => {
    const w = latestWeight(
      indexOf([
        obs('29463-7', daysAgo(9), { valueQuantity: { value: 70, code: 'kg' } }),
        { ...obs('29463-7', at(0), { valueQuantity: { value: 80, code: 'kg' } }), status: 'preliminary' },
      ]),
      30,
    );
    expect(w).toMatchObject({ kg: 80, preliminary: true });
  });

  it.each<[string, number | undefined, number | undefined, boolean | undefined]>([
    ['systolic alone over the limit is found', 186, undefined, true],
    ['diastolic alone over the limit is found', undefined, 114, true],
    ['a known part under the limit with the other missing is unknown', 150, undefined, undefined],
    ['both known and under is not found', 150, 90, false],
  ])('three-valued limit test: %s', (_label, systolic, diastolic, expected) => {
    expect(bpMeets({ systolic, diastolic, date: NOW, evidence: [], partial: true }, 180, 100)).toBe(expected);
  });

  it('186/114 a week ago in the 55284-4 panel is a contraindication for IV ketamine (CI-6), not "not excluded"', async () => {
    const { assessResources } = await import('../helpers/record.js');
    const week = panel('55284-4', daysAgo(7), mm(186), mm(114));
    const a = assessResources([{ resourceType: 'Patient', id: 'p1', gender: 'male', birthDate: '1970-01-01' } as fhir4.Patient, week as fhir4.Resource]);
    const ci6 = a.byRule.get('CI-6');
    expect(ci6?.status).not.toBe('not-met');
    expect(ci6?.evidence).toContain(`Observation/${week.id}`);
  });
});

describe('PHQ-9 totals in every shape (DS-2)', () => {
  const item = (code: string, answer: string) => ({ code: cc(SYS.loinc, code), valueCodeableConcept: cc(SYS.loinc, answer) });
  const nineItems = ['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', '44260-8'];
  const when = daysAgo(3);
  const MII = 'https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/Questionnaire/mii-qst-pro-phq-9';
  const coded = (answer: string) => [{ valueCoding: { system: SYS.loinc, code: answer } }];
  const miiItems = (prefix: string, answer: string) => [...'abcdefghi'].map((l) => ({ linkId: `${prefix}${l}`, answer: coded(answer) }));
  const miiOld = (answer: string) => nineItems.map((_, i) => ({ linkId: `phq-phq9-q0${i + 1}`, answer: coded(answer) }));
  const miiFirst = (answer: string) => nineItems.map((_, i) => ({ linkId: `PHQ-9.${i + 1}`, answer: coded(answer) }));
  const miiTotal = (n: number) => ({ linkId: 'phq-phq9-score-total', answer: [{ valueDecimal: n }] });
  const integerItems = (answers: number[]) => answers.map((v, i) => ({ linkId: `phq${i + 1}`, answer: [{ valueInteger: v }] }));
  const loincItems = (answer: string) => nineItems.map((c) => ({ linkId: `/${c}`, answer: coded(answer) }));
  const loincTotal = (n: number) => ({ linkId: '/44261-6', answer: [{ valueDecimal: n }] });
  const qr = (id: string, status: string, questionnaire: string, item: object[]) => ({
    resourceType: 'QuestionnaireResponse',
    id,
    status,
    subject,
    authored: when,
    questionnaire,
    item,
  });
  it.each<[string, object[], number | undefined]>([
    ['valueQuantity', [obs('44261-6', when, { valueQuantity: { value: 12, code: '{score}' } })], 12],
    ['valueInteger', [obs('44261-6', when, { valueInteger: 14 })], 14],
    ['valueString "12" (the US Core example)', [obs('44261-6', when, { valueString: ' 12 ' })], 12],
    ['valueString that is not a number', [obs('44261-6', when, { valueString: 'moderate' })], undefined],
    [
      'valueCodeableConcept with an ordinalValue',
      [
        obs('44261-6', when, {
          valueCodeableConcept: {
            coding: [{ system: 'urn:local', code: 'x', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/ordinalValue', valueDecimal: 17 }] }],
          },
        }),
      ],
      17,
    ],
    ['valueCodeableConcept whose text is a number', [obs('44261-6', when, { valueCodeableConcept: { text: '9' } })], 9],
    ['a 44249-1 panel with a total component', [obs('44249-1', when, { component: [{ code: cc(SYS.loinc, '44261-6'), valueInteger: 19 }] })], 19],
    [
      'a 44249-1 panel with only its nine item answers (summed)',
      [obs('44249-1', when, { component: nineItems.map((c, i) => item(c, i < 6 ? 'LA6570-1' : 'LA6569-3')) })],
      15,
    ],
    [
      'a 44249-1 panel with eight of nine items (no total)',
      [obs('44249-1', when, { component: nineItems.slice(1).map((c) => item(c, 'LA6571-9')) })],
      undefined,
    ],
    [
      'a panel with a total member',
      [obs('44249-1', when, { hasMember: [{ reference: 'Observation/member-total' }] }), { ...obs('44261-6', when, { valueInteger: 11 }), id: 'member-total' }],
      11,
    ],
    ['a 44249-1 panel carrying its score as valueInteger (US Core screening assessment)', [obs('44249-1', when, { valueInteger: 3 })], 3],
    ['a 44249-1 panel carrying its score as valueQuantity', [obs('44249-1', when, { valueQuantity: { value: 16, code: '{score}' } })], 16],
    ['a 44249-1 panel carrying its score as valueString', [obs('44249-1', when, { valueString: '21' })], 21],
    ['a 44249-1 panel whose own value is 31 is no score', [obs('44249-1', when, { valueInteger: 31 })], undefined],
    [
      'the total coded SNOMED CT 720433000 (SNOMED-first systems)',
      [{ ...obs('44261-6', when, { valueInteger: 15 }), code: cc('http://snomed.info/sct', '720433000') }],
      15,
    ],
    [
      'a total outside 0-27 from items is impossible; a stated 31 is not read as a panel total',
      [obs('44249-1', when, { component: [{ code: cc(SYS.loinc, '44261-6'), valueInteger: 31 }] })],
      undefined,
    ],
    [
      'a QuestionnaireResponse with the /44261-6 total as valueDecimal (US Core)',
      [
        {
          resourceType: 'QuestionnaireResponse',
          id: 'qr1',
          status: 'completed',
          subject,
          authored: when,
          questionnaire: 'http://loinc.org/q/44249-1',
          item: [{ linkId: '/44261-6', answer: [{ valueDecimal: 12 }] }],
        },
      ],
      12,
    ],
    [
      'a QuestionnaireResponse with nine coded item answers and no total',
      [
        {
          resourceType: 'QuestionnaireResponse',
          id: 'qr2',
          status: 'completed',
          subject,
          authored: when,
          item: [{ linkId: 'group', item: nineItems.map((c) => ({ linkId: `/${c}`, answer: [{ valueCoding: { system: SYS.loinc, code: 'LA6569-3' } }] })) }],
        },
      ],
      9,
    ],
    [
      'an in-progress QuestionnaireResponse is not a score',
      [
        {
          resourceType: 'QuestionnaireResponse',
          id: 'qr3',
          status: 'in-progress',
          subject,
          authored: when,
          item: [{ linkId: '44261-6', answer: [{ valueInteger: 20 }] }],
        },
      ],
      undefined,
    ],
    [
      'a 44261-6 total with no value of its own and its nine items as components (summed)',
      [obs('44261-6', when, { component: nineItems.map((c, i) => item(c, i < 6 ? 'LA6570-1' : 'LA6569-3')) })],
      15,
    ],
    [
      'a 44261-6 total of 20 carrying its items as components is read as stated',
      [obs('44261-6', when, { valueQuantity: { value: 20, code: '{score}' }, component: nineItems.map((c) => item(c, 'LA6569-3')) })],
      20,
    ],
    [
      'a 44261-6 total with no value and eight items is no score',
      [obs('44261-6', when, { component: nineItems.slice(1).map((c) => item(c, 'LA6571-9')) })],
      undefined,
    ],
    ['an MII PRO PHQ-9 response with its phq-phq9-score-total', [qr('mii1', 'completed', MII, [...miiItems('phq-phq2', 'LA6571-9'), miiTotal(27)])], 27],
    ['an MII PRO PHQ-9 response of the 2026.4 linkIds (phq-phq9-q01..q09), summed', [qr('mii2', 'completed', MII, miiOld('LA6570-1'))], 18],
    ['an MII PRO PHQ-9 response of the first linkIds (PHQ-9.1..PHQ-9.9), summed', [qr('mii3', 'completed', MII, miiFirst('LA6569-3'))], 9],
    [
      'an MII PRO PHQ-9 response with eight of nine items and no total is no score',
      [qr('mii4', 'completed', MII, miiItems('phq-phq2', 'LA6571-9').slice(1))],
      undefined,
    ],
    [
      'an integer-answer form named phq-9 (linkIds phq1..phq9), summed',
      [qr('int1', 'completed', 'http://example.org/questionnaire/phq-9', integerItems([2, 1, 2, 1, 0, 1, 2, 1, 1]))],
      11,
    ],
    [
      'numbered linkIds in a form not named a PHQ-9 are not read as its items',
      [qr('int2', 'completed', 'http://example.org/questionnaire/mood', integerItems([2, 1, 2, 1, 0, 1, 2, 1, 1]))],
      undefined,
    ],
    ['a stopped form with all nine items answered is their sum', [qr('stop1', 'stopped', 'http://loinc.org/q/44249-1', loincItems('LA6570-1'))], 18],
    [
      'a stopped form with three items answered is no score',
      [qr('stop2', 'stopped', 'http://loinc.org/q/44249-1', loincItems('LA6570-1').slice(6))],
      undefined,
    ],
    [
      'a stopped form is not scored by its running total item',
      [qr('stop3', 'stopped', 'http://loinc.org/q/44249-1', [...loincItems('LA6570-1').slice(6), loincTotal(6)])],
      undefined,
    ],
  ])('%s', (_label, resources, expected) => {
    const scores = indexOf(resources)
      .observations(VS.phq9Total)
      .filter((o) => o.value !== undefined);
    expect(scores[0]?.value).toBe(expected);
  });

  it('a 44249-1 panel whose own value is outside 0-27 is named implausible, not missing', () => {
    const [entry] = indexOf([obs('44249-1', when, { valueInteger: 31 })]).observations(VS.phq9Total);
    expect(entry).toMatchObject({ value: undefined, implausible: 'PHQ-9 total 31 points is implausible: re-score' });
  });

  it('an Observation derived from a QuestionnaireResponse is one score, not two', () => {
    const qr = {
      resourceType: 'QuestionnaireResponse',
      id: 'qr9',
      status: 'completed',
      subject,
      authored: when,
      item: [{ linkId: '/44261-6', answer: [{ valueDecimal: 12 }] }],
    };
    const derived = obs('44261-6', when, { valueInteger: 12 }, { derivedFrom: [{ reference: 'QuestionnaireResponse/qr9' }] });
    expect(indexOf([qr, derived]).observations(VS.phq9Total)).toHaveLength(1);
  });

  it.each<[string, object[], { value: number; unfinished?: true } | undefined]>([
    [
      'item 9 as a component of the 44261-6 total',
      [obs('44261-6', when, { valueInteger: 20, component: nineItems.map((c) => item(c, 'LA6571-9')) })],
      { value: 3 },
    ],
    ['item 9 of an MII PRO PHQ-9 response (phq-phq2i)', [qr('mii9', 'completed', MII, [...miiItems('phq-phq2', 'LA6571-9'), miiTotal(27)])], { value: 3 }],
    [
      'item 9 of an integer-answer form named phq-9',
      [qr('int9', 'completed', 'http://example.org/questionnaire/phq-9', integerItems([0, 0, 0, 0, 0, 0, 0, 0, 2]))],
      { value: 2 },
    ],
    [
      'item 9 of a stopped form with items 1, 2 and 9 answered, marked unfinished',
      [qr('stop9', 'stopped', 'http://loinc.org/q/44249-1', [...loincItems('LA6569-3').slice(0, 2), loincItems('LA6571-9')[8]!])],
      { value: 3, unfinished: true },
    ],
    [
      'item 9 of an in-progress form, marked unfinished',
      [qr('prog9', 'in-progress', 'http://loinc.org/q/44249-1', [loincItems('LA6570-1')[8]!])],
      { value: 2, unfinished: true },
    ],
    ['no item 9 in an entered-in-error form', [qr('err9', 'entered-in-error', 'http://loinc.org/q/44249-1', loincItems('LA6571-9'))], undefined],
  ])('%s', (_label, resources, expected) => {
    const [nine] = indexOf(resources).observations(VS.phq9Item9);
    if (expected === undefined) expect(nine).toBeUndefined();
    else expect({ value: nine?.value, ...(nine?.unfinished ? { unfinished: true } : {}) }).toEqual(expected);
  });

  it('a PHQ-9 form that cannot be scored is named with how many items were answered, never "no PHQ-9"', () => {
    const [stopped] = indexOf([qr('stopA', 'stopped', 'http://loinc.org/q/44249-1', loincItems('LA6569-3').slice(0, 3))]).observations(VS.phq9Total);
    expect(stopped?.unreadable).toMatch(/^PHQ-9 on \d{4}-\d{2}-\d{2} could not be scored \(not finished \(stopped\), 3 of 9 items answered\): repeat it$/);
    const [short] = indexOf([qr('shortA', 'completed', MII, miiItems('phq-phq2', 'LA6569-3').slice(0, 7))]).observations(VS.phq9Total);
    expect(short?.unreadable).toMatch(/could not be scored \(7 of 9 items answered and no total\)/);
  });

  it('a PHQ-2 response (items 1 and 2 only) is no PHQ-9, not one to re-score', () => {
    const phq2 = qr('phq2', 'completed', 'http://loinc.org/q/55757-9', loincItems('LA6569-3').slice(0, 2));
    expect(indexOf([phq2]).observations(VS.phq9Total)).toEqual([]);
  });

  it('a PHQ-9 of 12 given only as a QuestionnaireResponse three days ago is a baseline (EL-4 met)', async () => {
    const { assessResources } = await import('../helpers/record.js');
    const qr = {
      resourceType: 'QuestionnaireResponse',
      id: 'qr10',
      status: 'completed',
      subject,
      authored: when,
      item: [{ linkId: '/44261-6', answer: [{ valueDecimal: 12 }] }],
    };
    const a = assessResources([{ resourceType: 'Patient', id: 'p1', gender: 'male', birthDate: '1970-01-01' } as fhir4.Patient, qr as fhir4.Resource]);
    expect(a.byRule.get('EL-4')).toMatchObject({ status: 'met', evidence: ['QuestionnaireResponse/qr10'] });
  });
});

describe('partial dates are intervals (DS-7, EL-2.2)', () => {
  it.each<[string, string, string, string]>([
    ['a year', '2026', '2026-01-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
    ['a month', '2026-08', '2026-08-01T00:00:00.000Z', '2026-08-31T23:59:59.999Z'],
    ['February of a leap year', '2028-02', '2028-02-01T00:00:00.000Z', '2028-02-29T23:59:59.999Z'],
    ['an instant with a zone', '2026-08-05T10:00:00+02:00', '2026-08-05T08:00:00.000Z', '2026-08-05T08:00:00.000Z'],
  ])('%s', (_label, text, earliest, latest) => {
    const i = parseFhirInterval(text)!;
    expect([i.earliest.toISOString(), i.latest.toISOString()]).toEqual([earliest, latest]);
  });

  it.each<[string, string, boolean | undefined]>([
    ['a month wholly inside the look-back', '2026-11', true],
    ['a month wholly before it', '2026-06', false],
    ['a year that straddles it decides nothing', '2026', undefined],
  ])('within the last 60 days of %s: %s', (_label, text, expected) => {
    expect(withinDaysOf(parseFhirInterval(text), new Date('2026-11-28T00:00:00Z'), 60)).toBe(expected);
  });
});

describe('body weight in every mass unit UCUM names (DS-11)', () => {
  it.each([
    ['kilograms', { value: 80, system: 'http://unitsofmeasure.org', code: 'kg' }, 80],
    ['grams', { value: 80000, system: 'http://unitsofmeasure.org', code: 'g' }, 80],
    ['pounds', { value: 176.37, system: 'http://unitsofmeasure.org', code: '[lb_av]' }, 80],
    ['ounces, as Epic sends them', { value: 2822, unit: 'oz', system: 'http://unitsofmeasure.org', code: '[oz_av]' }, 80],
  ] as const)('%s', (_name, quantity, kg) => {
    expect(weightInKg({ ...quantity })).toBeCloseTo(kg, 0);
  });
  it('an unknown unit is no weight, never a guess', () => {
    expect(weightInKg({ value: 80, code: 'stone' })).toBeUndefined();
  });
});

describe('administrations a day from Timing.repeat, else Timing.code (EL-2.1; FHIR R4 Timing.code)', () => {
  const GTS = 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation';
  const t = knowledge().terminology;
  const perDayOfCode = (code: fhir4.CodeableConcept) => t.ordinal(code, VS.timingFrequencyPerDay);
  it.each<[string, fhir4.Timing, number | undefined]>([
    ['repeat 2 a day', { repeat: { frequency: 2, period: 1, periodUnit: 'd' } }, 2],
    ['repeat with only boundsPeriod and code GTS QD (Oracle Health)', { repeat: { boundsPeriod: { start: '2026-01-01' } }, code: cc(GTS, 'QD') }, 1],
    ['code SNOMED CT 229797004 once daily', { code: cc('http://snomed.info/sct', '229797004') }, 1],
    ['code GTS BID', { code: cc(GTS, 'BID') }, 2],
    ['code SNOMED CT 307439001 four times daily', { code: cc('http://snomed.info/sct', '307439001') }, 4],
    ['code GTS QOD', { code: cc(GTS, 'QOD') }, 0.5],
    ['the structured repeat wins over a code', { repeat: { frequency: 1, period: 1, periodUnit: 'd' }, code: cc(GTS, 'BID') }, 1],
    [
      'a local code only is no frequency',
      { code: { coding: [{ system: 'https://fhir.cerner.com/x/codeSet/4003', code: '696530', display: 'Daily' }], text: 'Daily' } },
      undefined,
    ],
    ['no repeat and no code', {}, undefined],
  ])('%s', (_label, timing, expected) => {
    expect(administrationsPerDay(timing, perDayOfCode)).toBe(expected);
  });
});
