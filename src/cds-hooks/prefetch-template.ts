import type { HookName } from './protocol.js';

const TOKEN = /\{\{\s*([A-Za-z.]+)\s*\}\}/g;

/** Context fields each hook defines (Hook Library 1.0.1); only scalar ones can fill a template. */
const SCALAR_CONTEXT_FIELDS: Record<HookName, readonly string[]> = {
  'patient-view': ['userId', 'patientId', 'encounterId'],
  'order-select': ['userId', 'patientId', 'encounterId'],
  'order-sign': ['userId', 'patientId', 'encounterId'],
};

/** CDS Hooks 2.0 user tokens, filled from `context.userId` ("Practitioner/123"). */
const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

const TEMPLATE_SHAPE = /^[A-Z][A-Za-z]+(\/[^/?\s]+|\?[^\s]+)?$/;

/** Problems with a template, empty when it is well formed for the hook. Used at start-up. */
export function checkPrefetchTemplate(hook: HookName, template: string): string[] {
  const problems: string[] = [];
  if (!TEMPLATE_SHAPE.test(template)) {
    problems.push(`'${template}' is not a FHIR read (Type/id) or search (Type?params)`);
  }
  for (const [, token] of template.matchAll(TOKEN)) {
    const name = token!;
    if (name.startsWith('context.')) {
      if (!SCALAR_CONTEXT_FIELDS[hook].includes(name.slice('context.'.length))) {
        problems.push(`token {{${name}}} is not a ${hook} context field`);
      }
    } else if (!(name in USER_TOKENS)) {
      problems.push(`token {{${name}}} is not a CDS Hooks prefetch token`);
    }
  }
  return problems;
}

/**
 * Fills a prefetch template's tokens from the hook context (CDS Hooks 2.0 §Prefetch tokens).
 * Values are URL-encoded. Returns undefined when a token has no value in this call, in which
 * case the spec says the key is not fetched.
 */
export function renderPrefetchTemplate(template: string, context: Record<string, unknown>): string | undefined {
  let unresolved = false;
  const rendered = template.replace(TOKEN, (_match, name: string) => {
    let value: unknown;
    if (name.startsWith('context.')) {
      value = context[name.slice('context.'.length)];
    } else {
      const type = USER_TOKENS[name];
      const userId = context['userId'];
      if (type && typeof userId === 'string' && userId.startsWith(`${type}/`)) value = userId.slice(type.length + 1);
    }
    if (typeof value !== 'string' || value.length === 0) {
      unresolved = true;
      return '';
    }
    return encodeURIComponent(value);
  });
  return unresolved ? undefined : rendered;
}
