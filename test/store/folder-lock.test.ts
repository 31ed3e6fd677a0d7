/**
 * One process at a time in an embedded database folder (outside tester: the report command run beside the
 * service, then a crash, left the folder unopenable with every ledger row, feedback item and snooze in it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderInUse, lockFolder } from '../../src/store/folder-lock.js';
import { CdsStore } from '../../src/store/index.js';
import { createLogger } from '../../src/logger.js';
import { projectRoot } from '../../src/paths.js';
import { LogCapture, testConfig, TEST_NOW } from '../helpers/app.js';
import { movableClock, TEST_SECRET } from '../helpers/store.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'trd-cds-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The id of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  return child.pid!;
}

const report = (dataDir: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/store/report-cli.ts')], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PSEUDONYM_SECRET: TEST_SECRET, NODE_ENV: 'test' },
    timeout: 60_000,
  });

describe('the embedded database folder lock', () => {
  it.each([
    { name: 'free-folder-is-taken-and-released', owner: undefined, takes: true },
    { name: 'folder-of-a-live-process-is-refused', owner: () => Promise.resolve(process.ppid), takes: false },
    { name: 'folder-of-a-crashed-process-is-taken-over', owner: deadPid, takes: true },
    { name: 'folder-naming-this-process-is-taken-over (a container restarted as PID 1)', owner: () => Promise.resolve(process.pid), takes: true },
  ])('$name', async ({ owner, takes }) => {
    const lock = join(tempDir(), 'pglite.lock');
    if (owner) writeFileSync(lock, `${await owner()}\n`);
    if (!takes) {
      expect(() => lockFolder(lock)).toThrow(FolderInUse);
      return;
    }
    const release = lockFolder(lock);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('the report command refuses a folder a running service holds, and a folder with no database', async () => {
    const dataDir = tempDir();
    const logs = new LogCapture();
    const service = await CdsStore.open(testConfig({ DATA_DIR: dataDir, PSEUDONYM_SECRET: TEST_SECRET }).store, {
      logger: createLogger('info', logs),
      clock: movableClock(TEST_NOW),
      overrideReasonSystem: 'x',
    });
    try {
      const held = report(dataDir);
      expect(held.status, held.stderr).toBe(1);
      expect(held.stderr).toMatch(new RegExp(`in use by process ${process.pid}`));
    } finally {
      await service.close();
    }
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
    const printed = report(dataDir);
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^Override analytics/);
    const mistyped = report(join(dataDir, 'no-such-folder'));
    expect(mistyped.status).toBe(1);
    expect(mistyped.stderr).toMatch(/no embedded database in .*no-such-folder/);
    expect(existsSync(join(dataDir, 'no-such-folder'))).toBe(false);
  }, 120_000);
});
