import { codingKey, foldText } from './normalise.js';
import { SYSTEM } from './systems.js';
import { escapeRegExp, type Codeish } from './terminology.js';
import { WRITTEN_MASS, writtenMassMg } from './written-mass.js';

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

/** Brand names (lower case) of multi-ingredient products to the catalogue product's RxCUI ("auvelity": "2611260"). */
export type ProductBrandNames = Readonly<Record<string, string>>;

/** Masses a name writes ("45 mg", "105MG", "0.5 g", "12,5 mg"), read by `writtenMassMg`. */
const MASS_IN_NAME = new RegExp(WRITTEN_MASS, 'giu');

/** What a product holds, for telling drugs apart: each ingredient with its strength and unit. */
const strengthsOf = (p: CatalogueProduct): string =>
  p.ingredients
    .map((i) => `${i.ingredientRxcui ?? i.name}:${i.strengthValue ?? ''}${i.strengthUnit ?? ''}`)
    .sort()
    .join('+');

/**
 * The one drug a list of products is, or undefined when they are different drugs. A generic product (SCD)
 * and its brand (SBD: "fluoxetine 25 MG / olanzapine 6 MG Oral Capsule [Symbyax]") hold the same ingredients
 * at the same strengths: one drug, read as the generic, so a name fitting both is never left unidentified.
 */
function oneDrug(products: readonly CatalogueProduct[]): CatalogueProduct | undefined {
  const [first] = products;
  if (!first || products.some((p) => strengthsOf(p) !== strengthsOf(first))) return undefined;
  return products.find((p) => p.tty === 'SCD') ?? first;
}

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
  /** Brand name (folded, lower case) of a multi-ingredient product to the product. */
  private readonly productBrands = new Map<string, CatalogueProduct>();
  private readonly productBrandPattern: RegExp | undefined;
  /** Products of two or more coded ingredients, by their ingredient RxCUIs sorted and joined with "+". */
  private readonly byIngredientSet = new Map<string, CatalogueProduct[]>();

  constructor(file: CatalogueFile, brands: BrandNames = {}, productBrands: ProductBrandNames = {}) {
    for (const p of file.products) {
      this.products.set(p.rxcui, p);
      for (const i of p.ingredients) {
        if (!i.ingredientRxcui) continue;
        this.ingredientNames.set(i.ingredientRxcui, i.name);
        this.byName.set(foldText(i.name).toLowerCase(), { ingredientRxcui: i.ingredientRxcui, name: i.name });
      }
    }
    for (const p of file.products) {
      const codes = p.ingredients.map((i) => i.ingredientRxcui);
      if (codes.length < 2 || codes.some((c) => !c)) continue;
      const key = [...new Set(codes)].sort().join('+');
      this.byIngredientSet.set(key, [...(this.byIngredientSet.get(key) ?? []), p]);
    }
    for (const [brand, rxcui] of Object.entries(productBrands)) {
      const product = this.products.get(rxcui);
      if (product) this.productBrands.set(foldText(brand).toLowerCase(), product);
    }
    const productNames = [...this.productBrands.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.productBrandPattern = productNames.length ? new RegExp(`(?<![A-Za-z])(${productNames.join('|')})(?![A-Za-z])`, 'i') : undefined;
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
  /**
   * The multi-ingredient product a medication's name text names (revision-2 DS-4, EL-2.7): its brand
   * ("Auvelity 45 mg-105 mg tablet", from the product brands in catalogue/brand-names.json), or every
   * ingredient of exactly one catalogued product ("dextromethorphan 45 mg / bupropion 105 mg ER tablet",
   * "dextromethorphan-bupropion ER tablet"), told from the same ingredients' other strengths by the masses
   * the text writes, in either order ("olanzapine 6 mg / fluoxetine 25 mg oral capsule"); a generic and its brand
   * at the same strengths (SCD and SBD) are one drug, the generic. Undefined when it names one ingredient, or
   * several that no single drug fits: a name is never read as its first ingredient alone when it names a product.
   */
  productNamedIn(text: string | undefined): CatalogueProduct | undefined {
    if (!text) return undefined;
    const folded = foldText(text);
    const brand = this.productBrandPattern?.exec(folded);
    if (brand) return this.productBrands.get(brand[1]!.toLowerCase());
    const named = this.ingredientsNamedIn(text);
    if (named.length < 2) return undefined;
    const candidates =
      this.byIngredientSet.get(
        named
          .map((n) => n.ingredientRxcui)
          .sort()
          .join('+'),
      ) ?? [];
    // A mass whose number cannot be read ("1,0000 mg") tells no strength apart: it is left out, never guessed.
    const masses = [...folded.matchAll(MASS_IN_NAME)].flatMap((m) => writtenMassMg(m[1]!, m[2]!) ?? []);
    const fits = masses.length
      ? candidates.filter((p) => p.ingredients.every((i) => i.strengthUnit === 'mg' && masses.includes(i.strengthValue!)))
      : candidates;
    return oneDrug(fits);
  }

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
