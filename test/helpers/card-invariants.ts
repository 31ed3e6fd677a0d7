import { expect } from 'vitest';
import type { Card } from '../../src/cds-hooks/protocol.js';
import { knowledge } from './knowledge.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** CDS Hooks 2.0 card rules and FHIR validity of every suggested resource. */
export function expectValidCards(cards: Card[]): void {
  const validator = knowledge().fhirValidator;
  for (const card of cards) {
    const where = `card "${card.summary}"`;
    expect(card.summary.length, where).toBeLessThan(140);
    expect(['info', 'warning', 'critical'], where).toContain(card.indicator);
    expect(card.source.label.length, where).toBeGreaterThan(0);
    expect(card.source.url, where).toMatch(/^https:\/\//);
    expect(card.uuid, where).toMatch(UUID);
    expect(card.detail ?? '', where).not.toMatch(/<[a-z/]/i); // Markdown, no raw HTML
    for (const reason of card.overrideReasons ?? [])
      expect(reason, where).toEqual({ system: expect.any(String), code: expect.any(String), display: expect.any(String) });
    if (!card.suggestions?.length) {
      expect(card.selectionBehavior, where).toBeUndefined();
      continue;
    }
    expect(['at-most-one', 'any'], where).toContain(card.selectionBehavior);
    const recommended = card.suggestions.filter((s) => s.isRecommended);
    expect(recommended.length, where).toBeLessThanOrEqual(1);
    if (recommended.length) expect(card.selectionBehavior, where).toBe('at-most-one');
    for (const s of card.suggestions) {
      expect(s.uuid, where).toMatch(UUID);
      expect(s.label.length, where).toBeGreaterThan(0);
      expect(s.actions.length, where).toBeGreaterThan(0);
      for (const action of s.actions) {
        expect(action.description.length, where).toBeGreaterThan(0);
        if (action.type === 'delete') {
          expect(action.resourceId, where).toMatch(/^[A-Za-z]+\/.+/);
          expect('resource' in action, where).toBe(false);
          continue;
        }
        const r = action.resource as fhir4.Resource & {
          status?: string;
          intent?: string;
          subject?: fhir4.Reference;
          code?: unknown;
          medicationCodeableConcept?: unknown;
        };
        expect(validator.validate(r), `${where}: ${r.resourceType}`).toEqual([]);
        expect(['draft', 'active'], where).toContain(r.status);
        expect(r.intent, where).toBeTruthy();
        expect(r.subject?.reference, where).toMatch(/^Patient\//);
        expect(r.code ?? r.medicationCodeableConcept, where).toBeTruthy();
        for (const d of (r as fhir4.MedicationRequest).dosageInstruction ?? []) {
          for (const dr of d.doseAndRate ?? []) expect(dr.doseQuantity?.system, where).toBe('http://unitsofmeasure.org');
        }
      }
    }
  }
}
