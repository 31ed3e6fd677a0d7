import { z } from 'zod';

/** CDS Hooks 2.0 hooks this engine knows, with their Hook Library 1.0.1 contexts. */
export const HOOKS = ['patient-view', 'order-select', 'order-sign'] as const;
export type HookName = (typeof HOOKS)[number];

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string');

/** A FHIR resource as far as the engine needs to trust it: an object that names its type. */
export const ResourceEnvelope = z.looseObject({
  resourceType: nonEmpty,
  id: z.string().optional(),
});

/**
 * The most entries a draftOrders Bundle may hold. An admission order set is tens of orders; each draft is
 * resolved and checked against the record, and 8,000 drafts once held the event loop for 34 s.
 */
export const MAX_DRAFT_ORDERS = 500;

/**
 * `draftOrders` is a Bundle; the public sandbox sends it without `type`, so `type` is optional.
 * Entries without a resource are dropped rather than rejected: they carry nothing to check.
 */
export const DraftOrdersBundle = z.looseObject({
  resourceType: z.literal('Bundle', { message: "must be a Bundle (resourceType 'Bundle')" }),
  type: z.string().optional(),
  entry: z
    .array(z.looseObject({ resource: ResourceEnvelope.optional() }))
    .max(MAX_DRAFT_ORDERS, { message: `more than ${MAX_DRAFT_ORDERS} entries: more draft orders than one signing holds` })
    .optional(),
});

/** A member sent as `null` means absent: real clients send `"encounterId": null` and the like. */
const absentIfNull = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/** A member read when it has the expected shape, else absent: null, a wrong type or an empty string say nothing usable. */
const lenient = <T extends z.ZodType>(schema: T) =>
  z
    .unknown()
    .transform((v): z.infer<T> | undefined => {
      const r = schema.safeParse(v);
      return r.success ? r.data : undefined;
    })
    .optional();

/**
 * CDS Hooks 2.0 requires every member (token_type 'Bearer', expires_in, scope, subject), but clients
 * omit some or send them as null, and the token works without them. So nothing here refuses a call:
 * a member that is missing, null or of another type is absent, a missing token_type is taken as Bearer,
 * and only a call that must fetch data with an unusable token is refused (`authorizationProblem`, 400
 * naming the member). The members a client left out are named by `missingAuthorizationMembers` for a
 * warning log line.
 */
const FhirAuthorization = z.looseObject({
  access_token: lenient(nonEmpty),
  token_type: lenient(nonEmpty),
  expires_in: lenient(z.number().int().nonnegative()),
  scope: lenient(z.string()),
  subject: lenient(z.string()),
  patient: lenient(z.string()),
});
export type FhirAuthorization = z.infer<typeof FhirAuthorization>;

/** The members CDS Hooks 2.0 requires of fhirAuthorization that this call left out (for the log; never the token). */
export function missingAuthorizationMembers(auth: FhirAuthorization | undefined): string[] {
  if (!auth) return [];
  return (['access_token', 'token_type', 'expires_in', 'scope', 'subject'] as const).filter((m) => auth[m] === undefined || auth[m] === '');
}

/**
 * Why the token cannot be sent to fhirServer, or undefined when it can (or no fhirAuthorization was
 * given: an open server is read without one). Matters only when data must be fetched; never names the token.
 */
export function authorizationProblem(auth: FhirAuthorization | undefined): { field: string; message: string } | undefined {
  if (!auth) return undefined;
  if (auth.access_token === undefined) {
    return { field: 'fhirAuthorization.access_token', message: 'missing or empty: the data this call lacks must be fetched from fhirServer with it' };
  }
  if (auth.token_type !== undefined && auth.token_type.trim().toLowerCase() !== 'bearer') {
    return { field: 'fhirAuthorization.token_type', message: "only 'Bearer' tokens can be sent to fhirServer to fetch the data this call lacks" };
  }
  return undefined;
}

const baseContext = {
  userId: nonEmpty,
  patientId: nonEmpty,
  encounterId: absentIfNull(z.string()),
};

/**
 * `draftOrders` is REQUIRED on order-select and order-sign (CDS Hooks 2.0 Hook Library, 1..1): a call
 * without it, or with it null, carries no order to check, and answering 200 with no cards would read as
 * "nothing found". So it is a 400 naming the member; an empty Bundle (no entries) is a valid call.
 */
const requiredDraftOrders = z.custom<unknown>((v) => v !== undefined && v !== null, {
  message: 'required (CDS Hooks 2.0): the Bundle of draft orders this hook checks',
});
const draftOrders = requiredDraftOrders.pipe(DraftOrdersBundle);

export const HookContexts = {
  'patient-view': z.looseObject({ ...baseContext }),
  'order-select': z.looseObject({
    ...baseContext,
    selections: z.array(nonEmpty),
    draftOrders,
  }),
  'order-sign': z.looseObject({
    ...baseContext,
    draftOrders,
  }),
} satisfies Record<HookName, z.ZodType>;

export type HookContext<H extends HookName> = z.infer<(typeof HookContexts)[H]>;
export type AnyHookContext = HookContext<'patient-view'> & Partial<HookContext<'order-select'>>;

/** The envelope of every hook call (CDS Hooks 2.0 §HTTP Request). The context is checked per hook. */
export const HookRequestEnvelope = z.looseObject({
  hook: nonEmpty,
  hookInstance: nonEmpty,
  fhirServer: absentIfNull(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' })),
  fhirAuthorization: absentIfNull(FhirAuthorization),
  context: z.looseObject({}),
  prefetch: z.record(z.string(), z.unknown()).nullable().optional(),
});

export type HookRequest = z.infer<typeof HookRequestEnvelope> & { hook: HookName; context: AnyHookContext };

// ---- Response types (CDS Hooks 2.0 §CDS Service Response) ----

export type Indicator = 'info' | 'warning' | 'critical';

export interface Coding {
  system: string;
  code: string;
  display: string;
}

export interface Link {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
}

export interface Source {
  label: string;
  url?: string;
  icon?: string;
  topic?: Coding;
}

export type Action =
  | { type: 'create'; description: string; resource: fhir4.Resource }
  | { type: 'update'; description: string; resource: fhir4.Resource }
  | { type: 'delete'; description: string; resourceId: string };

export interface Suggestion {
  label: string;
  uuid: string;
  isRecommended?: boolean;
  actions: Action[];
}

export interface Card {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: Indicator;
  source: Source;
  suggestions?: Suggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Coding[];
  links?: Link[];
}

export interface CdsResponse {
  cards: Card[];
  systemActions?: Action[];
  extension?: Record<string, unknown>;
}

export interface DiscoveryEntry {
  hook: HookName;
  id: string;
  title: string;
  description: string;
  prefetch: Record<string, string>;
  usageRequirements?: string;
}
