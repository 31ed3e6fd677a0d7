/**
 * Medicines that interact (revision-2 section 6): RC-3 CNS depressants, RC-4 blood-pressure
 * interactions, RC-22 medicines that may blunt the ketamine response. Each is matched by ingredient:
 * a product code rolls up to its ingredients through the catalogue, an ingredient code matches
 * directly, and a record with no code is matched by the ingredient's name (DS-4).
 */
import { SYSTEM } from '../../../src/terminology/systems.js';
import { VS } from '../concepts.js';
import { met, notMet, unknown, type Outcome } from '../findings.js';
import { namesNoCodedDrug, type MedicationUse, type RecordIndex } from '../record.js';
import { defineRule } from '../rule.js';
import { SOURCES } from '../sources.js';
import { parseFhirDate, withinDays } from '../fhir-read.js';
import { dosageOf } from '../trials.js';
import { KETAMINES, drugOf, isoDate, refs, unknownBecause } from './common.js';

/** The ingredient names of current medicines that put them in a concept, e.g. "lorazepam, quetiapine". */
export function ingredientNames(index: RecordIndex, uses: readonly MedicationUse[], url: string): string {
  const t = index.knowledge.terminology;
  const names = new Set<string>();
  for (const m of uses) {
    if (m.match?.kind === 'ingredient' && t.inConcept({ system: SYSTEM.rxnorm, code: m.match.ingredientRxcui }, url)) {
      names.add(m.match.name);
      continue;
    }
    if (m.match?.kind === 'product') {
      const inGroup = m.match.product.ingredients.filter((i) => i.ingredientRxcui && t.inConcept({ system: SYSTEM.rxnorm, code: i.ingredientRxcui }, url));
      if (inGroup.length) {
        for (const i of inGroup) names.add(i.name.toLowerCase());
        continue;
      }
    }
    const coding = t.matchingCoding(m.concept, url);
    const listed = coding && t.codes(url).find((c) => c.code === coding.code);
    names.add((listed?.display ?? coding?.display ?? m.concept?.text ?? 'a listed medicine').toLowerCase());
  }
  return [...names].join(', ');
}

/** The newest date a current record carries of being written or confirmed (statement asserted or started, order written or bounded). */
function lastRecorded(m: MedicationUse): Date | undefined {
  const r = m.resource;
  const dates =
    r.resourceType === 'MedicationStatement'
      ? [r.dateAsserted, r.effectivePeriod?.start, r.effectiveDateTime]
      : r.resourceType === 'MedicationRequest'
        ? [r.authoredOn, dosageOf(r)?.timing?.repeat?.boundsPeriod?.start]
        : [];
  let newest: Date | undefined;
  for (const d of dates) {
    const parsed = parseFhirDate(d);
    if (parsed && (!newest || parsed > newest)) newest = parsed;
  }
  return newest;
}

/**
 * A sentence for a finding that rests only on records still marked active but written longer ago than
 * ACTIVE_ORDER_STALE_DAYS (a 2015 order never closed, as EHRs and Synthea keep them): the caution stands,
 * and the clinician is asked to confirm the drug is still taken. Empty when any record is recent or undated.
 * Source: revision-2 EL-2.1 step 5 (active and stale: current use uncertain); its use for the medicine
 * cautions is local.
 */
export function staleCurrentUse(index: RecordIndex, uses: readonly MedicationUse[]): string {
  if (!uses.length) return '';
  let newest: Date | undefined;
  for (const m of uses) {
    const d = lastRecorded(m);
    if (!d) return '';
    if (!newest || d > newest) newest = d;
  }
  if (withinDays(newest!, index.now, index.knowledge.thresholds.attempts.activeOrderStaleDays.value)) return '';
  return ` Still marked active, but last recorded on ${isoDate(newest!)}: confirm it is taken now.`;
}

/**
 * Found for current medicines in the concept; otherwise unknown when the medication lists could not be
 * read or a current record names no coded drug (it could be one of them); otherwise not found.
 */
export function currentMedicationOutcome(index: RecordIndex, found: readonly MedicationUse[], note: string): Outcome {
  if (found.length) return met(refs(found), note + staleCurrentUse(index, found));
  const r = index.record;
  const gap = unknownBecause({ 'medication statements': r.medicationStatements, 'medication orders': r.medicationRequests });
  // One gap, the medication list, behind every medicine check (RC-3, RC-4, RC-6): marked so a card says it once (CD-1).
  if (gap) return { ...gap, data: { medicationListGap: true } };
  const unidentified = index.medicationUses.filter((m) => m.current && namesNoCodedDrug(m));
  if (unidentified.length) return unknown([drugOf(index, refs(unidentified))], refs(unidentified), 'A current medication names no coded drug.');
  return notMet();
}

/** RC-3 groups, in the order the card names them (the REMS form records benzodiazepines and other hypnotics apart). */
const CNS_GROUPS: [string, string][] = [
  ['benzodiazepine', VS.benzodiazepineIngredients],
  ['hypnotic', VS.hypnoticIngredients],
  ['barbiturate', VS.barbiturateIngredients],
  ['opioid', VS.opioidIngredients],
  ['gabapentinoid', VS.gabapentinoidIngredients],
  ['sedating antipsychotic', VS.sedatingAntipsychoticIngredients],
  ['muscle relaxant', VS.muscleRelaxantIngredients],
  ['sedating antihistamine or other sedative', VS.sedatingAntihistamineIngredients],
];

/**
 * RC-3 CNS depressants
 * Trigger: any hook.
 * Inclusion: a current medicine (active statement or order) in any group: benzodiazepines, Z-drugs and
 * other hypnotics, barbiturates, opioids, gabapentinoids, sedating antipsychotics, muscle relaxants,
 * sedating antihistamines and other sedatives; matched by ingredient.
 * Outcome: warning for IV ketamine and esketamine, naming the group and drug found. Unknown when the
 * medication lists could not be read or a current record names no coded drug.
 * Source: SPRAVATO PI 5.1, 7; REMS Patient Monitoring Form; VSAC 2.16.840.1.113762.1.4.1248.134.
 */
export const RC3 = defineRule({
  id: 'RC-3',
  title: 'CNS depressant',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  sourceFor: { 'iv-ketamine': SOURCES.ketalarLabel },
  evaluate: ({ index }) => {
    const found = index.currentMedications(VS.cnsDepressantIngredients);
    const groups = CNS_GROUPS.map(([label, url]) => ({ label, url, uses: found.filter((m) => m.concepts.has(url)) })).filter((g) => g.uses.length);
    const named = groups.map((g) => `${g.label} (${ingredientNames(index, g.uses, g.url)})`).join('; ');
    return currentMedicationOutcome(
      index,
      found,
      `CNS depressant: ${named || ingredientNames(index, found, VS.cnsDepressantIngredients)}. Sedation and respiratory depression risk: monitor closely.`,
    );
  },
});

/**
 * RC-4 Blood-pressure interactions
 * Trigger: any hook.
 * Inclusion: a current MAOI (phenelzine, tranylcypromine, isocarboxazid, selegiline in all forms,
 * rasagiline, linezolid, methylene blue, procarbazine, safinamide) or psychostimulant or
 * wake-promoting agent (amphetamines, lisdexamfetamine, methylphenidate, modafinil, armodafinil,
 * phentermine ...), matched by ingredient.
 * Outcome: warning for IV ketamine and esketamine: BP may rise further; monitor closely.
 * Source: SPRAVATO PI 5.6, 7; REMS Patient Monitoring Form.
 */
export const RC4 = defineRule({
  id: 'RC-4',
  title: 'Medicine that raises blood pressure',
  kind: 'relative',
  cautionFor: KETAMINES,
  source: SOURCES.spravatoLabel,
  evaluate: ({ index }) => {
    const maoi = index.currentMedications(VS.maoiIngredients);
    const stimulant = index.currentMedications(VS.psychostimulantIngredients);
    const parts = [
      ...(maoi.length ? [`MAOI (${ingredientNames(index, maoi, VS.maoiIngredients)})`] : []),
      ...(stimulant.length ? [`stimulant (${ingredientNames(index, stimulant, VS.psychostimulantIngredients)})`] : []),
    ];
    return currentMedicationOutcome(index, [...maoi, ...stimulant], `${parts.join('; ')}: BP may rise further; monitor closely.`);
  },
});

/**
 * RC-22 Medicines that may blunt the ketamine response
 * Trigger: any hook.
 * Inclusion: a current benzodiazepine ("may reduce the antidepressant response; consider, with the
 * prescriber, holding or lowering the dose on treatment days"); current lamotrigine ("may attenuate
 * ketamine's effects").
 * Outcome: information for IV ketamine, and esketamine with lower confidence. An efficacy note, never a
 * safety block; shown on one card with RC-3 when both are found.
 * Source: observational and experimental reports (not re-read); local.
 */
export const RC22 = defineRule({
  id: 'RC-22',
  title: 'Medicine that may blunt the ketamine response',
  kind: 'relative',
  infoFor: KETAMINES,
  source: SOURCES.ketamineConsensus,
  evaluate: ({ index }) => {
    const benzodiazepines = index.currentMedications(VS.benzodiazepineIngredients);
    const lamotrigine = index.currentMedications(VS.lamotrigineIngredient);
    const lines = [
      ...(benzodiazepines.length
        ? [
            `${ingredientNames(index, benzodiazepines, VS.benzodiazepineIngredients)} may reduce the antidepressant response: consider, with the prescriber, holding or lowering the dose on treatment days`,
          ]
        : []),
      ...(lamotrigine.length ? ["lamotrigine may attenuate ketamine's effects"] : []),
    ];
    if (!lines.length) return notMet();
    const text = lines.join('; ');
    const found = [...benzodiazepines, ...lamotrigine];
    return met(refs(found), `${text.charAt(0).toUpperCase()}${text.slice(1)}.${staleCurrentUse(index, found)}`);
  },
});

export const MEDICINE_RULES = [RC3, RC4, RC22];
