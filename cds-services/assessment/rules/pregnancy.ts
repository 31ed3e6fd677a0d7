/**
 * Pregnancy and lactation (revision-2 section 6): CI-4 reads a timeline of evidence, newest first,
 * so a positive test stands until an outcome or a newer negative; RC-18 lactation.
 */
import { VS } from '../concepts.js';
import { met, notMet, settledBy, unknown } from '../findings.js';
import { ageInYears, parseFhirDate, patientSex, withinDays } from '../fhir-read.js';
import type { IndexedObservation, RecordIndex } from '../record.js';
import { defineRule, type RuleContext } from '../rule.js';
import { SOURCES } from '../sources.js';
import { KETAMINES, capitalise, isoDate, refs, unknownBecause } from './common.js';

type Meaning = 'pregnant' | 'not-pregnant' | 'ended';
interface PregnancyEvidence {
  meaning: Meaning;
  /** An active pregnancy condition with no date is dated now: it stands. */
  date: Date;
  ref: string;
  words: string;
  /** An active pregnancy condition: the record still says pregnant, whatever came after its date. */
  activeCondition?: boolean;
}

/** An hCG test whose result could not be read: it may be positive, so it is never "no test". */
interface UnreadableTest {
  date: Date;
  ref: string;
  words: string;
}

/**
 * An hCG result read as positive, negative, or neither (DS-10): coded answers and interpretations,
 * a result given as text that is, as a whole, a ValueSet result text ("Positive", "not detected"),
 * or a quantity above the reference range.
 */
function hcgMeaning(index: RecordIndex, { resource: o, coded, text, value }: IndexedObservation): boolean | undefined {
  const t = index.knowledge.terminology;
  if (t.inConcept(coded, VS.hcgPositive) || t.resultTextIn(text, VS.hcgPositive) || t.inConcept(o.interpretation, VS.interpretationPositive)) return true;
  if (t.inConcept(coded, VS.hcgNegative) || t.resultTextIn(text, VS.hcgNegative) || t.inConcept(o.interpretation, VS.interpretationNegative)) return false;
  const high = Array.isArray(o.referenceRange) ? o.referenceRange[0]?.high?.value : undefined;
  return value !== undefined && typeof high === 'number' ? value > high : undefined;
}

/** All pregnancy evidence within PREGNANCY_MAX_DAYS, newest first (the CI-4 timeline), and the hCG results no one could read. */
/** Pregnancies that ended within `days`: an abated pregnancy condition, or a recorded outcome (delivery, abortion). */
function pregnancyEnds(index: RecordIndex, days: number): PregnancyEvidence[] {
  // Read once per call: CI-4's timeline and RC-18 both ask, with the same look-back.
  return index.once(`pregnancy-ends-${days}`, () => readPregnancyEnds(index, days));
}

function readPregnancyEnds(index: RecordIndex, days: number): PregnancyEvidence[] {
  const out: PregnancyEvidence[] = [];
  for (const c of index.conditions(VS.pregnancyConditions)) {
    const abated = parseFhirDate(c.resource.abatementDateTime) ?? parseFhirDate(c.resource.abatementPeriod?.end);
    if (abated && withinDays(abated, index.now, days)) out.push({ meaning: 'ended', date: abated, ref: c.ref, words: `pregnancy ended on ${isoDate(abated)}` });
  }
  for (const c of index.conditions(VS.pregnancyOutcome)) {
    if (c.date && withinDays(c.date, index.now, days))
      out.push({ meaning: 'ended', date: c.date, ref: c.ref, words: `pregnancy outcome on ${isoDate(c.date)}` });
  }
  return out.sort((a, b) => b.date.getTime() - a.date.getTime());
}

function timeline(ctx: RuleContext): { events: PregnancyEvidence[]; unreadable: UnreadableTest[] } {
  const { index, thresholds } = ctx;
  const t = index.knowledge.terminology;
  const days = thresholds.safety.pregnancyMaxDays.value;
  const inWindow = (d: Date | undefined): d is Date => d !== undefined && withinDays(d, index.now, days);
  const out: PregnancyEvidence[] = [];
  const unreadable: UnreadableTest[] = [];
  for (const o of index.observations(VS.hcgTests)) {
    if (!inWindow(o.date)) continue;
    const positive = hcgMeaning(index, o);
    if (positive === undefined) {
      const why = o.text !== undefined ? 'text not recognised' : 'no positive or negative result';
      unreadable.push({ date: o.date, ref: o.ref, words: `hCG on ${isoDate(o.date)} could not be read (${why})` });
      continue;
    }
    out.push({
      meaning: positive ? 'pregnant' : 'not-pregnant',
      date: o.date,
      ref: o.ref,
      words: `${positive ? 'positive' : 'negative'} hCG on ${isoDate(o.date)}`,
    });
  }
  for (const o of index.observations(VS.pregnancyStatusObservation)) {
    if (!inWindow(o.date)) continue;
    const v = o.coded;
    if (t.inConcept(v, VS.pregnancyStatusPregnant))
      out.push({ meaning: 'pregnant', date: o.date, ref: o.ref, words: `pregnancy status "pregnant" on ${isoDate(o.date)}` });
    else if (t.inConcept(v, VS.pregnancyStatusNotPregnant))
      out.push({ meaning: 'not-pregnant', date: o.date, ref: o.ref, words: `pregnancy status "not pregnant" on ${isoDate(o.date)}` });
  }
  out.push(...pregnancyEnds(index, days));
  for (const c of index.conditions(VS.pregnancyConditions)) {
    if (!c.active) continue;
    // An active pregnancy condition says "pregnant" as of when it was recorded, not only at its onset:
    // the later of the two dates it carries. With none it is current: it is not allowed to lapse.
    const recorded = parseFhirDate(c.resource.recordedDate);
    const date = (recorded && (!c.date || recorded > c.date) ? recorded : c.date) ?? index.now;
    if (inWindow(date))
      out.push({
        meaning: 'pregnant',
        date,
        ref: c.ref,
        words: `pregnancy recorded ${c.date || recorded ? `on ${isoDate(date)}` : '(undated)'}`,
        activeCondition: true,
      });
  }
  // Newest first; on the same day an ending or a negative result is read after a positive one.
  const weight: Record<Meaning, number> = { pregnant: 0, 'not-pregnant': 1, ended: 1 };
  return { events: out.sort((a, b) => b.date.getTime() - a.date.getTime() || weight[b.meaning] - weight[a.meaning]), unreadable };
}

/** Why the patient cannot become pregnant, if the record says so. */
function notOfChildbearingPotential(ctx: RuleContext): { why: string; evidence: string[] } | undefined {
  const { index, thresholds } = ctx;
  const patient = index.record.patient.items[0];
  if (index.record.patient.known && patient) {
    // US Core birth sex when present, then US Core 9 individual sex, then administrative gender.
    const sex = patientSex(patient, index.knowledge.terminology);
    if (sex?.sex === 'male') return { why: sex.from === 'birth sex' ? 'birth sex male' : 'sex male', evidence: [] };
    const age = ageInYears(patient.birthDate, index.now, thresholds.plausibleRanges.ageYears);
    const pp = thresholds.pregnancyPotential;
    if (age !== undefined && (age < pp.minimumAge.value || age > pp.maximumAge.value)) return { why: `age ${age}`, evidence: [] };
  }
  const settling = [
    ...index.conditions(VS.notChildbearingPotential),
    ...(thresholds.safety.tubalLigationSettles.value ? index.conditions(VS.tubalLigation) : []),
  ];
  if (settling.length) return { why: 'hysterectomy, bilateral oophorectomy or menopause recorded', evidence: refs(settling) };
  return undefined;
}

/**
 * CI-4 Pregnancy
 * Trigger: any hook.
 * Inclusion: the newest pregnancy evidence within 280 days is a positive hCG, an active pregnancy
 * condition or a "pregnant" status, with no later outcome (delivery, abortion; not O07), negative
 * test or "not pregnant" status. A positive test does not lapse after 30 days.
 * Exclusion (start of a course): a negative hCG or "not pregnant" status within 7 days; or not of
 * child-bearing potential (birth sex or sex male, age outside 12-55, hysterectomy Z90.710/Z90.711,
 * bilateral oophorectomy Z90.722, menopause Z78.0; tubal ligation only when configured; N95.1 never).
 * Outcome: found -> IV ketamine and esketamine contraindicated, TMS caution. Otherwise unknown, with
 * the hCG order, which also gates the ketamine and esketamine suggestions.
 * Source: SPRAVATO PI 8.1; non-US label (contraception); rules.md 2.5 (280 days). 7 and 30 days are local.
 */
export const CI4 = defineRule({
  id: 'CI-4',
  title: 'Pregnancy',
  kind: 'absolute',
  absoluteFor: KETAMINES,
  cautionFor: ['tms'],
  source: SOURCES.spravatoLabel,
  // TMS in pregnancy: IFCN 2021 (no evidence of harm; the coil away from the abdomen), not the esketamine label.
  sourceFor: { 'iv-ketamine': SOURCES.ketalarLabel, tms: SOURCES.ifcnTmsSafety },
  evaluate: (ctx) => {
    const { index, thresholds } = ctx;
    const { events, unreadable } = timeline(ctx);
    const newest = events[0];
    if (newest?.meaning === 'pregnant') {
      return met(refs(events.filter((e) => e.meaning === 'pregnant')), `Pregnant: ${newest.words}, with no later outcome or negative test.`);
    }
    // A pregnancy condition still active behind a newer negative, with no outcome between: the record
    // contradicts itself and the dates cannot say which is current. Never silent: confirm.
    const active = events.findIndex((e) => e.activeCondition);
    if (active > 0 && !events.slice(0, active).some((e) => e.meaning === 'ended')) {
      const pregnancy = events[active]!;
      const negative = events.slice(0, active).find((e) => e.meaning === 'not-pregnant')!;
      return settledBy(
        unknown(
          ['whether the patient is pregnant now (the problem list and the test disagree)'],
          [pregnancy.ref, negative.ref],
          `Record conflicts: pregnancy active, ${negative.words}: confirm.`,
        ),
        'order-pregnancy-test',
      );
    }
    const potential = notOfChildbearingPotential(ctx);
    if (potential) return notMet(`Not of child-bearing potential (${potential.why}).`, undefined, [], potential.evidence);
    const days = thresholds.safety.hcgInitiationDays.value;
    const negative = events.find((e) => e.meaning === 'not-pregnant');
    // An hCG result no one could read may be positive: newer than the last negative, it is unknown, never "no test".
    const unread = unreadable.find((u) => !negative || u.date > negative.date);
    if (unread) {
      return settledBy(unknown([`a readable pregnancy test (hCG) result`], [unread.ref], `${unread.words}: review or repeat.`), 'order-pregnancy-test');
    }
    // The test's date goes with it: on order hooks the window is counted back from the draft's first session (order review).
    if (negative && withinDays(negative.date, index.now, days))
      return notMet(
        `Not pregnant: ${negative.words}.`,
        { negativeTestDate: negative.date.toISOString(), negativeTestWords: negative.words },
        [],
        [negative.ref],
      );
    // A pregnancy that ended days ago: an hCG now may still be positive from it, so it is no way to
    // settle a new pregnancy; the clinician asks (local; revision-2 is silent).
    const ended = newest?.meaning === 'ended' ? newest : undefined;
    if (ended && withinDays(ended.date, index.now, thresholds.safety.hcgUnreliableAfterPregnancyEndDays.value)) {
      return unknown(
        ['whether the patient could be pregnant again (ask: an hCG can stay positive for weeks after a pregnancy ends)'],
        [ended.ref],
        // RC-18 asks about breastfeeding too; order review shows only found cautions, so the question rides here as well.
        `${capitalise(ended.words)}: an hCG test may still be positive from it; confirm by history that the patient is not pregnant again, and ask about breastfeeding.`,
      );
    }
    const gap = unknownBecause({ patient: index.record.patient, conditions: index.record.conditions, observations: index.record.observations });
    const last = negative ? `Last ${negative.words}; no` : 'No';
    return settledBy(
      unknown(
        gap?.missing ?? [`a pregnancy test (hCG) within ${days} days before the first session`],
        negative ? [negative.ref] : [],
        `${last} pregnancy test in the last ${days} days.`,
      ),
      'order-pregnancy-test',
    );
  },
});

/**
 * RC-18 Lactation
 * Trigger: any hook.
 * Inclusion: Z39.1 or a breastfeeding finding within 365 days. Unknown ("ask about breastfeeding"):
 * a delivery or postpartum depression (F53.0), or a pregnancy that ended (abated condition, outcome),
 * within 365 days with no feeding record.
 * Outcome: esketamine warning (not recommended; passes into milk); IV ketamine warning (limited data;
 * avoid repeated dosing or monitor the infant). Nothing for TMS.
 * Source: SPRAVATO PI 8.2; LactMed (esketamine).
 */
export const RC18 = defineRule({
  id: 'RC-18',
  title: 'Breastfeeding',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.safety.lactationLookbackDays.value;
    const recent = (d: Date | undefined) => d !== undefined && withinDays(d, index.now, days);
    const feeding = [...index.conditions(VS.lactation).filter((c) => recent(c.date)), ...index.observations(VS.lactation).filter((o) => recent(o.date))];
    if (feeding.length) {
      return met(
        refs(feeding),
        'Breastfeeding: esketamine is not recommended (it passes into milk); for IV ketamine data are limited, so avoid repeated dosing or monitor the infant.',
      );
    }
    const delivery = index.conditions(VS.deliveryOrPostpartum).filter((c) => recent(c.date));
    if (delivery.length)
      return unknown(
        ['whether the patient is breastfeeding'],
        refs(delivery),
        'A delivery or postpartum depression in the last year: ask about breastfeeding.',
      );
    // A pregnancy that ended within the look-back (an abated pregnancy condition or a recorded outcome)
    // may have ended in a birth, and milk can come after a late loss too: ask (local; revision-2 names
    // only delivery codes, and EHRs often close the pregnancy problem instead of coding the delivery).
    const ended = pregnancyEnds(index, days)[0];
    if (ended) return unknown(['whether the patient is breastfeeding'], [ended.ref], `${capitalise(ended.words)}: ask about breastfeeding.`);
    return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
  },
});

export const PREGNANCY_RULES = [CI4, RC18];
