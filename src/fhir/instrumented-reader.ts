import { performance } from 'node:perf_hooks';
import { countFhirQuery } from '../metrics.js';
import { FhirRequestError, type FhirReader } from './client.js';

/** A reader that counts each request by resource type and outcome, and times it, for /metrics. */
export function instrumentedReader(reader: FhirReader): FhirReader {
  return {
    async read(url, signal) {
      const started = performance.now();
      try {
        const resource = await reader.read(url, signal);
        countFhirQuery(url, 'ok', (performance.now() - started) / 1000);
        return resource;
      } catch (err) {
        countFhirQuery(url, err instanceof FhirRequestError ? err.kind : 'unreachable', (performance.now() - started) / 1000);
        throw err;
      }
    },
  };
}
