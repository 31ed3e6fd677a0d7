/**
 * trd-cds against a real FHIR R4 server (Medplum's engine in memory, started by the global setup on
 * 127.0.0.1 and loaded with every synthetic patient of test/fixtures/).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { describe, expect, inject, it } from 'vitest';
import type { CdsResponse } from '../../src/cds-hooks/protocol.js';
import { KEY_TYPES } from '../../cds-services/assessment/prefetch.js';
import { FIXTURE_SCENARIOS, toTransactionBundle } from '../builders/fixture-scenarios.js';
import { ketamineDraft } from '../builders/drafts.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';
import { buildTestApp, TEST_NOW } from '../helpers/app.js';
import { loadThresholds } from '../../cds-services/assessment/thresholds.js';
import { expectValidCards } from '../helpers/card-invariants.js';
import { fhirBase, type RecordedRequest, type Session } from '../helpers/fhir-test-server.js';
import { allFixtures, readFixture, type Fixture } from '../helpers/fixtures.js';
import { realServices } from '../helpers/knowledge.js';

const origin = inject('fhirServerOrigin');
// Long enough that a paged 300-resource record is read whole on a busy 2-core machine: 500 ms per query timed
// out there and made the prefetched-vs-fetched comparisons differ. The fault cases still answer within the budget.
const BUDGET_MS = 10000;
const services = realServices();
const { app, logs } = buildTestApp({ services, env: { FHIR_QUERY_TIMEOUT_MS: '4000', FHIR_CALL_BUDGET_MS: String(BUDGET_MS) } });
const KEYS = Object.keys(KEY_TYPES);

type Hook = 'patient-view' | 'order-sign';

interface Call {
  hook?: Hook;
  /** Omitted: no prefetch at all. */
  prefetch?: Record<string, unknown>;
  /** Omitted: no fhirServer. */
  session?: Session;
  token?: string;
}

async function call(fixture: Fixture, c: Call): Promise<{ status: number; body: CdsResponse & { issue?: unknown[] }; elapsedMs: number }> {
  const hook = c.hook ?? 'patient-view';
  const context: Record<string, unknown> = { userId: 'Practitioner/1', patientId: fixture.patientId };
  if (hook === 'order-sign') context['draftOrders'] = bundle([ketamineDraft(40)]);
  const started = performance.now();
  const res = await request(app)
    .post(`/cds-services/trd-${hook}`)
    .send({
      hook,
      hookInstance: randomUUID(),
      context,
      ...(c.prefetch ? { prefetch: c.prefetch } : {}),
      ...(c.session ? { fhirServer: fhirBase(origin, c.session) } : {}),
      ...(c.session && c.token
        ? { fhirAuthorization: { access_token: c.token, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'trd-cds' } }
        : {}),
    });
  const elapsedMs = performance.now() - started;
  if (res.status === 200) expectValidCards((res.body as CdsResponse).cards);
  return { status: res.status, body: res.body as CdsResponse, elapsedMs };
}

/** What the service concluded, without the per-call identifiers (card and suggestion uuids). */
function conclusion(body: CdsResponse): unknown {
  return JSON.parse(
    JSON.stringify({ cards: body.cards, assessment: body.extension?.['org.trdcds.assessment'] }).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      '<uuid>',
    ),
  );
}

interface SlimFinding {
  rule: string;
  status: string;
  missing?: string[];
}
function rule(body: CdsResponse, id: string): SlimFinding {
  const a = body.extension!['org.trdcds.assessment'] as { criteria: SlimFinding[]; findings: SlimFinding[] };
  return [...a.criteria, ...a.findings].find((f) => f.rule === id) ?? { rule: id, status: 'not-met' };
}

async function requestsOf(tag: string): Promise<RecordedRequest[]> {
  return (await fetch(`${origin}/_requests/${tag}`)).json() as Promise<RecordedRequest[]>;
}

const fixtures = allFixtures();
const clean = readFixture('clean-trd-candidate');
const everyKey = readFixture('trials-from-orders-dispenses-and-administrations');

describe('synthetic patients in test/fixtures/', () => {
  it("are the builders' scenarios, one file each (regenerate: npx tsx scripts/make-fixtures.ts)", () => {
    expect(fixtures.map((f) => f.name)).toEqual(Object.keys(FIXTURE_SCENARIOS).sort());
    for (const f of fixtures) expect(f.bundle, f.name).toEqual(toTransactionBundle(f.name, FIXTURE_SCENARIOS[f.name]!.build()));
  });

  it('are served by a FHIR R4 server that states its capabilities', async () => {
    const metadata = (await (await fetch(`${fhirBase(origin)}/metadata`)).json()) as fhir4.CapabilityStatement;
    expect(metadata).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
  });

  it('between them use every prefetch key', () => {
    const types = new Set(fixtures.flatMap((f) => f.resources.map((r) => r.resourceType)));
    expect([...types].sort()).toEqual([
      'AllergyIntolerance',
      'Condition',
      'Device',
      'Medication',
      'MedicationAdministration',
      'MedicationDispense',
      'MedicationRequest',
      'MedicationStatement',
      'Observation',
      'Patient',
      'Procedure',
    ]);
  });
});

describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (name, fixture) => {
  const expected = FIXTURE_SCENARIOS[name]!.expect;

  it('is assessed as its scenario says, from full prefetch', async () => {
    const { status, body } = await call(fixture, { prefetch: prefetchFor(fixture.resources) });
    expect(status).toBe(200);
    for (const [id, s] of Object.entries(expected.rules ?? {})) expect(rule(body, id).status, id).toBe(s);
    const modalities = (body.extension!['org.trdcds.assessment'] as { modalities: Record<string, { status: string }> }).modalities;
    for (const [m, v] of Object.entries(expected.verdicts ?? {})) expect(modalities[m]!.status, m).toBe(v);
  });

  it.each<Hook>(['patient-view', 'order-sign'])('%s: the same assessment and cards whether the record is prefetched or fetched', async (hook) => {
    const prefetched = await call(fixture, { hook, prefetch: prefetchFor(fixture.resources) });
    const fetched = await call(fixture, { hook, session: {}, token: 'token' });
    expect(fetched.status).toBe(200);
    expect(conclusion(fetched.body)).toEqual(conclusion(prefetched.body));
  });
});

describe('per-key resolution against the FHIR server', () => {
  const full = () => prefetchFor(everyKey.resources);

  it.each(KEYS)('prefetch without %s: only that key is fetched, and the assessment is unchanged', async (key) => {
    const tag = randomUUID();
    const { [key]: _left, ...partial } = full();
    const expected = await call(everyKey, { prefetch: full() });
    const result = await call(everyKey, { prefetch: partial, session: { tag }, token: 'token' });
    expect(conclusion(result.body)).toEqual(conclusion(expected.body));
    const requests = await requestsOf(tag);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toMatch(new RegExp(`/fhir/${KEY_TYPES[key]![0]}[/?]`));
  });

  it('an OperationOutcome key is fetched again; without a server that data is unknown and the card asks for it', async () => {
    const failed = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] };
    const expected = await call(clean, { prefetch: prefetchFor(clean.resources) });
    const refetched = await call(clean, { prefetch: { ...prefetchFor(clean.resources), observations: failed }, session: {} });
    expect(conclusion(refetched.body)).toEqual(conclusion(expected.body));

    const { body } = await call(clean, { prefetch: { ...prefetchFor(clean.resources), observations: failed } });
    expect(rule(body, 'EL-4')).toMatchObject({
      status: 'unknown',
      missing: [expect.stringMatching(/^observations \(the EHR reported its prefetch query failed/)],
    });
    expect(rule(body, 'CI-6').status).toBe('unknown');
    expect(body.cards.some((c) => /missing|unknown|unavailable/i.test(c.summary))).toBe(true);
  });

  it('a null key means "looked, none": no fetch, and what it would show is absent, not unknown', async () => {
    const tag = randomUUID();
    const { body } = await call(clean, { prefetch: { ...prefetchFor(clean.resources), observations: null }, session: { tag } });
    expect(await requestsOf(tag)).toEqual([]);
    expect(rule(body, 'EL-4').status).toBe('not-met');
  });

  it('follows paging links: a long record served 25 to a page gives the same assessment', async () => {
    const long = readFixture('long-history-trd-candidate');
    const tag = randomUUID();
    const expected = await call(long, { prefetch: prefetchFor(long.resources) });
    const paged = await call(long, { session: { tag, pageSize: 25 }, token: 'token' });
    expect(conclusion(paged.body)).toEqual(conclusion(expected.body));
    expect((await requestsOf(tag)).filter((r) => r.url.includes('_offset=')).length).toBeGreaterThan(3);
  });

  it('asks observations only from the date floor (a long record does not page through decades), medications with their Medications', async () => {
    const tag = randomUUID();
    await call(clean, { session: { tag }, token: 'token' });
    const floorDays = loadThresholds().reading.observationSearchFloorDays.value;
    const floor = new Date(Date.parse(TEST_NOW) - floorDays * 86_400_000).toISOString().slice(0, 10);
    const urls = (await requestsOf(tag)).map((r) => decodeURIComponent(r.url));
    expect(urls.filter((u) => u.includes('/Observation?'))).toEqual([expect.stringContaining(`&_sort=-date&_count=200&date=ge${floor}`)]);
    expect(urls.filter((u) => u.includes('/MedicationRequest?'))).toEqual([expect.stringContaining('_include=MedicationRequest:medication')]);
  });

  it('a prefetched first page with a next link is completed from the server', async () => {
    const long = readFixture('long-history-trd-candidate');
    const firstPage = (await (await fetch(`${fhirBase(origin, { pageSize: 25 })}/Observation?patient=${long.patientId}`)).json()) as fhir4.Bundle;
    expect(firstPage.link?.some((l) => l.relation === 'next')).toBe(true);
    const expected = await call(long, { prefetch: prefetchFor(long.resources) });
    const result = await call(long, { prefetch: { ...prefetchFor(long.resources), observations: firstPage }, session: { pageSize: 25 } });
    expect(conclusion(result.body)).toEqual(conclusion(expected.body));
  });

  it("sends the EHR's token on every request and writes it in no log line", async () => {
    const tag = randomUUID();
    const token = `secret-${randomUUID()}`;
    const long = readFixture('long-history-trd-candidate');
    logs.lines.length = 0;
    await call(long, { session: { tag, pageSize: 50 }, token });
    const requests = await requestsOf(tag);
    expect(requests.length).toBeGreaterThan(KEYS.length); // every key, plus the pages
    expect(requests.every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.text).not.toContain(token);
  });

  it("keeps each call's token to its own requests when calls share a server, and sends none for a call without one", async () => {
    const tag = randomUUID();
    const [a, b] = [`secret-a-${randomUUID()}`, `secret-b-${randomUUID()}`];
    const long = readFixture('long-history-trd-candidate');
    await Promise.all([call(long, { session: { tag }, token: a }), call(long, { session: { tag }, token: b })]);
    await call(long, { session: { tag } });
    const count = new Map<string | undefined, number>();
    for (const r of await requestsOf(tag)) count.set(r.authorization, (count.get(r.authorization) ?? 0) + 1);
    const perCall = count.get(`Bearer ${a}`);
    expect(perCall).toBeGreaterThanOrEqual(KEYS.length);
    expect(Object.fromEntries(count)).toEqual({ [`Bearer ${a}`]: perCall, [`Bearer ${b}`]: perCall, undefined: perCall });
  });
});

describe('drugs named by medicationReference to a separate Medication (revision-2 DS-5)', () => {
  const byReference = readFixture('trials-named-by-medication-reference');
  const medicationIds = byReference.resources.filter((r) => r.resourceType === 'Medication').map((r) => r.id);
  /** Full prefetch whose statements name Medications the prefetch does not carry (no _include). */
  const withoutMedications = () => {
    const p = prefetchFor(byReference.resources);
    const statements = p['medicationStatements'] as fhir4.Bundle;
    return { ...p, medicationStatements: { ...statements, entry: statements.entry!.filter((e) => e.resource?.resourceType !== 'Medication') } };
  };

  it('fetched from a server that honours _include: the Medications ride along, no extra read, and the trials are identified', async () => {
    const tag = randomUUID();
    const { status, body } = await call(byReference, { session: { tag }, token: 'token' });
    expect(status).toBe(200);
    expect(rule(body, 'EL-2').status).toBe('met');
    const urls = (await requestsOf(tag)).map((r) => decodeURIComponent(r.url));
    expect(urls.filter((u) => /\/Medication\//.test(u))).toEqual([]);
    expect(urls.filter((u) => u.includes('/MedicationStatement?'))).toEqual([expect.stringContaining('_include=MedicationStatement:medication')]);
  });

  it('fetched from a server that ignores _include: each referenced Medication is read once, with the token', async () => {
    const tag = randomUUID();
    const { status, body } = await call(byReference, { session: { tag, noInclude: true }, token: 'token' });
    expect(status).toBe(200);
    expect(rule(body, 'EL-2').status).toBe('met');
    const reads = (await requestsOf(tag)).filter((r) => /\/Medication\//.test(r.url)).map((r) => r.url.replace(/^.*\/fhir\//, ''));
    expect(reads.sort()).toEqual(medicationIds.map((id) => `Medication/${id}`).sort());
    expect((await requestsOf(tag)).every((r) => r.authorization === 'Bearer token')).toBe(true);
  });

  it('prefetched without the Medications and a fhirServer: only the Medications are read', async () => {
    const tag = randomUUID();
    const { body } = await call(byReference, { prefetch: withoutMedications(), session: { tag }, token: 'token' });
    expect(rule(body, 'EL-2').status).toBe('met');
    expect((await requestsOf(tag)).map((r) => r.url.replace(/^.*\/fhir\//, '')).sort()).toEqual(medicationIds.map((id) => `Medication/${id}`).sort());
  });

  it.each<[string, (id: string, base: string) => string, string]>([
    ['absolute URLs under the fhirServer base are read', (id, base) => `${base}/Medication/${id}`, 'met'],
    ['absolute URLs on another server are never requested: unknown', (id) => `https://elsewhere.example.org/fhir/Medication/${id}`, 'unknown'],
  ])('prefetched statements naming their Medications by %s', async (_label, url, el2) => {
    const tag = randomUUID();
    const prefetch = withoutMedications();
    const statements = prefetch.medicationStatements.entry!.map((e) => {
      const r = e.resource as fhir4.MedicationStatement;
      const reference = r.medicationReference ? url(r.medicationReference.reference!.split('/')[1]!, fhirBase(origin, { tag })) : undefined;
      return reference ? { ...r, medicationReference: { reference } } : r;
    });
    const { body } = await call(byReference, { prefetch: { ...prefetch, medicationStatements: bundle(statements) }, session: { tag }, token: 'token' });
    expect(rule(body, 'EL-2').status).toBe(el2);
    const reads = (await requestsOf(tag)).map((r) => r.url.replace(/^.*\/fhir\//, ''));
    expect(reads.sort()).toEqual(el2 === 'met' ? medicationIds.map((id) => `Medication/${id}`).sort() : []);
  });

  it('prefetched without the Medications and no fhirServer: the trials are unknown, never "no antidepressant"', async () => {
    const { status, body } = await call(byReference, { prefetch: withoutMedications() });
    expect(status).toBe(200);
    expect(rule(body, 'EL-2').status).toBe('unknown');
  });

  it('a Medication the server cannot find leaves that trial unknown, not absent', async () => {
    const prefetch = withoutMedications();
    const statements = prefetch.medicationStatements.entry!.map((e) => e.resource as fhir4.MedicationStatement);
    const gone = { ...statements[0]!, medicationReference: { reference: 'Medication/no-such-medication' } };
    const { body } = await call(byReference, {
      prefetch: { ...prefetch, medicationStatements: bundle([gone, ...statements.slice(1)]) },
      session: {},
      token: 'token',
    });
    expect(rule(body, 'EL-2').status).toBe('unknown');
  });
});

describe('a failing FHIR server: the service answers within its budget, with the affected criteria unknown', () => {
  it.each<[string, Session['fault'], string[]]>([
    ['401 on every request', { kind: 'unauthorized', resourceType: '*' }, ['EL-1', 'EL-2', 'EL-4', 'CI-2', 'CI-4']],
    ['500 for observations', { kind: 'server-error', resourceType: 'Observation' }, ['EL-4', 'EL-5', 'CI-6']],
    ['malformed JSON for medication statements', { kind: 'malformed', resourceType: 'MedicationStatement' }, ['EL-2']],
    ['no answer for conditions', { kind: 'hang', resourceType: 'Condition' }, ['EL-1', 'CI-2', 'CI-3']],
  ])('%s', async (_label, fault, unknownRules) => {
    const { status, body, elapsedMs } = await call(clean, { session: { fault }, token: 'token' });
    expect(status).toBe(200);
    expect(elapsedMs).toBeLessThan(BUDGET_MS + 1000);
    for (const id of unknownRules) expect(rule(body, id).status, id).toBe('unknown');
    expect(body.cards.length).toBeGreaterThan(0); // the clinician is told, never shown an empty "all clear"
  });
});

describe('when the data cannot be had at all', () => {
  it('412 naming the missing keys without prefetch or fhirServer', async () => {
    const { status, body } = await call(clean, {});
    expect(status).toBe(412);
    expect(JSON.stringify(body)).toContain('prefetch.patient');
  });

  it('412, an error log line and no request for a fhirServer outside the allowlist', async () => {
    const strict = buildTestApp({ services, env: { FHIR_SERVER_ALLOWLIST: 'https://ehr.example.org/fhir' } });
    const tag = randomUUID();
    const res = await request(strict.app)
      .post('/cds-services/trd-patient-view')
      .send({
        hook: 'patient-view',
        hookInstance: randomUUID(),
        context: { userId: 'Practitioner/1', patientId: clean.patientId },
        fhirServer: fhirBase(origin, { tag }),
      });
    expect(res.status).toBe(412);
    expect(await requestsOf(tag)).toEqual([]);
    expect(strict.logs.records.some((r) => r['level'] === 50)).toBe(true);
  });
});
