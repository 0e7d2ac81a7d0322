import { type KeyObject, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import {
  type DelegationHop, type DelegationRecord, type Lineage, decodeDelegationRecord, decodeLineage, delegationSigningBytes,
  encodeDelegationRecord, encodeLineage, lineageDigest,
} from '../../agent-sdk/lineage.js';
import { verifyLineage } from '../../agent-sdk/verify-lineage.js';

const TD = 'tessera.local';
const agent = (n: number, task = 'task-1') => `spiffe://${TD}/agent/orch-a/${task}/${n.toString(16).padStart(32, '0')}`;
const newKey = (type: 'ec' | 'ed25519' = 'ec') =>
  type === 'ec' ? generateP256Key() : generateKeyPairSync('ed25519').privateKey;
const spki = (key: KeyObject) => createPublicKey(key).export({ format: 'der', type: 'spki' });
const T0 = Date.UTC(2026, 10, 22, 12);

const root: Lineage = { orchestrator: 'orch-a', task: 'task-1', sponsor: 'user:alice', scopes: ['read:files:*', 'search:query', 'write:files:*'], hops: [] };

/** Signs `record` with `key`, as a delegator does. */
function signed(record: DelegationRecord, key: KeyObject): DelegationHop {
  const recordDer = encodeDelegationRecord(record);
  return { record, recordDer, signature: sign('sha256', delegationSigningBytes(recordDer), { key, dsaEncoding: 'der' }) };
}

/** agent(0) -> agent(1) -> agent(2) -> agent(3), each hop narrowing. */
function threeHops() {
  const keys = [newKey(), newKey(), newKey(), newKey()];
  const plan = [
    { scopes: ['read:files:*', 'search:query'], notAfterMs: T0 + 3_600_000 },
    { scopes: ['read:files:*'], notAfterMs: T0 + 1_800_000 },
    { scopes: ['read:files:42'], notAfterMs: T0 + 600_000 },
  ];
  let lineage: Lineage = root;
  for (const [i, step] of plan.entries()) {
    const record: DelegationRecord = {
      previous: lineageDigest(lineage), delegator: agent(i), delegatorKey: spki(keys[i]!), delegate: agent(i + 1),
      scopes: step.scopes, delegatedAtMs: T0 + i * 1000, notAfterMs: step.notAfterMs, depth: i + 1,
    };
    lineage = { ...lineage, hops: [...lineage.hops, signed(record, keys[i]!)] };
  }
  return { lineage, keys };
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('ERR_LINEAGE_INVALID');
    return (err as TesseraError).message;
  }
  return expect.fail('expected ERR_LINEAGE_INVALID');
};

describe('lineage encoding', () => {
  it('ok/round-trips through DER, and a record decodes to what was encoded', () => {
    const { lineage } = threeHops();
    const der = encodeLineage(lineage);
    const back = decodeLineage(der);
    expect(encodeLineage(back).equals(der)).toBe(true);
    expect(back.hops.map((h) => h.record.delegate)).toEqual([agent(1), agent(2), agent(3)]);
    expect(decodeDelegationRecord(lineage.hops[1]!.recordDer)).toEqual(lineage.hops[1]!.record);
  });

  it('fail/truncated, trailing bytes, unsorted scopes, non-ASCII, a wrong version', () => {
    const der = encodeLineage(threeHops().lineage);
    refusal(() => decodeLineage(der.subarray(0, der.length - 1)));
    refusal(() => decodeLineage(Buffer.concat([der, Buffer.from([0])])));
    refusal(() => decodeLineage(encodeLineage({ ...root, scopes: ['write:files:*', 'read:files:*'] })));
    refusal(() => decodeLineage(encodeLineage({ ...root, scopes: ['read:files:*', 'read:files:*'] })));
    refusal(() => decodeLineage(encodeLineage({ ...root, scopes: ['READ:files'] })));
    refusal(() => decodeLineage(encodeLineage({ ...root, sponsor: 'user alice' })));
    const v2 = Buffer.from(encodeLineage(root));
    v2[v2.indexOf(Buffer.from([0x02, 0x01, 0x01]), 2) + 2] = 2; // the version INTEGER
    refusal(() => decodeLineage(v2));
  });
});

describe('verifyLineage', () => {
  it('ok/three hops: depth, chain, effective scopes, lifetime and chain hash', () => {
    const { lineage } = threeHops();
    const v = verifyLineage(encodeLineage(lineage), agent(3));
    expect(v.depth).toBe(3);
    expect(v.delegationChain.map(String)).toEqual([agent(0), agent(1), agent(2)]);
    expect(v.effectiveScopes).toEqual(['read:files:42']);
    expect(v.notAfterMs).toBe(T0 + 600_000);
    expect(v.sponsor).toBe('user:alice');
    expect(v.chainHash).toBe(lineageDigest(lineage).toString('hex'));
    expect(verifyLineage(root, agent(0)).depth).toBe(0);
  });

  it('fail/a hop removed, at the start, in the middle or at the end', () => {
    const { lineage } = threeHops();
    const [h0, h1, h2] = lineage.hops as [DelegationHop, DelegationHop, DelegationHop];
    refusal(() => verifyLineage({ ...lineage, hops: [h1, h2] }, agent(3)));
    expect(refusal(() => verifyLineage({ ...lineage, hops: [h0, h2] }, agent(3)))).toMatch(/depth|link/);
    refusal(() => verifyLineage({ ...lineage, hops: [h0, h1] }, agent(3)));
  });

  it('fail/hops reordered', () => {
    const { lineage } = threeHops();
    const [h0, h1, h2] = lineage.hops as [DelegationHop, DelegationHop, DelegationHop];
    for (const hops of [[h1, h0, h2], [h0, h2, h1], [h2, h1, h0]]) refusal(() => verifyLineage({ ...lineage, hops }, agent(3)));
  });

  it('fail/a hop re-signed by the wrong key, with or without that key named in the record', () => {
    const { lineage } = threeHops();
    const [h0, h1, h2] = lineage.hops as [DelegationHop, DelegationHop, DelegationHop];
    const intruder = newKey();
    expect(refusal(() => verifyLineage({ ...lineage, hops: [h0, signed(h1.record, intruder), h2] }, agent(3)))).toMatch(/not signed/);
    // Naming the intruder's key changes the hop, so the next hop no longer links to it.
    const swapped = signed({ ...h1.record, delegatorKey: spki(intruder) }, intruder);
    expect(refusal(() => verifyLineage({ ...lineage, hops: [h0, swapped, h2] }, agent(3)))).toMatch(/link/);
    // A key of another type never verifies a hop.
    const ed = newKey('ed25519');
    const edHop = { ...signed({ ...h2.record, delegatorKey: spki(ed) }, newKey()), signature: sign(null, delegationSigningBytes(h2.recordDer), ed) };
    refusal(() => verifyLineage({ ...lineage, hops: [h0, h1, edHop] }, agent(3)));
  });

  it('fail/a widened scope or a longer life, even when the delegator signed it', () => {
    const { lineage, keys } = threeHops();
    const [h0, h1, h2] = lineage.hops as [DelegationHop, DelegationHop, DelegationHop];
    const wider = signed({ ...h2.record, scopes: ['read:files:*', 'write:files:*'] }, keys[2]!);
    expect(refusal(() => verifyLineage({ ...lineage, hops: [h0, h1, wider] }, agent(3)))).toMatch(/widens/);
    const respelled = signed({ ...h2.record, scopes: ['read:*:*'] }, keys[2]!);
    expect(refusal(() => verifyLineage({ ...lineage, hops: [h0, h1, respelled] }, agent(3)))).toMatch(/widens/);
    const longer = signed({ ...h2.record, notAfterMs: h1.record.notAfterMs + 1 }, keys[2]!);
    expect(refusal(() => verifyLineage({ ...lineage, hops: [h0, h1, longer] }, agent(3)))).toMatch(/outlives/);
    const firstWider = signed({ ...h0.record, scopes: ['*:*:*'] }, keys[0]!);
    expect(refusal(() => verifyLineage({ ...lineage, hops: [firstWider] }, agent(1)))).toMatch(/widens/);
  });

  it('fail/broken chain of names: wrong subject, a delegator who was not delegated to, another task, a cycle', () => {
    const { lineage, keys } = threeHops();
    const [h0, h1, h2] = lineage.hops as [DelegationHop, DelegationHop, DelegationHop];
    expect(refusal(() => verifyLineage(lineage, agent(9)))).toMatch(/subject/);
    const stranger = newKey();
    const hijack = signed({ ...h1.record, delegator: agent(7), delegatorKey: spki(stranger) }, stranger);
    refusal(() => verifyLineage({ ...lineage, hops: [h0, hijack] }, agent(2)));
    const otherTask = signed({ ...h0.record, delegate: agent(1, 'task-2') }, keys[0]!);
    refusal(() => verifyLineage({ ...lineage, hops: [otherTask] }, agent(1, 'task-2')));
    const cycle = signed({ ...h2.record, delegate: agent(1) }, keys[2]!);
    refusal(() => verifyLineage({ ...lineage, hops: [h0, h1, cycle] }, agent(1)));
    refusal(() => verifyLineage(root, `spiffe://${TD}/orchestrator/orch-a`));
  });

  it('fail/deeper than maxDepth', () => {
    const { lineage } = threeHops();
    expect(verifyLineage(lineage, agent(3), { maxDepth: 3 }).depth).toBe(3);
    expect(refusal(() => verifyLineage(lineage, agent(3), { maxDepth: 2 }))).toMatch(/depth/);
  });
});
