/**
 * The lineage verifier against hostile lineages: hops reordered, truncated,
 * dropped, duplicated, re-signed (by an intruder, or by the rightful delegator
 * over a record that breaks a rule), and random byte edits of the extension,
 * on its own (verifyLineage) and inside certificates (verifyX509SvidLineage).
 * It must refuse every modified lineage and throw nothing but its typed errors.
 */
import { type KeyObject, createPublicKey, randomBytes, sign } from 'node:crypto';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import {
  type DelegationHop, type DelegationRecord, type Lineage, decodeLineage, delegationSigningBytes, encodeDelegationRecord, encodeLineage,
  lineageDigest,
} from '../../agent-sdk/lineage.js';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import { verifyLineage, verifyX509SvidLineage } from '../../agent-sdk/verify-lineage.js';
import { FUZZ_RUNS } from '../helpers/fuzz.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';

const HOPS = 4;
const agent = (n: number) => `spiffe://tessera.local/agent/orch-a/task-1/${n.toString(16).padStart(32, '0')}`;
const SUBJECT = agent(HOPS);
const spki = (key: KeyObject) => createPublicKey(key).export({ format: 'der', type: 'spki' });
const NOW = Date.now();

function signed(record: DelegationRecord, key: KeyObject): DelegationHop {
  const recordDer = encodeDelegationRecord(record);
  return { record, recordDer, signature: sign('sha256', delegationSigningBytes(recordDer), { key, dsaEncoding: 'der' }) };
}

/** agent(0) -> agent(1) -> ... -> agent(HOPS), each hop narrowing scopes and life, each signed by its delegator. */
function honestLineage(): { lineage: Lineage; keys: KeyObject[] } {
  const keys = Array.from({ length: HOPS }, generateP256Key);
  const scopes = [['read:files:*', 'search:query', 'write:files:*'], ['read:files:*', 'search:query'], ['read:files:*'], ['read:files:42']];
  let lineage: Lineage = { orchestrator: 'orch-a', task: 'task-1', sponsor: 'user:alice', scopes: ['read:files:*', 'search:query', 'write:files:*'], hops: [] };
  for (let i = 0; i < HOPS; i++) {
    const record: DelegationRecord = {
      previous: lineageDigest(lineage), delegator: agent(i), delegatorKey: spki(keys[i]!), delegate: agent(i + 1), scopes: scopes[i]!,
      delegatedAtMs: NOW - 60_000 + i * 1000, notAfterMs: NOW + (HOPS - i) * 3_600_000, depth: i + 1,
    };
    lineage = { ...lineage, hops: [...lineage.hops, signed(record, keys[i]!)] };
  }
  return { lineage, keys };
}

const { lineage: HONEST, keys: KEYS } = honestLineage();
const HONEST_DER = encodeLineage(HONEST);
const INTRUDER = generateP256Key();

/** Runs `fn` and returns the typed error it threw; fails on acceptance or on any other exception. */
function refusedWith(fn: () => unknown): TesseraError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error('a modified lineage was accepted');
  if (!(thrown instanceof TesseraError)) throw new Error(`not a typed error: ${String(thrown)}`);
  return thrown;
}

/** Random byte-level damage: a byte changed, the end cut, bytes inserted, a range deleted or repeated. */
function byteEdit(length: number) {
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(length - 1) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(length), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(length - 1), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(length - 1), n: fc.integer({ min: 1, max: 40 }) }),
  );
}
type ByteEdit = typeof byteEdit extends (n: number) => fc.Arbitrary<infer E> ? E : never;

function applyByteEdit(bytes: Buffer, edit: ByteEdit): Buffer {
  switch (edit.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      copy[edit.at]! ^= edit.xor;
      return copy;
    }
    case 'cut':
      return bytes.subarray(0, edit.at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, edit.at), edit.bytes, bytes.subarray(edit.at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, edit.at), bytes.subarray(edit.at + edit.n)]);
    case 'repeat':
      return Buffer.concat([bytes.subarray(0, edit.at + edit.n), bytes.subarray(edit.at)]);
  }
}

/**
 * Record changes that break a rule of the hop they are made at, whoever signs
 * them: wider scopes, a wrong depth, another delegate or delegator, a broken
 * link, times out of order, a life beyond the previous hop's.
 */
const BREAKS: Array<(r: DelegationRecord, i: number) => DelegationRecord | undefined> = [
  (r) => ({ ...r, scopes: [...r.scopes, 'admin:all'].sort() }),
  (r) => ({ ...r, depth: r.depth + 1 }),
  (r) => ({ ...r, depth: r.depth - 1 }),
  (r) => ({ ...r, delegate: agent(99) }),
  (r) => ({ ...r, delegator: agent(98) }),
  (r) => ({ ...r, previous: randomBytes(32) }),
  (r) => ({ ...r, delegatedAtMs: r.notAfterMs }),
  (r, i) => (i === 0 ? undefined : { ...r, notAfterMs: HONEST.hops[i - 1]!.record.notAfterMs + 1 }),
];

/**
 * Structural changes to the hops. Every one yields a lineage that must not
 * verify for SUBJECT, even if a CA signed the certificate carrying it: the
 * offline verifier does not rely on the CA's issuance checks for these.
 */
const structural: fc.Arbitrary<{ what: string; lineage: Lineage }> = fc.oneof(
  fc.shuffledSubarray([0, 1, 2, 3], { minLength: HOPS, maxLength: HOPS })
    .filter((order) => order.some((v, i) => v !== i))
    .map((order) => ({ what: `reordered ${order}`, lineage: { ...HONEST, hops: order.map((i) => HONEST.hops[i]!) } })),
  fc.integer({ min: 1, max: HOPS - 1 })
    .map((n) => ({ what: `truncated to ${n}`, lineage: { ...HONEST, hops: HONEST.hops.slice(0, n) } })),
  fc.subarray([0, 1, 2, 3], { minLength: 1, maxLength: HOPS - 1 })
    .map((dropped) => ({ what: `dropped ${dropped}`, lineage: { ...HONEST, hops: HONEST.hops.filter((_, i) => !dropped.includes(i)) } })),
  fc.tuple(fc.nat(HOPS - 1), fc.nat(HOPS)).map(([i, at]) => {
    const hops = [...HONEST.hops];
    hops.splice(at, 0, HONEST.hops[i]!);
    return { what: `hop ${i} repeated at ${at}`, lineage: { ...HONEST, hops } };
  }),
  fc.nat(HOPS - 1).map((i) => {
    const hops = [...HONEST.hops];
    hops[i] = signed(HONEST.hops[i]!.record, INTRUDER);
    return { what: `hop ${i} signed by an intruder`, lineage: { ...HONEST, hops } };
  }),
  // Naming the intruder's key in the record changes the hop, so the next hop no longer links to it.
  fc.nat(HOPS - 2).map((i) => {
    const hops = [...HONEST.hops];
    hops[i] = signed({ ...HONEST.hops[i]!.record, delegatorKey: spki(INTRUDER) }, INTRUDER);
    return { what: `hop ${i} re-signed by an intruder naming its own key`, lineage: { ...HONEST, hops } };
  }),
  fc.tuple(fc.nat(HOPS - 1), fc.nat(BREAKS.length - 1), fc.boolean())
    .map(([i, b, byDelegator]) => ({ i, b, changed: BREAKS[b]!(HONEST.hops[i]!.record, i), byDelegator }))
    .filter(({ changed }) => changed !== undefined)
    .map(({ i, b, changed, byDelegator }) => {
      const hops = [...HONEST.hops];
      hops[i] = signed(changed!, byDelegator ? KEYS[i]! : INTRUDER);
      return { what: `hop ${i} changed (rule ${b}) and signed by ${byDelegator ? 'its delegator' : 'an intruder'}`, lineage: { ...HONEST, hops } };
    }),
  fc.constantFrom('sponsor', 'task-scopes').map((field) => ({
    what: `root ${field} changed`,
    lineage: field === 'sponsor' ? { ...HONEST, sponsor: 'user:mallory' } : { ...HONEST, scopes: ['*:*:*', ...HONEST.scopes] },
  })),
);

describe('lineage verifier, fuzzed', () => {
  it('ok/the honest lineage verifies (the baseline the properties change)', () => {
    expect(verifyLineage(HONEST_DER, SUBJECT).depth).toBe(HOPS);
  });

  it('ok/random byte edits of the extension: refused with ERR_LINEAGE_INVALID, or the very same lineage', () => {
    fc.assert(fc.property(byteEdit(HONEST_DER.length), (edit) => {
      const bytes = applyByteEdit(HONEST_DER, edit);
      let verified: ReturnType<typeof verifyLineage> | undefined;
      try {
        verified = verifyLineage(bytes, SUBJECT);
      } catch (err) {
        expect(err).toBeInstanceOf(TesseraError);
        expect((err as TesseraError).code).toBe('ERR_LINEAGE_INVALID');
        return;
      }
      // Accepted: then it must mean exactly what the honest lineage means, byte for byte.
      expect(encodeLineage(verified).equals(HONEST_DER)).toBe(true);
      expect(bytes.equals(HONEST_DER)).toBe(true);
    }), { numRuns: FUZZ_RUNS * 3 });
  });

  it('ok/arbitrary bytes never crash the decoder or the verifier', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      expect(refusedWith(() => verifyLineage(bytes, SUBJECT)).code).toBe('ERR_LINEAGE_INVALID');
    }), { numRuns: FUZZ_RUNS * 5 });
  });

  it('ok/every rule broken at every hop is refused, whether the delegator or an intruder signed it', () => {
    for (const [i, hop] of HONEST.hops.entries()) {
      for (const [b, breakRule] of BREAKS.entries()) {
        const changed = breakRule(hop.record, i);
        if (!changed) continue;
        for (const key of [KEYS[i]!, INTRUDER]) {
          const hops = HONEST.hops.map((h, j) => (j === i ? signed(changed, key) : h));
          expect(refusedWith(() => verifyLineage(encodeLineage({ ...HONEST, hops }), SUBJECT)).code, `hop ${i} rule ${b}`).toBe('ERR_LINEAGE_INVALID');
        }
      }
    }
  });

  it('ok/reordered, truncated, dropped, duplicated, re-signed or rule-breaking hops are refused for the subject', () => {
    fc.assert(fc.property(structural, ({ what, lineage }) => {
      const err = refusedWith(() => verifyLineage(encodeLineage(lineage), SUBJECT));
      expect(err.code, what).toBe('ERR_LINEAGE_INVALID');
    }), { numRuns: FUZZ_RUNS });
  });
});

describe('lineage inside X509-SVIDs, fuzzed', () => {
  let ca: TestCa;
  let attacker: TestCa;
  const subjectKey = generateP256Key();
  const leafFor = (issuer: TestCa, lineage: Buffer) => issuer.ca.authority.signX509Svid({
    spiffeId: SpiffeId.parse(SUBJECT), subjectPublicKeyInfo: spki(subjectKey), notAfterMs: NOW + 300_000, lineage,
  }).certificates;

  beforeAll(async () => {
    [ca, attacker] = await Promise.all([startTestCa(), startTestCa()]);
  });
  afterAll(async () => {
    await Promise.all([ca?.close(), attacker?.close()]);
  });

  it('ok/random byte edits of the extension inside a CA-signed certificate are refused with a typed error', () => {
    const [leaf, intermediate] = leafFor(ca, HONEST_DER) as [Buffer, Buffer];
    expect(verifyX509SvidLineage([leaf, intermediate], ca.ca.authority.bundle).lineage.depth).toBe(HOPS);
    const at = leaf.indexOf(HONEST_DER);
    expect(at).toBeGreaterThan(0);
    fc.assert(fc.property(byteEdit(HONEST_DER.length), (edit) => {
      const extension = applyByteEdit(HONEST_DER, edit);
      if (extension.equals(HONEST_DER)) return;
      const edited = Buffer.concat([leaf.subarray(0, at), extension, leaf.subarray(at + HONEST_DER.length)]);
      const err = refusedWith(() => verifyX509SvidLineage([edited, intermediate], ca.ca.authority.bundle));
      // Same length: the CA's signature no longer verifies; other lengths: the certificate no longer parses.
      expect(['ERR_SVID_INVALID', 'ERR_LINEAGE_INVALID']).toContain(err.code);
    }), { numRuns: FUZZ_RUNS });
  });

  it('ok/modified lineages are refused whether another CA re-signed the certificate or this CA did', () => {
    const bundle = ca.ca.authority.bundle;
    // What only the CA's signature rules out: no hops at all, or the last delegator's key swapped.
    const lastSwapped = [...HONEST.hops.slice(0, -1), signed({ ...HONEST.hops.at(-1)!.record, delegatorKey: spki(INTRUDER) }, INTRUDER)];
    for (const lineage of [{ ...HONEST, hops: [] }, { ...HONEST, hops: lastSwapped }]) {
      expect(refusedWith(() => verifyX509SvidLineage(leafFor(attacker, encodeLineage(lineage)), bundle)).code).toBe('ERR_SVID_INVALID');
    }
    fc.assert(fc.property(structural, ({ what, lineage }) => {
      const der = encodeLineage(lineage);
      expect(refusedWith(() => verifyX509SvidLineage(leafFor(attacker, der), bundle)).code, what).toBe('ERR_SVID_INVALID');
      // Even a certificate this CA signed does not carry a lineage that breaks the rules.
      expect(refusedWith(() => verifyX509SvidLineage(leafFor(ca, der), bundle)).code, what).toBe('ERR_LINEAGE_INVALID');
    }), { numRuns: Math.min(FUZZ_RUNS, 200) });
  });

  it('ok/a lineage moved onto another agent\'s certificate is refused', () => {
    // A CA-signed certificate for agent(3) carrying agent(4)'s lineage: the last hop does not delegate to it.
    const moved = ca.ca.authority.signX509Svid({
      spiffeId: SpiffeId.parse(agent(3)), subjectPublicKeyInfo: spki(subjectKey), notAfterMs: NOW + 300_000, lineage: HONEST_DER,
    }).certificates;
    expect(refusedWith(() => verifyX509SvidLineage(moved, ca.ca.authority.bundle)).message).toMatch(/last hop does not delegate to the subject/);
  });
});

// `decodeLineage` is what the CA's own delegation flow uses on the same bytes.
it('ok/decodeLineage refuses what verifyLineage refuses to parse, with the same code', () => {
  fc.assert(fc.property(byteEdit(HONEST_DER.length), (edit) => {
    const bytes = applyByteEdit(HONEST_DER, edit);
    try {
      decodeLineage(bytes);
    } catch (err) {
      expect((err as TesseraError).code).toBe('ERR_LINEAGE_INVALID');
    }
  }), { numRuns: FUZZ_RUNS });
});
