/**
 * The patient-view TRD card fits on one screen (issue 17: at most 900 px tall) now that its tables
 * live on the explanation page: rendered by the one card renderer in headless Chromium at the width of
 * an EHR card panel, for a candidate, a contraindicated patient, an unknown pregnancy and a patient with
 * many problems at once. Every card of those calls is measured too, and a screenshot of each call's
 * cards is kept in test/artefacts/patient-view/ to be checked by eye.
 */
import { join } from 'node:path';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../cds-services/index.js';
import { SOURCES } from '../../cds-services/assessment/sources.js';
import { CARD_CSS, renderCards } from '../../cds-services/cards/render-html.js';
import { ExplanationStore } from '../../src/cds-hooks/explanations.js';
import type { Card, CdsResponse } from '../../src/cds-hooks/protocol.js';
import { explainPage } from '../../src/runtime.js';
import { obs, patient } from '../builders/fhir.js';
import { prefetchFor } from '../builders/prefetch.js';
import { SAFETY_SCENARIOS } from '../builders/safety-scenarios.js';
import { candidate } from '../builders/scenarios.js';
import { buildTestApp } from '../helpers/app.js';
import { artefactDir, launchChromium } from '../helpers/browser.js';
import { testKnowledge } from '../helpers/knowledge.js';

const MAX_HEIGHT_PX = 900;
const PANEL_WIDTH_PX = 640;

const store = new ExplanationStore({ ttlSeconds: 60, maxEntries: 50, maxBytes: 1024 ** 2 });
const app = buildTestApp({
  services: createServices(testKnowledge(), { explanations: store }),
  pages: [explainPage(store)],
  env: { PUBLIC_BASE_URL: 'https://trd.example.org' },
}).app;

const situations: Record<string, () => fhir4.Resource[]> = {
  candidate: () => candidate(),
  contraindicated: () => candidate({ patient: patient({ gender: 'female', age: 30 }) }, obs.hcg('positive', 3)),
  'unknown-pregnancy': () => candidate({ patient: patient({ gender: 'female', age: 30 }) }),
  'many-problems': SAFETY_SCENARIOS['many-problems-at-once']!,
  'imminent-suicide-risk': SAFETY_SCENARIOS['cssrs-type-5-this-week']!,
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function patientView(resources: fhir4.Resource[], i: number): Promise<Card[]> {
  const hookInstance = `0f0e0d0c-0b0a-4909-8807-${String(i).padStart(12, '0')}`;
  const res = await request(app)
    .post('/cds-services/trd-patient-view')
    .send({ hook: 'patient-view', hookInstance, context: { userId: 'Practitioner/1', patientId: 'p1' }, prefetch: prefetchFor(resources) });
  expect(res.status).toBe(200);
  return (res.body as CdsResponse).cards;
}

describe('patient-view cards on one screen', () => {
  it('the TRD card, and every card of these calls, is at most 900 px tall at an EHR panel width', async () => {
    const page = await browser.newPage({ viewport: { width: PANEL_WIDTH_PX, height: 1000 } });
    const tooTall: string[] = [];
    let i = 0;
    for (const [name, build] of Object.entries(situations)) {
      const cards = await patientView(build(), ++i);
      await page.setContent(`<!doctype html><meta charset="utf-8"><style>body{margin:8px;background:#f5f6f8}${CARD_CSS}</style>${renderCards(cards)}`);
      const heights = (await page.evaluate(`[...document.querySelectorAll('.cds-card')].map((el) => el.getBoundingClientRect().height)`)) as number[];
      heights.forEach((h, k) => {
        if (h > MAX_HEIGHT_PX) tooTall.push(`${name}: ${Math.round(h)} px: ${cards[k]!.summary}`);
      });
      expect(
        cards.some((c) => c.source.label === SOURCES.trdDefinition.label),
        name,
      ).toBe(true);
      await page.screenshot({ path: join(artefactDir('patient-view'), `${name}.png`), fullPage: true });
    }
    expect(tooTall).toEqual([]);
    await page.close();
  }, 120_000);
});
