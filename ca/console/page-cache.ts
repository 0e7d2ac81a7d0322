/**
 * Rendered pages shared between the browsers that ask for the same URL. Every
 * open page fetches itself again on each change, so without sharing, N open
 * pages cost N renders per change (bench/console.ts measured about 8 ms of CA
 * CPU for each). A page is reused while the audit head is where it was when it
 * was rendered (nothing the console shows changed) and for at most MAX_AGE_MS
 * (time left and expiries move on their own); a render in progress is shared too.
 */
const MAX_AGE_MS = 1000;
/** Distinct URLs kept at most (a page of 500 agents is a few hundred KiB); the oldest goes first. */
const MAX_ENTRIES = 64;

export interface RenderedPage {
  readonly status: number;
  readonly html: string;
}

export class PageCache {
  readonly #entries = new Map<string, { head: number; atMs: number; page: Promise<RenderedPage> }>();

  /** The page for `key` rendered at `head`, or a new one from `render`. */
  get(key: string, head: number, nowMs: number, render: () => Promise<RenderedPage>): Promise<RenderedPage> {
    const entry = this.#entries.get(key);
    if (entry && entry.head === head && nowMs - entry.atMs < MAX_AGE_MS && nowMs >= entry.atMs) return entry.page;
    // Oldest first in the map: a key rendered again moves to the end, and what has aged out goes.
    this.#entries.delete(key);
    for (const [oldKey, old] of this.#entries) {
      if (this.#entries.size < MAX_ENTRIES && nowMs - old.atMs < MAX_AGE_MS && nowMs >= old.atMs) break;
      this.#entries.delete(oldKey);
    }
    const page = render();
    this.#entries.set(key, { head, atMs: nowMs, page });
    return page;
  }
}
