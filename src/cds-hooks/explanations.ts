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
 * The explanations of recent calls, kept for a configured time, count and size (lru-cache: time-to-live,
 * a bound on entries and one on their total bytes, so memory stays flat however large each page is).
 * Each is kept as its JSON in UTF-8, outside the JavaScript heap: as objects, a 300-resource record's
 * pages held 31 KB each (60-70 MB of RSS at 2,000 pages, which the entry bound alone allowed); as
 * UTF-8 they hold 14 KB. In this process only: behind a load balancer, a page opened from a card is
 * found when the same replica answers (sticky sessions), otherwise it is "expired".
 */
export class ExplanationStore {
  private readonly cache: LRUCache<string, Buffer> | undefined;

  constructor(options: { ttlSeconds: number; maxEntries: number; maxBytes: number }) {
    this.cache =
      options.ttlSeconds > 0
        ? new LRUCache({
            max: options.maxEntries,
            maxSize: options.maxBytes,
            sizeCalculation: (page) => page.length,
            ttl: options.ttlSeconds * 1000,
            ttlAutopurge: false,
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.cache !== undefined;
  }

  /**
   * Keeps the explanation of a call; a hookInstance that is not a UUID is not kept (its URL could carry
   * anything), nor is a page larger than the whole store. Sections' Markdown is written now.
   */
  put(hookInstance: string, explanation: Explanation): boolean {
    if (!this.cache || !isHookInstance(hookInstance)) return false;
    const page = Buffer.from(JSON.stringify(explanation), 'utf8');
    if (page.length > this.cache.maxSize) return false;
    this.cache.set(hookInstance.toLowerCase(), page);
    return true;
  }

  get(hookInstance: string): Explanation | undefined {
    const page = isHookInstance(hookInstance) ? this.cache?.get(hookInstance.toLowerCase()) : undefined;
    return page === undefined ? undefined : (JSON.parse(page.toString('utf8')) as Explanation);
  }

  /** The bytes the kept pages hold now, as counted against maxBytes. */
  get heldBytes(): number {
    return this.cache?.calculatedSize ?? 0;
  }
}
