// patient-view cards: the TRD card, contraindication, caution and missing-data cards, and the suggested orders.

import type { Card, Suggestion } from '../../src/cds-hooks/protocol.js';
import type { Assessment } from '../assessment/assess.js';
import { MODALITIES, MODALITY_NAMES, type Finding } from '../assessment/findings.js';
import { SOURCES } from '../assessment/sources.js';
import { byIndicator, evidenceText, findingsTable, makeCard, md, table } from '../cards/card.js';
import { capitalise, cautionsFor, modalityList, orderAction, ordersForMissing, type PresentContext } from '../cards/common.js';
import { setKetamineDose } from '../cards/orders.js';
import { trdSummary } from './trd-summary.js';

const VERDICT_WORD = { contraindicated: 'contraindicated', caution: 'caution', clear: 'no contraindication found' } as const;

function contraindicationCard(f: Finding, ctx: PresentContext): Card {
  const also = f.cautionFor.filter((m) => m !== 'ketamine-tms-combination');
  return makeCard(
    {
      summary: `${capitalise(modalityList(f.absoluteFor))} contraindicated: ${f.title.toLowerCase()} (${f.rule})`,
      indicator: 'critical',
      source: f.source,
      detail: [md`${f.note}`, also.length > 0 && md`Caution for ${modalityList(also)}.`, findingsTable([f])],
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

function candidateOrders(a: Assessment, ctx: PresentContext): Omit<Suggestion, 'uuid'>[] {
  const suggestions: Omit<Suggestion, 'uuid'>[] = [];
  const measure = () => orderAction(ctx, 'phq9-each-session', 'PHQ-9 before each session');
  if (a.modalities.tms.status !== 'contraindicated' && !a.withheldSuggestions.tms) {
    suggestions.push({
      label: 'Order a TMS course: 5 sessions a week for 6 weeks',
      actions: [orderAction(ctx, 'tms-initial', 'TMS initial session with motor threshold (CPT 90867)'), orderAction(ctx, 'tms-course', 'TMS sessions 5 a week for 6 weeks (CPT 90868)'), measure()],
    });
  }
  const dose = a.byRule.get('MO-1')!;
  if (a.modalities['iv-ketamine'].status !== 'contraindicated' && !a.withheldSuggestions['iv-ketamine'] && dose.status === 'met') {
    const mg = dose.data!['doseMg'] as number;
    suggestions.push({
      label: `Order IV ketamine ${mg} mg (0.5 mg/kg) 3 times a week for 2 weeks`,
      actions: [
        orderAction(ctx, 'ketamine-infusion', `Ketamine ${mg} mg IV over 40 minutes`, (r) => setKetamineDose(r as fhir4.MedicationRequest, mg)),
        orderAction(ctx, 'vital-sign-monitoring', 'BP and heart rate every 15 minutes during the infusion'),
        orderAction(ctx, 'pulse-oximetry', 'Continuous SpO2 during the infusion'),
        measure(),
      ],
    });
  }
  if (a.modalities.esketamine.status !== 'contraindicated' && !a.withheldSuggestions.esketamine) {
    suggestions.push({
      label: 'Order esketamine (Spravato) 56 mg twice weekly for 4 weeks',
      actions: [orderAction(ctx, 'esketamine-induction', 'Spravato 56 mg intranasal twice a week, weeks 1-4'), orderAction(ctx, 'esketamine-bp-monitoring', 'BP before and about 40 minutes after each dose'), measure()],
    });
  }
  return suggestions;
}

function trdCard(a: Assessment, ctx: PresentContext): Card {
  const el = (id: string) => a.byRule.get(id)!;
  const needed = ctx.knowledge.thresholds.adequateTrial.minimumTrialsForTrd.value;
  const summary = trdSummary(a, needed);
  // trd.status is the whole definition (EL-1 and EL-2); a current manic episode (CI-12) starts nothing.
  const candidate = a.trd.status === 'met' && el('EL-6').status !== 'not-met' && a.byRule.get('CI-12')?.status !== 'met';
  const el1 = el('EL-1').data as { postpartum?: boolean } | undefined;
  const postpartum = el1?.postpartum
    ? 'Postpartum depression: lactation and pregnancy rules apply; treatments specific to postpartum depression exist (zuranolone, brexanolone).'
    : '';
  const verdicts = table(
    ['Treatment', 'Verdict', 'Because of'],
    MODALITIES.map((m) => [MODALITY_NAMES[m], VERDICT_WORD[a.modalities[m].status], a.modalities[m].because.join(', ') || '—']),
  );
  const trials = a.trials.length
    ? table(['Ingredient', 'Trial', 'Evidence'], a.trials.map((t) => [t.ingredient, t.status.replace('-', ' '), evidenceText(t.evidence)]))
    : md`No antidepressant trial in the episode look-back.`;
  return makeCard(
    {
      summary,
      indicator: a.trd.status === 'met' ? 'info' : 'warning',
      source: SOURCES.trdDefinition,
      detail: [...(postpartum ? [md`${postpartum}`] : []), md`**Treatments**\n\n${verdicts}`, md`**Eligibility**\n\n${findingsTable(a.criteria)}`, md`**Antidepressant trials**\n\n${trials}`],
      suggestions: candidate ? candidateOrders(a, ctx) : [],
      selectionBehavior: 'at-most-one',
    },
    ctx.newId,
  );
}

function cautionsCard(cautions: Finding[], ctx: PresentContext): Card {
  const phrase = (f: Finding) => (f.status === 'unknown' ? `${f.title.toLowerCase()} not excluded` : f.title.toLowerCase());
  return makeCard(
    {
      summary: `Cautions: ${cautions.map((f) => `${phrase(f)} (${f.rule})`).join('; ')}`,
      indicator: 'warning',
      source: cautions[0]!.source,
      detail: findingsTable(cautions),
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

function missingDataCard(a: Assessment, ctx: PresentContext): Card | undefined {
  // EL-3 (combination history) and EL-8 (REMS checklist) belong to ordering, not to opening a chart.
  const gaps = [...a.criteria, ...a.findings].filter(
    (f) => f.missing.length && f.rule !== 'EL-3' && f.rule !== 'EL-8' && (f.status === 'unknown' || (f.kind === 'eligibility' && f.status === 'not-met')),
  );
  if (!gaps.length) return undefined;
  const seen = new Set<string>();
  const suggestions = gaps
    .flatMap(ordersForMissing)
    .filter((o) => !seen.has(o.template) && seen.add(o.template))
    .map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] }));
  const urgent = gaps.some((f) => f.status === 'unknown' && f.absoluteFor.length > 0);
  const items = [...new Set(gaps.flatMap((f) => f.missing))];
  return makeCard(
    {
      summary: `Missing data: ${items.join('; ')}`,
      indicator: urgent ? 'warning' : 'info',
      source: gaps[0]!.source,
      detail: table(['Rule', 'Criterion', 'Would be settled by'], gaps.map((f) => [f.rule, f.title, f.missing.join('; ')])),
      suggestions,
      selectionBehavior: 'any',
    },
    ctx.newId,
  );
}

/**
 * patient-view: a critical card per met absolute contraindication, the TRD status card (with the
 * next orders for a candidate), a cautions card, and a missing-data card; most important first.
 * A patient with no depression diagnosis and no antidepressant history gets no cards.
 */
export function patientViewCards(a: Assessment, ctx: PresentContext): Card[] {
  if (!a.isDepressionPatient) return [];
  const criticals = a.findings.filter((f) => f.kind === 'absolute' && f.status === 'met' && f.absoluteFor.length).map((f) => contraindicationCard(f, ctx));
  // RC-13 (not first-line) is what the TRD card says already.
  const cautions = cautionsFor(a).filter((f) => f.rule !== 'RC-13');
  const cards = [...criticals, trdCard(a, ctx), ...(cautions.length ? [cautionsCard(cautions, ctx)] : []), missingDataCard(a, ctx)].filter((c): c is Card => !!c);
  return cards.sort(byIndicator);
}
