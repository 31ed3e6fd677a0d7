import express, { type Router } from 'express';
import type { ExplanationStore } from '../cds-hooks/explanations.js';
import type { Card } from '../cds-hooks/protocol.js';
import { NotFound } from '../errors.js';

export interface ExplainPageDeps {
  store: ExplanationStore;
  /** The one card renderer and the Markdown renderer it uses (cds-services/cards/render-html.ts). */
  renderCards: (cards: readonly Card[]) => string;
  renderMarkdown: (markdown: string) => string;
  escapeHtml: (text: string) => string;
  cardCss: string;
}

// The page loads nothing: its styles are inline under a hash-free policy that allows only them.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * `GET /explain/{page}`: the full assessment behind one patient-view call, linked from its
 * TRD card, so the card itself stays short. Kept for EXPLAIN_TTL_SECONDS; then, or for an unknown
 * id, 404 with a page that says so. Never cached, never indexed, no referrer sent onwards.
 */
export function explainPageRouter(deps: ExplainPageDeps): Router {
  const router = express.Router();
  router.get('/explain/:page', (req, res) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Robots-Tag', 'noindex');
    const explanation = deps.store.get(String(req.params['page']));
    if (!explanation) {
      if (!deps.store.enabled) throw new NotFound('Explanation pages are off', [{ field: 'page', message: 'EXPLAIN_TTL_SECONDS is 0' }]);
      res
        .status(404)
        .type('text/html')
        .send(
          page(
            'Explanation not available',
            '<p>This explanation has expired, or it is kept by another instance of the service. Open the chart again for a new one.</p>',
            deps.cardCss,
          ),
        );
      return;
    }
    const body = [
      `<section aria-label="Cards">${deps.renderCards(explanation.cards)}</section>`,
      ...explanation.sections.map((s) => `<section><h2>${deps.escapeHtml(s.heading)}</h2>${deps.renderMarkdown(s.markdown)}</section>`),
    ].join('\n');
    res.type('text/html').send(page(deps.escapeHtml(explanation.title), body, deps.cardCss));
  });
  return router;
}

function page(title: string, body: string, css: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${css}
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.5rem}</style></head>
<body><h1>${title}</h1>
${body}
</body></html>`;
}
