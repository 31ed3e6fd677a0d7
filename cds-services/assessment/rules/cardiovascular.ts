/**
 * Heart and brain vessels (revision-2 section 6): CI-7 a recent cardiac or cerebrovascular event,
 * RC-19 the conditions that need a cardiovascular assessment before starting.
 */
import { VS } from '../concepts.js';
import { met, notMet, unknown } from '../findings.js';
import { withinDays } from '../fhir-read.js';
import { implausibleLatest, latestScore, preliminaryMark } from '../observations.js';
import type { IndexedCondition } from '../record.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { KETAMINES, capitalise, conditionName, isoDate, refs, unknownBecause } from './common.js';

const KETAMINES_AND_COMBINATION = [...KETAMINES, 'ketamine-tms-combination' as const];

/**
 * CI-7 Recent cardiac or cerebrovascular event
 * Trigger: any hook.
 * Inclusion: myocardial infarction with onset within 90 days; active unstable angina or acute
 * ischaemic heart disease; active acute (decompensated) heart failure; ischaemic stroke or TIA
 * (I63.x, G45.x except G45.4, SNOMED 422504002, 230690007, 266257000) with onset within 90 days.
 * Exclusion: older events (RC-19); haemorrhagic stroke is CI-5. An active stroke or MI with no date -> unknown (its date).
 * Outcome: found -> IV ketamine, esketamine and the combination contraindicated.
 * Source: Ketalar; Swissmedic (previous cerebrovascular insult); non-US label (recent cardiovascular event).
 * The 90-day window for stroke is local.
 */
export const CI7 = defineRule({
  id: 'CI-7',
  title: 'Recent heart attack, stroke or unstable heart disease',
  kind: 'absolute',
  absoluteFor: KETAMINES_AND_COMBINATION,
  source: SOURCES.ketalarLabel,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.safety.cardiacRecentDays.value;
    const events = [...index.conditions(VS.recentMi), ...index.conditions(VS.cerebrovascularRecent)];
    const recent = events.filter((c) => c.date && withinDays(c.date, index.now, days));
    const found = [...recent, ...index.activeConditions(VS.acuteCoronary), ...index.activeConditions(VS.heartFailureAcute)];
    if (found.length) {
      const names = [...new Set(found.map((c) => conditionName(c, index)))].slice(0, 2).join('; ');
      return met(refs(found), `Recent cardiac or cerebrovascular event: ${names}${recent[0]?.date ? ` (${isoDate(recent[0].date)})` : ''}.`);
    }
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    const undated = events.filter((c) => !c.date && c.active);
    if (undated.length)
      return unknown(['the date of the heart attack or stroke'], refs(undated), `${conditionName(undated[0]!, index)} is recorded without a date.`);
    return notMet('No recent heart attack, stroke, unstable angina or decompensated heart failure is recorded.');
  },
});

/**
 * RC-19 Cardiovascular and cerebrovascular cautions
 * Trigger: any hook.
 * Inclusion: prior MI (onset over 90 days, I25.2); coronary artery disease; chronic heart failure
 * (I50.22/32/42, or I50.9 with no acute code); arrhythmia (I47.1x, I47.2x, I48.x, I49.9); tachycardia
 * (R00.0, or the latest HR within 30 days above HR_MAX 110/min); stroke or TIA history over 90 days.
 * Outcome: one warning for IV ketamine, esketamine and the combination: assess cardiovascular risk
 * before starting; BP rises during dosing.
 * Source: SPRAVATO PI 5.6; Ketalar (haemodynamic effects). HR_MAX is local and unverified.
 */
export const RC19 = defineRule({
  id: 'RC-19',
  title: 'Heart or brain-vessel condition',
  kind: 'relative',
  cautionFor: KETAMINES_AND_COMBINATION,
  source: SOURCES.spravatoLabel,
  // Revision-2 RC-19: PI 5.6 for esketamine, Ketalar (hemodynamic effects) for ketamine.
  sourceFor: { 'iv-ketamine': SOURCES.ketalarLabel },
  evaluate: ({ index, thresholds }) => {
    const s = thresholds.safety;
    const older = (c: IndexedCondition) => !c.date || !withinDays(c.date, index.now, s.cardiacRecentDays.value);
    const past = [...index.conditions(VS.recentMi), ...index.conditions(VS.cerebrovascularRecent)].filter((c) => c.date && older(c));
    const unspecifiedFailure = index.activeConditions(VS.heartFailureAcute).length ? [] : index.activeConditions(VS.heartFailureOther);
    const found = [...index.activeConditions(VS.cardiovascularCaution), ...past, ...unspecifiedFailure];
    const hr = latestScore(index, VS.heartRate, thresholds.lookbackDays.heartRate.value);
    const fast = hr?.value !== undefined && hr.value > s.heartRateMaximum.value ? hr : undefined;
    if (found.length || fast) {
      const names = [...new Set(found.map((c) => conditionName(c, index)))].slice(0, 2);
      if (fast) names.push(`heart rate ${fast.value}/min${preliminaryMark(fast)} on ${isoDate(fast.date)}`);
      return met([...refs(found), ...(fast ? [fast.ref] : [])], `${names.join('; ')}: assess cardiovascular risk before starting; BP rises during dosing.`);
    }
    // A newest heart rate that could not be read is no all-clear (issue 20).
    const oddHr = implausibleLatest(index, VS.heartRate, thresholds.lookbackDays.heartRate.value);
    if (oddHr && (!hr || oddHr.date!.getTime() > hr.date!.getTime())) {
      return unknown([`a plausible heart rate (${oddHr.implausible})`], [oddHr.ref], `${capitalise(oddHr.implausible!)}.`);
    }
    return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
  },
});

export const CARDIOVASCULAR_RULES = [CI7, RC19];
