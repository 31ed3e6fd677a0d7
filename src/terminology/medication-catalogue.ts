import { codingKey, foldText } from './normalise.js';
import { SYSTEM } from './systems.js';
import { escapeRegExp, type Codeish } from './terminology.js';

export interface CatalogueIngredient {
  name: string;
  ingredientRxcui?: string;
  strengthValue?: number;
  strengthUnit?: 'mg' | 'mg/mL' | 'mg/h';
  deliveredMgPerDay?: number;
}

export interface CatalogueProduct {
  rxcui: string;
  display: string;
  tty: 'SCD' | 'SBD' | 'GPCK' | 'BPCK';
  doseForm: string;
  role: string[];
  flags?: string[];
  multiIngredientRxcui?: string;
  ingredients: CatalogueIngredient[];
}

export interface CatalogueFile {
  version: string;
  source: string;
  products: CatalogueProduct[];
}

/** Brand names (lower case) to the catalogue ingredient name they stand for. */
export type BrandNames = Readonly<Record<string, string>>;

/** What a medication code resolves to: a catalogued product, or an ingredient code itself. */
export type MedicationMatch = { kind: 'product'; product: CatalogueProduct } | { kind: 'ingredient'; ingredientRxcui: string; name: string };

/**
 * RxNorm product lookups: any product (SCD/SBD/GPCK) or ingredient RxCUI to ingredient(s) and
 * strength, indexed once at start-up.
 */
export class MedicationCatalogue {
  private readonly products = new Map<string, CatalogueProduct>();
  private readonly ingredientNames = new Map<string, string>();
  /** Ingredient or brand name (lower case) to the ingredient it names. */
  private readonly byName = new Map<string, { ingredientRxcui: string; name: string }>();
  private readonly namePattern: RegExp | undefined;

  constructor(file: CatalogueFile, brands: BrandNames = {}) {
    for (const p of file.products) {
      this.products.set(p.rxcui, p);
      for (const i of p.ingredients) {
        if (!i.ingredientRxcui) continue;
        this.ingredientNames.set(i.ingredientRxcui, i.name);
        this.byName.set(foldText(i.name).toLowerCase(), { ingredientRxcui: i.ingredientRxcui, name: i.name });
      }
    }
    for (const [brand, ingredient] of Object.entries(brands)) {
      const found = this.byName.get(ingredient.toLowerCase());
      if (found) this.byName.set(foldText(brand).toLowerCase(), found);
    }
    // Longest first, so "lithium carbonate" wins over a shorter name inside it.
    const names = [...this.byName.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.namePattern = names.length ? new RegExp(`(?<![A-Za-z])(${names.join('|')})(?![A-Za-z])`, 'gi') : undefined;
  }

  /** Every catalogued product (for start-up checks of the configuration against the catalogue). */
  allProducts(): IterableIterator<CatalogueProduct> {
    return this.products.values();
  }

  get size(): number {
    return this.products.size;
  }

  product(rxcui: string): CatalogueProduct | undefined {
    return this.products.get(rxcui);
  }

  ingredientName(rxcui: string): string | undefined {
    return this.ingredientNames.get(rxcui);
  }

  /** Resolves the RxNorm codings of a medication concept, preferring a product (it has strength). */
  resolve(value: Codeish): MedicationMatch | undefined {
    const codings = Array.isArray(value) ? [] : ((value as fhir4.CodeableConcept | undefined)?.coding ?? []);
    let ingredient: MedicationMatch | undefined;
    for (const coding of Array.isArray(codings) ? codings : []) {
      const key = codingKey(coding?.system, coding?.code);
      if (!key?.startsWith(`${SYSTEM.rxnorm}|`)) continue;
      const rxcui = key.slice(SYSTEM.rxnorm.length + 1);
      const product = this.products.get(rxcui);
      if (product) return { kind: 'product', product };
      const name = this.ingredientNames.get(rxcui);
      if (name && !ingredient) ingredient = { kind: 'ingredient', ingredientRxcui: rxcui, name };
    }
    return ingredient;
  }

  /**
   * The catalogue ingredients a medication's name text names (revision-2 DS-4): ingredient or brand
   * names, whole word, any case ("FLUoxetine 20 MG Oral Capsule", "Zoloft 50mg"), compared folded
   * (`foldText`: "Sértraline", fullwidth, soft-hyphenated or look-alike spellings). Each ingredient once,
   * in order of appearance; empty when the text names none.
   */
  ingredientsNamedIn(text: string | undefined): { ingredientRxcui: string; name: string }[] {
    if (!text || !this.namePattern) return [];
    const out: { ingredientRxcui: string; name: string }[] = [];
    for (const m of foldText(text).matchAll(this.namePattern)) {
      const found = this.byName.get(m[1]!.toLowerCase());
      if (found && !out.some((o) => o.ingredientRxcui === found.ingredientRxcui)) out.push(found);
    }
    return out;
  }
}
