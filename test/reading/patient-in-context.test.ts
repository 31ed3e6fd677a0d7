/**
 * Only the patient in context: a resource naming another patient never reaches a rule, whether the
 * EHR prefetched it or the FHIR server returned it. It is counted, logged without ids, and named in
 * the assessment extension.
 */
import request from 'supertest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { projectRoot } from '../../src/paths.js';
import type { FhirReader } from '../../src/fhir/client.js';
import { belongingOf, keepContextPatient } from '../../src/fhir/patient-compartment.js';
import { buildTestApp } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';

const services = realServices();
const schizophrenia = { coding: [{ system: 'http://snomed.info/sct', code: '58214004', display: 'Schizophrenia' }] };
const active = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] };
const MRN = 'http://hospital.example.org/mrn';
const condition = (id: string, subject: unknown) => ({
  resourceType: 'Condition',
  id,
  clinicalStatus: active,
  code: schizophrenia,
  ...(subject === undefined ? {} : { subject }),
});

describe('whose resource it is', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['relative reference to the context patient', condition('c', { reference: 'Patient/p1' }), 'context-patient'],
    ['absolute reference on the server', condition('c', { reference: 'https://ehr.example.org/fhir/Patient/p1' }), 'context-patient'],
    ['absolute reference on the server, host in capitals and http', condition('c', { reference: 'http://EHR.example.org/fhir/Patient/p1' }), 'context-patient'],
    [
      'absolute reference on the base a Bundle fullUrl gave the patient',
      condition('c', { reference: 'https://hie.example/r4/Patient/p1/_history/2' }),
      'context-patient',
    ],
    ['the same id on another server', condition('c', { reference: 'https://other-hospital.example/fhir/Patient/p1' }), 'other-patient'],
    ['the same id on another path of the same host', condition('c', { reference: 'https://ehr.example.org/fhir2/Patient/p1' }), 'other-patient'],
    ['the same id on another port of the same host', condition('c', { reference: 'https://ehr.example.org:8443/fhir/Patient/p1' }), 'other-patient'],
    ['versioned reference', condition('c', { reference: 'Patient/p1/_history/3' }), 'context-patient'],
    ['another patient', condition('c', { reference: 'Patient/p2' }), 'other-patient'],
    ['an id that only starts like the context patient', condition('c', { reference: 'Patient/p10' }), 'other-patient'],
    ['a Group as subject', condition('c', { reference: 'Group/ward-3' }), 'other-patient'],
    ['a urn:uuid the Bundle does not alias to the patient', condition('c', { reference: 'urn:uuid:2b1c' }), 'other-patient'],
    ['a urn:uuid the Bundle aliases to the patient', condition('c', { reference: 'urn:uuid:9f00' }), 'context-patient'],
    ['a urn:uuid that is the patient id itself (Synthea)', condition('c', { reference: 'urn:uuid:p1' }), 'context-patient'],
    ["an identifier-only subject with the patient's MRN", condition('c', { identifier: { system: MRN, value: '12345' } }), 'context-patient'],
    ['an identifier-only subject with another MRN', condition('c', { identifier: { system: MRN, value: '99999' }, display: 'Someone Else' }), 'other-patient'],
    ['an identifier in a system the patient has none in', condition('c', { identifier: { system: 'urn:oid:1.2.3', value: '12345' } }), 'unattributable'],
    ['an identifier with no system', condition('c', { identifier: { value: '12345' } }), 'unattributable'],
    ['a subject with only a display', condition('c', { display: 'Someone Else' }), 'unattributable'],
    ['no subject at all', condition('c', undefined), 'unattributable'],
    ['the Patient resource of another id', { resourceType: 'Patient', id: 'p2' }, 'other-patient'],
    ['the context Patient', { resourceType: 'Patient', id: 'p1' }, 'context-patient'],
    ['a Medication (about no patient)', { resourceType: 'Medication', id: 'm1' }, 'unattributed'],
    ['a Device naming another patient', { resourceType: 'Device', id: 'd', patient: { reference: 'Patient/p2' } }, 'other-patient'],
    ['an AllergyIntolerance naming another patient', { resourceType: 'AllergyIntolerance', id: 'a', patient: { reference: 'Patient/p2' } }, 'other-patient'],
  ])('%s', (_label, resource, expected) => {
    const known = {
      aliases: new Set(['urn:uuid:9f00', 'https://hie.example/r4/Patient/p1']),
      identifiers: new Map([[MRN, new Set(['12345'])]]),
      serverBase: 'https://ehr.example.org/fhir/',
    };
    expect(belongingOf(resource as unknown as fhir4.Resource, 'p1', known)).toBe(expected);
  });

  it('takes an absolute reference as the patient in context only when the call names its server', () => {
    const c = condition('c', { reference: 'https://ehr.example.org/fhir/Patient/p1' }) as unknown as fhir4.Resource;
    expect(belongingOf(c, 'p1')).toBe('other-patient');
    expect(belongingOf(c, 'p1', { serverBase: 'https://ehr.example.org/fhir' })).toBe('context-patient');
  });

  it('counts what it leaves out (by type for other patients), keeping the order of the rest', () => {
    const list = [
      condition('a', { reference: 'Patient/p1' }),
      condition('b', { reference: 'Patient/p2' }),
      { resourceType: 'Device', id: 'd', patient: { reference: 'Patient/p3' } },
      condition('c', undefined),
    ];
    const r = keepContextPatient(list as fhir4.Resource[], 'p1');
    expect(r.kept.map((x) => x.id)).toEqual(['a']);
    expect(r).toMatchObject({ otherPatient: 2, otherPatientTypes: ['Condition', 'Device'], unattributable: 1 });
  });
});

const patientView = (extra: Record<string, unknown>) => ({
  hook: 'patient-view',
  hookInstance: '5b7c1a52-8f0e-4c6b-9d0e-1f2a3b4c5d6e',
  context: { userId: 'Practitioner/1', patientId: 'p1' },
  ...extra,
});
const patient = { resourceType: 'Patient', id: 'p1', gender: 'male', birthDate: '1974-05-01' };
const searchset = (resources: object[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });

/**
 * An outside tester's request (test/fixtures/findings/README.md) replayed as sent, to the service and at
 * the clock the tester noted (`_hook`, `_now`) unless given.
 */
async function replayFinding(name: string, service?: string, now?: string) {
  const body = JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/findings', `${name}.request.json`), 'utf8'));
  const { app } = buildTestApp({ services, clock: fixedClock(now ?? body._now) });
  return request(app)
    .post(`/cds-services/${service ?? body._hook}`)
    .send(body)
    .expect(200);
}

describe("another patient's psychosis in the data (the sandbox case)", () => {
  // The smallest input that showed the bug: one Condition of patient p2 in p1's prefetch.
  it('another-patients-psychosis-in-prefetch-is-left-out', async () => {
    const { app, logs } = buildTestApp({ services });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send(patientView({ prefetch: { patient, conditions: searchset([condition('theirs', { reference: 'Patient/p2' })]) } }))
      .expect(200);
    const assessment = res.body.extension['org.trdcds.assessment'];
    expect(assessment.findings.find((f: { rule: string }) => f.rule === 'CI-2')).toBeUndefined(); // not met, not unknown
    expect(JSON.stringify(res.body)).not.toContain('Condition/theirs');
    expect(assessment.excluded).toEqual({ otherPatient: { count: 1, types: ['Condition'] } });
    const line = logs.records.find((r) => r['msg'] === 'request')!;
    expect(line['otherPatientResources']).toEqual([{ key: 'conditions', count: 1, types: ['Condition'] }]);
    expect(logs.text).not.toContain('p2');
    expect(logs.text).not.toContain('theirs');
  });

  it("the patient's own psychosis is still read beside another patient's", async () => {
    const { app } = buildTestApp({ services });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send(
        patientView({
          prefetch: { patient, conditions: searchset([condition('theirs', { reference: 'Patient/p2' }), condition('mine', { reference: 'Patient/p1' })]) },
        }),
      )
      .expect(200);
    const ci2 = res.body.extension['org.trdcds.assessment'].findings.find((f: { rule: string }) => f.rule === 'CI-2');
    expect(ci2).toMatchObject({ status: 'met', evidence: ['Condition/mine'] });
  });

  it('another patient answered by the FHIR server is left out too', async () => {
    const readerFor = (): FhirReader => ({
      read: async (url) => {
        if (url.startsWith('Patient/')) return patient as fhir4.Resource;
        if (url.startsWith('Condition')) return searchset([condition('theirs', { reference: 'Patient/p2' })]) as fhir4.Resource;
        return searchset([]) as fhir4.Resource;
      },
    });
    const { app } = buildTestApp({ services, readerFor });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send(patientView({ fhirServer: 'http://127.0.0.1:9/fhir' }))
      .expect(200);
    const assessment = res.body.extension['org.trdcds.assessment'];
    expect(assessment.findings.find((f: { rule: string }) => f.rule === 'CI-2')).toBeUndefined();
    expect(assessment.excluded).toEqual({ otherPatient: { count: 1, types: ['Condition'] } });
  });

  it('a prefetched Patient of another id is left out, so the required patient is unknown, not theirs', async () => {
    const { app } = buildTestApp({ services });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send(patientView({ prefetch: { patient: { ...patient, id: 'p2', birthDate: '2015-01-01' }, conditions: null } }))
      .expect(200);
    const el6 = res.body.extension['org.trdcds.assessment'].criteria.find((f: { rule: string }) => f.rule === 'EL-6');
    expect(el6.status).toBe('unknown');
  });
});

describe('subjects written urn:uuid:<Patient.id> (Synthea), across prefetch keys', () => {
  // An outside tester's smallest input (test/fixtures/findings/README.md): the Patient in its own key, every
  // Condition and Observation naming it as `urn:uuid:<id>`; esketamine signed for a pregnant woman got no CI-4 card.
  it('synthea-urn-uuid-subjects-pregnant-woman-signs-esketamine', async () => {
    const res = await replayFinding('urn-uuid-subjects-pregnant-esketamine', 'trd-order-sign', '2026-11-30T00:10:00Z');
    const critical = res.body.cards.filter((c: { indicator: string }) => c.indicator === 'critical');
    expect(critical.map((c: { summary: string }) => c.summary)).toEqual([expect.stringContaining('pregnancy (CI-4)')]);
    expect(res.body.extension?.['org.trdcds.assessment']?.excluded).toBeUndefined();
  });

  // An outside tester's smallest input (test/fixtures/findings/README.md): the HL7 SHIFT demo patient (MRN 12345)
  // and a BP of 192/121 whose subject is MRN 99999 by identifier: it gave this patient critical CI-6 cards.
  it('bp-of-another-mrn-by-identifier-is-left-out', async () => {
    const res = await replayFinding('bp-of-another-mrn-by-identifier', 'trd-patient-view', '2026-11-30T02:00:00Z');
    const assessment = res.body.extension['org.trdcds.assessment'];
    expect(assessment.findings.find((f: { rule: string }) => f.rule === 'CI-6')).toMatchObject({ status: 'unknown' });
    expect(res.body.cards.map((c: { indicator: string }) => c.indicator)).not.toContain('critical');
    expect(JSON.stringify(res.body)).not.toContain('192/121');
    expect(assessment.excluded).toEqual({ otherPatient: { count: 1, types: ['Observation'] } });
  });

  // Attacker's finding: Patient p1 carried under the fullUrl '.../Patient/p2' made p2's BP of 195/125 p1's (critical CI-6).
  it('a-patient-under-a-fullurl-naming-another-patient-id-aliases-nobody', async () => {
    const res = await replayFinding('restful-fullurl-names-another-patient');
    expect(res.body.cards.map((c: { indicator: string }) => c.indicator)).not.toContain('critical');
    expect(res.body.extension['org.trdcds.assessment'].excluded).toEqual({ otherPatient: { count: 1, types: ['Observation'] } });
  });

  // An outside tester's smallest input (test/fixtures/findings/README.md): the patient's own BP 124/78 and a BP of
  // 186/114 whose subject is `https://other-hospital.example/fhir/Patient/p7`, the same id on another server: it gave
  // this patient critical CI-6 cards.
  it('absolute-subject-on-another-server-same-id-is-left-out', async () => {
    const res = await replayFinding('absolute-subject-on-another-server-same-id');
    const assessment = res.body.extension['org.trdcds.assessment'];
    expect(res.body.cards.map((c: { indicator: string }) => c.indicator)).not.toContain('critical');
    expect(JSON.stringify(res.body)).not.toContain('186/114');
    expect(JSON.stringify(res.body.cards)).toContain('BP 124/78 mmHg');
    expect(assessment.excluded).toEqual({ otherPatient: { count: 1, types: ['Observation'] } });
  });

  it("the same reading with the subject on the call's own fhirServer is the patient's", async () => {
    const body = JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/findings/absolute-subject-on-another-server-same-id.request.json'), 'utf8'));
    const bp = body.prefetch.observations.entry.find((e: { resource: { id: string } }) => e.resource.id === 'bp-foreign').resource;
    bp.subject.reference = 'https://ehr.example.org/fhir/Patient/p7';
    const { app } = buildTestApp({ services, clock: fixedClock(body._now) });
    const res = await request(app).post('/cds-services/trd-patient-view').send(body).expect(200);
    const critical = res.body.cards.filter((c: { indicator: string }) => c.indicator === 'critical');
    expect(critical.map((c: { summary: string }) => c.summary)).toEqual([expect.stringContaining('BP 186/114 mmHg')]);
    expect(res.body.extension['org.trdcds.assessment'].excluded).toBeUndefined();
  });

  it('a reading that names no patient is not read, and the TRD card says records were left out', async () => {
    const { app } = buildTestApp({ services });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send(
        patientView({
          prefetch: {
            patient,
            conditions: searchset([
              { ...condition('mdd', { reference: 'Patient/p1' }), code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F33.1' }] } },
              condition('whose', { display: 'Someone Else' }),
            ]),
          },
        }),
      )
      .expect(200);
    const assessment = res.body.extension['org.trdcds.assessment'];
    expect(assessment.findings.find((f: { rule: string }) => f.rule === 'CI-2')).toBeUndefined();
    expect(assessment.excluded).toEqual({ unattributable: 1 });
    expect(JSON.stringify(res.body.cards)).toContain('Not read: 1 record naming no patient');
  });
});
