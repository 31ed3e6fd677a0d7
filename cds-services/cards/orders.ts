import { SYSTEM } from '../../src/terminology/systems.js';

export const ORDER_ORIGIN_TAG = { system: SYSTEM.orderOrigin, code: 'trd-cds-suggestion' } as const;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A deep copy of JSON data (a template read from a JSON file: objects, arrays, strings, numbers,
 * booleans, null): the same tree structuredClone gives, at a fraction of its cost on every card.
 */
function copyJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => copyJson(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}

/** Suggested orders, instantiated from the FHIR templates in fhir-profiles/order-templates/. */
export class OrderTemplates {
  private readonly templates: ReadonlyMap<string, fhir4.Resource>;

  // Frozen, so a draft can share the template's unchanged parts: writing to one throws instead of changing every later card.
  constructor(templates: ReadonlyMap<string, fhir4.Resource>) {
    this.templates = new Map([...templates].map(([name, t]) => [name, deepFreeze(structuredClone(t))]));
  }

  /** Start-up check that every template the cards use exists. */
  requireAll(names: readonly string[]): string[] {
    return names.filter((n) => !this.templates.has(n)).map((n) => `order template '${n}' is missing from fhir-profiles/order-templates/`);
  }

  /**
   * A draft for this patient: fresh id, subject set, tagged as suggested by trd-cds. Only a draft
   * that `edit` changes is a deep copy; the others share the frozen template's parts.
   */
  instantiate<T extends fhir4.Resource>(name: string, patientId: string, newId: () => string, authoredOn?: string, edit?: (draft: T) => void): T {
    const template = this.templates.get(name);
    if (!template) throw new Error(`order template '${name}' is not loaded`);
    const resource = (edit ? copyJson(template) : { ...template }) as T & { subject?: fhir4.Reference; authoredOn?: string };
    resource.id = newId();
    resource.subject = { reference: `Patient/${patientId}` };
    if (authoredOn && resource.resourceType === 'MedicationRequest') resource.authoredOn = authoredOn;
    edit?.(resource);
    return resource;
  }
}

/** True for a draft that carries trd-cds's own origin tag (it came from one of our suggestions). */
export function isOwnSuggestion(resource: fhir4.Resource): boolean {
  return (resource.meta?.tag ?? []).some((t) => t?.system === ORDER_ORIGIN_TAG.system && t.code === ORDER_ORIGIN_TAG.code);
}
