/**
 * Treatment attempts of the current episode (revision-2 section 4, EL-2.4 to EL-2.13).
 *
 * An attempt is a monotherapy, a combination of agents started within CONCURRENT_START_DAYS of each
 * other, or an agent added later to an ongoing attempt (a new attempt when the ongoing one had
 * already reached adequate duration, EL-2.5). Augmenting agents (lithium by level or dose, adjunct
 * antipsychotics, liothyronine) count inside attempts (EL-2.6); a multi-ingredient product with a
 * product row counts once with its own adequate dose (EL-2.7); hypnotic or low doses beside another
 * agent are co-medication (EL-2.4). An adequate attempt failed when the score fell by less than 50 %
 * from the attempt's own baseline (or, with no baseline, stayed at or above the depressed cut); a stop
 * with no score is undecided unless its reason is recorded; intolerance is kept apart (EL-2.10 to
 * EL-2.12); the last adequate attempt with no outcome failed when a later score shows the episode
 * persisted (EL-2.13). Where dose, duration or outcome cannot be derived, the attempt is undecided,
 * never inadequate.
 *
 * Pure: a function of the exposures, the scores, lithium levels, remission codes, thresholds and now.
 */
import type { MedicationCatalogue } from '../../src/terminology/medication-catalogue.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import { ANTIDEPRESSANT_CLASSES, VS } from './concepts.js';
import { addDays, daysBetween, isoDay } from './fhir-read.js';
import type { RecordIndex } from './record.js';
import { minimumDailyDoseMg, type Thresholds } from './thresholds.js';
import { exposures, type Exposure } from './trials.js';

export type TrialStatus = 'failed' | 'responded' | 'intolerant' | 'outcome-unknown' | 'adequacy-unknown' | 'inadequate';

export interface Trial {
  /** The attempt as a clinician names it: "sertraline", "sertraline + mirtazapine", "escitalopram + lithium". */
  ingredient: string;
  kind: 'monotherapy' | 'combination' | 'augmentation';
  /** RxCUIs (or product keys) of the antidepressant components, for counting distinct antidepressants. */
  antidepressants: string[];
  start?: Date;
  end?: Date;
  status: TrialStatus;
  /** How the status was reached, in words ("PHQ-9 25 -> 11, 56 % below baseline", "persistent symptoms"). */
  note?: string;
  /** Resources that make up the attempt, and the scores or records that decided its outcome. */
  evidence: string[];
  missing: string[];
  /** For a responded attempt: the score after it was stopped that shows the depression returned ("PHQ-9 18 on 2026-06-08"). */
  relapse?: string;
  /** A short reason for an undecided attempt, for the TRD summary ("dose not recorded for sertraline"). */
  short?: string;
  adequateFrom?: Date;
}

type Tri = 'yes' | 'no' | 'unknown';

interface Component {
  key: string;
  name: string;
  rxcui: string;
  role: Exposure['role'];
  exposures: Exposure[];
  start?: Date;
  end?: Date;
}

interface Attempt {
  start: Date;
  end: Date;
  components: Component[];
  kind: Trial['kind'];
}

export interface Score {
  ref: string;
  date: Date;
  instrument: 'PHQ-9' | 'MADRS';
  value: number;
}

const t = (d: Date) => d.getTime();
const span = (list: Exposure[]) => {
  const dated = list.filter((e) => e.start);
  const start = dated.length ? new Date(Math.min(...dated.map((e) => t(e.start!)))) : undefined;
  const ends = list.map((e) => e.end);
  const end = ends.every((e) => e) && ends.length ? new Date(Math.max(...ends.map((e) => t(e!)))) : undefined;
  return { start, end };
};

/** Scores of the record, oldest first (PHQ-9 and MADRS totals with a date and a value). */
export function depressionScores(index: RecordIndex): Score[] {
  const out: Score[] = [];
  for (const [url, instrument] of [
    [VS.phq9Total, 'PHQ-9'],
    [VS.madrsTotal, 'MADRS'],
  ] as const) {
    for (const o of index.observations(url)) if (o.date && o.value !== undefined) out.push({ ref: o.ref, date: o.date, instrument, value: o.value });
  }
  return out.sort((a, b) => t(a.date) - t(b.date));
}

/** Serum lithium in mmol/L (mg/L divided by 6.94; meq/L equals mmol/L for Li+), oldest first. */
function lithiumLevels(index: RecordIndex): { ref: string; date: Date; mmolL: number }[] {
  const out: { ref: string; date: Date; mmolL: number }[] = [];
  for (const o of index.observations(VS.lithiumLevel)) {
    const v = o.value;
    if (!o.date || v === undefined) continue;
    const unit = o.unit ?? '';
    const mmolL = unit === 'mmol/l' || unit === 'meq/l' ? v : unit === 'mg/l' ? v / 6.94 : undefined;
    if (mmolL !== undefined) out.push({ ref: o.ref, date: o.date, mmolL });
  }
  return out.sort((a, b) => t(a.date) - t(b.date));
}

/**
 * Components: exposures grouped by what counts (an ingredient, or a product with its own row),
 * after the products that never count alone and the co-medication are left out (EL-2.4, EL-2.7).
 */
function components(all: Exposure[], th: Thresholds, isLithium: (rxcui: string) => boolean): Component[] {
  const at = th.attempts;
  const byKey = new Map<string, Component>();
  const kept: Exposure[] = [];
  for (const e of all) {
    const product = e.productRxcui ? at.products[e.productRxcui] : undefined;
    if (product) {
      if (product.ignoreIngredients.includes(e.ingredientRxcui)) continue;
      if (e.ingredientRxcui === product.countsAs) {
        kept.push({ ...e, ingredientRxcui: `product:${e.productRxcui}`, ingredient: product.product });
        continue;
      }
    } else if (at.productOnlyIngredients[e.ingredientRxcui]) continue; // dextromethorphan alone is no attempt
    kept.push(e);
  }
  const overlaps = (a: Exposure, b: Exposure) => !!a.start && !!b.start && (!a.end || t(a.end) >= t(b.start)) && (!b.end || t(b.end) >= t(a.start));
  for (const e of kept) {
    const onlyWith = at.augmentationOnlyWith[e.ingredientRxcui];
    if (onlyWith && !kept.some((o) => o.ingredientRxcui === onlyWith.with && overlaps(o, e))) continue; // olanzapine without fluoxetine
    const below = at.coMedicationBelowMg[e.ingredientRxcui]?.value;
    // Hypnotic or low dose beside another agent (the overlap search only for such doses: it is quadratic).
    if (below !== undefined && e.dailyMg !== undefined && e.dailyMg < below && kept.some((o) => o.ingredientRxcui !== e.ingredientRxcui && overlaps(o, e)))
      continue;
    const c = byKey.get(e.ingredientRxcui);
    if (c) c.exposures.push(e);
    else
      byKey.set(e.ingredientRxcui, {
        key: e.ingredientRxcui,
        rxcui: e.ingredientRxcui,
        name: e.ingredient,
        role: isLithium(e.ingredientRxcui) ? 'augmentation' : e.role,
        exposures: [e],
      });
  }
  for (const c of byKey.values()) Object.assign(c, span(c.exposures));
  return [...byKey.values()].sort((a, b) => (a.start ? t(a.start) : Infinity) - (b.start ? t(b.start) : Infinity));
}

/**
 * EL-2.5: components into attempts, by when each started.
 *
 * A cross-taper is a switch, not a combination strategy: the later drug starts its own attempt, and each
 * is judged on its own dose and duration. It is a later antidepressant of the class of every antidepressant
 * still taken (fluoxetine tapered while sertraline starts: both SSRIs), started more than
 * CONCURRENT_START_DAYS after them, while each of them stops no later than `crossTaperMaxOverlapDays` (28)
 * after the new start. Revision-2 EL-2.5 says agents started within 14 days, or added before the ongoing
 * attempt reached adequate duration, form one combination attempt, and EL-2.1 step 4 calls a later
 * antidepressant beside an active record concurrent, not a switch; it never speaks of drug classes. Two
 * drugs of one class add no mechanism and overlap briefly while one replaces the other (clinical reading,
 * [local]; classes are data: the ssri, snri, tricyclic and maoi ingredient ValueSets). Anything else (two
 * SSRIs started together, or taken together for months, or an earlier one still taken) is EL-2.5 as written.
 */
function formAttempts(
  list: Component[],
  th: Thresholds,
  now: Date,
  classOf: (c: Component) => string | undefined,
): { attempts: Attempt[]; undated: Component[] } {
  const concurrent = th.attempts.concurrentStartDays.value;
  const crossTaper = th.attempts.crossTaperMaxOverlapDays.value;
  const minDays = th.adequateTrial.minimumDurationDays.value;
  const attempts: Attempt[] = [];
  const undated: Component[] = [];
  for (const c of list) {
    if (!c.start) {
      undated.push(c);
      continue;
    }
    const end = c.end ?? now;
    // An attempt that ended the instant this one started (a recorded switch or replacement) is not ongoing.
    const ongoing = attempts.findLast((a) => t(a.end) > t(c.start!));
    if (!ongoing) {
      attempts.push({ start: c.start, end, components: [c], kind: 'monotherapy' });
      continue;
    }
    // The antidepressants still taken when this one starts, all of its class, started well before it and
    // stopping within the cross-taper's overlap: a switch (see above).
    const cls = c.role === 'antidepressant' ? classOf(c) : undefined;
    const stillTaken = ongoing.components.filter((o) => !o.end || t(o.end) > t(c.start!));
    const antidepressantsTaken = stillTaken.filter((o) => o.role === 'antidepressant');
    const taperedOff = (o: Component) =>
      classOf(o) === cls && !!o.start && !!o.end && daysBetween(o.start, c.start!) > concurrent && daysBetween(c.start!, o.end) <= crossTaper;
    if (cls && antidepressantsTaken.length && antidepressantsTaken.every(taperedOff)) {
      const augmenters = stillTaken.filter((o) => o.role === 'augmentation');
      attempts.push({
        start: c.start,
        end: new Date(Math.max(t(end), ...augmenters.map((o) => t(o.end ?? now)))),
        components: [c, ...augmenters],
        kind: augmenters.length ? 'augmentation' : 'monotherapy',
      });
      continue;
    }
    const sinceStart = daysBetween(ongoing.start, c.start);
    if (sinceStart <= concurrent || sinceStart < minDays) {
      // Started together, or added before the ongoing attempt could be judged: one attempt.
      ongoing.components.push(c);
      ongoing.kind = 'combination';
      if (t(end) > t(ongoing.end)) ongoing.end = end;
      continue;
    }
    // Added after the ongoing attempt reached adequate duration: a new attempt, the earlier one judged up to here.
    const carried = ongoing.components.filter((o) => !o.end || t(o.end) >= t(c.start!));
    attempts.push({
      start: c.start,
      end: new Date(Math.max(t(end), ...carried.map((o) => t(o.end ?? now)))),
      components: [...carried, c],
      kind: c.role === 'augmentation' ? 'augmentation' : 'combination',
    });
  }
  for (const a of attempts) {
    const ads = a.components.filter((c) => c.role === 'antidepressant');
    if (a.kind === 'combination' && ads.length === 1 && a.components.length > 1) a.kind = 'augmentation';
  }
  return { attempts, undated };
}

interface Adequacy {
  status: Tri;
  adequateFrom?: Date;
  missing: string[];
  short?: string;
}

/** Dose and duration adequacy of one component within an attempt (EL-2.6, EL-2.8, EL-2.9). */
function componentAdequacy(c: Component, attempt: Attempt, th: Thresholds, levels: ReturnType<typeof lithiumLevels>, isLithium: boolean): Adequacy {
  const at = th.attempts;
  const augmenting = c.role === 'augmentation';
  const minDays = augmenting ? at.augmentationMinimumDays.value : th.adequateTrial.minimumDurationDays.value;
  const gap = th.adequateTrial.gapToleranceDays.value;
  // An augmenter is measured from the attempt's start; an antidepressant over its own exposure.
  const from = augmenting ? attempt.start : undefined;
  const product = c.key.startsWith('product:') ? at.products[c.key.slice('product:'.length)] : undefined;
  let meets: (e: Exposure) => Tri;
  let what: string;
  if (product) {
    what = `the tablets a day of ${c.name}`;
    meets = (e) => (e.unitsPerDay === undefined ? 'unknown' : e.unitsPerDay >= product.minimumUnitsPerDay ? 'yes' : 'no');
  } else if (isLithium) {
    what = `a lithium level (or the lithium dose)`;
    const startMs = t(attempt.start) + at.lithiumLevelAfterDays.value * 86_400_000;
    const inAttempt = levels.filter((l) => t(l.date) >= startMs && t(l.date) <= t(attempt.end) + 86_400_000);
    const level = at.lithiumMinimumLevelMmolL[th.adequateTrial.doseColumn.value];
    if (inAttempt.length) {
      const ok = inAttempt.some((l) => l.mmolL >= level);
      meets = () => (ok ? 'yes' : 'no');
    } else {
      meets = (e) => (e.dailyMg === undefined ? 'unknown' : e.dailyMg >= at.lithiumMinimumDoseMg.value ? 'yes' : 'no');
    }
  } else {
    const min = minimumDailyDoseMg(th, c.rxcui);
    what = `the daily dose of ${c.name}`;
    // A missing row is a start-up error (checkAttemptThresholds); undecided here, never a card about configuration.
    meets = (e) => (min === undefined || e.dailyMg === undefined ? 'unknown' : e.dailyMg >= min ? 'yes' : 'no');
  }
  // Surely taken: from the latest it could have started to the earliest it could have ended; possibly: the widest span (EL-2.2).
  const clip = (e: Exposure, sure: boolean) => {
    const start = sure ? (e.latestStart ?? e.start!) : e.start!;
    return { start: from && t(start) < t(from) ? from : start, end: sure ? (e.earliestEnd ?? e.end!) : e.end! };
  };
  const merge = (list: Exposure[], sure = false) => {
    const clipped: { start: Date; end: Date }[] = [];
    for (const e of list) {
      if (!e.start || !e.end) continue;
      const x = clip(e, sure);
      if (t(x.end) >= t(x.start)) clipped.push(x);
    }
    clipped.sort((a, b) => t(a.start) - t(b.start));
    // Each clipped span is this call's own object: the merged span grows in place, to the later of the two ends.
    const spans: { start: Date; end: Date }[] = [];
    for (const x of clipped) {
      const last = spans[spans.length - 1];
      if (last && daysBetween(last.end, x.start) <= gap) last.end = t(x.end) > t(last.end) ? x.end : last.end;
      else spans.push(x);
    }
    return spans;
  };
  const sure = merge(
    c.exposures.filter((e) => meets(e) === 'yes'),
    true,
  ).find((s) => daysBetween(s.start, s.end) >= minDays);
  if (sure) return { status: 'yes', adequateFrom: addDays(sure.start, minDays), missing: [] };
  const possible = c.exposures.filter((e) => meets(e) !== 'no');
  const undatedPossible = possible.some((e) => !e.start || !e.end);
  const couldReach = undatedPossible || merge(possible).some((s) => daysBetween(s.start, s.end) >= minDays);
  if (!couldReach) return { status: 'no', missing: [] };
  const missing: string[] = [];
  let short: string | undefined;
  const implausible = possible.find((e) => meets(e) === 'unknown' && e.implausibleDose);
  if (implausible) {
    // A dose no one takes (0 mL, 1e9 mg) is an entry error or a placeholder: named, never a dose (EL-2.8).
    missing.push(`a plausible dose of ${c.name} (recorded: ${implausible.implausibleDose})`);
    short = `${c.name} ${implausible.implausibleDose}`;
  } else if (possible.some((e) => meets(e) === 'unknown' && e.volumeWithoutStrength)) {
    // A liquid taken by the mL: its mg come from the product's strength, which nothing recorded (EL-2.8).
    missing.push(`the strength of the ${c.name} liquid (mg per mL), or its dose in mg`);
    short = `dose of ${c.name} recorded in mL with no strength`;
  } else if (possible.some((e) => meets(e) === 'unknown' && e.unreadFrequency)) {
    // The dose is on the order and only its frequency, given as a code, could not be read: ask for that, not the dose.
    const words = possible.find((e) => meets(e) === 'unknown' && e.unreadFrequency)!.unreadFrequency;
    missing.push(`how often ${c.name} was taken (the timing ${words} is not a frequency this service reads)`);
    short = `frequency not read for ${c.name}`;
  } else if (possible.some((e) => meets(e) === 'unknown')) {
    missing.push(`${what} (structured dosage or product strength)`);
    short = isLithium ? 'no lithium level' : `dose not recorded for ${c.name}`;
  }
  if (undatedPossible) {
    missing.push(`how long ${c.name} was taken (start and end dates or days supplied)`);
    short ??= `duration not recorded for ${c.name}`;
  }
  // Dates known only to the month or year, or an end that was never recorded (EL-2.1 steps 5-6, EL-2.2).
  const stale = possible.find((e) => e.openEnd === 'stale-active');
  if (stale) {
    missing.push(`whether ${c.name} is still taken (an active order or statement with nothing recorded since ${iso(stale.latestStart ?? stale.start!)})`);
    short ??= `current use of ${c.name} uncertain`;
  }
  // Stopped with no end, then another antidepressant: its start is the latest the stop can be (EL-2.1 step 3, EL-2.2).
  const beforeSwitch = possible.find((e) => e.openEnd === 'stopped-before-switch');
  if (beforeSwitch) {
    const most = Math.round(daysBetween(beforeSwitch.start!, beforeSwitch.end!));
    missing.push(
      `when ${c.name} was stopped (no end date or supply recorded; at most ${most} days, before ${beforeSwitch.switchedTo ?? 'the next antidepressant'} started)`,
    );
    short ??= `stop date not recorded for ${c.name}`;
  }
  if (possible.some((e) => e.openEnd === 'stopped-no-end')) {
    missing.push(`when ${c.name} was stopped (stopped or completed with no end date or supply)`);
    short ??= `stop date not recorded for ${c.name}`;
  }
  if (possible.some((e) => !e.openEnd && (e.latestStart || e.earliestEnd))) {
    missing.push(`the exact dates ${c.name} was taken (recorded only to the month or year)`);
    short ??= `dates of ${c.name} recorded only to the month or year`;
  }
  return { status: 'unknown', missing, short };
}

function attemptAdequacy(a: Attempt, th: Thresholds, levels: ReturnType<typeof lithiumLevels>, isLithium: (rxcui: string) => boolean): Adequacy {
  const ads = a.components.filter((c) => c.role === 'antidepressant').map((c) => componentAdequacy(c, a, th, levels, false));
  const augs = a.components.filter((c) => c.role === 'augmentation').map((c) => componentAdequacy(c, a, th, levels, isLithium(c.rxcui)));
  // Adequate when one antidepressant component is, and every augmenting component is (EL-2.5).
  const ad: Tri = ads.some((x) => x.status === 'yes') ? 'yes' : ads.some((x) => x.status === 'unknown') ? 'unknown' : 'no';
  const aug: Tri = augs.some((x) => x.status === 'no') ? 'no' : augs.some((x) => x.status === 'unknown') ? 'unknown' : 'yes';
  const status: Tri = ad === 'no' || aug === 'no' ? 'no' : ad === 'yes' && aug === 'yes' ? 'yes' : 'unknown';
  const parts = [...ads, ...augs];
  const froms = [ads.find((x) => x.status === 'yes')?.adequateFrom, ...augs.map((x) => x.adequateFrom)].filter((d): d is Date => !!d);
  return {
    status,
    ...(status === 'yes' && froms.length ? { adequateFrom: new Date(Math.max(...froms.map(t))) } : {}),
    missing: status === 'unknown' ? parts.flatMap((p) => p.missing) : [],
    short: parts.find((p) => p.short)?.short,
  };
}

const iso = isoDay;

/** The references of an attempt's exposures, each once, in first-seen order. */
function exposureRefs(components: readonly Component[]): string[] {
  const refs = new Set<string>();
  for (const c of components) for (const e of c.exposures) refs.add(e.ref);
  return [...refs];
}

/** Whether any exposure of the attempt satisfies `test`. */
const someExposure = (a: Attempt, test: (e: Exposure) => boolean): boolean => a.components.some((c) => c.exposures.some(test));

/**
 * Start-up check (revision-2 EL-2.7, CD-8): every counting ingredient has its adequate dose, and every
 * catalogued product whose ingredients cannot be judged one by one has a product row. Returns the
 * problems, each naming the ingredient or product; a configuration gap never reaches a card.
 */
export function attemptThresholdProblems(terminology: Terminology, catalogue: MedicationCatalogue, th: Thresholds): string[] {
  const at = th.attempts;
  const problems: string[] = [];
  const rx = (code: string) => ({ system: SYSTEM.rxnorm, code });
  const isLithium = (code: string) => terminology.inConcept(rx(code), VS.lithiumIngredients);
  const judged = (code: string) => !!th.adequateTrial.minimumDailyDoseMg[code] || !!at.productOnlyIngredients[code] || isLithium(code);
  for (const url of [VS.antidepressantIngredients, VS.augmentationIngredients]) {
    for (const c of terminology.codes(url))
      if (!judged(c.code)) problems.push(`no minimum daily dose for ${c.display ?? c.code} (RxNorm ${c.code}) in adequateTrial.minimumDailyDoseMg`);
  }
  for (const p of catalogue.allProducts()) {
    if (p.flags?.length || at.products[p.rxcui]) continue;
    const productOnly = p.ingredients.find((i) => i.ingredientRxcui && at.productOnlyIngredients[i.ingredientRxcui]);
    if (productOnly) problems.push(`no product row for ${p.display} (RxNorm ${p.rxcui}) in attempts.products: ${productOnly.name} counts only within one`);
  }
  for (const [rxcui, row] of Object.entries(at.products)) {
    const p = catalogue.product(rxcui);
    if (!p) problems.push(`attempts.products names ${row.product} (RxNorm ${rxcui}), which the catalogue does not hold`);
    else if (!p.ingredients.some((i) => i.ingredientRxcui === row.countsAs))
      problems.push(`attempts.products: ${row.product} (RxNorm ${rxcui}) has no ingredient ${row.countsAs}`);
  }
  return problems;
}

/** Every treatment attempt of the current episode, with its adequacy and outcome. */
export function assessTrials(index: RecordIndex): Trial[] {
  return index.once('attempts', () => judgeAttempts(index));
}

function judgeAttempts(index: RecordIndex): Trial[] {
  const th = index.knowledge.thresholds;
  const terminology = index.knowledge.terminology;
  const now = index.now;
  const episodeStart = addDays(now, -th.adequateTrial.episodeLookbackMonths.value * 30.44);
  const isLithium = (rxcui: string) => terminology.inConcept({ system: SYSTEM.rxnorm, code: rxcui }, VS.lithiumIngredients);
  const inEpisode = exposures(index).filter((e) => !e.end || t(e.end) >= t(episodeStart));
  const scoresKnown = index.record.observations.known;
  const scores = scoresKnown ? depressionScores(index) : [];
  const levels = lithiumLevels(index);
  const classOf = (c: Component) => ANTIDEPRESSANT_CLASSES.find((url) => terminology.inConcept({ system: SYSTEM.rxnorm, code: c.rxcui }, url));
  const { attempts, undated } = formAttempts(components(inEpisode, th, isLithium), th, now, classOf);
  const remissionCodes = index
    .conditions(VS.mddInRemission)
    .map((c) => c.date)
    .filter((d): d is Date => !!d);
  const f = th.failure;
  const cut = (s: Score) => (s.instrument === 'PHQ-9' ? f.phq9StillDepressedAtLeast.value : f.madrsStillDepressedAtLeast.value);
  const remitted = (s: Score) => (s.instrument === 'PHQ-9' ? s.value < th.scores.phq9RemissionBelow.value : s.value <= th.courses.madrsRemissionAtMost.value);
  const reduction = th.scores.responseReductionPercent.value;

  const out: Trial[] = [];
  attempts.sort((a, b) => t(a.start) - t(b.start));
  attempts.forEach((a, i) => {
    const ads = a.components.filter((c) => c.role === 'antidepressant');
    if (!ads.length) return; // an augmenter with no antidepressant is not an attempt
    const name = a.components.map((c) => c.name).join(' + ');
    const refs = exposureRefs(a.components);
    const base = { ingredient: name, kind: a.kind, antidepressants: ads.map((c) => c.key), start: a.start, end: a.end };
    // Intolerance is apart from failure, whatever the dose or duration (EL-2.12).
    if (someExposure(a, (e) => e.stopReason === 'intolerance')) {
      out.push({ ...base, status: 'intolerant', note: 'stopped for side effects', evidence: refs, missing: [] });
      return;
    }
    const adequacy = attemptAdequacy(a, th, levels, isLithium);
    if (adequacy.status === 'no') {
      out.push({ ...base, status: 'inadequate', evidence: refs, missing: [] });
      return;
    }
    if (adequacy.status === 'unknown') {
      out.push({ ...base, status: 'adequacy-unknown', evidence: refs, missing: adequacy.missing, ...(adequacy.short ? { short: adequacy.short } : {}) });
      return;
    }
    const adequateFrom = adequacy.adequateFrom ?? addDays(a.start, th.adequateTrial.minimumDurationDays.value);
    const next = attempts[i + 1];
    let close = t(addDays(a.end, f.scoreWindowAfterTrialDays.value));
    if (next) close = Math.min(close, t(addDays(next.start, th.attempts.nextAttemptGraceDays.value)));
    close = Math.min(close, t(now));
    const at = th.attempts;
    const nearStart = scores.filter(
      (s) => t(s.date) >= t(addDays(a.start, -at.baselineBeforeDays.value)) && t(s.date) <= t(addDays(a.start, at.baselineAfterDays.value)),
    );
    const baseline = nearStart.sort((x, y) => Math.abs(t(x.date) - t(a.start)) - Math.abs(t(y.date) - t(a.start)) || (x.instrument === 'PHQ-9' ? -1 : 1))[0];
    const window = scores.filter((s) => t(s.date) >= t(adequateFrom) && t(s.date) <= close && (!baseline || s.instrument === baseline.instrument));
    // A score taken on treatment (up to the stop plus a short grace) reads the trial; after one, a later score is
    // relapse after stopping, not nonresponse (EL-2.10 revised [local]: TRD-def judges response during the trial).
    const onTreatmentUntil = t(addDays(a.end, at.onTreatmentGraceDays.value));
    const onTreatment = window.filter((s) => t(s.date) <= onTreatmentUntil);
    const outcome = onTreatment.length ? onTreatment[onTreatment.length - 1] : window[window.length - 1];
    const judged = judge(baseline, outcome);
    if (judged) {
      const relapse = judged.status === 'responded' && onTreatment.length ? window.find((s) => t(s.date) > onTreatmentUntil && s.value >= cut(s)) : undefined;
      const relapseWords = relapse ? `${relapse.instrument} ${relapse.value} on ${iso(relapse.date)}` : undefined;
      if (relapseWords) judged.note = `${judged.note}; relapse after stopping: ${relapseWords}`;
      out.push({
        ...base,
        ...judged,
        ...(relapseWords ? { relapse: relapseWords } : {}),
        evidence: [...refs, ...(baseline ? [baseline.ref] : []), outcome!.ref, ...(relapse ? [relapse.ref] : [])],
        missing: [],
        adequateFrom,
      });
      return;
    }
    // No outcome score (EL-2.11).
    const ended = a.components.every((c) => c.exposures.every((e) => e.ended)) || !!next;
    if (someExposure(a, (e) => e.stopReason === 'ineffective')) {
      out.push({ ...base, status: 'failed', note: 'stopped as not effective', evidence: refs, missing: [], adequateFrom });
      return;
    }
    if (ended && next && at.countUnexplainedSwitchAsFailure.value) {
      out.push({
        ...base,
        status: 'failed',
        note: 'presumed from switch',
        evidence: [...refs, ...next.components.flatMap((c) => c.exposures.map((e) => e.ref))],
        missing: [],
        adequateFrom,
      });
      return;
    }
    out.push({
      ...base,
      status: 'outcome-unknown',
      note: ended ? 'switched or stopped with no score' : 'no score since it became adequate',
      evidence: refs,
      missing: [
        scoresKnown ? `a PHQ-9 or MADRS after ${iso(adequateFrom)} showing the response to ${name}` : 'depression scores (observations could not be retrieved)',
      ],
      short: `outcome unknown for ${name}`,
      adequateFrom,
      ...(baseline ? { baselineRef: baseline.ref } : {}),
    });
  });

  // EL-2.13: the last adequate attempt with no outcome failed when a later score shows the episode persisted.
  const lastAdequate = out.findLast((x) => x.adequateFrom && (x.status === 'failed' || x.status === 'responded' || x.status === 'outcome-unknown'));
  if (lastAdequate?.status === 'outcome-unknown') {
    const startMs = t(lastAdequate.start!);
    const laterAdequate = out.some((x) => x !== lastAdequate && x.adequateFrom && t(x.start!) > startMs);
    const baselineRef = (lastAdequate as Trial & { baselineRef?: string }).baselineRef;
    const baseline = scores.find((s) => s.ref === baselineRef);
    const persisting = scores.find((s) => {
      if (t(s.date) < t(lastAdequate.adequateFrom!) || s.value < cut(s)) return false;
      if (baseline && (s.instrument !== baseline.instrument || ((baseline.value - s.value) / baseline.value) * 100 >= reduction)) return false;
      const between = (ms: number) => ms > startMs && ms < t(s.date);
      if (scores.some((r) => between(t(r.date)) && remitted(r)) || remissionCodes.some((d) => between(t(d)))) return false;
      return !laterAdequate;
    });
    if (persisting) {
      Object.assign(lastAdequate, {
        status: 'failed',
        note: `persistent symptoms: ${persisting.instrument} ${persisting.value} on ${iso(persisting.date)}`,
        evidence: [...lastAdequate.evidence, persisting.ref],
        missing: [],
      });
      delete lastAdequate.short;
    }
  }
  for (const x of out) delete (x as Trial & { baselineRef?: string }).baselineRef;

  // EL-2.3: an attempt prescribed for an anxiety or trauma disorder while depression is on record is undecided, never failed.
  const toConfirm = new Set(inEpisode.filter((e) => e.indicationToConfirm).map((e) => e.ref));
  const episodeRefs = toConfirm.size ? new Set(inEpisode.map((e) => e.ref)) : undefined;
  for (const x of out) {
    if (!episodeRefs || x.status !== 'failed') continue;
    const own = x.evidence.filter((r) => episodeRefs.has(r));
    if (!own.length || !own.every((r) => toConfirm.has(r))) continue;
    Object.assign(x, {
      status: 'outcome-unknown',
      note: `prescribed for an anxiety or trauma disorder (${x.note ?? 'no outcome'})`,
      missing: [`confirmation that ${x.ingredient} was prescribed for depression`],
      short: `${x.ingredient} was prescribed for an anxiety or trauma disorder`,
    });
  }

  // Components with no start date could be an attempt of any length: undecided.
  for (const c of undated) {
    if (c.role !== 'antidepressant') continue;
    out.push({
      ingredient: c.name,
      kind: 'monotherapy',
      antidepressants: [c.key],
      status: 'adequacy-unknown',
      evidence: c.exposures.map((e) => e.ref),
      missing: [`how long ${c.name} was taken (start and end dates or days supplied)`],
      short: `duration not recorded for ${c.name}`,
    });
  }
  return out;

  function judge(baseline: Score | undefined, outcome: Score | undefined): Pick<Trial, 'status' | 'note'> | undefined {
    if (!outcome) return undefined;
    // An outcome in remission is never a failure, whatever the fall from a baseline that was itself low.
    if (remitted(outcome)) return { status: 'responded', note: `remission: ${outcome.instrument} ${baseline ? `${baseline.value} -> ` : ''}${outcome.value}` };
    if (baseline && baseline.value > 0) {
      const fall = Math.round(((baseline.value - outcome.value) / baseline.value) * 100);
      const words = `${outcome.instrument} ${baseline.value} -> ${outcome.value}, ${Math.abs(fall)} % ${fall >= 0 ? 'below' : 'above'} baseline`;
      if (fall < reduction) return { status: 'failed', note: `nonresponse: ${words}` };
      return { status: 'responded', note: `response: ${words}` };
    }
    if (outcome.value >= cut(outcome)) return { status: 'failed', note: `no baseline; still depressed (${outcome.instrument} ${outcome.value})` };
    return { status: 'responded', note: `no baseline; ${outcome.instrument} ${outcome.value}, below the depressed cut` };
  }
}
