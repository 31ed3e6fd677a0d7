/**
 * Order review (revision-2 section 2): each draft of the call identified (OR-1), put in or out of
 * TRD scope (OR-2), checked (OR-3 .. OR-10, OR-13), and given the patient-level findings that
 * reach it, with the loop guard (OR-11). Pure: the assessment, the drafts, the knowledge and now.
 */
import { addPatientIdentifiers, belongingOf, patientAliases } from '../../src/fhir/patient-compartment.js';
import { CANONICAL_BASE, SYSTEM } from '../../src/terminology/systems.js';
import type { Assessment } from '../assessment/assess.js';
import { VS } from '../assessment/concepts.js';
import { parseFhirDate } from '../assessment/fhir-read.js';
import type { Finding, Modality } from '../assessment/findings.js';
import { capitalise } from '../assessment/rules/common.js';
import { priorCourses } from '../assessment/rules/prior-courses.js';
import type { RecordIndex, Knowledge } from '../assessment/record.js';
import {
  ageAtOrder,
  checkAge,
  checkCourseInProgress,
  checkEsketamineDose,
  checkEsketamineInjectionDose,
  checkEsketamineSchedule,
  checkInfusionTime,
  checkKetamineDose,
  checkKetamineFrequency,
  checkSessionVitals,
  checkSuicidalityReason,
  checkTmsParameters,
  dosingWeight,
  implausibleWeight,
  esketamineExpectedDose,
  protocolDoseMg,
  type DosingWeight,
  type EsketamineContext,
  type KetamineContext,
  type OrderCheck,
} from './checks.js';
import { deviceStrength, productConcentration, readDraftDosage, type DraftDosage } from './dosage.js';
import { identifyDraft, type IdentifiedDraft } from './identify.js';
import type { DraftMedicationSources } from './medication-resolver.js';
import { DEPRESSION_ON_RECORD, decideScope, outOfScopeSettingOf, unidentifiedScope, type Scope } from './scope.js';

/** The extension on a suggested treatment order listing the caution findings shown beside it (OR-11). */
export const SHOWN_FINDINGS_EXTENSION = `${CANONICAL_BASE}/StructureDefinition/shown-findings`;

export interface DraftReview {
  draft: IdentifiedDraft;
  /** The modality whose patient-level findings apply (ketamine by any route reads the IV ketamine rules). */
  modality?: Extract<Modality, 'iv-ketamine' | 'esketamine' | 'tms'>;
  dosage?: DraftDosage;
  scope?: Scope;
  weight?: DosingWeight;
  checks: OrderCheck[];
  /** The complete protocol order offered as an update, when a check asks for one. */
  update?: fhir4.MedicationRequest;
  /** Patient-level findings that reach this draft. */
  contraindications: Finding[];
  /** CI-1 found: the treatment waits for a same-day evaluation (deferred, not contraindicated). */
  deferrals: Finding[];
  unknownContraindications: Finding[];
  cautions: Finding[];
  /** Rule ids the loop guard kept back (shown, unchanged, with our own suggestion). */
  suppressed: string[];
  /** Show the session monitoring card (MO-2 / MO-3). */
  monitoring: boolean;
}

export interface OrderReview {
  /** Every draft of the call that order review looked at, in draftOrders order. */
  drafts: DraftReview[];
  /**
   * Drafts (ketamine, esketamine, TMS or unidentified) whose subject names another patient than the
   * one in context: never judged with this record, said on one card.
   */
  otherPatient: IdentifiedDraft[];
  /** K and E drafts in one call, or one drafted while the other is active (OR-9). */
  overlap: { ketamine: boolean; esketamine: boolean; detail: string };
  /** Ketamine and TMS drafted together, in scope: the combination context (OR-4, RC-14, RC-15). */
  combination: boolean;
  /**
   * order-select: how many `selections` name no draft in draftOrders, and whether, none matching,
   * every draft was reviewed instead (silence must be earned: an unmatched selection is said on a card).
   */
  unmatchedSelections: { count: number; reviewedAll: boolean };
}

export interface ReviewInput {
  hook: 'order-select' | 'order-sign';
  entries: readonly { fullUrl?: string; resource?: fhir4.Resource }[];
  /** order-select: the drafts the clinician selected (`Type/id`); order-sign: all. */
  selections?: readonly string[];
  fetched: ReadonlyMap<string, fhir4.Medication>;
  fhirServer?: string;
  /** The call's Encounter (`context.encounterId`, prefetched or read), for OR-2's setting step. */
  encounter?: fhir4.Encounter;
  /** `context.patientId`: a draft whose subject names anyone else is not reviewed. */
  patientId?: string;
}

/**
 * The Encounter a draft was ordered in: the one its `encounter` names (contained, in the draftOrders
 * Bundle by fullUrl or Type/id, or the call's own), else the call's encounter. A reference to an
 * encounter that was not sent is not read: the setting is then unknown and OR-2 step 3 does not apply.
 */
function encounterOf(draft: fhir4.Resource, input: ReviewInput): fhir4.Encounter | undefined {
  const ref = (draft as fhir4.MedicationRequest).encounter?.reference;
  if (typeof ref !== 'string' || ref === '') return input.encounter;
  if (ref.startsWith('#')) {
    const contained = (draft as fhir4.DomainResource).contained;
    return (Array.isArray(contained) ? contained : []).find((c) => c?.resourceType === 'Encounter' && c.id === ref.slice(1)) as fhir4.Encounter | undefined;
  }
  const names = (r: fhir4.Resource | undefined) => r?.resourceType === 'Encounter' && (ref === `Encounter/${r.id}` || ref.endsWith(`/Encounter/${r.id}`));
  const entry = input.entries.find((e) => e?.resource && (e.fullUrl === ref || names(e.resource)));
  if (entry) return entry.resource as fhir4.Encounter;
  return names(input.encounter) ? input.encounter : undefined;
}

const DRUG_MODALITY = { ketamine: 'iv-ketamine', esketamine: 'esketamine', tms: 'tms' } as const;
const COURSE_MODALITY = { ketamine: 'ketamine', esketamine: 'esketamine', tms: 'TMS' } as const;
const DEVICE_SAFETY_RULES = new Set(['CI-9', 'CI-10', 'RC-6', 'RC-7']);
const DAY_MS = 86_400_000;

/** Ketamine or esketamine sessions (administrations, procedures) and active orders, newest session first. */
function treatmentActivity(index: RecordIndex, drug: 'ketamine' | 'esketamine'): { lastSession?: Date; activeOrder: boolean; sessions: number } {
  const url = drug === 'esketamine' ? VS.esketamineProducts : VS.ketamineProducts;
  let lastSession: Date | undefined;
  let sessions = 0;
  let activeOrder = false;
  for (const m of index.medicationUses) {
    const isDrug = m.concepts.has(url) && (drug === 'esketamine' || !m.concepts.has(VS.esketamineProducts));
    if (!isDrug) continue;
    if (m.resource.resourceType === 'MedicationRequest') {
      if (m.current) activeOrder = true;
      continue;
    }
    const r = m.resource as { effectiveDateTime?: string; effectivePeriod?: fhir4.Period; whenHandedOver?: string };
    const date = parseFhirDate(r.effectiveDateTime) ?? parseFhirDate(r.effectivePeriod?.start) ?? parseFhirDate(r.whenHandedOver);
    if (!date) continue;
    sessions++;
    if (!lastSession || date.getTime() > lastSession.getTime()) lastSession = date;
  }
  if (drug === 'esketamine') {
    for (const p of index.procedures(VS.esketamineProcedures)) {
      const date = parseFhirDate(p.performedDateTime) ?? parseFhirDate(p.performedPeriod?.start);
      if (!date || p.status !== 'completed') continue;
      sessions++;
      if (!lastSession || date.getTime() > lastSession.getTime()) lastSession = date;
    }
  }
  return { lastSession, activeOrder, sessions };
}

/**
 * OR-6 day 1: no esketamine session within ESK_NEW_COURSE_GAP_DAYS and no active esketamine order.
 * The SO-2 suggestion starts with the day-1 dose only then.
 */
export function esketamineDay1(index: RecordIndex, knowledge: Knowledge, now: Date): boolean {
  const activity = treatmentActivity(index, 'esketamine');
  const gapDays = knowledge.thresholds.orderReview.esketamineNewCourseGapDays.value;
  const recent = activity.lastSession !== undefined && (now.getTime() - activity.lastSession.getTime()) / DAY_MS <= gapDays;
  return !activity.activeOrder && !recent;
}

/** Days since the first session of the current course (sessions with no gap longer than the new-course gap). */
function courseDay(index: RecordIndex, knowledge: Knowledge, now: Date, drug: 'ketamine' | 'esketamine'): number | undefined {
  const modality = drug === 'esketamine' ? 'esketamine' : 'ketamine';
  const ctx = { index, now, thresholds: knowledge.thresholds, trials: () => [] };
  // The newest course of the modality (priorCourses lists them oldest first): an earlier one is not the current course.
  const course = priorCourses(ctx).findLast((c) => c.modality === modality);
  if (!course) return undefined;
  if ((now.getTime() - course.end.getTime()) / DAY_MS > knowledge.thresholds.orderReview.esketamineNewCourseGapDays.value) return undefined;
  return Math.floor((now.getTime() - course.start.getTime()) / DAY_MS);
}

function shownFindings(resource: fhir4.Resource): Map<string, string> | undefined {
  const extensions = (resource as fhir4.DomainResource).extension;
  const ext = (Array.isArray(extensions) ? extensions : []).find((e) => e?.url === SHOWN_FINDINGS_EXTENSION);
  if (typeof ext?.valueString !== 'string') return undefined;
  return new Map(
    ext.valueString
      .split(/\s+/)
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );
}

/** `RC-3=met RC-5=met`: the caution findings a suggestion was shown with, for the loop guard. */
export function shownFindingsValue(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.rule}=${f.status}`).join(' ');
}

/**
 * OR-11: an own draft suppresses a caution or monitoring card only when the suggestion that made
 * it was shown with the same finding, unchanged, within the loop-guard hours. Contraindications,
 * unknown contraindications, OR-6, OR-7, OR-8 and OR-10 are never suppressed.
 */
function loopGuard(
  draft: IdentifiedDraft,
  cautions: Finding[],
  knowledge: Knowledge,
  now: Date,
): { kept: Finding[]; suppressed: string[]; monitoringShown: boolean } {
  const shown = draft.own ? shownFindings(draft.resource) : undefined;
  const authored = parseFhirDate((draft.resource as fhir4.MedicationRequest).authoredOn ?? (draft.resource as fhir4.ServiceRequest).authoredOn);
  const hours = knowledge.thresholds.orderReview.loopGuardHours.value;
  const fresh = authored !== undefined && now.getTime() - authored.getTime() <= hours * 3_600_000 + DAY_MS; // authoredOn is a date: allow its whole day
  if (!shown || !fresh) return { kept: cautions, suppressed: [], monitoringShown: false };
  const kept = cautions.filter((f) => shown.get(f.rule) !== f.status);
  return { kept, suppressed: cautions.filter((f) => !kept.includes(f)).map((f) => f.rule), monitoringShown: shown.has('monitoring') };
}

/**
 * The patient-level findings for a modality: found and unknown absolutes, and the cautions found or
 * still to confirm. A caution the record suggests but a clinician must confirm (unknown with evidence:
 * RC-1 on a provisional bipolar II diagnosis, revision-2 section 1 "confirm", DS-6) reaches the order as
 * patient-view shows it: the signer may never have seen the patient-view card. A caution unknown only
 * for lack of data (no medication list) stays with patient-view's data gaps: the order's unknown
 * absolutes already ask for what is missing, within the card budget. [local]
 */
export function patientFindings(a: Assessment, modality: Modality, deviceSafetyOnly: boolean) {
  const keep = (f: Finding) => !deviceSafetyOnly || DEVICE_SAFETY_RULES.has(f.rule);
  const contraindications = a.findings.filter((f) => f.kind === 'absolute' && f.status === 'met' && f.absoluteFor.includes(modality) && keep(f));
  const deferrals = a.findings.filter((f) => f.status === 'met' && f.deferFor.includes(modality) && keep(f));
  const unknownContraindications = a.findings.filter((f) => f.kind === 'absolute' && f.status === 'unknown' && f.absoluteFor.includes(modality) && keep(f));
  const cautions = a.findings.filter(
    (f) =>
      (f.status === 'met' || (f.status === 'unknown' && f.evidence.length > 0)) &&
      f.kind !== 'monitoring' &&
      f.rule !== 'RC-14' &&
      f.rule !== 'RC-15' &&
      f.rule !== 'RC-13' &&
      // A caution for this treatment, or information about it (RC-10 glaucoma, RC-11 bladder, RC-22): a finding the
      // service computed reaches a card the prescriber reads, never only the assessment extension (CD-6).
      (f.cautionFor.includes(modality) || (f.kind === 'relative' && f.status === 'met' && f.modalities.includes(modality))) &&
      !f.absoluteFor.includes(modality) &&
      keep(f),
  );
  return { contraindications, deferrals, unknownContraindications, cautions };
}

/**
 * CI-4 on an order that starts later: the negative test that settled pregnancy "now" must fall within
 * HCG_INITIATION_DAYS before the draft's first session (revision-2 CI-4: "on order hooks, the draft's first
 * occurrence"). A test 6 days old for a course that starts in 20 days settles nothing: unknown, with the hCG
 * order due before that session (SO-5). Undefined when CI-4 was not settled by a negative test, or the first
 * session is within the window. Pure: the finding, the first session, the window in days.
 */
export function pregnancyTestBeforeFirstSession(ci4: Finding | undefined, firstSession: Date, days: number): Finding | undefined {
  const tested = typeof ci4?.data?.['negativeTestDate'] === 'string' ? new Date(ci4.data['negativeTestDate']) : undefined;
  if (!ci4 || ci4.status !== 'not-met' || !tested || Number.isNaN(tested.getTime())) return undefined;
  const gap = Math.floor((firstSession.getTime() - tested.getTime()) / DAY_MS);
  if (gap <= days) return undefined;
  const session = firstSession.toISOString().slice(0, 10);
  return {
    ...ci4,
    status: 'unknown',
    indicator: 'warning',
    missing: [`a pregnancy test (hCG) within ${days} days before the first session on ${session}`],
    note: `${capitalise(String(ci4.data!['negativeTestWords']))} is ${gap} days before the first session (${session}): repeat it in the ${days} days before.`,
    settledBy: ['order-pregnancy-test'],
  };
}

function routeCoding(knowledge: Knowledge, url: string): fhir4.CodeableConcept {
  const c = knowledge.terminology.codes(url)[0]!;
  return { coding: [{ system: c.system, code: c.code, ...(c.display ? { display: c.display } : {}) }] };
}

const UCUM = SYSTEM.ucum;
const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
const mgQuantity = (mg: number): fhir4.Quantity => ({ value: mg, unit: 'mg', system: UCUM, code: 'mg' });
const mgPerKgQuantity = (v: number): fhir4.Quantity => ({ value: v, unit: 'mg/kg', system: UCUM, code: 'mg/kg' });

/**
 * OR-3 update content: the whole dosing instruction in the protocol shape. IV route (the
 * clinician's IV coding kept), the mg dose for the dosing weight, infusion over the minimum, the
 * protocol frequency and number of sessions (or the order's own, when they were within protocol), no
 * daily repeat and no take-home supply.
 */
function ketamineUpdate(draft: fhir4.MedicationRequest, k: KetamineContext, checks: OrderCheck[], knowledge: Knowledge): fhir4.MedicationRequest {
  const c = knowledge.thresholds.orderReview;
  const updated = structuredClone(draft);
  const first: unknown = Array.isArray(updated.dosageInstruction) ? updated.dosageInstruction[0] : undefined;
  const old = isObject(first) ? (first as fhir4.Dosage) : undefined;
  const dose = k.weight
    ? mgQuantity(protocolDoseMg(k.weight, c))
    : k.dosage.dose?.mgPerKg !== undefined
      ? mgPerKgQuantity(c.ketamineTargetMgPerKg.value)
      : k.dosage.dose?.mg !== undefined
        ? mgQuantity(k.dosage.dose.mg)
        : undefined;
  const minutes = c.ketamineMinInfusionMinutes.value;
  const frequencyOk = checks.find((x) => x.rule === 'OR-5')?.status === 'as-ordered';
  const sessions = c.ketamineInductionSessions.value;
  const perWeek = c.ketamineSessionsPerWeek.value;
  const ownRepeat = old?.timing?.repeat;
  const repeat: fhir4.TimingRepeat =
    frequencyOk && isObject(ownRepeat)
      ? structuredClone(ownRepeat)
      : {
          frequency: perWeek,
          period: 1,
          periodUnit: 'wk',
          count: sessions,
          boundsDuration: { value: sessions / perWeek, unit: 'wk', system: UCUM, code: 'wk' },
        };
  repeat.duration = minutes;
  repeat.durationUnit = 'min';
  const schedule = frequencyOk && k.dosage.single ? 'one session' : frequencyOk ? 'on the ordered schedule' : `${perWeek} times a week, ${sessions} sessions`;
  const doseText = dose
    ? `${dose.value} ${dose.unit}${dose.unit === 'mg' && k.weight ? ` (${c.ketamineTargetMgPerKg.value} mg/kg for ${Math.round(k.weight.kg * 10) / 10} kg)` : ''}`
    : 'dose as ordered';
  updated.dosageInstruction = [
    {
      ...(old?.sequence !== undefined ? { sequence: old.sequence } : {}),
      text: `Ketamine ${doseText} IV over ${minutes} minutes, ${schedule}`,
      timing: { repeat },
      route: k.dosage.route === 'iv' && old?.route ? old.route : routeCoding(knowledge, VS.routeIntravenous),
      ...(dose ? { doseAndRate: [{ doseQuantity: dose }] } : {}),
    },
  ];
  delete updated.dispenseRequest;
  return updated;
}

/** The esketamine order in its labelled shape: the expected dose, by nose, at most twice weekly in induction, no take-home supply. */
function esketamineUpdate(draft: fhir4.MedicationRequest, e: EsketamineContext, knowledge: Knowledge): fhir4.MedicationRequest {
  const c = knowledge.thresholds.orderReview;
  const updated = structuredClone(draft);
  const first: unknown = Array.isArray(updated.dosageInstruction) ? updated.dosageInstruction[0] : undefined;
  const old = isObject(first) ? (first as fhir4.Dosage) : undefined;
  const mg = esketamineExpectedDose(e);
  const week = e.day1 || e.courseDay === undefined ? 1 : Math.floor(e.courseDay / 7) + 1;
  const inductionWeeks = e.acuteSuicidality ? c.esketamineSiWeeks.value : c.esketamineInductionWeeks.value;
  const induction = week <= inductionWeeks;
  const weeksLeft = induction ? inductionWeeks - week + 1 : 4;
  const perWeek = induction ? c.esketamineInductionMaxPer7Days.value : 1;
  const repeat: fhir4.TimingRepeat = {
    frequency: perWeek,
    period: 1,
    periodUnit: 'wk',
    count: perWeek * weeksLeft,
    boundsDuration: { value: weeksLeft, unit: 'wk', system: UCUM, code: 'wk' },
  };
  updated.dosageInstruction = [
    {
      ...(old?.sequence !== undefined ? { sequence: old.sequence } : {}),
      text: `Esketamine ${mg} mg intranasally, ${perWeek === 1 ? 'once' : `${perWeek} times`} a week for ${weeksLeft} weeks, in a REMS-certified setting`,
      timing: { repeat },
      route: e.dosage.route === 'nasal' && old?.route ? old.route : routeCoding(knowledge, VS.routeNasal),
      doseAndRate: [{ doseQuantity: mgQuantity(mg) }],
    },
  ];
  delete updated.dispenseRequest;
  return updated;
}

/**
 * Whether an order-select `selection` names a draft. CDS Hooks 2.0 writes selections as `Type/id`
 * references into draftOrders ("MedicationRequest/103"); clients also send the draft's fullUrl, an
 * absolute URL ending `Type/id` (FHIR reference rules), or the bare id (the spec's words are "the FHIR
 * id of the newly selected order(s)"). Any of them names the draft with that type and id.
 */
export function selectionNames(selection: string, draft: fhir4.Resource, fullUrl: string | undefined): boolean {
  const s = selection.trim();
  if (fullUrl && s === fullUrl) return true;
  const id = draft.id;
  if (typeof id !== 'string' || id === '') return false;
  if (s === id || s === `${draft.resourceType}/${id}`) return true;
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(s);
  return m !== null && m[1] === draft.resourceType && m[2] === id;
}

/** Reviews every draft of the call (order-select: the selected ones) against the assessment. */
export function reviewOrders(a: Assessment, input: ReviewInput, knowledge: Knowledge): OrderReview {
  const now = a.now;
  const t = knowledge.terminology;
  const c = knowledge.thresholds.orderReview;
  const index = a.index;
  const sources: DraftMedicationSources = {
    entries: input.entries,
    recordMedications: index.record.medications,
    fetched: input.fetched,
    fhirServer: input.fhirServer,
  };
  const identified = input.entries
    .map((e, i) => (e?.resource && typeof e.resource.resourceType === 'string' ? identifyDraft(e.resource, i + 1, sources, knowledge) : undefined))
    .filter((d): d is IdentifiedDraft => d !== undefined);
  // Only the patient in context: a draft whose subject is someone else (a wrong-patient error in the
  // EHR) is neither checked with this record nor counted as this patient's (OR-9 overlap). A draft
  // with no subject is taken as the call's, as EHRs and the sandbox send them.
  const aliases = input.patientId
    ? patientAliases({ resourceType: 'Bundle', type: 'collection', entry: [...input.entries] } as fhir4.Bundle, input.patientId)
    : undefined;
  const identifiers = new Map<string, Set<string>>();
  if (input.patientId) for (const p of index.record.patient.items) addPatientIdentifiers(p, input.patientId, identifiers);
  const aboutSomeoneElse = (d: IdentifiedDraft) =>
    input.patientId !== undefined &&
    belongingOf(d.resource, input.patientId, { aliases, identifiers, ...(input.fhirServer ? { serverBase: input.fhirServer } : {}) }) === 'other-patient';
  const all = identified.filter((d) => !aboutSomeoneElse(d));
  const fullUrlOf = (d: IdentifiedDraft) => input.entries[d.position - 1]?.fullUrl;
  const names = (s: string, d: IdentifiedDraft) => selectionNames(s, d.resource, fullUrlOf(d));
  const selections = input.selections;
  const unmatched = (selections ?? []).filter((s) => !identified.some((d) => names(s, d)));
  // No selection names a draft (or none was given): every draft is reviewed, and a card says so (never an empty answer).
  const reviewAll = !selections || unmatched.length === selections.length;
  const chosen = (d: IdentifiedDraft) => reviewAll || selections.some((s) => names(s, d));
  const selected = all.filter(chosen);
  const otherPatient = identified.filter((d) => aboutSomeoneElse(d) && chosen(d) && d.drug !== 'other');

  const weight = dosingWeight(index, c);
  const dosages = new Map(
    all
      .filter((d) => d.resource.resourceType === 'MedicationRequest' && (d.drug === 'ketamine' || d.drug === 'esketamine'))
      .map((d) => {
        // The product's concentration turns a volume dose into mg and a volume rate into a time (OR-3, OR-4).
        const r = d.resource as fhir4.MedicationRequest;
        const drugSet = d.drug === 'esketamine' ? VS.esketamineProducts : VS.ketamineProducts;
        const concept = r.medicationCodeableConcept ?? d.medication?.code;
        // A SPRAVATO product by its code (every esketamine product code is the nasal spray) or its name: the label's
        // 28 mg in 0.2 mL converts a volume; a nasal esketamine named only in words ("Ketanest S") has no known one.
        const spravato = d.drug === 'esketamine' && (t.matchingCoding(concept, VS.esketamineProducts) !== undefined || /spravato/i.test(d.label ?? ''));
        const labelConcentration = spravato
          ? {
              mgPerMl: c.esketamineDeviceMg.value / c.esketamineDeviceMl.value,
              text: `${c.esketamineDeviceMg.value} mg / ${c.esketamineDeviceMl.value} mL (SPRAVATO label)`,
              from: 'label' as const,
            }
          : undefined;
        const concentration = productConcentration(d.medication, concept, drugSet, t, knowledge.catalogue, d.ingredients) ?? labelConcentration;
        // A dose in devices is converted by the product's own mass per device, else the label's (esketamine: 28 mg, OR-6);
        // one in sprays by the label's sprays per device (2: 14 mg a spray).
        const labelMgPerDevice = d.drug === 'esketamine' ? c.esketamineDeviceMg.value : undefined;
        const labelSprays = d.drug === 'esketamine' ? c.esketamineSpraysPerDevice.value : undefined;
        const perDevice = deviceStrength(d.medication, drugSet, t, d.ingredients, labelMgPerDevice, labelSprays);
        return [d, readDraftDosage(r, t, concentration, knowledge.thresholds.plausibleRanges, perDevice)];
      }),
  );
  // An ECT procedure drafted in this call (its order set signs the anaesthetic with it): OR-2 step 3b.
  const ectInCall = all.some(
    (d) =>
      (d.resource.resourceType === 'ServiceRequest' || d.resource.resourceType === 'Procedure') &&
      t.inConcept((d.resource as fhir4.ServiceRequest).code, VS.ectProcedures),
  );
  const scopes = new Map<IdentifiedDraft, Scope>();
  for (const d of all) {
    const unidentified = unidentifiedScope(d, a, t);
    if (unidentified) scopes.set(d, unidentified);
    if (d.drug !== 'ketamine' && d.drug !== 'esketamine' && d.drug !== 'tms') continue;
    scopes.set(
      d,
      decideScope({
        draft: d,
        dosage: dosages.get(d),
        weightKg: weight?.kg,
        a,
        t,
        orderSetCanonicals: c.trdOrderSetCanonicals.value,
        ceilingMgPerKg: c.ketamineTrdCeilingMgPerKg.value,
        maxMgNoWeight: c.ketamineTrdMaxMgNoWeight.value,
        courseInfusionMinutes: c.ketamineCombinationMinInfusionMinutes.value,
        outOfScopeSetting: d.drug === 'tms' ? undefined : outOfScopeSettingOf(encounterOf(d.resource, input), t),
        ectInCall,
      }),
    );
  }
  const inScope = (drug: string) => all.some((d) => d.drug === drug && scopes.get(d)?.status === 'in');
  const ketamineActivity = treatmentActivity(index, 'ketamine');
  const esketamineActivity = treatmentActivity(index, 'esketamine');
  const recentSession = (last: Date | undefined, days: number) => last !== undefined && (now.getTime() - last.getTime()) / DAY_MS <= days;
  const courses = priorCourses({ index, now, thresholds: knowledge.thresholds, trials: () => [] });
  const tmsCourse = courses.find((x) => x.modality === 'TMS');
  const combination =
    inScope('tms') || (tmsCourse !== undefined && (now.getTime() - tmsCourse.end.getTime()) / DAY_MS <= knowledge.thresholds.courses.tmsActiveDays.value);
  const esketamineActive =
    esketamineActivity.activeOrder || recentSession(esketamineActivity.lastSession, knowledge.thresholds.courses.esketamineActiveDays.value);
  const ketamineActive = ketamineActivity.activeOrder || recentSession(ketamineActivity.lastSession, knowledge.thresholds.courses.ketamineActiveDays.value);
  const overlap = {
    ketamine: inScope('ketamine') && (inScope('esketamine') || esketamineActive),
    esketamine: inScope('esketamine') && (inScope('ketamine') || ketamineActive),
    detail: [
      esketamineActivity.sessions
        ? `esketamine: ${esketamineActivity.sessions} session(s), last ${esketamineActivity.lastSession!.toISOString().slice(0, 10)}`
        : esketamineActivity.activeOrder
          ? 'esketamine: an active order'
          : '',
      ketamineActivity.sessions
        ? `ketamine: ${ketamineActivity.sessions} session(s), last ${ketamineActivity.lastSession!.toISOString().slice(0, 10)}`
        : ketamineActivity.activeOrder
          ? 'ketamine: an active order'
          : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
  const onAntidepressant = index.currentMedications(VS.antidepressantIngredients).length > 0;

  const drafts = selected.map((draft): DraftReview => {
    const review: DraftReview = {
      draft,
      checks: [],
      contraindications: [],
      deferrals: [],
      unknownContraindications: [],
      cautions: [],
      suppressed: [],
      monitoring: false,
    };
    const scope = scopes.get(draft);
    if (scope && draft.drug === 'unidentified') review.scope = scope;
    if (!scope || draft.drug === 'unidentified') return review;
    const drug = draft.drug as 'ketamine' | 'esketamine' | 'tms';
    const dosage = dosages.get(draft);
    // An esketamine injection is judged like ketamine (OR-2): the parenteral ketamine findings, never SPRAVATO's.
    const modality = scope.injection ? DRUG_MODALITY.ketamine : DRUG_MODALITY[drug];
    Object.assign(review, { scope, dosage, modality });
    if (scope.status !== 'in') return review;

    const orderDate = parseFhirDate((draft.resource as fhir4.MedicationRequest).authoredOn) ?? now;
    const age = ageAtOrder(index, orderDate);
    const found = patientFindings(a, modality, scope.deviceSafetyOnly === true);
    // CI-4's 7-day window is counted back from the draft's first session when it starts on a later day.
    const firstSession = dosages.get(draft)?.start;
    const staleTest =
      modality !== 'tms' && firstSession && firstSession.getTime() > now.getTime()
        ? pregnancyTestBeforeFirstSession(a.byRule.get('CI-4'), firstSession, knowledge.thresholds.safety.hcgInitiationDays.value)
        : undefined;
    if (staleTest) found.unknownContraindications.push(staleTest);
    const guard = loopGuard(draft, found.cautions, knowledge, now);
    Object.assign(review, {
      contraindications: found.contraindications,
      deferrals: found.deferrals,
      unknownContraindications: found.unknownContraindications,
      cautions: guard.kept,
      suppressed: guard.suppressed,
    });

    const ageCheck = checkAge(drug, age, onAntidepressant, c);
    if (ageCheck) review.checks.push(ageCheck);
    // MO-9: a course of this modality under way makes the draft its continuation, never a second course.
    const course = courses.find((x) => x.active && x.modality === COURSE_MODALITY[drug]);
    if (course && !scope.deviceSafetyOnly) review.checks.push(checkCourseInProgress(course, dosage, now));
    // RC-17 / CI-1 on the order's own reason: ideation the order records is graded and evaluated before treatment,
    // unless the record's own RC-17 or CI-1 card already asks for it.
    const recordAsks = a.byRule.get('CI-1')?.status === 'met' || (a.byRule.get('RC-17')?.status === 'met' && !a.byRule.get('RC-17')?.data?.['graded']);
    if (scope.acuteSuicidality && !recordAsks) {
      const ideation = checkSuicidalityReason(index, knowledge.thresholds, now);
      if (ideation) review.checks.push(ideation);
    }
    // Two drafts of the same treatment in one call (an order set plus a re-entered order, a renewal before the old
    // order is stopped) are a duplicate: the session limits are the patient's, not each order's (OR-9, [local]).
    // A one-session draft beside a course (SPRAVATO day 1, then induction: SO-2) is the labelled start, not a duplicate;
    // TMS is ordered as two requests (90867 first session, 90868 the rest: SO-3).
    const single = dosages.get(draft)?.single === true;
    const twins = all.filter((d) => d.drug === draft.drug && scopes.get(d)?.status === 'in' && (dosages.get(d)?.single === true) === single);
    if (drug !== 'tms' && twins.length > 1)
      review.checks.push(
        duplicateCheck(
          drug,
          twins.map((d) => dosages.get(d)?.per7Days),
        ),
      );
    if (drug === 'tms') {
      if (!scope.deviceSafetyOnly) review.checks.push(checkTmsParameters(draft.resource as fhir4.ServiceRequest));
      return review;
    }
    if (input.hook === 'order-sign') {
      const vitals = checkSessionVitals(index, dosage, knowledge.thresholds, now);
      if (vitals) review.checks.push(vitals);
    }
    if (drug === 'ketamine' && overlap.ketamine) review.checks.push(overlapCheck('ketamine', overlap.detail));
    if (drug === 'esketamine' && overlap.esketamine) review.checks.push(overlapCheck('esketamine', overlap.detail));
    // MO-2 watches an IV infusion from its start to 60 min after its end: an oral, sublingual, IM, SC or nasal
    // racemic order has no infusion to watch (its any-route lines, MO-12 and MO-13, go on the OR-2 route card).
    review.monitoring = !guard.monitoringShown && !scope.nonProtocolRoute;
    if (!dosage || draft.resource.resourceType !== 'MedicationRequest') return review;

    if (drug === 'ketamine' && !scope.nonProtocolRoute) {
      review.weight = weight;
      // No session on record is a first dose only when the administration history was read (OR-3 escalation).
      const priorSessions = ketamineActivity.sessions > 0 || index.record.medicationAdministrations.known ? ketamineActivity.sessions : undefined;
      const heaviestKg = knowledge.thresholds.plausibleRanges.weightKg.max;
      const k: KetamineContext = {
        dosage,
        weight,
        weightImplausible: weight ? undefined : implausibleWeight(index, c),
        combination,
        priorSessions,
        heaviestKg,
        c,
      };
      // Every dose step is checked (titration steps, ordered and calculated doses); the card names the worst.
      const worst = worstAcrossSteps(dosage, (step) => [checkKetamineDose({ ...k, dosage: step }), checkInfusionTime({ ...k, dosage: step })]);
      if (worst.step !== dosage) review.dosage = { ...dosage, dose: worst.step.dose };
      const [dose, time] = worst.checks as [OrderCheck, OrderCheck];
      const checks = [
        scopeAssumption(calculatedDoseMismatch(dose, dosage, weight, c.ketamineDoseTolerancePercent.value), scope),
        time,
        checkKetamineFrequency(k),
      ];
      review.checks.push(...checks);
      // Read as TRD only because the record holds depression (a single push, no indication): the dose is
      // said, but no 0.5 mg/kg correction is offered for what may be an anaesthetic (OR-2).
      const orderLooksLikeCourse = !scope.assumedFrom || scope.assumedFrom.some((s) => s !== DEPRESSION_ON_RECORD);
      if (orderLooksLikeCourse && checks.some((x) => x.wantsUpdate))
        review.update = ketamineUpdate(draft.resource as fhir4.MedicationRequest, k, checks, knowledge);
    }
    if (drug === 'esketamine' && scope.injection && !scope.nonProtocolRoute) {
      // IV esketamine: infusion time and frequency as ketamine's (OR-4, OR-5); its dose is said per kg but never
      // corrected to the racemic 0.5 mg/kg protocol, and no update is offered (OR-2, [local]).
      review.weight = weight;
      const k: KetamineContext = { dosage, weight, weightImplausible: weight ? undefined : implausibleWeight(index, c), combination, c };
      const withoutUpdate = ({ wantsUpdate: _ignored, ...check }: OrderCheck): OrderCheck => check;
      const worst = worstAcrossSteps(dosage, (step) => [checkEsketamineInjectionDose({ ...k, dosage: step }), checkInfusionTime({ ...k, dosage: step })]);
      if (worst.step !== dosage) review.dosage = { ...dosage, dose: worst.step.dose };
      const [dose, time] = worst.checks as [OrderCheck, OrderCheck];
      review.checks.push(dose, ...[time, checkKetamineFrequency(k)].map(withoutUpdate));
    } else if (drug === 'esketamine' && !scope.nonProtocolRoute) {
      const day1 = !esketamineActivity.activeOrder && !recentSession(esketamineActivity.lastSession, c.esketamineNewCourseGapDays.value);
      const e: EsketamineContext = {
        dosage,
        // Born in 2008, a patient is 17 or 18 today: unknown for OR-8, but certainly under 65 (DS-7: the interval decides).
        age:
          age.youngest !== undefined &&
          (age.youngest === age.oldest || age.oldest < c.esketamineGeriatricAge.value || age.youngest >= c.esketamineGeriatricAge.value)
            ? age.youngest
            : undefined,
        ageAsked: ageCheck?.status === 'unknown',
        day1,
        courseDay: day1 ? undefined : courseDay(index, knowledge, now, 'esketamine'),
        acuteSuicidality: scope.acuteSuicidality === true,
        onOralAntidepressant: onAntidepressant,
        c,
      };
      const worst = worstAcrossSteps(dosage, (step) => checkEsketamineDose({ ...e, dosage: step }));
      if (worst.step !== dosage) review.dosage = { ...dosage, dose: worst.step.dose };
      const checks = [...worst.checks, checkEsketamineSchedule(e)];
      review.checks.push(...checks);
      if (checks.some((x) => x.wantsUpdate)) review.update = esketamineUpdate(draft.resource as fhir4.MedicationRequest, e, knowledge);
    }
    return review;
  });
  return {
    drafts,
    otherPatient,
    overlap,
    // OR-13: a TMS draft while a ketamine course (or order) is active is the combination too, as a ketamine draft
    // during a TMS course is (RC-14 and RC-15).
    combination: (combination && inScope('ketamine')) || (inScope('tms') && ketamineActive),
    unmatchedSelections: { count: unmatched.length, reviewedAll: unmatched.length > 0 && reviewAll },
  };
}

const SEVERITY: Readonly<Record<string, number>> = { critical: 3, warning: 2, info: 1 };
/** How much a check matters: a problem over a fit, then critical over warning over info. */
const weightOf = (x: OrderCheck) => (x.status === 'as-ordered' ? 0 : 10) + (SEVERITY[x.indicator] ?? 0);

/**
 * The checks `check` makes of each dose step of a draft (its dosage instructions and dose-and-rate entries,
 * `DraftDosage.steps`), the worst per rule, and the step the worst of them came from (the dose the card
 * names). With one step, its own checks. [local; FHIR R4 Dosage.sequence, doseAndRate 0..*]
 */
function worstAcrossSteps(dosage: DraftDosage, check: (step: DraftDosage) => OrderCheck[]): { checks: OrderCheck[]; step: DraftDosage } {
  const steps = dosage.steps ?? [dosage];
  const each = steps.map((step) => ({ step, checks: check(step) }));
  let step = dosage;
  let top = -1;
  const checks = each[0]!.checks.map((_, i) => {
    let pick = each[0]!;
    for (const e of each) if (weightOf(e.checks[i]!) > weightOf(pick.checks[i]!)) pick = e;
    if (weightOf(pick.checks[i]!) > top) [top, step] = [weightOf(pick.checks[i]!), pick.step];
    const chosen = pick.checks[i]!;
    if (steps.length === 1 || pick === each[0]) return chosen;
    const note = `The order has ${steps.length} dose steps; each was checked, and this is the one that matters most (step ${each.indexOf(pick) + 1}).`;
    return { ...chosen, detail: chosen.detail ? `${note} ${chosen.detail}` : note };
  });
  return { checks, step: step === each[0]!.step ? dosage : step };
}

/**
 * OR-3: a calculated dose (doseAndRate.type calculated, in mg) is the ordered mg/kg times the dosing weight, within
 * the dose tolerance; one that is not was calculated on another weight, the error a pharmacist's check exists
 * for. Said on the dose card, at least as a warning. [local; dose-rate-type ordered / calculated]
 */
function calculatedDoseMismatch(check: OrderCheck, dosage: DraftDosage, weight: DosingWeight | undefined, tolerancePercent: number): OrderCheck {
  const steps = dosage.steps ?? [];
  const perKg = steps.find((s) => s.doseType !== 'calculated' && s.dose?.mgPerKg !== undefined)?.dose?.mgPerKg;
  const calculated = steps.find((s) => s.doseType === 'calculated' && s.dose?.mg !== undefined)?.dose?.mg;
  if (!weight || perKg === undefined || calculated === undefined) return check;
  const kg = Math.round(weight.kg * 10) / 10;
  const expected = Math.round(perKg * weight.kg * 10) / 10;
  if (Math.abs(calculated - expected) <= (expected * tolerancePercent) / 100 + 1e-9) return check;
  const sentence = `The calculated dose ${calculated} mg does not match the ordered ${perKg} mg/kg x ${kg} kg (${expected} mg): check the weight the dose was calculated on.`;
  const detail = check.detail ? `${sentence} ${check.detail}` : sentence;
  if (check.status !== 'as-ordered' && check.indicator !== 'info') return { ...check, detail };
  return {
    ...check,
    status: 'differs',
    indicator: 'warning',
    phrase: `calculated dose ${calculated} mg does not match ${perKg} mg/kg for ${kg} kg (${expected} mg)`,
    detail,
  };
}

/**
 * OR-2 step 4 read an anaesthetic-range dose as TRD because other elements point to a course: the
 * dose card says so, and how to take the order out of TRD checks if it is an anaesthetic. [local]
 */
function scopeAssumption(check: OrderCheck, scope: Scope): OrderCheck {
  if (!scope.assumedFrom || check.status === 'as-ordered') return check;
  const why = `Read as a TRD order: no indication is given and the dose is in the anaesthetic range, but ${scope.assumedFrom.join(', ')} ${scope.assumedFrom.length === 1 ? 'points' : 'point'} to a TRD course. If this order is for anaesthesia or sedation, add that indication and no TRD card is shown.`;
  return { ...check, detail: check.detail ? `${why} ${check.detail}` : why };
}

/**
 * Two or more drafts of one treatment in one call: one card naming both (the overlap problem, CD-1), with the
 * sessions in 7 days they add up to when each gives its frequency. Source: [local], revision-2 OR-9 read for the
 * same drug (OR-5 and OR-7 limit the patient's sessions, not each order's).
 */
function duplicateCheck(drug: 'ketamine' | 'esketamine', per7Days: readonly (number | undefined)[]): OrderCheck {
  const name = drug;
  const total = per7Days.every((n) => n !== undefined) ? Math.round(per7Days.reduce((x, n) => x! + n!, 0)! * 10) / 10 : undefined;
  return {
    rule: 'OR-9',
    status: 'differs',
    indicator: 'warning',
    phrase: `${per7Days.length} ${name} orders in this call${total !== undefined ? `, together ${total} sessions in 7 days` : ''}; keep one`,
    ordered: `${per7Days.length} ${name} orders`,
    expected: `one ${name} order`,
  };
}

/** OR-9 Ketamine + esketamine would overlap. Source: [local]; PI 5.1-5.3 (sedation, dissociation, misuse add up). */
function overlapCheck(drug: 'ketamine' | 'esketamine', detail: string): OrderCheck {
  return {
    rule: 'OR-9',
    status: 'differs',
    indicator: 'warning',
    phrase: 'ketamine and esketamine would overlap: both act on NMDA receptors; choose one',
    ordered: drug === 'ketamine' ? 'ketamine, with esketamine drafted or active' : 'esketamine, with ketamine drafted or active',
    expected: 'one NMDA-receptor antagonist treatment at a time',
    ...(detail ? { detail } : {}),
  };
}

export type { DosingWeight, OrderCheck };
