/**
 * Masses as drug names write them ("sertraline 50 mg tablet", "Ketanest S 25 mg/ml", "sertraline 12,5 mg",
 * "lithium carbonate 1,000 mg"): one number reader for every place that reads a strength from a name (the
 * catalogue telling a product's strengths apart, the reading layer's strength of a product named only in words).
 */

/**
 * A number as a name writes it: digits, with a decimal point or comma, or grouped by commas. Read by
 * `writtenNumber`, which decides what the commas are; the look-behind keeps a match from starting inside a
 * longer number ("1,0000" is never read as its last "000").
 */
export const WRITTEN_NUMBER = String.raw`(?<![\p{L}\d.,])\d+(?:[.,]\d+)*`;

/** mg in one of each mass unit a name writes, lower case. */
export const MG_IN_WRITTEN_UNIT: Readonly<Record<string, number>> = { mg: 1, g: 1000, mcg: 0.001, ug: 0.001, µg: 0.001 };

/** A mass a name writes ("45 mg", "105MG", "0.5 g", "12,5 mg"): the number, then its unit. */
export const WRITTEN_MASS = String.raw`(${WRITTEN_NUMBER})\s*(mg|g|mcg|ug|µg)(?!\p{L})`;

const THOUSANDS = /^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/;
const DECIMAL_COMMA = /^\d+,\d{1,2}$/;
const LEADING_ZERO_DECIMAL_COMMA = /^0,\d+$/;

/**
 * The value of a number written in a drug name, or undefined when what its commas mean cannot be told.
 * A point is a decimal point ("12.5"). A comma is read by what follows it, as en-US and European labels
 * write strengths: followed by exactly three digits after a group of one to three digits not starting with 0,
 * it separates thousands ("1,000 mg" is 1000 mg, "1,000,000" and "1,500.5" too: en-US grouping, never
 * 1 mg from a European reading of it); followed by one or two digits it is a decimal comma ("12,5 mg" is
 * 12.5 mg, "2,25" is 2.25: no en-US number groups fewer than three digits); after a lone 0 it is a decimal
 * comma whatever follows ("0,125 mg" is 0.125 mg: no number's thousands start with 0). Anything else
 * ("1,0000", "12,5,3", "1.000,5", "1.000.000") is unreadable, never a guess.
 */
export function writtenNumber(written: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(written)) return Number(written);
  if (THOUSANDS.test(written)) return Number(written.replaceAll(',', ''));
  if (DECIMAL_COMMA.test(written) || LEADING_ZERO_DECIMAL_COMMA.test(written)) return Number(written.replace(',', '.'));
  return undefined;
}

/** A mass match (`WRITTEN_MASS`: number, unit) in mg, or undefined when its number is unreadable (`writtenNumber`). */
export function writtenMassMg(number: string, unit: string): number | undefined {
  const value = writtenNumber(number);
  const factor = MG_IN_WRITTEN_UNIT[unit.toLowerCase()];
  return value === undefined || factor === undefined ? undefined : value * factor;
}
