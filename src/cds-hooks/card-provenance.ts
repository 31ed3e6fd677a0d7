import type { Card } from './protocol.js';

/**
 * Which rules made a card, kept beside the card (never sent): the card ledger, feedback analytics
 * and snooze count per rule. Card builders tag each card; an untagged card falls back to the rule
 * ids its summary names ("... (CI-4)"), which every rule card's summary carries.
 */
const rulesOfCard = new WeakMap<Card, readonly string[]>();

/** A parenthesised list of rule ids, as summaries end: "(CI-4)", "(EL-8, MO-3)"; not "PHQ-9" in prose. */
const RULE_LIST = /\(([A-Z]{2,3}-\d+(?:\.\d+)?(?:,\s*[A-Z]{2,3}-\d+(?:\.\d+)?)*)\)/g;

export function tagCardRules<C extends Card>(card: C, rules: readonly string[]): C {
  rulesOfCard.set(card, [...new Set(rules)].sort());
  return card;
}

/** The card's rule ids, sorted and distinct; empty when neither tagged nor named. */
export function cardRules(card: Card): readonly string[] {
  const tagged = rulesOfCard.get(card);
  if (tagged) return tagged;
  const named: string[] = [];
  for (const m of card.summary.matchAll(RULE_LIST)) named.push(...m[1]!.split(/,\s*/));
  return named.length ? [...new Set(named)].sort() : [];
}
