import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Correlation across the EHR, this service and the EHR's FHIR server: an incoming `X-Request-Id`
 * (when it is a plain token of at most 64 characters) is kept as the request id, otherwise one is
 * made; an incoming W3C `traceparent` is continued with a new span id of our own, otherwise a new
 * trace starts. Both are echoed on the response and sent on every FHIR request of the call.
 */
export interface TraceContext {
  readonly requestId: string;
  readonly traceId: string;
  /** Our own `traceparent` (the caller's trace id, our span id). */
  readonly traceparent: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,64}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/**
 * Random hex from one version-4 UUID (122 random bits): randomUUID draws on a buffered entropy pool,
 * where randomBytes would make a system call on every request.
 */
const randomHex = (chars: 16 | 32) => randomUUID().replaceAll('-', '').slice(0, chars);

export function traceContextOf(req: IncomingMessage, newId: () => string): TraceContext {
  const incomingId = header(req, 'x-request-id');
  const requestId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : newId();
  const parent = TRACEPARENT.exec(header(req, 'traceparent')?.toLowerCase() ?? '');
  const traceId = parent && !/^0+$/.test(parent[1]!) && !/^0+$/.test(parent[2]!) ? parent[1]! : randomHex(32);
  const flags = parent?.[3] ?? '00';
  return { requestId, traceId, traceparent: `00-${traceId}-${randomHex(16)}-${flags}` };
}

/** The headers a FHIR request of this call carries so the FHIR server's logs can be joined to ours. */
export function outgoingTraceHeaders(trace: TraceContext): Record<string, string> {
  return { 'x-request-id': trace.requestId, traceparent: trace.traceparent };
}
