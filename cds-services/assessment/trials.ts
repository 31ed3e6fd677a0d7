/**
 * Adequate antidepressant trials (rules.md EL-2, 3.4).
 *
 * A trial is one distinct ingredient in the current episode (a dose change within an ingredient is
 * the same trial). It is adequate when the daily dose stays at or above the ingredient's minimum
 * for the minimum duration; it failed when the patient was still depressed after it (a later
 * PHQ-9 or MADRS at or above the failure threshold) or was switched to another antidepressant.
 * Where dose, duration or outcome cannot be derived, the trial is unknown, never inadequate.
 */
import { SYSTEM } from '../../src/terminology/systems.js';
import type { CatalogueProduct, MedicationMatch } from '../../src/terminology/medication-catalogue.js';
import { VS } from './concepts.js';
import {
  addDays,
  administrationsPerDay,
  daysBetween,
  durationInDays,
  massInMg,
  parseFhirDate,
  unitCount,
  volumeInMl,
} from './fhir-read.js';
import { namesNoCodedDrug, type MedicationUse, type RecordIndex } from './record.js';
import { minimumDailyDoseMg } from './thresholds.js';

export type TrialStatus = 'failed' | 'responded' | 'outcome-unknown' | 'adequacy-unknown' | 'inadequate';

export interface Trial {
  ingredientRxcui: string;
  ingredient: string;
  role: 'antidepressant' | 'augmentation';
  status: TrialStatus;
  /** Resources that make up the trial (medication records, and the score or switch that shows failure). */
  evidence: string[];
  missing: string[];
  adequateFrom?: Date;
}

export interface Exposure {
  ingredientRxcui: string;
  ingredient: string;
  ref: string;
  start?: Date;
  end?: Date;
  dailyMg?: number;
  role: 'antidepressant' | 'augmentation';
}

type Resource = MedicationUse['resource'];

function dosageOf(r: Resource): fhir4.Dosage | undefined {
  if (r.resourceType === 'MedicationStatement') return Array.isArray(r.dosage) ? r.dosage[0] : undefined;
  if (r.resourceType === 'MedicationRequest' || r.resourceType === 'MedicationDispense') {
    return Array.isArray(r.dosageInstruction) ? r.dosageInstruction[0] : undefined;
  }
  return undefined;
}

/** mg of this ingredient in one unit (tablet, capsule, mL or patch-day) of the product. */
function mgPerUnit(product: CatalogueProduct | undefined, ingredientRxcui: string, byVolume: boolean): number | undefined {
  const i = product?.ingredients.find((x) => x.ingredientRxcui === ingredientRxcui);
  if (!i?.strengthValue) return undefined;
  if (i.strengthUnit === 'mg' && !byVolume) return i.strengthValue;
  if (i.strengthUnit === 'mg/mL' && byVolume) return i.strengthValue;
  if (i.strengthUnit === 'mg/h' && !byVolume) return i.deliveredMgPerDay;
  return undefined;
}

/** Daily dose of one ingredient: structured dose x frequency, tablets x strength, or dispensed supply. */
function dailyDoseMg(r: Resource, product: CatalogueProduct | undefined, ingredientRxcui: string, single: boolean): number | undefined {
  const dosage = dosageOf(r);
  const dr = Array.isArray(dosage?.doseAndRate) ? dosage!.doseAndRate[0] : undefined;
  const dose = dr?.doseQuantity ?? dr?.doseRange?.high;
  const perDay = administrationsPerDay(dosage?.timing);
  if (dose && perDay !== undefined) {
    const mg = single ? massInMg(dose) : undefined;
    if (mg !== undefined) return mg * perDay;
    const units = unitCount(dose);
    const perUnit = mgPerUnit(product, ingredientRxcui, false);
    if (units !== undefined && perUnit !== undefined) return units * perUnit * perDay;
    const ml = volumeInMl(dose);
    const perMl = mgPerUnit(product, ingredientRxcui, true);
    if (ml !== undefined && perMl !== undefined) return ml * perMl * perDay;
  }
  if (r.resourceType === 'MedicationDispense') {
    const days = durationInDays(r.daysSupply);
    const units = unitCount(r.quantity);
    const perUnit = mgPerUnit(product, ingredientRxcui, false);
    if (days && units !== undefined && perUnit !== undefined) return (units * perUnit) / days;
  }
  return undefined;
}

/** When the ingredient was taken, from effective periods, supply durations or dispenses. */
function exposurePeriod(r: Resource, now: Date): { start?: Date; end?: Date } {
  switch (r.resourceType) {
    case 'MedicationStatement': {
      const start = parseFhirDate(r.effectivePeriod?.start) ?? parseFhirDate(r.effectiveDateTime);
      let end = parseFhirDate(r.effectivePeriod?.end);
      if (!end && start && r.status === 'active' && r.effectivePeriod) end = now;
      return { start, end };
    }
    case 'MedicationRequest': {
      const timing = dosageOf(r)?.timing?.repeat;
      const bounds = timing?.boundsPeriod;
      if (bounds?.start) {
        const start = parseFhirDate(bounds.start);
        return { start, end: parseFhirDate(bounds.end) ?? (r.status === 'active' ? now : undefined) };
      }
      const authored = parseFhirDate(r.authoredOn);
      const boundsDays = durationInDays(timing?.boundsDuration);
      if (authored && boundsDays !== undefined) return { start: authored, end: addDays(authored, boundsDays) };
      const supplyDays = durationInDays(r.dispenseRequest?.expectedSupplyDuration);
      if (authored && supplyDays !== undefined) {
        const fills = 1 + (typeof r.dispenseRequest?.numberOfRepeatsAllowed === 'number' ? r.dispenseRequest.numberOfRepeatsAllowed : 0);
        return { start: authored, end: addDays(authored, supplyDays * fills) };
      }
      const validity = r.dispenseRequest?.validityPeriod;
      if (validity?.start && validity.end) return { start: parseFhirDate(validity.start), end: parseFhirDate(validity.end) };
      return { start: authored };
    }
    case 'MedicationDispense': {
      const start = parseFhirDate(r.whenHandedOver) ?? parseFhirDate(r.whenPrepared);
      const days = durationInDays(r.daysSupply);
      return { start, end: start && days !== undefined ? addDays(start, days) : undefined };
    }
    case 'MedicationAdministration': {
      const start = parseFhirDate(r.effectivePeriod?.start) ?? parseFhirDate(r.effectiveDateTime);
      return { start, end: parseFhirDate(r.effectivePeriod?.end) ?? (start ? addDays(start, 1) : undefined) };
    }
  }
}

const STATEMENT_NOT_TAKEN = new Set(['entered-in-error', 'not-taken', 'intended']);
const REQUEST_TAKEN = new Set(['active', 'completed', 'stopped', 'on-hold']);
const REQUEST_NOT_AN_ORDER = new Set(['proposal', 'plan', 'option']);

function isTaken(r: Resource): boolean {
  switch (r.resourceType) {
    case 'MedicationStatement':
      return !STATEMENT_NOT_TAKEN.has(r.status);
    case 'MedicationRequest':
      return REQUEST_TAKEN.has(r.status) && !REQUEST_NOT_AN_ORDER.has(r.intent);
    case 'MedicationDispense':
      return r.status === 'completed' || r.status === 'in-progress';
    case 'MedicationAdministration':
      return r.status === 'completed' || r.status === 'in-progress';
  }
}

// Catalogue products are fixed at start-up: their coded ingredients are listed once.
const productIngredients = new WeakMap<CatalogueProduct, { rxcui: string; name: string }[]>();

function codedIngredients(match: MedicationMatch | undefined): { rxcui: string; name: string }[] {
  if (match?.kind === 'ingredient') return [{ rxcui: match.ingredientRxcui, name: match.name }];
  if (match?.kind !== 'product') return [];
  let list = productIngredients.get(match.product);
  if (!list) {
    list = match.product.ingredients.filter((i) => i.ingredientRxcui).map((i) => ({ rxcui: i.ingredientRxcui!, name: i.name }));
    productIngredients.set(match.product, list);
  }
  return list;
}

/** Exposures to counting ingredients, one per ingredient per medication resource. */
export function exposures(index: RecordIndex): Exposure[] {
  const { terminology: t, thresholds } = index.knowledge;
  const out: Exposure[] = [];
  const roles = new Map<string, Exposure['role'] | undefined>();
  const roleOf = (rxcui: string): Exposure['role'] | undefined => {
    if (roles.has(rxcui)) return roles.get(rxcui);
    const coding = { system: SYSTEM.rxnorm, code: rxcui };
    const role = t.inConcept(coding, VS.antidepressantIngredients)
      ? 'antidepressant'
      : t.inConcept(coding, VS.augmentationIngredients) && thresholds.adequateTrial.countAugmentation.value
        ? 'augmentation'
        : undefined;
    roles.set(rxcui, role);
    return role;
  };
  for (const use of index.medicationUses) {
    if (!isTaken(use.resource)) continue;
    const match = use.match;
    // Products flagged as not an antidepressant trial (lamotrigine, hypnotic doxepin, Zyban, 5-HTP...) never count.
    if (match?.kind === 'product' && match.product.flags?.length) continue;
    const ingredients = codedIngredients(match);
    const product = match?.kind === 'product' ? match.product : undefined;
    const { start, end } = exposurePeriod(use.resource, index.now);
    for (const ingredient of ingredients) {
      const role = roleOf(ingredient.rxcui);
      if (!role) continue;
      out.push({
        ingredientRxcui: ingredient.rxcui,
        ingredient: ingredient.name,
        ref: use.ref,
        start,
        end: end && end.getTime() > index.now.getTime() ? index.now : end,
        dailyMg: dailyDoseMg(use.resource, product, ingredient.rxcui, ingredients.length === 1),
        role,
      });
    }
  }
  return out;
}

/**
 * Medication records of the episode whose drug cannot be told: no RxNorm code (free text only, another
 * code system such as NDC, or a reference to a Medication resource the record does not hold). Each could
 * be an antidepressant trial, so they keep EL-2 from being "not met".
 */
export function unidentifiedMedications(index: RecordIndex): string[] {
  const at = index.knowledge.thresholds.adequateTrial;
  const episodeStart = addDays(index.now, -at.episodeLookbackMonths.value * 30.44);
  return index.medicationUses
    .filter((use) => isTaken(use.resource) && namesNoCodedDrug(use))
    .filter((use) => {
      const { start, end } = exposurePeriod(use.resource, index.now);
      const last = end ?? start;
      return !last || last.getTime() >= episodeStart.getTime();
    })
    .map((use) => use.ref);
}

/** Taken over a known period that does not end before it starts. */
const isDated = (e: Exposure): e is Exposure & { start: Date; end: Date } => !!e.start && !!e.end && e.end.getTime() >= e.start.getTime();

interface Span {
  start: Date;
  end: Date;
  refs: string[];
}

function mergeSpans(items: { start: Date; end: Date; ref: string }[], gapDays: number): Span[] {
  const sorted = [...items].sort((a, b) => a.start.getTime() - b.start.getTime());
  const spans: Span[] = [];
  for (const i of sorted) {
    const last = spans[spans.length - 1];
    if (last && daysBetween(last.end, i.start) <= gapDays) {
      if (i.end.getTime() > last.end.getTime()) last.end = i.end;
      last.refs.push(i.ref);
    } else spans.push({ start: i.start, end: i.end, refs: [i.ref] });
  }
  return spans;
}

interface Score {
  ref: string;
  date: Date;
  depressed: boolean;
}

function depressionScores(index: RecordIndex): Score[] {
  const f = index.knowledge.thresholds.failure;
  const scores: Score[] = [];
  for (const [url, cut] of [
    [VS.phq9Total, f.phq9StillDepressedAtLeast.value],
    [VS.madrsTotal, f.madrsStillDepressedAtLeast.value],
  ] as const) {
    for (const o of index.observations(url)) {
      if (o.date && o.value !== undefined) scores.push({ ref: o.ref, date: o.date, depressed: o.value >= cut });
    }
  }
  return scores.sort((a, b) => a.date.getTime() - b.date.getTime());
}

/** Every trial of the current episode, with its adequacy and outcome. */
export function assessTrials(index: RecordIndex): Trial[] {
  const { thresholds } = index.knowledge;
  const at = thresholds.adequateTrial;
  const minDays = at.minimumDurationDays.value;
  const episodeStart = addDays(index.now, -at.episodeLookbackMonths.value * 30.44);
  const all = exposures(index).filter((e) => !e.end || e.end.getTime() >= episodeStart.getTime());
  const scores = index.record.observations.known ? depressionScores(index) : undefined;

  const byIngredient = new Map<string, Exposure[]>();
  for (const e of all) {
    const list = byIngredient.get(e.ingredientRxcui);
    if (list) list.push(e);
    else byIngredient.set(e.ingredientRxcui, [e]);
  }

  const trials: Trial[] = [];
  for (const [rxcui, list] of byIngredient) {
    const name = list[0]!.ingredient;
    const minMg = minimumDailyDoseMg(thresholds, rxcui);
    const clip = (e: Exposure) => ({ start: e.start!.getTime() < episodeStart.getTime() ? episodeStart : e.start!, end: e.end!, ref: e.ref });
    const dated = list.filter(isDated);
    const adequateSpans = minMg === undefined ? [] : mergeSpans(dated.filter((e) => e.dailyMg !== undefined && e.dailyMg >= minMg).map(clip), at.gapToleranceDays.value);
    const longest = adequateSpans.find((s) => daysBetween(s.start, s.end) >= minDays);
    const base = { ingredientRxcui: rxcui, ingredient: name, role: list[0]!.role };

    if (!longest) {
      const possiblyAdequate = (e: Exposure) => minMg === undefined || e.dailyMg === undefined || e.dailyMg >= minMg;
      const candidates = list.filter(possiblyAdequate);
      const couldReach =
        candidates.some((e) => !e.start || !e.end) ||
        mergeSpans(candidates.filter(isDated).map(clip), at.gapToleranceDays.value).some(
          (s) => daysBetween(s.start, s.end) >= minDays,
        );
      if (couldReach) {
        const missing: string[] = [];
        if (minMg === undefined) missing.push(`a minimum adequate dose for ${name} in the thresholds`);
        if (candidates.some((e) => e.dailyMg === undefined)) missing.push(`the daily dose of ${name} (structured dosage or product strength)`);
        if (candidates.some((e) => !e.start || !e.end)) missing.push(`how long ${name} was taken (start and end dates or days supplied)`);
        trials.push({ ...base, status: 'adequacy-unknown', evidence: candidates.map((e) => e.ref), missing });
      } else {
        trials.push({ ...base, status: 'inadequate', evidence: list.map((e) => e.ref), missing: [] });
      }
      continue;
    }

    const adequateFrom = addDays(longest.start, minDays);
    const otherStart = all
      .filter((e) => e.ingredientRxcui !== rxcui && e.role === 'antidepressant' && e.start && e.start.getTime() >= adequateFrom.getTime())
      .sort((a, b) => a.start!.getTime() - b.start!.getTime())[0];
    // A score shows this trial's outcome until the next antidepressant starts (or the window closes).
    let windowEnd = addDays(longest.end, thresholds.failure.scoreWindowAfterTrialDays.value);
    if (otherStart?.start && otherStart.start.getTime() < windowEnd.getTime()) windowEnd = otherStart.start;
    const inWindow = (scores ?? []).filter((s) => s.date.getTime() >= adequateFrom.getTime() && s.date.getTime() <= windowEnd.getTime());
    const stillDepressed = inWindow.find((s) => s.depressed);
    // A documented response outweighs a later switch (which may have been for side effects).
    if (stillDepressed) {
      trials.push({ ...base, status: 'failed', evidence: [...longest.refs, stillDepressed.ref], missing: [], adequateFrom });
    } else if (inWindow.length > 0) {
      trials.push({ ...base, status: 'responded', evidence: [...longest.refs, ...inWindow.map((s) => s.ref)], missing: [], adequateFrom });
    } else if (otherStart) {
      trials.push({ ...base, status: 'failed', evidence: [...longest.refs, otherStart.ref], missing: [], adequateFrom });
    } else {
      trials.push({
        ...base,
        status: 'outcome-unknown',
        evidence: longest.refs,
        missing: [scores ? `a PHQ-9 or MADRS after ${adequateFrom.toISOString().slice(0, 10)} showing the response to ${name}` : 'depression scores (observations could not be retrieved)'],
        adequateFrom,
      });
    }
  }
  return trials.sort((a, b) => a.ingredient.localeCompare(b.ingredient));
}
