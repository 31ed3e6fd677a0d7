/**
 * order-select / order-sign cards from an order review: for each in-scope draft, a critical card
 * per absolute contraindication (cancel offered), a warning per unknown absolute contraindication
 * with the order that settles it, the cautions the loop guard lets through, one card for the
 * order's dosing (OR-3 .. OR-7) carrying the complete protocol order as its update, the age,
 * overlap, same-session vital signs and TMS-parameter cards, and the monitoring card. A draft
 * out of scope gets nothing; scope unknown gets one info card; unidentified drafts one card per call.
 * Every summary names the product and the route actually ordered (CD-3).
 */
import type { Card, Indicator } from '../../src/cds-hooks/protocol.js';
import type { Assessment } from '../assessment/assess.js';
import type { Finding, RuleSource } from '../assessment/findings.js';
import { parseFhirDate } from '../assessment/fhir-read.js';
import { SOURCES } from '../assessment/sources.js';
import { INDICATOR_RANK, byIndicator, findingsTable, makeCard, md, table, type Markdown } from '../cards/card.js';
import { capitalise, orderAction, ordersForMissing, type PresentContext } from '../cards/common.js';
import { findingSentence, inSentence } from '../cards/problems.js';
import { monitoringActions } from '../cards/suggested-orders.js';
import { ROUTE_WORD } from './dosage.js';
import type { OrderCheck } from './checks.js';
import type { DraftReview, OrderReview } from './review.js';

const DOSING_RULES = new Set(['OR-3', 'OR-4', 'OR-5', 'OR-6', 'OR-7']);

const SOURCE_OF: Record<string, RuleSource> = {
  'OR-1': SOURCES.ketamineConsensus,
  'OR-2': SOURCES.ketalarLabel,
  'OR-3': SOURCES.ketamineConsensus,
  'OR-4': SOURCES.ketamineConsensus,
  'OR-5': SOURCES.ketamineConsensus,
  'OR-6': SOURCES.spravatoLabel,
  'OR-7': SOURCES.spravatoLabel,
  'OR-8': SOURCES.spravatoLabel,
  'OR-9': SOURCES.spravatoLabel,
  'OR-10': SOURCES.spravatoLabel,
  'OR-13': SOURCES.medicareTmsLcd,
};

/** The treatment as ordered: product and route ("IM ketamine", "intranasal esketamine (SPRAVATO)", "TMS"). */
export function treatmentName(r: DraftReview): string {
  if (r.draft.drug === 'tms') return 'TMS';
  const route = r.dosage?.route ?? 'unknown';
  if (r.draft.drug === 'esketamine') {
    if (route === 'nasal' || route === 'unknown' || route === 'other') return 'intranasal esketamine (SPRAVATO)';
    return `${ROUTE_WORD[route]} esketamine`;
  }
  const word = ROUTE_WORD[route];
  return word ? `${word} ketamine` : 'ketamine';
}

/** How a draft is named in a detail: its product words, else its position (never its id, OR-1). */
const draftWords = (r: DraftReview) => (r.draft.label ? `"${r.draft.label}"` : `draft order ${r.draft.position}`);

const STATUS_WORDS: Record<OrderCheck['status'], string> = { 'as-ordered': 'fits', differs: 'differs', unknown: 'unknown' };

function checksTable(checks: OrderCheck[]): Markdown {
  return table(
    ['Check', 'Ordered', 'Expected', 'Result'],
    checks.map((c) => [
      c.rule,
      c.ordered,
      c.expected,
      c.status === 'unknown'
        ? `unknown: needs ${c.needed ?? 'more data'}`
        : c.status === 'differs'
          ? `${STATUS_WORDS[c.status]}: ${c.phrase}`
          : STATUS_WORDS[c.status],
    ]),
  );
}

const worst = (checks: OrderCheck[]): OrderCheck => [...checks].sort((a, b) => INDICATOR_RANK[a.indicator] - INDICATOR_RANK[b.indicator])[0]!;

/** CI-1 found: the draft waits for a same-day suicide risk evaluation (deferred, not contraindicated). */
function deferredCard(r: DraftReview, f: Finding, ctx: PresentContext): Card {
  const name = treatmentName(r);
  return makeCard(
    {
      summary: `Start ${name} only after a same-day suicide risk evaluation (${f.rule})`,
      indicator: 'critical',
      source: f.source,
      detail: [md`${f.note} ${capitalise(name)} is deferred until the evaluation is documented.`, findingsTable([f])],
      suggestions: [
        { label: `Cancel the draft ${name} order`, actions: [{ type: 'delete', description: `Remove the draft ${name} order`, resourceId: r.draft.ref }] },
        ...ordersForMissing(f).map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] })),
      ],
      selectionBehavior: 'any',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

function contraindicationCard(r: DraftReview, f: Finding, ctx: PresentContext): Card {
  const name = treatmentName(r);
  return makeCard(
    {
      summary: `Do not order ${name}: ${inSentence(f.title)} (${f.rule})`,
      indicator: 'critical',
      source: f.source,
      detail: [
        f.note ? md`${f.note}` : undefined,
        md`${capitalise(name)} is contraindicated. Cancel the draft order, or document why it should proceed.`,
        findingsTable([f]),
      ],
      suggestions: [
        { label: `Cancel the draft ${name} order`, actions: [{ type: 'delete', description: `Remove the draft ${name} order`, resourceId: r.draft.ref }] },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

/** An absolute contraindication that could not be ruled out: the gap, and the order that settles it (CD-1). */
function unknownContraindicationCard(r: DraftReview, f: Finding, ctx: PresentContext): Card {
  const name = treatmentName(r);
  const settle = ordersForMissing(f);
  const gap = f.missing[0] ?? 'more data';
  return makeCard(
    {
      // CD-3: a gap is worded as a gap, never as "not excluded".
      summary: `Before ${name}: ${inSentence(findingSentence(f))} (${f.rule})`,
      indicator: 'warning',
      source: f.source,
      detail: [f.note ? md`${f.note}` : undefined, md`Settle this before ${name} is given: ${f.missing.join('; ') || gap}.`, findingsTable([f])],
      suggestions: settle.map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] })),
      selectionBehavior: 'any',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

function cautionCard(r: DraftReview, f: Finding, ctx: PresentContext): Card {
  const name = treatmentName(r);
  return makeCard(
    {
      summary: `Caution with ${name}: ${inSentence(f.title)} (${f.rule})`,
      indicator: f.indicator === 'info' ? 'info' : 'warning',
      source: f.source,
      detail: [f.note ? md`${f.note}` : undefined, findingsTable([f])],
      // RC-2 carries its misuse assessment (SO-11): the orders that settle a caution ride on its card.
      suggestions: ordersForMissing(f).map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] })),
      selectionBehavior: 'any',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

/** One card for a group of checks on the order, with the update (complete protocol order) and settling orders. */
function checksCard(r: DraftReview, checks: OrderCheck[], ctx: PresentContext, withUpdate: boolean): Card {
  const name = treatmentName(r);
  const problems = checks.filter((c) => c.status !== 'as-ordered');
  const top = worst(problems.length ? problems : checks);
  const others = problems.filter((c) => c !== top);
  const dose = r.dosage?.dose?.text;
  const lead = DOSING_RULES.has(top.rule) && dose ? `${capitalise(name)} ${dose}` : capitalise(name);
  const also = others.length ? `; also ${[...new Set(others.map((c) => c.rule))].join(', ')}` : '';
  const settle = [...new Set(checks.flatMap((c) => (c.status !== 'as-ordered' ? (c.settledBy ?? []) : [])))];
  const suggestions = [
    ...(withUpdate && r.update
      ? [
          {
            label: `Change to the protocol order: ${r.update.dosageInstruction?.[0]?.text ?? ''}`.slice(0, 200),
            actions: [{ type: 'update' as const, description: `Replace the draft's dosing with the complete protocol order`, resource: r.update }],
          },
        ]
      : []),
    ...settle.map((template) => ({
      label: ordersForMissing({ settledBy: [template] } as Finding)[0]!.label,
      actions: [orderAction(ctx, template, ordersForMissing({ settledBy: [template] } as Finding)[0]!.label)],
    })),
  ];
  const recommend = suggestions.length === 1 && withUpdate && !!r.update && top.indicator !== 'info';
  return makeCard(
    {
      summary: `${lead}: ${top.phrase}${also} (${top.rule})`,
      indicator: top.indicator,
      source: SOURCE_OF[top.rule] ?? SOURCES.ketamineConsensus,
      detail: [
        md`Checks of ${draftWords(r)} against the ${r.draft.drug === 'esketamine' ? 'label' : 'protocol'}:`,
        checksTable(checks),
        ...checks.filter((c) => c.detail).map((c) => md`${c.detail}`),
        r.weight && DOSING_RULES.has(top.rule)
          ? md`Dosing weight ${Math.round(r.weight.kg * 10) / 10} kg (${r.weight.basis}${r.weight.fellBack ? ': height or sex missing, so actual weight was used' : ''}) from ${r.weight.date.toISOString().slice(0, 10)}${r.weight.bmi !== undefined ? `; BMI ${r.weight.bmi}` : ''}.`
          : undefined,
      ],
      suggestions: recommend ? suggestions.map((s) => ({ ...s, isRecommended: true })) : suggestions,
      selectionBehavior: recommend ? 'at-most-one' : 'any',
      ...(checks.some((c) => c.override) || top.indicator !== 'info' ? { overrideReasons: ctx.knowledge.overrideReasons } : {}),
    },
    ctx.newId,
  );
}

function infoCard(summary: string, detail: Markdown, ctx: PresentContext, indicator: Indicator = 'info', source: RuleSource = SOURCES.ketamineConsensus): Card {
  return makeCard({ summary, indicator, source, detail }, ctx.newId);
}

/** IV ketamine monitoring (MO-2) or the SPRAVATO REMS card (MO-3), once per draft. */
function monitoringCard(r: DraftReview, a: Assessment, ctx: PresentContext): Card {
  if (r.draft.drug === 'esketamine') {
    const mo3 = a.byRule.get('MO-3')!;
    const mo6 = a.byRule.get('MO-6')!;
    return makeCard(
      {
        summary: 'SPRAVATO REMS: certified setting, BP before and ~40 min after the dose, observe 2 hours (EL-8, MO-3)',
        indicator: 'info',
        source: SOURCES.spravatoRems,
        detail: [md`${mo3.note}`, md`${mo6.note}`, findingsTable([a.byRule.get('EL-8')!, mo3, mo6])],
        suggestions: [{ label: 'Order BP and pulse oximetry monitoring around each dose', actions: monitoringActions(ctx, 'esketamine', r.draft.ref) }],
        selectionBehavior: 'any',
      },
      ctx.newId,
    );
  }
  const mo2 = a.byRule.get('MO-2')!;
  return makeCard(
    {
      summary: `${capitalise(treatmentName(r))} monitoring: BP and HR every 15 minutes, continuous SpO2 above 93 % (MO-2)`,
      indicator: 'info',
      source: mo2.source,
      detail: [md`${mo2.note}`, md`Resuscitation equipment immediately available.`, findingsTable([mo2])],
      suggestions: [
        { label: 'Order BP and HR every 15 minutes and continuous SpO2 for this infusion', actions: monitoringActions(ctx, 'ketamine', r.draft.ref) },
      ],
      selectionBehavior: 'any',
    },
    ctx.newId,
  );
}

function combinationCards(a: Assessment, ctx: PresentContext): Card[] {
  const rc14 = a.byRule.get('RC-14')!;
  const rc15 = a.byRule.get('RC-15')!;
  const minutes = ctx.knowledge.thresholds.orderReview.ketamineCombinationMinInfusionMinutes.value;
  return [
    makeCard(
      {
        summary: `Ketamine + TMS: ${minutes}-minute infusion during the 30-minute TMS session, 3 times a week (RC-15)`,
        indicator: 'info',
        source: rc15.source,
        detail: [
          md`Combination protocol: ketamine 0.5 mg/kg infused over ${minutes} minutes coincident with high-output TMS; 6 sessions over 2 weeks, up to 10-30.`,
          md`${rc15.note}`,
          findingsTable([rc15, a.byRule.get('EL-3')!]),
        ],
      },
      ctx.newId,
    ),
    makeCard(
      {
        summary: 'Some payers refuse to cover TMS given with ketamine or esketamine: check coverage (RC-14)',
        indicator: 'warning',
        source: rc14.source,
        detail: findingsTable([rc14]),
        overrideReasons: ctx.knowledge.overrideReasons,
      },
      ctx.newId,
    ),
  ];
}

function isDeceased(a: Assessment): boolean {
  const p = a.index.record.patient.items[0];
  if (!p) return false;
  if (p.deceasedBoolean === true) return true;
  const died = parseFhirDate(p.deceasedDateTime);
  return died !== undefined && died.getTime() <= a.now.getTime();
}

function cardsForDraft(r: DraftReview, a: Assessment, ctx: PresentContext): Card[] {
  const scope = r.scope;
  if (!scope || scope.status === 'out') return [];
  const name = treatmentName(r);
  if (scope.status === 'unknown') {
    return [
      infoCard(
        `If this ${name} order is for depression, add the indication to get the TRD checks (OR-2)`,
        md`${capitalise(draftWords(r))}: ${scope.reason}. With a depressive indication (reasonCode or reasonReference) this order gets the TRD safety, dose and monitoring checks; ketamine for anaesthesia, analgesia or sedation gets none.`,
        ctx,
        'info',
        SOURCES.ketalarLabel,
      ),
    ];
  }
  const cards: Card[] = [];
  cards.push(...r.contraindications.map((f) => contraindicationCard(r, f, ctx)));
  cards.push(...r.deferrals.map((f) => deferredCard(r, f, ctx)));
  cards.push(...r.unknownContraindications.map((f) => unknownContraindicationCard(r, f, ctx)));
  const problems = r.checks.filter((c) => c.status !== 'as-ordered');
  // Safety checks that are their own problem: age, overlap, same-session vital signs.
  for (const rule of ['OR-8', 'OR-9', 'OR-10']) {
    const mine = problems.filter((c) => c.rule === rule);
    if (mine.length) cards.push(checksCard(r, mine, ctx, false));
  }
  // With a contraindication found the order should not proceed: no cautions, dosing or monitoring cards on top.
  if (r.contraindications.length || r.deferrals.length) return cards;
  cards.push(...r.cautions.map((f) => cautionCard(r, f, ctx)));
  const dosing = r.checks.filter((c) => DOSING_RULES.has(c.rule));
  if (dosing.some((c) => c.status !== 'as-ordered')) cards.push(checksCard(r, dosing, ctx, true));
  const tms = problems.filter((c) => c.rule === 'OR-13');
  if (tms.length) cards.push(checksCard(r, tms, ctx, false));
  if (scope.nonProtocolRoute) {
    cards.push(
      infoCard(
        `${capitalise(name)} is off-label for depression; dose and infusion checks cover only the IV 0.5 mg/kg protocol (OR-2)`,
        md`${capitalise(draftWords(r))} is ${name}. The patient-level contraindications and cautions above apply by any route; no dose change is suggested.`,
        ctx,
      ),
    );
  }
  if (r.monitoring && r.draft.drug !== 'tms') cards.push(monitoringCard(r, a, ctx));
  return cards;
}

/**
 * The cards of an order review. A deceased patient gets none (CD-9). An unidentified draft gives
 * one card per call, a warning when something in it suggests ketamine or esketamine (OR-1).
 */
export function orderReviewCards(a: Assessment, review: OrderReview, ctx: PresentContext): Card[] {
  if (isDeceased(a)) return [];
  const cards = review.drafts.flatMap((r) => cardsForDraft(r, a, ctx));
  const unidentified = review.drafts.filter((r) => r.draft.drug === 'unidentified' && (r.draft.suggestsKetamine || a.isDepressionPatient));
  if (unidentified.length) {
    const hinted = unidentified.some((r) => r.draft.suggestsKetamine);
    const count = unidentified.length === 1 ? 'one draft order' : `${unidentified.length} draft orders`;
    cards.push(
      infoCard(
        hinted
          ? `The drug in ${count} could not be identified but may be ketamine or esketamine; no ketamine or esketamine checks were run (OR-1)`
          : `The drug in ${count} could not be identified, so ketamine and esketamine checks were not run on it (OR-1)`,
        md`Not identified: ${unidentified.map(draftWords).join(', ')}. Code the medication (RxNorm or NDC) or name it, or send its Medication resource with the order.`,
        ctx,
        hinted ? 'warning' : 'info',
      ),
    );
  }
  if (review.combination) cards.push(...combinationCards(a, ctx));
  return cards.sort(byIndicator);
}

/** Why each draft was in or out of scope and what its checks found, for the assessment extension. */
export function orderReviewExtension(review: OrderReview) {
  return review.drafts.map((r) => ({
    position: r.draft.position,
    drug: r.draft.drug,
    identifiedBy: r.draft.identifiedBy,
    ...(r.draft.medicationFrom ? { medicationFrom: r.draft.medicationFrom } : {}),
    ...(r.dosage ? { route: r.dosage.route } : {}),
    ...(r.scope ? { scope: r.scope.status, scopeReason: r.scope.reason } : {}),
    ...(r.draft.own ? { ownSuggestion: true } : {}),
    checks: r.checks.map((c) => ({ rule: c.rule, status: c.status, indicator: c.indicator, ...(c.needed ? { needed: c.needed } : {}) })),
    ...(r.suppressed.length ? { suppressedByLoopGuard: r.suppressed } : {}),
  }));
}
