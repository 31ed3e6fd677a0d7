import type { Outcome } from '../findings.js';
import { unknown } from '../findings.js';
import type { Section } from '../record.js';

export const ALL: ['iv-ketamine', 'esketamine', 'tms', 'ketamine-tms-combination'] = ['iv-ketamine', 'esketamine', 'tms', 'ketamine-tms-combination'];
export const KETAMINES: ['iv-ketamine', 'esketamine'] = ['iv-ketamine', 'esketamine'];

/** The data a rule needs could not be had: say which, and why. */
export function unknownBecause(sections: Record<string, Section<unknown>>): Outcome | undefined {
  const missing = Object.entries(sections)
    .filter(([, s]) => !s.known)
    .map(([name, s]) => `${name} (${s.reason ?? 'unavailable'})`);
  return missing.length ? unknown(missing) : undefined;
}

/** What would settle medication records that name no coded drug (see namesNoCodedDrug). */
export const drugOf = (refs: readonly string[]): string => `the drug of ${refs.join(', ')} (coded, or its Medication resource)`;

export const isoDate = (d: Date | undefined): string => (d ? d.toISOString().slice(0, 10) : 'undated');
