/**
 * A consultant psychiatrist's fourth review, on the order hooks, replayed on the public conformance patients
 * (test/conformance/patients, sources in test/conformance/SOURCES.md) at each patient's own clock: what the
 * indication card says when there is no depressive disorder, when esketamine fits neither labelled indication,
 * and when TRD is unknown (for every treatment ordered, TMS included).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Card, CdsResponse } from '../../src/cds-hooks/protocol.js';
import { fixedClock } from '../../src/clock.js';
import { buildTestApp } from '../helpers/app.js';
import { expectValidCards } from '../helpers/card-invariants.js';
import { realServices } from '../helpers/knowledge.js';
import { bundle, prefetchFor } from '../builders/prefetch.js';
import { esketamineDraft, ketamineDraft, tmsDraft } from '../builders/drafts.js';

const services = realServices();

/** The patient's resources, with `urn:uuid:` references as a server serves them (`Type/id`), as conformance.test.ts reads them. */
function patientFile(file: string): { resources: fhir4.Resource[]; patientId: string } {
  const b = JSON.parse(readFileSync(join(__dirname, '../conformance/patients', `${file}.json`), 'utf8')) as fhir4.Bundle;
  const literal = new Map<string, string>();
  for (const e of b.entry ?? [])
    if (e.fullUrl?.startsWith('urn:uuid:') && e.resource?.id) literal.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
  const text = JSON.stringify(b.entry ?? [], (key, value: unknown) =>
    key === 'reference' && typeof value === 'string' && literal.has(value) ? literal.get(value) : value,
  );
  const resources = (JSON.parse(text) as fhir4.BundleEntry[]).map((e) => e.resource!);
  return { resources, patientId: resources.find((r) => r.resourceType === 'Patient')!.id! };
}

async function orderSelect(file: string, now: string, drafts: fhir4.Resource[]): Promise<Card[]> {
  const { resources, patientId } = patientFile(file);
  const { app } = buildTestApp({ services, clock: fixedClock(now) });
  const ours = drafts.map((d) => ({ ...d, subject: { reference: `Patient/${patientId}` } }) as fhir4.Resource);
  const res = await request(app)
    .post('/cds-services/trd-order-select')
    .send({
      hook: 'order-select',
      hookInstance: '3d1f6a52-8b0e-4c7a-9f21-6e5b4c3a2d10',
      context: { userId: 'Practitioner/1', patientId, draftOrders: bundle(ours), selections: ours.map((d) => `${d.resourceType}/${d.id}`) },
      prefetch: prefetchFor(resources),
    });
  expect(res.status).toBe(200);
  const cards = (res.body as CdsResponse).cards;
  expectValidCards(cards);
  return cards;
}

const summaries = (cards: readonly Card[]) => cards.map((c) => `[${c.indicator}] ${c.summary}`);

describe('psychiatrist review 4 on the conformance patients: the indication card of an order', () => {
  it('esketamine-ordered-for-the-ptsd-patient-on-sertraline-names-the-missing-depressive-diagnosis', async () => {
    // PTSD, sertraline given for PTSD, no depressive disorder: "0 failed attempts in the episode" presupposed an episode.
    const cards = await orderSelect('synthea-sertraline-for-ptsd-bp-171-107', '2019-07-26T12:00:00Z', [esketamineDraft()]);
    expect(summaries(cards)).toContain('[warning] Intranasal esketamine (SPRAVATO): no depressive disorder on record; confirm the diagnosis (EL-1)');
    expect(summaries(cards).filter((s) => /EL-2|TRD not documented/.test(s))).toEqual([]);
  });

  it('three-treatments-for-the-fibromyalgia-patient-on-duloxetine-share-one-card-naming-the-missing-diagnosis', async () => {
    const cards = await orderSelect('synthea-r4-2019-duloxetine-for-fibromyalgia', '2018-09-03T12:00:00Z', [
      ketamineDraft(undefined, 'k', { mgPerKg: 0.5 }),
      esketamineDraft(),
      tmsDraft(),
    ]);
    const el1 = cards.filter((c) => /EL-1/.test(c.summary));
    expect(el1.map((c) => [c.indicator, c.summary])).toEqual([
      [
        'warning',
        expect.stringMatching(
          /^IV ketamine, intranasal esketamine \(SPRAVATO\) and TMS: no depressive disorder on record; confirm the diagnosis \(EL-1, MO-6\)$/,
        ),
      ],
    ]);
  });

  it('esketamine-ordered-for-untreated-mdd-is-off-label-on-the-indication-card-not-the-rems-card', async () => {
    // MDD, no antidepressant ever: neither TRD nor the acute-SI indication (which needs an oral antidepressant).
    const cards = await orderSelect('synthea-mdd-untreated-hypertension-opioid-abuse', '2005-05-01T12:00:00Z', [esketamineDraft()]);
    expect(summaries(cards)).toContain(
      '[warning] Intranasal esketamine (SPRAVATO): off-label here: TRD not documented and no oral antidepressant (EL-2, MO-6)',
    );
    const rems = cards.find((c) => /SPRAVATO REMS/.test(c.summary))!;
    expect(rems.detail).not.toMatch(/MO-6|\| met \|/);
  });

  it('ketamine-for-the-patient-on-one-undated-fluoxetine-order-counts-it-as-undecided-not-absent', async () => {
    // One fluoxetine order of unknown adequacy: TRD not documented (two are needed), and the attempt is named as undecided.
    const cards = await orderSelect('synthea-mdd-fluoxetine-normal-bp', '2020-09-14T12:00:00Z', [ketamineDraft(undefined, 'k', { mgPerKg: 0.5 })]);
    expect(summaries(cards)).toContain('[warning] IV ketamine: TRD not documented: 0 of 2 failed adequate attempts, 1 undecided (EL-2)');
  });

  it('trd-unknown-for-the-fluoxetine-and-sertraline-patient-is-stated-for-tms-too', async () => {
    const cards = await orderSelect('synthea-r4-2019-mdd-fluoxetine-and-sertraline', '2019-04-18T12:00:00Z', [tmsDraft()]);
    expect(summaries(cards)).toContain('[info] TMS: TRD unknown: 0 failed, 2 undecided (dose not recorded for fluoxetine) (EL-2)');
  });

  it('trd-unknown-for-ketamine-is-on-the-indication-card-not-the-monitoring-card-and-lists-each-need-once', async () => {
    const cards = await orderSelect('synthea-r4-2019-mdd-fluoxetine-and-sertraline', '2019-04-18T12:00:00Z', [ketamineDraft(undefined, 'k', { mgPerKg: 0.5 })]);
    const indication = cards.find((c) => /\(EL-2\)$/.test(c.summary))!;
    expect(indication.summary).toBe('IV ketamine: TRD unknown: 0 failed, 2 undecided (dose not recorded for fluoxetine) (EL-2)');
    const needed = /\| EL-2 \|[^\n]*\| ([^|\n]+) \|\s*$/m.exec(indication.detail!)![1]!.split('; ');
    expect(needed.length).toBe(new Set(needed).size);
    expect(cards.find((c) => /monitoring/.test(c.summary))!.detail).not.toMatch(/TRD/);
    expect(cards.length).toBeLessThanOrEqual(4);
  });
});
