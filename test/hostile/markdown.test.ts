import { describe, expect, it } from 'vitest';
import { escapeMarkdown, joinMarkdown, markdownTable, md } from '../../src/cds-hooks/markdown.js';
import { callHook } from '../helpers/hooks.js';
import { icd } from '../builders/fhir.js';
import { candidate } from '../builders/scenarios.js';

const LINK_ID = '[Open results](https://evil.example/x) **URGENT**';

describe('Markdown escaping of text from resources and requests', () => {
  it.each([
    ['a link with emphasis', LINK_ID, '\\[Open results\\](https://evil.example/x) \\*\\*URGENT\\*\\*'],
    ['raw HTML', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['an entity', '&lt;b&gt;', '&amp;lt;b&amp;gt;'],
    ['a heading after a line break', 'ok\n# Heading', 'ok \\# Heading'],
    ['a list marker at the start', '- item', '\\- item'],
    ['an ordered list marker at the start', '1. item', '1\\. item'],
    ['a closing-parenthesis list marker', '2) item', '2\\) item'],
    ['a decimal at the start is no list marker (was shown as "\\0.5")', '0.5 mg/kg = 40 mg for 80 kg', '0.5 mg/kg = 40 mg for 80 kg'],
    ['a table pipe', 'a | b', 'a \\| b'],
    ['code and strikethrough', '`x` ~~y~~', '\\`x\\` \\~\\~y\\~\\~'],
    ['unicode line separators', 'a\u2028b\u2029c', 'a b c'],
    ['plain words stay as they are', 'Condition/mdd-1 active 2026-11-01', 'Condition/mdd-1 active 2026-11-01'],
  ])('%s', (_name, input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('accepts any value without throwing (numbers, null, objects, arrays)', () => {
    expect(escapeMarkdown(42)).toBe('42');
    expect(escapeMarkdown(null)).toBe('');
    expect(escapeMarkdown({ a: '[x](y)' })).toBe('{"a":"\\[x\\](y)"}');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(escapeMarkdown(cyclic)).toBe('');
  });

  it('md escapes interpolated text but keeps the author Markdown and nested Markdown', () => {
    const inner = md`**${'*bold*'}**`;
    expect(md`Found ${LINK_ID}; ${inner}`.text).toBe('Found \\[Open results\\](https://evil.example/x) \\*\\*URGENT\\*\\*; **\\*bold\\***');
    expect(joinMarkdown([md`a`, undefined, false, md``, md`b`]).text).toBe('a\n\nb');
  });

  it('table cells are escaped, pipes and line breaks included', () => {
    expect(markdownTable(['Rule', 'Evidence'], [['EL-1', 'Condition/a|b\n**x**']]).text).toBe(
      '| Rule | Evidence |\n|---|---|\n| EL-1 | Condition/a\\|b \\*\\*x\\*\\* |',
    );
  });

  it('text from a resource that is a Markdown link reaches the card as text, never as a link (reproducer)', async () => {
    // Cards name conditions by their text and keep resource ids to the assessment extension (CD-6), so
    // the hostile text rides in both the id and the condition's text.
    const base = icd('I21.4', { id: LINK_ID, onsetDaysAgo: 30 });
    const infarction = { ...base, code: { ...base.code, text: LINK_ID } };
    const res = await callHook('patient-view', candidate({}, infarction));
    const details = res.cards.map((c) => c.detail ?? '').join('\n');
    expect(details).toContain('\\[Open results\\](https://evil.example/x) \\*\\*URGENT\\*\\*');
    expect(details).not.toContain(LINK_ID);
    expect(res.cards.some((c) => c.indicator === 'critical')).toBe(true);
  });
});
