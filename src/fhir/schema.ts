import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { fhirProfilesDir } from '../paths.js';

/** The official HL7 FHIR R4 JSON Schema, vendored with its source and licence (see its README). */
const SCHEMA_PATH = join(fhirProfilesDir, 'schemas', 'fhir-r4', 'fhir.schema.json');
const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';

export interface SchemaProblem {
  path: string;
  message: string;
}

/**
 * Validates FHIR R4 resources against the official HL7 JSON Schema, one resource type at a time.
 * The schema's ResourceList (used by `contained` and Bundle entries) is made shallow so that
 * compiling one type does not compile all 140; each type is compiled once and cached.
 */
export class FhirSchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly types: Set<string>;

  constructor() {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as {
      id?: string;
      $id?: string;
      $schema?: string;
      definitions: Record<string, unknown>;
      discriminator?: { mapping: Record<string, string> };
    };
    delete schema.id;
    delete schema.$schema;
    schema.$id = SCHEMA_ID;
    this.types = new Set(Object.keys(schema.discriminator?.mapping ?? {}));
    schema.definitions['ResourceList'] = { type: 'object', properties: { resourceType: { type: 'string' } }, required: ['resourceType'] };
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    this.ajv.addSchema(schema);
  }

  private validatorFor(resourceType: string): ValidateFunction | undefined {
    if (!this.types.has(resourceType)) return undefined;
    let fn = this.compiled.get(resourceType);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${resourceType}` });
      this.compiled.set(resourceType, fn);
    }
    return fn;
  }

  /** Compile ahead of the first call, at start-up. */
  warm(resourceTypes: readonly string[]): void {
    for (const t of resourceTypes) this.validatorFor(t);
  }

  validate(resource: unknown): SchemaProblem[] {
    const type = (resource as { resourceType?: unknown } | null)?.resourceType;
    if (typeof type !== 'string') return [{ path: 'resourceType', message: 'is missing' }];
    const fn = this.validatorFor(type);
    if (!fn) return [{ path: 'resourceType', message: `'${type}' is not a FHIR R4 resource type` }];
    if (fn(resource)) return [];
    return (fn.errors ?? []).map((e) => ({
      path: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)',
      message: `${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}`,
    }));
  }
}
