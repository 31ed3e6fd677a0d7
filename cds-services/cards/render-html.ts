/**
 * The one renderer of CDS Hooks 2.0 cards to HTML, as an EHR shows them: indicator colour, summary,
 * detail Markdown, suggestion buttons, links, source label and link, override reasons.
 *
 * Used by the try-it page (`GET /try`), the explanation page (`/explain/{page}`) and the
 * card-layout screenshot tests. Pure: strings in, an HTML string out; no I/O, no clock, no HTTP.
 * Imports nothing but the protocol types, so it may be used from any page or test.
 *
 * Safety: every text is escaped. Detail Markdown is rendered with raw HTML off and only the subset
 * cards use (paragraphs, headings, lists, tables, emphasis, inline code, code blocks, rules, links);
 * links and the source URL are kept only when they are absolute http(s) URLs, and open in a new
 * window with `rel="noopener noreferrer"`. Images and source icons are never loaded (a card must not
 * make the browser fetch from a third party).
 *
 * Hosts wire behaviour through data attributes, not inline script (so a strict CSP works):
 * each card has `data-card-uuid`; each suggestion button `data-suggestion-uuid`; the dismiss form's
 * `<select data-override-reasons>` holds the card's override reasons as `system|code` values.
 */
import MarkdownIt from 'markdown-it';
import type { Card, Coding, Indicator, Link, Suggestion } from '../../src/cds-hooks/protocol.js';

export interface RenderOptions {
  /** Suggestion and dismiss buttons can be pressed (the try-it page). Default false: shown disabled. */
  interactive?: boolean;
  /** The heading level of each card's summary (default 3), to fit the page around it. */
  headingLevel?: 2 | 3 | 4;
}

const INDICATOR_LABEL: Record<Indicator, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

/** HTML-escapes text for element content and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** An absolute http(s) URL, or undefined (javascript:, data:, relative and malformed URLs are dropped). */
export function safeUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const markdown = (() => {
  const md = new MarkdownIt('zero', { html: false, linkify: false, typographer: false, breaks: false });
  md.enable(['heading', 'lheading', 'list', 'table', 'code', 'fence', 'blockquote', 'hr']);
  md.enable(['newline', 'escape', 'backticks', 'emphasis', 'strikethrough', 'link', 'entity']);
  md.validateLink = (url) => safeUrl(url) !== undefined;
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx]!.attrSet('target', '_blank');
    tokens[idx]!.attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  // Long references (Observation/…, uuids) may wrap after a slash or underscore, and any run of 20
  // characters without a break may wrap, so a table cell never widens the card.
  md.renderer.rules.text = (tokens, idx) => breakable(escapeHtml(tokens[idx]!.content));
  // A wide table scrolls inside the card instead of widening it.
  md.renderer.rules.table_open = () => '<div class="cds-table"><table>\n';
  md.renderer.rules.table_close = () => '</table></div>\n';
  return md;
})();

function breakable(escaped: string): string {
  return escaped.replace(/([/_])(?=[^\s])/g, '$1<wbr>').replace(/[^\s/_\-&;<>]{20}(?=[^\s&;<>])/g, '$&<wbr>');
}

/**
 * Card detail Markdown (GitHub-flavoured subset: tables included) to safe HTML. Raw HTML in the
 * Markdown is shown as text, never interpreted.
 */
export function renderMarkdown(text: string): string {
  return markdown.render(String(text ?? ''));
}

function link(url: string | undefined, label: string, cls: string): string {
  return url
    ? `<a class="${cls}" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`
    : `<span class="${cls}">${escapeHtml(label)}</span>`;
}

function suggestionButtons(card: Card, interactive: boolean): string {
  const suggestions = Array.isArray(card.suggestions) ? card.suggestions : [];
  if (!suggestions.length) return '';
  const behaviour = card.selectionBehavior === 'at-most-one' ? 'at-most-one' : 'any';
  const buttons = suggestions.map((s: Suggestion) => {
    const kinds = (Array.isArray(s.actions) ? s.actions : [])
      .map((a) => a?.type)
      .filter(Boolean)
      .join(' ');
    return (
      `<button type="button" class="cds-suggestion${s.isRecommended ? ' cds-suggestion--recommended' : ''}"` +
      ` data-card-uuid="${escapeHtml(card.uuid)}" data-suggestion-uuid="${escapeHtml(s.uuid)}" data-actions="${escapeHtml(kinds)}"` +
      `${interactive ? '' : ' disabled'}>${s.isRecommended ? '<span class="cds-suggestion__star" aria-label="recommended">★</span> ' : ''}${escapeHtml(s.label)}</button>`
    );
  });
  const hint = behaviour === 'at-most-one' && suggestions.length > 1 ? '<span class="cds-card__hint">choose at most one</span>' : '';
  return `<div class="cds-card__suggestions" data-selection-behavior="${behaviour}">${buttons.join('')}${hint}</div>`;
}

function links(card: Card): string {
  const list = (Array.isArray(card.links) ? card.links : [])
    .map((l: Link) => ({ l, url: safeUrl(l?.url) }))
    .filter((x) => x.url)
    .map(({ l, url }) => `<li>${link(url, l.label, 'cds-card__link')}${l.type === 'smart' ? ' <span class="cds-card__hint">(SMART app)</span>' : ''}</li>`);
  return list.length ? `<ul class="cds-card__links">${list.join('')}</ul>` : '';
}

function overrideForm(card: Card, interactive: boolean): string {
  const reasons = Array.isArray(card.overrideReasons) ? card.overrideReasons : [];
  const disabled = interactive ? '' : ' disabled';
  const options = reasons.map((r: Coding) => `<option value="${escapeHtml(`${r.system}|${r.code}`)}">${escapeHtml(r.display || r.code)}</option>`).join('');
  const select = reasons.length
    ? `<label>Reason <select data-override-reasons data-card-uuid="${escapeHtml(card.uuid)}"${disabled}><option value="">(none)</option>${options}</select></label> `
    : '';
  return (
    `<div class="cds-card__dismiss">${select}` +
    `<button type="button" class="cds-dismiss" data-card-uuid="${escapeHtml(card.uuid)}"${disabled}>Dismiss</button></div>`
  );
}

/**
 * One card as an `<article class="cds-card cds-card--{indicator}">`. Unknown indicators render as
 * info; a missing source label renders as "unknown source". Never throws on a malformed card.
 */
export function renderCard(card: Card, options: RenderOptions = {}): string {
  const interactive = options.interactive ?? false;
  const level = options.headingLevel ?? 3;
  const indicator: Indicator = Object.hasOwn(INDICATOR_LABEL, card.indicator) ? card.indicator : 'info';
  const source = card.source ?? { label: '' };
  return [
    `<article class="cds-card cds-card--${indicator}" data-card-uuid="${escapeHtml(card.uuid)}" data-indicator="${indicator}">`,
    `<header class="cds-card__header"><span class="cds-card__indicator">${INDICATOR_LABEL[indicator]}</span>`,
    `<h${level} class="cds-card__summary">${escapeHtml(card.summary)}</h${level}></header>`,
    card.detail ? `<div class="cds-card__detail">${renderMarkdown(card.detail)}</div>` : '',
    suggestionButtons(card, interactive),
    links(card),
    `<footer class="cds-card__footer"><span class="cds-card__source">Source: ${link(safeUrl(source.url), source.label || 'unknown source', 'cds-card__source-link')}</span>`,
    overrideForm(card, interactive),
    `</footer></article>`,
  ].join('');
}

/** Cards in the order given, inside `<section class="cds-cards">`; "No cards" when there are none. */
export function renderCards(cards: readonly Card[], options: RenderOptions = {}): string {
  if (!cards.length) return '<section class="cds-cards"><p class="cds-cards__empty">No cards</p></section>';
  return `<section class="cds-cards">${cards.map((c) => renderCard(c, options)).join('')}</section>`;
}

/** The stylesheet the rendered cards need; pages serve or inline it (it loads nothing). */
export const CARD_CSS = `
.cds-cards{display:flex;flex-direction:column;gap:12px;max-width:100%}
.cds-cards__empty{color:#555;font-style:italic}
.cds-card{box-sizing:border-box;max-width:100%;border:1px solid #d0d5dd;border-left:6px solid #1565c0;border-radius:6px;background:#fff;padding:10px 14px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;color:#1d2433;overflow-wrap:anywhere}
.cds-card--info{border-left-color:#1565c0}
.cds-card--warning{border-left-color:#e6a100;background:#fffdf5}
.cds-card--critical{border-left-color:#c62828;background:#fff8f8}
.cds-card__header{display:flex;align-items:baseline;gap:8px}
.cds-card__indicator{flex:none;font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;padding:2px 6px;border-radius:3px;color:#fff;background:#1565c0}
.cds-card--warning .cds-card__indicator{background:#8a6100}
.cds-card--critical .cds-card__indicator{background:#c62828}
.cds-card__summary{margin:0;font-size:15px;font-weight:600;line-height:1.35}
.cds-card__detail{margin-top:6px}
.cds-card__detail p{margin:6px 0}
.cds-card__detail h1,.cds-card__detail h2,.cds-card__detail h3,.cds-card__detail h4{font-size:14px;margin:10px 0 4px}
.cds-card__detail ul,.cds-card__detail ol{margin:4px 0;padding-left:20px}
.cds-card__detail code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;background:#f1f3f6;padding:0 3px;border-radius:3px}
.cds-card__detail pre{overflow-x:auto;background:#f1f3f6;padding:6px}
.cds-table{max-width:100%;overflow-x:auto;margin:6px 0}
.cds-table table{border-collapse:collapse;font-size:12px;width:100%}
.cds-table th,.cds-table td{border:1px solid #d0d5dd;padding:3px 5px;text-align:left;vertical-align:top;overflow-wrap:break-word}
.cds-table th{background:#f1f3f6}
.cds-card__suggestions{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin-top:8px}
.cds-suggestion{font:inherit;font-size:13px;padding:4px 10px;border:1px solid #1565c0;border-radius:4px;background:#fff;color:#0d47a1;cursor:pointer;max-width:100%;text-align:left}
.cds-suggestion--recommended{background:#1565c0;color:#fff}
.cds-suggestion:disabled{cursor:default;opacity:.85}
.cds-card__hint{font-size:12px;color:#555}
.cds-card__links{margin:8px 0 0;padding-left:18px}
.cds-card__footer{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:8px;margin-top:8px;padding-top:6px;border-top:1px solid #eceef2;font-size:12px;color:#444}
.cds-card__dismiss{display:flex;gap:6px;align-items:center}
.cds-card__dismiss select,.cds-dismiss{font:inherit;font-size:12px;max-width:260px}
.cds-card a{color:#0d47a1}
`;
