import { spawn } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { closeGracefully } from '../../src/http/shutdown.js';
import { projectRoot } from '../../src/paths.js';

describe('graceful shutdown', () => {
  it('lets an in-flight request finish before the server closes', async () => {
    const server = createServer((_req, res) => setTimeout(() => res.end('done'), 300));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const body = new Promise<string>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const closing = closeGracefully(server, 5000);
    expect(await body).toBe('done');
    await closing;
    expect(server.listening).toBe(false);
    // The client's keep-alive socket must not hold the close open until its own timeout.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the real process exits 0 within 5 s of SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectRoot,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`not listening: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        if (out.includes('trd-cds listening')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(out).toContain('"signal":"SIGTERM"');
  });

  it('a bad configuration stops the process with every problem listed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectRoot,
      env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'loud' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(78);
    expect(err).toContain('PORT');
    expect(err).toContain('LOG_LEVEL');
  });
});
