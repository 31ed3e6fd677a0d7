/**
 * Monitoring, revision-2 section 7: MO-2 (IV ketamine, with pulse oximetry), MO-3 (esketamine, REMS,
 * pulse oximetry), MO-11 (dissociation and sedation after each session), MO-12 (discharge, escort,
 * driving), MO-13 (misuse safeguards), RC-13 (never a card of its own), RC-14 (payer note, info) and
 * RC-15 (ketamine during TMS). Each rule met ("to do", or found), not met ("done", or not found) and
 * unknown where the rule can be, then the order-sign cards that carry them. MO-1 is retired by
 * revision-2 (its checks are OR-3, OR-4 and OR-5): the last table checks that nothing evaluates it.
 */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/cds-hooks/protocol.js';
import type { Status } from '../../cds-services/assessment/findings.js';
import type { Indicator } from '../../src/cds-hooks/protocol.js';
import { RX, SYS, daysAgo, icd, medAdministration, medStatement, obs, procedure } from '../builders/fhir.js';
import { esketamineDraft, ketamineDraft, tmsDraft } from '../builders/drafts.js';
import { candidate } from '../builders/scenarios.js';
import { callHook } from '../helpers/hooks.js';
import { assessResources } from '../helpers/record.js';

/** An assessment score recorded with a local code (MOAA/S, RASS, CADSS) some days ago. */
const score = (code: 'moaas' | 'rass' | 'cadss-total', value: number, days: number): fhir4.Observation => ({
  resourceType: 'Observation',
  id: `${code}-${days}`,
  status: 'final',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: SYS.local, code }] },
  effectiveDateTime: daysAgo(days),
  valueQuantity: { value },
});
/** An IV ketamine course in progress: sessions 7, 5 and 3 days ago. */
const ketamineCourse = () => [7, 5, 3].map((daysAgo) => medAdministration(RX.ketamineIngredient, { daysAgo, mg: 40 }));
/** A TMS course in progress: sessions on the last ten weekdays or so. */
const tmsCourse = () => [12, 11, 10, 9, 8, 5, 4, 3, 2, 1].map((daysAgo) => procedure(SYS.cpt, '90868', { daysAgo }));
const pdmp = (days = 20) => procedure(SYS.sct, '461621000124108', { daysAgo: days });
const drugScreen = (days = 20) => procedure(SYS.local, 'urine-drug-screen', { daysAgo: days });

interface Scenario {
  resources: fhir4.Resource[];
  unknown?: string[];
  expect: Record<string, Status>;
  indicator?: Record<string, Indicator>;
  /** Words the finding's note (the card's sentence) must carry. */
  note?: Record<string, RegExp>;
}

function check(scenarios: Record<string, Scenario>) {
  it.each(Object.entries(scenarios))('%s', (_name, s) => {
    const a = assessResources(s.resources, s.unknown);
    expect(Object.fromEntries(Object.keys(s.expect).map((id) => [id, a.byRule.get(id)?.status]))).toEqual(s.expect);
    for (const [id, indicator] of Object.entries(s.indicator ?? {})) expect({ id, indicator: a.byRule.get(id)!.indicator }).toEqual({ id, indicator });
    for (const [id, re] of Object.entries(s.note ?? {})) expect(a.byRule.get(id)!.note, id).toMatch(re);
    for (const f of a.findings) if (f.status === 'unknown') expect(f.missing.length, f.rule).toBeGreaterThan(0);
  });
}

describe('session monitoring (MO-2, MO-3, MO-11, MO-12)', () => {
  check({
    'iv-ketamine-monitoring-includes-continuous-pulse-oximetry': {
      resources: candidate(),
      expect: { 'MO-2': 'met' },
      note: {
        'MO-2':
          /BP and HR every 15 minutes from the start of the infusion until discharge; Continuous pulse oximetry: keep SpO2 above 93 %; Observe until 60 minutes after the infusion ends/,
      },
    },
    'esketamine-monitoring-includes-pulse-oximetry-and-the-rems-form': {
      resources: candidate(),
      expect: { 'MO-3': 'met' },
      note: {
        'MO-3':
          /Pulse oximetry and respiratory status through the observation period.*Observe at least 2 hours, then decide readiness to leave; REMS Patient Monitoring Form/,
      },
    },
    'hepatic-impairment-lengthens-esketamine-observation': {
      resources: candidate({}, icd('K74.60')),
      expect: { 'MO-3': 'met' },
      note: { 'MO-3': /Observe at least 2 hours \(longer: hepatic impairment\)/ },
    },
    'before-a-first-session-dissociation-and-sedation-checks-are-to-do': {
      resources: candidate(),
      expect: { 'MO-11': 'met', 'MO-12': 'met' },
      note: {
        'MO-11': /Discharge when MOAA\/S is 5 \(or RASS 0\)/,
        'MO-12': /^Arrange transport home; no driving or hazardous activity until the following day/,
      },
    },
    'checks-recorded-after-the-last-session-are-done': {
      resources: candidate({}, ketamineCourse(), score('moaas', 5, 2.9), score('cadss-total', 4, 2.9)),
      expect: { 'MO-11': 'not-met' },
      note: { 'MO-11': /^Dissociation and sedation recorded after the ketamine session on/ },
    },
    'sedation-not-resolved-after-the-last-session-is-named': {
      resources: candidate({}, ketamineCourse(), score('moaas', 3, 2.95), score('cadss-total', 10, 2.95)),
      expect: { 'MO-11': 'met' },
      note: { 'MO-11': /MOAA\/S 3: confirm recovery before discharge/ },
    },
    'rass-0-counts-as-resolved-sedation': {
      resources: candidate({}, ketamineCourse(), score('rass', 0, 2.9), score('cadss-total', 2, 2.9)),
      expect: { 'MO-11': 'not-met' },
    },
    'checks-missing-after-the-last-session-are-a-gap': {
      resources: candidate({}, ketamineCourse()),
      expect: { 'MO-11': 'met' },
      note: { 'MO-11': /Not recorded after the ketamine session on \d{4}-\d{2}-\d{2}: sedation \(MOAA\/S or RASS\) and dissociation \(CADSS\)/ },
    },
    'a-moaas-outside-its-0-5-scale-is-not-a-recorded-score': {
      resources: candidate({}, ketamineCourse(), score('moaas', 50, 2.9), score('cadss-total', 4, 2.9)),
      expect: { 'MO-11': 'met' },
      note: { 'MO-11': /Not recorded after the ketamine session on \d{4}-\d{2}-\d{2}: sedation \(MOAA\/S or RASS\)\.$/ },
    },
    'observations-unreadable-during-a-course-leave-the-checks-unknown': {
      resources: candidate({}, ketamineCourse()),
      unknown: ['observations'],
      expect: { 'MO-11': 'unknown' },
    },
  });
});

describe('misuse safeguards (MO-13)', () => {
  check({
    'no-pdmp-review-or-drug-screen-before-starting-is-to-do': {
      resources: candidate(),
      expect: { 'MO-13': 'met' },
      note: { 'MO-13': /^Misuse safeguards before starting: a PDMP review and a urine drug screen\.$/ },
    },
    'both-within-90-days-are-done': { resources: candidate({}, pdmp(20), drugScreen(20)), expect: { 'MO-13': 'not-met' } },
    'a-pdmp-review-older-than-90-days-is-due-again': {
      resources: candidate({}, pdmp(120), drugScreen(20)),
      expect: { 'MO-13': 'met' },
      note: { 'MO-13': /: a PDMP review\./ },
    },
    'during-a-course-the-review-is-periodic-and-asks-about-urinary-symptoms': {
      resources: candidate({}, ketamineCourse()),
      expect: { 'MO-13': 'met' },
      note: { 'MO-13': /every 90 days during treatment.*ask about urinary symptoms \(RC-11\)/ },
    },
    'procedures-and-observations-unreadable-is-unknown': { resources: candidate(), unknown: ['procedures', 'observations'], expect: { 'MO-13': 'unknown' } },
  });
});

describe('not first-line, payer note and the combination (RC-13, RC-14, RC-15)', () => {
  check({
    'one-failed-trial-is-a-warning-on-the-trd-card-not-a-caution': {
      resources: candidate({ escitalopram: null }),
      expect: { 'RC-13': 'met' },
      indicator: { 'RC-13': 'warning' },
      note: { 'RC-13': /^TRD not documented: 1 of 2 failed adequate trials\.$/ },
    },
    'two-failed-trials-is-not-first-line-no-more': { resources: candidate(), expect: { 'RC-13': 'not-met' } },
    'undecided-trial-is-information': {
      resources: candidate({ escitalopram: medStatement(RX.escitalopramIngredient, { startDaysAgo: 180, endDaysAgo: 60, dose: null }) }),
      expect: { 'RC-13': 'unknown' },
      indicator: { 'RC-13': 'info' },
    },
    'tms-and-ketamine-courses-at-once-get-the-payer-note': {
      resources: candidate({}, ketamineCourse(), tmsCourse()),
      expect: { 'RC-14': 'met' },
      indicator: { 'RC-14': 'info' },
      note: { 'RC-14': /^Some payers do not cover TMS given alongside ketamine or esketamine; check coverage\.$/ },
    },
    'a-tms-course-alone-is-no-payer-question': { resources: candidate({}, tmsCourse()), expect: { 'RC-14': 'not-met' } },
    'procedures-unreadable-leave-the-payer-note-unknown': { resources: candidate(), unknown: ['procedures'], expect: { 'RC-14': 'unknown' } },
    'combination-without-a-prior-inadequate-response-is-a-warning-offering-sequence': {
      resources: candidate(),
      expect: { 'RC-15': 'met', 'EL-3': 'not-met' },
      indicator: { 'RC-15': 'warning' },
      note: { 'RC-15': /consider giving them in sequence/ },
    },
    'combination-after-a-tms-nonresponse-is-information': {
      // A completed TMS course (30 weekday sessions, the last 100 days ago) from PHQ-9 20 to 17: nonresponse (EL-3 met).
      resources: candidate(
        {},
        Array.from({ length: 30 }, (_, i) => procedure(SYS.cpt, i === 0 ? '90867' : '90868', { daysAgo: 100 + Math.floor(((29 - i) * 7) / 5) })),
        obs.phq9(20, 145),
        obs.phq9(17, 95),
      ),
      expect: { 'RC-15': 'met', 'EL-3': 'met' },
      indicator: { 'RC-15': 'info' },
    },
    'combination-with-a-tms-course-in-progress-is-a-warning-naming-what-is-missing': {
      resources: candidate({}, tmsCourse()),
      expect: { 'RC-15': 'met', 'EL-3': 'unknown' },
      indicator: { 'RC-15': 'warning' },
    },
    'combination-contraindicated-by-psychosis-gets-no-combination-card': {
      resources: candidate({}, icd('F20.9')),
      expect: { 'RC-15': 'not-met' },
    },
  });
});

describe('MO-1 is retired (revision-2 section 2)', () => {
  it('no rule evaluates MO-1: the weight-based dose, infusion time and frequency are OR-3, OR-4 and OR-5 on in-scope drafts', () => {
    const a = assessResources(candidate());
    expect(a.byRule.has('MO-1')).toBe(false);
  });
});

describe('the cards that carry them at order-sign', () => {
  const summaries = (cards: Card[]) => cards.map((c) => c.summary);

  it('IV ketamine: one monitoring card listing MO-2, MO-11, MO-12 and MO-13 with the PDMP review and drug screen', async () => {
    const { cards } = await callHook('order-sign', candidate(), { drafts: [ketamineDraft(40)] });
    const card = cards.find((c) => c.summary.endsWith('(MO-2)'))!;
    for (const words of [/continuous pulse oximetry/i, /CADSS/, /Arrange transport home/, /\(MO-13\)/]) expect(card.detail).toMatch(words);
    expect(card.suggestions!.map((s) => s.label)).toEqual(
      expect.arrayContaining(['Review the prescription drug monitoring program', 'Order a urine drug screen']),
    );
  });

  it('esketamine: the REMS card names pulse oximetry in its summary and the checks after the session', async () => {
    const { cards } = await callHook('order-sign', candidate(), { drafts: [esketamineDraft()] });
    const card = cards.find((c) => c.summary.includes('MO-3'))!;
    expect(card.summary).toMatch(/pulse oximetry/);
    expect(card.detail).toMatch(/MOAA\/S/);
    expect(card.detail).toMatch(/no driving or hazardous activity until the following day/);
  });

  it('with substance misuse (RC-2) the safeguards ride on RC-2, not on the monitoring card (one card per problem)', async () => {
    const { cards } = await callHook('order-sign', candidate({}, icd('F12.90')), { drafts: [ketamineDraft(40)] });
    const monitoring = cards.find((c) => c.summary.endsWith('(MO-2)'))!;
    expect(monitoring.detail).not.toMatch(/\(MO-13\)/);
    expect(summaries(cards).some((s) => s.includes('RC-2'))).toBe(true);
  });

  it('esketamine with TMS in one call: the payer note as an info card, last', async () => {
    const { cards } = await callHook('order-sign', candidate(), { drafts: [esketamineDraft(), tmsDraft()] });
    const last = cards[cards.length - 1]!;
    expect(last).toMatchObject({ indicator: 'info', summary: 'Some payers do not cover TMS given alongside ketamine or esketamine; check coverage (RC-14)' });
  });

  // OR-13: a TMS draft with an active ketamine course is the combination; the payer note is a line of RC-15's card.
  it('TMS drafted while a ketamine course is in progress: the combination card carries the payer note', async () => {
    const { cards } = await callHook('order-sign', candidate({}, ketamineCourse()), { drafts: [tmsDraft()] });
    const combination = cards.find((c) => c.summary.endsWith('(RC-15, RC-14)'))!;
    expect(combination.detail).toContain('Some payers do not cover TMS given alongside ketamine or esketamine; check coverage.');
    expect(summaries(cards)).not.toContain('Some payers do not cover TMS given alongside ketamine or esketamine; check coverage (RC-14)');
  });

  it('TMS alone: no payer note, no monitoring card of the ketamines', async () => {
    const { cards } = await callHook('order-sign', candidate(), { drafts: [tmsDraft()] });
    expect(summaries(cards).some((s) => /RC-14|MO-2|MO-3|MO-12/.test(s))).toBe(false);
  });

  it('RC-13 is never a card of its own: the TRD card says it, as a warning', async () => {
    const { cards } = await callHook('patient-view', candidate({ escitalopram: null }));
    expect(summaries(cards).filter((s) => s.includes('RC-13'))).toEqual([]);
    const trd = cards.find((c) => c.summary.startsWith('TRD not documented'))!;
    expect(trd.indicator).toBe('warning');
  });
});
