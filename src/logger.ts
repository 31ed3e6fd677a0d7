import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Redaction is a second line of defence: code never logs tokens or
 * resources, and these paths catch a mistake before it reaches disk.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'trd-cds' },
      timestamp: pino.stdTimeFunctions.isoTime,
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
