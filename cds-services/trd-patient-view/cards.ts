// patient-view cards (revision-2 CD-1 to CD-9): at most four, never two on one problem, most decisive first:
// the suicide-risk safety card, the contraindications, the TRD card with the next step, the cautions to
// settle before starting (each problem once, with its settling order), and the residual data gaps.

import type { Card, Link, Suggestion } from '../../src/cds-hooks/protocol.js';
import type { Assessment, ModalityVerdict } from '../assessment/assess.js';
import { MODALITIES, MODALITY_NAMES, type Finding, type Modality } from '../assessment/findings.js';
import { SOURCES } from '../assessment/sources.js';
import { byIndicator, evidenceText, findingsTable, joinMarkdown, makeCard, md, table, type Markdown } from '../cards/card.js';
import { capitalise, modalityList, orderAction, ordersForMissing, type PresentContext } from '../cards/common.js';
import { ectCard, ectReasons, ectReferralSuggestion } from '../cards/ect.js';
import { esketamineCourseActions, ketamineCourseActions, tmsCourseActions, type EsketamineVariant } from '../cards/suggested-orders.js';
import {
  PROBLEM_NAMES,
  clause,
  episodeInDoubt,
  findingSentence,
  firstFitting,
  fittingList,
  groupByProblem,
  highestIndicator,
  inSentence,
  leadClause,
  joinNames,
  problemOf,
  ruleIds,
  sentenceCase,
  sentencesWithRules,
  type Problem,
} from '../cards/problems.js';
import { diagnosisLeads, trdSummary } from './trd-summary.js';
import { ageAtOrder, dosingWeight, protocolDoseMg } from '../order-review/checks.js';
import { SHOWN_FINDINGS_EXTENSION, esketamineDay1, patientFindings, shownFindingsValue } from '../order-review/review.js';

/** The card budget of patient-view (issue 17): at most this many cards. */
export const PATIENT_VIEW_MAX_CARDS = 4;

/** Rule ids to the words a verdict uses for "not checked" (CD-4). */
function notCheckedWords(rules: readonly string[], a: Assessment): string {
  const words = new Set<string>();
  for (const id of rules) {
    const f = a.byRule.get(id);
    if (!f) continue;
    if (id === 'CI-10' && f.evidence.length === 0) words.add('TMS safety screen');
    else if (id === 'EL-6') words.add('age');
    else if (id === 'CI-4') words.add('pregnancy test');
    else if (problemOf(f) === 'interaction' || problemOf(f) === 'medication-list') words.add('medication list (interactions)');
    else words.add(PROBLEM_NAMES[problemOf(f)]);
  }
  return [...words].join(', ');
}

const problemsOf = (rules: readonly string[], a: Assessment) =>
  [
    ...new Set(
      rules
        .map((id) => a.byRule.get(id))
        .filter((f): f is Finding => !!f)
        .map((f) => PROBLEM_NAMES[problemOf(f)]),
    ),
  ].join(', ');

/**
 * One treatment's verdict in words (revision-2 1.3, CD-4): what decided it and what could not be checked.
 * A check the record answered but left open (one BP of 163/114 to repeat, an implant whose site is not
 * coded) says what was found, with the rule; only a check with nothing to read is "not checked".
 */
function verdictLine(m: Modality, v: ModalityVerdict, a: Assessment): string {
  const open = v.notChecked.map((id) => a.byRule.get(id)).filter((f): f is Finding => !!f);
  const toConfirm = open.filter((f) => f.evidence.length > 0);
  const notChecked = open.filter((f) => f.evidence.length === 0).map((f) => f.rule);
  const unchecked = notChecked.length ? `; not checked: ${notCheckedWords(notChecked, a)}` : '';
  const found = sentencesWithRules(toConfirm, (f) => inSentence(findingSentence(f)).replace(/\.$/, ''));
  if (v.status === 'contraindicated') return `contraindicated: ${problemsOf(v.because, a)}`;
  if (v.status === 'deferred') return 'deferred: start after the same-day suicide risk evaluation is documented';
  if (m === 'esketamine' && a.byRule.get('CI-1')?.status === 'met') {
    return 'labelled for MDD with acute suicidal ideation or behaviour (84 mg twice weekly with an oral antidepressant, certified setting); it does not replace hospitalisation';
  }
  const cautions = v.because.filter((id) => !v.notChecked.includes(id));
  const reasons = [...(cautions.length ? [problemsOf(cautions, a)] : []), ...found];
  if (v.status === 'caution' && reasons.length) return `caution: ${reasons.join('; ')}${unchecked}`;
  // A relative rule left open does not make a caution verdict (the extension says clear): it is named to confirm.
  if (found.length) return `no contraindication found; to confirm: ${found.join('; ')}${unchecked}`;
  return unchecked ? `no contraindication found in the checks that could be run${unchecked}` : 'no contraindication found';
}

/** CI-1 found, or evaluated since: the suicide-risk safety card (a safety problem, not a contraindication). */
function safetyCard(a: Assessment, ctx: PresentContext): Card | undefined {
  const ci1 = a.byRule.get('CI-1')!;
  const evaluated = ci1.data?.['evaluated'];
  if (ci1.status !== 'met' && !evaluated) return undefined;
  const crisis = ctx.knowledge.thresholds.safety.crisisPathwayUrl.value;
  const links: Link[] = crisis ? [{ label: 'Local crisis pathway', url: crisis, type: 'absolute' }] : [];
  if (ci1.status !== 'met') {
    return makeCard(
      {
        summary: `${clause(ci1.note!)} (CI-1)`,
        indicator: 'info',
        source: ci1.source,
        detail: md`Suicide risk was evaluated after the trigger; treatment may be considered.`,
      },
      ctx.newId,
    );
  }
  const suggestions = ordersForMissing(ci1).map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] }));
  // EL-12 item 5: ECT is named among the options after the evaluation, with its referral, on this card.
  const ect = ectReasons(a);
  if (ect) suggestions.push(ectReferralSuggestion(a, ctx, ect));
  return makeCard(
    {
      summary: `${clause(ci1.note!)} (CI-1)`,
      indicator: 'critical',
      source: ci1.source,
      detail: joinMarkdown(
        [
          md`**${clause(ci1.note!)}.** Evaluate today, before any treatment starts.`,
          md`- IV ketamine, TMS and ketamine with TMS: deferred until the evaluation is documented.`,
          md`- Esketamine (SPRAVATO): labelled for depressive symptoms in adults with MDD with acute suicidal ideation or behaviour (84 mg twice weekly with an oral antidepressant, in a certified setting); it does not replace hospitalisation when that is needed.`,
          md`- ECT may be considered among the options after the evaluation.`,
        ],
        '\n',
      ),
      suggestions,
      selectionBehavior: 'any',
      ...(links.length ? { links } : {}),
    },
    ctx.newId,
  );
}

/** Every found contraindication on one critical card, a line per problem (CD-1). */
function contraindicationsCard(found: Finding[], ctx: PresentContext): Card | undefined {
  if (!found.length) return undefined;
  const byProblem = [...groupByProblem(found)];
  const line = ([problem, fs]: [Problem, Finding[]]): Markdown => {
    const modalities = [...new Set(fs.flatMap((f) => f.absoluteFor))];
    return md`**${capitalise(modalityList(modalities))} contraindicated** (${PROBLEM_NAMES[problem]}): ${fs.map(findingSentence).join('; ')} ${ruleIds(fs)}.`;
  };
  // The summary groups problems by the treatments they rule out: "IV ketamine and esketamine contraindicated: substance use, stroke".
  const byTreatments = new Map<string, Problem[]>();
  for (const [problem, fs] of byProblem) {
    const key = modalityList([...new Set(fs.flatMap((f) => f.absoluteFor))]);
    byTreatments.set(key, [...(byTreatments.get(key) ?? []), problem]);
  }
  // A problem decided by a reading names it (CD-3): "BP 186/114 mmHg on <date>", not "BP".
  const reading = (p: Problem) => {
    const r = byProblem.find(([q]) => q === p)?.[1].find((f) => typeof f.data?.['reading'] === 'string')?.data?.['reading'];
    return typeof r === 'string' ? r : PROBLEM_NAMES[p];
  };
  const phrase = (name: (p: Problem) => string) =>
    `${[...byTreatments].map(([treatments, problems]) => `${capitalise(treatments)} contraindicated: ${problems.map(name).join(', ')}`).join('; ')} ${ruleIds(found)}`;
  const everyProblem = byProblem.map(([p]) => PROBLEM_NAMES[p]);
  const summary = firstFitting(
    phrase(reading),
    phrase((p) => PROBLEM_NAMES[p]),
    `Contraindicated: ${fittingList(everyProblem, 139 - 'Contraindicated: '.length - ruleIds(found).length - 1)} ${ruleIds(found)}`,
  );
  return makeCard(
    {
      summary,
      indicator: 'critical',
      source: found[0]!.source,
      detail: byProblem.map(line),
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

/** OR-12 on patient-view: which treatments may be suggested now, and why not the others. */
function suggestable(a: Assessment, m: Exclude<Modality, 'ketamine-tms-combination'>): boolean {
  const v = a.modalities[m];
  if (v.status === 'contraindicated' || v.status === 'deferred' || a.withheldSuggestions[m]) return false;
  if (a.byRule.get('CI-1')?.status === 'met') return false;
  // An absolute contraindication that is unknown withholds the suggestion, except a TMS safety screen
  // that is missing: TMS may be offered together with the screen.
  return v.notChecked.every((id) => {
    const f = a.byRule.get(id)!;
    if (!f.absoluteFor.includes(m)) return true;
    return m === 'tms' && id === 'CI-10' && f.settledBy?.includes('order-tms-safety-screen') === true && f.evidence.length === 0;
  });
}

function candidateOrders(a: Assessment, ctx: PresentContext): Omit<Suggestion, 'uuid'>[] {
  const suggestions: Omit<Suggestion, 'uuid'>[] = [];
  const c = ctx.knowledge.thresholds.orderReview;
  if (suggestable(a, 'tms')) {
    const screen = a.modalities.tms.notChecked.includes('CI-10');
    suggestions.push({
      label: `Order a TMS course: 5 sessions a week for 6 weeks, then a taper${screen ? ', with the safety screen' : ''}`,
      actions: tmsCourseActions(ctx, screen),
    });
  }
  // The cautions shown with a suggestion ride on it, so the loop guard (OR-11) can tell repeats from news.
  const shown = (modality: Modality) => (r: fhir4.Resource) => {
    (r as fhir4.DomainResource).extension = [
      { url: SHOWN_FINDINGS_EXTENSION, valueString: `${shownFindingsValue(patientFindings(a, modality, false).cautions)} monitoring=shown`.trim() },
    ];
  };
  // SO-1 dose: 0.5 mg/kg of the OR-3 dosing weight (MO-1 is retired by revision-2).
  const weight = dosingWeight(a.index, c);
  if (suggestable(a, 'iv-ketamine') && weight) {
    const mg = protocolDoseMg(weight, c);
    suggestions.push({
      label: `Order IV ketamine ${mg} mg (${c.ketamineTargetMgPerKg.value} mg/kg) ${c.ketamineSessionsPerWeek.value} times a week, ${c.ketamineInductionSessions.value} sessions`,
      actions: ketamineCourseActions(ctx, { mg, weight, mark: shown('iv-ketamine') }),
    });
  }
  if (suggestable(a, 'esketamine')) {
    // OR-12: after a documented suicide risk evaluation that did not find high risk, only the acute-SI variant (SO-2).
    const evaluated = a.byRule.get('CI-1')?.data?.['evaluated'] !== undefined;
    const age = ageAtOrder(a.index, a.now);
    const variant: EsketamineVariant = evaluated
      ? { kind: 'acute-si' }
      : { kind: 'trd', day1: esketamineDay1(a.index, ctx.knowledge, a.now), ...(age.youngest !== undefined ? { age: age.youngest } : {}) };
    suggestions.push({
      label:
        variant.kind === 'acute-si'
          ? `Order esketamine (SPRAVATO) ${c.esketamineSiDoseMg.value} mg twice weekly for ${c.esketamineSiWeeks.value} weeks (acute suicidal ideation)`
          : variant.day1
            ? `Order esketamine (SPRAVATO): day 1 ${variant.age !== undefined && variant.age >= c.esketamineGeriatricAge.value && c.esketamineLabelJurisdiction.value !== 'US' ? c.esketamineGeriatricDay1DoseMg.value : c.esketamineDay1DoseMg.value} mg, then 56 mg twice weekly to week 4`
            : `Order esketamine (SPRAVATO) 56 mg twice weekly for ${c.esketamineInductionWeeks.value} weeks`,
      actions: esketamineCourseActions(ctx, variant, shown('esketamine')),
    });
  }
  return suggestions;
}

/**
 * TRD not met: the gap that keeps it so, first the one that comes first clinically. No depressive
 * disorder on record -> the diagnosis; MDD with no antidepressant ever -> first-line treatment
 * (treatment-naive, not possibly TRD: APA 2010, NICE NG222); a trial whose adequacy or outcome is
 * undecided -> what that trial's record lacks; otherwise further adequate trials.
 */
function trdGap(a: Assessment): string {
  const el1 = a.byRule.get('EL-1');
  if (el1?.status === 'not-met') {
    const reason = (el1.data as { reason?: string } | undefined)?.reason;
    if (reason === 'no-mdd' || reason === undefined) {
      const drugs = [...new Set(a.trials.map((t) => t.ingredient))];
      return `Record the diagnosis if depression is present${drugs.length ? `; ${joinNames(drugs)} ${drugs.length === 1 ? 'has' : 'have'} no depressive disorder on record as the reason` : ''}.`;
    }
    return 'Confirm the current diagnosis: TRD criteria apply to a current major depressive episode.';
  }
  if (!a.trials.length) return 'No antidepressant trial on record for this episode: first-line treatment, or record treatment given elsewhere.';
  // A drug that worked, stopped, then relapse: restarting it comes before another trial (EL-2.10 revised [local]).
  const relapsed = a.trials.find((t) => t.status === 'responded' && t.relapse);
  if (relapsed)
    return `${capitalise(relapsed.ingredient)} worked and the depression returned after it was stopped (${relapsed.relapse}): consider restarting it.`;
  const undecided = a.trials.filter((t) => t.status === 'adequacy-unknown' || t.status === 'outcome-unknown');
  if (undecided.length) {
    const what = (t: (typeof undecided)[number]) =>
      t.status === 'outcome-unknown' ? `${t.ingredient}'s response` : `${t.ingredient}'s dose, duration and response`;
    return `Record ${joinNames(undecided.slice(0, 2).map(what))}: an undecided trial may count.`;
  }
  return 'Document further adequate antidepressant trials, or the reason they could not be given.';
}

/**
 * A TRD candidate whose age could not be read (EL-6 unknown): OR-12 withholds IV ketamine and esketamine
 * under 18 and TMS under 15, so nothing is suggested and the TRD card asks for the date of birth itself.
 */
const ageWithholds = (a: Assessment, candidate: boolean) => candidate && a.withheldSuggestions.esketamine === 'EL-6';

/**
 * While a course is active nothing new is started (MO-9, OR-12): the next step is the course's own, not a
 * check to settle. "IV ketamine session 4 of 6 (last 1 day ago) in progress: ..." (MO-7 line, MO-9 prompts).
 */
function courseStep(a: Assessment): string | undefined {
  const mo9 = a.byRule.get('MO-9');
  if (mo9?.status !== 'met') return undefined;
  const mo7 = a.byRule.get('MO-7')?.data as { line?: string; modalities?: string[] } | undefined;
  const line = (mo7?.line ?? 'A treatment course').split('; ')[0];
  // MO-9's checkpoints: IV ketamine session 6 (the induction), the end of esketamine's 4-week induction.
  const c = a.index.knowledge.thresholds;
  const when: Record<string, string> = {
    ketamine: `decide on maintenance at session ${c.courses.ketaminePlannedSessions.value}`,
    esketamine: `decide on maintenance at the end of week ${c.dosing.esketamineInductionWeeks.value}`,
  };
  const later = when[mo7?.modalities?.[0] ?? ''] ?? 'review the response at the end of the course';
  const maintenance = mo9.data?.['checkpoint'] ? 'evaluate benefit and decide on maintenance now' : later;
  return `${line} in progress: no new course is suggested; record a PHQ-9 after each session and ${maintenance} (MO-7, MO-9).`;
}

/** The TRD card's next step, in one line (CD-3: the decision and the next step come first). */
function nextStep(a: Assessment, candidate: boolean, suggestions: number): string {
  if (a.byRule.get('CI-1')?.status === 'met') return 'Same-day suicide risk evaluation first; start a treatment only after it is documented.';
  if (episodeInDoubt(a)) return 'Repeat the PHQ-9 to confirm the depressive episode is current; no treatment is suggested until it is.';
  if (candidate && suggestions) return 'Choose a treatment below; each suggestion carries its monitoring orders.';
  const course = courseStep(a);
  if (course) return course;
  if (ageWithholds(a, candidate))
    return "Record the patient's date of birth: IV ketamine, esketamine and TMS are suggested only once the age is known (OR-12: none under 18, TMS none under 15).";
  if (candidate) return 'No treatment can be suggested until the checks below are settled.';
  if (a.trd.status === 'not-met') return trdGap(a);
  const el2 = a.byRule.get('EL-2');
  return `Settle what is missing: ${el2?.missing.slice(0, 2).join('; ') || 'see the eligibility table'}.`;
}

/**
 * What the EHR sent that no rule read, so the clinician knows the record was not whole: resources of
 * another patient, and resources about a patient that named none (a subject with only a display).
 */
function leftOutLine(a: Assessment): Markdown | undefined {
  const parts = [
    a.otherPatient.count ? `${a.otherPatient.count} ${a.otherPatient.count === 1 ? 'record' : 'records'} of another patient` : '',
    a.unattributable ? `${a.unattributable} ${a.unattributable === 1 ? 'record' : 'records'} naming no patient` : '',
  ].filter(Boolean);
  return parts.length ? md`Not read: ${parts.join('; ')} (only this patient's data is used).` : undefined;
}

/**
 * Whether the TRD card may offer a treatment: trd.status is the whole definition (EL-1 and EL-2); a current
 * manic episode (CI-12) starts nothing, nor does a latest score below the remission cut (EL-4), for which
 * the repeat PHQ-9 is suggested instead.
 */
const isCandidate = (a: Assessment) =>
  a.trd.status === 'met' && a.byRule.get('EL-6')?.status !== 'not-met' && a.byRule.get('CI-12')?.status !== 'met' && episodeInDoubt(a) === undefined;

function trdCard(a: Assessment, ctx: PresentContext, alsoNoted: Finding[]): Card {
  const el = (id: string) => a.byRule.get(id)!;
  const needed = ctx.knowledge.thresholds.adequateTrial.minimumTrialsForTrd.value;
  const doubt = episodeInDoubt(a) !== undefined;
  const candidate = isCandidate(a);
  const el1 = el('EL-1').data as { postpartum?: boolean } | undefined;
  const postpartum = el1?.postpartum
    ? md`Postpartum depression: lactation and pregnancy rules apply; treatments specific to postpartum depression exist (zuranolone, brexanolone).`
    : undefined;
  const repeatPhq9 = 'Order a repeat PHQ-9';
  const suggestions = doubt ? [{ label: repeatPhq9, actions: [orderAction(ctx, 'order-phq9', repeatPhq9)] }] : candidate ? candidateOrders(a, ctx) : [];
  const verdicts = MODALITIES.filter((m) => m !== 'ketamine-tms-combination').map(
    (m) => md`- ${capitalise(MODALITY_NAMES[m])}: ${verdictLine(m, a.modalities[m], a)}.`,
  );
  const trials = a.trials.length
    ? table(
        ['Ingredient', 'Trial', 'Evidence'],
        a.trials.map((t) => [t.ingredient, t.status.replace('-', ' '), evidenceText(t.evidence, ctx.nameRecord)]),
      )
    : md`No antidepressant trial in the episode look-back.`;
  const notUsed = leftOutLine(a);
  const noted = alsoNoted.length ? md`Also noted: ${alsoNoted.map((f) => `${inSentence(findingSentence(f))} (${f.rule})`).join('; ')}.` : undefined;
  return makeCard(
    {
      summary: trdSummary(a, needed),
      // RC-13 (revised) sets it: a warning when TRD is not documented, information while EL-2 is unknown.
      indicator:
        a.trd.status === 'met' || (a.trd.status === 'unknown' && a.byRule.get('RC-13')?.status === 'unknown' && el('EL-1').status === 'met')
          ? 'info'
          : 'warning',
      source: SOURCES.trdDefinition,
      // The TRD status is EL-2's verdict; the ledger and snooze count this card under it.
      rules: ['EL-2'],
      detail: [
        md`**Next step:** ${nextStep(a, candidate, suggestions.length)}`,
        joinMarkdown(verdicts, '\n'),
        noted,
        postpartum,
        notUsed,
        // With an explanation page, the tables live there and the card stays on one screen.
        ...(ctx.explainUrl ? [] : [md`**Eligibility**\n\n${findingsTable(a.criteria, ctx.nameRecord)}`, md`**Antidepressant trials**\n\n${trials}`]),
      ],
      suggestions,
      selectionBehavior: 'at-most-one',
      ...(ctx.explainUrl
        ? { links: [{ label: 'Full assessment: eligibility, safety checks and trials', url: ctx.explainUrl, type: 'absolute' as const }] }
        : {}),
    },
    ctx.newId,
  );
}

/**
 * What to settle before starting (CD-1): one problem per card while the budget allows; over budget the
 * rest share one card whose summary names each problem. Every settling order is offered once across
 * the cards (`offered`). Summaries are chosen to fit under 140 characters, never cut (CD-3).
 */
function beforeStartingCard(findings: Finding[], ctx: PresentContext, offered: Set<string> = new Set()): Card | undefined {
  if (!findings.length) return undefined;
  const groups = [...groupByProblem(findings)];
  const lines = groups.map(([p, fs]) =>
    p === 'medication-list'
      ? md`- **Medication list**: incomplete (${medicationListWhy(fs)}); not checked: ${fs.map((f) => `${MEDICINES_CHECKED[f.rule] ?? inSentence(f.title)} medicines (${f.rule})`).join(', ')}.`
      : md`- **${sentenceCase(PROBLEM_NAMES[p])}**: ${sentencesWithRules(fs).join('; ')}.`,
  );
  const suggestions = findings
    .flatMap(ordersForMissing)
    .filter((o) => !offered.has(o.template) && offered.add(o.template))
    .map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] }));
  const firstFindings = groups[0]![1];
  const lead = firstFindings.find((f) => f.indicator !== 'info') ?? firstFindings[0]!;
  const others = groups.slice(1).map(([p]) => PROBLEM_NAMES[p]);
  const base = groups[0]![0] === 'medication-list' ? medicationListSentence(firstFindings) : `${sentenceCase(findingSentence(lead))} ${ruleIds(firstFindings)}`;
  const names = groups.map(([p]) => PROBLEM_NAMES[p]);
  const all = ruleIds(findings);
  const summary = others.length
    ? firstFitting(
        `${base}; also ${others.join(', ')}`,
        `Settle before starting: ${names.join(', ')} ${all}`,
        `Settle before starting: ${fittingList(names, 139 - 'Settle before starting: '.length - ruleIds(firstFindings).length - 1)} ${ruleIds(firstFindings)}`,
      )
    : firstFitting(
        base,
        // The rule's own sentence up to its first colon ("Substance use recorded (opioid abuse)"; for an
        // unknown, "No BP recorded in the last 30 days; the last 2 were at or above 180/100 (latest ...)",
        // which says more than "could not be checked").
        `${sentenceCase(leadClause(findingSentence(lead)))} ${ruleIds(firstFindings)}`,
        lead.status === 'unknown' ? `${sentenceCase(inSentence(lead.title))}: could not be checked ${ruleIds(firstFindings)}` : '',
        `${sentenceCase(PROBLEM_NAMES[groups[0]![0]])}: ${inSentence(lead.title)} ${ruleIds(firstFindings)}`,
      );
  return makeCard(
    {
      summary,
      indicator: highestIndicator(findings),
      source: lead.source,
      detail: joinMarkdown(lines, '\n'),
      suggestions,
      selectionBehavior: 'any',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

/** The medicines each check looks for, in a clinician's words (the rules' titles name the check, not the drugs). */
const MEDICINES_CHECKED: Readonly<Record<string, string>> = {
  'RC-3': 'sedating',
  'RC-4': 'BP-raising',
  'RC-6': 'seizure-threshold',
  'RC-22': 'ketamine-blunting',
};
const medicinesChecked = (fs: readonly Finding[]) => `${joinNames(fs.map((f) => MEDICINES_CHECKED[f.rule] ?? inSentence(f.title)))} medicines`;
const medicationListWhy = (fs: readonly Finding[]) => [...new Set(fs.flatMap((f) => f.missing))].join('; ');

/**
 * The medication list that could not be read, said once with the checks it leaves open (CD-1, CD-3: a gap
 * worded as a gap, never "BP"): "Medication list incomplete: seizure-threshold, sedating and BP-raising
 * medicines not checked (RC-6, RC-3, RC-4)".
 */
function medicationListSentence(fs: readonly Finding[]): string {
  return firstFitting(
    `Medication list incomplete (${medicationListWhy(fs)}): ${medicinesChecked(fs)} not checked ${ruleIds(fs)}`,
    `Medication list incomplete: ${medicinesChecked(fs)} not checked ${ruleIds(fs)}`,
    `Medication list incomplete: medicines not checked ${ruleIds(fs)}`,
  );
}

/** Eligibility data gaps no other card carries (CD-1: a residual card, each gap once). */
function missingDataCard(gaps: Finding[], ctx: PresentContext, alreadyOrdered: ReadonlySet<string>, safetyGaps: Finding[] = []): Card | undefined {
  gaps = [...safetyGaps, ...gaps];
  if (!gaps.length) return undefined;
  const seen = new Set(alreadyOrdered);
  const suggestions = gaps
    .flatMap(ordersForMissing)
    .filter((o) => !seen.has(o.template) && seen.add(o.template))
    .map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] }));
  // CD-1: a gap another card already orders (the BP a CI-6 card asks for) is not listed again.
  const elsewhere = (f: Finding) => !!f.settledBy?.length && f.settledBy.every((o) => alreadyOrdered.has(o));
  // The same gap worded by two rules ("a blood pressure within 30 days", "blood pressure within 30 days") is listed once.
  const items = [...new Set(gaps.filter((f) => !elsewhere(f)).flatMap((f) => f.missing.map((m) => m.replace(/^an? /, ''))))];
  if (!items.length && !suggestions.length) return undefined;
  // A safety check that only lacks data (CI-6 with no BP) rides here over budget: its rule is named and its indicator kept.
  const rules = safetyGaps.length ? ` ${ruleIds(safetyGaps)}` : '';
  return makeCard(
    {
      summary: firstFitting(
        `Missing data: ${items.join('; ')}${rules}`,
        `Missing data: ${fittingList(items, 139 - 'Missing data: '.length - rules.length)}${rules}`,
      ),
      indicator: safetyGaps.length ? highestIndicator(safetyGaps) : 'info',
      source: gaps[0]!.source,
      rules: gaps.map((f) => f.rule),
      detail: table(
        ['Rule', 'Criterion', 'Would be settled by'],
        gaps.map((f) => [f.rule, f.title, f.missing.join('; ')]),
      ),
      suggestions,
      selectionBehavior: 'any',
    },
    ctx.newId,
  );
}

/** Safety findings a clinician must settle or weigh before starting: warnings found, and checks that could not be made. */
function toSettle(a: Assessment): { settle: Finding[]; noted: Finding[] } {
  const settle: Finding[] = [];
  const noted: Finding[] = [];
  for (const f of a.findings) {
    if (f.kind === 'monitoring' || f.rule === 'CI-1' || f.rule === 'RC-13' || f.rule === 'RC-14' || f.rule === 'RC-15') continue;
    if (f.status === 'met' && f.absoluteFor.length) continue; // the contraindications card
    // A missing TMS safety screen travels with the TMS suggestion, not as a problem of its own (OR-12).
    if (f.rule === 'CI-10' && f.status === 'unknown' && f.evidence.length === 0 && f.settledBy?.includes('order-tms-safety-screen')) continue;
    if (f.status === 'met' && f.indicator === 'info') noted.push(f);
    else if (f.status === 'met' || f.status === 'unknown') settle.push(f);
  }
  // An information line joins a problem that is already on the card (RC-22 with RC-3).
  const problems = new Set(settle.map(problemOf));
  return { settle: [...settle, ...noted.filter((f) => problems.has(problemOf(f)))], noted: noted.filter((f) => !problems.has(problemOf(f))) };
}

/**
 * patient-view: the suicide-risk safety card, the contraindications, the TRD card (the decision, the
 * next step and the suggested orders), what to settle before starting, and residual data gaps; most
 * important first, at most four, no problem on two cards. A patient with no depression diagnosis and
 * no antidepressant history gets no cards.
 */
export function patientViewCards(a: Assessment, ctx: PresentContext): Card[] {
  if (!a.isDepressionPatient) return [];
  const contraindications = a.findings.filter((f) => f.kind === 'absolute' && f.status === 'met' && f.absoluteFor.length);
  const { settle, noted } = toSettle(a);
  // EL-3 (combination history) and EL-8 (REMS checklist) belong to ordering; EL-2 is the TRD card's own line,
  // and so is EL-4 when it doubts the current episode (the TRD card carries the repeat PHQ-9; during an
  // active course the low score is the course's response, which its line names).
  // A date of birth the TRD card's next step asks for (the age that withholds every suggestion) is not repeated.
  const own = [
    'EL-2',
    'EL-3',
    'EL-8',
    ...(a.byRule.get('EL-4')?.data?.['reason'] === 'episode-in-doubt' ? ['EL-4'] : []),
    ...(ageWithholds(a, isCandidate(a)) ? ['EL-6'] : []),
    ...(diagnosisLeads(a) ? ['EL-1'] : []),
  ];
  const gaps = a.criteria.filter((f) => f.missing.length && !own.includes(f.rule) && f.status !== 'met');
  const leading = [safetyCard(a, ctx), contraindicationsCard(contraindications, ctx), trdCard(a, ctx, noted), ectCard(a, ctx)].filter((c): c is Card => !!c);
  // One card per problem to settle while the budget allows (CD-1). Over it, a safety check that only lacks
  // data (no BP in 30 days) joins the Missing data card first, as the same gap EL-5 asks for; then the last
  // safety problems share one card, and the eligibility gaps keep their own Missing data card (a safety card
  // dismissed must not take the PHQ-9 or weight prompts with it); only with no room left at all do the gaps
  // join the safety card.
  let problems = [...groupByProblem(settle)].map(([, fs]) => fs);
  const room = Math.max(PATIENT_VIEW_MAX_CARDS - leading.length, settle.length ? 1 : 0);
  const onlyData = (fs: Finding[]) => fs.every((f) => f.status === 'unknown' && f.evidence.length === 0 && !!f.settledBy?.length);
  const safetyGaps = gaps.length && room >= 2 && problems.length + 1 > room ? problems.filter(onlyData).flat() : [];
  if (safetyGaps.length) problems = problems.filter((fs) => !onlyData(fs));
  const ordered = new Set(problems.flat().flatMap((f) => f.settledBy ?? []));
  const offered = new Set<string>();
  const gapsRoom = gaps.length && room >= 2 ? 1 : 0;
  const safetyRoom = room - gapsRoom;
  const tail =
    problems.length + (gaps.length ? 1 : 0) <= room
      ? [...problems.map((fs) => beforeStartingCard(fs, ctx, offered)), missingDataCard(gaps, ctx, ordered, safetyGaps)]
      : [
          ...problems.slice(0, Math.max(safetyRoom - 1, 0)).map((fs) => beforeStartingCard(fs, ctx, offered)),
          beforeStartingCard([...problems.slice(Math.max(safetyRoom - 1, 0)).flat(), ...(gapsRoom ? [] : gaps)], ctx, offered),
          gapsRoom ? missingDataCard(gaps, ctx, new Set([...ordered, ...offered]), safetyGaps) : undefined,
        ];
  return [...leading, ...tail.filter((c): c is Card => !!c)].sort(byIndicator);
}
