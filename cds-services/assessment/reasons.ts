/**
 * Reasons as the rules read them: what an order, a medication record or a draft says it is for
 * (`reasonCode`, and `reasonReference` to a Condition of the record or a contained one). One reader
 * for order scope (OR-2) and for the indication filter of antidepressant trials (revision-2 EL-2.3).
 */
import { normaliseSystem } from '../../src/terminology/normalise.js';
import type { Terminology } from '../../src/terminology/terminology.js';
import { VS } from './concepts.js';
import type { RecordIndex } from './record.js';

export type ReasonKind = 'depressive' | 'suicidality' | 'other' | 'unreadable';

/** A resource that may carry reasons: MedicationRequest, MedicationStatement, MedicationAdministration, ServiceRequest. */
export type WithReasons = fhir4.Resource & { reasonCode?: fhir4.CodeableConcept[]; reasonReference?: fhir4.Reference[]; contained?: fhir4.Resource[] };

const DEPRESSIVE_SETS = [
  VS.mddCurrentEpisode,
  VS.treatmentResistantDepression,
  VS.depressionNeedsConfirmation,
  VS.mddInRemission,
  VS.postpartumDepression,
  VS.bipolar,
];
const DEPRESSIVE_WORDS = /\b(depress\w*|MDD|TRD)\b/i;

/**
 * The code systems the depressive ValueSets are written in (ICD-10-CM, SNOMED CT, and any other the data adds),
 * per terminology: a code of one of them that none of the sets holds is known not to be a depressive disorder.
 * A code of any other system (WHO ICD-10, ICD-10-GM, an EHR's local diagnosis code) cannot be read here.
 */
const readSystemsOf = new WeakMap<Terminology, ReadonlySet<string>>();
function depressiveSystems(t: Terminology): ReadonlySet<string> {
  let systems = readSystemsOf.get(t);
  if (!systems) {
    systems = new Set(DEPRESSIVE_SETS.flatMap((url) => t.codes(url).map((c) => normaliseSystem(c.system) ?? '')));
    readSystemsOf.set(t, systems);
  }
  return systems;
}

function kindOfConcept(cc: fhir4.CodeableConcept | undefined, t: Terminology): ReasonKind {
  if (!cc || typeof cc !== 'object') return 'unreadable';
  if (DEPRESSIVE_SETS.some((url) => t.matchingCoding(cc, url))) return 'depressive';
  if (t.matchingCoding(cc, VS.suicidalityAcute)) return 'suicidality';
  const words = [cc.text, ...(Array.isArray(cc.coding) ? cc.coding.map((c) => c?.display) : [])].filter((w): w is string => typeof w === 'string');
  if (words.some((w) => DEPRESSIVE_WORDS.test(w))) return 'depressive';
  if (words.some((w) => /suicid/i.test(w))) return 'suicidality';
  // Another indication only when it can be read as one: words that name it (a clinician reads "Pharyngitis"), or a
  // code of a system the depressive sets are written in. A code the service cannot read (F33.2 in WHO ICD-10 or
  // ICD-10-GM, a local code with no display) is unknown, never "not depression" (revision-2 OR-2 step 2 names
  // indications known to be other: anaesthesia, analgesia, agitation).
  if (words.some((w) => w.trim() !== '')) return 'other';
  const systems = depressiveSystems(t);
  const readable = (Array.isArray(cc.coding) ? cc.coding : []).some(
    (c) => typeof c?.code === 'string' && c.code.trim() !== '' && systems.has(normaliseSystem(c.system) ?? ''),
  );
  return readable ? 'other' : 'unreadable';
}

/**
 * The concepts a resource gives as its reasons, in order: each `reasonCode`, and for each
 * `reasonReference` the code of the Condition it names (contained, or in the record by
 * `Condition/<id>` or an absolute URL ending so), else its `display` as text, else undefined.
 */
function reasonConcepts(resource: WithReasons, index: RecordIndex): (fhir4.CodeableConcept | undefined)[] {
  const out: (fhir4.CodeableConcept | undefined)[] = [];
  for (const cc of Array.isArray(resource.reasonCode) ? resource.reasonCode : []) out.push(cc);
  for (const r of Array.isArray(resource.reasonReference) ? resource.reasonReference : []) {
    const reference = r?.reference;
    const condition =
      typeof reference === 'string' && reference.startsWith('#')
        ? (Array.isArray(resource.contained) ? resource.contained : []).find((c) => c?.resourceType === 'Condition' && c.id === reference.slice(1))
        : index.record.conditions.items.find(
            (c) => typeof reference === 'string' && (reference === `Condition/${c.id}` || reference.endsWith(`/Condition/${c.id}`)),
          );
    const code = (condition as fhir4.Condition | undefined)?.code;
    // A reference we cannot read may still say what it is in its display.
    out.push(code ?? (typeof r?.display === 'string' && r.display ? { text: r.display } : undefined));
  }
  return out;
}

/** The kinds of a resource's reasons (empty when it gives none). */
export function reasonKinds(resource: WithReasons, index: RecordIndex, t: Terminology): ReasonKind[] {
  return reasonConcepts(resource, index).map((cc) => kindOfConcept(cc, t));
}

/**
 * EL-2.3: what a medication record was prescribed for.
 * - `depressive`: a depressive (or suicidality) reason among its reasons;
 * - `unstated`: no reason, or one that cannot be read (counted as today: it may be depression);
 * - `anxiety`: only non-depressive reasons, one of them an anxiety, obsessive-compulsive or trauma
 *   disorder (F40-F42, F43.1x), which EL-2.3 leaves undecided while a depressive disorder is active;
 * - `other`: only non-depressive reasons (fibromyalgia, pain, migraine, smoking cessation...).
 */
export function medicationIndication(resource: WithReasons, index: RecordIndex): 'depressive' | 'unstated' | 'anxiety' | 'other' {
  const t = index.knowledge.terminology;
  const concepts = reasonConcepts(resource, index);
  const kinds = concepts.map((cc) => kindOfConcept(cc, t));
  if (kinds.length === 0 || kinds.includes('unreadable')) return kinds.some((k) => k === 'depressive' || k === 'suicidality') ? 'depressive' : 'unstated';
  if (kinds.some((k) => k === 'depressive' || k === 'suicidality')) return 'depressive';
  return concepts.some((cc) => cc && t.matchingCoding(cc, VS.anxietyOcdTraumaDisorders)) ? 'anxiety' : 'other';
}
