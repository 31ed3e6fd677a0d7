import type { Action, Card, Coding, Indicator, Link, Suggestion } from '../../src/cds-hooks/protocol.js';
import { tagCardRules } from '../../src/cds-hooks/card-provenance.js';
import { joinMarkdown, Markdown, markdownTable, plainText } from '../../src/cds-hooks/markdown.js';
import type { Finding, RuleSource } from '../assessment/findings.js';
import { statusWords } from './problems.js';
import { recordKind } from '../assessment/record-words.js';

export { escapeMarkdown, joinMarkdown, Markdown, md } from '../../src/cds-hooks/markdown.js';

export const SUMMARY_MAX = 139;

/** CDS Hooks: summary under 140 characters. Cut at a word boundary with an ellipsis. */
export function summaryOf(summary: string): string {
  const text = plainText(summary);
  if (text.length <= SUMMARY_MAX) return text;
  const cut = text.slice(0, SUMMARY_MAX - 1);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 80 ? cut.lastIndexOf(' ') : cut.length)}…`;
}

/** A Markdown table: every cell that is not already `Markdown` is escaped as plain text (resource ids, notes). */
export const table = markdownTable;

/**
 * Evidence for a reader: the first few records in words (`name`: drug, dose and date; value and date;
 * CD-6), each once, then a count. Never a resource id: every reference is in the assessment extension.
 */
export function evidenceText(refs: readonly string[], name: (reference: string) => string = recordKind, shown = 3): string {
  const words = [...new Set(refs.map(name))];
  if (words.length === 0) return '—';
  const head = words.slice(0, shown).join('; ');
  return words.length > shown ? `${head} and ${words.length - shown} more` : head;
}

/**
 * The criteria behind a card: rule, status, what was found, the resources, what is missing. The status is in CD-5's
 * words (eligibility meets / does not meet; safety found / not found; monitoring to do / done), never "met";
 * `status` may word a rule of its own (MO-6: an oral antidepressant current or not).
 */
export function findingsTable(findings: Finding[], name: ((reference: string) => string) | undefined, status?: (f: Finding) => string | undefined): Markdown {
  return table(
    ['Rule', 'Criterion', 'Status', 'Found', 'Evidence', 'Needed'],
    findings.map((f) => [
      f.rule,
      f.title,
      status?.(f) ?? statusWords(f, false),
      f.note ?? '',
      evidenceText(f.evidence, name),
      [...new Set(f.missing)].join('; ') || '—',
    ]),
  );
}

export interface CardSpec {
  summary: string;
  indicator: Indicator;
  source: RuleSource;
  /** Markdown built with `md`/`table` (text from resources and requests escaped), or paragraphs of it. */
  detail?: Markdown | readonly (Markdown | undefined | false)[];
  suggestions?: Omit<Suggestion, 'uuid'>[];
  /** 'at-most-one' where suggestions are alternatives (one modality), 'any' where they add up. */
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Coding[];
  /** Absolute links (the explanation page, a crisis pathway): never SMART links, never PHI in the URL. */
  links?: Link[];
  /** The rules the card reports, for the card ledger, analytics and snooze (never sent); default: those its summary names. */
  rules?: readonly string[];
}

/** A card with every CDS Hooks 2.0 invariant: uuids, a sourced label and url, selectionBehavior with suggestions. */
export function makeCard(spec: CardSpec, newId: () => string): Card {
  const detail = spec.detail instanceof Markdown ? spec.detail.text : spec.detail ? joinMarkdown(spec.detail).text : '';
  const suggestions = (spec.suggestions ?? []).filter((s) => s.actions.length > 0).map((s) => ({ ...s, uuid: newId() }));
  const card: Card = {
    uuid: newId(),
    summary: summaryOf(spec.summary),
    indicator: spec.indicator,
    source: { label: spec.source.label, url: spec.source.url },
    ...(detail ? { detail } : {}),
    ...(suggestions.length ? { suggestions, selectionBehavior: spec.selectionBehavior ?? 'any' } : {}),
    ...(spec.overrideReasons?.length ? { overrideReasons: spec.overrideReasons } : {}),
    ...(spec.links?.length ? { links: spec.links } : {}),
  };
  return spec.rules ? tagCardRules(card, spec.rules) : card;
}

export const createAction = (resource: fhir4.Resource, description: string): Action => ({ type: 'create', description, resource });

export const INDICATOR_RANK: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 };
export const byIndicator = (a: Card, b: Card) => INDICATOR_RANK[a.indicator] - INDICATOR_RANK[b.indicator];
