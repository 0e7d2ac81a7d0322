import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENTRY_GRACE_MS, type RevocationEntry } from '../../agent-sdk/revocation-list.js';
import { Journal } from '../../ca/audit/journal.js';
import type { Authority } from '../../ca/authority/authority.js';
import { CsrChecker } from '../../ca/authority/csr-checker.js';
import { validateConfig } from '../../ca/config.js';
import { encodeRecord, identityKey } from '../../ca/issuance/records.js';
import { RevocationFeed } from '../../ca/revocation/feed.js';
import { pruneRevocations } from '../../ca/revocation/prune.js';
import { REVOCATION_HEAD_KEY, normalizeSerial, revocationKey, revokedKey, sanitizeReason } from '../../ca/revocation/records.js';
import { type RevocationContext, revoke } from '../../ca/revocation/revoke.js';
import { LevelStore } from '../../ca/store/level-store.js';

const TD = 'tessera.local';
let now = Date.now();
const clock = { now: () => now };
let dir: string;
let rctx: RevocationContext | undefined;
afterEach(async () => {
  rctx?.feed.close();
  await rctx?.journal.close();
  await (rctx?.store as LevelStore | undefined)?.close();
  rctx = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The revocation flows over a real level store and journal; the authority is only asked for its trust domain. */
async function context(): Promise<RevocationContext> {
  dir = await mkdtemp(join(tmpdir(), 'tessera-revocation-'));
  const store = await LevelStore.create(join(dir, 'store'));
  const journal = await Journal.open({ store, clock });
  const feed = await RevocationFeed.load(store, TD, clock);
  const csrs = new CsrChecker({ workers: 0, maxBytes: 4096 }); // revocation reads no CSR: no threads
  rctx = { config: validateConfig({ dataDir: dir }), authority: { trustDomain: TD } as Authority, csrs, journal, clock, store, feed };
  return rctx;
}

const agentId = (instance: string) => `spiffe://${TD}/agent/orch-a/task-1/${instance}`;

async function putIdentity(ctx: RevocationContext, instance: string, expiresInMs: number, delegationChain: string[] = []): Promise<string> {
  const spiffeId = agentId(instance);
  await ctx.store.write([{
    type: 'put', key: identityKey(spiffeId), value: encodeRecord({
      spiffeId, kind: 'agent', orchestrator: 'orch-a', task: 'task-1', sponsor: 'u', scopes: [], ttlMs: 60_000, firstIssuedAtMs: now,
      renewals: 0, serial: `0${instance.length}`, expiresAtMs: now + expiresInMs, depth: delegationChain.length, delegationChain,
    }),
  }]);
  return spiffeId;
}

describe('revocation store', () => {
  it('ok/sequence numbers go up by one and are never reused, also after pruning; the feed publishes in order', async () => {
    const ctx = await context();
    const seen: number[] = [];
    ctx.feed.subscribe((entries) => seen.push(...entries.map((e) => e.sequence)));
    const [a] = await revoke(ctx, { kind: 'jti', jti: 'a' }, { cause: 'operator' });
    const [b] = await revoke(ctx, { kind: 'jti', jti: 'b' }, { cause: 'operator', reason: 'one\u202etwo\nthree' });
    expect([a!.sequence, b!.sequence]).toEqual([1, 2]);
    expect(b!.reason).toBe('one two three');
    now += 5 * 60_000 + ENTRY_GRACE_MS + 1;
    expect(await pruneRevocations(ctx)).toBe(2);
    expect(await ctx.store.get(revocationKey(1))).toBeUndefined();
    expect(await ctx.store.get(revokedKey.jti('a'))).toBeUndefined();
    expect(await ctx.store.get(REVOCATION_HEAD_KEY)).toBeDefined();
    const [c] = await revoke(ctx, { kind: 'jti', jti: 'c' }, { cause: 'operator' });
    expect(c!.sequence).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    // Validators never see the operator's text.
    expect(ctx.feed.list.entriesAfter(0).every((e) => !('reason' in e))).toBe(true);
  });

  it('ok/an index key shared by two entries stays until the one that covers it longest is pruned', async () => {
    const ctx = await context();
    const root = await putIdentity(ctx, 'root', 10_000);
    const kid = await putIdentity(ctx, 'kid', 10_000, [root]);
    const [byAgent] = await revoke(ctx, { kind: 'agent', spiffeId: kid }, { cause: 'operator' });
    const [byChain] = await revoke(ctx, { kind: 'chain', spiffeId: root }, { cause: 'operator' });
    expect(byChain!.coveredIds).toEqual([kid, root].sort());
    // The chain entry waits out the spawn ticket window, so it covers the kid longer.
    expect(byChain!.expiresAtMs).toBeGreaterThan(byAgent!.expiresAtMs);
    now += 10_000 + ENTRY_GRACE_MS + 1;
    expect(await pruneRevocations(ctx)).toBe(1);
    expect(JSON.parse(Buffer.from((await ctx.store.get(revokedKey.id(kid)))!).toString())).toMatchObject({ sequence: byChain!.sequence });
    now += 60_000;
    expect(await pruneRevocations(ctx)).toBe(1);
    for (const key of [revokedKey.id(kid), revokedKey.id(root), revokedKey.chain(root)]) expect(await ctx.store.get(key)).toBeUndefined();
    // The identities stay marked, so they can never renew again.
    expect(JSON.parse(Buffer.from((await ctx.store.get(identityKey(kid)))!).toString()).revocation).toMatchObject({ sequence: byAgent!.sequence });
  });

  it('ok/a feed loaded after expiry holds only what still covers something', async () => {
    const ctx = await context();
    await revoke(ctx, { kind: 'jti', jti: 'old' }, { cause: 'operator' });
    now += 5 * 60_000 + ENTRY_GRACE_MS + 1;
    await revoke(ctx, { kind: 'jti', jti: 'new' }, { cause: 'operator' });
    const reloaded = await RevocationFeed.load(ctx.store, TD, clock);
    expect(reloaded.list.entriesAfter(0).map((e: RevocationEntry) => e.target)).toEqual(['new']);
    expect(reloaded.head).toBe(2);
    reloaded.close();
  });

  it('fail/reasons are bounded and cleaned; serials are hex', () => {
    expect(sanitizeReason('  key\tleaked \u0007\u200b on\r\nmonday ')).toBe('key leaked on monday');
    expect(sanitizeReason('\u0000\u202e')).toBeUndefined();
    expect(sanitizeReason('é'.repeat(200))).toBe('é'.repeat(200));
    expect(() => sanitizeReason('x'.repeat(201))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(normalizeSerial('0A:1b:2C')).toBe('0a1b2c');
    for (const bad of ['', 'abc', 'zz', '0x0a']) expect(() => normalizeSerial(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
