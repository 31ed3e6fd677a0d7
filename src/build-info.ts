import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.js';

/** What runs: the package version and, when known, the git commit it was built from. */
export interface BuildInfo {
  version: string;
  commit?: string;
}

const HASH = /^[0-9a-f]{40}$/;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The commit of a git checkout (a worktree's `.git` file points to its own folder), or undefined. */
function commitOfCheckout(root: string): string | undefined {
  const dotGit = join(root, '.git');
  if (!existsSync(dotGit)) return undefined;
  const gitDir = statSync(dotGit).isFile() ? readText(dotGit)?.replace(/^gitdir:\s*/, '') : dotGit;
  if (!gitDir) return undefined;
  const head = readText(join(gitDir, 'HEAD'));
  if (!head) return undefined;
  if (HASH.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  const commonDir = readText(join(gitDir, 'commondir'));
  const dirs = [gitDir, ...(commonDir ? [join(gitDir, commonDir)] : [])];
  for (const dir of dirs) {
    const loose = readText(join(dir, ref));
    if (loose && HASH.test(loose)) return loose;
    const packed = readText(join(dir, 'packed-refs'))
      ?.split('\n')
      .find((l) => l.endsWith(` ${ref}`));
    if (packed) return packed.split(' ')[0];
  }
  return undefined;
}

/**
 * The version from package.json; the commit from GIT_COMMIT (the container build passes it), else
 * from the git checkout it runs in.
 */
export function buildInfo(gitCommit?: string): BuildInfo {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  const commit = gitCommit ?? commitOfCheckout(projectRoot);
  return { version: pkg.version, ...(commit ? { commit } : {}) };
}
