import type { ProblemIssue } from '../errors.js';

/**
 * Bounds on a request's shape, checked before anything reads it: deep nesting (2,000 levels once
 * overflowed a reader's stack), huge strings (a 4 MiB patientId came back in a 46 MB answer) and
 * huge arrays cost memory and time on every rule. Real hook requests are far inside them: a FHIR
 * resource in a prefetch Bundle nests about 12 levels, FHIR ids are at most 64 characters.
 */
export interface RequestBounds {
  /** Deepest nesting of objects and arrays in the body. */
  maxDepth: number;
  /** Longest string anywhere (a note, a display). */
  maxStringLength: number;
  /** Longest string in an `id` field or in the envelope's identifiers (hookInstance, patientId...). */
  maxIdLength: number;
  /** Most items in one array (a Bundle's entries, a list of codings). */
  maxArrayLength: number;
}

export const REQUEST_BOUNDS: RequestBounds = Object.freeze({
  maxDepth: 40,
  maxStringLength: 100_000,
  maxIdLength: 256,
  maxArrayLength: 20_000,
});

/** Fields holding an identifier: their strings are held to `maxIdLength`. */
const ID_FIELDS = new Set(['id', 'hookInstance', 'patientId', 'userId', 'encounterId', 'hook', 'fhirServer']);

type Path = (string | number)[];

class OutOfBounds {
  readonly path: Path = [];
  constructor(readonly message: string) {}
}

function walk(value: unknown, key: string | number | undefined, depth: number, b: RequestBounds): void {
  if (typeof value === 'string') {
    const max = typeof key === 'string' && ID_FIELDS.has(key) ? b.maxIdLength : b.maxStringLength;
    if (value.length > max) throw new OutOfBounds(`is longer than ${max} characters`);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= b.maxDepth) throw new OutOfBounds(`nests deeper than ${b.maxDepth} levels`);
  if (Array.isArray(value)) {
    if (value.length > b.maxArrayLength) throw new OutOfBounds(`has more than ${b.maxArrayLength} items`);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' && typeof item !== 'string') continue;
      try {
        walk(item, i, depth + 1, b);
      } catch (err) {
        if (err instanceof OutOfBounds) err.path.push(i);
        throw err;
      }
    }
    return;
  }
  for (const k in value) {
    const item: unknown = (value as Record<string, unknown>)[k];
    if (typeof item !== 'object' && typeof item !== 'string') continue;
    try {
      walk(item, k, depth + 1, b);
    } catch (err) {
      if (err instanceof OutOfBounds) err.path.push(k);
      throw err;
    }
  }
}

/**
 * The first place a parsed JSON body breaks the bounds, as an issue naming the field
 * (`context.draftOrders.entry.0.resource.extension: nests deeper than 40 levels`), or undefined.
 * Never quotes the value. Total: iterates only own enumerable properties of JSON data.
 */
export function outOfBounds(body: unknown, bounds: RequestBounds = REQUEST_BOUNDS): ProblemIssue | undefined {
  try {
    walk(body, undefined, 0, bounds);
    return undefined;
  } catch (err) {
    if (!(err instanceof OutOfBounds)) throw err;
    const field = err.path.reverse().join('.') || '(body)';
    return { field, message: err.message, code: 'too-costly' };
  }
}
