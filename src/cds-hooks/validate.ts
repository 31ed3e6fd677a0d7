import type { z } from 'zod';
import { InvalidRequest, type ProblemIssue } from '../errors.js';
import { outOfBounds } from './bounds.js';
import { HookContexts, HookRequestEnvelope, type HookName, type HookRequest } from './protocol.js';

function issuesOf(error: z.ZodError, prefix: string[] = []): ProblemIssue[] {
  return error.issues.map((i) => ({
    field: [...prefix, ...i.path.map(String)].join('.') || '(body)',
    message: i.message,
  }));
}

/** Validates a hook call for the service's hook; every bad field is named in one 400. */
export function parseHookRequest(body: unknown, expectedHook: HookName): HookRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequest('Invalid hook request', [{ field: '(body)', message: 'must be a JSON object' }]);
  }
  // Depth, string and array bounds first: nothing below may walk an unbounded shape.
  const tooBig = outOfBounds(body);
  if (tooBig) throw new InvalidRequest('Hook request out of bounds', [tooBig]);
  const envelope = HookRequestEnvelope.safeParse(body);
  const issues: ProblemIssue[] = envelope.success ? [] : issuesOf(envelope.error);
  const hook = (body as { hook?: unknown }).hook;
  if (typeof hook === 'string' && hook !== expectedHook) {
    issues.push({ field: 'hook', message: `this service answers '${expectedHook}', not '${hook}'` });
  }
  const rawContext = (body as { context?: unknown }).context;
  let context: Record<string, unknown> | undefined;
  if (typeof rawContext === 'object' && rawContext !== null && !Array.isArray(rawContext)) {
    const parsed = HookContexts[expectedHook].safeParse(rawContext);
    if (parsed.success) context = parsed.data;
    else issues.push(...issuesOf(parsed.error, ['context']));
  }
  if (issues.length > 0 || !envelope.success) throw new InvalidRequest('Invalid hook request', issues);
  // The parsed context, so that members sent as null arrive as absent.
  return { ...envelope.data, context } as HookRequest;
}
