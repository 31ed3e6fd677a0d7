import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

/** Captures every log line a test's app writes, to prove what is (and is not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export const TEST_NOW = '2026-11-21T12:00:00Z';

export function testConfig(env: Record<string, string> = {}): Config {
  // The embedded database in memory: a test never leaves a data folder behind.
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: 'memory://', ...env });
}

let counter = 0;
export function sequentialIds(): () => string {
  return () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
}

export function buildTestApp(overrides: Partial<AppDeps> & { env?: Record<string, string> } = {}) {
  const logs = new LogCapture();
  const { env, ...rest } = overrides;
  const config = rest.config ?? testConfig(env);
  const logger = createLogger('info', logs);
  const app = createApp({
    config,
    logger,
    clock: fixedClock(TEST_NOW),
    newId: sequentialIds(),
    services: rest.services ?? [],
    ...rest,
  });
  return { app, logs, config };
}
