import { describe, expect, it } from 'vitest';
import { PageCache } from '../../ca/console/page-cache.js';

describe('console page cache', () => {
  it('ok/one render serves every request for the URL while the audit head stays, for up to a second; a new head or age renders again', async () => {
    const cache = new PageCache();
    let renders = 0;
    const render = () => Promise.resolve({ status: 200, html: `render ${++renders}` });
    const pages = await Promise.all(Array.from({ length: 64 }, () => cache.get('/', 7, 1000, render)));
    expect(new Set(pages.map((p) => p.html))).toEqual(new Set(['render 1']));
    expect((await cache.get('/', 7, 1999, render)).html).toBe('render 1');
    expect((await cache.get('/audit', 7, 1999, render)).html).toBe('render 2');
    expect((await cache.get('/', 8, 1999, render)).html).toBe('render 3');
    expect((await cache.get('/', 8, 2999, render)).html).toBe('render 4');
    // A clock that went back never serves a page from its future.
    expect((await cache.get('/', 8, 2000, render)).html).toBe('render 5');
  });

  it('ok/at most 64 URLs are kept, the oldest dropped first', async () => {
    const cache = new PageCache();
    let renders = 0;
    const render = () => Promise.resolve({ status: 200, html: String(++renders) });
    for (let i = 0; i <= 64; i++) await cache.get(`/search?q=${i}`, 1, 1000, render);
    expect((await cache.get('/search?q=64', 1, 1000, render)).html).toBe('65');
    expect((await cache.get('/search?q=1', 1, 1000, render)).html).toBe('2');
    expect((await cache.get('/search?q=0', 1, 1000, render)).html).toBe('66');
  });
});
