import { SYSTEM } from '../../src/terminology/systems.js';
import type { Card } from '../../src/cds-hooks/protocol.js';
import type { Assessment } from '../assessment/assess.js';
import { MODALITY_NAMES, type Finding } from '../assessment/findings.js';
import { massInMg, unitOf } from '../assessment/fhir-read.js';
import { SOURCES } from '../assessment/sources.js';
import { byIndicator, findingsTable, makeCard, md } from '../cards/card.js';
import { capitalise, cautionsFor, orderAction, ordersForMissing, type PresentContext } from '../cards/common.js';
import { findingSentence, inSentence } from '../cards/problems.js';
import type { TrdDraft } from './drafts.js';
import { setKetamineDose } from '../cards/orders.js';

/** CI-1 found: the draft waits for a same-day suicide risk evaluation (deferred, not contraindicated). */
function deferred(d: TrdDraft, f: Finding, ctx: PresentContext): Card {
  const name = MODALITY_NAMES[d.modality];
  return makeCard(
    {
      summary: `Start ${name} only after a same-day suicide risk evaluation (${f.rule})`,
      indicator: 'critical',
      source: f.source,
      detail: [md`${f.note} ${capitalise(name)} is deferred until the evaluation is documented.`, findingsTable([f])],
      suggestions: [
        { label: `Cancel the draft ${name} order`, actions: [{ type: 'delete', description: `Remove the draft ${name} order`, resourceId: d.ref }] },
        ...ordersForMissing(f).map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] })),
      ],
      selectionBehavior: 'any',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

function contraindicated(d: TrdDraft, f: Finding, ctx: PresentContext): Card {
  const name = MODALITY_NAMES[d.modality];
  return makeCard(
    {
      summary: `Do not order ${name}: ${inSentence(f.title)} (${f.rule})`,
      indicator: 'critical',
      source: f.source,
      detail: [md`${f.note}`, md`${capitalise(name)} is contraindicated. Cancel the draft order, or document why it should proceed.`, findingsTable([f])],
      suggestions: [{ label: `Cancel the draft ${name} order`, actions: [{ type: 'delete', description: `Remove the draft ${name} order`, resourceId: d.ref }] }],
      selectionBehavior: 'at-most-one',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

function caution(d: TrdDraft, f: Finding, ctx: PresentContext): Card {
  const name = MODALITY_NAMES[d.modality];
  const settle = f.status === 'unknown' ? ordersForMissing(f) : [];
  return makeCard(
    {
      // CD-3: a gap is worded as a gap, never as "not excluded"; information stays information.
      summary: f.status === 'unknown' ? `Before ${name}: ${inSentence(findingSentence(f))} (${f.rule})` : `Caution with ${name}: ${inSentence(f.title)} (${f.rule})`,
      indicator: f.status === 'met' && f.indicator === 'info' ? 'info' : 'warning',
      source: f.source,
      detail: [md`${f.note}`, findingsTable([f])],
      suggestions: settle.map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] })),
      selectionBehavior: 'any',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The draft's dose in mg: a mg dose, or a mg/kg dose times the weight. */
function orderedMg(r: fhir4.MedicationRequest, weightKg: number | undefined): number | undefined {
  const q = r.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity;
  const unit = unitOf(q);
  if (unit === 'mg/kg' && typeof q?.value === 'number') return weightKg === undefined ? undefined : q.value * weightKg;
  return massInMg(q);
}

/** MO-1: the IV ketamine dose against 0.5 mg/kg of the latest weight (within +/- 10 %). */
function doseCheck(d: TrdDraft, a: Assessment, ctx: PresentContext): Card | undefined {
  const mo1 = a.byRule.get('MO-1')!;
  const draft = d.resource as fhir4.MedicationRequest;
  if (mo1.status !== 'met') {
    return makeCard(
      {
        summary: 'IV ketamine: no weight within 30 days, so the 0.5 mg/kg dose cannot be checked (MO-1)',
        indicator: 'warning',
        source: mo1.source,
        detail: findingsTable([mo1]),
        suggestions: [{ label: 'Record a body weight', actions: [orderAction(ctx, 'order-weight', 'Body weight for mg/kg dosing')] }],
        selectionBehavior: 'any',
      },
      ctx.newId,
    );
  }
  const expected = mo1.data!['doseMg'] as number;
  const ordered = orderedMg(draft, mo1.data!['weightKg'] as number);
  const tolerance = ctx.knowledge.thresholds.dosing.ketamineDoseTolerancePercent.value;
  if (ordered !== undefined && Math.abs(ordered - expected) <= (expected * tolerance) / 100) return undefined;
  const corrected = structuredClone(draft);
  // A draft's dosage may be any shape (a string, an array of numbers): the correction keeps what is an
  // object and replaces the rest, never writing into a non-object.
  const instructions: unknown[] = Array.isArray(corrected.dosageInstruction) ? corrected.dosageInstruction : [];
  const dosage = (isObject(instructions[0]) ? instructions[0] : {}) as fhir4.Dosage;
  corrected.dosageInstruction = [dosage, ...(instructions.slice(1) as fhir4.Dosage[])];
  const rate = Array.isArray(dosage.doseAndRate) && isObject(dosage.doseAndRate[0]) ? dosage.doseAndRate[0] : {};
  dosage.doseAndRate = [{ ...rate, doseQuantity: { value: expected, unit: 'mg', system: SYSTEM.ucum, code: 'mg' } }];
  setKetamineDose(corrected, expected);
  const off = ordered === undefined ? 'has no structured dose' : `is ${Math.round(ordered * 10) / 10} mg, ${Math.round((Math.abs(ordered - expected) / expected) * 100)}% from`;
  return makeCard(
    {
      summary: `IV ketamine dose ${off} 0.5 mg/kg (${expected} mg for ${mo1.data!['weightKg']} kg) (MO-1)`,
      indicator: 'warning',
      source: mo1.source,
      detail: [md`${mo1.note}`, findingsTable([mo1])],
      suggestions: [{ label: `Change the dose to ${expected} mg`, isRecommended: true, actions: [{ type: 'update', description: `Set the ketamine dose to ${expected} mg (0.5 mg/kg)`, resource: corrected }] }],
      selectionBehavior: 'at-most-one',
      overrideReasons: ctx.knowledge.overrideReasons,
    },
    ctx.newId,
  );
}

function monitoringCard(d: TrdDraft, a: Assessment, ctx: PresentContext): Card {
  if (d.modality === 'esketamine') {
    const mo3 = a.byRule.get('MO-3')!;
    const mo6 = a.byRule.get('MO-6')!;
    return makeCard(
      {
        summary: 'Spravato REMS: certified setting, BP before and ~40 min after the dose, observe 2 hours (EL-8, MO-3)',
        indicator: 'info',
        source: SOURCES.spravatoRems,
        detail: [md`${mo3.note}`, md`${mo6.note}`, findingsTable([a.byRule.get('EL-8')!, mo3, mo6])],
        suggestions: [{ label: 'Order BP monitoring around each dose', actions: [orderAction(ctx, 'esketamine-bp-monitoring', 'BP before and about 40 minutes after each dose')] }],
        selectionBehavior: 'any',
      },
      ctx.newId,
    );
  }
  const mo2 = a.byRule.get('MO-2')!;
  return makeCard(
    {
      summary: 'IV ketamine monitoring: BP and HR every 15 minutes, continuous SpO2 above 93 % (MO-2)',
      indicator: 'info',
      source: mo2.source,
      detail: [md`${mo2.note}`, md`Resuscitation equipment immediately available.`, findingsTable([mo2])],
      suggestions: [
        { label: 'Order BP and HR every 15 minutes', actions: [orderAction(ctx, 'vital-sign-monitoring', 'BP and heart rate every 15 minutes during the infusion')] },
        { label: 'Order continuous pulse oximetry', actions: [orderAction(ctx, 'pulse-oximetry', 'Continuous SpO2 during the infusion')] },
      ],
      selectionBehavior: 'any',
    },
    ctx.newId,
  );
}

function combinationCards(a: Assessment, ctx: PresentContext): Card[] {
  const rc14 = a.byRule.get('RC-14')!;
  const rc15 = a.byRule.get('RC-15')!;
  const minutes = ctx.knowledge.thresholds.dosing.ketamineCombinationInfusionMinutes.value;
  return [
    makeCard(
      {
        summary: `Ketamine + TMS: ${minutes}-minute infusion during the 30-minute TMS session, 3 times a week (RC-15)`,
        indicator: 'info',
        source: rc15.source,
        detail: [md`Combination protocol: ketamine 0.5 mg/kg infused over ${minutes} minutes coincident with high-output TMS; 6 sessions over 2 weeks, up to 10-30.`, md`${rc15.note}`, findingsTable([rc15, a.byRule.get('EL-3')!])],
      },
      ctx.newId,
    ),
    makeCard(
      { summary: 'Some payers refuse to cover TMS given with ketamine or esketamine: check coverage (RC-14)', indicator: 'warning', source: rc14.source, detail: findingsTable([rc14]), overrideReasons: ctx.knowledge.overrideReasons },
      ctx.newId,
    ),
  ];
}

/**
 * order-select / order-sign: for each ketamine, esketamine or TMS draft, a critical card per
 * absolute contraindication (with a delete suggestion), warnings for cautions, the dose check,
 * monitoring and REMS facts; the combination protocol when ketamine and TMS are drafted together.
 * A draft that came from this service's own suggestion raises only contraindications again.
 */
export function orderReviewCards(a: Assessment, drafts: TrdDraft[], ctx: PresentContext): Card[] {
  const cards: Card[] = [];
  for (const d of drafts) {
    const absolute = a.findings.filter((f) => f.kind === 'absolute' && f.status === 'met' && f.absoluteFor.includes(d.modality));
    cards.push(...absolute.map((f) => contraindicated(d, f, ctx)));
    const defers = a.findings.filter((f) => f.status === 'met' && f.deferFor.includes(d.modality));
    cards.push(...defers.map((f) => deferred(d, f, ctx)));
    if (defers.length) continue;
    if (d.own || absolute.length) continue;
    cards.push(...cautionsFor(a, d.modality).map((f) => caution(d, f, ctx)));
    if (d.modality === 'iv-ketamine') {
      const dose = doseCheck(d, a, ctx);
      if (dose) cards.push(dose);
    }
    if (d.modality !== 'tms') cards.push(monitoringCard(d, a, ctx));
  }
  const fresh = drafts.filter((d) => !d.own);
  if (fresh.some((d) => d.modality === 'tms') && fresh.some((d) => d.modality === 'iv-ketamine')) cards.push(...combinationCards(a, ctx));
  return cards.sort(byIndicator);
}
