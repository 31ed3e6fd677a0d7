/**
 * Start-up time as an operator sees it (issue 18: listening within 3 s of `npm start`): spawns
 * `npm start` on a free port, times until the port accepts a connection and until /readyz answers
 * 200, and reads the process's own figures from its start-up lines (knowledge load, readyMs).
 * Run after `npm run build` (it starts dist/, as production does):
 *
 *   npx tsx bench/startup.ts [runs, default 5]
 *
 * Prints one line per run and the medians. Absolute times depend on the machine's load: compare
 * runs made together.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../src/paths.js';

const RUNS = Number(process.argv[2] ?? 5);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

const ready = (port: number) =>
  fetch(`http://127.0.0.1:${port}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );

async function until(check: () => Promise<boolean>, started: number): Promise<number> {
  while (!(await check())) {
    if (performance.now() - started > 60_000) throw new Error('not up within 60 s');
    await sleep(5);
  }
  return performance.now() - started;
}

interface Run {
  listeningMs: number;
  readyMs: number;
  processReadyMs: number;
  knowledgeMs: number;
}

async function startOnce(): Promise<Run> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'trd-startup-'));
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  try {
    const listeningMs = await until(() => accepts(port), started);
    const readyMs = await until(() => ready(port), started);
    const line = (msg: string) =>
      out
        .split('\n')
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return {};
          }
        })
        .find((l) => l['msg'] === msg) ?? {};
    return {
      listeningMs,
      readyMs,
      processReadyMs: Number(line('trd-cds listening')['readyMs']),
      knowledgeMs: Number(line('clinical knowledge loaded')['loadMs']),
    };
  } finally {
    child.kill('SIGINT');
    await once(child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  const run = await startOnce();
  runs.push(run);
  console.log(
    `run ${i + 1}: port accepts ${Math.round(run.listeningMs)} ms, /readyz 200 ${Math.round(run.readyMs)} ms after npm start; ` +
      `process: ready ${run.processReadyMs} ms after main, knowledge ${run.knowledgeMs} ms`,
  );
}
console.log(
  `median of ${RUNS}: port accepts ${Math.round(median(runs.map((r) => r.listeningMs)))} ms, /readyz 200 ${Math.round(median(runs.map((r) => r.readyMs)))} ms, ` +
    `knowledge ${median(runs.map((r) => r.knowledgeMs))} ms`,
);
