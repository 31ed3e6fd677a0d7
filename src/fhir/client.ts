import { Client } from 'fhir-kit-client';
import { memoByString } from '../memo.js';
import { isResource } from './bundle.js';

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
  | 'unexpected-resource';

/** The one error the adapter throws; fhir-kit-client throws plain objects, never this. */
export class FhirRequestError extends Error {
  constructor(
    readonly kind: FhirFailureKind,
    readonly httpStatus?: number,
  ) {
    super(httpStatus ? `FHIR ${kind} (HTTP ${httpStatus})` : `FHIR ${kind}`);
    this.name = 'FhirRequestError';
  }
}

export interface FhirReader {
  /** GET a relative (`Condition?patient=1`) or absolute URL on the server; returns a resource. */
  read(url: string, signal: AbortSignal): Promise<fhir4.Resource>;
}

function classifyStatus(status: number): FhirFailureKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'http-error';
}

function toFhirError(err: unknown, signal: AbortSignal): FhirRequestError {
  if (err instanceof FhirRequestError) return err;
  if (signal.aborted) return new FhirRequestError('timeout');
  const thrown = err as { response?: { status?: unknown; data?: unknown }; name?: string } | null;
  const status = thrown?.response?.status;
  if (typeof status === 'number') {
    // fhir-kit-client reports unparseable JSON as a response error carrying the raw text.
    if (status < 400 && typeof thrown?.response?.data === 'string') return new FhirRequestError('malformed-response', status);
    return new FhirRequestError(classifyStatus(status), status);
  }
  if (thrown?.name === 'TimeoutError' || thrown?.name === 'AbortError') return new FhirRequestError('timeout');
  return new FhirRequestError('unreachable');
}

// One fhir-kit-client per server, reused across calls: a client per call cost a keep-alive agent
// and its maps each time. Servers are few (production allows only the allowlist); the cache is bounded anyway.
const clientFor = memoByString((baseUrl) => new Client({ baseUrl }), 100);

/**
 * Reads from one FHIR server for one hook call. The EHR's access token goes on each request's own
 * headers, never onto the shared client, so no call can send another call's token; it is never logged.
 */
export function createFhirReader(baseUrl: string, accessToken?: string): FhirReader {
  const client = clientFor(baseUrl);
  const headers = { accept: 'application/fhir+json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) };
  return {
    async read(url, signal) {
      let result: unknown;
      try {
        result = await client.request(url, { options: { signal, headers } });
      } catch (err) {
        throw toFhirError(err, signal);
      }
      if (!isResource(result)) throw new FhirRequestError('malformed-response');
      return result;
    },
  };
}
