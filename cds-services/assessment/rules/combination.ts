/**
 * Ketamine or esketamine alongside TMS (revision-2 section 7): the payer note (RC-14) and the
 * combination of ketamine infused during TMS (RC-15), with its evidence level, eligibility, safety
 * and the sequential alternative.
 */
import { asIndicator, met, notMet, unknown, type Finding } from '../findings.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { ALL, unknownBecause, evidenceOf } from './common.js';
import { activeCourses } from './prior-courses.js';

/** RC-14's sentence, as the payer card and the combination card's payer line both say it. */
export const PAYER_NOTE = 'Some payers do not cover TMS given alongside ketamine or esketamine; check coverage.';

/**
 * RC-14 Payer note (revised)
 * Trigger: K + T or E + T: both drafted in one call, or one drafted while a course of the other is
 * active (order review decides from the drafts and MO-7's courses). At patient level: a TMS course and
 * a ketamine or esketamine course both in progress.
 * Outcome: info, sorted below every safety card; never a warning. Met with PAYER_NOTE for concurrent
 * courses; not met otherwise; unknown when procedures or administrations could not be read.
 * Source: rules.md 1.6 (commercial policy summary); S2 (insurance).
 */
export const RC14 = defineRule({
  id: 'RC-14',
  title: 'Payer note: TMS alongside ketamine or esketamine',
  kind: 'relative',
  infoFor: ALL,
  source: SOURCES.medicareTmsLcd,
  evaluate: (ctx) => {
    const active = activeCourses(ctx);
    const modalities = active.map((c) => c.modality);
    if (modalities.includes('TMS') && modalities.some((m) => m !== 'TMS'))
      return asIndicator(met(evidenceOf(active), PAYER_NOTE, { activeCourses: modalities }), 'info');
    const r = ctx.index.record;
    return (
      unknownBecause({ procedures: r.procedures, 'medication administrations': r.medicationAdministrations }) ??
      notMet(undefined, { activeCourses: modalities })
    );
  },
});

const STATUS_WORDS = { met: 'meets', 'not-met': 'does not meet', unknown: 'unknown' } as const;
const eligibilityWords = (f: Finding | undefined) =>
  f ? `${STATUS_WORDS[f.status]}${f.status === 'unknown' && f.missing.length ? ` (needs ${f.missing.join('; ')})` : ''}` : 'not assessed';

/**
 * RC-15 Ketamine during TMS, the combination (revised)
 * Trigger: the combination considered (IV ketamine and TMS drafted together); runs after the verdicts
 * and EL-3 (a late rule).
 * Outcome: met, one card: warning when EL-3 (prior inadequate response to TMS or ketamine alone) does
 * not meet or is unknown, info when it meets. The card states (1) the evidence level, (2) eligibility,
 * EL-2 and EL-3 with their status, (3) safety: ketamine lowers the seizure threshold (RC-6) and the
 * concurrent protocol runs TMS at higher intensities, so monitor for seizure and BP rise, the 20-minute
 * infusion accepted only here (OR-4), (4) the sequential alternative, (5) the payer line (RC-14), not a
 * separate warning. Not met when the combination is contraindicated (the contraindication card speaks).
 * Source: S0, S1, S2; IFCN (not re-read).
 */
export const RC15 = defineRule({
  id: 'RC-15',
  title: 'Ketamine during TMS (the combination)',
  kind: 'relative',
  infoFor: ['ketamine-tms-combination'],
  source: SOURCES.combinationProtocol,
  evaluate: ({ assessed }) => {
    if (!assessed) return unknown(['the eligibility and safety verdicts (RC-15 runs after them)']);
    if (assessed.verdicts['ketamine-tms-combination'].status === 'contraindicated')
      return notMet('Ketamine with TMS is contraindicated (see the contraindication).', { contraindicated: true });
    const el2 = assessed.byRule.get('EL-2');
    const el3 = assessed.byRule.get('EL-3');
    const lines = [
      'Evidence: a 2019 retrospective chart review of 20-minute infusions during high-output TMS, case reports, a case series of ketamine after TMS failure (19 % response) and a 2024 pilot (6 infusions with 36 deep-TMS sessions: no significant added benefit over TMS alone, 80.3 % vs 76.9 % response); no randomised trials',
      `Eligibility: TRD (EL-2) ${eligibilityWords(el2)}; prior inadequate response to TMS or ketamine alone (EL-3) ${eligibilityWords(el3)}`,
      'Safety: ketamine lowers the seizure threshold (RC-6) and the concurrent protocol runs TMS at higher intensities than the patient would otherwise tolerate; monitor for seizure and BP rise; the 20-minute infusion is accepted only in this context (OR-4)',
      'Alternative: sequential delivery, with TMS and ketamine on separate days or separated by a rest period',
      `Payer: ${PAYER_NOTE}`,
    ];
    const eligible = el3?.status === 'met';
    const note = eligible
      ? 'Ketamine during TMS: no randomised trials; monitor for seizure and BP rise, or give them in sequence.'
      : 'Ketamine during TMS with no documented inadequate response to either alone: consider giving them in sequence.';
    return asIndicator(met(el3?.evidence ?? [], note, { lines, el3: el3?.status ?? 'unknown' }), eligible ? 'info' : 'warning');
  },
});

export const COMBINATION_RULES = [RC14];
/** Run after the verdicts (they read EL-3 and the combination's verdict). */
export const COMBINATION_LATE_RULES = [RC15];
