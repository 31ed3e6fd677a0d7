import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';

/**
 * How production starts Node, read from package.json's "start" script (`NAME=value ... exec node --flag ... main.js`;
 * the Dockerfile repeats it as ENV and CMD, and test/runtime-flags.test.ts keeps the two equal): the environment it
 * sets and the Node flags it passes. The benchmark and the memory test run trd-cds with exactly these.
 */
export interface ProductionNode {
  /** Environment variables the start script sets before Node starts (read by the C library, e.g. MALLOC_ARENA_MAX). */
  env: Record<string, string>;
  /** Node and V8 flags, in order. */
  flags: string[];
}

export function productionNode(): ProductionNode {
  const start = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(/\s+/).filter(Boolean);
  const env = Object.fromEntries(
    words
      .slice(
        0,
        words.findIndex((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w)),
      )
      .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] as const),
  );
  return { env, flags: words.filter((w) => w.startsWith('--')) };
}
