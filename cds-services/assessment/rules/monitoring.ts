import { VS } from '../concepts.js';
import { met, unknown } from '../findings.js';
import { latestScore, latestWeight } from '../observations.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, isoDate, unknownBecause } from './common.js';
import { priorCourses } from './prior-courses.js';

/** Weight-based IV ketamine dose, rounded to 0.5 mg as infusion pumps are set. */
export function ketamineDoseMg(weightKg: number, mgPerKg: number): number {
  return Math.round(weightKg * mgPerKg * 2) / 2;
}

/**
 * MO-1 Dose: 0.5 mg/kg IV over 40-60 minutes (combination: 20-minute infusion)
 * Inclusion: the latest weight within 30 days. Outcome: met with the dose; unknown without a weight.
 * Source: source docs; Sanacora 2017.
 */
export const MO1 = defineRule({
  id: 'MO-1',
  title: 'Weight-based IV ketamine dose',
  kind: 'monitoring',
  infoFor: ['iv-ketamine', 'ketamine-tms-combination'],
  source: SOURCES.ketamineConsensus,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.lookbackDays.weight.value;
    const w = latestWeight(index, days);
    const mgPerKg = thresholds.dosing.ketamineMgPerKg.value;
    if (!w) return unknownBecause({ observations: index.record.observations }) ?? unknown([`a body weight within ${days} days`]);
    const doseMg = ketamineDoseMg(w.kg, mgPerKg);
    return met([w.ref], `${mgPerKg} mg/kg x ${w.kg.toFixed(1)} kg = ${doseMg} mg IV over ${thresholds.dosing.ketamineInfusionMinutes.value} minutes.`, {
      weightKg: Math.round(w.kg * 10) / 10,
      doseMg,
      mgPerKg,
    });
  },
});

/** MO-2 BP and HR every 15 minutes during the infusion; continuous SpO2 above 93 %. Source: source docs. */
export const MO2 = defineRule({
  id: 'MO-2',
  title: 'Vital-sign monitoring during infusion',
  kind: 'monitoring',
  infoFor: ['iv-ketamine', 'ketamine-tms-combination'],
  source: SOURCES.ketamineConsensus,
  evaluate: ({ thresholds }) =>
    met([], `BP and HR every ${thresholds.vitals.monitoringIntervalMinutes.value} minutes; continuous SpO2, keep above ${thresholds.vitals.spo2MinimumPercent.value} %.`),
});

/** MO-3 Esketamine: BP before and about 40 minutes after the dose; observe at least 2 hours; no driving until the next day. Source: Spravato label; REMS. */
export const MO3 = defineRule({
  id: 'MO-3',
  title: 'Esketamine monitoring (REMS)',
  kind: 'monitoring',
  infoFor: ['esketamine'],
  source: SOURCES.spravatoRems,
  evaluate: ({ thresholds }) =>
    met(
      [],
      `REMS-certified setting; BP before and ~${thresholds.vitals.esketaminePostDoseBpMinutes.value} min after the dose; observe ${thresholds.vitals.esketamineObservationHours.value} h; no driving until the next day.`,
    ),
});

/** MO-4 Schedules: ketamine 3x/week x 2 weeks; esketamine twice weekly weeks 1-4; TMS 5x/week x 6 weeks; counts prior sessions. Source: source docs; Spravato label; LCD. */
export const MO4 = defineRule({
  id: 'MO-4',
  title: 'Treatment schedule',
  kind: 'monitoring',
  infoFor: ALL,
  source: SOURCES.combinationProtocol,
  evaluate: (ctx) => {
    const d = ctx.thresholds.dosing;
    const courses = priorCourses(ctx);
    return met(
      courses.flatMap((c) => c.evidence),
      `Ketamine ${d.ketamineSessionsPerWeek.value}x/week for ${d.ketamineCourseWeeks.value} weeks; esketamine twice weekly for ${d.esketamineInductionWeeks.value} weeks; TMS ${d.tmsSessionsPerWeek.value}x/week for ${d.tmsCourseWeeks.value} weeks.`,
      { priorSessions: Object.fromEntries(courses.map((c) => [c.modality, c.sessions])) },
    );
  },
});

/** MO-5 Measurement-based care: PHQ-9 (or MADRS) and GAD-7 before each session. Source: source docs. */
export const MO5 = defineRule({
  id: 'MO-5',
  title: 'Measurement-based care before each session',
  kind: 'monitoring',
  infoFor: ALL,
  source: SOURCES.phq9,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.lookbackDays.baselineSeverity.value;
    const phq9 = latestScore(index, VS.phq9Total, days);
    const gad7 = latestScore(index, VS.gad7Total, days);
    const latest = phq9 ? `latest PHQ-9 ${phq9.value} on ${isoDate(phq9.date)}` : 'no recent PHQ-9';
    return met([...(phq9 ? [phq9.ref] : []), ...(gad7 ? [gad7.ref] : [])], `PHQ-9 (or MADRS) and GAD-7 before each session; ${latest}.`);
  },
});

/** MO-6 Esketamine with an oral antidepressant: required only for MDD with acute SI; optional for TRD since 2025. Source: label history; 2025 approval. */
export const MO6 = defineRule({
  id: 'MO-6',
  title: 'Oral antidepressant alongside esketamine',
  kind: 'monitoring',
  infoFor: ['esketamine'],
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) => {
    const current = index.currentMedications(VS.antidepressantIngredients);
    return met(
      current.map((m) => m.ref),
      current.length
        ? 'An oral antidepressant is current.'
        : 'No current oral antidepressant: esketamine monotherapy is approved for TRD (2025); the acute-SI indication requires one.',
      { onOralAntidepressant: current.length > 0 },
    );
  },
});

export const MONITORING_RULES = [MO1, MO2, MO3, MO4, MO5, MO6];
