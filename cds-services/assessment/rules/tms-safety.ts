/**
 * TMS safety (revision-2 section 6): CI-9 seizures, RC-6 seizure-threshold risks, CI-10 implants and
 * the TMS safety screen. A seizure without an epilepsy code is a question for neurology, not "clear";
 * with no screen on file, implants are unknown, not absent.
 */
import { VS } from '../concepts.js';
import { met, notMet, settledBy, unknown, type Outcome } from '../findings.js';
import { parseFhirDate, withinDays } from '../fhir-read.js';
import type { MedicationUse, RecordIndex } from '../record.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { conditionName, isoDate, refs, unknownBecause } from './common.js';
import { currentMedicationOutcome, ingredientNames, staleCurrentUse } from './medicines.js';

const TMS_AND_COMBINATION: ['tms', 'ketamine-tms-combination'] = ['tms', 'ketamine-tms-combination'];

interface Screen {
  ref: string;
  date: Date;
  result: 'no-contraindication' | 'needs-review' | 'contraindication-present';
}

/** The newest TMS safety screen (an Observation coded tms-safety-screen) within the validity window. */
function latestScreen(index: RecordIndex, days: number): Screen | undefined {
  for (const o of index.observations(VS.tmsSafetyScreen)) {
    if (!o.date || !withinDays(o.date, index.now, days)) continue;
    const codes = (o.coded?.coding ?? []).map((c) => c?.code);
    const components = o.componentCount ?? 0;
    const result: Screen['result'] | undefined = codes.includes('contraindication-present')
      ? 'contraindication-present'
      : codes.includes('needs-review') || components > 0
        ? 'needs-review'
        : codes.includes('no-contraindication')
          ? 'no-contraindication'
          : undefined;
    if (result) return { ref: o.ref, date: o.date, result };
  }
  return undefined;
}

/**
 * CI-9 Seizures and TMS
 * Trigger: any hook.
 * Inclusion: active intractable epilepsy; or active epilepsy and a seizure event with onset within
 * 365 days -> found. A seizure event within 365 days with no epilepsy code (R56.1, R56.9, SNOMED
 * seizure or convulsion) -> unknown (confirm): neurology review before TMS.
 * Exclusion: febrile convulsions (R56.00/R56.01) and psychogenic non-epileptic seizures (F44.5) are
 * not seizure events here.
 * Outcome: found -> TMS and the combination contraindicated.
 * Source: S1; S4; IFCN 2009; 21 CFR 882.5805. Treating an unexplained seizure as unknown is local.
 */
export const CI9 = defineRule({
  id: 'CI-9',
  title: 'Seizures',
  kind: 'absolute',
  absoluteFor: TMS_AND_COMBINATION,
  source: SOURCES.tmsDeviceRule,
  evaluate: ({ index, thresholds }) => {
    const days = thresholds.safety.seizureLookbackDays.value;
    const intractable = index.activeConditions(VS.seizureIntractable);
    const epilepsy = [...index.activeConditions(VS.seizureDisorder), ...intractable];
    const notEpileptic = (c: { resource: fhir4.Condition }) => index.knowledge.terminology.inConcept(c.resource.code, VS.seizureNotEpileptic);
    const seizures = [...index.conditions(VS.seizureEvent), ...index.conditions(VS.convulsions)].filter(
      (c) => !notEpileptic(c) && c.date && withinDays(c.date, index.now, days),
    );
    if (intractable.length) return met(refs(intractable), 'Epilepsy not controlled by medication is recorded.');
    if (epilepsy.length && seizures.length) return met(refs([...epilepsy, ...seizures]), `Epilepsy with a seizure on ${isoDate(seizures[0]!.date)}.`);
    const gap = unknownBecause({ conditions: index.record.conditions });
    if (gap) return gap;
    if (seizures.length) {
      return unknown(
        ['a neurology review of the seizure'],
        refs(seizures),
        `A seizure on ${isoDate(seizures[0]!.date)} with no epilepsy diagnosis: neurology review before TMS.`,
      );
    }
    return notMet('No seizure in the last year and no uncontrolled epilepsy is recorded.');
  },
});

/** Benzodiazepine records that ended within the window (withdrawal lowers the seizure threshold). */
function benzodiazepineStopped(index: RecordIndex, days: number): MedicationUse[] {
  return index.medicationUses.filter((m) => {
    if (m.current || !m.concepts.has(VS.benzodiazepineIngredients)) return false;
    const r = m.resource as { effectivePeriod?: fhir4.Period; dispenseRequest?: fhir4.MedicationRequestDispenseRequest };
    const end = parseFhirDate(r.effectivePeriod?.end) ?? parseFhirDate(r.dispenseRequest?.validityPeriod?.end);
    return end !== undefined && withinDays(end, index.now, days);
  });
}

/**
 * RC-6 Seizure-threshold risks for TMS
 * Trigger: any hook.
 * Inclusion: controlled epilepsy (an active seizure disorder CI-9 did not find); a current medicine of
 * table RC-6a (bupropion, tricyclics, clozapine, chlorpromazine, tramadol, tapentadol, meperidine,
 * stimulants, theophylline, isoniazid, ganciclovir, ritonavir, lithium), by ingredient; active alcohol
 * or sedative withdrawal or dependence; a benzodiazepine stopped within 14 days; a stroke or TIA at
 * any time (the cerebrovascular-recent ValueSet, the stroke codes of CI-7 and RC-19).
 * Outcome: one warning for TMS and the combination. Ketamine in the combination is RC-15's line.
 * Source: IFCN 2009 and its 2021 update (Rossi et al.: drugs and withdrawal states that lower the
 * seizure threshold; brain lesions, stroke among them, raise the risk of a TMS-induced seizure, and
 * the screening questionnaire asks about stroke); rules.md RC-6. Revision-2 RC-6 is silent on stroke:
 * a caution (a risk-benefit review, never a bar) is the project's reading of IFCN, and TIA, in the same
 * ValueSet, is included as the screen's question does not tell the two apart.
 */
export const RC6 = defineRule({
  id: 'RC-6',
  title: 'Seizure-threshold risk',
  kind: 'relative',
  cautionFor: TMS_AND_COMBINATION,
  source: SOURCES.ifcnTmsSafety,
  evaluate: ({ index, thresholds }): Outcome => {
    const epilepsy = index.activeConditions(VS.seizureDisorder);
    // A stroke is a lasting brain lesion: resolved or not, it is history that counts (IFCN).
    const stroke = index.conditions(VS.cerebrovascularRecent);
    const withdrawal = index.activeConditions(VS.withdrawalStates);
    const stopped = benzodiazepineStopped(index, thresholds.safety.benzodiazepineStoppedDays.value);
    const drugs = index.currentMedications(VS.seizureThresholdLowering);
    const reasons = [
      ...(epilepsy.length ? ['epilepsy'] : []),
      ...(drugs.length ? [ingredientNames(index, drugs, VS.seizureThresholdLowering)] : []),
      ...(withdrawal.length ? [conditionName(withdrawal[0]!, index, VS.withdrawalStates)] : []),
      ...(stopped.length ? ['a benzodiazepine stopped in the last 2 weeks'] : []),
      // Mid-sentence, a display's capital goes ("Stroke" -> "stroke"); an acronym ("TIA") keeps its case.
      ...(stroke.length
        ? [
            `${conditionName(stroke[0]!, index, VS.cerebrovascularRecent).replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())}${stroke[0]!.date ? ` (${isoDate(stroke[0]!.date)})` : ''}: review with the TMS physician`,
          ]
        : []),
    ];
    if (reasons.length) {
      return met(
        [...refs(epilepsy), ...refs(drugs), ...refs(withdrawal), ...refs(stopped), ...refs(stroke)],
        `Seizure-threshold risk for TMS: ${reasons.join('; ')}.${staleCurrentUse(index, drugs)}`,
      );
    }
    const gap = unknownBecause({ conditions: index.record.conditions });
    return gap ?? currentMedicationOutcome(index, [], '');
  },
});

/**
 * CI-10 Implants and the TMS safety screen
 * Trigger: any hook.
 * Inclusion: a head-implant condition, a completed implant procedure, or an active head or neck
 * implant Device -> found (a screen cannot override it). An implant whose site is not coded (Z96.82,
 * Z95.828, Z96.89, Z97.8, neurostimulator or coil devices, device text naming a stimulator, clip, coil
 * or shunt) or a screen answered "yes" -> unknown (confirm).
 * Exclusion: a completed TMS safety screen within 30 days with every implant item "no" -> not found.
 * Outcome: no screen -> unknown (no data): "No TMS safety screen in the last 30 days", with the screen order.
 * Source: S4 (implants within 12 inches); NeuroStar IFU; IFCN 2009 and 2011 ("yes" calls for a
 * risk-benefit judgement); TASS. The 30-day validity is local.
 */
export const CI10 = defineRule({
  id: 'CI-10',
  title: 'Implant in or near the head',
  kind: 'absolute',
  absoluteFor: TMS_AND_COMBINATION,
  source: SOURCES.tmsDeviceRule,
  evaluate: ({ index, thresholds }) => {
    const r = index.record;
    const found = [
      ...refs(index.conditions(VS.tmsHeadImplant)),
      ...index
        .procedures(VS.tmsHeadImplant)
        .filter((p) => p.status === 'completed')
        .map((p) => `Procedure/${p.id}`),
      ...index.devices(VS.tmsHeadImplant).map((d) => `Device/${d.id}`),
    ];
    if (found.length) return met(found, 'An implant in or near the head is recorded.');
    const days = thresholds.safety.tmsScreenValidDays.value;
    const screen = latestScreen(index, days);
    if (screen?.result === 'contraindication-present') return met([screen.ref], `The TMS safety screen of ${isoDate(screen.date)} found a contraindication.`);
    const uncoded = [
      ...refs(index.conditions(VS.tmsImplantSiteUncoded)),
      ...refs(index.conditions(VS.tmsImplantNeedsConfirmation)),
      ...index.devices(VS.tmsImplantSiteUncoded).map((d) => `Device/${d.id}`),
    ];
    if (uncoded.length)
      return unknown(
        ["the implant's site (within 30 cm of the coil or not)"],
        [...new Set(uncoded)],
        'An implant is recorded without its site: confirm it is not in or near the head.',
      );
    if (screen?.result === 'needs-review')
      return unknown(
        ['a clinician review of the TMS safety screen'],
        [screen.ref],
        `The TMS safety screen of ${isoDate(screen.date)} has an item answered "yes": review before TMS.`,
      );
    const gap = unknownBecause({ conditions: r.conditions, procedures: r.procedures, devices: r.devices, observations: r.observations });
    if (gap) return settledBy(gap, 'order-tms-safety-screen');
    if (screen) return notMet(`TMS safety screen on ${isoDate(screen.date)}: no implant or other contraindication.`, undefined, [], [screen.ref]);
    return settledBy(unknown([`a TMS safety screen within ${days} days`], [], `No TMS safety screen in the last ${days} days.`), 'order-tms-safety-screen');
  },
});

export const TMS_SAFETY_RULES = [CI9, RC6, CI10];
