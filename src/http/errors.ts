import type { ErrorRequestHandler, Response } from 'express';
import { PayloadTooLarge, Problem, Unauthorized, UnsupportedMediaType, InvalidRequest } from '../errors.js';
import { cut, type Logger } from '../logger.js';
import { countJwtRefusal } from '../metrics.js';

/** A problem's reason code for logs and metrics: its class in kebab case (InvalidRequest -> invalid-request). */
export function problemCode(problem: Problem): string {
  return problem.name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The names of the fields a problem is about (never their values), bounded for the log line. */
function problemFields(problem: Problem): string[] | undefined {
  const fields = problem.issues.flatMap((i) => (i.field ? [cut(i.field)!] : []));
  return fields.length ? fields.slice(0, 20) : undefined;
}

export function operationOutcome(problem: Problem): fhir4.OperationOutcome {
  const issues = problem.issues.length > 0 ? problem.issues : [{ message: problem.message }];
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: 'error',
      code: i.code ?? problem.issueCode,
      diagnostics: i.field ? `${i.field}: ${i.message}` : i.message,
      ...(i.field ? { expression: [i.field] } : {}),
    })),
  };
}

export function sendProblem(res: Response, problem: Problem): void {
  if (problem instanceof Unauthorized) {
    res.setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${problem.reason}"`);
    res.status(401).json({ error: 'invalid_token', reason: problem.reason, message: problem.message });
    return;
  }
  res.status(problem.status).type('application/json').json(operationOutcome(problem));
}

/**
 * Errors express and its body parser raise themselves, mapped to our problems so there is one path
 * to HTTP. Their messages can quote the request (a path segment, a body fragment): never reused.
 */
function fromExpress(err: unknown): Problem | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; errno?: unknown };
  switch (e.type) {
    case 'entity.too.large':
      return new PayloadTooLarge('Request body too large', [{ field: '(body)', message: 'exceeds MAX_BODY' }]);
    case 'entity.parse.failed':
      return new InvalidRequest('Invalid JSON', [{ field: '(body)', message: 'is not valid JSON' }]);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaType('Unsupported encoding', [
        { field: 'content-encoding', message: 'unsupported charset or content-encoding (identity, gzip, deflate or br)' },
      ]);
    case 'request.aborted':
    case 'request.size.invalid':
      return new InvalidRequest('Incomplete request body', [{ field: '(body)', message: 'ended before its declared length' }]);
    case 'parameters.too.many':
      return new PayloadTooLarge('Too many parameters', [{ field: '(body)', message: 'has too many parameters' }]);
    default:
      break;
  }
  // A body labelled gzip/deflate/br that does not decompress (zlib's Z_DATA_ERROR and friends).
  if (typeof e.code === 'string' && /^(Z_|ERR_BROTLI|ERR_ZLIB)/.test(e.code)) {
    return new InvalidRequest('Unreadable request body', [{ field: 'content-encoding', message: 'the body does not decompress as its content-encoding says' }]);
  }
  // The router's own refusals: bad percent-encoding in the path (URIError, status 400).
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (err instanceof URIError) return new InvalidRequest('Malformed request', [{ field: 'path', message: 'is not valid percent-encoding' }]);
  if (status === 413) return new PayloadTooLarge('Request too large', [{ field: '(body)', message: 'exceeds MAX_BODY' }]);
  if (status === 415) return new UnsupportedMediaType('Unsupported media type', [{ field: 'content-type', message: 'must be application/json' }]);
  if (status !== undefined && status >= 400 && status < 500) return new InvalidRequest('Bad request', [{ message: 'the request could not be read' }]);
  return undefined;
}

/** The one place an error becomes an HTTP answer. Never a stack trace on the wire. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // Already answered (a body refused while it was still arriving): nothing more to send.
    if (res.headersSent) return;
    const problem = err instanceof Problem ? err : fromExpress(err);
    if (problem) {
      if (problem instanceof Unauthorized) {
        res.locals['authFailure'] = problem.reason;
        res.locals['caller'] = { iss: problem.iss, jti: problem.jti };
        countJwtRefusal(problem.reason);
      }
      res.locals['problem'] = { code: problemCode(problem), fields: problemFields(problem) };
      sendProblem(res, problem);
      return;
    }
    // The code and class only: a message can quote the value that was wrong, and a stack is for debugging.
    const e = err as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown } | null;
    res.locals['problem'] = { code: 'internal-error' };
    logger.error({ reqId: res.locals['reqId'], errorCode: cut(e?.code), errorType: cut(e?.name) }, 'unhandled error');
    logger.debug({ reqId: res.locals['reqId'], message: cut(e?.message, 256), stack: cut(e?.stack, 2000) }, 'unhandled error detail');
    res.status(500).json({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'fatal', code: 'exception', diagnostics: `internal error; reference ${res.locals['reqId'] ?? req.headers['x-request-id'] ?? ''}` }],
    });
  };
}
