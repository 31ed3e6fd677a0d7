import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.js';
import { productionNode } from './helpers/production-node.js';

// The settings that keep RSS under 250 MB (README "Node flags": heap growth, semi-spaces, PGlite's WebAssembly
// compiled once by Liftoff, and two malloc arenas) must be the same however production starts the service, and
// this Node must accept them (it exits 9 on an unknown flag).
const production = productionNode();
const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
const dockerCmd = JSON.parse(dockerfile.match(/^CMD (\[.*\])$/m)?.[1] ?? '[]') as string[];
const dockerEnv = Object.fromEntries([...dockerfile.matchAll(/^ENV ([A-Z_][A-Z0-9_]*)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));

describe('how production starts Node', () => {
  it('npm start and the container pass the same flags', () => {
    expect(production.flags).toEqual(['--heap-growing-percent=35', '--max-semi-space-size=8', '--liftoff-only']);
    expect(dockerCmd.filter((a) => a.startsWith('--'))).toEqual(production.flags);
  });

  it('npm start and the container set the same environment for the C library', () => {
    expect(production.env).toEqual({ MALLOC_ARENA_MAX: '2' });
    for (const [name, value] of Object.entries(production.env)) expect(dockerEnv[name]).toBe(value);
  });

  it('this Node accepts the flags', () => {
    const run = spawnSync(process.execPath, [...production.flags, '-e', 'process.exit(0)'], { encoding: 'utf8', env: { ...process.env, ...production.env } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
