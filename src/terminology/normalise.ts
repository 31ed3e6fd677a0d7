import { memoByString, memoByStringPair } from '../memo.js';
import { SYSTEM, SYSTEM_ALIASES } from './systems.js';

function computeSystem(system: string): string | undefined {
  const trimmed = system.trim();
  if (!trimmed) return undefined;
  return SYSTEM_ALIASES[trimmed] ?? SYSTEM_ALIASES[`${trimmed}/`] ?? trimmed.replace(/\/+$/, '');
}

// A record repeats a few systems thousands of times (every unit of every Quantity is read through here).
const cachedSystem = memoByString(computeSystem);

/** Canonical system URI for what real data carries (OIDs, trailing slashes, CMS HCPCS URI). */
export function normaliseSystem(system: unknown): string | undefined {
  return typeof system === 'string' ? cachedSystem(system) : undefined;
}

const UPPER_CASE_SYSTEMS = new Set<string>([SYSTEM.icd10cm, SYSTEM.icd10, SYSTEM.hcpcs, SYSTEM.loinc, SYSTEM.cpt]);

/**
 * An NDC as its 11-digit HIPAA form without hyphens (5-4-2): the same package whichever layout it is written in.
 * A hyphenated NDC (10-digit 4-4-2, 5-3-2 or 5-4-1, or 11-digit 5-4-2) has each segment padded with leading zeros
 * ("50458-028-03" and "50458-0028-03" are 50458002803); 11 digits without hyphens are already that form. Ten digits
 * without hyphens cannot be placed (the short segment is unknown) and are kept as written.
 */
function normaliseNdc(code: string): string {
  const segments = /^(\d{4,5})-(\d{3,4})-(\d{1,2})$/.exec(code);
  if (!segments) return code;
  const [, labeler, product, pack] = segments as unknown as [string, string, string, string];
  return `${labeler.padStart(5, '0')}${product.padStart(4, '0')}${pack.padStart(2, '0')}`;
}

/** Canonical code within its system: whitespace removed; ICD-10-CM and WHO ICD-10 upper-cased with their dot; an NDC in its 11-digit form. */
export function normaliseCode(system: string, code: unknown): string | undefined {
  if (typeof code !== 'string' && typeof code !== 'number') return undefined;
  let c = String(code).replace(/\s+/g, '');
  if (!c) return undefined;
  if (UPPER_CASE_SYSTEMS.has(system)) c = c.toUpperCase();
  if ((system === SYSTEM.icd10cm || system === SYSTEM.icd10) && !c.includes('.') && c.length > 3) c = `${c.slice(0, 3)}.${c.slice(3)}`;
  if (system === SYSTEM.ndc) c = normaliseNdc(c);
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

/**
 * Cyrillic and Greek letters drawn like Latin ones (Unicode confusables, the common subset), to their
 * Latin twin: "kеtamine" with a Cyrillic "е" is ketamine to the eye, so it is ketamine to the matcher.
 * Cyrillic, then Greek, each letter over its Latin twin.
 */
const LOOKALIKE_LETTERS = 'авекмнорстухіјѕԁһӏԛԝАВЕКМНОРСТУХІЈЅԚԜαεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ';
const LATIN_TWINS = 'abekmhopctyxijsdhlqwABEKMHOPCTYXIJSQWaeikvoptuxABEZHIKMNOPTYX';
const LOOKALIKES: ReadonlyMap<string, string> = new Map([...LOOKALIKE_LETTERS].map((c, i) => [c, LATIN_TWINS[i]!]));
const LOOKALIKE = new RegExp(`[${LOOKALIKE_LETTERS}]`, 'gu');
const ONLY_LOOKALIKES = new RegExp(`^[${LOOKALIKE_LETTERS}]+$`, 'u');
const LATIN = /\p{Script=Latin}/u;
/**
 * A word is read as Latin when it is a disguise: Latin letters mixed with look-alikes ("kеtamine"), or
 * look-alikes only ("ΚΕΤΑΜΙΝΕ"). A word of its own script ("Парацетамол") stays as written.
 */
const unmask = (word: string): string => (LATIN.test(word) || ONLY_LOOKALIKES.test(word) ? word.replace(LOOKALIKE, (c) => LOOKALIKES.get(c)!) : word);

/**
 * A name text as the drug-name matcher compares it (revision-2 DS-4 name matching): compatibility
 * decomposition (NFKD: fullwidth "ＫＥＴＡＭＩＮＥ" is KETAMINE), accents dropped ("Kétamine" is
 * Ketamine), format characters removed (soft hyphen, zero-width space and joiners, BOM: "keta\u00ADmine"
 * is ketamine) and Cyrillic or Greek look-alike letters read as Latin in a word that is a disguise
 * (`unmask`). Case is kept (matching ignores it). Plain ASCII is returned as it is, at the cost of one test.
 */
export function foldText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text;
  return text
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .replace(/\p{L}+/gu, unmask);
}
