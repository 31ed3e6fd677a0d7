import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/cds-hooks/protocol.js';
import { renderCard, renderCards, renderMarkdown, safeUrl } from '../../cds-services/cards/render-html.js';

const card = (over: Partial<Card> = {}): Card => ({
  uuid: 'card-1',
  summary: 'IV ketamine dose is 60 mg',
  indicator: 'warning',
  source: { label: 'Ketamine protocol', url: 'https://example.org/protocol' },
  ...over,
});

describe('renderMarkdown: only the subset cards use, never raw HTML', () => {
  it.each([
    [
      'raw HTML is shown as text',
      '<script>alert(1)</script> <img src=x onerror=alert(1)>',
      (h: string) => !h.includes('<script') && !h.includes('<img') && h.includes('&lt;script&gt;'),
    ],
    ['a javascript: link is not a link', '[click](javascript:alert(1))', (h: string) => !h.includes('href') && !h.includes('<a')],
    ['a data: link is not a link', '[x](data:text/html;base64,PHNjcmlwdD4=)', (h: string) => !h.includes('<a')],
    [
      'an https link opens safely in a new window',
      '[PI](https://example.org/pi)',
      (h: string) => h.includes('href="https://example.org/pi"') && h.includes('rel="noopener noreferrer"') && h.includes('target="_blank"'),
    ],
    ['images are not loaded', '![x](https://tracker.example/x.png)', (h: string) => !h.includes('<img')],
    ['bold and lists render', '**Cancel** the draft\n\n- one\n- two', (h: string) => h.includes('<strong>Cancel</strong>') && h.includes('<li>one</li>')],
  ])('%s', (_name, input, ok) => {
    expect(ok(renderMarkdown(input))).toBe(true);
  });

  it('renders a GitHub table with escaped pipes inside a scrolling wrapper', () => {
    const html = renderMarkdown('| Rule | Status |\n|---|---|\n| CI-4 | a \\| b |');
    expect(html).toContain('<div class="cds-table"><table>');
    expect(html).toContain('<th>Rule</th>');
    expect(html).toContain('<td>a | b</td>');
  });

  it('lets long references wrap after a slash, and long unbroken runs wrap, without splitting escapes', () => {
    const html = renderMarkdown('MedicationStatement/eM5CWtq15N0WJeuCet5bJlQ3abc & <b>');
    expect(html).toContain('MedicationStatement/<wbr>eM5CWtq15N0WJeuCet5b<wbr>JlQ3abc &amp; &lt;b&gt;');
  });
});

describe('safeUrl', () => {
  it.each([
    ['https://example.org/a', 'https://example.org/a'],
    ['http://example.org/a', 'http://example.org/a'],
    ['javascript:alert(1)', undefined],
    ['/relative', undefined],
    [42, undefined],
  ])('%s -> %s', (input, expected) => expect(safeUrl(input)).toBe(expected));
});

describe('renderCard', () => {
  it('shows the indicator, the escaped summary and the source link', () => {
    const html = renderCard(card({ summary: 'Dose <b>60</b> & "more"' }));
    expect(html).toContain('class="cds-card cds-card--warning"');
    expect(html).toContain('Dose &lt;b&gt;60&lt;/b&gt; &amp; &quot;more&quot;');
    expect(html).toContain('href="https://example.org/protocol"');
    expect(html).toContain('Ketamine protocol');
  });

  it('drops an unsafe source URL but keeps its label', () => {
    const html = renderCard(card({ source: { label: 'Evil', url: 'javascript:alert(1)' } }));
    expect(html).not.toContain('javascript:');
    expect(html).toContain('Evil');
  });

  it('renders suggestions as buttons the host can wire, disabled unless interactive', () => {
    const c = card({
      suggestions: [
        {
          uuid: 's-1',
          label: 'Change the dose to 40 mg',
          isRecommended: true,
          actions: [{ type: 'update', description: 'd', resource: { resourceType: 'MedicationRequest' } }],
        },
        { uuid: 's-2', label: 'Cancel <draft>', actions: [{ type: 'delete', description: 'd', resourceId: 'MedicationRequest/x' }] },
      ],
      selectionBehavior: 'at-most-one',
    });
    const still = renderCard(c);
    expect(still.match(/<button type="button" class="cds-suggestion[^>]* disabled>/g)).toHaveLength(2);
    const live = renderCard(c, { interactive: true });
    expect(live).toContain('data-suggestion-uuid="s-1"');
    expect(live).toContain('data-actions="update"');
    expect(live).toContain('cds-suggestion--recommended');
    expect(live).toContain('Cancel &lt;draft&gt;');
    expect(live).toContain('choose at most one');
    expect(live).not.toMatch(/class="cds-suggestion[^>]* disabled>/);
  });

  it('offers the override reasons when dismissing', () => {
    const html = renderCard(card({ overrideReasons: [{ system: 'https://trd-cds.org/override', code: 'benefit', display: 'Benefit outweighs risk' }] }), {
      interactive: true,
    });
    expect(html).toContain('<option value="https://trd-cds.org/override|benefit">Benefit outweighs risk</option>');
  });

  it('keeps only http(s) links, marking SMART apps', () => {
    const html = renderCard(
      card({
        links: [
          { label: 'Calculator', url: 'https://app.example/launch', type: 'smart' },
          { label: 'bad', url: 'javascript:x', type: 'absolute' },
        ],
      }),
    );
    expect(html).toContain('href="https://app.example/launch"');
    expect(html).toContain('(SMART app)');
    expect(html).not.toContain('bad');
  });

  it('renders an unknown indicator as info and never throws on a card without source', () => {
    const html = renderCard({ uuid: 'x', summary: 's', indicator: 'hazard', source: undefined } as unknown as Card);
    expect(html).toContain('cds-card--info');
    expect(html).toContain('unknown source');
  });
});

describe('renderCards', () => {
  it('says so when there are no cards, and keeps the order given', () => {
    expect(renderCards([])).toContain('No cards');
    const html = renderCards([card({ uuid: 'a', indicator: 'critical' }), card({ uuid: 'b', indicator: 'info' })]);
    expect(html.indexOf('data-card-uuid="a"')).toBeLessThan(html.indexOf('data-card-uuid="b"'));
  });
});
