import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Logger } from '../logger.js';
import { errorCode } from './ledger.js';
import { replayChecks } from './metrics.js';
import type { Database } from './schema.js';

/**
 * The JWT replay check shared by replicas: claiming a token id is one unique insert, which
 * succeeds only if no live claim exists (an expired claim is taken over). Returns true when the
 * id is fresh, false for a replay, and undefined when the database could not answer (the caller
 * falls back to its own per-process memory, so an outage does not refuse every call).
 */
export class SharedReplayGuard {
  private lastWarn = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    private readonly gate: { ready: boolean } = { ready: true },
  ) {}

  async claim(tokenId: string, expiresAt: Date, now: Date): Promise<boolean | undefined> {
    if (!this.gate.ready) return undefined;
    const key = createHash('sha256').update(tokenId).digest('base64url');
    try {
      const claimed = await this.db
        .insertInto('jwt_replay')
        .values({ token_key: key, expires_at: expiresAt })
        .onConflict((oc) => oc.column('token_key').doUpdateSet({ expires_at: expiresAt }).where('jwt_replay.expires_at', '<=', now))
        .returning(sql<number>`1`.as('claimed'))
        .executeTakeFirst();
      replayChecks.inc({ result: claimed ? 'fresh' : 'replay' });
      return claimed !== undefined;
    } catch (err) {
      replayChecks.inc({ result: 'db-error' });
      if (Date.now() - this.lastWarn > 10_000) {
        this.lastWarn = Date.now();
        this.logger.warn({ error: errorCode(err) }, 'shared JWT replay check unavailable: checking this instance only');
      }
      return undefined;
    }
  }
}
