import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPrefetchTemplate, renderPrefetchTemplate } from '../../src/cds-hooks/prefetch-template.js';
import { PreconditionFailed } from '../../src/errors.js';
import { createFhirReader } from '../../src/fhir/client.js';
import { gatherData, REFERENCED_MEDICATIONS_KEY, type GatherInput } from '../../src/fhir/gather.js';
import { isAllowedFhirServer } from '../../src/fhir/server-allowlist.js';
import { closeNow, listenOnLoopback } from '../helpers/loopback.js';

describe('SSRF guard: FHIR_SERVER_ALLOWLIST', () => {
  it.each<[string, string[], boolean, boolean]>([
    ['loopback in development with no list', [], false, true],
    ['loopback in production with no list', [], true, false],
    ['a remote server with no list', [], false, false],
    ['a listed prefix', ['https://ehr.example.org/fhir'], true, true],
    ['a deeper path under a listed prefix', ['https://ehr.example.org/fhir'], true, true],
    ['a lookalike path outside the prefix', ['https://ehr.example.org/fhir'], true, false],
    ['a lookalike host', ['https://ehr.example.org'], true, false],
  ])('%s', (label, list, production, expected) => {
    const url = {
      'loopback in development with no list': 'http://127.0.0.1:9090/fhir',
      'loopback in production with no list': 'http://localhost:9090/fhir',
      'a remote server with no list': 'https://ehr.example.org/fhir',
      'a listed prefix': 'https://ehr.example.org/fhir',
      'a deeper path under a listed prefix': 'https://ehr.example.org/fhir/r4',
      'a lookalike path outside the prefix': 'https://ehr.example.org/fhir-evil',
      'a lookalike host': 'https://ehr.example.org.evil.com/fhir',
    }[label]!;
    expect(isAllowedFhirServer(url, list, production)).toBe(expected);
  });
});

describe('prefetch templates', () => {
  it.each([
    ['Patient/{{context.patientId}}', { patientId: 'p 1' }, 'Patient/p%201'],
    ['Condition?patient={{context.patientId}}', { patientId: 'abc' }, 'Condition?patient=abc'],
    ['Practitioner/{{userPractitionerId}}', { userId: 'Practitioner/42' }, 'Practitioner/42'],
    ['Encounter/{{context.encounterId}}', { patientId: 'abc' }, undefined],
  ])('%s renders', (template, context, expected) => {
    expect(renderPrefetchTemplate(template, context)).toBe(expected);
  });

  it('start-up checks reject bad shapes and unknown tokens', () => {
    expect(checkPrefetchTemplate('patient-view', 'Condition?patient={{context.patientId}}')).toEqual([]);
    expect(checkPrefetchTemplate('patient-view', 'not a query')).not.toEqual([]);
    expect(checkPrefetchTemplate('patient-view', 'Condition?patient={{context.draftOrders}}')).not.toEqual([]);
    expect(checkPrefetchTemplate('patient-view', 'Condition?patient={{patient.id}}')).not.toEqual([]);
  });
});

/** A stub FHIR server on loopback whose answers each test chooses per resource type. */
type Handler = (req: IncomingMessage, url: URL) => { status?: number; body?: unknown; raw?: string; delayMs?: number } | 'hang';
let server: Server;
let base: string;
let handler: Handler;
const seen: { url: string; authorization?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, base);
    seen.push({ url: url.pathname + url.search, authorization: req.headers.authorization });
    const answer = handler(req, url);
    if (answer === 'hang') return;
    setTimeout(() => {
      res.statusCode = answer.status ?? 200;
      res.setHeader('content-type', 'application/fhir+json');
      res.end(answer.raw ?? JSON.stringify(answer.body));
    }, answer.delayMs ?? 0);
  });
  base = `http://127.0.0.1:${await listenOnLoopback(server)}/fhir`;
});
afterAll(() => closeNow(server));

/** The patient in context: a stub's resources name it, or gather leaves them out as unattributable. */
const P1 = { reference: 'Patient/p1' };

const searchset = (resources: object[], next?: string) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
  ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
});

const searchsetOf = (resources: object[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });
const templates = {
  patient: 'Patient/{{context.patientId}}',
  conditions: 'Condition?patient={{context.patientId}}',
  observations: 'Observation?patient={{context.patientId}}',
};
const settings = { serverAllowlist: [], production: false, queryTimeoutMs: 300, callBudgetMs: 1000, maxPages: 3 };
const input = (o: Partial<GatherInput> = {}): GatherInput => ({
  templates,
  required: ['patient', 'conditions'],
  prefetch: undefined,
  context: { patientId: 'p1' },
  fhirServer: base,
  accessToken: 'secret-token-123',
  ...o,
});
const gather = (o?: Partial<GatherInput>) => gatherData(input(o), { settings, readerFor: createFhirReader });

describe('gathering data per prefetch key', () => {
  it('fetches every missing key in parallel, with the access token on each request', async () => {
    seen.length = 0;
    handler = (_req, url) =>
      url.pathname.endsWith('/Patient/p1')
        ? { body: { resourceType: 'Patient', id: 'p1' }, delayMs: 150 }
        : { body: searchset([{ resourceType: 'Condition', id: 'c1', subject: P1 }]), delayMs: 150 };
    const started = Date.now();
    const { data, timings } = await gather();
    expect(Date.now() - started).toBeLessThan(400); // three 150 ms queries took one round, not three
    expect(data['patient']).toMatchObject({ known: true, source: 'fhir' });
    expect(data['conditions']).toMatchObject({ known: true, resources: [{ id: 'c1' }] });
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer secret-token-123', 'Bearer secret-token-123', 'Bearer secret-token-123']);
    expect(timings.fhirMs).toBeGreaterThan(100);
  });

  it('patient-not-found-on-server-makes-every-fetched-key-unknown (not "none found")', async () => {
    handler = (_req, url) =>
      url.pathname.includes('/Patient/')
        ? { status: 404, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] } }
        : { body: searchset([]) };
    const { data } = await gather();
    for (const key of ['patient', 'conditions', 'observations']) {
      expect(data[key]).toMatchObject({ known: false, source: 'fhir' });
    }
    expect(data['conditions']).toMatchObject({ reason: 'the patient in context was not found on the FHIR server' });
  });

  it('uses present keys, reads null as "none", and refetches a key the EHR reported as failed', async () => {
    seen.length = 0;
    handler = () => ({ body: searchset([{ resourceType: 'Observation', id: 'o1', status: 'final', subject: P1 }]) });
    const { data } = await gather({
      prefetch: {
        patient: { resourceType: 'Patient', id: 'p1' },
        conditions: null,
        observations: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] },
      },
    });
    expect(data['conditions']).toEqual({ known: true, resources: [], source: 'prefetch' });
    expect(data['observations']).toMatchObject({ known: true, source: 'fhir', resources: [{ id: 'o1' }] });
    expect(seen.map((s) => s.url)).toEqual(['/fhir/Observation?patient=p1']);
  });

  it('follows paging links on the same server, up to the cap', async () => {
    handler = (_req, url) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      return {
        body: searchset([{ resourceType: 'Condition', id: `c${page}`, subject: P1 }], page < 2 ? `${base}/Condition?patient=p1&page=${page + 1}` : undefined),
      };
    };
    const { data } = await gather({ prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, observations: null } });
    expect(data['conditions']).toMatchObject({ known: true, resources: [{ id: 'c1' }, { id: 'c2' }] });
  });

  it('makes data unknown when pages run past the cap or point at another server', async () => {
    handler = (_req, url) => ({
      body: searchset([{ resourceType: 'Condition', id: 'c' }], `${base}/Condition?patient=p1&page=${Number(url.searchParams.get('page') ?? '1') + 1}`),
    });
    const capped = await gather({ prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, observations: null } });
    expect(capped.data['conditions']!.known).toBe(false);
    handler = () => ({ body: searchset([{ resourceType: 'Condition', id: 'c' }], 'http://127.0.0.2:1/elsewhere?page=2') });
    const offsite = await gather({ prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, observations: null } });
    expect(offsite.data['conditions']!.known).toBe(false);
  });

  it.each<[string, Handler, string]>([
    ['401', () => ({ status: 401, body: { resourceType: 'OperationOutcome' } }), 'unauthorized'],
    ['403', () => ({ status: 403, body: {} }), 'forbidden'],
    ['429', () => ({ status: 429, body: {} }), 'rate-limited'],
    ['500', () => ({ status: 500, body: {} }), 'server-error'],
    ['malformed JSON', () => ({ raw: '{"resourceType": "Bundle", ' }), 'malformed-response'],
    ['a non-Bundle answer to a search', () => ({ body: { resourceType: 'OperationOutcome', issue: [] } }), 'unexpected-resource'],
    ['too slow', () => 'hang', 'timeout'],
  ])('a FHIR server answering %s makes that data unknown within the budget', async (_label, h, kind) => {
    handler = h;
    const started = Date.now();
    const { data } = await gather({ prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null } });
    expect(Date.now() - started).toBeLessThan(settings.callBudgetMs + 500);
    expect(data['observations']).toEqual({ known: false, reason: `FHIR server: ${kind}`, source: 'fhir' });
  });

  it('a refused connection makes data unknown', async () => {
    const { data } = await gather({ fhirServer: 'http://127.0.0.1:1/fhir', prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null } });
    expect(data['observations']).toMatchObject({ known: false, reason: 'FHIR server: unreachable' });
  });

  it('412 when required data has no source; other missing data is unknown', async () => {
    await expect(gather({ fhirServer: undefined, prefetch: { patient: { resourceType: 'Patient', id: 'p1' } } })).rejects.toBeInstanceOf(PreconditionFailed);
    const { data } = await gather({ fhirServer: undefined, prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null } });
    expect(data['observations']).toMatchObject({ known: false, source: 'none' });
  });

  it('412 and no request at all for a server outside the allowlist', async () => {
    seen.length = 0;
    let refused = '';
    const call = gatherData(input({ fhirServer: 'https://ehr.example.org/fhir' }), {
      settings,
      readerFor: createFhirReader,
      onRefusedServer: (s) => (refused = s),
    });
    await expect(call).rejects.toBeInstanceOf(PreconditionFailed);
    expect(refused).toBe('https://ehr.example.org/fhir');
    expect(seen).toEqual([]);
  });

  // Outside tester's finding: an EHR prefetching every key it knew (not one added later) with a fhirServer
  // outside the allowlist got no answer at all.
  it('required data prefetched, a server outside the allowlist: answered, what was not prefetched unknown, no request', async () => {
    seen.length = 0;
    let refused = '';
    const { data } = await gatherData(
      input({ fhirServer: 'https://ehr.example.org/fhir', prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null } }),
      { settings, readerFor: createFhirReader, onRefusedServer: (s) => (refused = s) },
    );
    expect(data['conditions']).toMatchObject({ known: true, resources: [] });
    expect(data['observations']).toMatchObject({ known: false, source: 'none', reason: expect.stringContaining("not on this service's allowlist") });
    expect(refused).toBe('https://ehr.example.org/fhir');
    expect(seen).toEqual([]);
  });
});

describe('through the HTTP app', () => {
  it('fetches without prefetch, reports Server-Timing, and never logs the access token', async () => {
    const { default: request } = await import('supertest');
    const { buildTestApp } = await import('../helpers/app.js');
    const { realServices } = await import('../helpers/knowledge.js');
    seen.length = 0;
    handler = (_req, url) =>
      url.pathname.endsWith('/Patient/p1') ? { body: { resourceType: 'Patient', id: 'p1', gender: 'male', birthDate: '1980-01-01' } } : { body: searchset([]) };
    const { app, logs } = buildTestApp({ services: realServices() });
    const res = await request(app)
      .post('/cds-services/trd-patient-view')
      .send({
        hook: 'patient-view',
        hookInstance: '0f1e2d3c-4b5a-4968-8776-655443322110',
        fhirServer: base,
        fhirAuthorization: { access_token: 'secret-token-123', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'trd-cds' },
        context: { userId: 'Practitioner/1', patientId: 'p1' },
      })
      .expect(200);
    expect(res.headers['server-timing']).toMatch(/fhir;dur=/);
    expect(seen.length).toBe(11); // one query per prefetch key
    expect(seen.every((s) => s.authorization === 'Bearer secret-token-123')).toBe(true);
    expect(logs.text).not.toContain('secret-token-123');
    expect(logs.records.find((r) => r['msg'] === 'request')!['fhirFetches']).toHaveLength(11);
  });
});

describe('Medications named by medicationReference are read from the FHIR server (DS-5 step 4)', () => {
  const medication = (id: string) => ({ resourceType: 'Medication', id, code: { text: id } });
  const use = (id: string, reference: string) => ({
    resourceType: 'MedicationRequest',
    id,
    subject: { reference: 'Patient/p1' },
    medicationReference: { reference },
  });
  const medicationTemplates = { ...templates, medicationRequests: 'MedicationRequest?patient={{context.patientId}}' };
  const medicationsOf = (data: Record<string, { known: boolean; resources?: readonly fhir4.Resource[] }>) =>
    (data[REFERENCED_MEDICATIONS_KEY]?.resources ?? []).map((r) => r.id).sort();
  const prefetched = { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null, observations: null };

  it('reads each readable reference once: relative and absolute under the base; never contained, included, urn: or another server', async () => {
    seen.length = 0;
    handler = (_req, url) => {
      if (url.pathname.endsWith('/MedicationRequest'))
        return {
          body: searchset([
            use('r1', 'Medication/m1'),
            use('r2', 'Medication/m1'),
            use('r3', `${base}/Medication/m2`),
            use('r4', 'https://elsewhere.example.org/fhir/Medication/m3'),
            use('r5', '#contained'),
            use('r6', 'urn:uuid:m4'),
            use('r7', 'Medication/m5'),
            medication('m5'),
          ]),
        };
      const m = /\/Medication\/([^/]+)$/.exec(url.pathname);
      return m ? { body: medication(m[1]!) } : { status: 404, body: {} };
    };
    const { data, fetched } = await gather({ templates: medicationTemplates, prefetch: prefetched, followMedicationReferences: true });
    expect(seen.map((s) => s.url).sort()).toEqual(['/fhir/Medication/m1', '/fhir/Medication/m2', '/fhir/MedicationRequest?patient=p1']);
    expect(medicationsOf(data)).toEqual(['m1', 'm2']);
    expect(fetched).toContainEqual({ key: REFERENCED_MEDICATIONS_KEY, outcome: 'ok' });
  });

  it('reads what prefetched data references in parallel with the keys it fetches (no extra round trip)', async () => {
    seen.length = 0;
    handler = (_req, url) => (url.pathname.includes('/Medication/') ? { body: medication('m1'), delayMs: 150 } : { body: searchset([]), delayMs: 150 });
    const started = Date.now();
    const { data } = await gather({
      templates: medicationTemplates,
      prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null, medicationRequests: searchsetOf([use('r1', 'Medication/m1')]) },
      followMedicationReferences: true,
    });
    expect(Date.now() - started).toBeLessThan(290);
    expect(seen.map((s) => s.url).sort()).toEqual(['/fhir/Medication/m1', '/fhir/Observation?patient=p1']);
    expect(medicationsOf(data)).toEqual(['m1']);
  });

  it('a Medication the server cannot give is left out (unidentified drug), the call goes on; past the cap the rest are not read', async () => {
    handler = (_req, url) =>
      url.pathname.endsWith('/MedicationRequest')
        ? { body: searchset([use('r1', 'Medication/gone'), use('r2', 'Medication/m2'), use('r3', 'Medication/m3')]) }
        : url.pathname.endsWith('/gone')
          ? { status: 404, body: { resourceType: 'OperationOutcome', issue: [] } }
          : { body: medication(url.pathname.split('/').pop()!) };
    const missing = await gather({ templates: medicationTemplates, prefetch: prefetched, followMedicationReferences: true });
    expect(missing.data['medicationRequests']).toMatchObject({ known: true });
    expect(medicationsOf(missing.data)).toEqual(['m2', 'm3']);
    expect(missing.fetched).toContainEqual({ key: REFERENCED_MEDICATIONS_KEY, outcome: 'not-found' });

    seen.length = 0;
    const capped = await gatherData(input({ templates: medicationTemplates, prefetch: prefetched, followMedicationReferences: true }), {
      settings: { ...settings, maxMedicationReads: 1 },
      readerFor: createFhirReader,
    });
    expect(seen.filter((s) => s.url.includes('/Medication/'))).toHaveLength(1);
    expect(capped.fetched.find((f) => f.key === REFERENCED_MEDICATIONS_KEY)?.outcome).toMatch(/capped|not-found/);
  });

  it('nothing is read when the prefetch is complete and no fhirServer is given, or the server is not allowed', async () => {
    seen.length = 0;
    const complete = { ...prefetched, medicationRequests: searchsetOf([use('r1', 'Medication/m1')]) };
    const without = await gather({ templates: medicationTemplates, fhirServer: undefined, prefetch: complete, followMedicationReferences: true });
    expect(without.data['medicationRequests']).toMatchObject({ known: true });
    expect(without.data[REFERENCED_MEDICATIONS_KEY]).toBeUndefined();
    const refused = await gather({
      templates: medicationTemplates,
      fhirServer: 'https://ehr.example.org/fhir',
      prefetch: complete,
      followMedicationReferences: true,
    });
    expect(refused.data[REFERENCED_MEDICATIONS_KEY]).toBeUndefined();
    expect(seen).toEqual([]);
  });
});

describe("the service's own query refinements", () => {
  it('adds them to the fetched query, and asks the plain query when the server refuses them (400)', async () => {
    seen.length = 0;
    handler = (_req, url) => (url.searchParams.has('date') ? { status: 400, body: { resourceType: 'OperationOutcome', issue: [] } } : { body: searchset([]) });
    const { data } = await gather({
      prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null },
      refinements: { observations: '&date=ge2024-01-01' },
    });
    expect(data['observations']).toMatchObject({ known: true });
    expect(seen.map((s) => s.url)).toEqual(['/fhir/Observation?patient=p1&date=ge2024-01-01', '/fhir/Observation?patient=p1']);
  });
});
