/**
 * A consultant psychiatrist's review of the cards on the public conformance patients (test/conformance,
 * SOURCES.md names each one's source) and on outside testers' requests (test/fixtures/findings): each
 * scenario is one finding, put the way a clinician would check it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { projectRoot } from '../../src/paths.js';
import { buildTestApp } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';
import { ketamineDraft, tmsDraft } from '../builders/drafts.js';

const services = realServices();

interface Card {
  summary: string;
  indicator: string;
  detail?: string;
  source: { label: string; url?: string };
  suggestions?: { label: string }[];
}
interface Answer {
  cards: Card[];
  findings: { rule: string; status: string; modalities?: string[] }[];
  modalities: Record<string, { status: string }>;
}

/**
 * A conformance patient's resources as a FHIR server serves them after loading the published
 * transaction Bundle: `urn:uuid:` references become `Type/id` (as the conformance test reads them).
 */
function patient(file: string): { patientId: string; resources: fhir4.Resource[] } {
  const b = JSON.parse(readFileSync(join(projectRoot, 'test/conformance/patients', `${file}.json`), 'utf8')) as fhir4.Bundle;
  const literal = new Map<string, string>();
  for (const e of b.entry ?? [])
    if (e.fullUrl?.startsWith('urn:uuid:') && e.resource?.id) literal.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
  const entries = JSON.parse(
    JSON.stringify(b.entry ?? [], (key, value: unknown) =>
      key === 'reference' && typeof value === 'string' && literal.has(value) ? literal.get(value) : value,
    ),
  ) as fhir4.BundleEntry[];
  const resources = entries.map((e) => e.resource!);
  return { patientId: resources.find((r) => r.resourceType === 'Patient')!.id!, resources };
}

async function call(hook: 'patient-view' | 'order-select' | 'order-sign', file: string, now: string, drafts: fhir4.Resource[] = []): Promise<Answer> {
  const { patientId, resources } = patient(file);
  const { app } = buildTestApp({ services, clock: fixedClock(now) });
  const context: Record<string, unknown> = { userId: 'Practitioner/1', patientId };
  if (hook !== 'patient-view') {
    const ours = drafts.map((d) => ({ ...d, subject: { reference: `Patient/${patientId}` } }));
    context['draftOrders'] = bundle(ours);
    if (hook === 'order-select') context['selections'] = ours.map((d) => `${d.resourceType}/${d.id}`);
  }
  const res = await request(app)
    .post(`/cds-services/trd-${hook}`)
    .send({ hook, hookInstance: 'd3b07384-d113-4ec6-a1c6-4a3b4f7b9c21', context, prefetch: prefetchFor(resources) })
    .expect(200);
  const ext = res.body.extension?.['org.trdcds.assessment'] ?? {};
  return { cards: res.body.cards, findings: [...(ext.criteria ?? []), ...(ext.findings ?? [])], modalities: ext.modalities ?? {} };
}

/** An outside tester's request replayed to the service it was sent to, at the time it assumed (`_now`). */
async function replay(fixture: string): Promise<Answer> {
  const body = JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/findings', `${fixture}.request.json`), 'utf8')) as {
    hook: string;
    _hook?: string;
    _now?: string;
  };
  // The tester3 requests that did not note their clock assumed 2026-11-30T02:00Z.
  const { app } = buildTestApp({ services, clock: fixedClock(body._now ?? '2026-11-30T02:00:00Z') });
  const res = await request(app)
    .post(`/cds-services/${body._hook ?? `trd-${body.hook}`}`)
    .send(body)
    .expect(200);
  return { cards: res.body.cards, findings: [], modalities: {} };
}

const text = (a: Answer) => a.cards.map((c) => `${c.summary}\n${c.detail ?? ''}`).join('\n');

describe('a crisis-level BP is an urgency until organ damage is found (CI-6; ACC/AHA 2017)', () => {
  it('one-crisis-level-reading-asks-to-repeat-and-look-for-organ-damage', async () => {
    const a = await replay('preliminary-bp-192-121-before-iv-ketamine');
    const critical = a.cards.filter((c) => c.indicator === 'critical');
    expect(critical).toHaveLength(1);
    expect(critical[0]!.summary.length).toBeLessThan(140);
    expect(critical[0]!.detail).toContain('Hypertensive crisis level: BP 192/121 mmHg (preliminary)');
    expect(critical[0]!.detail).toContain('repeat the BP; emergency evaluation only if there are signs of organ damage');
    expect(text(a)).not.toMatch(/refer for emergency/);
  });
});

describe('a verdict says what a reading found (CD-4)', () => {
  it('one-reading-of-163-114-is-named-on-each-treatment-line-not-called-not-checked', async () => {
    const a = await call('patient-view', 'synthea-r4-2019-mdd-fluoxetine-bp-163-114', '2019-01-05T12:00:00Z');
    expect(a.modalities['iv-ketamine']!.status).toBe('caution');
    const trd = a.cards.find((c) => c.detail?.includes('**Next step:**'))!;
    expect(trd.detail).toMatch(/- IV ketamine: caution: one reading of 163\/114 mmHg on 2018-12-29: repeat the BP before deciding \(CI-6\)/);
    expect(trd.detail).toMatch(/- Esketamine \(SPRAVATO\): caution: one reading of 163\/114 mmHg/);
    expect(trd.detail).not.toMatch(/not checked: BP|(ketamine|\(SPRAVATO\)): no contraindication found/);
  });
});

describe('a stroke raises the risk of a TMS-induced seizure (RC-6; IFCN 2009 and 2021)', () => {
  it('stroke-in-2018-is-a-tms-seizure-risk-caution-on-a-tms-order', async () => {
    const a = await call('order-select', 'synthea-stroke-2018-alteplase', '2021-03-29T12:00:00Z', [tmsDraft()]);
    const seizure = a.cards.find((c) => c.summary.includes('(RC-6)'));
    expect(seizure, a.cards.map((c) => c.summary).join('\n')).toBeDefined();
    expect(seizure!.indicator).toBe('warning');
    expect(seizure!.summary).toMatch(/: stroke \(2018-09-03\): review with the TMS physician/);
    expect(seizure!.source.label).toMatch(/IFCN/);
  });
});

describe("the TRD card's next step names the gap that keeps TRD unmet", () => {
  const nextStep = (a: Answer) => /\*\*Next step:\*\* ([^\n]*)/.exec(a.cards.find((c) => c.detail?.includes('**Next step:**'))!.detail!)![1]!;

  it('no-depressive-disorder-on-record-asks-for-the-diagnosis-not-more-trials', async () => {
    const a = await call('patient-view', 'us-core-example-patient', '2022-12-02T12:00:00Z');
    expect(nextStep(a)).toMatch(/^Record the diagnosis if depression is present/);
  });

  it('no-depressive-disorder-with-sertraline-says-sertraline-has-no-depressive-reason', async () => {
    const a = await call('patient-view', 'synthea-sertraline-no-reason-opioid-abuse-alzheimer', '1994-04-05T12:00:00Z');
    expect(nextStep(a)).toBe('Record the diagnosis if depression is present; sertraline has no depressive disorder on record as the reason.');
  });

  it('mdd-with-no-antidepressant-ever-asks-for-first-line-treatment', async () => {
    const a = await call('patient-view', 'synthea-mdd-untreated-hypertension-opioid-abuse', '2005-05-01T12:00:00Z');
    expect(nextStep(a)).toMatch(/^No antidepressant trial on record for this episode: first-line treatment/);
  });

  it('one-fluoxetine-trial-of-unknown-adequacy-asks-for-its-dose-duration-and-response', async () => {
    const a = await call('patient-view', 'synthea-mdd-fluoxetine-normal-bp', '2020-09-14T12:00:00Z');
    expect(nextStep(a)).toMatch(/^Record fluoxetine's dose, duration and response/);
    expect(a.cards.find((c) => c.detail?.includes('**Next step:**'))!.summary).toBe('TRD not documented: 0 of 2 failed adequate attempts, 1 undecided');
  });
});

describe('one card per problem (CD-1): a BP gap for ketamine and a cardiac device for TMS are two problems', () => {
  it('bp-gap-and-implanted-defibrillator-are-two-cards-each-with-its-own-action', async () => {
    const a = await call('patient-view', 'us-core-example-patient', '2022-12-02T12:00:00Z');
    expect(a.cards.length).toBeLessThanOrEqual(4);
    const device = a.cards.filter((c) => c.summary.includes('(RC-7)'));
    const bp = a.cards.filter((c) => /\bCI-6\b/.test(c.summary));
    expect(device).toHaveLength(1);
    expect(bp).toHaveLength(1);
    expect(device[0]).not.toBe(bp[0]);
    expect(device[0]!.summary).toMatch(/TMS/);
    expect(bp[0]!.suggestions?.map((s) => s.label)).toContain('Record a blood pressure');
    expect(a.cards.map((c) => c.summary).join('\n')).not.toMatch(/; also /);
  });

  it('bp-gap-and-atrial-fibrillation-are-two-cards', async () => {
    const a = await call('patient-view', 'synthea-mdd-fluoxetine-opioid-abuse-atrial-fibrillation', '2012-07-22T12:00:00Z');
    expect(a.cards.length).toBeLessThanOrEqual(4);
    const af = a.cards.filter((c) => c.summary.includes('(RC-19)'));
    expect(af).toHaveLength(1);
    expect(af[0]!.summary).not.toMatch(/CI-6/);
    expect(a.cards.filter((c) => /\bCI-6\b/.test(c.summary))).toHaveLength(1);
  });
});

describe('a card cites the source of its lead finding for the treatment ordered (CD-7)', () => {
  it('tms-in-pregnancy-cites-the-ifcn-tms-safety-guideline-not-the-esketamine-label', async () => {
    const a = await call('order-select', 'synthea-pregnant-24-weeks', '2021-03-31T12:00:00Z', [tmsDraft()]);
    const pregnancy = a.cards.find((c) => c.summary.includes('(CI-4)'));
    expect(pregnancy, a.cards.map((c) => c.summary).join('\n')).toBeDefined();
    expect(pregnancy!.source.label).toMatch(/IFCN/);
  });

  it('bipolar-caution-on-esketamine-cites-the-esketamine-label-not-a-tms-ketamine-paper', async () => {
    const a = await replay('provisional-bipolar-ii-esketamine-order-sign');
    const bipolar = a.cards.find((c) => c.summary.includes('(RC-1)'))!;
    expect(bipolar.source.label).toMatch(/SPRAVATO/);
  });

  it('iv-ketamine-cautions-cite-the-ketamine-label-not-the-esketamine-label', async () => {
    const a = await call('order-select', 'synthea-epilepsy-carbamazepine-clonazepam', '2019-03-18T12:00:00Z', [ketamineDraft(35)]);
    const cautions = a.cards.filter((c) => /^Caution with IV ketamine/.test(c.summary));
    expect(cautions.length, a.cards.map((c) => c.summary).join('\n')).toBeGreaterThan(0);
    for (const c of cautions) expect(c.source.label, c.summary).not.toMatch(/SPRAVATO/);
  });
});
