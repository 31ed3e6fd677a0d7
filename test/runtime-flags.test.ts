import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.js';

// The V8 settings that keep RSS under 250 MB (README "Performance": heap growth, semi-spaces, and PGlite's
// WebAssembly compiled once, by Liftoff, without an optimised second copy) must be the same
// however production starts the service, and this Node must accept them (it exits 9 on an unknown flag).
const startScript = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const npmStartFlags = startScript.split(/\s+/).filter((a) => a.startsWith('--'));
const dockerCmd = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8').match(/^CMD (\[.*\])$/m)?.[1];

describe('the Node flags production runs with', () => {
  it('are the same in npm start and the container', () => {
    expect(npmStartFlags).toContain('--max-semi-space-size=16');
    expect(npmStartFlags).toContain('--heap-growing-percent=50');
    expect(npmStartFlags).toContain('--liftoff-only');
    expect((JSON.parse(dockerCmd ?? '[]') as string[]).filter((a) => a.startsWith('--'))).toEqual(npmStartFlags);
  });

  it('are accepted by this Node', () => {
    const run = spawnSync(process.execPath, [...npmStartFlags, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
