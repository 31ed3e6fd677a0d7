import { readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ConfigurationError } from '../errors.js';
import { FhirSchemaValidator } from '../fhir/schema.js';
import { fhirProfilesDir, projectRoot } from '../paths.js';
import { MedicationCatalogue, type CatalogueFile } from '../terminology/medication-catalogue.js';
import { Terminology } from '../terminology/terminology.js';
import { assertMatchesSchema, readJsonFile } from './json-data.js';

export interface Profiles {
  terminology: Terminology;
  catalogue: MedicationCatalogue;
  fhirValidator: FhirSchemaValidator;
  codeSystems: Map<string, fhir4.CodeSystem>;
  /** Suggested orders as FHIR resources (fhir-profiles/order-templates/<name>.json), by file name. */
  orderTemplates: Map<string, fhir4.Resource>;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Loads and validates fhir-profiles/: ValueSets and CodeSystems against the HL7 FHIR R4 JSON
 * Schema, the medication catalogue against its JSON Schema. A broken file stops start-up with
 * the file and the field named.
 */
export function loadProfiles(dir: string = fhirProfilesDir, fhirValidator = new FhirSchemaValidator()): Profiles {
  const problems: string[] = [];
  const resources = <T extends fhir4.Resource>(sub: string, type?: T['resourceType']): [string, T][] =>
    jsonFiles(join(dir, sub)).flatMap((file): [string, T][] => {
      const name = relative(projectRoot, file);
      const data = readJsonFile(file) as T;
      if (type && data?.resourceType !== type) {
        problems.push(`${name}: resourceType must be ${type}`);
        return [];
      }
      const issues = fhirValidator.validate(data);
      problems.push(...issues.slice(0, 5).map((i) => `${name}: ${i.path} ${i.message}`));
      return issues.length ? [] : [[basename(file, '.json'), data]];
    });

  const valueSets = resources<fhir4.ValueSet>('ValueSet', 'ValueSet').map(([, vs]) => vs);
  const codeSystems = new Map(resources<fhir4.CodeSystem>('CodeSystem', 'CodeSystem').map(([, cs]) => [cs.url ?? '', cs]));
  const orderTemplates = new Map(resources<fhir4.Resource>('order-templates'));
  // Validated here; the reading layer reads them as it loads (SNOMED CT units to UCUM).
  resources<fhir4.ConceptMap>('ConceptMap', 'ConceptMap');
  const urls = new Set<string>();
  for (const vs of valueSets) {
    if (!vs.url || urls.has(vs.url)) problems.push(`ValueSet ${vs.id}: url missing or not unique`);
    urls.add(vs.url ?? '');
  }
  if (problems.length) throw new ConfigurationError('Invalid fhir-profiles', problems);

  const catalogueFile = join(dir, 'catalogue', 'antidepressant-products.json');
  const catalogue = assertMatchesSchema<CatalogueFile>(
    readJsonFile(catalogueFile),
    readJsonFile(join(dir, 'schemas', 'medication-catalogue.schema.json')) as object,
    relative(projectRoot, catalogueFile),
  );
  const brandFile = join(dir, 'catalogue', 'brand-names.json');
  const brands = assertMatchesSchema<{ brands: Record<string, string>; productBrands?: Record<string, string> }>(
    readJsonFile(brandFile),
    {
      type: 'object',
      required: ['source', 'brands'],
      properties: {
        source: { type: 'string', minLength: 1 },
        brands: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
        productBrands: { type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9]+$' } },
      },
    },
    relative(projectRoot, brandFile),
  );
  return {
    terminology: new Terminology(valueSets),
    catalogue: new MedicationCatalogue(catalogue, brands.brands, brands.productBrands),
    fhirValidator,
    codeSystems,
    orderTemplates,
  };
}
