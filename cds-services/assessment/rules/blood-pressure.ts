/**
 * Blood pressure (revision-2 section 6): CI-6 uncontrolled hypertension is never decided by one stale
 * non-crisis reading; RC-5 the caution band. Every comparison is three-valued (DS-1): one known part
 * at or above a threshold is enough to find it, a lone normal part is not enough to clear it.
 */
import { VS } from '../concepts.js';
import { asIndicator, met, notMet, settledBy, unknown } from '../findings.js';
import { bloodPressureBoundaries, bloodPressureReadings, bloodPressureText, type BloodPressureReading } from '../observations.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import type { RecordIndex } from '../record.js';
import type { Thresholds } from '../thresholds.js';
import { isoDay, withinDays } from '../fhir-read.js';
import { KETAMINES, activeWithin, isoDate, refs, unknownBecause, evidenceOf } from './common.js';

type Tri = 'yes' | 'no' | 'unknown';

/** Three-valued "SBP >= s or DBP >= d" (or ">" with strict). */
function atOrAbove(r: BloodPressureReading, s: number, d: number, strict = false): Tri {
  const test = (v: number | undefined, limit: number) => (v === undefined ? undefined : strict ? v > limit : v >= limit);
  const a = test(r.systolic, s);
  const b = test(r.diastolic, d);
  if (a === true || b === true) return 'yes';
  return a === false && b === false ? 'no' : 'unknown';
}

const dayOf = isoDay;

/** An implausible reading is "could not be read" (issue 20): unknown, naming it, with the BP order; never a finding, never an all-clear. */
const unreadable = (r: BloodPressureReading) =>
  settledBy(
    unknown(
      [`a plausible blood pressure (${r.implausible!.join('; ')})`],
      r.evidence,
      `BP on ${isoDate(r.date)} could not be read: ${r.implausible!.join('; ')}.`,
    ),
    'order-blood-pressure',
  );

function levels(t: Thresholds) {
  const v = t.vitals;
  const boundaries = bloodPressureBoundaries(v);
  return {
    crisis: (r: BloodPressureReading) => atOrAbove(r, v.bpCrisisSystolicAbove.value, v.bpCrisisDiastolicAbove.value, true),
    block: (r: BloodPressureReading) => atOrAbove(r, v.bpBlockSystolicAtLeast.value, v.bpBlockDiastolicAtLeast.value),
    caution: (r: BloodPressureReading) => atOrAbove(r, v.bpCautionSystolicAbove.value, v.bpCautionDiastolicAbove.value, true),
    blockWords: `${v.bpBlockSystolicAtLeast.value}/${v.bpBlockDiastolicAtLeast.value}`,
    /** A reading and its day as a card names them, in whole mmHg off the limits the sentence names. */
    reading: (r: BloodPressureReading) => `${bloodPressureText(r, boundaries)} on ${isoDate(r.date)}`,
  };
}

/**
 * With no reading in the eligibility window: the last (up to 3) readings within the BP history look-back,
 * when any of them was above 140/90, as a sentence and its evidence. An old high reading decides nothing,
 * but a gap in a patient whose BP was uncontrolled at the last visits is not the same gap as in a
 * normotensive one (outside reviewer's finding: 181/99, 183/115, 167/119 on a diuretic, shown as "no BP").
 */
function elevatedHistory(index: RecordIndex, t: Thresholds): { words: string; evidence: string[] } | undefined {
  const L = levels(t);
  const last = bloodPressureReadings(index, t.lookbackDays.bloodPressureHistory.value)
    .filter((r) => !r.implausible)
    .slice(0, 3);
  const high = last.filter((r) => L.caution(r) === 'yes');
  if (!high.length) return undefined;
  const blocking = high.filter((r) => L.block(r) === 'yes').length;
  const which =
    last.length === 1
      ? 'the last reading was'
      : high.length === last.length
        ? `the last ${last.length} were`
        : `${high.length} of the last ${last.length} ${high.length === 1 ? 'was' : 'were'}`;
  const level =
    blocking === high.length
      ? `at or above ${L.blockWords}`
      : `above 140/90${blocking ? `, ${blocking === 1 ? 'one' : blocking} at or above ${L.blockWords}` : ''}`;
  return {
    words: `${which} ${level} (latest ${L.reading(last[0]!)}): repeat the BP and review its control before starting.`,
    evidence: evidenceOf(last),
  };
}

/**
 * What a crisis-level reading asks for. ACC/AHA 2017 (section 11.2): above 180/120 with acute
 * target-organ damage is a hypertensive emergency; without it, severe hypertension is managed by a
 * repeat reading and oral treatment, not emergency referral. Not giving ketamine or esketamine today
 * (CI-6 found) stands either way (Swissmedic ketamine label: > 180/100 at rest).
 */
const CRISIS_ADVICE =
  'repeat the BP; emergency evaluation only if there are signs of organ damage (chest pain, dyspnoea, headache, neurological or visual symptoms).';

/**
 * CI-6 Uncontrolled hypertension
 * Trigger: any hook.
 * Inclusion: an active hypertensive urgency, emergency or crisis code (I16.x) within 30 days; a
 * crisis-level reading (SBP > 180 or DBP > 120) within 7 days with no later reading below 180/100;
 * at least 2 readings on different days within 30 days at or above 180/100, none of them followed by
 * a complete reading below it. An average of readings (US Core 96607-7) counts as one reading on the day
 * its period ends, never as the crisis-level one (its single readings are not known): alone and high, it
 * is "repeat the BP" [local; revision-2 DS-1 names no average].
 * Exclusion: the newest complete reading below 180/100 clears older elevated readings.
 * Outcome: found -> IV ketamine, esketamine and the combination contraindicated; a crisis-level
 * reading asks for a repeat and for signs of organ damage, not emergency referral (ACC/AHA 2017:
 * severe BP without target-organ damage is an urgency). One non-crisis
 * reading at or above 180/100 -> unknown, "repeat the BP", with the BP order; no reading in 30 days
 * -> unknown (no data), with the BP order. At order-sign the same-session reading is OR-10's.
 * Source: Swissmedic ketamine label (> 180/100 at rest); SPRAVATO PI 5.6; ACC/AHA 2017 (crisis).
 * Requiring two readings is local.
 */
export const CI6 = defineRule({
  id: 'CI-6',
  title: 'Uncontrolled hypertension',
  kind: 'absolute',
  absoluteFor: [...KETAMINES, 'ketamine-tms-combination'],
  source: SOURCES.swissmedicKetamine,
  // The 180/100 limit is the ketamine label's; for esketamine, PI 5.6 (revision-2 CI-6).
  sourceFor: { esketamine: SOURCES.spravatoLabel },
  evaluate: ({ index, thresholds }) => {
    const s = thresholds.safety;
    const crisisCodes = activeWithin(index, VS.hypertensiveCrisis, s.bpEligibilityLookbackDays.value);
    if (crisisCodes.length) return met(refs(crisisCodes), 'A hypertensive crisis is recorded.', { crisis: true });
    const gap = unknownBecause({ observations: index.record.observations });
    if (gap) return settledBy(gap, 'order-blood-pressure');
    const L = levels(thresholds);
    const all = bloodPressureReadings(index, s.bpEligibilityLookbackDays.value);
    if (!all.length) {
      const history = elevatedHistory(index, thresholds);
      return settledBy(
        unknown(
          [`a blood pressure within ${s.bpEligibilityLookbackDays.value} days`],
          history?.evidence ?? [],
          `No BP recorded in the last ${s.bpEligibilityLookbackDays.value} days${history ? `; ${history.words}` : '.'}`,
        ),
        'order-blood-pressure',
      );
    }
    // Readings since the newest complete one below the block level: an older high reading is past.
    const controlledAt = all.findIndex((r) => L.block(r) === 'no');
    const current = controlledAt === -1 ? all : all.slice(0, controlledAt);
    // An average (US Core 96607-7) is never the one crisis-level reading: which of its readings were that high,
    // and when, is not known (it still counts as a high reading to repeat, below).
    const crisis = current.find((r) => !r.average && L.crisis(r) === 'yes' && withinDays(r.date, index.now, s.bpCrisisLookbackDays.value));
    // data.reading: the reading a card summary names ("BP 186/114 mmHg on <date>", CD-3).
    if (crisis)
      // Severe BP without acute target-organ damage is an urgency, not an emergency (ACC/AHA 2017): the
      // treatment waits (found), the reading is repeated, and only signs of organ damage send the patient on.
      return met(crisis.evidence, `Hypertensive crisis level: BP ${L.reading(crisis)}: ${CRISIS_ADVICE}`, {
        crisis: true,
        reading: `BP ${L.reading(crisis)}`,
      });
    const high = current.filter((r) => L.block(r) === 'yes');
    const days = new Set(high.map((r) => dayOf(r.date)));
    if (days.size >= s.bpConfirmReadings.value) {
      return met(evidenceOf(high), `BP at or above ${L.blockWords} on ${days.size} days, latest ${L.reading(high[0]!)}.`, {
        reading: `BP ${L.reading(high[0]!)}`,
      });
    }
    if (high.length) {
      return settledBy(
        unknown(
          ['a repeat blood pressure'],
          high[0]!.evidence,
          `${high[0]!.average ? 'BP' : 'One reading of'} ${L.reading(high[0]!)}: repeat the BP before deciding.`,
          { repeat: true },
        ),
        'order-blood-pressure',
      );
    }
    // A reading since the last controlled one was implausible: it cannot clear anything.
    const implausible = current.find((r) => r.implausible);
    if (implausible) return unreadable(implausible);
    if (controlledAt === -1) {
      return settledBy(
        unknown(['a complete blood pressure (systolic and diastolic)'], all[0]!.evidence, `Only a partial BP was recorded (${L.reading(all[0]!)}).`),
        'order-blood-pressure',
      );
    }
    return notMet(`Latest BP ${L.reading(all[0]!)}.`, { systolic: all[0]!.systolic, diastolic: all[0]!.diastolic }, [], all[0]!.evidence);
  },
});

/**
 * RC-5 Hypertension and the caution band
 * Trigger: any hook.
 * Inclusion: the latest reading within 30 days (a known part is enough) above 140/90 and below the
 * CI-6 level -> warning, "consider delaying; re-check"; hypertensive encephalopathy history (I67.4)
 * -> warning, "more intensive BP monitoring"; a hypertension code with the latest reading at or below
 * 140/90 -> information.
 * Exclusion: readings CI-6 decides. A hypertension code with no reading in 30 days is the BP data gap
 * (unknown), asked for once with CI-6's.
 * Source: SPRAVATO PI 5.6.
 */
export const RC5 = defineRule({
  id: 'RC-5',
  title: 'Hypertension or blood pressure above 140/90',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index, thresholds }) => {
    const L = levels(thresholds);
    const days = thresholds.safety.bpEligibilityLookbackDays.value;
    const latest = bloodPressureReadings(index, days)[0];
    const encephalopathy = index.conditions(VS.hypertensiveEncephalopathy);
    const hypertension = index.activeConditions(VS.hypertension);
    if (latest && L.caution(latest) === 'yes' && L.block(latest) !== 'yes') {
      return met([...latest.evidence, ...refs(hypertension)], `BP ${L.reading(latest)} is above 140/90: consider delaying and re-check.`);
    }
    if (encephalopathy.length) return met(refs(encephalopathy), 'Hypertensive encephalopathy in the past: more intensive BP monitoring.');
    if (latest?.implausible) return unreadable(latest);
    if (hypertension.length && latest && L.caution(latest) === 'no') {
      return asIndicator(met([...refs(hypertension), ...latest.evidence], `Hypertension; last BP ${L.reading(latest)}.`), 'info');
    }
    if (hypertension.length && !latest) {
      return settledBy(
        unknown([`a blood pressure within ${days} days`], refs(hypertension), `Hypertension with no BP in the last ${days} days.`),
        'order-blood-pressure',
      );
    }
    return unknownBecause({ conditions: index.record.conditions, observations: index.record.observations }) ?? notMet();
  },
});

export const BLOOD_PRESSURE_RULES = [CI6, RC5];
