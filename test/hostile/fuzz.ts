/**
 * Shared pieces of the fuzz suite (issue 20): hostile values, and mutation of a valid record at any
 * path. `npm test` runs each property with a fixed seed and a bounded number of runs; `npm run fuzz`
 * runs many more (FUZZ_RUNS, FUZZ_SEED to reproduce a failure).
 */
import fc from 'fast-check';

/** Runs per property: small in `npm test`, large under `npm run fuzz`. */
export const FUZZ_RUNS = Number(process.env['FUZZ_RUNS'] ?? 40);
/** A fixed seed, so `npm test` is the same run every time; a failure prints its seed and path to replay. */
export const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_129);

export const fuzzParams = (runs = FUZZ_RUNS) => ({ numRuns: runs, seed: FUZZ_SEED, endOnFailure: true });

function nested(depth: number, make: (inner: unknown) => unknown): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = make(v);
  return v;
}

/** Values no well-formed FHIR field holds, and some that are almost right. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e308,
    5e-324,
    '',
    ' ',
    'mg',
    'kg',
    '[lb_av]',
    '2026-02-30',
    '0000-00-00T99:99',
    'Patient/p1',
    '#contained',
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('[Open results](https://evil.example) **URGENT**', '<script>alert(1)</script>', '\u202e\u2028\u0000', 'x'.repeat(70_000)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    nested(300, (v) => [v]),
    nested(300, (v) => ({ coding: v })),
    [[[{ system: 'http://snomed.info/sct', code: '58214004' }]]],
    { value: 80, code: 80 },
    { value: 80, code: ['kg'] },
    { value: 80, code: { kg: true } },
    { value: 80, unit: 7 },
    { value: '80', code: 'kg' },
    { coding: 'F20.0' },
    { coding: [null, 1, 'x', { code: 1, system: {} }] },
  ),
);

type Json = unknown;

/** Every path (keys and indices) into a JSON value, internal nodes included, up to a depth. */
export function pathsOf(value: Json, maxDepth = 6): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: Json, path: (string | number)[]) => {
    if (path.length > 0) out.push(path);
    if (path.length >= maxDepth || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  return out;
}

/** A deep copy of `value` with the node at `path` replaced (created if absent). */
export function withValueAt<T>(value: T, path: readonly (string | number)[], replacement: unknown): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = replacement;
  return copy as T;
}

/** Fields the rules read that a resource may lack: the mutation may add them with a hostile value. */
export const FIELDS_READ: Record<string, string[]> = {
  Patient: ['birthDate', 'gender', 'deceasedBoolean', 'deceasedDateTime', 'extension'],
  Condition: [
    'code',
    'clinicalStatus',
    'verificationStatus',
    'onsetDateTime',
    'onsetPeriod',
    'abatementDateTime',
    'abatementString',
    'recordedDate',
    'subject',
    'category',
  ],
  Observation: [
    'code',
    'status',
    'valueQuantity',
    'valueInteger',
    'valueCodeableConcept',
    'valueString',
    'component',
    'effectiveDateTime',
    'effectivePeriod',
    'issued',
    'interpretation',
    'subject',
  ],
  MedicationStatement: ['medicationCodeableConcept', 'medicationReference', 'status', 'effectivePeriod', 'effectiveDateTime', 'dosage', 'contained', 'subject'],
  MedicationRequest: [
    'medicationCodeableConcept',
    'medicationReference',
    'status',
    'intent',
    'authoredOn',
    'dosageInstruction',
    'dispenseRequest',
    'contained',
    'subject',
  ],
  MedicationDispense: ['medicationCodeableConcept', 'status', 'whenHandedOver', 'quantity', 'daysSupply', 'dosageInstruction', 'subject'],
  MedicationAdministration: ['medicationCodeableConcept', 'status', 'effectiveDateTime', 'effectivePeriod', 'dosage', 'subject'],
  Procedure: ['code', 'status', 'performedDateTime', 'performedPeriod', 'subject'],
  Device: ['type', 'deviceName', 'status', 'patient'],
  AllergyIntolerance: ['code', 'clinicalStatus', 'verificationStatus', 'reaction', 'patient'],
  ServiceRequest: ['code', 'status', 'intent', 'quantityTimingTiming', 'occurrenceTiming', 'subject'],
};

/** A path to mutate in `resource`: an existing one, or a field the rules read. */
export function mutationPaths(resource: fhir4.Resource): (string | number)[][] {
  const existing = pathsOf(resource).filter((p) => p[0] !== 'resourceType');
  const read = (FIELDS_READ[resource.resourceType] ?? []).map((f) => [f]);
  return [...existing, ...read];
}
