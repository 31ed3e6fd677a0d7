/**
 * Suicide risk (revision-2 section 6): CI-1 imminent risk, RC-17 ungraded ideation, RC-16 attempt history.
 * Imminent risk is a safety problem, not a contraindication: it defers starting a treatment until a
 * same-day evaluation is documented, and esketamine is routed to its acute-SI indication.
 */
import { VS } from '../concepts.js';
import { asIndicator, met, notMet, settledBy, unknown } from '../findings.js';
import { onsetDate, withinDays } from '../fhir-read.js';
import type { IndexedCondition, IndexedObservation, RecordIndex } from '../record.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, activeWithin, isoDate, refs, unknownBecause } from './common.js';

/** Something in the record that says suicide risk, with its date. */
interface RiskEvent {
  ref: string;
  date: Date;
  /** How the card names it: "C-SSRS type 5 on 2026-11-20". */
  words: string;
  cssrs: boolean;
}

const newestFirst = (a: { date: Date }, b: { date: Date }) => b.date.getTime() - a.date.getTime();

/** C-SSRS answers within the window that mean imminent risk: ideation type 4-5, a screener intent/plan/behaviour "yes", a high risk level. */
function cssrsTriggers(index: RecordIndex, days: number): RiskEvent[] {
  const t = index.knowledge.terminology;
  const recent = (o: IndexedObservation) => o.date !== undefined && withinDays(o.date, index.now, days);
  const out: RiskEvent[] = [];
  for (const o of index.observations(VS.cssrsIdeationSeverity)) {
    if (!recent(o) || !t.inConcept(o.coded, VS.cssrsHighRiskIdeation)) continue;
    const type = t.ordinal(o.coded, VS.cssrsHighRiskIdeation);
    out.push({ ref: o.ref, date: o.date!, words: `C-SSRS ideation type ${type} on ${isoDate(o.date)}`, cssrs: true });
  }
  for (const o of index.observations(VS.cssrsScreenerHighRiskItems)) {
    if (recent(o) && t.inConcept(o.coded, VS.yesAnswers))
      out.push({ ref: o.ref, date: o.date!, words: `C-SSRS screener "yes" on ${isoDate(o.date)}`, cssrs: true });
  }
  for (const o of index.observations(VS.cssrsRiskLevel)) {
    if (recent(o) && t.inConcept(o.coded, VS.suicideRiskLevelHigh))
      out.push({ ref: o.ref, date: o.date!, words: `high C-SSRS risk level on ${isoDate(o.date)}`, cssrs: true });
  }
  return out;
}

/**
 * The date of a suicide attempt: its onset (DS-7). An initial-encounter attempt code (T14.91XA) is
 * charted at the acute encounter, so without an onset its recorded date stands in; history codes never do.
 */
function attemptDate(index: RecordIndex, c: IndexedCondition): Date | undefined {
  return onsetDate(c.resource, index.record.patient.items[0]?.birthDate) ?? c.date;
}

/** A suicide risk evaluation (procedure or observation) or a C-SSRS risk level dated after `after`, newest first. */
function evaluationsAfter(index: RecordIndex, after: Date): { ref: string; date: Date; high: boolean | undefined }[] {
  const t = index.knowledge.terminology;
  const out: { ref: string; date: Date; high: boolean | undefined }[] = [];
  for (const o of [...index.observations(VS.suicideRiskAssessment), ...index.observations(VS.cssrsRiskLevel)]) {
    if (!o.date || o.date.getTime() <= after.getTime()) continue;
    const value = o.coded;
    out.push({ ref: o.ref, date: o.date, high: value ? t.inConcept(value, VS.suicideRiskLevelHigh) : undefined });
  }
  for (const p of index.procedures(VS.suicideRiskAssessment)) {
    const date = typeof p.performedDateTime === 'string' ? new Date(p.performedDateTime) : p.performedPeriod?.end ? new Date(p.performedPeriod.end) : undefined;
    if (p.status !== 'completed' || !date || Number.isNaN(date.getTime()) || date.getTime() <= after.getTime()) continue;
    out.push({ ref: `Procedure/${p.id}`, date, high: undefined });
  }
  return out.sort(newestFirst);
}

/**
 * CI-1 Imminent suicide risk (a safety card, not a contraindication)
 * Trigger: any hook.
 * Inclusion: within 7 days a C-SSRS ideation type 4-5, a screener intent/plan/behaviour "yes", or a
 * high risk level; a suicide attempt with onset within 90 days; an active intent, plan or access-to-
 * means concept within 30 days.
 * Exclusion: a suicide risk evaluation (225337009) or a C-SSRS risk level dated after the newest
 * trigger that is not high: then not found, with "evaluated on date" for an info line.
 * Outcome: found -> IV ketamine, TMS and the combination are deferred until the evaluation is
 * documented; esketamine is routed to its acute-SI indication. Unknown when the C-SSRS results or
 * the conditions could not be read.
 * Source: rules.md CI-1 note; S1; SPRAVATO PI 1 and 2 (acute-SI indication); C-SSRS triage.
 */
export const CI1 = defineRule({
  id: 'CI-1',
  title: 'Imminent suicide risk',
  kind: 'absolute',
  deferFor: ['iv-ketamine', 'tms', 'ketamine-tms-combination'],
  cautionFor: ['esketamine'],
  source: SOURCES.cssrs,
  evaluate: ({ index, thresholds }) => {
    const s = thresholds.safety;
    const triggers: RiskEvent[] = [...cssrsTriggers(index, s.cssrsLookbackDays.value)];
    for (const c of index.conditions(VS.suicideAttempt)) {
      const date = attemptDate(index, c);
      if (date && withinDays(date, index.now, s.attemptRecentDays.value))
        triggers.push({ ref: c.ref, date, words: `suicide attempt on ${isoDate(date)}`, cssrs: false });
    }
    for (const c of activeWithin(index, VS.suicidalIntentOrPlan, s.siCodeLookbackDays.value)) {
      triggers.push({
        ref: c.ref,
        date: c.date ?? index.now,
        words: `suicidal intent or plan recorded ${c.date ? `on ${isoDate(c.date)}` : 'undated'}`,
        cssrs: false,
      });
    }
    if (triggers.length) {
      triggers.sort(newestFirst);
      const newest = triggers[0]!;
      const evaluation = evaluationsAfter(index, newest.date)[0];
      const data = { trigger: newest.words, byCssrs: triggers.some((x) => x.cssrs) };
      if (evaluation && evaluation.high !== true) {
        return notMet(
          `Suicide risk evaluated on ${isoDate(evaluation.date)} after ${newest.words}.`,
          { ...data, evaluated: isoDate(evaluation.date) },
          [],
          [evaluation.ref, ...refs(triggers)],
        );
      }
      const outcome = met(refs(triggers), `Same-day suicide risk evaluation needed (${newest.words}).`, data);
      return settledBy(outcome, 'order-suicide-risk-evaluation', ...(data.byCssrs ? [] : (['order-cssrs'] as const)));
    }
    const gap = unknownBecause({ conditions: index.record.conditions, observations: index.record.observations });
    if (gap)
      return settledBy(unknown(gap.missing, [], 'Suicide risk could not be checked: the C-SSRS results or the diagnoses could not be read.'), 'order-cssrs');
    return notMet('No C-SSRS high risk, recent attempt or suicidal intent or plan is recorded.');
  },
});

/** Ideation recorded within the window, with no C-SSRS dated after it. */
function ungradedIdeation(index: RecordIndex, days: number, item9Days: number): { ref: string; date?: Date; words: string }[] {
  const t = index.knowledge.terminology;
  const cssrsDates = index.observations(VS.cssrsAssessments).map((o) => o.date?.getTime() ?? -Infinity);
  const newestCssrs = Math.max(-Infinity, ...cssrsDates);
  const gradedAfter = (date: Date | undefined) => date !== undefined && newestCssrs >= date.getTime();
  const out: { ref: string; date?: Date; words: string }[] = [];
  for (const c of activeWithin(index, VS.suicidalIdeation, days)) {
    if (!gradedAfter(c.date)) out.push({ ref: c.ref, date: c.date, words: `suicidal ideation recorded ${c.date ? `on ${isoDate(c.date)}` : '(undated)'}` });
  }
  for (const o of index.observations(VS.phq9Item9)) {
    if (!o.date || !withinDays(o.date, index.now, item9Days)) continue;
    const score = t.ordinal(o.coded, VS.phq9Item9Answers) ?? o.value;
    if (score !== undefined && score >= 1 && !gradedAfter(o.date))
      out.push({
        ref: o.ref,
        date: o.date,
        words: `PHQ-9 item 9 scored ${score}${o.preliminary ? ' (preliminary)' : ''}${o.unfinished ? ' on an unfinished form' : ''} on ${isoDate(o.date)}`,
      });
  }
  return out;
}

/**
 * RC-17 Suicidal ideation not yet graded
 * Trigger: any hook.
 * Inclusion: active ideation (R45.851, SNOMED 6471006, 267073005, 102911000) within 30 days, or PHQ-9
 * item 9 >= 1 within 30 days, with no C-SSRS dated after it.
 * Exclusion: graded by a later C-SSRS: types 1-3 with no behaviour are information ("passive or
 * non-specific SI"); types 4-5 are CI-1's.
 * Outcome: found -> warning, all treatments, with a C-SSRS order. Unknown when observations could not be read.
 * Source: rules.md 4.4 (item 9 -> C-SSRS); revision-2 RC-17.
 */
export const RC17 = defineRule({
  id: 'RC-17',
  title: 'Suicidal ideation not yet graded',
  kind: 'relative',
  cautionFor: ALL,
  source: SOURCES.cssrs,
  evaluate: ({ index, thresholds }) => {
    const s = thresholds.safety;
    const found = ungradedIdeation(index, s.siCodeLookbackDays.value, s.phq9Item9LookbackDays.value);
    if (found.length) {
      const first = found[0]!;
      return settledBy(
        met(refs(found), `${first.words[0]!.toUpperCase()}${first.words.slice(1)} has not been graded: complete a C-SSRS today.`),
        'order-cssrs',
      );
    }
    const gap = unknownBecause({ observations: index.record.observations });
    if (gap) return gap;
    // An item 9 that could not be read (outside 0-3, issue 20) is no "no ideation": a C-SSRS settles it.
    const cssrsAfter = (o: IndexedObservation) => index.observations(VS.cssrsAssessments).some((c) => c.date && o.date && c.date.getTime() >= o.date.getTime());
    const unreadable = index
      .observations(VS.phq9Item9)
      .find((o) => o.implausible && o.coded === undefined && withinDays(o.date, index.now, s.phq9Item9LookbackDays.value) && !cssrsAfter(o));
    if (unreadable) {
      return settledBy(
        unknown([`a readable PHQ-9 item 9 or a C-SSRS (${unreadable.implausible})`], [unreadable.ref], `${unreadable.implausible}: grade with a C-SSRS.`),
        'order-cssrs',
      );
    }
    const graded = index.observations(VS.cssrsIdeationSeverity).find((o) => withinDays(o.date, index.now, s.siCodeLookbackDays.value));
    const hasIdeation = activeWithin(index, VS.suicidalIdeation, s.siCodeLookbackDays.value).length > 0;
    if (graded && hasIdeation && !index.knowledge.terminology.inConcept(graded.coded, VS.cssrsHighRiskIdeation)) {
      return asIndicator(met([graded.ref], `Passive or non-specific suicidal ideation, C-SSRS graded on ${isoDate(graded.date)}.`, { graded: true }), 'info');
    }
    return notMet();
  },
});

/**
 * RC-16 Suicide attempt history
 * Trigger: any hook.
 * Inclusion: a suicide attempt with onset 90-365 days ago -> warning ("suicide attempt on date");
 * an attempt or self-harm history code (Z91.5, Z91.51, T14.91XS ...) with no onset, or an older one ->
 * information ("history of suicidal behaviour").
 * Exclusion: attempts within 90 days (CI-1's). recordedDate never dates a history code (DS-7).
 * Source: rules.md RC-16; revision-2 RC-16.
 */
export const RC16 = defineRule({
  id: 'RC-16',
  title: 'Suicide attempt history',
  kind: 'relative',
  cautionFor: ALL,
  source: SOURCES.cssrs,
  evaluate: ({ index, thresholds }) => {
    const s = thresholds.safety;
    const born = index.record.patient.items[0]?.birthDate;
    const recent: { ref: string; date: Date }[] = [];
    const history: string[] = [];
    for (const c of index.conditions(VS.suicideAttempt)) {
      const date = attemptDate(index, c);
      if (date && withinDays(date, index.now, s.attemptRecentDays.value)) continue; // CI-1
      if (date && withinDays(date, index.now, s.attemptHistoryWindowDays.value)) recent.push({ ref: c.ref, date });
      else history.push(c.ref);
    }
    for (const c of index.conditions(VS.suicideAttemptHistory)) {
      if (index.knowledge.terminology.inConcept(c.resource.code, VS.suicideAttempt)) continue;
      const date = onsetDate(c.resource, born);
      if (date && withinDays(date, index.now, s.attemptRecentDays.value)) continue;
      if (date && withinDays(date, index.now, s.attemptHistoryWindowDays.value)) recent.push({ ref: c.ref, date });
      else history.push(c.ref);
    }
    if (recent.length) {
      recent.sort(newestFirst);
      return met([...refs(recent), ...history], `Suicide attempt on ${isoDate(recent[0]!.date)}: intensify monitoring.`);
    }
    if (history.length) return asIndicator(met(history, 'History of suicidal behaviour (date not recorded or more than a year ago).'), 'info');
    return unknownBecause({ conditions: index.record.conditions }) ?? notMet();
  },
});

export const SUICIDE_RISK_RULES = [CI1, RC17, RC16];
