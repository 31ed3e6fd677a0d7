/**
 * The try-it page in headless Chromium (playwright-core driving Debian's chromium), against the real
 * service with the real services and profiles: for every example, patient-view and the order hook
 * show cards, a suggestion can be accepted (the draft changes, feedback is posted, the hook runs
 * again), and a screenshot is kept in test/artefacts/try/. Then every card those calls returned is
 * laid out alone at an EHR panel's width by the one card renderer: no horizontal overflow, one
 * screenshot per kind of card in test/artefacts/cards/.
 *
 * Assertions are on behaviour that survives wording changes: cards appear, suggestions act on the
 * draft, an overdosed IV ketamine draft gets an update suggestion whose acceptance removes it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Card, CdsResponse } from '../../src/cds-hooks/protocol.js';
import { createLogger } from '../../src/logger.js';
import { projectRoot } from '../../src/paths.js';
import { buildRuntime } from '../../src/runtime.js';
import { CARD_CSS, renderCard } from '../../cds-services/cards/render-html.js';
import { tryExamples, type TryExample } from '../builders/try-examples.js';
import { LogCapture, testConfig } from '../helpers/app.js';
import { artefactDir, launchChromium } from '../helpers/browser.js';

const file = JSON.parse(readFileSync(join(projectRoot, 'cds-services', 'try-page', 'examples.json'), 'utf8')) as ReturnType<typeof tryExamples>;
const examples: TryExample[] = file.examples;

let server: Server;
let origin: string;
let browser: Browser;
const logs = new LogCapture();
/** Every card the page was answered with, by example and hook, for the layout tests. */
const seen: { example: string; hook: string; cards: Card[] }[] = [];

beforeAll(async () => {
  const config = testConfig({ TRY_PAGE: 'true' });
  const logger = createLogger('info', logs);
  const runtime = await buildRuntime(config, logger);
  const app = createApp({ config, logger, ...runtime.appDeps });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

// Polled from outside: the page's CSP forbids evaluating strings in it.
const calls = async (page: Page) => Number(await page.getAttribute('#status', 'data-calls'));
async function waitForCall(page: Page, n: number): Promise<void> {
  await expect.poll(() => calls(page), { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(n);
  expect(await page.getAttribute('#status', 'class'), (await page.textContent('#status')) ?? '').not.toContain('error');
}
const feedbackCount = (page: Page, n: number) => expect.poll(() => page.textContent('#feedback-count'), { timeout: 30_000, interval: 50 }).toBe(String(n));
async function lastResponse(page: Page): Promise<CdsResponse> {
  const text = (await page.textContent('#response')) ?? '';
  return JSON.parse(text.slice(text.indexOf('{'))) as CdsResponse;
}
async function openExample(id: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${origin}/try?example=${id}`);
  await waitForCall(page, 1);
  expect(errors).toEqual([]);
  return page;
}
async function callWith(page: Page, hook: string): Promise<CdsResponse> {
  const before = await calls(page);
  const radio = page.locator(`input[name=hook][value=${hook}]`);
  if (await radio.isChecked()) await page.click('#run');
  else await radio.check();
  await waitForCall(page, before + 1);
  return lastResponse(page);
}
const orderHookOf = (e: TryExample) => (e.hook === 'order-sign' ? 'order-sign' : 'order-select');

describe('the try-it page in headless Chromium', () => {
  it("serves the builders' examples (regenerate: npx tsx scripts/make-try-examples.ts)", () => {
    expect(file).toEqual(JSON.parse(JSON.stringify(tryExamples())));
    expect(new Set(examples.map((e) => e.group))).toEqual(new Set(['readme', 'contraindication', 'unknown']));
  });

  it.each(examples.map((e) => [e.id, e] as const))(
    '%s: patient-view and the order hook show their cards; a suggestion is applied, fed back and re-run',
    async (id, example) => {
      const page = await openExample(id);
      for (const hook of ['patient-view', orderHookOf(example)]) {
        const response = await callWith(page, hook);
        expect(response.cards.length, `${id} ${hook}`).toBeGreaterThan(0);
        expect(await page.locator('#cards .cds-card').count()).toBe(response.cards.length);
        seen.push({ example: id, hook, cards: response.cards });
      }
      const button = page.locator('#cards button.cds-suggestion').first();
      expect(await button.count(), `${id}: a suggestion to accept`).toBe(1);
      const before = await calls(page);
      await button.click();
      await waitForCall(page, before + 1);
      await feedbackCount(page, 1);
      const feedback = (await page.textContent('#feedback-log')) ?? '';
      expect(feedback).toContain('-> HTTP 200');
      expect(feedback).toContain('"outcome": "accepted"');
      await page.screenshot({ path: join(artefactDir('try'), `${id}.png`), fullPage: true });
      await page.close();
    },
    90_000,
  );

  it('an overdosed IV ketamine draft gets a dose update; accepting it changes the draft, posts feedback and the dose card goes away', async () => {
    const page = await openExample('readme-order-select');
    const update = page.locator('#cards button.cds-suggestion[data-actions~="update"]');
    expect(await update.count()).toBe(1);
    const cardUuid = await update.getAttribute('data-card-uuid');
    const suggestionUuid = await update.getAttribute('data-suggestion-uuid');
    const before = await calls(page);
    await update.click();
    await waitForCall(page, before + 1);
    expect(await page.locator('#cards button.cds-suggestion[data-actions~="update"]').count()).toBe(0);
    const cards = (await lastResponse(page)).cards;
    expect(cards.some((c) => c.suggestions?.some((s) => s.actions.some((a) => a.type === 'update')))).toBe(false);
    expect(Number(await page.inputValue('#draft-mg'))).toBeLessThan(60);
    expect(await page.textContent('#drafts')).toContain('changed by a suggestion');
    await page.screenshot({ path: join(artefactDir('try'), 'readme-order-select-dose-accepted.png'), fullPage: true });
    // CDS Hooks 2.0 feedback for that card and suggestion, accepted by the service.
    const feedback = (await page.textContent('#feedback-log')) ?? '';
    expect(feedback).toContain('-> HTTP 200');
    expect(feedback).toContain(`"card": "${cardUuid}"`);
    expect(feedback).toContain(`"id": "${suggestionUuid}"`);
    expect(feedback).toContain('"outcome": "accepted"');
    await page.close();
  }, 60_000);

  it('a contraindicated draft is cancelled by its delete suggestion', async () => {
    const page = await openExample('ci-head-implant');
    const critical = page.locator('#cards .cds-card--critical');
    expect(await critical.count()).toBeGreaterThan(0);
    const before = await calls(page);
    await critical.first().locator('button.cds-suggestion[data-actions~="delete"]').click();
    await waitForCall(page, before + 1);
    expect(await page.textContent('#drafts')).toContain('No draft orders');
    expect(await page.locator('#cards .cds-card--critical').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('dismissing a card posts overridden feedback with the chosen reason', async () => {
    const page = await openExample('ci-psychosis');
    const card = page
      .locator('#cards .cds-card')
      .filter({ has: page.locator('select[data-override-reasons]') })
      .first();
    const select = card.locator('select[data-override-reasons]');
    const reason = await select.locator('option').nth(1).getAttribute('value');
    await select.selectOption(reason!);
    await card.locator('button.cds-dismiss').click();
    await feedbackCount(page, 1);
    const feedback = (await page.textContent('#feedback-log')) ?? '';
    expect(feedback).toContain('-> HTTP 200');
    expect(feedback).toContain('"outcome": "overridden"');
    expect(feedback).toContain(`"code": "${reason!.split('|')[1]}"`);
    await page.close();
  }, 60_000);

  it('editing a key fact changes the answer: a BP of 190/110 makes IV ketamine contraindicated', async () => {
    const page = await openExample('readme-order-select');
    expect(await page.locator('#cards .cds-card--critical').count()).toBe(0);
    await page.fill('#systolic', '190');
    await page.fill('#diastolic', '110');
    const before = await calls(page);
    await page.click('#run');
    await waitForCall(page, before + 1);
    expect(await page.locator('#cards .cds-card--critical').count()).toBeGreaterThan(0);
    expect(await page.textContent('#request')).toContain('"value": 190');
    await page.close();
  }, 60_000);
});

/** A card's file name: its indicator and the rule ids its summary names, else the summary's opening words. */
function cardKey(card: Card): string {
  const rules = [...card.summary.matchAll(/\(([A-Z]{2,3}-\d+(?:\.\d+)?(?:, [A-Z]{2,3}-\d+(?:\.\d+)?)*)\)/g)].flatMap((m) => m[1]!.split(', '));
  const words = card.summary
    .split(':')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${card.indicator}-${rules.length ? [...new Set(rules)].join('-') : words}`;
}

describe('card layout at an EHR panel width (640 px)', () => {
  it('every card the examples produced fits the panel without horizontal overflow; one screenshot per kind of card', async () => {
    expect(seen.length).toBeGreaterThan(0);
    const page = await browser.newPage({ viewport: { width: 640, height: 800 } });
    const shot = new Set<string>();
    const overflowing: string[] = [];
    const heights: string[] = [];
    for (const { example, hook, cards } of seen) {
      for (const [i, card] of cards.entries()) {
        await page.setContent(`<!doctype html><meta charset="utf-8"><style>body{margin:8px;background:#f5f6f8}${CARD_CSS}</style>${renderCard(card)}`);
        const layout = (await page.evaluate(`(() => {
          const el = document.querySelector('.cds-card');
          const scrolled = [...el.querySelectorAll('*')].filter((c) => c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflowX !== 'visible');
          return { pageOverflow: document.documentElement.scrollWidth > window.innerWidth, scrolled: scrolled.length, height: el.getBoundingClientRect().height };
        })()`)) as { pageOverflow: boolean; scrolled: number; height: number };
        heights.push(`${Math.round(layout.height)} ${example} ${hook} ${i}: ${card.summary}`);
        if (layout.pageOverflow || layout.scrolled) overflowing.push(`${example} ${hook} card ${i}: ${card.summary}`);
        const key = cardKey(card);
        if (!shot.has(key)) {
          shot.add(key);
          await page.locator('.cds-card').screenshot({ path: join(artefactDir('cards'), `${key}.png`) });
        }
      }
    }
    writeFileSync(join(artefactDir('cards'), 'heights.txt'), `${heights.sort((a, b) => parseInt(b) - parseInt(a)).join('\n')}\n`);
    expect(overflowing).toEqual([]);
    await page.close();
  }, 180_000);
});
