import { memoByString } from '../memo.js';
import { codingKey, foldText, normaliseCode, normaliseSystem } from './normalise.js';
import { EXT, SYSTEM } from './systems.js';

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
  /** Phrases set aside before `text` is matched (`text-match-not`): another concept's name containing these words. */
  notText?: RegExp;
  /** Whole result texts that mean this answer, normalised (`normaliseResultText`). */
  resultTexts?: Set<string>;
}

/** A result text as compared: lower case, spaces collapsed, trailing full stop dropped. */
const normaliseResultText = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.!]+$/, '');

/**
 * Calls `visit` with each coding of `value` until it returns true; allocates nothing, because the
 * engine asks this for every code of every resource of every call.
 */
function someCoding(value: Codeish, visit: (coding: fhir4.Coding) => boolean): boolean {
  if (!value || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const v of value) if (someCoding(v as fhir4.CodeableConcept, visit)) return true;
    return false;
  }
  const cc = value as fhir4.CodeableConcept & fhir4.Coding;
  if (Array.isArray(cc.coding)) {
    for (const c of cc.coding) if (typeof c === 'object' && c !== null && visit(c)) return true;
    return false;
  }
  return ('code' in cc || 'system' in cc) && visit(cc);
}

const isText = (t: unknown): t is string => typeof t === 'string' && t.length > 0;

/**
 * As someCoding, for the texts of `value`: its text or display, and its codings' displays, each folded
 * (`foldText`: accents, fullwidth forms, soft hyphens, zero-width characters, look-alike letters) so
 * every text match sees the name a reader sees.
 */
function someText(value: Codeish, visit: (text: string) => boolean): boolean {
  if (!value || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const v of value) if (someText(v as fhir4.CodeableConcept, visit)) return true;
    return false;
  }
  const cc = value as fhir4.CodeableConcept & fhir4.Coding;
  if (isText(cc.text) && visit(foldText(cc.text))) return true;
  if (isText(cc.display) && visit(foldText(cc.display))) return true;
  return someCoding(value, (c) => isText(c.display) && visit(foldText(c.display)));
}

/**
 * The single coding of a CodeableConcept with one coding (the shape most real codes have), when
 * its texts do not matter or it has none.
 */
function soleCoding(value: Codeish, ignoreText: boolean): fhir4.Coding | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const cc = value as fhir4.CodeableConcept;
  if (!Array.isArray(cc.coding) || cc.coding.length !== 1) return undefined;
  const c = cc.coding[0];
  if (typeof c !== 'object' || c === null) return undefined;
  return ignoreText || (cc.text === undefined && c.display === undefined) ? c : undefined;
}

const NO_CONCEPTS: ReadonlySet<string> = new Set();

/**
 * Whether a (folded) text names a ValueSet by its words. A text holding one of its `text-match-not`
 * phrases (another concept's name containing its words: "Ketanest S", "S-ketamine") never names it, so one
 * text never names both ketamine and esketamine ("Ketanest 25 mg/ml (S-ketamine)" is esketamine only).
 */
const namesByText = (set: IndexedValueSet, text: string): boolean => set.text!.test(text) && !set.notText?.test(text);

/** A phrase as a whole-word pattern: a word boundary at each end that is a letter or digit ("(s)-ketamine" opens with none). */
export const wholePhrase = (phrase: string): string => {
  const folded = foldText(phrase);
  return `${/^\w/.test(folded) ? '\\b' : ''}${escapeRegExp(folded)}${/\w$/.test(folded) ? '\\b' : ''}`;
};

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  /** ICD-10-CM `is-a` filters: a code prefix (normalised, with its dot) to the ValueSets that include its family. */
  private readonly icdFamilies = new Map<string, Set<string>>();
  /** Codes a ValueSet excludes from its families (normalised key to ValueSet urls). */
  private readonly excluded = new Map<string, Set<string>>();

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
      for (const include of vs.compose?.include ?? []) {
        for (const f of include.filter ?? []) {
          // The ICD-10-CM hierarchy is its code prefix: "I63" is every cerebral infarction code.
          if (normaliseSystem(include.system) !== SYSTEM.icd10cm || f.op !== 'is-a' || f.property !== 'concept') {
            throw new Error(`ValueSet ${vs.url}: only ICD-10-CM is-a filters are supported`);
          }
          const prefix = normaliseCode(SYSTEM.icd10cm, f.value)!;
          const urls = this.icdFamilies.get(prefix) ?? new Set<string>();
          urls.add(vs.url);
          this.icdFamilies.set(prefix, urls);
        }
      }
      for (const exclude of vs.compose?.exclude ?? []) {
        for (const concept of exclude.concept ?? []) {
          const key = codingKey(exclude.system, concept.code);
          if (!key) continue;
          const urls = this.excluded.get(key) ?? new Set<string>();
          urls.add(vs.url);
          this.excluded.set(key, urls);
        }
      }
      const phrases = (vs.extension ?? []).filter((e) => e.url === EXT.textMatch && e.valueString).map((e) => wholePhrase(e.valueString!));
      // Every word at the start of a word of the text, in any order: one look-ahead per word.
      const wordSets = (vs.extension ?? [])
        .filter((e) => e.url === EXT.textMatchWords && e.valueString)
        .map(
          (e) =>
            `^${e
              .valueString!.trim()
              .split(/\s+/)
              .map((w) => `(?=[\\s\\S]*\\b${escapeRegExp(foldText(w))})`)
              .join('')}`,
        );
      const patterns = [...phrases, ...wordSets];
      const indexed: IndexedValueSet = {
        url: vs.url,
        title: vs.title ?? vs.name ?? vs.url,
        keys,
        text: patterns.length ? new RegExp(patterns.join('|'), 'i') : undefined,
      };
      const notPhrases = (vs.extension ?? []).filter((e) => e.url === EXT.textMatchNot && e.valueString).map((e) => wholePhrase(e.valueString!));
      if (notPhrases.length) indexed.notText = new RegExp(notPhrases.join('|'), 'i');
      const resultTexts = (vs.extension ?? []).filter((e) => e.url === EXT.resultText && e.valueString).map((e) => normaliseResultText(e.valueString!));
      if (resultTexts.length) indexed.resultTexts = new Set(resultTexts);
      this.sets.set(vs.url, indexed);
      if (indexed.text) this.textSets.push(indexed);
      for (const key of keys.keys()) {
        const urls = this.setsByKey.get(key) ?? new Set<string>();
        urls.add(vs.url);
        this.setsByKey.set(key, urls);
      }
    }
  }

  private readonly icdKeyPrefix = `${SYSTEM.icd10cm}|`;

  /** The ValueSets an ICD-10-CM key is in through a family, with the exact ones; worked out once per key. */
  private readonly withFamilies = memoByString((key: string): ReadonlySet<string> => {
    const exact = this.setsByKey.get(key);
    const code = key.slice(this.icdKeyPrefix.length);
    let found: Set<string> | undefined;
    for (let end = 3; end <= code.length; end++) {
      const urls = this.icdFamilies.get(code.slice(0, end));
      if (!urls) continue;
      for (const u of urls) if (!this.excluded.get(key)?.has(u)) (found ??= new Set(exact)).add(u);
    }
    return found ?? exact ?? NO_CONCEPTS;
  });

  private readonly whoKeyPrefix = `${SYSTEM.icd10}|`;

  /**
   * The ValueSets a WHO ICD-10 key is in: its own WHO concepts, and the same code read as ICD-10-CM. ICD-10-CM
   * is WHO ICD-10 with subdivisions added; its categories and four-character subcategories keep WHO's meaning
   * (F32.2, F33.1, F31.4, F20.0, I67.1, I71.4 are the same disorder in both), so a WHO code is read as the
   * ICD-10-CM code of the same characters, exactly or by an ICD-10-CM family. Where they part:
   * - WHO's fifth characters are not CM's (F31.31 is "with somatic syndrome" in WHO, "mild" in CM; F32.01 and F20.00
   *   have no CM meaning): a WHO code is read at four characters (F31.31 as F31.3).
   * - A WHO subcategory that CM subdivides (F31.3, F31.6, F31.7, F33.4, G40.x, I60.0) is only a heading in CM and in
   *   no ValueSet: WHO concepts name those that matter (F31.3 is bipolar depression; G40.x is a seizure disorder whose
   *   control is not coded, never "intractable").
   * - WHO categories CM does not have (G41 status epilepticus, F30.0 hypomania): WHO concepts name them.
   */
  private readonly whoSets = memoByString((key: string): ReadonlySet<string> => {
    const code = key.slice(this.whoKeyPrefix.length);
    const found = [
      this.setsByKey.get(key),
      this.setsByKey.get(`${this.whoKeyPrefix}${code.slice(0, 5)}`),
      this.setsOf(`${this.icdKeyPrefix}${code.slice(0, 5)}`),
    ].filter((s): s is ReadonlySet<string> => s !== undefined && s.size > 0);
    if (found.length <= 1) return found[0] ?? NO_CONCEPTS;
    return new Set(found.flatMap((s) => [...s]));
  });

  /** ValueSets containing a normalised key: exact codes, ICD-10-CM families when any are loaded, WHO ICD-10 as ICD-10-CM. */
  private setsOf(key: string | undefined): ReadonlySet<string> | undefined {
    if (!key) return undefined;
    if (key.startsWith(this.whoKeyPrefix)) return this.whoSets(key);
    if (this.icdFamilies.size === 0 || !key.startsWith(this.icdKeyPrefix)) return this.setsByKey.get(key);
    return this.withFamilies(key);
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
    let found: fhir4.Coding | undefined;
    someCoding(value, (coding) => {
      const key = codingKey(coding.system, coding.code);
      if (key && (set.keys.has(key) || this.setsOf(key)?.has(url))) found = coding;
      return found !== undefined;
    });
    return found;
  }

  /** True when a coding is in the concept, or (for ValueSets that declare words) the text names it. */
  inConcept(value: Codeish, url: string): boolean {
    const set = this.set(url);
    if (
      someCoding(value, (coding) => {
        const key = codingKey(coding.system, coding.code);
        return key !== undefined && (set.keys.has(key) || this.setsOf(key)?.has(url) === true);
      })
    ) {
      return true;
    }
    return set.text ? someText(value, (t) => namesByText(set, t)) : false;
  }

  /**
   * Where a ValueSet's words name it in a text, in the text as every text match sees it (folded): that text
   * and each place's start and end, in order. Empty when the text does not name it (or names it only inside
   * a `text-match-not` phrase). A `text-match-words` match has no one place: it spans the whole text.
   */
  textMatches(text: unknown, url: string): { text: string; start: number; end: number }[] {
    const set = this.set(url);
    if (!set.text || !isText(text)) return [];
    const folded = foldText(text);
    if (!namesByText(set, folded)) return [];
    const places = [...folded.matchAll(new RegExp(set.text.source, 'gi'))].filter((m) => m[0].length > 0);
    if (!places.length) return [{ text: folded, start: 0, end: folded.length }];
    return places.map((m) => ({ text: folded, start: m.index, end: m.index + m[0].length }));
  }

  /**
   * Every ValueSet that contains a coding of `value` (or, for ValueSets that declare words, whose
   * words its text names, unless `matchText` is false). One pass over the codings: used to index a
   * patient record once per call.
   */
  conceptsOf(value: Codeish, matchText = true): ReadonlySet<string> {
    // The common case, one coding and no text, allocates nothing: the shared set is returned.
    const sole = soleCoding(value, !matchText || this.textSets.length === 0);
    if (sole) return this.setsOf(codingKey(sole.system, sole.code)) ?? NO_CONCEPTS;
    const found = new Set<string>();
    someCoding(value, (coding) => {
      const urls = this.setsOf(codingKey(coding.system, coding.code));
      if (urls) for (const u of urls) found.add(u);
      return false;
    });
    if (matchText) {
      for (const s of this.textSets) if (!found.has(s.url) && someText(value, (t) => namesByText(s, t))) found.add(s.url);
    }
    return found.size ? found : NO_CONCEPTS;
  }

  /**
   * True when a result given as text ("Positive", " NOT DETECTED ") is, as a whole, one of the texts
   * the ValueSet declares (`result-text`). Whole text only: "not detected" never reads as "detected".
   */
  resultTextIn(text: string | undefined, url: string): boolean {
    return typeof text === 'string' && this.set(url).resultTexts?.has(normaliseResultText(text)) === true;
  }

  /** The ordinal score a ValueSet gives a coding (e.g. PHQ-9 item answers), if any. */
  ordinal(value: Codeish, url: string): number | undefined {
    const set = this.set(url);
    let ordinal: number | undefined;
    someCoding(value, (coding) => (ordinal = set.keys.get(codingKey(coding.system, coding.code) ?? '')?.ordinal) !== undefined);
    return ordinal;
  }

  /**
   * A plain-language name for a coded value that carries no words of its own: the display a ValueSet gives one of its
   * codes (the ValueSet `url` first), without its SNOMED CT semantic tag ("Alcohol dependence (disorder)" is "Alcohol
   * dependence"); else, for a code a ValueSet holds by family only, that ValueSet's title. Undefined when no ValueSet
   * holds any of its codes. Card text never names a bare code (a clinician cannot act on "66590003").
   */
  nameOf(value: Codeish, url?: string): string | undefined {
    let display: string | undefined;
    let title: string | undefined;
    someCoding(value, (coding) => {
      const key = codingKey(coding.system, coding.code);
      if (!key) return false;
      const holding = [...(url && (this.sets.get(url)?.keys.has(key) || this.setsOf(key)?.has(url)) ? [url] : []), ...(this.setsOf(key) ?? [])];
      for (const u of holding) {
        const d = this.sets.get(u)?.keys.get(key)?.display;
        if (d) {
          display = d.replace(/\s*\((disorder|finding|situation|substance|procedure|physical object|qualifier value|observable entity)\)$/, '');
          return true;
        }
        title ??= this.sets.get(u)?.title;
      }
      return false;
    });
    return display ?? title;
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
    return [...this.sets.values()].flatMap((s) => [...s.keys.values()].filter((c) => c.verification !== 'verified').map((c) => ({ ...c, valueSet: s.url })));
  }
}
