import { codingKey } from './normalise.js';
import { EXT } from './systems.js';

/** Anything a FHIR element may hold where a code is expected; malformed input is tolerated. */
export type Codeish = fhir4.CodeableConcept | fhir4.Coding | readonly fhir4.CodeableConcept[] | null | undefined;

export interface ConceptCode {
  system: string;
  code: string;
  display?: string;
  verification: string;
  source?: string;
}

interface IndexedValueSet {
  url: string;
  title: string;
  keys: Map<string, ConceptCode & { ordinal?: number }>;
  text?: RegExp;
}

function codingsOf(value: Codeish): fhir4.Coding[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v) => codingsOf(v as fhir4.CodeableConcept));
  const cc = value as fhir4.CodeableConcept & fhir4.Coding;
  if (Array.isArray(cc.coding)) return cc.coding.filter((c): c is fhir4.Coding => typeof c === 'object' && c !== null);
  if ('code' in cc || 'system' in cc) return [cc];
  return [];
}

function textsOf(value: Codeish): string[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v) => textsOf(v as fhir4.CodeableConcept));
  const cc = value as fhir4.CodeableConcept & fhir4.Coding;
  const texts = [cc.text, cc.display, ...codingsOf(value).map((c) => c.display)];
  return texts.filter((t): t is string => typeof t === 'string' && t.length > 0);
}

const NO_CONCEPTS: ReadonlySet<string> = new Set();

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The one way the engine asks "is this coding in that concept?". ValueSets are indexed once at
 * start-up by normalised system|code, so each lookup is a hash probe. Codes match on system and
 * code together; a ValueSet may also declare words matched in text where the reference says
 * codes alone miss real data (device types, esketamine products).
 */
export class Terminology {
  private readonly sets = new Map<string, IndexedValueSet>();
  /** Reverse index: normalised system|code to the ValueSets that contain it. */
  private readonly setsByKey = new Map<string, Set<string>>();
  private readonly textSets: IndexedValueSet[] = [];

  constructor(valueSets: readonly fhir4.ValueSet[]) {
    for (const vs of valueSets) {
      if (!vs.url) throw new Error(`ValueSet ${vs.id ?? '?'} has no url`);
      const keys = new Map<string, ConceptCode & { ordinal?: number }>();
      for (const include of vs.compose?.include ?? []) {
        for (const concept of include.concept ?? []) {
          const key = codingKey(include.system, concept.code);
          if (!key) throw new Error(`ValueSet ${vs.url}: concept without system or code`);
          const ext = (url: string) => concept.extension?.find((e) => e.url === url);
          keys.set(key, {
            system: include.system!,
            code: concept.code,
            display: concept.display,
            verification: ext(EXT.codeVerification)?.valueCode ?? 'verified',
            source: ext(EXT.codeSource)?.valueString,
            ordinal: ext(EXT.ordinalValue)?.valueDecimal,
          });
        }
      }
      const words = (vs.extension ?? []).filter((e) => e.url === EXT.textMatch && e.valueString).map((e) => escapeRegExp(e.valueString!));
      const indexed: IndexedValueSet = {
        url: vs.url,
        title: vs.title ?? vs.name ?? vs.url,
        keys,
        text: words.length ? new RegExp(`\\b(?:${words.join('|')})\\b`, 'i') : undefined,
      };
      this.sets.set(vs.url, indexed);
      if (indexed.text) this.textSets.push(indexed);
      for (const key of keys.keys()) {
        const urls = this.setsByKey.get(key) ?? new Set<string>();
        urls.add(vs.url);
        this.setsByKey.set(key, urls);
      }
    }
  }

  private set(url: string): IndexedValueSet {
    const set = this.sets.get(url);
    // A rule naming a ValueSet that was not loaded is a programming error caught at start-up.
    if (!set) throw new Error(`unknown ValueSet ${url}`);
    return set;
  }

  has(url: string): boolean {
    return this.sets.has(url);
  }

  /** The first coding of `value` that is in the concept, if any. Never throws on bad data. */
  matchingCoding(value: Codeish, url: string): fhir4.Coding | undefined {
    const set = this.set(url);
    for (const coding of codingsOf(value)) {
      const key = codingKey(coding.system, coding.code);
      if (key && set.keys.has(key)) return coding;
    }
    return undefined;
  }

  /** True when a coding is in the concept, or (for ValueSets that declare words) the text names it. */
  inConcept(value: Codeish, url: string): boolean {
    if (this.matchingCoding(value, url)) return true;
    const text = this.set(url).text;
    return text ? textsOf(value).some((t) => text.test(t)) : false;
  }

  /**
   * Every ValueSet that contains a coding of `value` (or, for ValueSets that declare words, whose
   * words its text names, unless `matchText` is false). One pass over the codings: used to index a
   * patient record once per call.
   */
  conceptsOf(value: Codeish, matchText = true): ReadonlySet<string> {
    const codings = codingsOf(value);
    const texts = matchText && this.textSets.length ? textsOf(value) : [];
    // The common case, one coding and no text to match, allocates nothing.
    if (codings.length === 1 && texts.length === 0) return this.setsByKey.get(codingKey(codings[0]!.system, codings[0]!.code) ?? '') ?? NO_CONCEPTS;
    const found = new Set<string>();
    for (const coding of codings) {
      const key = codingKey(coding.system, coding.code);
      const urls = key ? this.setsByKey.get(key) : undefined;
      if (urls) for (const u of urls) found.add(u);
    }
    for (const s of this.textSets) if (!found.has(s.url) && texts.some((t) => s.text!.test(t))) found.add(s.url);
    return found;
  }

  /** The ordinal score a ValueSet gives a coding (e.g. PHQ-9 item answers), if any. */
  ordinal(value: Codeish, url: string): number | undefined {
    const set = this.set(url);
    for (const coding of codingsOf(value)) {
      const key = codingKey(coding.system, coding.code);
      const ordinal = key ? set.keys.get(key)?.ordinal : undefined;
      if (ordinal !== undefined) return ordinal;
    }
    return undefined;
  }

  codes(url: string): ConceptCode[] {
    return [...this.set(url).keys.values()];
  }

  title(url: string): string {
    return this.set(url).title;
  }

  valueSetUrls(): string[] {
    return [...this.sets.keys()];
  }

  /** Codes the reference could not verify, for terminology review. */
  unverifiedCodes(): (ConceptCode & { valueSet: string })[] {
    return [...this.sets.values()].flatMap((s) =>
      [...s.keys.values()].filter((c) => c.verification !== 'verified').map((c) => ({ ...c, valueSet: s.url })),
    );
  }
}
