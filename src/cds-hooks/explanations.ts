import { randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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

/**
 * A page is addressed by a random UUID this service makes for it, never by the call's hookInstance: the
 * EHR chooses that (a reused one would put another patient's assessment behind an earlier card's link) and
 * it is written in every log line (anyone reading the logs could open the pages). The id is a capability:
 * 122 random bits, in the card's link only (the request log writes the path without it).
 */
const PAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const isPageId = (value: string): boolean => PAGE_ID.test(value);

/**
 * The explanations of recent calls, kept for a configured time, count and size (lru-cache: time-to-live,
 * a bound on entries and one on their total bytes, so memory stays flat however large each page is).
 * Each is kept as its JSON, deflated (zlib level 1, about 60 µs a call: a page is kept far more often than
 * it is opened), in a one-byte string: a 300-resource record's page holds 4.6 KB where its objects held
 * 31 KB and its UTF-8 JSON 14 KB. A string, not a Buffer: the JavaScript heap is compacted, while 2,000
 * small Buffers kept between each call's short-lived zlib state left the C heap fragmented (its resident
 * size rose from 15 to 70 MB). In this process only: behind a load balancer, a page opened from a card is
 * found when the same replica answers (sticky sessions), otherwise it is "expired".
 */
export class ExplanationStore {
  private readonly cache: LRUCache<string, string> | undefined;

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

  /** A new page id (random UUID), for the link on the card before the page is kept under it. */
  newPageId(): string {
    return randomUUID();
  }

  /**
   * Keeps the explanation of a call under a page id from `newPageId`; nothing else is kept (an id is never
   * chosen by a caller), nor is a page larger than the whole store. Sections' Markdown is written now.
   */
  put(pageId: string, explanation: Explanation): boolean {
    if (!this.cache || !isPageId(pageId)) return false;
    const page = deflateRawSync(JSON.stringify(explanation), { level: 1 }).toString('latin1');
    if (page.length > this.cache.maxSize) return false;
    this.cache.set(pageId, page);
    return true;
  }

  get(pageId: string): Explanation | undefined {
    const page = isPageId(pageId) ? this.cache?.get(pageId) : undefined;
    return page === undefined ? undefined : (JSON.parse(inflateRawSync(Buffer.from(page, 'latin1')).toString('utf8')) as Explanation);
  }

  /** The bytes the kept pages hold now (deflated), as counted against maxBytes. */
  get heldBytes(): number {
    return this.cache?.calculatedSize ?? 0;
  }
}
