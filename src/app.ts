import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import cors from 'cors';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { InvalidRequest, NotFound, PayloadTooLarge, RequestTimeout, ServiceUnavailable, UnsupportedMediaType } from './errors.js';
import { discoveryEntry, validateServices, type AnyCdsService, type HookCall } from './cds-hooks/service.js';
import { parseHookRequest } from './cds-hooks/validate.js';
import { loggableHookInstance } from './cds-hooks/uuid.js';
import { outOfBounds } from './cds-hooks/bounds.js';
import { authorizationProblem, missingAuthorizationMembers } from './cds-hooks/protocol.js';
import { createFhirReader, type FhirReader, type ReaderLimits } from './fhir/client.js';
import { gatherData } from './fhir/gather.js';
import { analyticsRoutes } from './http/analytics.js';
import { errorHandler, sendProblem } from './http/errors.js';
import { parseFeedback } from './http/feedback.js';
import { metricsHandler } from './http/metrics-endpoint.js';
import { requestLog, traceOf } from './http/request-log.js';
import { outgoingTraceHeaders } from './http/trace.js';
import { instrumentedReader } from './fhir/instrumented-reader.js';
import { cut, type Logger } from './logger.js';
import { countCards, countFeedback, countFhirServerRefusal } from './metrics.js';
import type { CdsStore } from './store/index.js';

/** Who signed a call, for the log line (never the token itself). */
export interface CallerIdentity {
  iss: string;
  jti: string;
  tenant?: string;
}

export interface AppDeps {
  config: Config;
  services: readonly AnyCdsService[];
  logger: Logger;
  clock?: Clock;
  newId?: () => string;
  /** Readiness: configuration and terminology loaded. */
  isReady?: () => boolean;
  /** Verifies the EHR's JWT; resolves to the caller or throws Unauthorized. Absent: JWT not required. */
  authenticate?: (req: Request) => Promise<CallerIdentity>;
  readerFor?: (baseUrl: string, accessToken?: string, limits?: ReaderLimits, traceHeaders?: Readonly<Record<string, string>>) => FhirReader;
  /** Extra pages (the try-it page), mounted after the CDS Hooks routes. */
  pages?: readonly express.Router[];
  /** Card ledger, feedback, snooze, analytics (src/store/). Absent: nothing is kept. */
  store?: CdsStore;
}

/** The origin of a refused fhirServer, for the error line (cut; never a path, which could carry ids). */
function originOf(url: string): string | undefined {
  try {
    return cut(new URL(url).origin, 200);
  } catch {
    return 'unparseable URL';
  }
}

const JSON_TYPES = ['application/json', 'application/*+json'];

const ms = (n: number) => Math.round(n * 10) / 10;

function serverTiming(t: { prefetch: number; fhir: number; decide: number; present: number; snooze?: number }): string {
  const base = `prefetch;dur=${ms(t.prefetch)}, fhir;dur=${ms(t.fhir)}, decide;dur=${ms(t.decide)}, present;dur=${ms(t.present)}`;
  return t.snooze === undefined ? base : `${base}, snooze;dur=${ms(t.snooze)}`;
}

/** Builds the HTTP app without listening, so tests drive it in-process. */
export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? randomUUID;
  const readerFor = deps.readerFor ?? createFhirReader;
  validateServices(deps.services);
  const servicesById = new Map(deps.services.map((s) => [s.id, s]));
  const discovery = { services: deps.services.map(discoveryEntry) };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);

  // One log line per request, with ids and timings only: never a token, a body or a resource.
  app.use(requestLog(logger, newId));

  const allowedOrigins = config.corsOrigins.includes('*') ? '*' : config.corsOrigins;
  app.use(
    cors({
      origin: allowedOrigins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'traceparent'],
      exposedHeaders: ['Server-Timing', 'X-Request-Id', 'traceparent'],
      maxAge: 600,
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady ? deps.isReady() : true;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });
  if (config.metrics.port === undefined) app.get('/metrics', metricsHandler(config));

  const authenticate: RequestHandler = async (req, res, next) => {
    if (!deps.authenticate) return next();
    res.locals['caller'] = await deps.authenticate(req);
    next();
  };

  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is(JSON_TYPES)) {
      throw new UnsupportedMediaType('Unsupported media type', [{ field: 'content-type', message: 'must be application/json' }]);
    }
    next();
  };
  const parseJson = express.json({ limit: config.maxBodyBytes, type: JSON_TYPES, strict: true });
  // A body declared larger than MAX_BODY is refused from its headers, before a byte of it is read
  // (and before token checks); a body still arriving after BODY_TIMEOUT_MS is refused with 408. Either
  // way the connection is closed rather than drained: a slow sender holds nothing for long.
  const guardBody: RequestHandler = (req, res, next) => {
    const closeAfter = () => res.on('finish', () => req.socket.destroySoon());
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > config.maxBodyBytes) {
      res.setHeader('Connection', 'close');
      closeAfter();
      throw new PayloadTooLarge('Request body too large', [{ field: 'content-length', message: `exceeds MAX_BODY (${config.maxBodyBytes} bytes)` }]);
    }
    if (!req.complete) {
      const timer = setTimeout(() => {
        if (req.complete || res.headersSent) return;
        res.setHeader('Connection', 'close');
        closeAfter();
        sendProblem(res, new RequestTimeout('Request body too slow', [{ field: '(body)', message: `not received within ${config.bodyTimeoutMs} ms` }]));
      }, config.bodyTimeoutMs);
      const clear = () => clearTimeout(timer);
      req.once('end', clear);
      req.once('close', clear);
      res.once('finish', clear);
    }
    next();
  };

  app.get('/cds-services', authenticate, (_req, res) => {
    res.json(discovery);
  });

  const serviceFor = (req: Request, res: Response): AnyCdsService => {
    const id = String(req.params['id']);
    const service = servicesById.get(id);
    if (!service) throw new NotFound('Unknown CDS service', [{ field: 'id', message: `no CDS service '${id}'` }]);
    res.locals['serviceId'] = service.id;
    return service;
  };

  app.post('/cds-services/:id', guardBody, authenticate, requireJson, parseJson, async (req, res) => {
    const service = serviceFor(req, res);
    const request = parseHookRequest(req.body, service.hook);
    res.locals['hook'] = request.hook;
    res.locals['hookInstance'] = loggableHookInstance(request.hookInstance);
    const authGaps = missingAuthorizationMembers(request.fhirAuthorization);
    if (authGaps.length) {
      // Tolerated (the token alone is enough to read), but the EHR should know: names of members only, never the token.
      logger.warn(
        { reqId: res.locals['reqId'], serviceId: service.id, hookInstance: loggableHookInstance(request.hookInstance), missing: authGaps },
        'fhirAuthorization lacks members CDS Hooks requires',
      );
    }
    // The snooze look-up (cached) runs while the data is gathered.
    const record = deps.store?.beginCall({
      service: service.id,
      hook: request.hook,
      hookInstance: request.hookInstance,
      patientId: request.context.patientId,
      userId: request.context.userId,
      fhirServer: request.fhirServer,
    });

    const gathered = await gatherData(
      {
        templates: service.contextReads ? { ...service.prefetch, ...service.contextReads(request.context, request.fhirServer) } : service.prefetch,
        required: service.requiredData,
        prefetch: request.prefetch as Record<string, unknown> | null | undefined,
        context: request.context,
        fhirServer: request.fhirServer,
        accessToken: request.fhirAuthorization?.access_token,
        authorizationProblem: authorizationProblem(request.fhirAuthorization),
        ...(service.fetchRefinements ? { refinements: service.fetchRefinements(clock.now()) } : {}),
        ...(service.followsMedicationReferences ? { followMedicationReferences: true } : {}),
      },
      {
        settings: { ...config.fhir, production: config.nodeEnv === 'production' },
        readerFor: (base, token, limits) => instrumentedReader(readerFor(base, token, limits, outgoingTraceHeaders(traceOf(res)))),
        onRefusedServer: (fhirServer) => {
          countFhirServerRefusal();
          logger.error(
            { reqId: res.locals['reqId'], serviceId: service.id, hookInstance: loggableHookInstance(request.hookInstance), origin: originOf(fhirServer) },
            'fhirServer refused: not in FHIR_SERVER_ALLOWLIST',
          );
        },
      },
    );
    if (gathered.fetched.length) res.locals['fhirFetches'] = gathered.fetched;
    // Another patient's resources were sent or found: counted per key and type, never ids or content.
    if (gathered.otherPatient.length) res.locals['otherPatientResources'] = gathered.otherPatient;

    const call: HookCall = {
      hook: request.hook,
      hookInstance: request.hookInstance,
      context: request.context,
      data: gathered.data,
      clock,
      newId,
      ...(request.fhirServer ? { fhirServer: request.fhirServer } : {}),
      baseUrl: config.publicBaseUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host') ?? `localhost:${config.port}`}`,
    };
    const t0 = performance.now();
    const decision = service.decide(call);
    const t1 = performance.now();
    const presented = service.present(decision, call);
    const t2 = performance.now();
    // Snoozed cards are hidden and every card shown is queued for the ledger (written later).
    const settled = record ? await deps.store!.settle(record, presented, service.extensionKey) : undefined;
    res.setHeader(
      'Server-Timing',
      serverTiming({ prefetch: gathered.timings.prefetchMs, fhir: gathered.timings.fhirMs, decide: t1 - t0, present: t2 - t1, snooze: settled?.snoozeWaitMs }),
    );
    countCards(service.id, settled ? settled.response.cards : presented.cards);
    res.json(settled ? settled.response : presented);
  });

  app.post('/cds-services/:id/feedback', guardBody, authenticate, requireJson, parseJson, async (req, res) => {
    const service = serviceFor(req, res);
    const tooBig = outOfBounds(req.body);
    if (tooBig) throw new InvalidRequest('Feedback out of bounds', [tooBig]);
    const items = parseFeedback(req.body, clock.now());
    // One line per feedback request with counts only (never per item: a client can send thousands).
    const outcomes: Record<string, number> = {};
    let acceptedSuggestions = 0;
    let overrideReasons = 0;
    for (const f of items) {
      outcomes[f.outcome] = (outcomes[f.outcome] ?? 0) + 1;
      acceptedSuggestions += f.acceptedSuggestions.length;
      if (f.overrideReason?.code) overrideReasons++;
    }
    for (const [outcome, n] of Object.entries(outcomes)) countFeedback(service.id, outcome, n);
    const stored = deps.store ? await deps.store.feedback(service.id, items).catch(() => undefined) : undefined;
    res.locals['logFields'] = {
      feedback: {
        items: items.length,
        outcomes,
        acceptedSuggestions,
        overrideReasons,
        ...(stored ? { unmatched: stored.unmatched, snoozed: stored.snoozed } : {}),
      },
    };
    if (deps.store && !stored) throw new ServiceUnavailable('Feedback could not be stored; retry later');
    res.status(200).json({});
  });

  for (const page of deps.pages ?? []) app.use(page);
  if (deps.store) app.use(analyticsRoutes(deps.store, config.store.analyticsToken));

  app.use((req, _res, next) => {
    next(new NotFound('Not found', [{ field: 'path', message: `no route ${req.method} ${req.path}` }]));
  });
  app.use(errorHandler(logger));
  return app;
}
