/**
 * The servers the benchmark measures, each in its own process so its RSS is its own:
 *   floor   a bare express 5 app that parses the same body with the same limit and answers {"cards": []}
 *   trd     trd-cds as `npm start` builds it (knowledge, services, pino logs), with the tests' fixed clock
 *   fhir    the in-memory FHIR test server loaded with the fixtures named after the kind on the command line
 * Started by bench/run.ts with `fork`; each sends {port} when listening, answers "rss" with its RSS,
 * and "profile-start"/"profile-stop" with a V8 CPU profile of what it did in between.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import express from 'express';

// Each kind imports only what it runs, so a server's RSS is its own and not its neighbours'.
export type ServerKind = 'floor' | 'trd' | 'fhir';

async function listen(app: express.Express): Promise<number> {
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  server.keepAliveTimeout = 65_000;
  return (server.address() as AddressInfo).port;
}

async function start(kind: ServerKind, fixtures: string[]): Promise<number> {
  const { loadConfig } = await import('../src/config.js');
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', REQUIRE_JWT: 'false', LOG_LEVEL: 'info' });
  if (kind === 'floor') {
    const app = express();
    app.use(express.json({ limit: config.maxBodyBytes, type: ['application/json', 'application/*+json'], strict: true }));
    app.post('/cds-services/:id', (_req, res) => {
      res.json({ cards: [] });
    });
    return listen(app);
  }
  if (kind === 'trd') {
    const [{ createApp }, { fixedClock }, { createLogger }, { buildRuntime }, { TEST_NOW }] = await Promise.all([
      import('../src/app.js'),
      import('../src/clock.js'),
      import('../src/logger.js'),
      import('../src/runtime.js'),
      import('../test/helpers/app.js'),
    ]);
    const logger = createLogger(config.logLevel);
    const runtime = await buildRuntime(config, logger);
    return listen(createApp({ config, logger, ...runtime.appDeps, clock: fixedClock(TEST_NOW) }));
  }
  const [{ startFhirTestServer }, { readFixture }] = await Promise.all([import('../test/helpers/fhir-test-server.js'), import('../test/helpers/fixtures.js')]);
  const fhir = await startFhirTestServer();
  for (const name of fixtures) await fhir.load(readFixture(name).bundle);
  return Number(new URL(fhir.origin).port);
}

const [kind, ...fixtures] = process.argv.slice(2) as [ServerKind, ...string[]];
const port = await start(kind, fixtures);
const profiler = new Session();
process.on('message', (message) => {
  if (message === 'rss') process.send!({ rss: process.memoryUsage().rss });
  if (message === 'profile-start') {
    profiler.connect();
    void profiler
      .post('Profiler.enable')
      .then(() => profiler.post('Profiler.start'))
      .then(() => process.send!({ profiling: true }));
  }
  if (message === 'profile-stop') {
    void profiler.post('Profiler.stop').then(({ profile }) => {
      profiler.disconnect();
      process.send!({ profile });
    });
  }
});
process.send!({ port });
