/**
 * OR-2 TRD scope of a draft order
 * Trigger: a draft identified (OR-1) as ketamine, esketamine or TMS.
 * Inclusion (ketamine, and esketamine given by injection): a depressive reason, a TRD order-set
 * canonical or this service's own tag (a TRD marker); or no reason, a depressive disorder on record
 * (EL-1 met or confirm), the IV route and a dose within the TRD ceiling.
 * Exclusion: a reason that is not depression (anaesthesia, analgesia, agitation, sedation); a dose
 * above the TRD ceiling (1.0 mg/kg, or 100 mg with no weight) without a TRD marker and with nothing
 * else pointing to a TRD course. The dose alone never takes an order out of scope when a repeated
 * schedule, an infusion of KETAMINE_COMBINATION_MIN_INFUSION_MIN or more, or a depressive disorder on
 * record points to a TRD course: that order is checked, and the card says it was read as TRD
 * (`assumedFrom`). A tenfold dosing error is then critical (OR-3), never silence. [local]
 * Outcome: in scope (with the flag non-protocol route for oral, IM, SC, sublingual, nasal racemic);
 * scope unknown (a depressive disorder on record but nothing says this order is for it: one info
 * card); out of scope (no TRD card at all). Esketamine by nose or as SPRAVATO is always in scope;
 * TMS is in scope with a depressive or absent reason, device-safety only with another reason.
 * Step 3b, ECT: an ECT order (ValueSet ect-procedures: CPT 90870, SNOMED 23835007, the words) drafted in the same
 * call makes an IV, IM or unrouted ketamine draft its anaesthetic, out of scope, unless a TRD order set or this
 * service made it or it is an infusion of KETAMINE_COMBINATION_MIN_INFUSION_MIN or more. [local; Ketalar IV induction]
 * Step 3, the setting: the draft's Encounter (the one it references, else the call's encounterId) in a
 * KETAMINE_OUT_OF_SCOPE_SETTINGS setting (emergency, operating theatre, procedural sedation,
 * anaesthesia, intensive care) without a TRD marker is out of scope; a setting that cannot be read
 * leaves the step inapplicable.
 * Source: revision-2 OR-2; Ketalar (anaesthetic range); S0, S1 (0.5 mg/kg); PI section 1. Steps 3-4 [local].
 */
import type { Terminology } from '../../src/terminology/terminology.js';
import type { Assessment } from '../assessment/assess.js';
import { VS } from '../assessment/concepts.js';
import { reasonKinds } from '../assessment/reasons.js';
import type { DraftDosage } from './dosage.js';
import type { IdentifiedDraft } from './identify.js';

export type ScopeStatus = 'in' | 'out' | 'unknown';

export interface Scope {
  status: ScopeStatus;
  /** Why, in words, for the assessment extension and the card detail. */
  reason: string;
  /** In scope by a route outside the IV protocol: patient-level findings only, no dose checks or updates. */
  nonProtocolRoute?: boolean;
  /** TMS for a non-depressive reason: only the device-safety rules (CI-9, CI-10, RC-6, RC-7, OR-8). */
  deviceSafetyOnly?: boolean;
  /** The draft's reason is suicidal ideation (esketamine's acute-SI indication, OR-6). */
  acuteSuicidality?: boolean;
  /**
   * The dose is in the anaesthetic range and the order names no indication, but other elements point
   * to a TRD course: in scope by assumption, said on the card ("read as a TRD order: ..."). Lists them.
   */
  assumedFrom?: string[];
  /**
   * An esketamine injection (IV, IM or SC; a non-US anaesthetic product such as Ketanest S): judged like
   * ketamine (OR-2), never as SPRAVATO: no device, day-1 or REMS checks, no intranasal update.
   */
  injection?: boolean;
}

/** EL-1 met, or unknown with a depression code to confirm; 'unknown' when conditions could not be read. */
function depressiveDisorderOnRecord(a: Assessment): boolean | 'unknown' {
  const el1 = a.byRule.get('EL-1');
  if (!el1) return 'unknown';
  if (el1.status === 'met') return true;
  if (el1.status === 'unknown') return el1.evidence.length > 0 ? true : 'unknown';
  return false;
}

export interface ScopeInput {
  draft: IdentifiedDraft;
  dosage?: DraftDosage;
  /** Dosing weight in kg, when one is recorded within the window. */
  weightKg?: number;
  a: Assessment;
  t: Terminology;
  orderSetCanonicals: readonly string[];
  ceilingMgPerKg: number;
  maxMgNoWeight: number;
  /** KETAMINE_COMBINATION_MIN_INFUSION_MIN: an infusion this long or longer is a TRD-shaped session, not an induction. */
  courseInfusionMinutes: number;
  /** OR-2 step 3: the draft's encounter is in a procedural, emergency or critical-care setting (what named it). */
  outOfScopeSetting?: string;
  /** An ECT procedure (ValueSet ect-procedures) is drafted in the same call: an injection drafted with it is its anaesthetic. */
  ectInCall?: boolean;
}

/** OR-2 step 2's reading of a draft's indication: it gives reasons, and none of them is a depressive disorder. */
export function indicationIsNotDepression(kinds: readonly string[]): boolean {
  return !kinds.includes('depressive') && kinds.includes('other');
}

/** The reason an order whose indication is not depression is out of scope (OR-2 step 2). */
export const NOT_DEPRESSION = 'indication is not depression';

/**
 * OR-1 with OR-2 step 2: an unidentified draft whose reason names another indication (pharyngitis,
 * hyperlipidaemia) cannot be a TRD order, so it earns silence; an unidentified draft with no reason, or
 * a depressive or suicidality reason, keeps the OR-1 card. Out of scope in the assessment extension. [local]
 */
export function unidentifiedScope(draft: IdentifiedDraft, a: Assessment, t: Terminology): Scope | undefined {
  if (draft.drug !== 'unidentified' || draft.suggestsKetamine) return undefined;
  const kinds = reasonKinds(draft.resource as fhir4.MedicationRequest, a.index, t);
  return indicationIsNotDepression(kinds) ? { status: 'out', reason: NOT_DEPRESSION } : undefined;
}

/** Decides OR-2 for one identified ketamine, esketamine or TMS draft. */
export function decideScope({
  draft,
  dosage,
  weightKg,
  a,
  t,
  orderSetCanonicals,
  ceilingMgPerKg,
  maxMgNoWeight,
  courseInfusionMinutes,
  outOfScopeSetting,
  ectInCall,
}: ScopeInput): Scope {
  const resource = draft.resource as fhir4.MedicationRequest & { instantiatesCanonical?: string[] };
  const kinds = reasonKinds(resource, a.index, t);
  const depressiveReason = kinds.includes('depressive');
  const acuteSuicidality = kinds.includes('suicidality');
  const onRecord = depressiveDisorderOnRecord(a);

  if (draft.drug === 'tms') {
    if (kinds.includes('other') && !depressiveReason)
      return { status: 'in', deviceSafetyOnly: true, reason: 'TMS for a reason other than depression: device safety checks only' };
    return { status: 'in', reason: depressiveReason ? 'TMS with a depressive indication' : 'TMS with no indication given' };
  }

  const route = dosage?.route ?? 'unknown';
  // Esketamine is labelled only for depressive disorders; an injection (a non-US anaesthetic product) is judged like ketamine.
  if (draft.drug === 'esketamine' && route !== 'iv' && route !== 'im' && route !== 'sc') {
    return { status: 'in', reason: 'esketamine (SPRAVATO) is labelled only for depressive disorders', acuteSuicidality };
  }

  const canonicals = Array.isArray(resource.instantiatesCanonical) ? resource.instantiatesCanonical : [];
  const orderSet = canonicals.some((c) => orderSetCanonicals.includes(c));
  const marker = depressiveReason || orderSet || draft.own;
  const nonIv = route !== 'iv' && route !== 'unknown';
  let assumedFrom: string[] | undefined;
  const inScope = (reason: string): Scope => ({
    status: 'in',
    reason,
    ...(nonIv ? { nonProtocolRoute: true } : {}),
    ...(acuteSuicidality ? { acuteSuicidality } : {}),
    ...(assumedFrom ? { assumedFrom } : {}),
    ...(draft.drug === 'esketamine' ? { injection: true } : {}),
  });

  // Step 2: an indication that is not depression.
  if (indicationIsNotDepression(kinds)) return { status: 'out', reason: NOT_DEPRESSION };
  // Step 3: a procedural, emergency or critical-care setting, unless the order says it is for depression.
  if (!marker && outOfScopeSetting) return { status: 'out', reason: `procedural, emergency or critical-care setting (${outOfScopeSetting})` };
  // Step 3b: drafted with an ECT order (an ECT order set signs the procedure, its anaesthetic and its relaxant
  // together), ketamine by injection is the ECT induction agent, whatever reason the set copied onto it, unless a
  // TRD order set or this service made it, or it is a TRD-shaped infusion (an induction is a push). [local]
  const injection = route === 'iv' || route === 'im' || route === 'unknown';
  const trdInfusion = dosage?.infusionMinutes !== undefined && dosage.infusionMinutes >= courseInfusionMinutes;
  if (ectInCall && injection && !orderSet && !draft.own && !trdInfusion)
    return { status: 'out', reason: 'anaesthesia for ECT (an ECT order in the same call)' };
  // Step 4: an anaesthetic or procedural dose, unless the order says it is for depression or
  // anything else points to a TRD course (then it is checked, and the card says how it was read).
  if (!marker && dosage?.dose) {
    const perKg = dosage.dose.mgPerKg ?? (dosage.dose.mg !== undefined && weightKg ? dosage.dose.mg / weightKg : undefined);
    const above = perKg !== undefined ? perKg > ceilingMgPerKg : weightKg === undefined && dosage.dose.mg !== undefined && dosage.dose.mg > maxMgNoWeight;
    if (above) {
      const signs = trdCourseSigns(dosage, onRecord === true, courseInfusionMinutes);
      if (signs.length === 0) return { status: 'out', reason: 'anaesthetic or procedural dose' };
      assumedFrom = signs;
    }
  }
  // Step 5: inclusion.
  if (depressiveReason) return inScope('depressive indication');
  if (orderSet) return inScope('TRD order set');
  if (draft.own) return inScope('suggested by this service for TRD');
  // Suicidal ideation as the order's reason: a depressive symptom, and one of ketamine's principal uses in
  // depression. Judged as TRD, so the ideation is graded and evaluated (RC-17, CI-1) for ketamine as for
  // esketamine, never hidden behind scope; with no depressive disorder coded, the safety checks still run
  // (a diagnosis missing from the record is not its absence). [local]
  if (acuteSuicidality)
    return inScope(
      onRecord === true
        ? 'suicidal ideation, depressive disorder on record'
        : onRecord === 'unknown'
          ? 'suicidal ideation; conditions could not be read'
          : 'suicidal ideation; no depressive disorder on record',
    );
  // Step 5(d): no usable reason. A reason the service cannot read (WHO ICD-10 F33.2, a local code with no
  // display) is no reason here, never "another indication": missing data is not evidence of absence.
  const noReason = kinds.every((k) => k === 'unreadable');
  const given = kinds.length === 0 ? 'no indication given' : 'its indication code could not be read';
  if (noReason && onRecord === true && route === 'iv')
    return inScope(
      assumedFrom
        ? `IV order, ${given}, dose in the anaesthetic range, read as TRD: ` + assumedFrom.join(', ')
        : `IV order, ${given}, depressive disorder on record`,
    );
  // Step 6.
  if (onRecord !== false)
    return {
      status: 'unknown',
      reason:
        onRecord === true
          ? 'depressive disorder on record, but the order gives no depressive indication'
          : 'conditions could not be read, and the order gives no indication',
    };
  return { status: 'out', reason: 'no depressive disorder and no TRD indication' };
}

/** The course sign that comes from the record, not the order (OR-2 step 4). */
export const DEPRESSION_ON_RECORD = 'a depressive disorder on record';

/**
 * What in a draft without an indication points to a TRD course rather than an anaesthetic, in words:
 * a repeated schedule (more than one session), an infusion of `minInfusionMinutes` or more, a
 * depressive disorder on record. An anaesthetic induction is one push or a short infusion. [local]
 */
function trdCourseSigns(dosage: DraftDosage, depressionOnRecord: boolean, minInfusionMinutes: number): string[] {
  const signs: string[] = [];
  const repeated = !dosage.single && ((dosage.count ?? 0) > 1 || (dosage.per7Days ?? 0) > 0);
  if (repeated) signs.push(dosage.count !== undefined ? `${dosage.count} sessions ordered` : 'a repeated schedule');
  if (dosage.infusionMinutes !== undefined && dosage.infusionMinutes >= minInfusionMinutes)
    signs.push(`an infusion over ${Math.round(dosage.infusionMinutes)} min`);
  if (depressionOnRecord) signs.push(DEPRESSION_ON_RECORD);
  return signs;
}

type EncounterParts = fhir4.Encounter & { contained?: fhir4.Resource[] };

/**
 * OR-2 step 3: what places an encounter in a KETAMINE_OUT_OF_SCOPE_SETTINGS setting, in words for the
 * scope reason ("Encounter.class EMER"), or undefined when nothing read does (or nothing can be read).
 * Read: class, type, serviceType, each location's physicalType, and the location itself (a contained
 * Location's type, or the reference's display).
 */
export function outOfScopeSettingOf(encounter: EncounterParts | undefined, t: Terminology): string | undefined {
  if (!encounter || typeof encounter !== 'object') return undefined;
  const url = VS.ketamineOutOfScopeSettings;
  const cls = encounter.class;
  if (cls && typeof cls === 'object' && t.inConcept(cls, url)) return `encounter class ${cls.code ?? cls.display ?? ''}`.trim();
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  for (const cc of [...list(encounter.type), encounter.serviceType])
    if (cc && typeof cc === 'object' && t.inConcept(cc, url)) return 'encounter type or service';
  for (const l of list(encounter.location)) {
    if (!l || typeof l !== 'object') continue;
    if (l.physicalType && t.inConcept(l.physicalType, url)) return 'encounter location';
    const ref = l.location?.reference;
    const contained =
      typeof ref === 'string' && ref.startsWith('#')
        ? (list(encounter.contained).find((c) => c?.resourceType === 'Location' && c.id === ref.slice(1)) as fhir4.Location | undefined)
        : undefined;
    if (contained && list(contained.type).some((cc) => cc && t.inConcept(cc, url))) return 'encounter location';
    const words = [l.location?.display, contained?.name].filter((w): w is string => typeof w === 'string');
    if (words.some((w) => t.inConcept({ text: w }, url))) return 'encounter location';
  }
  return undefined;
}
