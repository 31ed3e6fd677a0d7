import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { tryPage } from '../../src/runtime.js';
import { buildTestApp, testConfig } from '../helpers/app.js';

describe('TRY_PAGE: the try-it page is off in production unless asked for', () => {
  it.each([
    ['development by default', { NODE_ENV: 'development' }, true],
    ['test by default', { NODE_ENV: 'test' }, true],
    ['production by default', { NODE_ENV: 'production', REQUIRE_JWT: 'false' }, false],
    ['production with TRY_PAGE=true', { NODE_ENV: 'production', REQUIRE_JWT: 'false', TRY_PAGE: 'true' }, true],
    ['development with TRY_PAGE=false', { NODE_ENV: 'development', TRY_PAGE: 'false' }, false],
  ])('%s', (_name, env, on) => {
    expect(loadConfig(env).tryPage).toBe(on);
  });

  it('without the page mounted, /try is 404', async () => {
    const { app } = buildTestApp();
    await request(app).get('/try').expect(404);
  });
});

describe('GET /try and POST /try/render', () => {
  const config = testConfig();
  const { app } = buildTestApp({ config, pages: [tryPage(config)] });

  it('serves the page with a CSP that allows only its own files, and its script, styles and examples', async () => {
    const page = await request(app)
      .get('/try')
      .expect(200)
      .expect('content-type', /text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('Synthetic data only');
    expect(page.text).not.toMatch(/<script(?![^>]*src="\/try\/)/); // no inline script, nothing from elsewhere
    await request(app)
      .get('/try/try.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await request(app)
      .get('/try/cards.css')
      .expect(200)
      .expect('content-type', /text\/css/);
    const examples = await request(app).get('/try/examples.json').expect(200);
    expect(examples.body.examples.length).toBeGreaterThan(10);
  });

  it('renders cards with the one renderer, escaped, with live suggestion buttons', async () => {
    const res = await request(app)
      .post('/try/render')
      .send({
        cards: [
          {
            uuid: 'c1',
            summary: '<script>x</script>',
            indicator: 'critical',
            source: { label: 'S' },
            suggestions: [{ uuid: 's1', label: 'Cancel', actions: [] }],
          },
        ],
      })
      .expect(200)
      .expect('content-type', /text\/html/);
    expect(res.text).toContain('cds-card--critical');
    expect(res.text).toContain('&lt;script&gt;');
    expect(res.text).toContain('data-suggestion-uuid="s1"');
    expect(res.text).not.toContain(' disabled');
  });

  it.each([
    ['no cards', {}],
    ['cards not an array', { cards: 'x' }],
    ['a card that is not an object', { cards: [1] }],
  ])('400 for %s', async (_name, body) => {
    const res = await request(app).post('/try/render').send(body).expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('does not serve files outside its folder', async () => {
    await request(app).get('/try/../package.json').expect(404);
    await request(app).get('/try/%2e%2e/package.json').expect(404);
  });
});
