import { hostname } from 'node:os';
import { Stream } from 'node:stream';
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Ids (hookInstance, card uuids, jti, codes) are cut to this length in logs. */
export const LOG_ID_MAX = 64;
/** Any other string a log line carries is cut to this length. */
export const LOG_STRING_MAX = 256;

/** A value for a log field: strings cut to `max` characters (with a marker), anything else dropped. */
export function cut(value: unknown, max = LOG_ID_MAX): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length <= max ? value : `${value.slice(0, max)}…[${value.length}]`;
}

/**
 * An object whose fields the line prints. pino-http's line carries the request and response
 * streams, which its serializers drop: walking their (inherited) fields cost 1 % of a hook call.
 */
const isLoggedObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Stream);

/** Cuts long strings in a log record, top level and one level down, so no field can flood a line. */
function bounded(record: Record<string, unknown>): Record<string, unknown> {
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'string') {
      if (value.length > LOG_STRING_MAX) record[key] = cut(value, LOG_STRING_MAX);
    } else if (isLoggedObject(value)) {
      const inner = value as Record<string, unknown>;
      for (const k in inner) {
        const v = inner[k];
        if (typeof v === 'string' && v.length > LOG_STRING_MAX) record[key] = { ...inner, [k]: cut(v, LOG_STRING_MAX) };
      }
    }
  }
  return record;
}

/**
 * Structured JSON logs, one object per line with pid and hostname. Redaction is a second line of
 * defence: code never logs tokens, values from requests or resources, and these paths catch a
 * mistake before it reaches disk. Errors are logged by code and field names, never by message or stack
 * (a message can quote the value that was wrong).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'trd-cds', pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: bounded },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'authorization',
          'fhirAuthorization',
          '*.fhirAuthorization',
          'access_token',
          '*.access_token',
          'token',
          'prefetch',
          'resource',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
