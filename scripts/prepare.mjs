#!/usr/bin/env node
// npm's `prepare` (runs after `npm ci` / `npm install` in a checkout): compile once, so that
// `npm start` is plain `node` on dist/ and starts in the process's own ready time. When the
// compiler is absent (an install with --omit=dev), say how to build instead of failing the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  if (!existsSync('dist/src/main.js')) {
    console.warn('trd-cds: TypeScript is not installed (--omit=dev), so nothing was built. Build first: npm ci && npm run build && npm prune --omit=dev');
  }
  process.exit(0);
}
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// The FHIR R4 validators start-up needs, compiled once here rather than at every start (`npm run build` does the same).
const validators = spawnSync(process.execPath, ['scripts/build-fhir-validators.mjs'], { stdio: 'inherit' });
process.exit(validators.status ?? 1);
