import { LRUCache } from 'lru-cache';
import type { Card } from './protocol.js';

/**
 * What the explanation page of one hook call shows: its cards, then sections of Markdown (tables of
 * the full assessment). Plain data, so a shared store could hold it as well as this process.
 */
export interface Explanation {
  title: string;
  cards: readonly Card[];
  sections: readonly { heading: string; markdown: string }[];
}

/** hookInstance is a UUID the EHR makes for each call: the page is addressed by it and nothing else (no PHI in the URL). */
const HOOK_INSTANCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isHookInstance = (value: string): boolean => HOOK_INSTANCE.test(value);

/**
 * The explanations of recent calls, kept for a configured time and count (lru-cache: time-to-live and
 * a bound on entries, so memory stays flat). In this process only: behind a load balancer, a page
 * opened from a card is found when the same replica answers (sticky sessions), otherwise it is "expired".
 */
export class ExplanationStore {
  private readonly cache: LRUCache<string, Explanation> | undefined;

  constructor(options: { ttlSeconds: number; maxEntries: number }) {
    this.cache = options.ttlSeconds > 0 ? new LRUCache({ max: options.maxEntries, ttl: options.ttlSeconds * 1000, ttlAutopurge: false }) : undefined;
  }

  get enabled(): boolean {
    return this.cache !== undefined;
  }

  /** Keeps the explanation of a call; a hookInstance that is not a UUID is not kept (its URL could carry anything). */
  put(hookInstance: string, explanation: Explanation): boolean {
    if (!this.cache || !isHookInstance(hookInstance)) return false;
    this.cache.set(hookInstance.toLowerCase(), explanation);
    return true;
  }

  get(hookInstance: string): Explanation | undefined {
    return isHookInstance(hookInstance) ? this.cache?.get(hookInstance.toLowerCase()) : undefined;
  }
}
