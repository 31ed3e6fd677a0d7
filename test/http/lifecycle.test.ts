import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

interface Child {
  proc: ChildProcessWithoutNullStreams;
  out: () => string;
  lines: () => Record<string, unknown>[];
  exit: Promise<number | null>;
}

// Every process a test starts; one a failed test left running is killed after it, so no stray service outlives the run.
const started = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  started.clear();
});

function start(script: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', ...env },
  });
  started.add(proc);
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  proc.stderr.on('data', (c) => (out += c));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { proc, out: () => out, lines, exit: once(proc, 'exit').then(([code]) => code as number | null) };
}

async function waitFor<T>(what: string, child: Child, find: () => T | undefined, ms = 90_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until || child.proc.exitCode !== null) throw new Error(`${what} not seen: ${child.out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const portOf = (child: Child, msg: string) => waitFor(msg, child, () => child.lines().find((l) => l['msg'] === msg)?.['port'] as number | undefined);

async function busyPort(): Promise<{ port: number; close: () => void }> {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  return { port: (blocker.address() as { port: number }).port, close: () => blocker.close() };
}

describe('listening and stopping (src/http/lifecycle.ts, @godaddy/terminus)', { timeout: 90_000 }, () => {
  it('a port in use: one fatal line naming the cause, and exit code 1', async () => {
    const blocker = await busyPort();
    try {
      const child = start('test/helpers/lifecycle-harness.ts', { PORT: String(blocker.port) });
      expect(await child.exit).toBe(1);
      const fatal = child.lines().filter((l) => l['level'] === 60);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ errorCode: 'EADDRINUSE', port: blocker.port });
      expect(child.out()).not.toContain('"msg":"listening"');
    } finally {
      blocker.close();
    }
  });

  it('a host that cannot be bound: fatal line and exit code 1', async () => {
    const child = start('test/helpers/lifecycle-harness.ts', { HOST: '203.0.113.7' });
    expect(await child.exit).toBe(1);
    expect(child.lines().filter((l) => l['level'] === 60)).toEqual([expect.objectContaining({ errorCode: 'EADDRNOTAVAIL' })]);
  });

  it('SIGTERM: /readyz 503 at once, calls served through the drain delay, then in-flight calls finish and it exits 0', async () => {
    const child = start('test/helpers/lifecycle-harness.ts', { DRAIN_DELAY_MS: '1500', SHUTDOWN_TIMEOUT_MS: '4000' });
    const port = await portOf(child, 'listening');
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const slow = fetch(`${base}/slow?ms=2500`).then(async (r) => [r.status, await r.text()] as const);
    await new Promise((r) => setTimeout(r, 100));
    child.proc.kill('SIGTERM');
    await waitFor('shutting down', child, () => child.lines().find((l) => l['msg']?.toString().startsWith('shutting down')));
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    // Within the drain delay new calls are still answered, so a load balancer's last requests succeed.
    expect((await fetch(`${base}/fast`)).status).toBe(200);
    expect(await slow).toEqual([200, 'slow done']);
    expect(await child.exit).toBe(0);
    const messages = child.lines().map((l) => l['msg']);
    expect(messages).toContain('stopped');
    expect(messages).not.toContain('call still running at the shutdown timeout: cut');
  });

  it('a call still running at the shutdown timeout is logged, then cut', async () => {
    const child = start('test/helpers/lifecycle-harness.ts', { DRAIN_DELAY_MS: '0', SHUTDOWN_TIMEOUT_MS: '500' });
    const port = await portOf(child, 'listening');
    const slow = fetch(`http://127.0.0.1:${port}/slow?ms=20000`).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 200));
    child.proc.kill('SIGTERM');
    expect(await child.exit).toBe(0);
    expect(await slow).toBeInstanceOf(Error);
    const cutLine = child.lines().find((l) => l['msg'] === 'call still running at the shutdown timeout: cut');
    expect(cutLine).toMatchObject({ level: 50, method: 'GET', path: '/slow', timeoutMs: 500 });
    expect(cutLine!['runningMs']).toBeGreaterThanOrEqual(500);
  });
});

describe('the real service process', { timeout: 120_000 }, () => {
  it('starts with one line naming version, commit, configuration and thresholds hash; SIGTERM exits 0', async () => {
    // Its own embedded database folder: the checkout's ./data may hold another run's (or a killed run's) files.
    const child = start('src/main.ts', { DATA_DIR: mkdtempSync(join(tmpdir(), 'trd-cds-lifecycle-')) });
    const port = await portOf(child, 'trd-cds listening');
    const line = child.lines().find((l) => l['msg'] === 'trd-cds listening')!;
    expect(line).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), jwt: 'off', trustedIssuers: 0, fhirServerAllowlist: [] });
    expect(line['thresholdsSha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(line['thresholdsFile']).toContain('trd-thresholds.json');
    expect(typeof line['pid']).toBe('number');
    expect(typeof line['hostname']).toBe('string');
    // Ready once the embedded database has opened (its open stalls the event loop): 503 until then, then 200.
    const readiness: number[] = [];
    for (let i = 0; i < 600 && readiness.at(-1) !== 200; i++) {
      readiness.push((await fetch(`http://127.0.0.1:${port}/readyz`)).status);
      if (readiness.at(-1) !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(readiness.at(-1)).toBe(200);
    expect(new Set(readiness)).toEqual(new Set(readiness.length > 1 ? [503, 200] : [200]));
    expect(child.out()).toContain('"msg":"database ready"');
    child.proc.kill('SIGTERM');
    expect(await child.exit).toBe(0);
    expect(child.out()).toContain('"signal":"SIGTERM"');
  });

  it('the port in use: exits 1 with one fatal line, never "listening"', async () => {
    const blocker = await busyPort();
    try {
      const child = start('src/main.ts', { PORT: String(blocker.port) });
      expect(await child.exit).toBe(1);
      expect(child.lines().filter((l) => l['level'] === 60)).toEqual([expect.objectContaining({ errorCode: 'EADDRINUSE' })]);
      expect(child.out()).not.toContain('trd-cds listening');
    } finally {
      blocker.close();
    }
  });

  it('a bad configuration stops the process with every problem listed', async () => {
    const child = start('src/main.ts', { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(await child.exit).toBe(78);
    expect(child.out()).toContain('PORT');
    expect(child.out()).toContain('LOG_LEVEL');
  });
});
