import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { readJsonFile } from '../knowledge/json-data.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Key URLs must be https; plain http is accepted only on loopback (local tests). */
const keyUrl = z.url({ message: 'must be a URL' }).refine((u) => {
  const url = new URL(u);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
}, 'must be an https URL (http only on loopback)');

const Jwk = z.looseObject({ kty: z.string().min(1), kid: z.string().min(1) });

export const TrustedIssuer = z
  .object({
    iss: z.string().min(1),
    jwks_uri: keyUrl.optional(),
    jwks: z.object({ keys: z.array(Jwk).min(1) }).optional(),
    tenants: z.array(z.string().min(1)).min(1).optional(),
    note: z.string().optional(),
  })
  .refine((i) => i.jwks_uri || i.jwks, { message: 'needs jwks_uri or inline jwks' });

export const TrustedIssuersFile = z
  .array(TrustedIssuer)
  .min(1)
  .refine((list) => new Set(list.map((i) => i.iss)).size === list.length, 'iss values must be unique');

export type TrustedIssuer = z.infer<typeof TrustedIssuer>;

export function loadTrustedIssuers(file: string): TrustedIssuer[] {
  const parsed = TrustedIssuersFile.safeParse(readJsonFile(file));
  if (!parsed.success) {
    throw new ConfigurationError(
      `${file} is not a valid trusted-issuer list`,
      parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}
