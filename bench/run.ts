/**
 * trd-cds against the HTTP floor, in one run (`npm run bench`; `npm run bench -- --soak` for the
 * 60 s memory check). Each server runs in its own process (bench/servers.ts); autocannon drives it
 * from this one with 10 connections, after a warm-up. Absolute numbers drift on shared machines, so
 * every case is also given as a ratio to the floor measured in the same run.
 *
 * Writes bench/results.json and bench/results.md, and prints the table.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { projectRoot } from '../src/paths.js';
import { ketamineDraft } from '../test/builders/drafts.js';
import { bundle, prefetchFor } from '../test/builders/prefetch.js';
import { fhirBase } from '../test/helpers/fhir-test-server.js';
import { readFixture } from '../test/helpers/fixtures.js';
import { productionNode } from '../test/helpers/production-node.js';
import { benchEngine } from './engine.js';
import type { ServerKind } from './servers.js';

/** The realistic candidate: about 300 resources of medication history, observations and conditions. */
const BENCH_PATIENT = 'long-history-trd-candidate';

const flag = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SOAK = process.argv.includes('--soak');
/** --profile: a V8 CPU profile of each server during each case, in bench/profiles/ (open in Chrome DevTools). */
const PROFILE = process.argv.includes('--profile');
const DURATION_S = flag('duration', SOAK ? 60 : 15);
const WARMUP_S = flag('warmup', 3);
const CONNECTIONS = flag('connections', 10);
/** Rounds the measured seconds of each case are split into, interleaved across the cases. */
const ROUNDS = flag('rounds', 5);
/** --cases=floor,patientView: run only these (for quick comparisons); the full run is what results.json records. */
const ONLY = process.argv
  .find((a) => a.startsWith('--cases='))
  ?.split('=')[1]
  ?.split(',');

interface Running {
  child: ChildProcess;
  url: string;
  rss(): Promise<number>;
  ask<T>(message: string): Promise<T>;
}

/**
 * How production starts Node (package.json "start"; the Dockerfile repeats it): trd-cds and the floor
 * both run with its flags and environment, the same Node tuned the same way.
 */
const PRODUCTION_NODE = productionNode();
const PRODUCTION_NODE_FLAGS = PRODUCTION_NODE.flags;

async function startServer(kind: ServerKind, env: Record<string, string> = {}): Promise<Running> {
  // `npm run bench` runs the tsc output, as production does; under tsx the sources run as they are.
  const compiled = import.meta.url.endsWith('.js');
  const child = fork(fileURLToPath(new URL(compiled ? './servers.js' : './servers.ts', import.meta.url)), [kind, BENCH_PATIENT], {
    execArgv: [...(kind === 'fhir' ? [] : PRODUCTION_NODE_FLAGS), ...(compiled ? [] : ['--import', 'tsx'])],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...(kind === 'fhir' ? {} : PRODUCTION_NODE.env), ...env },
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  const ask = async <T>(question: string): Promise<T> => {
    child.send(question);
    const [reply] = (await once(child, 'message')) as [T];
    return reply;
  };
  return { child, url: `http://127.0.0.1:${message.port}`, ask, rss: async () => (await ask<{ rss: number }>('rss')).rss };
}

interface HttpCase {
  name: string;
  server: Running;
  path: string;
  /** Default: --connections (10). */
  connections?: number;
  body: object | object[];
}

interface HttpResult {
  name: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  rssMb: number;
  ofFloor?: number;
}

/**
 * Each request carries a hookInstance of its own, as an EHR's calls do, so what the service keeps per
 * call (explanation pages, ledger rows) grows as in use; the floor's requests are made the same way.
 */
function load(c: HttpCase, seconds: number): Promise<autocannon.Result> {
  const bodies = (Array.isArray(c.body) ? c.body : [c.body]).map((b) => JSON.stringify(b));
  return autocannon({
    url: `${c.server.url}${c.path}`,
    connections: c.connections ?? CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: bodies.map((body) => {
      const hookInstance = (JSON.parse(body) as { hookInstance: string }).hookInstance;
      const at = body.indexOf(hookInstance);
      const [before, after] = [body.slice(0, at), body.slice(at + hookInstance.length)];
      return { method: 'POST', body, setupRequest: (request) => ({ ...request, body: before + randomUUID() + after }) };
    }),
  });
}

/**
 * Measures the cases in interleaved rounds (floor, patient-view, ..., floor, patient-view, ...), so
 * that drift on a shared machine falls on every case alike and the ratios to the floor hold.
 * Throughput is all requests over all rounds; p50 is the median of the rounds' p50s, p90 and p99
 * the worst round's (autocannon does not hand out its histograms to merge).
 */
async function measureInRounds(cases: [string, HttpCase][]): Promise<HttpResult[]> {
  const rounds = PROFILE ? 1 : ROUNDS;
  const runs = new Map<string, autocannon.Result[]>(cases.map(([key]) => [key, []]));
  for (const [, c] of cases) await load(c, WARMUP_S);
  for (let round = 0; round < rounds; round++) {
    for (const [key, c] of cases) {
      if (PROFILE) await c.server.ask('profile-start');
      runs.get(key)!.push(await load(c, DURATION_S / rounds));
      if (PROFILE) {
        const { profile } = await c.server.ask<{ profile: object }>('profile-stop');
        mkdirSync(join(projectRoot, 'bench', 'profiles'), { recursive: true });
        writeFileSync(join(projectRoot, 'bench', 'profiles', `${key}.cpuprofile`), JSON.stringify(profile));
      }
    }
  }
  const results: HttpResult[] = [];
  for (const [key, c] of cases) {
    const rs = runs.get(key)!;
    const sum = (f: (r: autocannon.Result) => number) => rs.reduce((total, r) => total + f(r), 0);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    results.push({
      name: c.name,
      rps: Math.round(sum((r) => r.requests.total) / sum((r) => r.duration || DURATION_S / rounds)),
      p50: median(rs.map((r) => r.latency.p50)),
      p90: Math.max(...rs.map((r) => r.latency.p90)),
      p99: Math.max(...rs.map((r) => r.latency.p99)),
      errors: sum((r) => r.errors + r.timeouts + r.non2xx),
      rssMb: Math.round((await c.server.rss()) / 1e6),
    });
  }
  return results;
}

/** Proves each case does the work it claims before it is timed: the right answer, not just a 200. */
async function check(
  c: HttpCase,
  expectation: (body: { cards: { summary: string }[]; extension?: Record<string, unknown> }) => string | undefined,
): Promise<void> {
  const body = Array.isArray(c.body) ? c.body[0] : c.body;
  const res = await fetch(`${c.server.url}${c.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Parameters<typeof expectation>[0];
  const problem = res.status !== 200 ? `HTTP ${res.status}` : expectation(json);
  if (problem) throw new Error(`${c.name}: ${problem}`);
}

function table(results: HttpResult[], engine: { size: number; medianUs: number; p99Us: number }): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.rps} | ${r.ofFloor === undefined ? '—' : `${Math.round(r.ofFloor * 100)}%`} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.errors} | ${r.rssMb} |`,
  );
  return [
    '| case | req/s | of floor | p50 ms | p90 ms | p99 ms | errors | server RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    `| engine alone (${engine.size} resources, in-process) | — | — | ${(engine.medianUs / 1000).toFixed(2)} (median) | — | ${(engine.p99Us / 1000).toFixed(2)} | — | — |`,
  ].join('\n');
}

async function main(): Promise<void> {
  const fixture = readFixture(BENCH_PATIENT);
  const fhir = await startServer('fhir');
  const fhirSlow = fhirBase(fhir.url, { latencyMs: 50 });
  const fhirFast = fhirBase(fhir.url);
  // Calls with prefetch and calls that fetch run on separate instances, so each case's RSS and GC state are its own
  // (the soak runs both kinds on one instance).
  const trd = await startServer('trd', { FHIR_SERVER_ALLOWLIST: fhir.url });
  const trdFetching = await startServer('trd', { FHIR_SERVER_ALLOWLIST: fhir.url });
  const floor = await startServer('floor');

  const context = { userId: 'Practitioner/bench', patientId: fixture.patientId };
  const prefetch = prefetchFor(fixture.resources);
  const token = { access_token: 'bench-token', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'trd-cds' };
  const draft = { ...ketamineDraft(40), subject: { reference: `Patient/${fixture.patientId}` } };
  const patientView = { hook: 'patient-view', hookInstance: '7d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4d', context, prefetch };
  const noPrefetch = (fhirServer: string) => ({
    hook: 'patient-view',
    hookInstance: '7d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4e',
    context,
    fhirServer,
    fhirAuthorization: token,
  });
  const orderSelect = {
    hook: 'order-select',
    hookInstance: '7d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4f',
    context: { ...context, selections: [`MedicationRequest/${draft.id}`], draftOrders: bundle([draft]) },
    prefetch,
  };
  const pv = '/cds-services/trd-patient-view';
  const cases: Record<string, HttpCase> = {
    floor: { name: 'floor: express 5, same body, {"cards": []}', server: floor, path: pv, body: patientView },
    patientView: { name: `patient-view, full prefetch (${fixture.resources.length} resources)`, server: trd, path: pv, body: patientView },
    orderSelect: { name: 'order-select, ketamine draft, full prefetch', server: trd, path: '/cds-services/trd-order-select', body: orderSelect },
    noPrefetchSlow: { name: 'patient-view, no prefetch, FHIR on loopback +50 ms/request', server: trdFetching, path: pv, body: noPrefetch(fhirSlow) },
    noPrefetchFast: { name: 'patient-view, no prefetch, FHIR on loopback', server: trdFetching, path: pv, body: noPrefetch(fhirFast) },
  };

  const withPrefetch = await fetch(`${trd.url}${pv}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patientView),
  }).then((r) => r.json());
  const sameAsPrefetch = (b: { extension?: Record<string, unknown> }) =>
    JSON.stringify(b.extension) === JSON.stringify((withPrefetch as { extension?: unknown }).extension)
      ? undefined
      : 'assessment differs from the prefetch one';
  await check(cases.patientView!, (b) => (b.cards.length > 0 ? undefined : 'no cards'));
  await check(cases.orderSelect!, (b) => (b.cards.some((c) => /ketamine/i.test(c.summary)) ? undefined : 'no ketamine card'));
  await check(cases.noPrefetchSlow!, sameAsPrefetch);
  await check(cases.noPrefetchFast!, sameAsPrefetch);

  const machine = {
    date: new Date().toISOString().slice(0, 10),
    cpus: cpus().length,
    cpu: cpus()[0]?.model.trim(),
    memoryGb: Math.round(totalmem() / 1e9),
    node: process.version,
    nodeFlags: PRODUCTION_NODE_FLAGS,
    nodeEnv: Object.entries(PRODUCTION_NODE.env).map(([name, value]) => `${name}=${value}`),
  };
  console.log(
    `trd-cds benchmark: ${machine.cpus} x ${machine.cpu}, Node ${machine.node} ${[...machine.nodeEnv, ...PRODUCTION_NODE_FLAGS].join(' ')}, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s${SOAK ? '' : ` per case in ${PROFILE ? 1 : ROUNDS} interleaved rounds`}`,
  );

  if (SOAK) {
    await soak({ ...cases.patientView!, name: 'soak: patient-view, alternately with and without prefetch', body: [patientView, noPrefetch(fhirFast)] });
    for (const s of [trd, trdFetching, floor, fhir]) s.child.kill();
  } else {
    const results = await measureInRounds(Object.entries(cases).filter(([key]) => !ONLY || ONLY.includes(key)));
    // At 10 connections a saturated server queues every call behind nine others (p50 = 10 / throughput), so the
    // latency of one call on its own is measured too: what a clinician waits for when the EHR calls alone.
    const alone = ONLY
      ? []
      : await measureInRounds([
          ['floorAlone', { ...cases.floor!, name: 'floor, 1 connection', connections: 1 }],
          ['patientViewAlone', { ...cases.patientView!, name: 'patient-view, full prefetch, 1 connection', connections: 1 }],
          ['orderSelectAlone', { ...cases.orderSelect!, name: 'order-select, full prefetch, 1 connection', connections: 1 }],
        ]);
    for (const r of results) console.log(`  ${r.name}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, RSS ${r.rssMb} MB`);
    // The ratios need the floor of the same run (a --cases list without it gets none).
    const floorRps = results.find((r) => r.name === cases.floor!.name)?.rps;
    if (floorRps) for (const r of results) r.ofFloor = Math.round((r.rps / floorRps) * 100) / 100;
    for (const r of alone) console.log(`  ${r.name}: p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}`);
    for (const s of [trd, trdFetching, floor, fhir]) s.child.kill();
    if (ONLY) {
      for (const r of results) console.log(`  ${r.name}: ${r.ofFloor === undefined ? '' : `${Math.round(r.ofFloor * 100)}% of floor`}`);
      return;
    }
    const engine = benchEngine(300);
    const markdown = table([...results, ...alone], engine);
    const targets = checkTargets(results, alone, engine);
    writeFileSync(
      join(projectRoot, 'bench', 'results.json'),
      `${JSON.stringify({ machine, connections: CONNECTIONS, warmupSeconds: WARMUP_S, durationSeconds: DURATION_S, results, oneConnection: alone, engine, targets }, null, 2)}\n`,
    );
    const md = `Measured ${machine.date} on ${machine.cpus} x ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node} ${[...machine.nodeEnv, ...machine.nodeFlags].join(' ')}; ${CONNECTIONS} connections, ${DURATION_S} s per case in ${ROUNDS} interleaved rounds after ${WARMUP_S} s warm-up.\n\n${markdown}\n\n${targets.map((t) => `- ${t.met ? 'met' : '**not met**'}: ${t.target} (${t.measured})`).join('\n')}\n`;
    writeFileSync(join(projectRoot, 'bench', 'results.md'), md);
    console.log(`\n${md}`);
    if ([...results, ...alone].some((r) => r.errors > 0)) process.exitCode = 1;
  }
}

function checkTargets(results: HttpResult[], alone: HttpResult[], engine: { medianUs: number }) {
  const [floor, pv, os, slow] = results as [HttpResult, HttpResult, HttpResult, HttpResult];
  const [, pvAlone, osAlone] = alone as [HttpResult, HttpResult, HttpResult];
  const context = (one: HttpResult) => `; the floor's own p99 is ${floor.p99} ms at ${CONNECTIONS} connections; ${one.p99} ms with 1 connection`;
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  return [
    { target: 'patient-view with prefetch: >= 70% of floor throughput', met: pv.rps >= 0.7 * floor.rps, measured: pct(pv.rps / floor.rps) },
    { target: 'patient-view with prefetch: p99 < 20 ms', met: pv.p99 < 20, measured: `${pv.p99} ms${context(pvAlone)}` },
    { target: 'order-select: >= 70% of floor throughput', met: os.rps >= 0.7 * floor.rps, measured: pct(os.rps / floor.rps) },
    { target: 'order-select: p99 < 20 ms', met: os.p99 < 20, measured: `${os.p99} ms${context(osAlone)}` },
    { target: 'no prefetch at +50 ms FHIR latency: p50 < 120 ms', met: slow.p50 < 120, measured: `${slow.p50} ms` },
    { target: 'no prefetch at +50 ms FHIR latency: p99 < 250 ms', met: slow.p99 < 250, measured: `${slow.p99} ms` },
    { target: 'engine alone: median < 1 ms (300 resources)', met: engine.medianUs < 1000, measured: `${engine.medianUs} µs` },
    { target: 'server RSS < 250 MB after the run', met: results.every((r) => r.rssMb < 250), measured: `max ${Math.max(...results.map((r) => r.rssMb))} MB` },
  ];
}

/** 60 s of load with RSS sampled each second: the last third must not sit above the first. */
async function soak(c: HttpCase): Promise<void> {
  await load(c, WARMUP_S);
  const samples: number[] = [];
  const sampler = setInterval(() => void c.server.rss().then((rss) => samples.push(rss)), 1000);
  const r = await load(c, DURATION_S);
  clearInterval(sampler);
  const third = Math.floor(samples.length / 3);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length / 1e6;
  const first = mean(samples.slice(0, third));
  const last = mean(samples.slice(-third));
  const growth = (last - first) / first;
  const ok = growth < 0.05 && r.errors + r.non2xx + r.timeouts === 0;
  const summary = {
    name: c.name,
    seconds: DURATION_S,
    requests: r.requests.total,
    errors: r.errors + r.non2xx + r.timeouts,
    rssFirstThirdMb: Math.round(first),
    rssLastThirdMb: Math.round(last),
    growthPercent: Math.round(growth * 1000) / 10,
    met: ok,
  };
  writeFileSync(join(projectRoot, 'bench', 'soak-results.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `${summary.name}: ${summary.requests} requests in ${DURATION_S} s, ${summary.errors} errors; RSS first third ${summary.rssFirstThirdMb} MB, last third ${summary.rssLastThirdMb} MB (${summary.growthPercent}%): ${ok ? 'no growth' : 'GROWTH'}`,
  );
  if (!ok) process.exitCode = 1;
}

await main();
