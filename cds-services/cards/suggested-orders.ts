/**
 * Suggested orders SO-1 .. SO-11 (revision-2 section 7, "Suggested orders"). Every suggested
 * resource is a template from fhir-profiles/order-templates/ instantiated for the patient in context
 * and given what every suggestion carries: status draft, intent SUGGESTION_INTENT, authoredOn now,
 * reasonReference to the qualifying depressive condition (else reasonCode TRD, SNOMED 1153570009),
 * instantiatesCanonical the configured TRD order set, and the trd-cds origin tag (in the template).
 * Monitoring orders carry basedOn the treatment order they monitor and bounded occurrenceTiming.
 * Which treatment may be suggested at all is OR-12's (the callers'); this file only builds orders.
 * Source: revision-2 SO-1 .. SO-11, MO-2, MO-3, Appendix A; PI section 2 (esketamine doses); HCP
 * (84 mg only after 56 mg); non-US label (28 mg day 1 at 65 or older); S1 (0.5 mg/kg over 40 min,
 * 3 a week, 6 sessions); S2, LCD (TMS 30 sessions and a taper, 36 in all); TMS_PROTOCOL parameters
 * from device labelling [not re-read].
 */
import type { Action } from '../../src/cds-hooks/protocol.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import type { Assessment } from '../assessment/assess.js';
import { VS } from '../assessment/concepts.js';
import type { Thresholds } from '../assessment/thresholds.js';
import type { OrderTemplateName } from '../knowledge.js';
import { createAction } from './card.js';
import type { PresentContext } from './common.js';

/** Why a suggestion is ordered: the qualifying condition when EL-1 found one, else the TRD code. */
export interface OrderReason {
  /** `Condition/<id>` of the depressive condition EL-1 met on. */
  reference?: string;
  /** TRD (SNOMED 1153570009) from the ValueSet, for when no condition qualifies. */
  code: fhir4.CodeableConcept;
}

/** The reason every suggestion of this call carries (SO: reasonReference, or else reasonCode). */
export function orderReasonOf(a: Assessment): OrderReason {
  const trd = a.index.knowledge.terminology.codes(VS.treatmentResistantDepression).find((c) => c.system === SYSTEM.snomed);
  const code: fhir4.CodeableConcept = trd
    ? { coding: [{ system: trd.system, code: trd.code, ...(trd.display ? { display: trd.display } : {}) }], text: 'Treatment-resistant depression' }
    : { text: 'Treatment-resistant depression' };
  const el1 = a.byRule.get('EL-1');
  const condition = el1?.status === 'met' ? el1.evidence.find((ref) => ref.startsWith('Condition/')) : undefined;
  return { code, ...(condition ? { reference: condition } : {}) };
}

/** Templates ordered for today: the same-day suicide risk evaluation and the C-SSRS (SO-7). */
const SAME_DAY: ReadonlySet<string> = new Set(['order-suicide-risk-evaluation', 'order-cssrs']);

type Orderable = fhir4.Resource & {
  intent?: string;
  authoredOn?: string;
  reasonCode?: fhir4.CodeableConcept[];
  reasonReference?: fhir4.Reference[];
  instantiatesCanonical?: string[];
  occurrenceDateTime?: string;
};

/** Whether `list` already holds a concept with one of `cc`'s codings (system and code). */
function sameCodeIn(list: fhir4.CodeableConcept[] | undefined, cc: fhir4.CodeableConcept): boolean {
  const codes = new Set((cc.coding ?? []).map((c) => `${c.system}|${c.code}`));
  return (list ?? []).some((x) => (x.coding ?? []).some((c) => codes.has(`${c.system}|${c.code}`)));
}

/**
 * What every suggested resource carries (SO preamble); the template's own reasonCode (acute SI; TRD on
 * the ketamine course, so an order started from it and edited, tag or reference lost, stays in TRD
 * scope, OR-2 step 5a) is kept, and not repeated.
 */
function completeSuggestion(name: string, r: Orderable, ctx: PresentContext): void {
  const t = ctx.knowledge.thresholds;
  r.intent = t.monitoring.suggestionIntent.value;
  r.authoredOn = ctx.now.toISOString();
  const reason = ctx.reason;
  if (reason?.reference) r.reasonReference = [{ reference: reason.reference }];
  else if (reason && !sameCodeIn(r.reasonCode, reason.code)) r.reasonCode = [...(r.reasonCode ?? []), reason.code];
  const canonical = t.orderReview.trdOrderSetCanonicals.value[0];
  if (canonical) r.instantiatesCanonical = [canonical];
  if (SAME_DAY.has(name) && r.resourceType === 'ServiceRequest') r.occurrenceDateTime = ctx.now.toISOString().slice(0, 10);
}

/** A draft from a template, completed as every suggestion is (SO), with an optional edit; its `Type/id`. */
export function suggestedResource<T extends fhir4.Resource>(ctx: PresentContext, template: OrderTemplateName, edit?: (r: T) => void): T {
  return ctx.knowledge.orders.instantiate<T>(template, ctx.patientId, ctx.newId, undefined, (r) => {
    completeSuggestion(template, r as Orderable, ctx);
    edit?.(r);
  });
}

export function suggestedAction<T extends fhir4.Resource>(
  ctx: PresentContext,
  template: OrderTemplateName,
  description: string,
  edit?: (r: T) => void,
): Action {
  return createAction(suggestedResource(ctx, template, edit), description);
}

const refOf = (r: fhir4.Resource) => `${r.resourceType}/${r.id}`;
const UCUM = SYSTEM.ucum;

/** Sets the bounds of a monitoring order's occurrenceTiming (minutes or hours) and its basedOn. */
function monitoringEdit(basedOn: string, bound: fhir4.Duration) {
  return (r: fhir4.ServiceRequest) => {
    r.basedOn = [{ reference: basedOn }];
    const repeat = r.occurrenceTiming?.repeat;
    if (repeat) repeat.boundsDuration = bound;
  };
}

/**
 * SO-8 session monitoring of a ketamine or esketamine order (`basedOn`: its `Type/id`).
 * K (MO-2): BP and HR every 15 min and continuous SpO2, from the infusion start to its end plus
 * POST_INFUSION_OBSERVATION_MIN. E (MO-3): BP before, at ~40 min and before discharge; SpO2 through
 * the ESK_OBSERVATION_HOURS observation.
 */
export function monitoringActions(ctx: PresentContext, drug: 'ketamine' | 'esketamine', basedOn: string): Action[] {
  const t = ctx.knowledge.thresholds;
  if (drug === 'esketamine') {
    const hours: fhir4.Duration = { value: t.vitals.esketamineObservationHours.value, unit: 'h', system: UCUM, code: 'h' };
    return [
      suggestedAction(ctx, 'esketamine-bp-monitoring', 'BP before the dose, about 40 minutes after, and before discharge', monitoringEdit(basedOn, hours)),
      suggestedAction(ctx, 'esketamine-spo2-monitoring', 'Pulse oximetry through the 2-hour observation', monitoringEdit(basedOn, hours)),
    ];
  }
  const minutes = t.orderReview.ketamineMinInfusionMinutes.value + t.monitoring.postInfusionObservationMinutes.value;
  const bound: fhir4.Duration = { value: minutes, unit: 'min', system: UCUM, code: 'min' };
  return [
    suggestedAction(ctx, 'vital-sign-monitoring', 'BP every 15 minutes during the infusion and the hour after', monitoringEdit(basedOn, bound)),
    suggestedAction(ctx, 'heart-rate-monitoring', 'Heart rate every 15 minutes during the infusion and the hour after', monitoringEdit(basedOn, bound)),
    suggestedAction(ctx, 'pulse-oximetry', 'Continuous SpO2 during the infusion and the hour after', monitoringEdit(basedOn, bound)),
  ];
}

export interface KetamineCourse {
  /** The protocol dose in mg (0.5 mg/kg of the dosing weight, OR-3). */
  mg: number;
  weight: { kg: number; date: Date; basis: string; preliminary?: boolean };
  /** Marks the resource with what was shown beside it (the loop guard, OR-11). */
  mark?: (r: fhir4.Resource) => void;
}

/**
 * SO-1 IV ketamine course: the orderable ketamine injection coding (KETAMINE_ORDERABLE_CODING) before
 * RxNorm IN 6130, IV, the mg dose, 40 min, KETAMINE_SESSIONS_PER_WEEK a week, KETAMINE_INDUCTION_SESSIONS
 * sessions bounded by count / frequency weeks; a note with the weight, its date and basis; its
 * monitoring (SO-8) based on it; PHQ-9 before each session (SO-4).
 */
export function ketamineCourseActions(ctx: PresentContext, course: KetamineCourse): Action[] {
  const c = ctx.knowledge.thresholds.orderReview;
  const perWeek = c.ketamineSessionsPerWeek.value;
  const sessions = c.ketamineInductionSessions.value;
  const minutes = c.ketamineMinInfusionMinutes.value;
  const kg = Math.round(course.weight.kg * 10) / 10;
  const order = suggestedResource<fhir4.MedicationRequest>(ctx, 'ketamine-infusion', (r) => {
    const orderable = c.ketamineOrderableCoding.value;
    if (orderable.length && r.medicationCodeableConcept)
      r.medicationCodeableConcept.coding = [...orderable.map((x) => ({ ...x })), ...(r.medicationCodeableConcept.coding ?? [])];
    const dosage = r.dosageInstruction![0]!;
    dosage.text = `${course.mg} mg (${c.ketamineTargetMgPerKg.value} mg/kg) IV over ${minutes} minutes, ${perWeek} times a week, ${sessions} sessions`;
    dosage.timing = {
      repeat: {
        count: sessions,
        frequency: perWeek,
        period: 1,
        periodUnit: 'wk',
        duration: minutes,
        durationUnit: 'min',
        boundsDuration: { value: Math.round((sessions / perWeek) * 10) / 10, unit: 'wk', system: UCUM, code: 'wk' },
      },
    };
    dosage.doseAndRate = [{ doseQuantity: { value: course.mg, unit: 'mg', system: UCUM, code: 'mg' } }];
    r.note = [
      ...(r.note ?? []),
      {
        text: `Dose from a ${course.weight.basis} dosing weight of ${kg} kg, weighed ${course.weight.date.toISOString().slice(0, 10)}${course.weight.preliminary ? ' (preliminary)' : ''}.`,
      },
    ];
    course.mark?.(r);
  });
  return [
    createAction(order, `Ketamine ${course.mg} mg IV over ${minutes} minutes, ${perWeek} times a week, ${sessions} sessions`),
    ...monitoringActions(ctx, 'ketamine', refOf(order)),
    suggestedAction(ctx, 'phq9-each-session', 'PHQ-9 before each session'),
  ];
}

export type EsketamineVariant =
  /** TRD, new course: day 1 56 mg once, then 56 mg twice weekly for the rest of weeks 1-4. */
  | { kind: 'trd'; day1: true; age?: number }
  /** TRD, within ESK_NEW_COURSE_GAP_DAYS of a last session: no day-1 dose, 56 mg twice weekly for 4 weeks. */
  | { kind: 'trd'; day1: false; age?: number }
  /** Depressive symptoms with acute suicidal ideation or behaviour: 84 mg twice weekly for 4 weeks. */
  | { kind: 'acute-si' };

/**
 * SO-2 esketamine, in one of its three variants, with its monitoring (SO-8) based on the first dose
 * and PHQ-9 before each session. At 65 or older a non-US jurisdiction starts at 28 mg (the configured
 * orderable code); under the US label day 1 stays 56 mg and the note names the non-US start.
 */
export function esketamineCourseActions(ctx: PresentContext, variant: EsketamineVariant, mark?: (r: fhir4.Resource) => void): Action[] {
  const c = ctx.knowledge.thresholds.orderReview;
  const measure = suggestedAction(ctx, 'phq9-each-session', 'PHQ-9 before each session');
  if (variant.kind === 'acute-si') {
    const order = suggestedResource<fhir4.MedicationRequest>(ctx, 'esketamine-acute-si', mark);
    return [
      createAction(order, `SPRAVATO ${c.esketamineSiDoseMg.value} mg intranasal twice a week for ${c.esketamineSiWeeks.value} weeks (acute suicidal ideation)`),
      ...monitoringActions(ctx, 'esketamine', refOf(order)),
      measure,
    ];
  }
  const geriatric = variant.age !== undefined && variant.age >= c.esketamineGeriatricAge.value;
  const nonUs = c.esketamineLabelJurisdiction.value !== 'US';
  const induction = suggestedResource<fhir4.MedicationRequest>(ctx, 'esketamine-induction', (r) => {
    if (!variant.day1) {
      const repeat = r.dosageInstruction![0]!.timing!.repeat!;
      repeat.count = c.esketamineInductionMaxPer7Days.value * c.esketamineInductionWeeks.value;
      r.dosageInstruction![0]!.text = `56 mg intranasally twice a week for ${c.esketamineInductionWeeks.value} weeks, in a REMS-certified setting with at least 2 hours of observation`;
    }
    mark?.(r);
  });
  if (!variant.day1) {
    return [
      createAction(induction, `SPRAVATO 56 mg intranasal twice a week for ${c.esketamineInductionWeeks.value} weeks`),
      ...monitoringActions(ctx, 'esketamine', refOf(induction)),
      measure,
    ];
  }
  const day1Mg = geriatric && nonUs ? c.esketamineGeriatricDay1DoseMg.value : c.esketamineDay1DoseMg.value;
  const day1 = suggestedResource<fhir4.MedicationRequest>(ctx, 'esketamine-day1', (r) => {
    if (day1Mg !== c.esketamineDay1DoseMg.value) {
      const configured = c.esketamineGeriatricDay1Coding.value.map((x) => ({ ...x }));
      const sbdf = (r.medicationCodeableConcept?.coding ?? []).filter((x) => x.system !== SYSTEM.ndc);
      r.medicationCodeableConcept = { coding: [...configured, ...sbdf], text: `esketamine nasal spray ${day1Mg} mg (1 device)` };
      r.dosageInstruction![0]!.text = `Day 1: ${day1Mg} mg intranasally once (1 device), in a certified setting with at least 2 hours of observation`;
      r.dosageInstruction![0]!.doseAndRate = [{ doseQuantity: { value: day1Mg, unit: 'mg', system: UCUM, code: 'mg' } }];
    } else if (geriatric) {
      r.note = [
        ...(r.note ?? []),
        { text: `Non-US labels start at ${c.esketamineGeriatricDay1DoseMg.value} mg at ${c.esketamineGeriatricAge.value} or older.` },
      ];
    }
    mark?.(r);
  });
  return [
    createAction(day1, `SPRAVATO ${day1Mg} mg intranasal once (day 1)`),
    createAction(induction, 'SPRAVATO 56 mg intranasal twice a week for the rest of weeks 1-4'),
    ...monitoringActions(ctx, 'esketamine', refOf(day1)),
    measure,
  ];
}

/** TMS_PROTOCOL parameters (revision-2 SO-3; device labelling and pivotal trials [not re-read]). */
const TMS_PARAMETERS: Record<Thresholds['monitoring']['tmsProtocol']['value'], readonly string[]> = {
  '10Hz-rTMS': [
    'Protocol: 10 Hz rTMS',
    'Target: left dorsolateral prefrontal cortex (DLPFC)',
    'Intensity: 120 % of resting motor threshold',
    'Trains: 4-second trains, 26-second inter-train interval, 75 trains',
    'Pulses: 3000 per session (about 37.5 minutes)',
  ],
  iTBS: [
    'Protocol: intermittent theta-burst stimulation (iTBS)',
    'Target: left dorsolateral prefrontal cortex (DLPFC)',
    'Intensity: 120 % of resting motor threshold',
    'Pulses: 600 per session (about 3 minutes)',
  ],
  'deepTMS-H1': [
    'Protocol: deep TMS, H1 coil, 18 Hz',
    'Target: left dorsolateral prefrontal cortex (H1 coil)',
    'Intensity: 120 % of motor threshold',
    'Trains: 2-second trains, 20-second inter-train interval, 55 trains',
    'Pulses: 1980 per session (about 20 minutes)',
  ],
};

/** The stimulation parameters of the configured TMS_PROTOCOL as orderDetail (text concepts), for OR-13. */
export function tmsOrderDetail(t: Thresholds): fhir4.CodeableConcept[] {
  return TMS_PARAMETERS[t.monitoring.tmsProtocol.value].map((text) => ({ text }));
}

/**
 * SO-3 TMS course: the first session with motor threshold (CPT 90867), 5 a week for 6 weeks (90868),
 * and the taper of 6 sessions over 3 weeks (3, 2, 1), each with the TMS_PROTOCOL parameters; the
 * safety screen (SO-9) when CI-10 is unknown; PHQ-9 before each session.
 */
export function tmsCourseActions(ctx: PresentContext, withScreen: boolean): Action[] {
  const detail = (r: fhir4.ServiceRequest) => {
    r.orderDetail = tmsOrderDetail(ctx.knowledge.thresholds);
  };
  return [
    ...(withScreen ? [suggestedAction(ctx, 'order-tms-safety-screen', 'TMS safety screen before the first session')] : []),
    suggestedAction(ctx, 'tms-initial', 'TMS first session with motor threshold (CPT 90867)', detail),
    suggestedAction(ctx, 'tms-course', 'TMS 5 sessions a week for 6 weeks (CPT 90868)', detail),
    suggestedAction(ctx, 'tms-taper', 'TMS taper: 6 sessions over 3 weeks (CPT 90868)', detail),
    suggestedAction(ctx, 'phq9-each-session', 'PHQ-9 before each session'),
  ];
}
