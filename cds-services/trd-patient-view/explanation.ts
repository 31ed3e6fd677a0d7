// The explanation page of one patient-view call: the full assessment behind its cards, in the words
// of CD-5 (meets / does not meet / unknown; found / not found / could not check), with no resource ids (CD-6).

import type { Card } from '../../src/cds-hooks/protocol.js';
import type { Explanation } from '../../src/cds-hooks/explanations.js';
import type { Assessment } from '../assessment/assess.js';
import { MODALITIES, MODALITY_NAMES, type Finding } from '../assessment/findings.js';
import { table } from '../cards/card.js';
import { PROBLEM_NAMES, problemOf, statusWords } from '../cards/problems.js';

const VERDICT_WORDS = {
  contraindicated: 'contraindicated',
  deferred: 'deferred (same-day suicide risk evaluation first)',
  caution: 'caution',
  clear: 'no contraindication found',
} as const;

const rules = (ids: readonly string[]) => ids.join(', ') || '—';
const found = (f: Finding) => f.note ?? '';
const needed = (f: Finding) => (f.status === 'unknown' || f.status === 'not-met' ? f.missing.join('; ') : '') || '—';

/**
 * A section of the page: its rows are taken now, its Markdown table is written when the page is read.
 * Most pages are never opened, so no call pays for escaping and joining tables no one sees; the rows
 * hold only strings, never the assessment (a kept page must not keep the patient's record alive).
 */
function section(heading: string, header: readonly string[], rows: readonly (readonly unknown[])[], empty?: string) {
  let markdown: string | undefined;
  return {
    heading,
    get markdown(): string {
      return (markdown ??= empty !== undefined && !rows.length ? empty : table(header, rows).text);
    },
  };
}

/** The explanation of a call, from its assessment and the cards it returned. */
export function explanationOf(a: Assessment, cards: readonly Card[]): Explanation {
  const safety = a.findings.filter((f) => f.kind === 'absolute' || f.kind === 'relative');
  const monitoring = a.findings.filter((f) => f.kind === 'monitoring');
  return {
    title: `TRD assessment of ${a.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    cards,
    sections: [
      section(
        'Treatments',
        ['Treatment', 'Verdict', 'Because of', 'Not checked'],
        MODALITIES.map((m) => [MODALITY_NAMES[m], VERDICT_WORDS[a.modalities[m].status], rules(a.modalities[m].because), rules(a.modalities[m].notChecked)]),
      ),
      section(
        'Eligibility',
        ['Rule', 'Criterion', 'Status', 'Found', 'Needed'],
        a.criteria.map((f) => [f.rule, f.title, statusWords(f), found(f), needed(f)]),
      ),
      section(
        'Safety checks',
        ['Rule', 'Problem', 'Check', 'Status', 'Found', 'Would settle it'],
        safety.map((f) => [f.rule, PROBLEM_NAMES[problemOf(f)], f.title, statusWords(f), found(f), needed(f)]),
      ),
      section(
        'Antidepressant trials',
        ['Attempt', 'Kind', 'Outcome', 'How it was decided', 'Needed'],
        a.trials.map((t) => [t.ingredient, t.kind, t.status.replace(/-/g, ' '), t.note ?? '', t.missing.join('; ') || '—']),
        'No antidepressant trial in the episode look-back.',
      ),
      section(
        'Monitoring',
        ['Rule', 'Item', 'Status', 'Detail'],
        monitoring.map((f) => [f.rule, f.title, statusWords(f), found(f)]),
      ),
    ],
  };
}
