/**
 * order-select / order-sign cards from an order review: for each in-scope draft, a critical card
 * per absolute contraindication (cancel offered), a warning per unknown absolute contraindication
 * with the order that settles it, the cautions the loop guard lets through, one card for the
 * order's dosing (OR-3 .. OR-7) carrying the complete protocol order as its update, the age,
 * overlap, same-session vital signs and TMS-parameter cards, and the monitoring card. A draft
 * out of scope gets nothing; scope unknown gets one info card; unidentified drafts one card per call.
 * Every summary names the product and the route actually ordered (CD-3).
 */
import type { Card, Indicator } from '../../src/cds-hooks/protocol.js';
import type { Assessment } from '../assessment/assess.js';
import { sourceOf, type Finding, type RuleSource } from '../assessment/findings.js';
import { parseFhirDate } from '../assessment/fhir-read.js';
import { SOURCES } from '../assessment/sources.js';
import { INDICATOR_RANK, byIndicator, findingsTable, joinMarkdown, makeCard, md, table, type Markdown } from '../cards/card.js';
import { capitalise, orderAction, ordersForMissing, type PresentContext } from '../cards/common.js';
import {
  PROBLEM_NAMES,
  clause,
  clauseOptions,
  episodeInDoubt,
  findingSentence,
  firstFitting,
  inSentence,
  joinNames,
  problemOf,
  type Problem,
} from '../cards/problems.js';
import { monitoringActions } from '../cards/suggested-orders.js';
import { PAYER_NOTE } from '../assessment/rules/combination.js';
import { ROUTE_WORD } from './dosage.js';
import type { OrderCheck } from './checks.js';
import type { DraftReview, OrderReview } from './review.js';

const DOSING_RULES = new Set(['OR-3', 'OR-4', 'OR-5', 'OR-6', 'OR-7']);
/** The card budget of an order call (CD-1): at most four cards for each draft in scope. [local] */
export const ORDER_MAX_CARDS_PER_DRAFT = 4;

const SOURCE_OF: Record<string, RuleSource> = {
  'OR-1': SOURCES.ketamineConsensus,
  'OR-2': SOURCES.ketalarLabel,
  'OR-3': SOURCES.ketamineConsensus,
  'OR-4': SOURCES.ketamineConsensus,
  'OR-5': SOURCES.ketamineConsensus,
  'OR-6': SOURCES.spravatoLabel,
  'OR-7': SOURCES.spravatoLabel,
  'OR-8': SOURCES.spravatoLabel,
  'OR-9': SOURCES.spravatoLabel,
  'OR-10': SOURCES.spravatoLabel,
  'OR-13': SOURCES.medicareTmsLcd,
  'MO-9': SOURCES.combinationProtocol,
  'RC-17': SOURCES.cssrs,
};

/** The treatment as ordered: product and route ("IM ketamine", "intranasal esketamine (SPRAVATO)", "TMS"). */
export function treatmentName(r: DraftReview): string {
  if (r.draft.drug === 'tms') return 'TMS';
  const route = r.dosage?.route ?? 'unknown';
  if (r.draft.drug === 'esketamine') {
    if (route === 'nasal' || route === 'unknown' || route === 'other') return 'intranasal esketamine (SPRAVATO)';
    return `${ROUTE_WORD[route]} esketamine`;
  }
  const word = ROUTE_WORD[route];
  return word ? `${word} ketamine` : 'ketamine';
}

/** The treatment in the fewest words, for a summary naming several ("IV ketamine and esketamine"): SPRAVATO is only intranasal. */
const shortName = (r: DraftReview): string => (r.draft.drug === 'esketamine' && treatmentName(r).startsWith('intranasal') ? 'esketamine' : treatmentName(r));

/** How a draft is named in a detail: its product words, else its position (never its id, OR-1). */
const draftWords = (r: DraftReview) => (r.draft.label ? `"${r.draft.label}"` : `draft order ${r.draft.position}`);
/** An unidentified draft in words, with the codes it carries that resolve to no drug here (OR-1, DS-4). */
const unidentifiedWords = (r: DraftReview) =>
  r.draft.unresolvedCodes?.length ? `${draftWords(r)} (${r.draft.unresolvedCodes.join(', ')}: a code this service cannot resolve to a drug)` : draftWords(r);

/**
 * What would identify the drafts: an order already coded needs the drug's name beside its code (its
 * text or the code's display), never "code it" again; an order with no code needs a name or a code. (OR-1, DS-4)
 */
const unidentifiedAdvice = (drafts: DraftReview[]): string =>
  drafts.every((r) => r.draft.unresolvedCodes?.length)
    ? "Add the drug's name to the order (its text, or its code's display), or send its Medication resource with the order."
    : 'Name the drug in the order (its text), code it in RxNorm, or send its Medication resource with the order.';

const STATUS_WORDS: Record<OrderCheck['status'], string> = { 'as-ordered': 'fits', differs: 'differs', unknown: 'unknown' };

function checksTable(checks: OrderCheck[]): Markdown {
  return table(
    ['Check', 'Ordered', 'Expected', 'Result'],
    checks.map((c) => [
      c.rule,
      c.ordered,
      c.expected,
      c.status === 'unknown'
        ? `unknown: needs ${c.needed ?? 'more data'}`
        : c.status === 'differs'
          ? `${STATUS_WORDS[c.status]}: ${c.phrase}`
          : STATUS_WORDS[c.status],
    ]),
  );
}

/** Rule ids in their number order: OR-3 before OR-4 before OR-10. */
const byRuleNumber = (x: string, y: string) => x.localeCompare(y, 'en', { numeric: true });

const worst = (checks: OrderCheck[]): OrderCheck => [...checks].sort((a, b) => INDICATOR_RANK[a.indicator] - INDICATOR_RANK[b.indicator])[0]!;

type ItemKind = 'contraindication' | 'deferral' | 'unknown' | 'check' | 'caution';

/** One thing a card says about one draft: a patient-level finding that reaches it, or a group of its checks. */
interface Item {
  problem: string;
  kind: ItemKind;
  r: DraftReview;
  indicator: Indicator;
  finding?: Finding;
  checks?: OrderCheck[];
}

const KIND_RANK: Record<ItemKind, number> = { contraindication: 0, deferral: 1, unknown: 2, check: 3, caution: 4 };
/** Within one indicator and kind, a contraindication or caution rule leads before an eligibility one (RC-1 before EL-9). */
const FAMILY_RANK: Record<string, number> = { CI: 0, RC: 1, OR: 2, MO: 3, EL: 4 };
const familyOf = (i: Item) => FAMILY_RANK[(i.finding?.rule ?? i.checks?.[0]?.rule ?? '').slice(0, 2)] ?? 5;
const byWeight = (x: Item, y: Item) =>
  INDICATOR_RANK[x.indicator] - INDICATOR_RANK[y.indicator] || KIND_RANK[x.kind] - KIND_RANK[y.kind] || familyOf(x) - familyOf(y);
/** On the indication card the most decisive reason leads (CD-3): no depressive disorder, episode in doubt, the EL-2 verdict, then MO-6. */
const INDICATION_RANK: Record<string, number> = { 'EL-1': 0, 'EL-4': 1, 'EL-2': 2, 'MO-6': 3 };
const byIndication = (x: Item, y: Item) =>
  INDICATOR_RANK[x.indicator] - INDICATOR_RANK[y.indicator] || (INDICATION_RANK[x.finding?.rule ?? ''] ?? 9) - (INDICATION_RANK[y.finding?.rule ?? ''] ?? 9);
const uniqueFindings = (items: readonly Item[]) => [...new Set(items.flatMap((i) => (i.finding ? [i.finding] : [])))];
const rulesIn = (items: readonly Item[]) => [...new Set(items.flatMap((i) => (i.finding ? [i.finding.rule] : (i.checks ?? []).map((c) => c.rule))))];

/** A short reading of a contraindication for a summary: its title, with the reading that decided it (CI-6: "BP 186/114 mmHg on <date>"). */
function contraindicationPhrase(f: Finding): string {
  const reading = typeof f.data?.['reading'] === 'string' ? `, ${f.data['reading']}` : '';
  return `${inSentence(f.title)}${reading}`;
}

/** What the card says of each draft's part in the problem, a line per treatment (CD-6: words, not ids). */
function itemLine(i: Item): Markdown {
  const name = capitalise(treatmentName(i.r));
  if (i.finding?.rule === 'MO-6')
    // Outside both labelled indications (PI 1): said as such, not as the REMS card's monotherapy note.
    return md`- **${name}** (${draftWords(i.r)}): off-label. No current oral antidepressant and TRD not shown: the label covers TRD, or MDD with acute suicidal ideation alongside an oral antidepressant (MO-6).`;
  if (i.finding) {
    const how =
      i.kind === 'contraindication'
        ? 'contraindicated'
        : i.kind === 'deferral'
          ? 'deferred until the same-day evaluation is documented'
          : i.kind === 'unknown'
            ? 'could not be ruled out'
            : i.finding.status === 'unknown'
              ? 'caution, to confirm before starting'
              : 'caution';
    return md`- **${name}** (${draftWords(i.r)}): ${how}. ${findingSentence(i.finding)} (${i.finding.rule}).`;
  }
  const c = worst((i.checks ?? []).filter((x) => x.status !== 'as-ordered'));
  return md`- **${name}** (${draftWords(i.r)}): ${c.phrase} (${c.rule}).`;
}

/**
 * One card for one problem, however many drafts it touches (CD-1): the most serious part leads the
 * summary naming every treatment it applies to, the others are lines in the detail, and the card
 * carries each settling order once.
 */
function problemCard(items: Item[], ctx: PresentContext): Card {
  const sorted = [...items].sort(items[0]?.problem === 'trd-status' ? byIndication : byWeight);
  const lead = sorted[0]!;
  const leading = sorted.filter((i) => i.kind === lead.kind && (i.finding?.rule ?? i.checks?.[0]?.rule) === (lead.finding?.rule ?? lead.checks?.[0]?.rule));
  const names = leading.map((i) => treatmentName(i.r));
  const ids = `(${rulesIn(sorted).join(', ')})`;
  const f = lead.finding!;
  const settle = [...new Set(sorted.flatMap((i) => (i.finding ? (i.finding.settledBy ?? []) : [])))];
  const settling = settle.map((template) => {
    const label = ordersForMissing({ settledBy: [template] } as Finding)[0]!.label;
    return { label, actions: [orderAction(ctx, template, label)] };
  });
  const cancels = sorted
    .filter((i) => i.kind === 'contraindication' || i.kind === 'deferral')
    .filter((i, n, all) => all.findIndex((x) => x.r === i.r) === n)
    .map((i) => {
      const name = treatmentName(i.r);
      return {
        label: `Cancel the draft ${name} order`,
        actions: [{ type: 'delete' as const, description: `Remove the draft ${name} order`, resourceId: i.r.draft.ref }],
      };
    });
  const findings = uniqueFindings(sorted);
  let summary: string;
  if (lead.kind === 'contraindication') {
    summary = firstFitting(
      `Do not order ${joinNames(names, 'or')}: ${contraindicationPhrase(f)} ${ids}`,
      `Do not order ${joinNames(names, 'or')}: ${inSentence(f.title)} ${ids}`,
      `Do not order ${joinNames(names, 'or')} ${ids}`,
    );
  } else if (lead.kind === 'deferral') {
    summary = firstFitting(`Start ${joinNames(names)} only after a same-day suicide risk evaluation ${ids}`, `Same-day suicide risk evaluation first ${ids}`);
  } else if (lead.kind === 'unknown') {
    // CD-3: a gap is worded as a gap, never as "not excluded".
    summary = firstFitting(
      `Before ${joinNames(names)}: ${inSentence(findingSentence(f))} ${ids}`,
      `Before ${joinNames(names)}: ${f.missing[0] ?? 'more data'} needed ${ids}`,
      `Before ${joinNames(names)}: ${inSentence(f.title)} could not be checked ${ids}`,
    );
  } else if (problemOf(f) === 'trd-status' && ['EL-1', 'EL-2'].includes(f.rule)) {
    summary = indicationSummary(sorted, names, ids);
  } else if (f.rule === 'EL-4') {
    // The current episode in doubt (a latest score below the remission cut): said as the TRD card says it.
    summary = firstFitting(
      `${capitalise(joinNames(names))}: ${inSentence(findingSentence(f))} ${ids}`,
      `${capitalise(joinNames(names))}: confirm the episode is current ${ids}`,
    );
  } else if (f.status === 'unknown') {
    // A caution the record suggests but a clinician must confirm (RC-1 on a provisional bipolar II diagnosis): said as such.
    summary = firstFitting(
      `Before ${joinNames(names)}: ${inSentence(findingSentence(f))} ${ids}`,
      `Before ${joinNames(names)}: confirm ${inSentence(f.title)} ${ids}`,
    );
  } else {
    // Review 4: "Caution with IV ketamine: CNS depressant (RC-3)" named neither the drug found nor why it matters.
    // A caution is said in the rules' own words (the drug or diagnosis found, then its consequence and action), cut
    // at a clause boundary to fit; the problem's titles (RC-1 and EL-9: "bipolar disorder, conflicting active
    // diagnoses") only when no words of the finding fit.
    // Information on the same problem (RC-22 beside RC-3) is a line of the detail; the caution's words lead the summary.
    const said = findings.filter((x) => sorted.some((i) => i.finding === x && i.indicator === lead.indicator));
    const ids = `(${[...new Set(said.map((x) => x.rule))].join(', ')})`;
    const titles = [...new Set(said.map((x) => inSentence(x.title)))];
    // A name in title case ("Atrial Fibrillation: ...") keeps its capitals inside the sentence.
    const sentences = said.map((x) => findingSentence(x)).map((w) => (/^[A-Z][a-z]+ [A-Z]/.test(w) ? w : inSentence(w)));
    // Several findings on one problem: each keeps its first clause, so none is cut away whole.
    const options = (who: string) =>
      sentences.length === 1
        ? clauseOptions(`Caution with ${who}: `, sentences[0]!, ` ${ids}`)
        : [`Caution with ${who}: ${sentences.join('; ')} ${ids}`, `Caution with ${who}: ${sentences.map((w) => w.split(/; |\. /)[0]).join('; ')} ${ids}`];
    summary = firstFitting(
      ...options(joinNames(names)),
      ...options(joinNames(leading.map((i) => shortName(i.r)))),
      `Caution with ${joinNames(names)}: ${titles.join(', ')} ${ids}`,
      `Caution with ${joinNames(names)}: ${inSentence(f.title)} ${ids}`,
      `Caution with ${joinNames(names)} ${ids}`,
    );
  }
  const indicator = lead.kind === 'caution' && sorted.every((i) => i.indicator === 'info') ? 'info' : lead.indicator;
  return makeCard(
    {
      summary,
      indicator,
      // The lead finding's source for the lead treatment (the ketamine label for IV ketamine, IFCN for TMS).
      source: sourceOf(f, lead.r.modality),
      detail: [
        joinMarkdown(sorted.map(itemLine), '\n'),
        lead.kind === 'contraindication' ? md`Cancel the draft order, or document why it should proceed.` : undefined,
        findings.length ? findingsTable(findings, ctx.nameRecord, oralAntidepressantStatus) : undefined,
      ],
      suggestions: [...cancels, ...settling],
      selectionBehavior: 'any',
      ...(indicator !== 'info' ? { overrideReasons: ctx.knowledge.overrideReasons } : {}),
    },
    ctx.newId,
  );
}

/**
 * The indication card's summary (CD-3: the most decisive reason first, EL-1 before the EL-2 count): no depressive
 * disorder, TRD not documented or TRD unknown, naming every treatment ordered; esketamine outside both labelled
 * indications is said in words (MO-6). Tester: SPRAVATO signed with no antidepressant trial on record got no card;
 * review 4: orders with no depressive disorder read only "TRD not documented, 0 failed attempts".
 */
function indicationSummary(sorted: readonly Item[], names: readonly string[], ids: string): string {
  const f = sorted[0]!.finding!;
  const who = capitalise(joinNames(names));
  const offLabel = sorted.some((i) => i.finding?.rule === 'MO-6');
  const onlyEsketamine = sorted.every((i) => i.r.draft.drug === 'esketamine');
  const esk = offLabel ? (onlyEsketamine ? ' and no oral antidepressant: off-label' : '; esketamine off-label: no oral antidepressant') : '';
  if (f.rule === 'EL-1') {
    const reason = (f.data?.['reason'] as string | undefined) ?? '';
    const why = reason === 'no-mdd' ? 'no depressive disorder on record' : inSentence(findingSentence(f));
    return firstFitting(
      esk ? `${who}: ${why}${esk}; confirm the diagnosis ${ids}` : '',
      esk ? `${who}: ${why}${esk} ${ids}` : '',
      `${who}: ${why}; confirm the diagnosis ${ids}`,
      `${who}: ${why} ${ids}`,
      `${who}: no current depressive episode on record ${ids}`,
    );
  }
  const d = (f.data ?? {}) as { failedTrials?: number; unknownTrials?: number; summaryReason?: string; medicationHistory?: string };
  const needed = /(\d+) are needed/.exec(f.note ?? '')?.[1] ?? '2';
  if (f.status === 'unknown' && d.medicationHistory === 'unavailable') return `${who}: TRD unknown: medication history unavailable ${ids}`;
  if (f.status === 'unknown') {
    // CD-4: counts from part of the medication list are lower bounds.
    const counts = `${d.medicationHistory ? 'at least ' : ''}${d.failedTrials ?? 0} failed, ${d.unknownTrials ?? 0} undecided`;
    return firstFitting(
      `${who}: TRD unknown: ${counts}${d.summaryReason ? ` (${d.summaryReason})` : ''} ${ids}`,
      `${who}: TRD unknown: ${counts} ${ids}`,
      `${who}: TRD unknown ${ids}`,
    );
  }
  // RC-13's words, with the undecided attempts as patient-view's TRD card names them (one fluoxetine trial of unknown
  // adequacy is not "no treatment").
  const counts = `${d.failedTrials ?? 0} of ${needed} failed adequate attempts${d.unknownTrials ? `, ${d.unknownTrials} undecided` : ''}`;
  return firstFitting(
    esk && onlyEsketamine ? `${who}: off-label here: TRD not documented (${counts}) and no oral antidepressant ${ids}` : '',
    esk && onlyEsketamine ? `${who}: off-label here: TRD not documented and no oral antidepressant ${ids}` : '',
    esk ? `${who}: TRD not documented: ${counts}${esk} ${ids}` : '',
    esk ? `${who}: TRD not documented${esk} ${ids}` : '',
    `${who}: TRD not documented: ${counts} ${ids}`,
    `${who}: TRD not documented ${ids}`,
  );
}

/** Checks of the same kind (OR-8 age, OR-9 overlap, OR-10 pre-dose vital signs) across drafts: one card, naming each treatment. */
function checkGroupCard(items: Item[], ctx: PresentContext, also: Item[] = []): Card {
  const sorted = [...items].sort(byWeight);
  if (sorted.length === 1 && !also.length) return checksCard(sorted[0]!.r, sorted[0]!.checks!, ctx, false);
  const top = worst(sorted.flatMap((i) => i.checks!).filter((c) => c.status !== 'as-ordered'));
  const same = sorted.filter((i) => i.checks!.some((c) => c.phrase === top.phrase));
  const names = joinNames(same.map((i) => capitalise(treatmentName(i.r))).map((n, k) => (k ? inSentence(n) : n)));
  const ids = `(${[...new Set([top.rule, ...rulesIn(sorted), ...rulesIn(also)])].join(', ')})`;
  const alsoFinding = also[0]?.finding;
  // The BP finding folded in is named by its first clause ("BP 150/92 mmHg on <date> is above 140/90"). A heart rate
  // the check already names (RC-19 on the pre-dose HR) is not said twice: what RC-19 adds is its action.
  const alsoSentence = alsoFinding ? inSentence(findingSentence(alsoFinding)) : '';
  const restated = alsoFinding?.rule === 'RC-19' && /pre-dose HR /.test(top.phrase);
  const alsoWords = restated ? alsoSentence.replace(/(^|; )heart rate [^:;]*/, '') : alsoSentence;
  const summary = firstFitting(
    alsoWords.startsWith(': ') ? `${names}: ${top.phrase}${alsoWords} ${ids}` : '',
    alsoWords.startsWith(': ') ? `${names}: ${top.phrase}${alsoWords.split('; ')[0]} ${ids}` : '',
    alsoWords && !alsoWords.startsWith(': ') ? `${names}: ${top.phrase}; ${alsoWords} ${ids}` : '',
    alsoWords && !alsoWords.startsWith(': ') ? `${names}: ${top.phrase}; ${alsoWords.split(/: |; /)[0]} ${ids}` : '',
    // A raised BP is never the part dropped for length: it leads, and the gap becomes "record ... before the dose".
    alsoWords && top.needed ? `${names}: ${alsoWords.split(/: |; /)[0]}; record ${top.needed} before the dose ${ids}` : '',
    alsoWords && top.needed ? `${capitalise(treatmentName(sorted[0]!.r))}: ${alsoWords.split(/: |; /)[0]}; record ${top.needed} ${ids}` : '',
    `${names}: ${top.phrase} ${ids}`,
    `${capitalise(treatmentName(sorted[0]!.r))}: ${top.phrase} ${ids}`,
  );
  const settle = [
    ...new Set([
      ...sorted.flatMap((i) => i.checks!.flatMap((c) => (c.status !== 'as-ordered' ? (c.settledBy ?? []) : []))),
      ...also.flatMap((i) => i.finding?.settledBy ?? []),
    ]),
  ];
  const indicator = [...sorted, ...also].sort(byWeight)[0]!.indicator;
  return makeCard(
    {
      summary,
      indicator,
      source: SOURCE_OF[top.rule] ?? SOURCES.ketamineConsensus,
      detail: [
        joinMarkdown([...sorted, ...also].map(itemLine), '\n'),
        ...sorted.map((i) => checksTable(i.checks!)),
        also.length ? findingsTable(uniqueFindings(also), ctx.nameRecord) : undefined,
      ],
      suggestions: settle.map((template) => {
        const label = ordersForMissing({ settledBy: [template] } as Finding)[0]!.label;
        return { label, actions: [orderAction(ctx, template, label)] };
      }),
      selectionBehavior: 'any',
      ...(indicator !== 'info' || top.override ? { overrideReasons: ctx.knowledge.overrideReasons } : {}),
    },
    ctx.newId,
  );
}

/** One card for a group of checks on the order, with the update (complete protocol order) and settling orders. */
function checksCard(r: DraftReview, checks: OrderCheck[], ctx: PresentContext, withUpdate: boolean): Card {
  const name = treatmentName(r);
  const problems = checks.filter((c) => c.status !== 'as-ordered');
  const top = worst(problems.length ? problems : checks);
  const others = problems.filter((c) => c !== top);
  const dose = r.dosage?.dose?.text;
  const lead = DOSING_RULES.has(top.rule) && dose ? `${capitalise(name)} ${dose}` : capitalise(name);
  // Review 4: "also OR-4, OR-5 (OR-3)" told a clinician nothing. The other problems are named in words (each
  // check's first clause: "no infusion duration", "no schedule given"), every rule id in one parenthesis at the end.
  const firstClause = (c: OrderCheck) => c.phrase.split('; ')[0]!;
  const alsoWords = [...new Set(others.map(firstClause).filter((w) => w !== firstClause(top)))];
  const allIds = `(${[...new Set([top.rule, ...others.map((c) => c.rule)])].sort(byRuleNumber).join(', ')})`;
  const alsoOptions = alsoWords.length
    ? [
        `${lead}: ${top.phrase}; also ${alsoWords.join(', ')} ${allIds}`,
        `${lead}: ${firstClause(top)}; also ${alsoWords.join(', ')} ${allIds}`,
        `${lead}: ${top.phrase}, and ${alsoWords.length} more ${alsoWords.length === 1 ? 'problem' : 'problems'} in the detail ${allIds}`,
      ]
    : [];
  const settle = [...new Set(checks.flatMap((c) => (c.status !== 'as-ordered' ? (c.settledBy ?? []) : [])))];
  const suggestions = [
    ...(withUpdate && r.update
      ? [
          {
            label: `Change to the protocol order: ${r.update.dosageInstruction?.[0]?.text ?? ''}`.slice(0, 200),
            actions: [{ type: 'update' as const, description: `Replace the draft's dosing with the complete protocol order`, resource: r.update }],
          },
        ]
      : []),
    ...settle.map((template) => ({
      label: ordersForMissing({ settledBy: [template] } as Finding)[0]!.label,
      actions: [orderAction(ctx, template, ordersForMissing({ settledBy: [template] } as Finding)[0]!.label)],
    })),
  ];
  const recommend = suggestions.length === 1 && withUpdate && !!r.update && top.indicator !== 'info';
  return makeCard(
    {
      // Never cut (CD-3): without the other checks' ids, then with the treatment alone, before any ellipsis.
      summary: firstFitting(...alsoOptions, `${lead}: ${top.phrase} (${top.rule})`, `${capitalise(name)}: ${top.phrase} (${top.rule})`),
      indicator: top.indicator,
      source: SOURCE_OF[top.rule] ?? SOURCES.ketamineConsensus,
      detail: [
        md`Checks of ${draftWords(r)} against the ${r.draft.drug === 'esketamine' && !r.scope?.injection ? 'label' : 'protocol'}:`,
        checksTable(checks),
        ...checks.filter((c) => c.detail).map((c) => md`${c.detail}`),
        r.weight && DOSING_RULES.has(top.rule)
          ? md`Dosing weight ${Math.round(r.weight.kg * 10) / 10} kg (${r.weight.basis}${r.weight.fellBack ? ': height or sex missing, so actual weight was used' : ''}) from ${r.weight.date.toISOString().slice(0, 10)}${r.weight.preliminary ? ' (preliminary)' : ''}${r.weight.bmi !== undefined ? `; BMI ${r.weight.bmi}` : ''}.`
          : undefined,
      ],
      suggestions: recommend ? suggestions.map((s) => ({ ...s, isRecommended: true })) : suggestions,
      selectionBehavior: recommend ? 'at-most-one' : 'any',
      ...(checks.some((c) => c.override) || top.indicator !== 'info' ? { overrideReasons: ctx.knowledge.overrideReasons } : {}),
    },
    ctx.newId,
  );
}

function infoCard(summary: string, detail: Markdown, ctx: PresentContext, indicator: Indicator = 'info', source: RuleSource = SOURCES.ketamineConsensus): Card {
  return makeCard({ summary, indicator, source, detail }, ctx.newId);
}

/**
 * MO-13 rides on the session card unless RC-2 (substance misuse) is found: then RC-2's own card
 * carries the same PDMP review and urine drug screen (CD-1: RC-2 and MO-13 make one card).
 */
function misuseSafeguards(a: Assessment): Finding | undefined {
  const mo13 = a.byRule.get('MO-13');
  return mo13 && mo13.status !== 'not-met' && a.byRule.get('RC-2')?.status !== 'met' ? mo13 : undefined;
}

/** The session card's lines: the monitoring rule's own (MO-2 / MO-3), then MO-11, MO-12 and MO-13, each with its id. */
function sessionLines(a: Assessment, monitoring: 'MO-2' | 'MO-3'): Markdown {
  const lines: string[] = [];
  for (const id of [monitoring, 'MO-11', 'MO-12']) {
    const f = a.byRule.get(id);
    const own = (f?.data?.['lines'] as string[] | undefined) ?? [];
    lines.push(...own.map((l) => `${l} (${id})`));
    // MO-11 names what the last session of a course lacks, or a sedation score that had not resolved.
    if (id === 'MO-11' && f?.note && !own.some((l) => f.note!.startsWith(l))) lines.push(`${f.note.replace(/\.$/, '')} (MO-11)`);
  }
  const mo13 = misuseSafeguards(a);
  if (mo13?.note) lines.push(`${mo13.note.replace(/\.$/, '')} (MO-13)`);
  return joinMarkdown(
    lines.map((l) => md`- ${l}`),
    '\n',
  );
}

/** The session lines that apply by any route (a non-IV ketamine order has no infusion to watch): MO-12 and MO-13, each with its id. */
function anyRouteLines(a: Assessment): Markdown {
  const lines = ((a.byRule.get('MO-12')?.data?.['lines'] as string[] | undefined) ?? []).map((l) => `${l} (MO-12)`);
  const mo13 = misuseSafeguards(a);
  if (mo13?.note) lines.push(`${mo13.note.replace(/\.$/, '')} (MO-13)`);
  return joinMarkdown(
    lines.map((l) => md`- ${l}`),
    '\n',
  );
}

/** The orders MO-13 asks for (PDMP review, urine drug screen), when it rides on this card. */
function misuseSuggestions(a: Assessment, ctx: PresentContext) {
  const mo13 = misuseSafeguards(a);
  return mo13 ? ordersForMissing(mo13).map((o) => ({ label: o.label, actions: [orderAction(ctx, o.template, o.label)] })) : [];
}

/** The order is for TRD, so EL-2 is its indication: not esketamine for acute suicidal ideation, not TMS for another reason. */
const trdIndicationApplies = (r: DraftReview) => !r.scope?.deviceSafetyOnly && !r.scope?.acuteSuicidality;

/** TRD unknown as a line of a session card (over the card budget only): the reason and what would settle it, each once. */
function trdUnknownLine(a: Assessment): Markdown {
  const el2 = a.byRule.get('EL-2')!;
  const why = (el2.data?.['summaryReason'] as string | undefined) ?? clause(el2.note ?? 'the antidepressant history is incomplete');
  return md`TRD unknown at order time: ${why}; needed: ${[...new Set(el2.missing)].join('; ') || 'the antidepressant history'} (EL-2).`;
}

/**
 * MO-6 on the REMS card, in words: an oral antidepressant is current, or esketamine is given alone, which the label
 * allows only for TRD (2025). Its status says which (CD-5: never "met" for what is a fact, not a criterion). [local wording]
 */
function oralAntidepressantLine(mo6: Finding): string {
  return mo6.data?.['onOralAntidepressant'] === false
    ? 'No current oral antidepressant: esketamine as monotherapy, labelled for TRD since 2025.'
    : (mo6.note ?? '');
}
const oralAntidepressantStatus = (f: Finding): string | undefined =>
  f.rule === 'MO-6' ? (f.data?.['onOralAntidepressant'] === false ? 'none current' : 'current') : undefined;

/** Information-only dosing checks carried on the session card: a line naming what differs, and the checks table. */
function dosingLines(drafts: readonly DraftReview[]): Markdown[] {
  return drafts.flatMap((d) => {
    const checks = d.checks.filter((c) => DOSING_RULES.has(c.rule));
    const top = worst(checks.filter((c) => c.status !== 'as-ordered'));
    return [md`Dose of ${draftWords(d)}${d.dosage?.dose?.text ? ` (${d.dosage.dose.text})` : ''}: ${top.phrase} (${top.rule}).`, checksTable(checks)];
  });
}

/**
 * IV ketamine monitoring (MO-2) or the SPRAVATO REMS card (MO-3), once per draft, with MO-11, MO-12 and
 * MO-13, and any information-only dosing checks folded in (`dosing`).
 */
function monitoringCard(
  r: DraftReview,
  a: Assessment,
  ctx: PresentContext,
  dosing: readonly DraftReview[] = [],
  indication?: Markdown,
  information: readonly Finding[] = [],
): Card {
  const also = ['MO-11', 'MO-12', ...(misuseSafeguards(a) ? ['MO-13'] : []), ...information.map((f) => f.rule)].map((id) => a.byRule.get(id)!);
  const informationLines = information.map((f) => md`- ${(f.note ?? f.title).replace(/\.$/, '')} (${f.rule})`);
  const folded = joinMarkdown([indication, ...dosingLines(dosing), ...(informationLines.length ? [joinMarkdown(informationLines, '\n')] : [])]);
  if (r.draft.drug === 'esketamine' && !r.scope?.injection) {
    const mo3 = a.byRule.get('MO-3')!;
    const mo6 = a.byRule.get('MO-6')!;
    // Outside both labelled indications, MO-6 is said on the indication card, as a warning (CD-1), not here.
    const offLabel = esketamineOffLabel(r, a);
    return makeCard(
      {
        summary: 'SPRAVATO REMS: certified setting; BP before and ~40 min after, pulse oximetry; observe 2 hours (EL-8, MO-3)',
        indicator: 'info',
        source: SOURCES.spravatoRems,
        detail: [
          folded,
          sessionLines(a, 'MO-3'),
          ...(offLabel ? [] : [md`${oralAntidepressantLine(mo6)}`]),
          findingsTable([a.byRule.get('EL-8')!, mo3, ...also, ...(offLabel ? [] : [mo6])], ctx.nameRecord, oralAntidepressantStatus),
        ],
        suggestions: [
          { label: 'Order BP and pulse oximetry monitoring around each dose', actions: monitoringActions(ctx, 'esketamine', r.draft.ref) },
          ...misuseSuggestions(a, ctx),
        ],
        selectionBehavior: 'any',
      },
      ctx.newId,
    );
  }
  const mo2 = a.byRule.get('MO-2')!;
  return makeCard(
    {
      summary: `${capitalise(treatmentName(r))} monitoring: BP and HR every 15 minutes, continuous SpO2 above 93 % (MO-2)`,
      indicator: 'info',
      source: mo2.source,
      detail: [folded, sessionLines(a, 'MO-2'), findingsTable([mo2, ...also], ctx.nameRecord)],
      suggestions: [
        { label: 'Order BP and HR every 15 minutes and continuous SpO2 for this infusion', actions: monitoringActions(ctx, 'ketamine', r.draft.ref) },
        ...misuseSuggestions(a, ctx),
      ],
      selectionBehavior: 'any',
    },
    ctx.newId,
  );
}

/** RC-15: ketamine infused during TMS, one card whose lines include the payer note (RC-14 is not a card of its own then). */
function combinationCard(a: Assessment, ctx: PresentContext): Card | undefined {
  const rc15 = a.byRule.get('RC-15')!;
  if (rc15.status !== 'met') return undefined;
  const lines = (rc15.data?.['lines'] as string[] | undefined) ?? [];
  const minutes = ctx.knowledge.thresholds.orderReview.ketamineCombinationMinInfusionMinutes.value;
  return makeCard(
    {
      summary: `${clause(rc15.note!)} (RC-15, RC-14)`,
      indicator: rc15.indicator,
      source: rc15.source,
      detail: [
        md`Combination protocol: ketamine 0.5 mg/kg infused over ${minutes} minutes during high-output TMS.`,
        joinMarkdown(
          lines.map((l) => md`- ${l}`),
          '\n',
        ),
        findingsTable([rc15, a.byRule.get('EL-3')!], ctx.nameRecord),
      ],
      ...(rc15.indicator === 'info' ? {} : { overrideReasons: ctx.knowledge.overrideReasons }),
    },
    ctx.newId,
  );
}

/** RC-14 on its own (info, below every safety card): K or E with T in one call, or one drafted while a course of the other is active. */
function payerCard(a: Assessment, review: OrderReview, ctx: PresentContext): Card | undefined {
  const drugs = new Set(review.drafts.filter((r) => r.scope?.status === 'in').map((r) => r.draft.drug));
  const courses = (a.byRule.get('MO-7')?.data?.['modalities'] as string[] | undefined) ?? [];
  const ketamines = drugs.has('ketamine') || drugs.has('esketamine');
  const withTms = (ketamines && (drugs.has('tms') || courses.includes('TMS'))) || (drugs.has('tms') && courses.some((m) => m !== 'TMS'));
  if (!withTms) return undefined;
  const rc14 = a.byRule.get('RC-14')!;
  return makeCard({ summary: `${clause(PAYER_NOTE)} (RC-14)`, indicator: 'info', source: rc14.source, detail: md`${PAYER_NOTE}` }, ctx.newId);
}

function isDeceased(a: Assessment): boolean {
  const p = a.index.record.patient.items[0];
  if (!p) return false;
  if (p.deceasedBoolean === true) return true;
  const died = parseFhirDate(p.deceasedDateTime);
  return died !== undefined && died.getTime() <= a.now.getTime();
}

/**
 * What each in-scope draft brings, as items under their problem (CD-1). A draft with a contraindication
 * found should not proceed: it brings only that. One deferred (CI-1) brings its safety gaps and
 * order-time checks, not cautions, dosing or monitoring.
 */
function itemsForDraft(r: DraftReview, a: Assessment): Item[] {
  const items: Item[] = [];
  const finding = (kind: ItemKind, f: Finding, indicator: Indicator): Item => ({ problem: problemOf(f), kind, r, finding: f, indicator });
  items.push(...r.contraindications.map((f) => finding('contraindication', f, 'critical')));
  items.push(...r.deferrals.map((f) => finding('deferral', f, 'critical')));
  if (r.contraindications.length) return items;
  items.push(...r.unknownContraindications.map((f) => finding('unknown', f, 'warning')));
  const problems = r.checks.filter((c) => c.status !== 'as-ordered');
  // Safety checks that are their own problem: age, overlap, same-session vital signs.
  for (const [rule, problem] of [
    ['OR-8', 'age'],
    ['OR-9', 'overlap'],
    ['OR-10', 'pre-dose vital signs'],
    ['MO-9', 'course'],
    ['RC-17', 'ideation on the order'],
  ] as const) {
    const mine = problems.filter((c) => c.rule === rule);
    if (mine.length) items.push({ problem, kind: 'check', r, checks: mine, indicator: worst(mine).indicator });
  }
  if (r.deferrals.length) return items;
  items.push(...r.cautions.map((f) => finding('caution', f, f.indicator === 'info' ? 'info' : 'warning')));
  if (trdIndicationApplies(r)) items.push(...indicationItems(r, a).map((i) => ({ ...finding('caution', i.finding, i.indicator), problem: 'trd-status' })));
  return items;
}

/**
 * The treatment's indication, for a TRD order (esketamine for acute suicidal ideation has its own label; TMS for
 * another reason gets device checks only), every modality alike, on the one TRD-status card (CD-1):
 * - no depressive disorder on record, MDD in remission or bipolar depression only (EL-1 does not meet) leads, and
 *   EL-2's count is left out: "0 failed attempts in the episode" presupposes an episode (CD-3 order: EL-1 before EL-2);
 * - a latest score below the remission cut (EL-4) puts the episode in doubt: a warning, as patient-view's TRD card
 *   leads with it [local, lead's decision on an outside tester's finding];
 * - TRD not documented (EL-2 does not meet) is a warning, never critical (the prescriber may know of trials the
 *   record lacks); TRD unknown is information naming what would settle it (RC-13: "info when EL-2 is unknown: the reason");
 * - esketamine with TRD not shown and no current oral antidepressant fits neither labelled indication (TRD, or MDD
 *   with acute suicidal ideation alongside an oral antidepressant; PI 1, rules.md MO-6): MO-6 joins the same warning.
 */
function indicationItems(r: DraftReview, a: Assessment): { finding: Finding; indicator: Indicator }[] {
  const out: { finding: Finding; indicator: Indicator }[] = [];
  const el1 = a.byRule.get('EL-1');
  const el2 = a.byRule.get('EL-2');
  const noEpisode = el1?.status === 'not-met';
  if (noEpisode) out.push({ finding: el1, indicator: 'warning' });
  if (episodeInDoubt(a)) out.push({ finding: a.byRule.get('EL-4')!, indicator: 'warning' });
  if (!noEpisode && el2?.status === 'not-met') out.push({ finding: el2, indicator: 'warning' });
  if (!noEpisode && el2?.status === 'unknown') out.push({ finding: el2, indicator: 'info' });
  const mo6 = a.byRule.get('MO-6');
  if (r.draft.drug === 'esketamine' && (noEpisode || el2?.status === 'not-met') && mo6?.data?.['onOralAntidepressant'] === false)
    out.push({ finding: mo6, indicator: 'warning' });
  return out;
}

/** Esketamine outside both labelled indications (no TRD shown, no oral antidepressant): MO-6 is on the indication card. */
const esketamineOffLabel = (r: DraftReview, a: Assessment) => trdIndicationApplies(r) && indicationItems(r, a).some((i) => i.finding.rule === 'MO-6');

/** The dosing checks (OR-3 .. OR-7) of a draft when something differs or is unknown, and none needs more than information. */
function infoOnlyDosing(r: DraftReview): OrderCheck[] | undefined {
  const dosing = r.checks.filter((c) => DOSING_RULES.has(c.rule));
  const problems = dosing.filter((c) => c.status !== 'as-ordered');
  return problems.length && problems.every((c) => c.indicator === 'info' && !c.wantsUpdate && !c.settledBy?.length) && !r.update ? dosing : undefined;
}

/**
 * The cards of one draft's own order: dosing (with the complete protocol order), TMS parameters, a
 * non-protocol route. With `foldInfoDosing`, a dosing card that would be information only is left to
 * the session card, as a line (the card budget, CD-1).
 */
function orderCards(r: DraftReview, a: Assessment, ctx: PresentContext, foldInfoDosing = false): Card[] {
  if (r.contraindications.length || r.deferrals.length) return [];
  const cards: Card[] = [];
  const problems = r.checks.filter((c) => c.status !== 'as-ordered');
  const dosing = r.checks.filter((c) => DOSING_RULES.has(c.rule));
  if (dosing.some((c) => c.status !== 'as-ordered') && !(foldInfoDosing && infoOnlyDosing(r))) cards.push(checksCard(r, dosing, ctx, true));
  const tms = problems.filter((c) => c.rule === 'OR-13');
  if (tms.length) cards.push(checksCard(r, tms, ctx, false));
  if (r.scope?.nonProtocolRoute) {
    const name = treatmentName(r);
    cards.push(
      makeCard(
        {
          summary: `${capitalise(name)} is off-label for depression; dose and infusion checks cover only the IV 0.5 mg/kg protocol (OR-2)`,
          indicator: 'info',
          source: SOURCES.ketamineConsensus,
          detail: joinMarkdown([
            md`${capitalise(draftWords(r))} is ${name}. The patient-level contraindications and cautions above apply by any route; no dose change is suggested, and there is no IV infusion to monitor (MO-2).`,
            anyRouteLines(a),
          ]),
          // The misuse safeguards apply to ketamine by any route (MO-13): their orders ride here, as on the session card.
          suggestions: misuseSuggestions(a, ctx),
          selectionBehavior: 'any',
        },
        ctx.newId,
      ),
    );
  }
  return cards;
}

function scopeUnknownCard(r: DraftReview, ctx: PresentContext): Card {
  const name = treatmentName(r);
  return infoCard(
    `If this ${name} order is for depression, add the indication to get the TRD checks (OR-2)`,
    md`${capitalise(draftWords(r))}: ${r.scope!.reason}. With a depressive indication (reasonCode or reasonReference) this order gets the TRD safety, dose and monitoring checks; ketamine for anaesthesia, analgesia or sedation gets none.`,
    ctx,
    'info',
    SOURCES.ketalarLabel,
  );
}

/**
 * Drafts whose subject is another patient than the one in context: one warning per call, no
 * suggestion. They were not checked, because this record says nothing about that patient, and a
 * verdict either way (a contraindication, or a clean result) would hide a wrong-patient error.
 * Source: CDS Hooks order-sign (draftOrders are the context patient's); the card is [local].
 */
function otherPatientCard(drafts: readonly DraftReview['draft'][], ctx: PresentContext): Card {
  const count = drafts.length === 1 ? 'A draft order names' : `${drafts.length} draft orders name`;
  const names = drafts.map((d) => (d.label ? `"${d.label}"` : `draft order ${d.position}`)).join(', ');
  return makeCard(
    {
      summary: `${count} another patient, not the patient whose chart is open; not checked against this record`,
      indicator: 'warning',
      source: SOURCES.cdsHooksOrderSign,
      detail: md`${names}: the order's subject is not the patient in context. Check that the order is in the right chart; no TRD check was run on it.`,
    },
    ctx.newId,
  );
}

/**
 * order-select `selections` that name no draft in draftOrders (an integration fault the EHR team must see,
 * never an empty answer): none matched, every draft was checked instead (info); some matched, the others
 * could not be checked (warning). No selection text on the card (it is a resource id, CD-3).
 * Source: CDS Hooks 2.0 order-select (selections reference resources in draftOrders); the card is [local].
 */
function unmatchedSelectionsCard(u: OrderReview['unmatchedSelections'], drafts: number, ctx: PresentContext): Card | undefined {
  // No draft at all is nothing ordered yet (the public sandbox sends an empty draftOrders while its order form is
  // blank): there is no order to check or to miss, and the call that carries the draft is checked.
  if (!u.count || drafts === 0) return undefined;
  const which = u.count === 1 ? 'The selected order is' : `${u.count} selected orders are`;
  const all = drafts === 1 ? 'the one draft order was' : `all ${drafts} draft orders were`;
  return makeCard(
    u.reviewedAll
      ? {
          summary: `${which} not among the draft orders sent; ${all} checked instead`,
          indicator: 'info',
          source: SOURCES.cdsHooksOrderSelect,
          detail: md`The call's selections name no order in draftOrders, so this service could not tell which order was selected and checked every draft order. CDS Hooks writes a selection as a reference into draftOrders (for example MedicationRequest/103); check the EHR's order-select integration.`,
        }
      : {
          summary: `${which} not among the draft orders sent, so not checked`,
          indicator: 'warning',
          source: SOURCES.cdsHooksOrderSelect,
          detail: md`The cards cover the selected orders that were found. The order a selection names was not in draftOrders, so no TRD check was run on it; CDS Hooks writes a selection as a reference into draftOrders (for example MedicationRequest/103); check the EHR's order-select integration.`,
        },
    ctx.newId,
  );
}

/**
 * The cards of an order review: one card per problem across every draft of the call (CD-1: a problem
 * shared by treatments is said once, naming them), the cards of each order itself (dose, TMS
 * parameters, route), session monitoring once per drug, the combination. A deceased patient gets none
 * (CD-9). An unidentified draft gives one card per call, a warning when something in it suggests
 * ketamine or esketamine (OR-1). Pre-dose vital signs (OR-10) and the BP findings of the same draft are
 * one card (CD-1: CI-6 or RC-5 and the BP request once).
 */
export function orderReviewCards(a: Assessment, review: OrderReview, ctx: PresentContext): Card[] {
  if (isDeceased(a)) return [];
  const inScope = review.drafts.filter((r) => r.scope?.status === 'in');
  const groups = new Map<string, Item[]>();
  for (const item of inScope.flatMap((r) => itemsForDraft(r, a))) groups.set(item.problem, [...(groups.get(item.problem) ?? []), item]);
  const vitals = groups.get('pre-dose vital signs');
  const bp = groups.get('blood-pressure');
  let alsoVitals: Item[] = [];
  if (vitals && bp && bp.every((i) => i.kind !== 'contraindication')) {
    alsoVitals = bp;
    groups.delete('blood-pressure');
  }
  // A cardiovascular caution resting on the same pre-dose reading (RC-19: HR above 110) is that reading's card too
  // (revision-2 OR-10: the same-session values feed RC-19; CD-1): one heart rate, one card.
  const readings = new Set(vitals?.flatMap((i) => i.checks!.flatMap((c) => c.readings ?? [])) ?? []);
  const cardiovascular = groups.get('cardiovascular');
  if (vitals && cardiovascular?.every((i) => i.kind === 'caution' && i.finding?.evidence.some((e) => readings.has(e)))) {
    alsoVitals = [...alsoVitals, ...cardiovascular];
    groups.delete('cardiovascular');
  }
  // Session monitoring once per drug (two esketamine drafts, day 1 and induction, are one REMS card).
  const sessionCards = (['ketamine', 'esketamine'] as const)
    .map((drug) => inScope.find((r) => r.draft.drug === drug && r.monitoring && !r.contraindications.length && !r.deferrals.length))
    .filter((r): r is DraftReview => r !== undefined);
  // Information about a treatment that is no caution for it (RC-10 glaucoma, RC-11 bladder, RC-22 alone) is a line of
  // its session card, read with the per-session instructions; it has its own info card only where there is none (TMS).
  const infoForSession = new Map<DraftReview, Finding[]>();
  for (const [problem, items] of groups) {
    if (problem === 'trd-status' || !items.every((i) => i.kind === 'caution' && i.finding && !i.finding.cautionFor.includes(i.r.modality!))) continue;
    const hosts = items.map((i) => sessionCards.find((m) => m.draft.drug === i.r.draft.drug));
    if (hosts.some((h) => !h)) continue;
    items.forEach((i, k) => infoForSession.set(hosts[k]!, [...new Set([...(infoForSession.get(hosts[k]!) ?? []), i.finding!])]));
    groups.delete(problem);
  }
  const cards: Card[] = [];
  let indication: Card | undefined;
  let vitalsCard: Card | undefined;
  // Cards of cautions only (never a contraindication, a gap or a check): what the budget may merge.
  const cautionCards = new Map<Card, Item[]>();
  // The course status (MO-9, information): over the budget, a line of the order's own card. [local]
  const courseCards = new Set<Card>();
  for (const [problem, items] of groups) {
    if (problem === 'age' || problem === 'overlap' || problem === 'ideation on the order') cards.push(checkGroupCard(items, ctx));
    else if (problem === 'course') {
      const card = checkGroupCard(items, ctx);
      courseCards.add(card);
      cards.push(card);
    } else if (problem === 'pre-dose vital signs') cards.push((vitalsCard = checkGroupCard(items, ctx, alsoVitals)));
    else cards.push(problemCard(items, ctx));
    if (problem === 'trd-status') indication = cards[cards.length - 1];
    else if (items.every((i) => i.kind === 'caution')) cautionCards.set(cards[cards.length - 1]!, items);
  }
  cards.push(...review.drafts.filter((r) => r.scope?.status === 'unknown').map((r) => scopeUnknownCard(r, ctx)));
  // Cards of the call as a whole: unidentified drafts, another patient's drafts, the combination or payer note.
  const callCards: Card[] = [];
  // An unidentified draft whose reason is another indication cannot be a TRD order: out of scope, silent (OR-2 step 2).
  const unidentified = review.drafts.filter(
    (r) => r.draft.drug === 'unidentified' && r.scope?.status !== 'out' && (r.draft.suggestsKetamine || a.isDepressionPatient),
  );
  if (unidentified.length) {
    const hinted = unidentified.some((r) => r.draft.suggestsKetamine);
    const count = unidentified.length === 1 ? 'one draft order' : `${unidentified.length} draft orders`;
    callCards.push(
      infoCard(
        hinted
          ? `The drug in ${count} could not be identified but may be ketamine or esketamine; no ketamine or esketamine checks were run (OR-1)`
          : `The drug in ${count} could not be identified, so ketamine and esketamine checks were not run on it (OR-1)`,
        md`Not identified: ${unidentified.map(unidentifiedWords).join(', ')}. ${unidentifiedAdvice(unidentified)}`,
        ctx,
        hinted ? 'warning' : 'info',
      ),
    );
  }
  if (review.otherPatient.length) callCards.push(otherPatientCard(review.otherPatient, ctx));
  const unmatched = unmatchedSelectionsCard(review.unmatchedSelections, review.drafts.length, ctx);
  if (unmatched) callCards.push(unmatched);
  // RC-15 carries the payer line when ketamine and TMS are drafted together and the ketamine may proceed;
  // otherwise RC-14 is its own info card, last.
  // With a ketamine course under way, the TMS draft is the part of the combination being ordered (OR-13).
  const mayProceed = (drug: string) => inScope.some((r) => r.draft.drug === drug && !r.contraindications.length && !r.deferrals.length);
  const ketamineDrafted = inScope.some((r) => r.draft.drug === 'ketamine');
  const combination = review.combination && mayProceed(ketamineDrafted ? 'ketamine' : 'tms') ? combinationCard(a, ctx) : undefined;
  const payer = review.combination ? undefined : payerCard(a, review, ctx);
  for (const c of [combination, payer]) if (c) callCards.push(c);
  // The card budget (CD-1, at most four cards per draft): over it, a dosing card that is information only
  // becomes a line of its drug's session card, so a caution to confirm is never the card that is lost. [local]
  const foldable = (r: DraftReview) => sessionCards.some((m) => m.draft.drug === r.draft.drug) && infoOnlyDosing(r) !== undefined;
  const unfolded = inScope.flatMap((r) => orderCards(r, a, ctx));
  const budget = ORDER_MAX_CARDS_PER_DRAFT * Math.max(1, inScope.length);
  const fold = cards.length + unfolded.length + sessionCards.length + callCards.length > budget;
  const own = fold ? inScope.flatMap((r) => orderCards(r, a, ctx, true)) : unfolded;
  // Still over it, TRD unknown (information, RC-13) becomes a line of the session card when every treatment it is
  // about has one (never for TMS, which has none: unknown is never silence). [local]
  const trdUnknown = indication?.indicator === 'info' && a.byRule.get('EL-2')?.status === 'unknown';
  const trdDrafts = inScope.filter((r) => trdIndicationApplies(r) && !r.contraindications.length && !r.deferrals.length);
  const foldIndication =
    trdUnknown &&
    cards.length + own.length + sessionCards.length + callCards.length > budget &&
    trdDrafts.every((r) => sessionCards.some((m) => m.draft.drug === r.draft.drug));
  if (foldIndication) cards.splice(cards.indexOf(indication!), 1);
  cards.push(...own);
  const sessionCardsMade = new Set<Card>();
  for (const first of sessionCards) {
    const card = monitoringCard(
      first,
      a,
      ctx,
      fold ? inScope.filter((r) => r.draft.drug === first.draft.drug && foldable(r)) : [],
      foldIndication ? trdUnknownLine(a) : undefined,
      infoForSession.get(first),
    );
    sessionCardsMade.add(card);
    cards.push(card);
  }
  cards.push(...callCards);
  // Over it, the course status (information) becomes the first line of the order's own card, else of its session card.
  for (const course of courseCards) {
    const host = own.find((c) => cards.includes(c)) ?? cards.find((c) => sessionCardsMade.has(c));
    if (cards.length <= budget || !host) break;
    cards.splice(cards.indexOf(course), 1);
    cards.splice(cards.indexOf(host), 1, withCourseLine(host, course));
  }
  // Still over it: the cautions become one card, each a line with its own settling orders; then the
  // session monitoring joins the pre-dose vital signs card (one problem: the patient's vital signs around
  // the dose). A contraindication, a gap or a check on the order is never merged away. [local]
  // Suicidality (RC-16, RC-17: a C-SSRS today) is never folded into a count: a same-day safety action keeps its own card (CD-2).
  const mergeable = new Map([...cautionCards].filter(([, items]) => !items.some((i) => i.problem === 'suicidality')));
  if (cards.length > budget && mergeable.size > 1) {
    const merged = cautionsCard([...mergeable.values()].flat(), ctx);
    const at = cards.findIndex((c) => mergeable.has(c));
    const rest = cards.filter((c) => !mergeable.has(c));
    rest.splice(at, 0, merged);
    cards.splice(0, cards.length, ...rest);
  }
  const session = cards.find((c) => sessionCardsMade.has(c));
  if (cards.length > budget && vitalsCard && session && inScope.length === 1) {
    cards.splice(cards.indexOf(session), 1);
    cards.splice(cards.indexOf(vitalsCard), 1, withSessionMonitoring(vitalsCard, session));
  }
  return cards.sort(byIndicator);
}

/** Several cautions on one card (over the card budget): the treatments, then the problems in words, each found finding a line. */
function cautionsCard(items: Item[], ctx: PresentContext): Card {
  const card = problemCard(items, ctx);
  const names = joinNames([...new Set(items.map((i) => treatmentName(i.r)))]);
  const problems = [...new Set(items.map((i) => PROBLEM_NAMES[i.problem as Problem] ?? i.problem))];
  const rules = rulesIn(items);
  const ids = `(${rules.join(', ')})`;
  // CD-3: under 140 characters always; the rule ids past the first two are counted, never the summary cut.
  const fewIds = rules.length > 3 ? `(${rules.slice(0, 2).join(', ')} and ${rules.length - 2} more)` : ids;
  const shortNames = joinNames([...new Set(items.map((i) => shortName(i.r)))]);
  return {
    ...card,
    summary: firstFitting(
      `Cautions with ${names}: ${problems.join('; ')} ${ids}`,
      `Cautions with ${names}: ${problems.join('; ')} ${fewIds}`,
      `Cautions with ${shortNames}: ${problems.join('; ')} ${fewIds}`,
      `Cautions with ${names}: ${problems.length} to weigh before starting ${ids}`,
      `Cautions with ${names}: ${problems.length} to weigh before starting ${fewIds}`,
      `Cautions with ${shortNames}: ${problems.length} to weigh before starting ${fewIds}`,
      `${problems.length} cautions to weigh before starting ${fewIds}`,
    ),
  };
}

/** A card with the course status card's summary and detail first (over the card budget). */
function withCourseLine(host: Card, course: Card): Card {
  return { ...host, detail: `**Course:** ${course.summary}\n\n${course.detail ?? ''}\n\n${host.detail ?? ''}` };
}

/** The pre-dose vital signs card with the session monitoring card's lines and orders (over the card budget). */
function withSessionMonitoring(vitals: Card, session: Card): Card {
  return {
    ...vitals,
    detail: `${vitals.detail ?? ''}\n\n**During the session** (${session.summary})\n\n${session.detail ?? ''}`,
    suggestions: [...(vitals.suggestions ?? []), ...(session.suggestions ?? [])],
  };
}

/** Why each draft was in or out of scope and what its checks found, for the assessment extension. */
export function orderReviewExtension(review: OrderReview) {
  const elsewhere = review.otherPatient.map((d) => ({ position: d.position, drug: d.drug, identifiedBy: d.identifiedBy, otherPatient: true, checks: [] }));
  return [
    ...review.drafts.map((r) => ({
      position: r.draft.position,
      drug: r.draft.drug,
      identifiedBy: r.draft.identifiedBy,
      ...(r.draft.medicationFrom ? { medicationFrom: r.draft.medicationFrom } : {}),
      ...(r.dosage ? { route: r.dosage.route } : {}),
      ...(r.scope ? { scope: r.scope.status, scopeReason: r.scope.reason } : {}),
      ...(r.draft.own ? { ownSuggestion: true } : {}),
      checks: r.checks.map((c) => ({ rule: c.rule, status: c.status, indicator: c.indicator, ...(c.needed ? { needed: c.needed } : {}) })),
      ...(r.suppressed.length ? { suppressedByLoopGuard: r.suppressed } : {}),
    })),
    ...elsewhere,
  ].sort((x, y) => x.position - y.position);
}
