import { REFERENCED_MEDICATIONS_KEY, type GatheredData } from '../../src/fhir/gather.js';
import type { MedicationCatalogue, MedicationMatch } from '../../src/terminology/medication-catalogue.js';
import { memoByStringPair } from '../../src/memo.js';
import { checkPlausible } from '../../src/knowledge/plausible.js';
import { SYSTEM } from '../../src/terminology/systems.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import type { Thresholds } from './thresholds.js';
import { SAFETY_VITAL_SIGNS, VS } from './concepts.js';
import { derivedPhq9 } from './scores.js';
import { identifyConcept, resolveMedication, type Identification, type MedicationHolder } from './medications.js';
import {
  conditionDate,
  conditionIsActive,
  conditionIsRecorded,
  codedValue,
  isoDay,
  textValue,
  numericValue,
  observationDate,
  observationInterval,
  valueUnit,
  type DateInterval,
  observationIsFinal,
  ref,
} from './fhir-read.js';

export const RECORD_TYPES = [
  'Patient',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'MedicationDispense',
  'MedicationAdministration',
  'Observation',
  'Procedure',
  'Device',
  'AllergyIntolerance',
  'QuestionnaireResponse',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Known: the source was searched (possibly empty). Unknown: it could not be, and `reason` says why. */
export interface Section<T> {
  known: boolean;
  items: T[];
  reason?: string;
}

export interface PatientRecord {
  patient: Section<fhir4.Patient>;
  conditions: Section<fhir4.Condition>;
  medicationStatements: Section<fhir4.MedicationStatement>;
  medicationRequests: Section<fhir4.MedicationRequest>;
  medicationDispenses: Section<fhir4.MedicationDispense>;
  medicationAdministrations: Section<fhir4.MedicationAdministration>;
  observations: Section<fhir4.Observation>;
  procedures: Section<fhir4.Procedure>;
  devices: Section<fhir4.Device>;
  allergies: Section<fhir4.AllergyIntolerance>;
  /** Questionnaire responses (PHQ-9 as a form: DS-2); read into scores, never by rules directly. */
  questionnaireResponses: Section<fhir4.QuestionnaireResponse>;
  /** Medication resources that other resources reference (`Medication/x`). */
  medications: Map<string, fhir4.Medication>;
  /** Resources sent or found that named another patient than the one in context: left out, counted by type. */
  otherPatient: { count: number; types: string[] };
  /** Resources about a patient that named none the call could tie to anyone (no subject, a display only): left out, counted. */
  unattributable: number;
}

const SECTION_OF: Record<RecordType, keyof Omit<PatientRecord, 'medications' | 'otherPatient' | 'unattributable'>> = {
  Patient: 'patient',
  Condition: 'conditions',
  MedicationStatement: 'medicationStatements',
  MedicationRequest: 'medicationRequests',
  MedicationDispense: 'medicationDispenses',
  MedicationAdministration: 'medicationAdministrations',
  Observation: 'observations',
  Procedure: 'procedures',
  Device: 'devices',
  AllergyIntolerance: 'allergies',
  QuestionnaireResponse: 'questionnaireResponses',
};

/**
 * Builds the record from gathered prefetch keys. `keyTypes` says which resource types each key
 * supplies; a type is known only if every key supplying it is known. A type no key supplies is
 * unknown ("not requested"), never empty.
 */
export function buildRecord(data: GatheredData, keyTypes: Readonly<Record<string, readonly RecordType[]>>): PatientRecord {
  const record = {
    medications: new Map<string, fhir4.Medication>(),
    otherPatient: { count: 0, types: [] },
    unattributable: 0,
  } as unknown as PatientRecord;
  const otherTypes = new Set<string>();
  for (const type of RECORD_TYPES) record[SECTION_OF[type]] = { known: false, items: [], reason: 'not requested' } as never;
  const supplied = new Map<RecordType, { known: boolean; reasons: string[] }>();
  for (const [key, types] of Object.entries(keyTypes)) {
    const d = data[key];
    for (const t of types) {
      const s = supplied.get(t) ?? { known: true, reasons: [] };
      if (!d || !d.known) {
        s.known = false;
        s.reasons.push(d && !d.known ? d.reason : 'not requested');
      }
      supplied.set(t, s);
    }
    // A key left unknown may still carry what was read of it (a prefetch's first page): used, its section stays unknown.
    if (!d?.known && !d?.partial?.length) continue;
    const resources = d.known ? d.resources : d.partial!;
    if (d.known) {
      record.unattributable += d.unattributable ?? 0;
      if (d.otherPatient) {
        record.otherPatient.count += d.otherPatient.count;
        for (const t of d.otherPatient.types) otherTypes.add(t);
      }
    }
    // A key's resources are mostly of one type: its list is looked up again only when the type changes.
    let lastType: string | undefined;
    let items: fhir4.Resource[] | undefined;
    for (const resource of resources) {
      const type = resource.resourceType;
      if (type === 'Medication') {
        record.medications.set(ref(resource), resource as fhir4.Medication);
        continue;
      }
      if (type !== lastType) {
        lastType = type;
        const section = SECTION_OF[type as RecordType];
        items = section && types.includes(type as RecordType) ? (record[section].items as fhir4.Resource[]) : undefined;
      }
      items?.push(resource);
    }
  }
  // Medications read from fhirServer because the record references them (DS-5 step 4).
  const referenced = data[REFERENCED_MEDICATIONS_KEY];
  if (referenced?.known) {
    for (const m of referenced.resources)
      if (m.resourceType === 'Medication' && !record.medications.has(ref(m))) record.medications.set(ref(m), m as fhir4.Medication);
  }
  record.otherPatient.types = [...otherTypes].sort();
  for (const [type, s] of supplied) {
    const section = record[SECTION_OF[type]];
    section.known = s.known;
    if (s.known) delete section.reason;
    // Unknown keeps what was read (another key's records, a first page): present data is used, and the section
    // stays unknown, so no rule reads what is not there as absent.
    else section.reason = [...new Set(s.reasons)].join('; ');
  }
  return record;
}

export interface IndexedCondition {
  resource: fhir4.Condition;
  ref: string;
  active: boolean;
  date?: Date;
}

/**
 * An observation as rules read it: its number in whatever shape it came (DS-2), its coded answer,
 * its unit, and when it was made as an interval (a partial date is not its first day: DS-7).
 * `date` is the earliest instant it could have been (kept for ordering and simple look-backs);
 * three-valued tests use `when` (fhir-read `withinDaysOf`). Entries derived from a PHQ-9 panel or a
 * QuestionnaireResponse carry that resource's ref.
 */
export interface IndexedObservation {
  resource: fhir4.Observation;
  ref: string;
  date?: Date;
  when?: DateInterval;
  value?: number;
  /** The coded answer (valueCodeableConcept or valueCoding), for answer ValueSets. */
  coded?: fhir4.CodeableConcept;
  /** A result given as text only (`valueString`, or uncoded text), trimmed: see fhir-read `textValue`. */
  text?: string;
  /** The quantity's UCUM code (or unit text), lower case. */
  unit?: string;
  /** How many components the observation carries (a questionnaire answered item by item). */
  componentCount?: number;
  /** A vital sign from a `preliminary` Observation (see PRELIMINARY_READ): read, and named "(preliminary)" on cards. */
  preliminary?: true;
  /** An answer from a form not finished (a QuestionnaireResponse `in-progress` or `stopped`): read, and named so on cards. */
  unfinished?: true;
  /**
   * Set when the number is outside its plausible range (thresholds `plausibleRanges`): then `value` is
   * undefined (never a fact) and this is the sentence a card names ("PHQ-9 total 31 points is implausible: re-score").
   */
  implausible?: string;
  /**
   * Set when the Observation is there but gives no number a rule may use: an implausible number (the
   * `implausible` sentence), a score whose value cannot be read ("PHQ-9 on 2026-11-19 could not be read
   * ('18 points'): re-enter or repeat"), or a preliminary score ("PHQ-9 18 on 2026-11-19 is preliminary:
   * confirm it"). `value` is then undefined and this is the sentence a card names: present data is
   * unknown, never "none" (`implausibleLatest`).
   */
  unreadable?: string;
}

/** A medication resource of any kind, with its concept resolved once. */
export interface MedicationUse {
  resource: fhir4.MedicationStatement | fhir4.MedicationRequest | fhir4.MedicationDispense | fhir4.MedicationAdministration;
  ref: string;
  concept?: fhir4.CodeableConcept;
  /** The catalogued product or ingredient the code resolves to, if any. */
  match?: MedicationMatch;
  /** ValueSets the medication or any of its catalogued ingredients belongs to. */
  concepts: ReadonlySet<string>;
  /** In use now: an active statement or an active order (not a dispense or administration). */
  current: boolean;
  /** How the drug was identified (revision-2 DS-4): by catalogued code, by name, as not catalogued, or not at all. */
  identification: Identification;
  /** The drug's name text (display or text), when it has one: for cards. */
  text?: string;
  /** The Medication its `medicationReference` resolved to (contained or the record's): its ingredients' strengths give the dose of a liquid (EL-2.8). */
  medication?: fhir4.Medication;
  /** The concept of each of `medication.ingredient`, in order (item references followed). */
  ingredients?: (fhir4.CodeableConcept | undefined)[];
}

/**
 * A medication record whose drug cannot be told (DS-4 "unidentified"): nothing names it, neither a
 * catalogued code, nor a code in a medication ValueSet, nor a name text (a code the catalogue does not
 * hold with no display; a reference to a Medication no one could read). It could be any drug.
 */
export function namesNoCodedDrug(use: MedicationUse): boolean {
  return use.identification === 'unidentified';
}

/** The knowledge every rule reads, besides the record. */
export interface Knowledge {
  terminology: Terminology;
  catalogue: MedicationCatalogue;
  thresholds: Thresholds;
}

/**
 * Groups the kept items by the concepts their codes are in. An item in no concept is dropped before
 * `entry` reads anything else of it: real records are mostly codes no rule asks about.
 */
function groupByConcept<R, T = R>(
  items: readonly R[],
  keep: (item: R) => boolean,
  conceptsOf: (item: R) => ReadonlySet<string>,
  entry: (item: R) => T = (item) => item as unknown as T,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    if (!keep(item)) continue;
    const concepts = conceptsOf(item);
    if (concepts.size === 0) continue;
    const e = entry(item);
    for (const url of concepts) {
      const list = out.get(url);
      if (list) list.push(e);
      else out.set(url, [e]);
    }
  }
  return out;
}

const byNewest = (a: { date?: Date }, b: { date?: Date }) => (b.date?.getTime() ?? -Infinity) - (a.date?.getTime() ?? -Infinity);

/** Sorts newest first. Servers mostly answer in date order, so a list already in order (either way) is not sorted again. */
function sortNewestFirst<T extends { date?: Date }>(list: T[]): void {
  let descending = true;
  let ascending = true;
  for (let i = 1; i < list.length && (descending || ascending); i++) {
    const order = byNewest(list[i - 1]!, list[i]!);
    if (!(order <= 0)) descending = false; // NaN (two undated) counts as out of order
    if (!(order > 0)) ascending = false; // strictly older to newer only: reversing ties would reorder them
  }
  if (descending) return;
  if (ascending) list.reverse();
  else list.sort(byNewest);
}

interface MedicationMeaning {
  match?: MedicationMatch;
  concepts: ReadonlySet<string>;
}

function medicationMeaning(concept: fhir4.CodeableConcept | undefined, { terminology: t, catalogue }: Knowledge): MedicationMeaning {
  const match = catalogue.resolve(concept);
  const own = t.conceptsOf(concept);
  if (match?.kind !== 'product') return { match, concepts: own };
  const concepts = new Set(own);
  for (const i of match.product.ingredients) {
    if (!i.ingredientRxcui) continue;
    for (const u of t.conceptsOf({ system: SYSTEM.rxnorm, code: i.ingredientRxcui })) concepts.add(u);
  }
  return { match, concepts };
}

// A record repeats a few drug codes many times: what a code means is worked out once per knowledge.
const meaningOfCode = new WeakMap<Knowledge, (system: string, code: string) => MedicationMeaning>();

/** What a medication concept means; a concept with one coding and no text is looked up, not recomputed. */
function meaningOf(concept: fhir4.CodeableConcept | undefined, knowledge: Knowledge): MedicationMeaning {
  const coding = concept?.text === undefined && Array.isArray(concept?.coding) && concept.coding.length === 1 ? concept.coding[0] : undefined;
  if (typeof coding?.system !== 'string' || typeof coding.code !== 'string' || coding.display !== undefined) return medicationMeaning(concept, knowledge);
  let lookup = meaningOfCode.get(knowledge);
  if (!lookup) meaningOfCode.set(knowledge, (lookup = memoByStringPair((system, code) => medicationMeaning({ coding: [{ system, code }] }, knowledge))));
  return lookup(coding.system, coding.code);
}

/**
 * Vital signs the safety checks read whose `preliminary` Observations count as readings (newest wins,
 * as for final ones), each marked `preliminary` so a card names it. A device-integrated BP of 192/121
 * sent preliminary until a nurse validates it is a reading taken, not an absent one: dropping it made a
 * card say "no BP" and quote an older normal BP (missing data is never evidence of absence; turning
 * present data into absence is worse). Scores and laboratory results keep the final statuses only: a
 * preliminary PHQ-9 or hCG is an unfinished result whose value may still change (scored before every
 * item is in, a laboratory's provisional read), and their rules already ask for the order that settles it.
 */
const PRELIMINARY_READ: readonly string[] = SAFETY_VITAL_SIGNS;

/**
 * Scores kept in the index when their value cannot be used (preliminary, or no number), marked
 * `unreadable` with the sentence that names them: a PHQ-9 scored two days ago and sent preliminary, or
 * as "18 points", is a PHQ-9 that exists, so EL-4 and MO-5 say "confirm it" or "re-enter", never "no
 * PHQ-9" (missing data is never evidence of absence; unreadable is not none). The PHQ-9 panel is kept
 * too, for the totals derived from it (scores.ts).
 */
const SCORE_NAMES: ReadonlyMap<string, string> = new Map([
  [VS.phq9Total, 'PHQ-9'],
  [VS.madrsTotal, 'MADRS'],
  [VS.gad7Total, 'GAD-7'],
]);
/**
 * Kept preliminary too, as readings: PHQ-9 item 9. An endorsed thought of self-harm is a safety answer
 * whatever the form's status; dropping it would clear RC-17 on a form still being entered. [local]
 */
const SCORES_KEPT_PRELIMINARY: readonly string[] = [...SCORE_NAMES.keys(), VS.phq9Panel, VS.phq9Item9];

/** A score's value as written when it is no number ("'18 points'", "'Moderate'"), for the sentence that names it. */
function valueWords(o: fhir4.Observation): string {
  const coded = codedValue(o);
  const words = textValue(o) ?? coded?.text ?? coded?.coding?.find((c) => typeof c?.display === 'string')?.display;
  return typeof words === 'string' && words.trim() ? `'${words.trim().slice(0, 24)}'` : 'no value';
}

/**
 * The record indexed once per call by concept: each resource's codes are looked up once, then
 * rules ask for "conditions in X" without rescanning. Observations are final ones (and preliminary
 * vital signs: PRELIMINARY_READ), newest first.
 */
export class RecordIndex {
  private readonly conditionsBy: Map<string, IndexedCondition[]>;
  private readonly observationsBy: Map<string, IndexedObservation[]>;
  private readonly proceduresBy: Map<string, fhir4.Procedure[]>;
  private readonly devicesBy: Map<string, fhir4.Device[]>;
  private readonly allergiesBy: Map<string, fhir4.AllergyIntolerance[]>;
  readonly medicationUses: MedicationUse[];

  constructor(
    readonly record: PatientRecord,
    readonly knowledge: Knowledge,
    readonly now: Date,
  ) {
    const { terminology: t } = knowledge;
    // Text-matched ValueSets name medicines, devices and procedures: conditions and observations match by code.
    this.conditionsBy = groupByConcept(
      record.conditions.items,
      conditionIsRecorded,
      (c) => t.conceptsOf(c.code, false),
      (c) => ({ resource: c, ref: ref(c), active: conditionIsActive(c, now), date: conditionDate(c) }),
    );
    let preliminaries = false;
    this.observationsBy = groupByConcept(
      record.observations.items,
      (o) => observationIsFinal(o) || (o.status === 'preliminary' && (preliminaries = true)),
      (o) => t.conceptsOf(o.code, false),
      (o) => {
        const coded = codedValue(o);
        const text = textValue(o);
        const unit = valueUnit(o);
        const componentCount = Array.isArray(o.component) ? o.component.length : 0;
        const entry: IndexedObservation = { resource: o, ref: ref(o), date: observationDate(o), when: observationInterval(o), value: numericValue(o) };
        // The optional fields only when present (set, not spread: this runs for every observation).
        if (coded) entry.coded = coded;
        if (text) entry.text = text;
        if (unit) entry.unit = unit;
        if (componentCount) entry.componentCount = componentCount;
        if (o.status === 'preliminary') entry.preliminary = true;
        return entry;
      },
    );
    // Preliminary observations stay only in the vital-sign concepts that read them.
    if (preliminaries) {
      for (const [url, list] of this.observationsBy) {
        if (PRELIMINARY_READ.includes(url) || SCORES_KEPT_PRELIMINARY.includes(url)) continue;
        const final = list.filter((o) => !o.preliminary);
        if (final.length) this.observationsBy.set(url, final);
        else this.observationsBy.delete(url);
      }
    }
    // PHQ-9 totals and item 9 recorded as a panel or a QuestionnaireResponse (DS-2); the panels are those just indexed.
    // Totals that carry their items (components or members) are read for them too: item 9 as a component of a 44261-6.
    const withItems = (o: fhir4.Observation) =>
      (Array.isArray(o.component) && o.component.length > 0) || (Array.isArray(o.hasMember) && o.hasMember.length > 0);
    const panels = [
      ...new Set(
        [...(this.observationsBy.get(VS.phq9Panel) ?? []), ...(this.observationsBy.get(VS.phq9Total) ?? []).filter((e) => withItems(e.resource))].map(
          (e) => e.resource,
        ),
      ),
    ];
    const derived = derivedPhq9(
      panels,
      record.observations.items,
      record.questionnaireResponses.items,
      t,
      knowledge.thresholds.reading.phq9Questionnaires.value,
    );
    for (const [url, extra] of [
      [VS.phq9Total, derived.totals],
      [VS.phq9Item9, derived.item9],
    ] as const) {
      if (!extra.length) continue;
      // A total with no value of its own whose items gave one is that one entry, not also a score "that could not be read".
      const scored = new Set(extra.filter((e) => e.value !== undefined).map((e) => e.resource));
      const kept = (this.observationsBy.get(url) ?? []).filter((e) => !(e.value === undefined && scored.has(e.resource)));
      this.observationsBy.set(url, [...kept, ...extra]);
    }
    // A number outside its plausible range is a unit or entry error, not a finding (issue 20): it is read as no value.
    const ranges = knowledge.thresholds.plausibleRanges;
    for (const [url, range] of [
      [VS.phq9Total, ranges.phq9Total],
      [VS.phq9Item9, ranges.phq9Item9],
      [VS.madrsTotal, ranges.madrsTotal],
      [VS.gad7Total, ranges.gad7Total],
      [VS.cssrsIdeationSeverity, ranges.cssrsIdeationSeverity],
      [VS.heartRate, ranges.heartRate],
      [VS.oxygenSaturation, ranges.spo2Percent],
    ] as const) {
      for (const o of this.observationsBy.get(url) ?? []) {
        if (o.value === undefined) continue;
        const check = checkPlausible(range, o.value);
        if (!check.plausible) {
          o.value = undefined;
          o.implausible = check.message;
          o.unreadable = check.message;
        }
      }
    }
    // A score that is there but not usable (preliminary, or no number) is named, never dropped as absent.
    for (const [url, name] of SCORE_NAMES) {
      for (const o of this.observationsBy.get(url) ?? []) {
        const day = o.date ? isoDay(o.date) : 'an unknown date';
        if (o.preliminary || o.resource.status === 'preliminary') {
          o.unreadable = `${name}${o.value !== undefined ? ` ${o.value}` : ''} on ${day} is preliminary: confirm it`;
          o.value = undefined;
        } else if (o.value === undefined && !o.unreadable) {
          o.unreadable = `${name} on ${day} could not be read (${valueWords(o.resource)}): re-enter or repeat`;
        }
      }
    }
    for (const list of this.observationsBy.values()) sortNewestFirst(list);
    this.proceduresBy = groupByConcept(
      record.procedures.items,
      (p) => p.status !== 'entered-in-error' && p.status !== 'not-done',
      (p) => t.conceptsOf(p.code),
    );
    this.devicesBy = groupByConcept(
      record.devices.items,
      (d) => d.status !== 'entered-in-error' && d.status !== 'inactive',
      (d) => t.conceptsOf([d.type, ...(Array.isArray(d.deviceName) ? d.deviceName.map((n) => ({ text: n?.name })) : [])] as fhir4.CodeableConcept[]),
    );
    this.allergiesBy = groupByConcept(
      record.allergies.items,
      () => true,
      (a) => t.conceptsOf(a.code),
    );

    const uses = [
      ...record.medicationStatements.items,
      ...record.medicationRequests.items,
      ...record.medicationDispenses.items,
      ...record.medicationAdministrations.items,
    ];
    this.medicationUses = uses
      .filter((r) => r.status !== 'entered-in-error')
      .map((r) => {
        const resolved = resolveMedication(r as MedicationHolder, { medications: record.medications });
        const concept = resolved.concept;
        let { match, concepts } = meaningOf(concept, knowledge);
        let identification: Identification = 'code';
        let text: string | undefined;
        if (!match) {
          // Outside the catalogue: identified by an ingredient or brand name in its text, if any (DS-4).
          const identified = identifyConcept(resolved, knowledge);
          identification = identified.identification;
          text = identified.text;
          if (identified.match) {
            match = identified.match;
            // The named ingredient's concepts, or each ingredient's of a named multi-ingredient product (EL-2.7).
            const codes =
              identified.match.kind === 'ingredient'
                ? [identified.match.ingredientRxcui]
                : identified.match.product.ingredients.flatMap((i) => (i.ingredientRxcui ? [i.ingredientRxcui] : []));
            const withIngredient = new Set(concepts);
            for (const code of codes) for (const u of t.conceptsOf({ system: SYSTEM.rxnorm, code })) withIngredient.add(u);
            concepts = withIngredient;
          }
        }
        const current =
          (r.resourceType === 'MedicationStatement' && r.status === 'active') ||
          (r.resourceType === 'MedicationRequest' &&
            r.status === 'active' &&
            (r.intent === 'order' || r.intent === 'original-order' || r.intent === 'instance-order'));
        const use: MedicationUse = { resource: r, ref: ref(r), concept, match, concepts, current, identification };
        if (text) use.text = text;
        if (resolved.medication) {
          use.medication = resolved.medication;
          use.ingredients = resolved.ingredients;
        }
        return use;
      });
  }

  conditions(url: string): IndexedCondition[] {
    return this.conditionsBy.get(url) ?? [];
  }

  activeConditions(url: string): IndexedCondition[] {
    return this.conditions(url).filter((c) => c.active);
  }

  /** Final observations in the concept (and preliminary vital signs: PRELIMINARY_READ), newest first. */
  observations(url: string): IndexedObservation[] {
    return this.observationsBy.get(url) ?? [];
  }

  procedures(url: string): fhir4.Procedure[] {
    return this.proceduresBy.get(url) ?? [];
  }

  devices(url: string): fhir4.Device[] {
    return this.devicesBy.get(url) ?? [];
  }

  allergies(url: string): fhir4.AllergyIntolerance[] {
    return this.allergiesBy.get(url) ?? [];
  }

  currentMedications(url: string): MedicationUse[] {
    return this.medicationUses.filter((m) => m.current && m.concepts.has(url));
  }

  private readonly memo = new Map<string, unknown>();

  /** A value derived from the record once per call, however many rules ask for it. */
  once<T>(key: string, derive: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, derive());
    return this.memo.get(key) as T;
  }
}
