import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ConfigurationError } from '../errors.js';

// ajv-formats is CommonJS: under NodeNext its callable is the module's `default`.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigurationError(`Cannot read ${path}`, [(err as Error).message]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`${path} is not valid JSON`, [(err as Error).message]);
  }
}

/** Validates data against its JSON Schema; a failure names the file and each bad field. */
export function assertMatchesSchema<T>(data: unknown, schema: AnySchema, file: string): T {
  // Schemas are compiled once per $id: start-up and tests may read the same schema file again.
  const id = (schema as { $id?: string }).$id;
  const validate = (id ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
  if (!validate(data)) {
    throw new ConfigurationError(
      `${file} does not match its schema`,
      (validate.errors ?? []).slice(0, 20).map((e) => `${file}: ${e.instancePath || '(root)'} ${e.message ?? ''}`.trim()),
    );
  }
  return data as T;
}
