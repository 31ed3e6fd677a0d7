/**
 * The override analytics page in headless Chromium (playwright-core driving Debian's chromium)
 * against the real app with a seeded ledger: the token from the URL fragment is used, the table
 * shows each rule's figures, both charts draw (Chart.js served by the app itself, no other
 * origin), and a screenshot is kept in test/artefacts/analytics/overrides.png.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagCardRules } from '../../src/cds-hooks/card-provenance.js';
import type { Card } from '../../src/cds-hooks/protocol.js';
import type { CdsStore } from '../../src/store/index.js';
import { buildTestApp } from '../helpers/app.js';
import { artefactDir, launchChromium } from '../helpers/browser.js';
import { movableClock, openTestStore } from '../helpers/store.js';

const TOKEN = 'page-analytics-token-0123456789';
const clock = movableClock('2026-11-27T12:00:00Z');
let store: CdsStore;
let server: Server;
let origin: string;
let browser: Browser;

let n = 0;
const card = (rule: string, indicator: Card['indicator']): Card =>
  tagCardRules({ uuid: `00000000-0000-4000-b000-${String(++n).padStart(12, '0')}`, summary: 's', indicator, source: { label: 'x' } }, [rule]);

beforeAll(async () => {
  ({ store } = await openTestStore({ clock }));
  const call = { service: 'trd-patient-view', hook: 'patient-view', hookInstance: 'h', patientId: 'p', userId: 'u' };
  const items: Parameters<CdsStore['feedback']>[1][number][] = [];
  const weeks = ['2026-11-04', '2026-11-11', '2026-11-18', '2026-11-25'];
  weeks.forEach((day, w) => {
    const shown = [
      ...Array.from({ length: 6 }, () => card('CI-6', 'critical')),
      ...Array.from({ length: 8 }, () => card('RC-5', 'warning')),
      ...Array.from({ length: 5 }, () => card('EL-2', 'info')),
    ];
    store.ledger.record(call, 'k', shown, new Date(`${day}T10:00:00Z`));
    shown.forEach((c, i) => {
      if (c.indicator === 'warning' && i % 8 < 2 + w)
        items.push({
          card: c.uuid,
          outcome: 'overridden',
          acceptedSuggestions: [],
          overrideReason: { code: i % 2 ? 'benefit-outweighs-risk' : 'already-addressed' },
        });
      else if (c.indicator === 'critical' && i % 3 === 0)
        items.push({ card: c.uuid, outcome: 'overridden', acceptedSuggestions: [], overrideReason: { code: 'specialist-approved' } });
      else if (i % 2 === 0) items.push({ card: c.uuid, outcome: 'accepted', acceptedSuggestions: [] });
    });
  });
  await store.feedback('trd-patient-view', items);
  const { app } = buildTestApp({ services: [], store, clock, env: { ANALYTICS_TOKEN: TOKEN } });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await store?.close();
});

describe('the override analytics page in headless Chromium', () => {
  it('draws the table and both charts from the JSON report, loading nothing from another origin; screenshot kept', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin)) foreign.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/analytics?from=2026-11-01&to=2026-12-01#token=${TOKEN}`);
    await page.waitForSelector('body[data-state=loaded]', { timeout: 30_000 });
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    // The token left the address bar once read.
    expect(page.url()).not.toContain(TOKEN);
    const rows = await page.locator('#table tbody tr').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.startsWith('RC-5'))).toMatch(/^RC-5warning32/);
    // Both canvases have pixels drawn on them.
    const drawn = (await page.evaluate(`['outcomes', 'weekly'].map((id) => {
      const c = document.getElementById(id);
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    })`)) as number[];
    for (const painted of drawn) expect(painted).toBeGreaterThan(1000);
    await page.screenshot({ path: join(artefactDir('analytics'), 'overrides.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('a wrong token is said on the page, and no figures are shown', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/analytics#token=not-the-token-at-all`);
    await page.waitForSelector('body[data-state=error]', { timeout: 30_000 });
    expect(await page.textContent('#status')).toContain('refused');
    expect(await page.locator('#table tbody tr').count()).toBe(0);
    await page.close();
  }, 60_000);
});
