import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';

/** The real requests captured from the public CDS Hooks sandbox, vendored as fixtures (see its README). */
export const sandboxDir = join(projectRoot, 'test', 'fixtures', 'sandbox');

export interface SandboxCapture {
  name: string;
  request: Record<string, unknown> & { hook: string; context: Record<string, unknown> };
  jwt: { header: Record<string, string>; claims: Record<string, unknown>; path: string };
}

export function sandboxCaptures(): SandboxCapture[] {
  return readdirSync(sandboxDir)
    .filter((f) => f.endsWith('.request.json'))
    .sort()
    .map((f) => {
      const name = f.replace('.request.json', '');
      return {
        name,
        request: JSON.parse(readFileSync(join(sandboxDir, f), 'utf8')),
        jwt: JSON.parse(readFileSync(join(sandboxDir, `${name}.jwt.json`), 'utf8')),
      };
    });
}
