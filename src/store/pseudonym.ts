import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Pseudonymous keys: HMAC-SHA256 of a namespaced id under a secret the database never holds, so
 * the ledger can count per patient and per user (snooze, analytics) without any raw id. The
 * namespace is the FHIR server the id belongs to: the same id on two EHRs is two people.
 */
export class Pseudonymiser {
  constructor(private readonly secret: string | Buffer) {}

  /**
   * base64url of HMAC-SHA256(secret, kind + fhirServer + id): 43 characters. A 'problem' key is a card's
   * summary (the problem as stated, which may carry clinical values) keyed the same way, so a snooze can
   * name the problem without the text.
   */
  key(kind: 'patient' | 'user' | 'problem' | 'hook-instance', id: string, namespace = ''): string {
    return createHmac('sha256', this.secret).update(`${kind}\u0000${namespace}\u0000${id}`).digest('base64url');
  }
}

/**
 * The configured secret, or for the embedded database a random one kept (mode 0600) beside its
 * data, so pseudonyms survive restarts of a single instance.
 */
export function pseudonymSecret(configured: string | undefined, dataDir: string): string | Buffer {
  if (configured) return configured;
  if (dataDir === 'memory://') return randomBytes(32);
  const file = resolve(dataDir, 'pseudonym.key');
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
