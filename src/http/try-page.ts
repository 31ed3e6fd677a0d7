import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';
import type { Card } from '../cds-hooks/protocol.js';
import { InvalidRequest, NotFound } from '../errors.js';

export interface TryPageDeps {
  /** Folder of the page's static files: index.html, its script, styles and example data. */
  assetsDir: string;
  /** The one card renderer (cards to HTML) and the stylesheet it needs. */
  renderCards: (cards: readonly Card[]) => string;
  cardCss: string;
  maxBodyBytes: number;
}

// The page loads only its own files and calls only this service: no CDN, no third-party request.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The try-it page (`GET /try`): a page served by the service itself that calls its own hooks with
 * synthetic data, as an EHR would, and shows the cards. The server side is only static files and
 * `POST /try/render` ({ cards } -> the cards as HTML, from the one card renderer), so the page shows
 * exactly what the explanation page and the layout tests show. Mounted only when TRY_PAGE is on.
 */
export function tryPageRouter(deps: TryPageDeps): Router {
  const router = express.Router();
  const noStore: express.RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  };
  router.use('/try', noStore);

  router.get('/try', (_req, res) => {
    const index = join(deps.assetsDir, 'index.html');
    if (!existsSync(index)) throw new NotFound('Try page files are missing', [{ field: 'path', message: 'index.html not found' }]);
    res.sendFile(index);
  });
  router.get('/try/cards.css', (_req, res) => {
    res.type('text/css').send(deps.cardCss);
  });
  router.post('/try/render', express.json({ limit: deps.maxBodyBytes }), (req, res) => {
    const cards = (req.body as { cards?: unknown } | undefined)?.cards;
    if (!Array.isArray(cards) || !cards.every((c) => c !== null && typeof c === 'object')) {
      throw new InvalidRequest('Invalid cards', [{ field: 'cards', message: 'must be an array of CDS Hooks cards' }]);
    }
    res.type('text/html').send(deps.renderCards(cards as Card[]));
  });
  router.use('/try', express.static(deps.assetsDir, { index: false, fallthrough: true, dotfiles: 'ignore' }));
  return router;
}
