import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/**
 * One process at a time in an embedded database folder. PGlite is a single-user Postgres with no lock of
 * its own: a second process opening the same folder (the report command beside a running service) and a
 * crash of either left the folder unopenable, with every ledger row, feedback item and snooze in it. Like
 * Postgres's postmaster.pid, the lock is a file holding the owner's process id, created exclusively; a file
 * whose process is gone (a crash, a SIGKILL) is stale and taken over, and so is one naming this process's own
 * id (a container restarted as PID 1).
 */
export class FolderInUse extends Error {
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(`the embedded database is in use by process ${pid} (${lockFile}): stop that process first, or ask the running service (GET /analytics/overrides)`);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the lock or throws FolderInUse; returns the release (idempotent; also run at process exit). */
export function lockFolder(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        try {
          if (Number(readFileSync(lockFile, 'utf8').trim()) === process.pid) unlinkSync(lockFile);
        } catch {
          // Already gone.
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new FolderInUse(lockFile, pid);
      unlinkSync(lockFile); // stale: its process is gone
    }
  }
  throw new Error(`could not take the lock ${lockFile}`);
}
