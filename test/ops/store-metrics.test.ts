import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register as defaultRegistry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import type { CdsStore } from '../../src/store/index.js';
import { TEST_NOW } from '../helpers/app.js';
import { readFixture } from '../helpers/fixtures.js';
import { movableClock, openTestStore, patientView, storeApp } from '../helpers/store.js';

/** Every `trdcds_` metric the README names (its Metrics table and its prose). */
function readmeMetrics(): string[] {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  return [...new Set([...readme.matchAll(/`(trdcds_[a-z_]+?)(?:\{[^`]*\})?`/g)].map((m) => m[1]!))].sort();
}

describe('/metrics serves the store counters beside the HTTP ones (one registry)', () => {
  const clock = movableClock(TEST_NOW);
  let store: CdsStore;
  let app: ReturnType<typeof storeApp>['app'];
  beforeAll(async () => {
    ({ store } = await openTestStore({ clock }));
    ({ app } = storeApp(store, clock));
  }, 120_000);
  afterAll(() => store.close());

  it('after a hook call and a feedback post, every metric the README lists is on /metrics, with the ledger, feedback and snooze counts', async () => {
    const { resources, patientId } = readFixture('trd-with-uncontrolled-hypertension');
    const body = await patientView(app, resources, patientId);
    await request(app)
      .post('/cds-services/trd-patient-view/feedback')
      .send({ feedback: [{ card: body.cards[0]!.uuid, outcome: 'accepted', outcomeTimestamp: TEST_NOW }] })
      .expect(200);
    await store.ledger.flush();

    const text = (await request(app).get('/metrics').expect(200)).text;
    const listed = readmeMetrics();
    expect(listed).toEqual(
      expect.arrayContaining([
        'trdcds_ledger_cards_total',
        'trdcds_feedback_items_total',
        'trdcds_snooze_lookups_total',
        'trdcds_snooze_wait_seconds',
        'trdcds_jwt_replay_checks_total',
      ]),
    );
    const served = [...text.matchAll(/^# TYPE (trdcds_\w+) /gm)].map((m) => m[1]!).sort();
    expect(served).toEqual(listed);
    expect(text).toMatch(/^trdcds_ledger_cards_total\{result="written"\} [1-9]/m);
    expect(text).toMatch(/^trdcds_feedback_items_total\{outcome="accepted",match="matched"\} [1-9]/m);
    expect(text).toMatch(/^trdcds_snooze_lookups_total\{result="(fetched|cached|not-ready|timeout)"\} [1-9]/m);
    expect(text).toMatch(/^trdcds_snooze_wait_seconds_count [1-9]/m);
  });

  it("nothing of the service's is on prom-client's default registry, which /metrics does not serve", async () => {
    expect((await defaultRegistry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith('trdcds_'))).toEqual([]);
  });
});
