import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelStore } from '../../ca/store/level-store.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

let dirs: string[] = [];
let stores: LevelStore[] = [];

async function open(dir?: string): Promise<{ store: LevelStore; dir: string }> {
  const d = dir ?? await mkdtemp(join(tmpdir(), 'tessera-store-'));
  if (!dir) dirs.push(d);
  const store = await LevelStore.create(d);
  stores.push(store);
  return { store, dir: d };
}

afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  stores = [];
  dirs = [];
});

async function collect(it: AsyncIterable<[string, Uint8Array]>): Promise<[string, string | undefined][]> {
  const out: [string, string | undefined][] = [];
  for await (const [k, v] of it) out.push([k, text(v)]);
  return out;
}

describe('LevelStore', () => {
  it('ok/missing-key-is-undefined', async () => {
    const { store } = await open();
    expect(await store.get('nope')).toBeUndefined();
    expect(await store.getMany([])).toEqual([]);
  });

  it('ok/write-put-and-del-atomically', async () => {
    const { store } = await open();
    await store.write([{ type: 'put', key: 'a', value: bytes('1') }, { type: 'put', key: 'b', value: bytes('2') }]);
    await store.write([{ type: 'del', key: 'a' }, { type: 'put', key: 'c', value: bytes('3') }]);
    const values = await store.getMany(['a', 'b', 'c']);
    expect(values.map(text)).toEqual([undefined, '2', '3']);
    expect(values[1]).toBeInstanceOf(Uint8Array);
  });

  it('ok/entries-honour-range-reverse-limit', async () => {
    const { store } = await open();
    await store.write(['p/1', 'p/2', 'p/3', 'q/1'].map((key) => ({ type: 'put' as const, key, value: bytes(key) })));
    expect((await collect(store.entries({ gte: 'p/', lt: 'p0' }))).map(([k]) => k)).toEqual(['p/1', 'p/2', 'p/3']);
    expect((await collect(store.entries({ gte: 'p/', lt: 'p0', reverse: true, limit: 2 }))).map(([k]) => k)).toEqual(['p/3', 'p/2']);
    expect((await collect(store.entries({}))).map(([k]) => k)).toEqual(['p/1', 'p/2', 'p/3', 'q/1']);
    expect(await collect(store.entries({ gte: 'p/2', lt: 'p/3' }))).toEqual([['p/2', 'p/2']]);
  });

  it('ok/survives-close-and-reopen', async () => {
    const { store, dir } = await open();
    await store.write([{ type: 'put', key: 'k', value: bytes('durable') }]);
    await store.close();
    stores = stores.filter((s) => s !== store);
    const { store: again } = await open(dir);
    expect(text(await again.get('k'))).toBe('durable');
  });

  it('fail/second-open-of-locked-directory', async () => {
    const { dir } = await open();
    await expect(LevelStore.create(dir)).rejects.toThrow();
  });
});
