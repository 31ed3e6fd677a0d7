import { describe, expect, it } from 'vitest';
import { cardRules, tagCardRules } from '../../src/cds-hooks/card-provenance.js';
import type { Card } from '../../src/cds-hooks/protocol.js';

const card = (summary: string): Card => ({ uuid: 'u', summary, indicator: 'info', source: { label: 's' } });

describe('the rules behind a card', () => {
  it.each([
    ['one rule named at the end', 'IV ketamine contraindicated: pregnancy (CI-4)', ['CI-4']],
    ['a list of rules', 'Spravato REMS: certified setting (EL-8, MO-3)', ['EL-8', 'MO-3']],
    ['several parenthesised rules, repeated', 'Cautions: a (RC-5); b (RC-1); c (RC-5)', ['RC-1', 'RC-5']],
    ['a sub-rule', 'Trial counted (EL-2.4)', ['EL-2.4']],
    ['a score name in prose is no rule', 'Missing data: PHQ-9 within 30 days', []],
    ['no rule at all', 'TRD criteria met', []],
  ])('%s', (_name, summary, rules) => {
    expect(cardRules(card(summary))).toEqual(rules);
  });

  it('a tag given by the card builder wins over the summary', () => {
    expect(cardRules(tagCardRules(card('TRD criteria met (CI-1)'), ['EL-2', 'EL-1', 'EL-2']))).toEqual(['EL-1', 'EL-2']);
  });
});
