import { performance } from 'node:perf_hooks';
import { setMaxListeners } from 'node:events';
import { InvalidRequest, PreconditionFailed } from '../errors.js';
import { renderPrefetchTemplate } from '../cds-hooks/prefetch-template.js';
import { bundleResources, isResource, nextLink, queriedType, searchsetProblem } from './bundle.js';
import { DEFAULT_READER_LIMITS, FhirRequestError, type FhirReader, type ReaderLimits } from './client.js';
import { addPatientIdentifiers, keepContextPatient, patientAliases } from './patient-compartment.js';
import { medicationReadsNeeded } from './medication-references.js';
import { absoluteUnderBase, isAllowedFhirServer, isUnderBase } from './server-allowlist.js';

export type DataSource = 'prefetch' | 'fhir' | 'none';

/**
 * What one prefetch key yielded. `known` means the source was searched (possibly finding nothing);
 * `unknown` means the data could not be had, which rules must never read as "absent".
 */
export type KeyData =
  | {
      readonly known: true;
      readonly resources: readonly fhir4.Resource[];
      readonly source: DataSource;
      /** Resources of this key that named another patient than the one in context, left out. */
      readonly otherPatient?: { readonly count: number; readonly types: readonly string[] };
      /** Resources of this key about a patient that named none this call can tie to anyone, left out. */
      readonly unattributable?: number;
    }
  | {
      readonly known: false;
      readonly reason: string;
      readonly source: DataSource;
      /**
       * What was read before the data became incomplete (a prefetch's first page when its further pages cannot
       * be fetched): present data, used as such; the key stays unknown, so nothing is taken as absent.
       */
      readonly partial?: readonly fhir4.Resource[];
    };

export type GatheredData = Readonly<Record<string, KeyData>>;

export interface GatherSettings {
  serverAllowlist: readonly string[];
  production: boolean;
  queryTimeoutMs: number;
  callBudgetMs: number;
  maxPages: number;
  /** Per-response, decompressed and per-call byte caps (FHIR_MAX_*); defaults in client.ts. */
  maxResponseBytes?: number;
  maxDecodedBytes?: number;
  maxCallBytes?: number;
  /** Most separate Medications one call reads to follow `medicationReference`s (FHIR_MAX_MEDICATION_READS). */
  maxMedicationReads?: number;
}

/** The key under which Medications read to follow the record's `medicationReference`s are gathered. */
export const REFERENCED_MEDICATIONS_KEY = 'referencedMedications';
const DEFAULT_MAX_MEDICATION_READS = 50;

export interface GatherInput {
  templates: Readonly<Record<string, string>>;
  /** Keys without which the service cannot answer at all (CDS Hooks: 412 when unobtainable). */
  required: readonly string[];
  prefetch: Record<string, unknown> | null | undefined;
  context: Record<string, unknown>;
  fhirServer?: string;
  accessToken?: string;
  /**
   * Why the call's fhirAuthorization cannot be used (no token, a token type other than Bearer), when
   * it cannot: a fetch the call needs is then refused with a 400 naming the field; with complete
   * prefetch nothing is fetched and it does not matter.
   */
  authorizationProblem?: { field: string; message: string };
  /**
   * Query parameters added per key when this service fetches the key itself (`&date=ge2024-11-29`,
   * `&_include=...`): not part of the advertised template (CDS Hooks 2.0 templates have no date
   * arithmetic). A server that refuses them (HTTP 400) is asked the plain template.
   */
  refinements?: Readonly<Record<string, string>>;
  /**
   * Read from fhirServer, once each and in parallel, the Medications that medication resources name by
   * `medicationReference` (relative `Medication/<id>`, or absolute under the base) and that the gathered
   * data does not hold; gathered under REFERENCED_MEDICATIONS_KEY. A Medication that cannot be read
   * stays absent, so its drug is unidentified, never "no drug".
   */
  followMedicationReferences?: boolean;
}

export interface GatherResult {
  data: GatheredData;
  timings: { prefetchMs: number; fhirMs: number };
  /** Keys fetched from the FHIR server, with the failure kind where a fetch failed (ids only, for logs). */
  fetched: { key: string; outcome: string }[];
  /** Per key, how many resources of another patient were left out and of which types (no ids, for logs). */
  /** Per key, what was left out: resources of another patient (by type) and resources that name no patient one can tell. */
  otherPatient: { key: string; count: number; types: readonly string[]; unattributable?: number }[];
}

export interface GatherDeps {
  settings: GatherSettings;
  readerFor: (baseUrl: string, accessToken?: string, limits?: ReaderLimits) => FhirReader;
  onRefusedServer?: (fhirServer: string) => void;
}

type Plan = { kind: 'done'; data: KeyData } | { kind: 'fetch'; reason: string; pending?: fhir4.Bundle };

function planKey(key: string, value: unknown, template: string | undefined): Plan {
  if (value === undefined) return { kind: 'fetch', reason: 'not prefetched' };
  if (value === null) return { kind: 'done', data: { known: true, resources: [], source: 'prefetch' } };
  if (!isResource(value)) {
    throw new InvalidRequest('Invalid prefetch', [
      { field: `prefetch.${key}`, message: 'must be a FHIR resource (a Bundle, a resource or an OperationOutcome) or null' },
    ]);
  }
  if (value.resourceType === 'OperationOutcome') return { kind: 'fetch', reason: 'the EHR reported its prefetch query failed' };
  if (value.resourceType === 'Bundle') {
    const bundle = value as fhir4.Bundle;
    const problem = searchsetProblem(bundle, queriedType(template));
    if (problem) return { kind: 'done', data: { known: false, reason: `prefetch unreadable: ${problem}`, source: 'prefetch' } };
    if (nextLink(bundle)) return { kind: 'fetch', reason: 'prefetch has further pages', pending: bundle };
    return { kind: 'done', data: { known: true, resources: bundleResources(bundle), source: 'prefetch' } };
  }
  return { kind: 'done', data: { known: true, resources: [value], source: 'prefetch' } };
}

async function readAllPages(
  reader: FhirReader,
  first: fhir4.Resource,
  base: string,
  maxPages: number,
  signal: AbortSignal,
  /** The query (template) this answers: the resource type it asks for is checked. */
  query?: string,
): Promise<fhir4.Resource[]> {
  if (first.resourceType === 'OperationOutcome') throw new FhirRequestError('unexpected-resource');
  const searched = queriedType(query);
  if (first.resourceType !== 'Bundle') {
    // A search answers with a Bundle; a read answers with the resource it names.
    if (query?.includes('?') || (searched && first.resourceType !== searched))
      throw new FhirRequestError('unexpected-resource', undefined, `a ${first.resourceType.slice(0, 64)} in place of the answer`);
    return [first];
  }
  let page = first as fhir4.Bundle;
  const unreadable = (b: fhir4.Bundle) => {
    const problem = searchsetProblem(b, searched);
    if (problem) throw new FhirRequestError('malformed-response', undefined, problem);
  };
  unreadable(page);
  const resources = bundleResources(page);
  for (let pages = 1; ; pages++) {
    const link = nextLink(page);
    if (!link) return resources;
    const next = absoluteUnderBase(link, base);
    // A truncated list could hide a contraindication: past the cap the data is unknown, not partial.
    if (pages >= maxPages || !next || !isUnderBase(next, base)) throw new FhirRequestError('unexpected-resource');
    const fetched = await reader.read(next, signal);
    if (fetched.resourceType !== 'Bundle') throw new FhirRequestError('unexpected-resource');
    page = fetched as fhir4.Bundle;
    unreadable(page);
    resources.push(...bundleResources(page));
  }
}

const MB = 1024 ** 2;

/** The reason a card shows for data that could not be read ("observations (FHIR server: ...)"). */
function failureReason(kind: string, s: GatherSettings): string {
  switch (kind) {
    case 'too-large':
      return `FHIR server: answer too large (over the ${Math.round((s.maxResponseBytes ?? DEFAULT_READER_LIMITS.maxResponseBytes) / MB)} MB cap)`;
    case 'redirect':
      return 'FHIR server: redirect not followed';
    case 'off-allowlist':
      return 'FHIR server: link outside the allowed server refused';
    default:
      return `FHIR server: ${kind}`;
  }
}

function readerLimits(s: GatherSettings): ReaderLimits {
  return {
    queryTimeoutMs: s.queryTimeoutMs,
    maxResponseBytes: s.maxResponseBytes ?? DEFAULT_READER_LIMITS.maxResponseBytes,
    maxDecodedBytes: s.maxDecodedBytes ?? DEFAULT_READER_LIMITS.maxDecodedBytes,
    maxCallBytes: s.maxCallBytes ?? DEFAULT_READER_LIMITS.maxCallBytes,
  };
}

/**
 * Per-key resolution (CDS Hooks 2.0 §Prefetch): a present key is used; `null` means "looked, none";
 * an OperationOutcome or a missing key is fetched from `fhirServer` when allowed. All fetches of a
 * call run in parallel under a per-query timeout and one budget for the call.
 */
/** A prefetch template that reads the patient in context itself (`Patient/{{context.patientId}}`). */
const READS_CONTEXT_PATIENT = /^Patient\/\{\{\s*context\.patientId\s*\}\}$/;

export async function gatherData(input: GatherInput, deps: GatherDeps): Promise<GatherResult> {
  const { settings } = deps;
  const started = performance.now();
  const prefetch = input.prefetch ?? {};
  const plans = new Map<string, Plan>();
  for (const key of Object.keys(input.templates)) plans.set(key, planKey(key, prefetch[key], input.templates[key]));
  const prefetchMs = performance.now() - started;

  const toFetch = [...plans].filter((entry): entry is [string, Extract<Plan, { kind: 'fetch' }>] => entry[1].kind === 'fetch');
  const data: Record<string, KeyData> = {};
  for (const [key, plan] of plans) if (plan.kind === 'done') data[key] = plan.data;

  const fetched: GatherResult['fetched'] = [];
  const fhirStarted = performance.now();
  const server = input.fhirServer;
  const allowed = !!server && isAllowedFhirServer(server, settings.serverAllowlist, settings.production);
  if (toFetch.length > 0) {
    if (!server || !allowed) {
      // Nothing can be fetched: what was prefetched is used, the rest is unknown (said on the cards), and only
      // missing required data refuses the call (an EHR that prefetches all it knows is not refused for a new key).
      if (server) deps.onRefusedServer?.(server);
      const why = server ? "fhirServer is not on this service's allowlist (FHIR_SERVER_ALLOWLIST)" : 'no fhirServer was given';
      for (const [key, plan] of toFetch) {
        const reason = `${plan.reason} and ${why}`;
        data[key] = plan.pending
          ? { known: false, reason, source: 'prefetch', partial: bundleResources(plan.pending) }
          : { known: false, reason, source: 'none' };
      }
      const missing = input.required.filter((k) => data[k] && !data[k]!.known);
      if (missing.length > 0) {
        throw new PreconditionFailed(
          server ? 'fhirServer is not allowed' : 'Required data is neither prefetched nor fetchable',
          server
            ? [
                { field: 'fhirServer', message: 'this service does not fetch from that FHIR server (not in FHIR_SERVER_ALLOWLIST); send the data as prefetch' },
                ...missing.map((k) => ({ field: `prefetch.${k}`, message: `required and not prefetched (${input.templates[k]})` })),
              ]
            : missing.map((k) => ({ field: `prefetch.${k}`, message: `no usable prefetch and no fhirServer to fetch ${input.templates[k]}` })),
        );
      }
    } else if (input.authorizationProblem) {
      // The data must be fetched and the token cannot be sent: say which member, never the token.
      throw new InvalidRequest('fhirAuthorization cannot be used to fetch the data this call lacks', [input.authorizationProblem]);
    }
  }
  // Medications the prefetched data references are read while the keys are fetched, not after them.
  const medicationsWanted =
    allowed && !input.authorizationProblem && input.followMedicationReferences === true
      ? new MedicationReads(server!, settings.maxMedicationReads ?? DEFAULT_MAX_MEDICATION_READS, data)
      : undefined;
  if (allowed && (toFetch.length > 0 || medicationsWanted?.needed())) {
    const reader = deps.readerFor(server!, input.accessToken, readerLimits(settings));
    // The call's budget is a plain timer, held until every fetch settles (AbortSignal.timeout's timer
    // can be collected early); each read adds its own per-query deadline.
    const budgetController = new AbortController();
    const budget = budgetController.signal;
    // Every read of the call (a dozen keys, their pages and Medication reads) listens on this one signal.
    setMaxListeners(0, budget);
    const budgetTimer = setTimeout(() => budgetController.abort(new FhirRequestError('timeout')), settings.callBudgetMs);
    try {
      medicationsWanted?.start(reader, budget);
      let contextPatientNotFound = false;
      await Promise.all(
        toFetch.map(async ([key, plan]) => {
          const url = plan.pending ? undefined : renderPrefetchTemplate(input.templates[key]!, input.context);
          try {
            if (!plan.pending && url === undefined) {
              data[key] = { known: false, reason: 'the hook context lacks a value this query needs', source: 'none' };
              return;
            }
            const refinement = plan.pending ? undefined : input.refinements?.[key];
            const first = plan.pending ?? (await readRefined(reader, url!, refinement, budget));
            const resources = await readAllPages(reader, first, server!, settings.maxPages, budget, input.templates[key]);
            data[key] = { known: true, resources, source: 'fhir' };
            fetched.push({ key, outcome: 'ok' });
            medicationsWanted?.follow(resources, reader, budget);
          } catch (err) {
            const kind = err instanceof FhirRequestError ? err.kind : 'unreachable';
            if (kind === 'not-found' && READS_CONTEXT_PATIENT.test(input.templates[key] ?? '')) contextPatientNotFound = true;
            const detail = err instanceof FhirRequestError && err.detail ? ` (${err.detail})` : '';
            data[key] = { known: false, reason: `${failureReason(kind, settings)}${detail}`, source: 'fhir' };
            fetched.push({ key, outcome: kind });
          }
        }),
      );
      // The server does not know the patient in context: what its searches returned (usually nothing) says
      // nothing about this patient, so "none found" would be a false all-clear.
      if (contextPatientNotFound) {
        for (const [key] of toFetch) {
          if (data[key]?.known) data[key] = { known: false, reason: 'the patient in context was not found on the FHIR server', source: 'fhir' };
        }
      }
      if (medicationsWanted?.started) {
        const { medications, outcome } = await medicationsWanted.settle();
        data[REFERENCED_MEDICATIONS_KEY] = { known: true, resources: medications, source: 'fhir' };
        fetched.push({ key: REFERENCED_MEDICATIONS_KEY, outcome });
      }
    } finally {
      clearTimeout(budgetTimer);
    }
  }
  const fhirMs = toFetch.length || medicationsWanted?.started ? performance.now() - fhirStarted : 0;
  return { data, timings: { prefetchMs, fhirMs }, fetched, otherPatient: keepOnlyContextPatient(data, input) };
}

/** The first read of a key: with this service's refinement, and without it if the server refuses it (HTTP 400). */
async function readRefined(reader: FhirReader, url: string, refinement: string | undefined, signal: AbortSignal): Promise<fhir4.Resource> {
  if (!refinement) return reader.read(url, signal);
  try {
    return await reader.read(`${url}${refinement}`, signal);
  } catch (err) {
    if (err instanceof FhirRequestError && err.httpStatus === 400) return reader.read(url, signal);
    throw err;
  }
}

/**
 * The separate Medications one call reads (DS-5 step 4): each `Medication/<id>` at most once, at most
 * `max` of them, all in parallel under the call's budget. A read that fails leaves that Medication out
 * (its drug is then unidentified: unknown, never "no drug"); past the cap the rest are left out alike.
 */
class MedicationReads {
  private readonly held = new Set<string>();
  private readonly reads = new Map<string, Promise<fhir4.Medication | undefined>>();
  private readonly failures: string[] = [];
  private capped = false;
  private initial: string[] = [];

  constructor(
    private readonly server: string,
    private readonly max: number,
    prefetched: Record<string, KeyData>,
  ) {
    const all: fhir4.Resource[][] = [];
    for (const d of Object.values(prefetched)) if (d.known && d.resources.length) all.push(d.resources as fhir4.Resource[]);
    for (const resources of all) this.hold(resources);
    for (const resources of all) this.initial.push(...medicationReadsNeeded(resources, server, this.held));
  }

  get started(): boolean {
    return this.reads.size > 0 || this.capped;
  }

  /** Whether the prefetched data alone needs reads. */
  needed(): boolean {
    return this.initial.length > 0;
  }

  start(reader: FhirReader, signal: AbortSignal): void {
    this.request(this.initial, reader, signal);
    this.initial = [];
  }

  /** Reads what a fetched key's resources reference and no gathered Medication answers. */
  follow(resources: readonly fhir4.Resource[], reader: FhirReader, signal: AbortSignal): void {
    this.hold(resources);
    this.request(medicationReadsNeeded(resources, this.server, this.held), reader, signal);
  }

  private hold(resources: readonly fhir4.Resource[]): void {
    for (const r of resources) if (r.resourceType === 'Medication' && typeof r.id === 'string') this.held.add(`Medication/${r.id}`);
  }

  private request(reads: readonly string[], reader: FhirReader, signal: AbortSignal): void {
    for (const read of reads) {
      if (this.reads.has(read) || this.held.has(read)) continue;
      if (this.reads.size >= this.max) {
        this.capped = true;
        continue;
      }
      this.reads.set(
        read,
        reader.read(read, signal).then(
          // Only the Medication asked for: another resource or id in its place is not this drug.
          (r) => (r.resourceType === 'Medication' && `Medication/${r.id}` === read ? (r as fhir4.Medication) : undefined),
          (err: unknown) => {
            this.failures.push(err instanceof FhirRequestError ? err.kind : 'unreachable');
            return undefined;
          },
        ),
      );
    }
  }

  /** The Medications read, and one outcome for the log (`ok`, the first failure kind, or `capped`). */
  async settle(): Promise<{ medications: fhir4.Resource[]; outcome: string }> {
    const settled = await Promise.all(this.reads.values());
    const medications = settled.filter((m): m is fhir4.Medication => m !== undefined && !this.held.has(`Medication/${m.id}`));
    return { medications, outcome: this.failures[0] ?? (this.capped ? 'capped' : 'ok') };
  }
}

/**
 * Only the patient in context: every resource, prefetched or fetched, whose own patient reference
 * names someone else is left out here, before anything reads it, and counted per key.
 */
function keepOnlyContextPatient(data: Record<string, KeyData>, input: GatherInput): GatherResult['otherPatient'] {
  const patientId = input.context['patientId'];
  const out: GatherResult['otherPatient'] = [];
  if (typeof patientId !== 'string') return out;
  // A Bundle that carries the Patient under a `urn:uuid:` fullUrl names it so in every key's resources
  // (a sandbox splits one Synthea Bundle into several prefetch keys), so the aliases are the whole prefetch's.
  const aliases = new Set<string>();
  for (const value of Object.values(input.prefetch ?? {})) {
    if (isResource(value) && value.resourceType === 'Bundle') for (const a of patientAliases(value as fhir4.Bundle, patientId)) aliases.add(a);
  }
  // The patient's own identifiers decide a subject given only by identifier (an MRN).
  const identifiers = new Map<string, Set<string>>();
  for (const d of Object.values(data)) if (d.known) for (const r of d.resources) addPatientIdentifiers(r, patientId, identifiers);
  // An absolute subject reference is this patient's only on the call's own server.
  const known = { aliases, identifiers, ...(input.fhirServer ? { serverBase: input.fhirServer } : {}) };
  for (const [key, d] of Object.entries(data)) {
    // A first page read before the rest could not be is filtered as any data is: only this patient's.
    if (!d.known && d.partial?.length) {
      data[key] = { ...d, partial: keepContextPatient(d.partial, patientId, known).kept };
      continue;
    }
    if (!d.known || d.resources.length === 0) continue;
    const { kept, otherPatient, otherPatientTypes, unattributable } = keepContextPatient(d.resources, patientId, known);
    if (otherPatient === 0 && unattributable === 0) continue;
    data[key] = {
      ...d,
      resources: kept,
      ...(otherPatient ? { otherPatient: { count: otherPatient, types: otherPatientTypes } } : {}),
      ...(unattributable ? { unattributable } : {}),
    };
    out.push({ key, count: otherPatient, types: otherPatientTypes, ...(unattributable ? { unattributable } : {}) });
  }
  return out;
}
