/**
 * Paging as real servers do it: a `next` link is followed when it is on the same origin and under
 * the fhirServer base, including HAPI's query-only form (`<base>?_getpages=...`, also the SMART
 * launcher's) and a relative link; anything else makes the key unknown.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFhirReader } from '../../src/fhir/client.js';
import { gatherData } from '../../src/fhir/gather.js';
import { absoluteUnderBase, isUnderBase } from '../../src/fhir/server-allowlist.js';
import { closeNow, listenOnLoopback } from '../helpers/loopback.js';

describe('is a paging link under the FHIR base?', () => {
  const base = 'http://127.0.0.1:9090/fhir';
  it.each<[string, string, boolean]>([
    ['a path below the base', 'http://127.0.0.1:9090/fhir/Condition?page=2', true],
    ['HAPI query-only paging on the base', 'http://127.0.0.1:9090/fhir?_getpages=8f1c&_getpagesoffset=20&_count=20', true],
    ['the base with a trailing slash and a query', 'http://127.0.0.1:9090/fhir/?_getpages=8f1c', true],
    ['a sibling path that only starts like the base', 'http://127.0.0.1:9090/fhir-evil?_getpages=8f1c', false],
    ['another port', 'http://127.0.0.1:9091/fhir?_getpages=8f1c', false],
    ['another host', 'http://evil.example/fhir?_getpages=8f1c', false],
    ['the origin root', 'http://127.0.0.1:9090/?_getpages=8f1c', false],
    ['credentials in the URL', 'http://user:pw@127.0.0.1:9090/fhir?_getpages=8f1c', false],
  ])('%s', (_label, url, expected) => {
    expect(isUnderBase(url, base)).toBe(expected);
  });

  it.each<[string, string]>([
    ['?_getpages=8f1c', 'http://127.0.0.1:9090/fhir?_getpages=8f1c'],
    ['Condition?page=2', 'http://127.0.0.1:9090/fhir/Condition?page=2'],
    ['http://127.0.0.1:9090/fhir?_getpages=1', 'http://127.0.0.1:9090/fhir?_getpages=1'],
  ])('resolves %s against the base', (link, expected) => {
    expect(absoluteUnderBase(link, base)).toBe(expected);
  });
});

let server: Server;
let base: string;
beforeAll(async () => {
  // A HAPI-like server: the first page of a search links onward with `<base>?_getpages=<id>&_getpagesoffset=<n>`.
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const offset = Number(url.searchParams.get('_getpagesoffset') ?? '0');
    const isPage = url.pathname === '/fhir' && url.searchParams.has('_getpages');
    const isSearch = url.pathname === '/fhir/Condition';
    res.setHeader('content-type', 'application/fhir+json');
    if (!isPage && !isSearch) {
      res.statusCode = 404;
      return res.end('{}');
    }
    const entry = [{ resource: { resourceType: 'Condition', id: `c${offset}`, subject: { reference: 'Patient/p1' } } }];
    const link = offset < 2 ? [{ relation: 'next', url: `${base}?_getpages=8f1c&_getpagesoffset=${offset + 1}&_count=1` }] : [];
    res.end(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', link, entry }));
  });
  base = `http://127.0.0.1:${await listenOnLoopback(server)}/fhir`;
});
afterAll(() => closeNow(server));

describe('HAPI paging through gather', () => {
  it('follows <base>?_getpages= links to the last page', async () => {
    const { data } = await gatherData(
      {
        templates: { conditions: 'Condition?patient={{context.patientId}}' },
        required: [],
        prefetch: undefined,
        context: { patientId: 'p1' },
        fhirServer: base,
      },
      { settings: { serverAllowlist: [], production: false, queryTimeoutMs: 2000, callBudgetMs: 4000, maxPages: 5 }, readerFor: createFhirReader },
    );
    expect(data['conditions']).toMatchObject({ known: true, resources: [{ id: 'c0' }, { id: 'c1' }, { id: 'c2' }] });
  });
});
