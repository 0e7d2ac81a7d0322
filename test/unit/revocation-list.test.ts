import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import { ENTRY_GRACE_MS, type RevocationEntry, RevocationList } from '../../agent-sdk/revocation-list.js';
import { revocationEntryFromWire, revocationEntryToWire } from '../../agent-sdk/revocation-wire.js';

const TD = 'tessera.local';
const agent = (task: string, instance: string) => `spiffe://${TD}/agent/orch-a/${task}/${instance}`;
let now = 1_000_000;
const clock = { now: () => now };
const lists: RevocationList[] = [];
const listOf = (options: Partial<ConstructorParameters<typeof RevocationList>[0]> = {}) => {
  const list = new RevocationList({ trustDomain: TD, clock, ...options });
  lists.push(list);
  return list;
};
afterEach(() => lists.splice(0).forEach((l) => l.close()));

let seq = 0;
function entry(kind: RevocationEntry['kind'], target: string, extra: Partial<RevocationEntry> = {}): RevocationEntry {
  return { sequence: ++seq, kind, target, coveredIds: [], revokedAtMs: now, expiresAtMs: now + 60_000, cause: 'operator', ...extra };
}

describe('RevocationList', () => {
  it('ok/each kind covers exactly what it names', () => {
    const list = listOf();
    list.apply([
      entry('serial', 'aa01'), entry('jti', 'tok-1'), entry('agent', agent('t1', 'i1')), entry('task', 'orch-a/t2'),
      entry('chain', agent('t3', 'root'), { coveredIds: [agent('t3', 'root'), agent('t3', 'kid')] }),
    ]);
    const covered = (subject: Parameters<RevocationList['find']>[0]) => list.find(subject)?.kind;
    expect(covered({ id: agent('t9', 'x'), serialHex: 'AA01' })).toBe('serial');
    expect(covered({ id: agent('t9', 'x'), jti: 'tok-1' })).toBe('jti');
    expect(covered({ id: agent('t1', 'i1') })).toBe('agent');
    expect(covered({ id: SpiffeId.parse(agent('t2', 'any')) })).toBe('task');
    expect(covered({ id: agent('t3', 'kid') })).toBe('chain');
    // A descendant the CA did not know of is still covered through its verified lineage.
    expect(covered({ id: agent('t3', 'late'), ancestors: [agent('t3', 'root')] })).toBe('chain');
    expect(covered({ id: agent('t3', 'late') })).toBeUndefined();
    // An agent revocation is the agent only, not what it delegated to.
    expect(covered({ id: agent('t1', 'kid'), ancestors: [agent('t1', 'i1')] })).toBeUndefined();
    // No prefix confusion between task names, and the task level applies to agents only.
    expect(covered({ id: agent('t22', 'x') })).toBeUndefined();
    expect(covered({ id: `spiffe://${TD}/orchestrator/orch-a` })).toBeUndefined();
  });

  it('fail/entries never cover peers of another trust domain', () => {
    const list = listOf();
    list.apply([entry('serial', 'aa01'), entry('task', 'orch-a/t1')]);
    expect(list.find({ id: 'spiffe://other.test/agent/orch-a/t1/i', serialHex: 'aa01' })).toBeUndefined();
    expect(list.find({ id: 'not a spiffe id' })).toBeUndefined();
  });

  it('ok/apply skips duplicates and expired entries, tracks the head, resets', () => {
    const list = listOf();
    const e1 = entry('jti', 'a');
    const old = entry('jti', 'b', { expiresAtMs: now - ENTRY_GRACE_MS - 1 });
    expect(list.apply([e1, e1, old])).toEqual([e1]);
    expect([list.head, list.size]).toEqual([old.sequence, 1]);
    expect(list.entriesAfter(0)).toEqual([e1]);
    list.apply([entry('jti', 'c')], { reset: true });
    expect(list.isRevoked({ id: agent('t', 'i'), jti: 'a' })).toBe(false);
    expect(list.size).toBe(1);
  });

  it('ok/entries drop out once what they cover has expired (plus the grace)', () => {
    const list = listOf();
    list.apply([entry('jti', 'short', { expiresAtMs: now + 10 }), entry('jti', 'long')]);
    now += 10 + ENTRY_GRACE_MS;
    list.prune();
    expect(list.entriesAfter(0).map((e) => e.target)).toEqual(['long']);
    expect(list.isRevoked({ id: agent('t', 'i'), jti: 'short' })).toBe(false);
  });

  it('ok/a tracked connection is closed once, when an entry covering it arrives; untracked ones are not', () => {
    const list = listOf();
    const closed: string[] = [];
    list.track({ id: agent('t1', 'a') }, (err) => closed.push(`a:${err.code}`));
    const untrack = list.track({ id: agent('t1', 'b') }, () => closed.push('b'));
    list.track({ id: agent('t2', 'c') }, () => closed.push('c'));
    untrack();
    list.apply([entry('task', 'orch-a/t1')]);
    list.apply([entry('agent', agent('t1', 'a'))]);
    expect(closed).toEqual(['a:ERR_REVOKED']);
  });

  it('fail/cut off for longer than staleAfterMs, checks fail closed and tracked connections close; failOpen keeps accepting', async () => {
    // Real time, so the 'stale' timer fires; 400 ms, so the check just after the cut-off still falls
    // within staleAfterMs when the machine is busy (40 ms failed once in a full run under load).
    const real = { now: () => Date.now() };
    const closed = listOf({ clock: real, staleAfterMs: 400 });
    const open = listOf({ clock: real, staleAfterMs: 400, failOpen: true });
    const dropped: string[] = [];
    closed.track({ id: agent('t', 'i') }, (err) => dropped.push(err.code));
    for (const list of [closed, open]) {
      list.markCurrent();
      list.markCutOff();
    }
    expect(() => closed.check({ id: agent('t', 'i') })).not.toThrow();
    await new Promise((resolve) => closed.once('stale', resolve));
    expect(() => closed.check({ id: agent('t', 'i') })).toThrow(expect.objectContaining({ code: 'ERR_REVOCATION_STALE' }));
    expect(() => closed.isTokenRevoked({ id: SpiffeId.parse(agent('t', 'i')), jti: 'x' })).toThrow(expect.objectContaining({ code: 'ERR_REVOCATION_STALE' }));
    expect(dropped).toEqual(['ERR_REVOCATION_STALE']);
    await new Promise((r) => setTimeout(r, 50));
    expect(() => open.check({ id: agent('t', 'i') })).not.toThrow();
    closed.markCurrent();
    expect(() => closed.check({ id: agent('t', 'i') })).not.toThrow();
  });

  it('ok/authority entries give the revoked keys and kids, cover no subject, and leave when they expire', () => {
    const list = listOf();
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    const hash = createHash('sha256').update(spki).digest('hex');
    const before = list.revokedX509Authorities;
    list.apply([entry('x509_authority', hash, { publicKey: spki.toString('base64') }), entry('jwt_authority', 'kid-1', { expiresAtMs: now + 120_000 })]);
    expect(list.revokedX509Authorities).not.toBe(before);
    expect(list.revokedX509Authorities.map((k) => k.equals(spki))).toEqual([true]);
    expect([...list.revokedJwtKeyIds]).toEqual(['kid-1']);
    expect(list.find({ id: agent('t1', 'i1') })).toBeUndefined();
    now += 60_000 + ENTRY_GRACE_MS;
    list.prune();
    expect(list.revokedX509Authorities).toEqual([]);
    expect([...list.revokedJwtKeyIds]).toEqual(['kid-1']);
  });

  it('fail/an X.509 authority entry whose key does not hash to its target is refused on the wire', () => {
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    const good = entry('x509_authority', createHash('sha256').update(spki).digest('hex'), { publicKey: spki.toString('base64') });
    const wire = { ...revocationEntryToWire(good), publicKey: spki } as Parameters<typeof revocationEntryFromWire>[0];
    expect(revocationEntryFromWire(wire)).toMatchObject({ kind: 'x509_authority', publicKey: spki.toString('base64') });
    expect(() => revocationEntryFromWire({ ...wire, target: 'ab'.repeat(32) })).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
  });

  it('ok/isTokenRevoked: the jti, the subject, its task and its ancestors', () => {
    const list = listOf();
    list.markCurrent();
    list.apply([entry('jti', 'j1'), entry('chain', agent('t', 'root'))]);
    const token = (instance: string, jti: string, chain: string[] = []) => ({ id: SpiffeId.parse(agent('t', instance)), jti, delegationChain: chain.map((c) => SpiffeId.parse(c)) });
    expect(list.isTokenRevoked(token('x', 'j1'))).toBe(true);
    expect(list.isTokenRevoked(token('x', 'j2'))).toBe(false);
    expect(list.isTokenRevoked(token('x', 'j2', [agent('t', 'root')]))).toBe(true);
  });
});
