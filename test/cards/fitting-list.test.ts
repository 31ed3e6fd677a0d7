import { describe, expect, it } from 'vitest';
import { fittingList } from '../../cds-services/cards/problems.js';

// A card summary lists what fits in its room; what does not is counted, and a first item too long for
// the room is cut at a word, never replaced by a bare count ("1 problems").
describe('fittingList', () => {
  it.each([
    { name: 'all-items-fit', items: ['a PHQ-9', 'a weight'], room: 40, expected: 'a PHQ-9, a weight' },
    {
      name: 'the-rest-counted',
      items: ['a PHQ-9 within 30 days', 'a weight within 30 days', 'a heart rate'],
      room: 40,
      expected: 'a PHQ-9 within 30 days and 2 more',
    },
    {
      name: 'one-long-item-cut-at-a-word',
      items: ["confirmation that 'Severe episode of recurrent major depressive disorder' is a current MDD episode"],
      room: 60,
      expected: "confirmation that 'Severe episode of recurrent major…",
    },
    {
      name: 'long-first-item-cut-and-the-rest-counted',
      items: ["confirmation that 'Severe episode of recurrent major depressive disorder' is a current MDD episode", 'a weight'],
      room: 60,
      expected: "confirmation that 'Severe episode of recurrent… and 1 more",
    },
  ])('$name', ({ items, room, expected }) => {
    const text = fittingList(items, room);
    expect(text).toBe(expected);
    expect(text.length).toBeLessThanOrEqual(room);
  });
});
