import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { cut, type Logger } from '../logger.js';
import { observeRequest } from '../metrics.js';
import { traceContextOf, type TraceContext } from './trace.js';

/** Probes and scrapes are not logged: they would drown the lines IT reads. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const pathOf = (url: string | undefined) => (url ?? '').split('?')[0]!;

/** An explanation page's id is a capability (src/cds-hooks/explanations.ts): logged as `/explain/{page}`, never itself. */
const loggedPath = (url: string | undefined) => pathOf(url).replace(/^\/explain\/[^/]*/, '/explain/{page}');

/** Why a request failed, for its log line: a reason code and the names of the fields, never their values. */
export interface LoggedProblem {
  code: string;
  fields?: string[];
}

export function traceOf(res: Response): TraceContext {
  return res.locals['trace'] as TraceContext;
}

/** The fields of the one line per request, from what the handlers left in res.locals (ids and counts only). */
function requestFields(req: IncomingMessage, res: ServerResponse): Record<string, unknown> {
  const l = (res as Response).locals;
  const caller = l['caller'] as { iss?: string; jti?: string; tenant?: string } | undefined;
  return {
    method: req.method,
    path: cut(loggedPath(req.url), 256),
    status: res.statusCode,
    traceId: (l['trace'] as TraceContext | undefined)?.traceId,
    serviceId: l['serviceId'],
    hook: l['hook'],
    hookInstance: cut(l['hookInstance']),
    iss: cut(caller?.iss, 256),
    tenant: cut(caller?.tenant),
    jti: cut(caller?.jti),
    authFailure: l['authFailure'],
    problem: l['problem'],
    fhirFetches: l['fhirFetches'],
    otherPatientResources: l['otherPatientResources'],
    ...(l['logFields'] as Record<string, unknown> | undefined),
  };
}

/**
 * One log line per request (pino-http) with the request id, the trace id, the CDS service and hook,
 * status and duration; 4xx at warn with the problem's code and field names, 5xx at error. Takes or
 * makes the request id and trace context and echoes both (X-Request-Id, traceparent), and times
 * the request for the metrics.
 */
export function requestLog(logger: Logger, newId: () => string): RequestHandler {
  const log = pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    quietReqLogger: true,
    wrapSerializers: false,
    genReqId: (req, res) => {
      const trace = traceContextOf(req, newId);
      (res as Response).locals['trace'] = trace;
      (res as Response).locals['reqId'] = trace.requestId;
      res.setHeader('X-Request-Id', trace.requestId);
      res.setHeader('traceparent', trace.traceparent);
      return trace.requestId;
    },
    customAttributeKeys: { responseTime: 'durationMs' },
    // The line is flat (method, path, status at the top, from customProps): no req or res objects.
    serializers: {
      req: () => undefined,
      res: () => undefined,
      // A 5xx is logged by the error handler with its code; the request line needs no message or stack.
      err: (err: Error) => ({ type: err?.name }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    // Called at the start (nothing to add yet) and at the end of the response.
    customProps: (req, res) => (res.headersSent || res.writableEnded ? requestFields(req, res) : {}),
    autoLogging: { ignore: (req) => QUIET_PATHS.has(pathOf(req.url)) },
  });
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const l = res.locals;
      observeRequest(l['serviceId'] as string | undefined, l['hook'] as string | undefined, res.statusCode, (performance.now() - started) / 1000);
    });
    log(req, res, next);
  };
}
