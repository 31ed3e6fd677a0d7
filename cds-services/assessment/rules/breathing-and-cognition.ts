/**
 * Breathing and cognition (revision-2 section 6): CI-13 same-session oxygen saturation, RC-20
 * respiratory risk, RC-21 cognitive impairment and delirium. SpO2 was fetched before but no rule read it.
 */
import { VS } from '../concepts.js';
import { met, notMet, unknown } from '../findings.js';
import { withinDays } from '../fhir-read.js';
import { implausibleLatest, latestWithinMinutes, preliminaryMark } from '../observations.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { KETAMINES, capitalise, conditionName, isoDate, refs, unknownBecause } from './common.js';

const KETAMINES_AND_COMBINATION = [...KETAMINES, 'ketamine-tms-combination' as const];

/**
 * CI-13 Same-session oxygen saturation
 * Trigger: any hook; on order-sign the session is now.
 * Inclusion: an SpO2 (59408-5, 2708-6) within the same-session window (60 min) at or below SPO2_MIN (93 %).
 * Outcome: found -> IV ketamine, esketamine and the combination contraindicated: do not start the
 * session until low oxygen saturation is assessed. No same-session reading -> not found (OR-10 asks for one at order-sign).
 * Source: S0 (SpO2 kept above 93 %); SPRAVATO REMS (respiratory depression; pulse oximeter on site).
 */
export const CI13 = defineRule({
  id: 'CI-13',
  title: 'Low oxygen saturation now',
  kind: 'absolute',
  absoluteFor: KETAMINES_AND_COMBINATION,
  source: SOURCES.spravatoRems,
  evaluate: ({ index, thresholds }) => {
    const s = thresholds.safety;
    const spo2 = latestWithinMinutes(index, VS.oxygenSaturation, s.sessionVitalsWindowMinutes.value);
    if (spo2?.value !== undefined && spo2.value <= s.spo2Minimum.value) {
      // data.reading: what a card summary names (CD-3).
      return met([spo2.ref], `SpO2 ${spo2.value} %${preliminaryMark(spo2)} now: do not start the session until low oxygen saturation is assessed.`, {
        reading: `SpO2 ${spo2.value} %${preliminaryMark(spo2)}`,
      });
    }
    // A same-session SpO2 that could not be read (over 100 %, under 50 %) is not "no low reading" (issue 20).
    const odd = implausibleLatest(index, VS.oxygenSaturation, 0, s.sessionVitalsWindowMinutes.value);
    if (odd && (!spo2 || odd.date!.getTime() > spo2.date!.getTime())) {
      return unknown([`a plausible SpO2 (${odd.implausible})`], [odd.ref], `${capitalise(odd.implausible!)}.`);
    }
    return unknownBecause({ observations: index.record.observations }) ?? notMet();
  },
});

/**
 * RC-20 Respiratory risk
 * Trigger: any hook.
 * Inclusion: active COPD (J44.x), obstructive sleep apnoea (G47.33), chronic respiratory failure
 * (J96.1x), obesity hypoventilation (E66.2), supplemental oxygen (Z99.81); any SpO2 at or below 93 %
 * within 30 days.
 * Outcome: warning for IV ketamine and esketamine: monitor SpO2 continuously; airway support available.
 * Source: SPRAVATO PI boxed warning and 5.1 (respiratory depression); REMS; S1.
 */
export const RC20 = defineRule({
  id: 'RC-20',
  title: 'Respiratory disease or low oxygen saturation',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoRems,
  evaluate: ({ index, thresholds }) => {
    const s = thresholds.safety;
    const conditions = index.activeConditions(VS.respiratoryRisk);
    const low = index
      .observations(VS.oxygenSaturation)
      .find((o) => o.value !== undefined && o.value <= s.spo2Minimum.value && withinDays(o.date, index.now, thresholds.lookbackDays.heartRate.value));
    if (conditions.length || low) {
      const names = [...new Set(conditions.map((c) => conditionName(c, index)))].slice(0, 2);
      if (low) names.push(`SpO2 ${low.value} %${preliminaryMark(low)} on ${isoDate(low.date)}`);
      return met([...refs(conditions), ...(low ? [low.ref] : [])], `${names.join('; ')}: monitor SpO2 continuously; airway support must be available.`);
    }
    return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
  },
});

/**
 * RC-21 Cognitive impairment and delirium
 * Trigger: any hook.
 * Inclusion: delirium (F05, R41.0, SNOMED 2776000) within 90 days -> "defer until the delirium has
 * resolved"; active dementia (F01.5x, F02.8x, F03.9x, G30.x, SNOMED 52448006, 26929004) or mild
 * cognitive impairment (G31.84) -> "dissociation, sedation and fall risk; check capacity to consent".
 * Outcome: warning for IV ketamine and esketamine; information for TMS.
 * Source: verification.md 6 (VA ketamine criteria; secondary); SPRAVATO PI 5.1, 5.2. The indicators are local.
 */
export const RC21 = defineRule({
  id: 'RC-21',
  title: 'Delirium or cognitive impairment',
  kind: 'relative',
  cautionFor: KETAMINES,
  infoFor: ['tms'],
  source: SOURCES.spravatoLabel,
  evaluate: ({ index, thresholds }) => {
    const delirium = index
      .conditions(VS.delirium)
      .filter((c) => (c.date ? withinDays(c.date, index.now, thresholds.safety.deliriumRecentDays.value) : c.active));
    const cognitive = index.activeConditions(VS.cognitiveImpairment);
    const lines = [
      ...(delirium.length ? [`delirium${delirium[0]!.date ? ` on ${isoDate(delirium[0]!.date)}` : ''}: defer until it has resolved`] : []),
      ...(cognitive.length
        ? [`${conditionName(cognitive[0]!, index, VS.cognitiveImpairment)}: dissociation, sedation and fall risk; check capacity to consent`]
        : []),
    ];
    if (lines.length) {
      const text = lines.join('; ');
      return met(refs([...delirium, ...cognitive]), `${text.charAt(0).toUpperCase()}${text.slice(1)}.`);
    }
    return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
  },
});

export const BREATHING_AND_COGNITION_RULES = [CI13, RC20, RC21];
