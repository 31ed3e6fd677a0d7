import { memoByStringPair } from '../memo.js';
import { SYSTEM, SYSTEM_ALIASES } from './systems.js';

/** Canonical system URI for what real data carries (OIDs, trailing slashes, CMS HCPCS URI). */
export function normaliseSystem(system: unknown): string | undefined {
  if (typeof system !== 'string') return undefined;
  const trimmed = system.trim();
  if (!trimmed) return undefined;
  return SYSTEM_ALIASES[trimmed] ?? SYSTEM_ALIASES[`${trimmed}/`] ?? trimmed.replace(/\/+$/, '');
}

const UPPER_CASE_SYSTEMS = new Set<string>([SYSTEM.icd10cm, SYSTEM.hcpcs, SYSTEM.loinc, SYSTEM.cpt]);

/** Canonical code within its system: whitespace removed; ICD-10-CM upper-cased with its dot. */
export function normaliseCode(system: string, code: unknown): string | undefined {
  if (typeof code !== 'string' && typeof code !== 'number') return undefined;
  let c = String(code).replace(/\s+/g, '');
  if (!c) return undefined;
  if (UPPER_CASE_SYSTEMS.has(system)) c = c.toUpperCase();
  if (system === SYSTEM.icd10cm && !c.includes('.') && c.length > 3) c = `${c.slice(0, 3)}.${c.slice(3)}`;
  return c;
}

function computeCodingKey(system: unknown, code: unknown): string | undefined {
  const s = normaliseSystem(system);
  if (!s) return undefined;
  const c = normaliseCode(s, code);
  return c ? `${s}|${c}` : undefined;
}

// Records repeat the same few systems and codes: normalise each pair once.
const cachedCodingKey = memoByStringPair(computeCodingKey);

/** The lookup key of a coding, or undefined when it lacks a system or a code (never matched). */
export function codingKey(system: unknown, code: unknown): string | undefined {
  return typeof system === 'string' && typeof code === 'string' ? cachedCodingKey(system, code) : computeCodingKey(system, code);
}
