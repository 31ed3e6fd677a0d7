/**
 * Card `detail` is GitHub-flavoured Markdown (CDS Hooks 2.0 §Card). Text taken from a resource or a
 * request (ids, displays, notes, order text) must never become a link, emphasis, a heading or HTML
 * on the clinician's screen: `[Open results](https://x) **URGENT**` in a resource id has to show as
 * those characters. `Markdown` is text that is safe to render; the only ways to make one are `md`
 * (which escapes everything interpolated that is not already Markdown) and `markdownTable`.
 */

/** Markdown that is safe to place in a card: built only by `md`, `markdownTable` and `joinMarkdown`. */
export class Markdown {
  private constructor(readonly text: string) {}
  /** @internal for this module's builders only. */
  static trusted(text: string): Markdown {
    return new Markdown(text);
  }
  toString(): string {
    return this.text;
  }
}

// Characters with inline meaning in CommonMark/GFM: escapes, code, emphasis, links and images,
// autolinks and HTML, entities, tables, strikethrough. A backslash before ASCII punctuation is
// always a literal in CommonMark, so escaping never changes what a reader sees.
const INLINE_SPECIAL = /[\\`*_[\]<>&|~!#]/g;
// HTML's own characters become entities: renderers that skip backslash escapes still show them as text.
const HTML_ENTITY: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };
// At the start of a line these open a block (list, heading underline, ordered list); a quote's
// `>` is already an entity. Only ASCII punctuation takes a backslash escape (CommonMark): an
// ordered-list marker is escaped on its `.` or `)` ("1\. item"), and only when a space or the end
// follows it, so "0.5 mg/kg" stays as written ("\0.5" showed its backslash in every renderer).
const BLOCK_START = /^(\s*)(?:([-+=])|(\d{1,9})([.)])(?=\s|$))/;
// Line breaks (and the Unicode ones) would let text start a block of its own; control characters
// have no business on a screen.
// eslint-disable-next-line no-control-regex
const BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g;

// Any character that could need escaping (a superset: a digit only matters at a line start).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\`*_[\]<>&|~!#\u0000-\u001f\u007f\u0085\u2028\u2029]|^\s*([-+=>]|\d)/;

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  try {
    return typeof value === 'object' ? (JSON.stringify(value) ?? '') : String(value);
  } catch {
    return '';
  }
}

/**
 * Plain text as Markdown that renders as exactly that text, on one line. Any value is accepted
 * (numbers, null, objects from odd resources) and shown as text; it never throws.
 */
export function escapeMarkdown(value: unknown): string {
  const text = asText(value);
  // Most text (rule ids, statuses, dates) has nothing to escape: one test instead of three replaces.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(BREAKS_AND_CONTROLS, ' ')
    .replace(INLINE_SPECIAL, (c) => HTML_ENTITY[c] ?? `\\${c}`)
    .replace(BLOCK_START, (_m, space: string, bullet?: string, digits?: string, mark?: string) => `${space}${bullet ? `\\${bullet}` : `${digits}\\${mark}`}`);
}

/**
 * Tagged template: the literal parts are the author's Markdown, every interpolated value that is
 * not itself `Markdown` is escaped as plain text. `md\`**Found**: ${resource.id}\``.
 */
export function md(strings: TemplateStringsArray, ...values: unknown[]): Markdown {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (v instanceof Markdown ? v.text : escapeMarkdown(v)) + strings[i + 1]!;
  }
  return Markdown.trusted(out);
}

/** Joins Markdown parts (empty and absent parts dropped), by default as paragraphs. */
export function joinMarkdown(parts: readonly (Markdown | undefined | null | false)[], separator = '\n\n'): Markdown {
  return Markdown.trusted(
    parts
      .filter((p): p is Markdown => p instanceof Markdown && p.text.length > 0)
      .map((p) => p.text)
      .join(separator),
  );
}

/** A table cell: plain text escaped (pipes included), or Markdown kept on one line. */
function cell(value: unknown): string {
  if (value instanceof Markdown) return value.text.replace(BREAKS_AND_CONTROLS, ' ').replace(/(?<!\\)\|/g, '\\|');
  return escapeMarkdown(value);
}

/** A GFM table; every header and cell that is not `Markdown` is escaped as plain text. */
export function markdownTable(header: readonly unknown[], rows: readonly (readonly unknown[])[]): Markdown {
  return Markdown.trusted(
    [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n'),
  );
}

/**
 * Card `summary` is plain text (CDS Hooks: "<140 characters"), not Markdown: it is not escaped,
 * but a resource's line breaks and control characters are flattened to spaces.
 */
export function plainText(value: unknown): string {
  return asText(value).replace(BREAKS_AND_CONTROLS, ' ');
}
