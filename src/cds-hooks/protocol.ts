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
 * `draftOrders` is a Bundle; the public sandbox sends it without `type`, so `type` is optional.
 * Entries without a resource are dropped rather than rejected: they carry nothing to check.
 */
export const DraftOrdersBundle = z.looseObject({
  resourceType: z.literal('Bundle', { message: "must be a Bundle (resourceType 'Bundle')" }),
  type: z.string().optional(),
  entry: z.array(z.looseObject({ resource: ResourceEnvelope.optional() })).optional(),
});

/** A member sent as `null` means absent: real clients send `"encounterId": null` and the like. */
const absentIfNull = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/**
 * CDS Hooks 2.0 lists expires_in, scope and subject as required, but clients omit them (the EHR's
 * token works without them), so only what a FHIR read needs is required: the token and its type.
 * The members a client left out are named by `missingAuthorizationMembers` for a warning log line.
 */
const FhirAuthorization = z.looseObject({
  access_token: nonEmpty,
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', "must be 'Bearer'"),
  expires_in: absentIfNull(z.number().int().nonnegative()),
  scope: absentIfNull(z.string()),
  subject: absentIfNull(z.string()),
  patient: absentIfNull(z.string()),
});

/** The members CDS Hooks 2.0 requires of fhirAuthorization that this call left out (for the log; never the token). */
export function missingAuthorizationMembers(auth: z.infer<typeof FhirAuthorization> | undefined): string[] {
  if (!auth) return [];
  return (['expires_in', 'scope', 'subject'] as const).filter((m) => auth[m] === undefined || auth[m] === '');
}

const baseContext = {
  userId: nonEmpty,
  patientId: nonEmpty,
  encounterId: absentIfNull(z.string()),
};

export const HookContexts = {
  'patient-view': z.looseObject({ ...baseContext }),
  'order-select': z.looseObject({
    ...baseContext,
    selections: z.array(nonEmpty),
    // The sandbox sometimes fires order-select before any order exists; answer, do not reject.
    draftOrders: absentIfNull(DraftOrdersBundle),
  }),
  'order-sign': z.looseObject({
    ...baseContext,
    draftOrders: absentIfNull(DraftOrdersBundle),
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
