import { codingKey } from './normalise.js';
import { SYSTEM } from './systems.js';
import type { Codeish } from './terminology.js';

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

/** What a medication code resolves to: a catalogued product, or an ingredient code itself. */
export type MedicationMatch =
  | { kind: 'product'; product: CatalogueProduct }
  | { kind: 'ingredient'; ingredientRxcui: string; name: string };

/**
 * RxNorm product lookups: any product (SCD/SBD/GPCK) or ingredient RxCUI to ingredient(s) and
 * strength, indexed once at start-up.
 */
export class MedicationCatalogue {
  private readonly products = new Map<string, CatalogueProduct>();
  private readonly ingredientNames = new Map<string, string>();

  constructor(file: CatalogueFile) {
    for (const p of file.products) {
      this.products.set(p.rxcui, p);
      for (const i of p.ingredients) if (i.ingredientRxcui) this.ingredientNames.set(i.ingredientRxcui, i.name);
    }
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
}
