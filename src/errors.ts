/**
 * One error type per failure class; `toHttp` in src/http/errors.ts is the only place they become HTTP.
 * Every problem carries FHIR OperationOutcome issues so clients get one machine-readable shape.
 */

export interface ProblemIssue {
  /** Where the problem is, as a dotted path into the request (FHIRPath-like), e.g. `context.patientId`. */
  readonly field?: string;
  readonly message: string;
  readonly code?: fhir4.OperationOutcomeIssue['code'];
}

export abstract class Problem extends Error {
  abstract readonly status: number;
  abstract readonly issueCode: fhir4.OperationOutcomeIssue['code'];
  constructor(
    message: string,
    readonly issues: readonly ProblemIssue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is malformed: bad JSON, a missing or mistyped field, the wrong hook for a service. */
export class InvalidRequest extends Problem {
  readonly status = 400;
  readonly issueCode = 'invalid' as const;
}

export class NotFound extends Problem {
  readonly status = 404;
  readonly issueCode = 'not-found' as const;
}

export class PayloadTooLarge extends Problem {
  readonly status = 413;
  readonly issueCode = 'too-costly' as const;
}

/** The body did not arrive within BODY_TIMEOUT_MS (a slow or stalled upload). */
export class RequestTimeout extends Problem {
  readonly status = 408;
  readonly issueCode = 'timeout' as const;
}

export class UnsupportedMediaType extends Problem {
  readonly status = 415;
  readonly issueCode = 'not-supported' as const;
}

/** CDS Hooks §Prefetch: data the service cannot do without is neither prefetched nor fetchable. */
export class PreconditionFailed extends Problem {
  readonly status = 412;
  readonly issueCode = 'incomplete' as const;
}

/** Why a bearer token was refused; the class names the reason without echoing the token. */
export type TokenRejection =
  | 'missing'
  | 'malformed'
  | 'unsupported-algorithm'
  | 'unknown-issuer'
  | 'unknown-key'
  | 'bad-signature'
  | 'bad-audience'
  | 'expired'
  | 'issued-in-future'
  | 'missing-jti'
  | 'replay'
  | 'untrusted-jku'
  | 'tenant-not-allowed'
  | 'keys-unavailable';

export class Unauthorized extends Problem {
  readonly status = 401;
  readonly issueCode = 'login' as const;
  /** The unverified iss and jti, for the log line only (never the token). */
  iss?: string;
  jti?: string;
  constructor(
    readonly reason: TokenRejection,
    message: string,
  ) {
    super(message);
  }
}

/** A dependency (the database) cannot take the request now; the client may retry. */
export class ServiceUnavailable extends Problem {
  readonly status = 503;
  readonly issueCode = 'transient' as const;
}

/** Start-up configuration or content is broken: the process must not serve. */
export class ConfigurationError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}:\n  - ${problems.join('\n  - ')}` : message);
    this.name = 'ConfigurationError';
  }
}
