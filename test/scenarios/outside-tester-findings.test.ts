/**
 * Outside testers' smallest failing requests (test/fixtures/findings/README.md names each one's public
 * source), replayed as they were sent at the time they assumed (`_now`): each scenario is the fault the
 * tester showed, put the way a clinician would check it.
 */
import request from 'supertest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { projectRoot } from '../../src/paths.js';
import { buildTestApp } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';

const services = realServices();

interface Answer {
  cards: { summary: string; indicator: string; detail?: string; suggestions?: { label: string }[] }[];
  criteria: { rule: string; status: string; evidence: string[]; missing: string[] }[];
}

/** The fixture replayed to the service it was sent to (`_hook`), with the clock at its `_now`. */
async function replay(fixture: string): Promise<Answer> {
  const body = JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/findings', `${fixture}.request.json`), 'utf8')) as {
    _hook: string;
    _now: string;
  };
  const { app } = buildTestApp({ services, clock: fixedClock(body._now) });
  const res = await request(app).post(`/cds-services/${body._hook}`).send(body).expect(200);
  return { cards: res.body.cards, criteria: res.body.extension?.['org.trdcds.assessment']?.criteria ?? [] };
}

const el4 = (a: Answer) => a.criteria.find((c) => c.rule === 'EL-4')!;
const suggestionLabels = (a: Answer) => a.cards.flatMap((c) => (c.suggestions ?? []).map((s) => s.label));
const allText = (a: Answer) => a.cards.map((c) => `${c.summary}\n${c.detail ?? ''}`).join('\n');

describe('PHQ-9 totals in shapes public data uses are read (EL-4)', () => {
  it('phq9-total-coded-snomed-720433000-is-a-baseline-not-missing', async () => {
    const a = await replay('phq9-total-coded-snomed-720433000');
    expect(el4(a)).toMatchObject({ status: 'met', evidence: ['Observation/observation-0197837a-cba8-77bd-a259-89806d1c4ba5'] });
    expect(allText(a)).toContain('PHQ-9 15 on 2026-11-25');
    expect(allText(a)).not.toContain('a PHQ-9 or MADRS within 30 days');
    expect(suggestionLabels(a)).not.toContain('Order a baseline PHQ-9');
  });

  it('phq9-panel-44249-1-with-its-score-as-value-is-read-as-the-total', async () => {
    const a = await replay('phq9-panel-44249-1-with-its-score-as-value');
    expect(el4(a).evidence).toEqual(['Observation/observation-screening-assessment-example']);
    expect(allText(a)).toContain('PHQ-9 3 on 2026-11-25');
    expect(allText(a)).not.toContain('a PHQ-9 or MADRS within 30 days');
  });
});

describe('a pregnancy that ended days ago (CI-4, RC-18)', () => {
  it('pregnancy-ended-10-days-ago-esketamine-signed-asks-about-breastfeeding-and-history-not-an-hcg', async () => {
    const a = await replay('pregnancy-ended-10-days-ago-esketamine-signed');
    expect(allText(a)).toContain('ask about breastfeeding');
    expect(allText(a)).toContain('an hCG test may still be positive from it');
    expect(suggestionLabels(a).join('\n')).not.toMatch(/pregnancy test|hCG/i);
  });
});

describe('vital signs sent preliminary are readings, named as such', () => {
  it('preliminary-bp-192-121-before-iv-ketamine-is-named-not-hidden-behind-an-older-bp', async () => {
    const a = await replay('preliminary-bp-192-121-before-iv-ketamine');
    const critical = a.cards.filter((c) => c.indicator === 'critical');
    expect(critical.map((c) => c.summary)).toEqual([expect.stringContaining('BP 192/121 mmHg (preliminary)')]);
    expect(allText(a)).not.toMatch(/no BP|132\/86/);
  });
});

describe('a latest score below the remission cut puts the current episode in doubt (EL-4)', () => {
  it('phq9-of-3-five-days-ago-no-treatment-suggested', async () => {
    const a = await replay('phq9-of-3-after-two-failed-trials');
    expect(el4(a)).toMatchObject({ status: 'not-met', evidence: ['Observation/phq-3'] });
    const trd = a.cards.find((c) => c.summary.includes('failed treatment attempts'))!;
    expect(trd.summary).toMatch(/^Latest PHQ-9 3 on 2026-11-25 \(minimal\): confirm the depressive episode is current/);
    expect(suggestionLabels(a).filter((l) => /TMS|ketamine|esketamine|SPRAVATO/i.test(l))).toEqual([]);
    expect(trd.suggestions?.map((s) => s.label)).toEqual(['Order a repeat PHQ-9']);
    expect(a.cards.length).toBeLessThanOrEqual(4);
  });
});
