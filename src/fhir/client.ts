import { Client } from 'fhir-kit-client';
import { LRUCache } from 'lru-cache';
import { isResource } from './bundle.js';
import { OutboundPolicy, OutboundRefused, type OutboundLimits } from './outbound.js';

/** Why a FHIR read failed, as a class a card can name ("the FHIR server refused the token"). */
export type FhirFailureKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'http-error'
  | 'timeout'
  | 'unreachable'
  | 'malformed-response'
  | 'unexpected-resource'
  /** The server answered with a redirect: not followed (the allowlist is not re-decided by a server). */
  | 'redirect'
  /** A request (a page, a hop) would have left the allowed base: refused before it was sent. */
  | 'off-allowlist'
  /** The response was larger than the cap, on the wire or decompressed. */
  | 'too-large';

/** The one error the adapter throws; fhir-kit-client throws plain objects, never this. */
export class FhirRequestError extends Error {
  constructor(
    readonly kind: FhirFailureKind,
    readonly httpStatus?: number,
    /** What was wrong with the answer, in words a card can show (never a value from it). */
    readonly detail?: string,
  ) {
    super(httpStatus ? `FHIR ${kind} (HTTP ${httpStatus})` : `FHIR ${kind}`);
    this.name = 'FhirRequestError';
  }
}

export interface FhirReader {
  /**
   * GET a relative (`Condition?patient=1`) or absolute URL on the server; returns a resource.
   * The whole exchange, body included, ends within the reader's per-query timeout or when `signal`
   * (the call's budget) aborts, whichever is first. Throws FhirRequestError only.
   */
  read(url: string, signal: AbortSignal): Promise<fhir4.Resource>;
}

/** What one call's reads are held to (src/config.ts, FHIR_*). */
export interface ReaderLimits extends OutboundLimits {
  queryTimeoutMs: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = {
  queryTimeoutMs: 2000,
  maxResponseBytes: 20 * 1024 ** 2,
  maxDecodedBytes: 20 * 1024 ** 2,
  maxCallBytes: 32 * 1024 ** 2,
};

function classifyStatus(status: number): FhirFailureKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'http-error';
}

/** The policy's refusal, wherever fetch put it (fetch wraps dispatcher errors as `cause`). */
function refusalIn(err: unknown): OutboundRefused | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefused) return e;
  }
  return undefined;
}

const REFUSAL_KIND = { 'off-allowlist': 'off-allowlist', 'too-large': 'too-large', 'bad-encoding': 'malformed-response' } as const;

function toFhirError(err: unknown, signal: AbortSignal): FhirRequestError {
  if (err instanceof FhirRequestError) return err;
  const refused = refusalIn(err);
  if (refused) return new FhirRequestError(REFUSAL_KIND[refused.refusal]);
  if (signal.aborted) return new FhirRequestError('timeout');
  const thrown = err as { response?: { status?: unknown; data?: unknown }; name?: string } | null;
  const status = thrown?.response?.status;
  if (typeof status === 'number') {
    if ((status >= 300 && status < 400) || status === 0) return new FhirRequestError('redirect', status || undefined);
    // fhir-kit-client reports unparseable JSON as a response error carrying the raw text.
    if (status < 400 && typeof thrown?.response?.data === 'string') return new FhirRequestError('malformed-response', status);
    return new FhirRequestError(classifyStatus(status), status);
  }
  if (thrown?.name === 'TimeoutError' || thrown?.name === 'AbortError') return new FhirRequestError('timeout');
  return new FhirRequestError('unreachable');
}

/**
 * A promise that rejects with the signal's reason when it aborts, and `dispose` to stop listening.
 * Disposal matters: the listener holds the race's result (a whole parsed Bundle) for as long as
 * the signal lives, and the fetch machinery keeps signals alive (1.3 GB after 3,000 fetching calls).
 */
export function rejectedOnAbort(signal: AbortSignal): { aborted: Promise<never>; dispose: () => void } {
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { aborted, dispose: () => signal.removeEventListener('abort', onAbort) };
}

// One fhir-kit-client per server, reused across calls: a client per call cost a keep-alive agent
// and its maps each time. Servers are few (production allows only the allowlist); the cache is bounded anyway.
const clients = new LRUCache<string, Client>({ max: 100 });
function clientFor(baseUrl: string): Client {
  let client = clients.get(baseUrl);
  if (!client) clients.set(baseUrl, (client = new Client({ baseUrl })));
  return client;
}

/**
 * Reads from one FHIR server for one hook call. The EHR's access token goes on each request's own
 * headers, never onto the shared client, so no call can send another call's token; it is never logged.
 * Every request goes through the call's OutboundPolicy (only under `baseUrl`, capped sizes);
 * redirects are not followed, so the token never travels anywhere a server points it.
 * `traceHeaders` (X-Request-Id, traceparent) let the FHIR server's logs be joined to this call's.
 */
export function createFhirReader(
  baseUrl: string,
  accessToken?: string,
  limits: ReaderLimits = DEFAULT_READER_LIMITS,
  traceHeaders?: Readonly<Record<string, string>>,
): FhirReader {
  const client = clientFor(baseUrl);
  const headers = { accept: 'application/fhir+json', ...traceHeaders, ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) };
  const dispatcher = new OutboundPolicy(baseUrl, limits);
  return {
    async read(url, signal) {
      // The per-query deadline is a plain timer held until the read settles: AbortSignal.timeout's
      // timer is weakly held and can be collected (never firing) while a body is still streaming.
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new FhirRequestError('timeout')), limits.queryTimeoutMs);
      const onCallAbort = () => deadline.abort(signal.reason);
      if (signal.aborted) onCallAbort();
      else signal.addEventListener('abort', onCallAbort, { once: true });
      let result: unknown;
      const deadlineReached = rejectedOnAbort(deadline.signal);
      try {
        // Raced with the deadline: the bundled fetch can leave a body read unsettled when the policy aborts a
        // response while fetch has paused it (seen against a server that streams forever: the call then never
        // answered). The socket is destroyed by the abort either way; only the promise is left behind.
        result = await Promise.race([
          client.request(url, { options: { signal: deadline.signal, headers, dispatcher, redirect: 'manual' } as never }),
          deadlineReached.aborted,
        ]);
      } catch (err) {
        throw toFhirError(err, deadline.signal);
      } finally {
        clearTimeout(timer);
        deadlineReached.dispose();
        signal.removeEventListener('abort', onCallAbort);
      }
      if (!isResource(result)) throw new FhirRequestError('malformed-response');
      return result;
    },
  };
}
