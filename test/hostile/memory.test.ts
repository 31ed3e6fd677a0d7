/**
 * Bounded memory against hostile FHIR servers (issue 20): the real process, built and started as
 * production starts it (tsc output, `npm start`'s Node flags), fetching every key from a server that
 * streams forever or answers with gzip bombs, answers within its call budget and its peak resident
 * memory (VmHWM, Linux) stays under 300 MB. Before the outbound policy one such call took the service
 * from 173 MB to 2.19 GB. (Under tsx the same process holds about 60 MB more: its loader thread.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { startFaultServer, type Fault, type FaultServer } from '../helpers/fhir-fault-server.js';
import { productionNode } from '../helpers/production-node.js';

const BUDGET_MS = 4000;
const MB = 1024 * 1024;
const linux = process.platform === 'linux';

let faults: FaultServer;
let child: ChildProcess;
let origin: string;

/** Peak and current resident set of a process, in MB (Linux /proc). */
function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { peakMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
}

/** `npm start`'s Node flags and environment (package.json), which a test keeps equal to the container's. */
const PRODUCTION_NODE = productionNode();
// Inside the repository (ignored by git), so the built service finds package.json, fhir-profiles and node_modules above it.
const BUILD_DIR = '.test-results/memory-build';

beforeAll(async () => {
  const built = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--outDir', BUILD_DIR], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`tsc failed: ${built.stdout.slice(-1000)}`);
  faults = await startFaultServer({ bombBytes: 1024 * MB });
  // Started twice on one data folder: the first start creates the embedded database (PGlite's initdb peaks near
  // 780 MB, once in a deployment's life); the second is the service as it runs from then on.
  const dataDir = mkdtempSync(join(tmpdir(), 'trd-cds-memory-'));
  const first = await startService(dataDir);
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  ({ child, origin } = await startService(dataDir));
}, 240_000);

/** The built service on DATA_DIR, resolved once it listens and its database is open (the service at rest). */
async function startService(dataDir: string): Promise<{ child: ChildProcess; origin: string }> {
  const proc = spawn(process.execPath, [...PRODUCTION_NODE.flags, join(BUILD_DIR, 'src/main.js')], {
    cwd: projectRoot,
    env: {
      ...process.env,
      ...PRODUCTION_NODE.env,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      REQUIRE_JWT: 'false',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      FHIR_SERVER_ALLOWLIST: faults.origin,
      FHIR_QUERY_TIMEOUT_MS: '3000',
      FHIR_CALL_BUDGET_MS: String(BUDGET_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not listening: ${out.slice(-500)}`)), 90_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c;
      const m = /"port":(\d+)[^\n]*trd-cds listening|trd-cds listening[^\n]*"port":(\d+)/.exec(out);
      if (m && out.includes('database ready')) {
        clearTimeout(t);
        resolve({ child: proc, origin: `http://127.0.0.1:${m[1] ?? m[2]}` });
      }
    });
  });
}

afterAll(async () => {
  child?.kill('SIGKILL');
  await faults?.close();
});

async function callAgainst(fault: Fault): Promise<{ status: number; ms: number; body: { cards?: unknown[] } }> {
  const s = faults.scenario([{ resourceType: 'Patient', id: 'p1' } as fhir4.Patient], { '*': fault });
  const started = Date.now();
  const res = await fetch(`${origin}/cds-services/trd-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      hook: 'patient-view',
      hookInstance: crypto.randomUUID(),
      fhirServer: s.base,
      context: { userId: 'Practitioner/1', patientId: 'p1' },
    }),
  });
  return { status: res.status, body: (await res.json()) as { cards?: unknown[] }, ms: Date.now() - started };
}

describe.runIf(linux)('memory stays bounded against hostile FHIR servers (real process)', () => {
  it.each(['endless', 'gzip-bomb'] as const)(
    'every key from a %s server: answered within the call budget, peak RSS under 300 MB',
    async (fault) => {
      // The peak is this test's calls' own (writing 5 to clear_refs resets VmHWM, Linux).
      writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
      const before = memoryOf(child.pid!);
      for (let round = 0; round < 3; round++) {
        const { status, ms } = await callAgainst(fault);
        expect(status).toBe(200);
        expect(ms).toBeLessThan(BUDGET_MS + 2000);
      }
      const after = memoryOf(child.pid!);
      // Printed for the record (the issue asks for the measurement).
      console.log(`RSS ${fault}: before ${before.rssMb} MB, after ${after.rssMb} MB, peak ${after.peakMb} MB`);
      // Issue 20's target: a peak under 300 MB. With `npm start`'s --liftoff-only (no optimised copy of PGlite's
      // WebAssembly code) the service holds ~195 MB at rest and these calls peak at ~275 MB (2026-11-30); without
      // it they peaked at 307-351 MB. Before the outbound policy one such call reached 2.19 GB.
      expect(after.peakMb).toBeLessThan(300);
    },
    60_000,
  );
});
