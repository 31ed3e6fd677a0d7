/**
 * A FHIR server that misbehaves on purpose, for the integration and fuzz tests (issue 20): each
 * scenario gets its own base URL (`/s<n>/fhir`), answers searches from the resources it was given,
 * and applies a fault to the resource types it names: redirects (off the host, outside the base),
 * endless or slow streams, gzip bombs and bodies falsely labelled gzip, an oversize Content-Length,
 * malformed searchset Bundles, and other patients' resources. A second listener ("elsewhere")
 * stands for the host a redirect points at and counts every request it receives.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { createGzip, gzipSync } from 'node:zlib';

export type Fault =
  | 'redirect-offsite'
  | 'redirect-outside-base'
  | 'redirect-within-base'
  | 'endless'
  | 'slow-body'
  | 'gzip-bomb'
  | 'not-gzip'
  | 'gzip-ok'
  | 'declared-huge'
  | 'hang'
  | 'entry-object'
  | 'total-without-entries'
  | 'wrong-type'
  | 'only-outcome'
  | 'other-patient'
  | 'non-bundle'
  | 'invalid-json';

export interface Scenario {
  base: string;
  /** Requests this scenario's base received, by path and query. */
  requests: string[];
  /** Authorization headers it received. */
  authorizations: (string | undefined)[];
}

export interface FaultServer {
  origin: string;
  /** The other host a redirect points at; `requests` counts what reached it. */
  elsewhere: { origin: string; requests: string[]; authorizations: (string | undefined)[] };
  scenario(resources: readonly fhir4.Resource[], faults?: Partial<Record<string, Fault>>): Scenario;
  close(): Promise<void>;
}

const FHIR_JSON = 'application/fhir+json';

/** A gzip of `size` bytes of spaces (about 1/1000 of that on the wire), built once per server. */
async function gzipBomb(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = once(gzip, 'end');
  const block = Buffer.alloc(1024 * 1024, 0x20);
  // A valid JSON start, then whitespace: a parser would read all of it before deciding.
  gzip.write('{"resourceType":"Bundle","type":"searchset","entry":[');
  for (let written = 0; written < size; written += block.length) {
    if (!gzip.write(block)) await once(gzip, 'drain');
  }
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

const searchset = (resources: readonly fhir4.Resource[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
});

const typeOf = (path: string): string => path.split('/').filter(Boolean)[0] ?? '';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': FHIR_JSON });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export async function startFaultServer(options: { bombBytes?: number } = {}): Promise<FaultServer> {
  const bomb = await gzipBomb(options.bombBytes ?? 256 * 1024 * 1024);
  const scenarios = new Map<string, { resources: readonly fhir4.Resource[]; faults: Partial<Record<string, Fault>>; s: Scenario }>();
  const open = new Set<ServerResponse>();
  let origin = '';

  const elsewhere = { origin: '', requests: [] as string[], authorizations: [] as (string | undefined)[] };
  const other: Server = createServer((req, res) => {
    elsewhere.requests.push(req.url ?? '');
    elsewhere.authorizations.push(req.headers.authorization);
    send(res, 200, searchset([{ resourceType: 'Condition', id: 'planted', subject: { reference: 'Patient/p1' } } as fhir4.Condition]));
  });

  function answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', origin);
    const m = /^\/(s\d+)\/fhir(\/.*)?$/.exec(url.pathname);
    const entry = m ? scenarios.get(m[1]!) : undefined;
    if (!entry) return send(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    const { resources, faults, s } = entry;
    const rest = m![2] ?? '/';
    s.requests.push(rest + url.search);
    s.authorizations.push(req.headers.authorization);
    const type = typeOf(rest);
    const fault = faults[type] ?? faults['*'];
    const matching = resources.filter((r) => r.resourceType === type);

    switch (fault) {
      case 'redirect-offsite':
        res.writeHead(302, { location: `${elsewhere.origin}/fhir${rest}${url.search}` });
        return void res.end();
      case 'redirect-outside-base':
        res.writeHead(307, { location: `${origin}/outside${rest}${url.search}` });
        return void res.end();
      case 'redirect-within-base':
        res.writeHead(301, { location: `${s.base}${rest}${url.search}&moved=1` });
        return void res.end();
      case 'endless': {
        res.writeHead(200, { 'content-type': FHIR_JSON });
        open.add(res);
        res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => open.delete(res));
        return pump();
      }
      case 'slow-body': {
        res.writeHead(200, { 'content-type': FHIR_JSON });
        open.add(res);
        const timer = setInterval(() => res.write(' '), 100);
        res.on('close', () => {
          clearInterval(timer);
          open.delete(res);
        });
        return void res.write('{"resourceType":"Bundle","type":"searchset"');
      }
      case 'gzip-bomb':
        res.writeHead(200, { 'content-type': FHIR_JSON, 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
        return void res.end(bomb);
      case 'gzip-ok':
        res.writeHead(200, { 'content-type': FHIR_JSON, 'content-encoding': 'gzip' });
        return void res.end(gzipSync(JSON.stringify(searchset(matching))));
      case 'not-gzip':
        res.writeHead(200, { 'content-type': FHIR_JSON, 'content-encoding': 'gzip' });
        return void res.end(JSON.stringify(searchset(matching)));
      case 'declared-huge':
        res.writeHead(200, { 'content-type': FHIR_JSON, 'content-length': String(10 * 1024 ** 3) });
        open.add(res);
        res.on('close', () => open.delete(res));
        return void res.write('{');
      case 'hang':
        open.add(res);
        res.on('close', () => open.delete(res));
        return;
      case 'entry-object':
        return send(res, 200, { resourceType: 'Bundle', type: 'searchset', total: matching.length, entry: { resource: matching[0] } });
      case 'total-without-entries':
        return send(res, 200, { resourceType: 'Bundle', type: 'searchset', total: Math.max(matching.length, 3) });
      case 'wrong-type':
        return send(res, 200, searchset([{ resourceType: 'Basic', id: 'b1', code: { text: 'not what was asked' } } as fhir4.Basic]));
      case 'only-outcome':
        return send(res, 200, {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            {
              resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'search failed' }] },
              search: { mode: 'outcome' },
            },
          ],
        });
      case 'other-patient':
        return send(
          res,
          200,
          searchset(
            matching.map(
              (r) =>
                ({
                  ...r,
                  id: `other-${r.id}`,
                  subject: { reference: 'Patient/someone-else' },
                  patient: { reference: 'Patient/someone-else' },
                }) as fhir4.Resource,
            ),
          ),
        );
      case 'non-bundle':
        return send(res, 200, { resourceType: 'Patient', id: 'unexpected' });
      case 'invalid-json':
        return send(res, 200, '{"resourceType":"Bundle","entry":[{');
      default:
        break;
    }
    if (rest.split('/').filter(Boolean).length === 2) {
      const found = resources.find((r) => r.resourceType === type && r.id === rest.split('/')[2]);
      return found ? send(res, 200, found) : send(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    }
    return send(res, 200, searchset(matching));
  }

  const server = createServer(answer);
  server.listen(0, '127.0.0.1');
  other.listen(0, '127.0.0.1');
  await Promise.all([once(server, 'listening'), once(other, 'listening')]);
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  elsewhere.origin = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
  let n = 0;
  return {
    origin,
    elsewhere,
    scenario(resources, faults = {}) {
      const id = `s${++n}`;
      const s: Scenario = { base: `${origin}/${id}/fhir`, requests: [], authorizations: [] };
      scenarios.set(id, { resources, faults, s });
      return s;
    },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      other.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
    },
  };
}
