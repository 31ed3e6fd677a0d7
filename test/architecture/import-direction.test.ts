import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

/**
 * The request flows one way: src/ (protocol, FHIR, terminology, trust, HTTP) knows nothing of depression;
 * the assessment knows nothing of cards; cards know nothing of HTTP; a service folder knows no other
 * service folder. Each row: the files it governs and the project folders they must not import from.
 */
const RULES: { name: string; files: string; mayNotImport: string[]; except?: string[] }[] = [
  {
    name: 'src/ knows nothing of depression (only the composition root wires the services in)',
    files: 'src',
    mayNotImport: ['cds-services'],
    except: ['src/runtime.ts'],
  },
  {
    name: 'the assessment knows nothing of cards, order review, services or HTTP',
    files: 'cds-services/assessment',
    mayNotImport: [
      'cds-services/cards',
      'cds-services/order-review',
      'cds-services/trd-patient-view',
      'cds-services/trd-order-select',
      'cds-services/trd-order-sign',
      'cds-services/service-kit.ts',
      'cds-services/knowledge.ts',
      'cds-services/index.ts',
      'src/http',
      'src/app.ts',
    ],
  },
  {
    name: 'card primitives know nothing of HTTP, order review or any one service',
    files: 'cds-services/cards',
    mayNotImport: [
      'cds-services/order-review',
      'cds-services/trd-patient-view',
      'cds-services/trd-order-select',
      'cds-services/trd-order-sign',
      'cds-services/service-kit.ts',
      'cds-services/index.ts',
      'src/http',
      'src/app.ts',
    ],
  },
  {
    name: 'order review knows nothing of HTTP or of the service folders',
    files: 'cds-services/order-review',
    mayNotImport: ['cds-services/trd-patient-view', 'cds-services/trd-order-select', 'cds-services/trd-order-sign', 'src/http', 'src/app.ts'],
  },
  {
    name: 'patient-view knows no other service folder',
    files: 'cds-services/trd-patient-view',
    mayNotImport: ['cds-services/trd-order-select', 'cds-services/trd-order-sign', 'src/http', 'src/app.ts'],
  },
  {
    name: 'order-select knows no other service folder',
    files: 'cds-services/trd-order-select',
    mayNotImport: ['cds-services/trd-patient-view', 'cds-services/trd-order-sign', 'src/http', 'src/app.ts'],
  },
  {
    name: 'order-sign knows no other service folder',
    files: 'cds-services/trd-order-sign',
    mayNotImport: ['cds-services/trd-patient-view', 'cds-services/trd-order-select', 'src/http', 'src/app.ts'],
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Project-relative paths of the relative imports of a file (static, dynamic and re-exports). */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => relative(projectRoot, resolve(dirname(file), s.replace(/\.js$/, '.ts'))));
}

const within = (path: string, folder: string) => path === folder || path.startsWith(folder + '/');

export function violations(rule: (typeof RULES)[number]): string[] {
  return sourceFiles(join(projectRoot, rule.files))
    .filter((f) => !(rule.except ?? []).includes(relative(projectRoot, f)))
    .flatMap((f) =>
      importsOf(f)
        .filter((target) => rule.mayNotImport.some((folder) => within(target, folder)))
        .map((target) => `${relative(projectRoot, f)} imports ${target}`),
    );
}

describe('imports go one way', () => {
  it.each(RULES.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    expect(statSync(join(projectRoot, rule.files)).isDirectory()).toBe(true);
    expect(violations(rule)).toEqual([]);
  });

  it('the check sees a forbidden import (it would fail on one)', () => {
    const rule = { name: 'planted', files: 'cds-services/trd-patient-view', mayNotImport: ['cds-services/cards'] };
    expect(violations(rule).length).toBeGreaterThan(0);
  });

  it('cds-services/shared is gone: each part has a named home', () => {
    expect(() => statSync(join(projectRoot, 'cds-services', 'shared'))).toThrow();
  });
});
