/**
 * Outside testers' smallest failing requests (test/fixtures/findings/README.md), replayed as sent, each
 * at the time the tester assumed, by a test named for the fault it showed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { projectRoot } from '../../src/paths.js';
import { buildTestApp } from '../helpers/app.js';
import { realServices } from '../helpers/knowledge.js';

const services = realServices();
const finding = (name: string) =>
  JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/findings', `${name}.request.json`), 'utf8')) as Record<string, unknown>;
/** The tester's clock: 2026-11-30T02:00Z for the tester3 requests. */
const app = () => buildTestApp({ services, clock: fixedClock('2026-11-30T02:00:00Z') }).app;

describe('order hooks require context.draftOrders (CDS Hooks 2.0)', () => {
  it('order-sign-without-draft-orders', async () => {
    const res = await request(app()).post('/cds-services/trd-order-sign').send(finding('order-sign-without-draft-orders')).expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.map((i: { expression: string[] }) => i.expression[0])).toEqual(['context.draftOrders']);
  });
});
