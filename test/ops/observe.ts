import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import { registry } from '../../src/metrics.js';

/** The current value of a metric series (a counter, or a histogram's `_count`), 0 when absent. */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const base = name.replace(/_count$/, '');
  const metric = registry.getSingleMetric(base);
  if (!metric) throw new Error(`no metric ${base}`);
  const { values } = await metric.get();
  return values
    .filter((v) => (name.endsWith('_count') ? (v as { metricName?: string }).metricName === name : true))
    .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

export interface FakeFhirServer {
  url: string;
  requests: { url: string; headers: IncomingHttpHeaders }[];
  close(): void;
}

/**
 * A FHIR server for one test: answers Patient reads with the patient and every search with an empty
 * searchset, or never answers at all (`hang`), recording each request's headers.
 */
export async function fakeFhirServer(mode: 'answer' | 'hang' = 'answer'): Promise<FakeFhirServer> {
  const requests: FakeFhirServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    if (mode === 'hang') return;
    const body = /\/Patient\/[^/?]+$/.test(req.url ?? '')
      ? { resourceType: 'Patient', id: 'p1' }
      : { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] };
    res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/fhir`,
    requests,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
