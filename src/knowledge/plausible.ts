/**
 * Plausible ranges: a measured value outside its range is a unit or entry error far more often than
 * a real finding, so it is not a fact. It is named on the card ("weight 80,000 kg is implausible:
 * re-weigh") and nothing is computed from it. The ranges are data (fhir-profiles/thresholds,
 * `plausibleRanges`, each with its source); this module only applies one.
 */

/** One range, in the unit the reading layer converts the value to (kg, cm, mmHg, /min, %, points). */
export interface PlausibleRange {
  min: number;
  max: number;
  unit: string;
  /** What the value is, as a card says it: "weight", "systolic BP", "PHQ-9 total". */
  label: string;
  /** What settles it: "re-weigh", "re-measure", "re-score". */
  remedy: string;
  source: string;
}

export type Plausibility = { readonly plausible: true } | { readonly plausible: false; readonly message: string };

const PLAUSIBLE: Plausibility = Object.freeze({ plausible: true });

/** A number as a card shows it: grouped digits, exponent notation past a billion, never "Infinity". */
export function formatMeasured(value: number): string {
  if (!Number.isFinite(value)) return 'not a number';
  if (Math.abs(value) >= 1e9) return value.toExponential(2);
  return value.toLocaleString('en-US', { maximumSignificantDigits: 6 });
}

/**
 * Whether `value` (already in `range.unit`) can be a real measurement. Total: NaN, infinities and
 * values outside [min, max] are implausible, with the sentence a card shows; `on` (a date, YYYY-MM-DD)
 * names when it was measured ("weight 8,000 kg on 2026-11-20 is implausible: re-weigh").
 */
export function checkPlausible(range: PlausibleRange, value: number, on?: string): Plausibility {
  if (Number.isFinite(value) && value >= range.min && value <= range.max) return PLAUSIBLE;
  const when = on ? ` on ${on}` : '';
  if (!Number.isFinite(value)) return { plausible: false, message: `${range.label}${when} is not a number: ${range.remedy}` };
  return { plausible: false, message: `${range.label} ${formatMeasured(value)} ${range.unit}${when} is implausible: ${range.remedy}` };
}
