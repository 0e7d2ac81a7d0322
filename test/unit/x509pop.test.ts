import { createHash, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../agent-sdk/clock.js';
import type { Challenge, ServerAttestor } from '../../node-attestor/types.js';
import { x509popAttestor } from '../../node-attestor/x509pop/server.js';
import { x509popClient } from '../../node-attestor/x509pop/client.js';
import {
  MAX_PAYLOAD_BYTES,
  decodeChallenge,
  encodeChallenge,
  encodePayload,
  encodeResponse,
  signedBytes,
} from '../../node-attestor/x509pop/wire.js';
import { createIntermediate, createLeaf, createRoot, type TestCert } from '../helpers/pki.js';
import { expectRejection } from '../helpers/rejection.js';

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A response signed by `key` over the bound bytes of `leafDer`. */
function respond(challenge: Uint8Array, key: KeyObject, leafDer: Uint8Array): Uint8Array {
  const { nonce } = decodeChallenge(challenge);
  const data = signedBytes(nonce, leafDer);
  return encodeResponse(key.asymmetricKeyType === 'ed25519' ? sign(null, data, key) : sign('sha256', data, key));
}

describe('x509pop', async () => {
  const root = await createRoot({ cn: 'Orchestrator Root' });
  const ca = await createIntermediate(root, { cn: 'Orchestrator CA' });
  const leaf = await createLeaf(ca, { cn: 'build-farm' });
  const clock: Clock = { now: () => Date.now() };
  const server = x509popAttestor({ roots: [root.cert], clock });

  const clientFor = (cert: TestCert, chain: TestCert[] = [ca]) =>
    x509popClient({ certChain: [cert.der, ...chain.map((c) => c.der)], privateKey: cert.privateKey });

  /** Runs both halves against each other in-process. */
  async function attestWith(cert: TestCert, attestor: ServerAttestor = server, chain: TestCert[] = [ca]) {
    const client = clientFor(cert, chain);
    return attestor.attest(await client.payload(), (c) => client.answer(c));
  }

  describe('ok', () => {
    it('ok/p256-leaf-under-intermediate', async () => {
      const client = clientFor(leaf);
      expect(client.name).toBe('x509pop');
      expect(server.name).toBe('x509pop');
      const challenges: Uint8Array[] = [];
      const result = await server.attest(await client.payload(), (c) => {
        challenges.push(c);
        return client.answer(c);
      });
      expect(result).toEqual({ orchestrator: 'build-farm' });
      expect(challenges).toHaveLength(1);
      expect(decodeChallenge(challenges[0]!).nonce).toHaveLength(32);
    });

    it('ok/ed25519-leaf', async () => {
      const edLeaf = await createLeaf(ca, { cn: 'ed-orchestrator', keyAlgorithm: 'Ed25519' });
      await expect(attestWith(edLeaf)).resolves.toEqual({ orchestrator: 'ed-orchestrator' });
    });

    it('ok/leaf-directly-under-root', async () => {
      const direct = await createLeaf(root, { cn: 'direct' });
      await expect(attestWith(direct, server, [])).resolves.toEqual({ orchestrator: 'direct' });
    });

    it('ok/every-attestation-gets-a-fresh-nonce', async () => {
      const client = clientFor(leaf);
      const nonces = new Set<string>();
      for (let i = 0; i < 5; i++) {
        await server.attest(await client.payload(), (c) => {
          nonces.add(b64(decodeChallenge(c).nonce));
          return client.answer(c);
        });
      }
      expect(nonces.size).toBe(5);
    });

    it('ok/signed-bytes-are-prefix-nonce-leaf-hash', () => {
      const nonce = Buffer.alloc(32, 7);
      const bytes = signedBytes(nonce, leaf.der);
      const prefix = Buffer.from('tessera-x509pop-v1\n');
      expect(bytes.subarray(0, prefix.length)).toEqual(prefix);
      expect(bytes.subarray(prefix.length, prefix.length + 32)).toEqual(nonce);
      expect(bytes.subarray(prefix.length + 32)).toEqual(createHash('sha256').update(leaf.der).digest());
      expect(bytes).toHaveLength(prefix.length + 64);
    });
  });

  describe('fail/certificate', () => {
    it('fail/chain-to-another-root', async () => {
      const other = x509popAttestor({ roots: [(await createRoot({ cn: 'Other Root' })).cert], clock });
      const challenge = vi.fn<Challenge>();
      const client = clientFor(leaf);
      await expectRejection(other.attest(await client.payload(), challenge), 'ERR_ATTESTATION_FAILED', /chain rejected: .*trusted root/);
      expect(challenge).not.toHaveBeenCalled();
    });

    it('fail/expired-leaf', async () => {
      const expired = await createLeaf(ca, { cn: 'old', notBefore: Date.now() - 7_200_000, notAfter: Date.now() - 1000 });
      await expectRejection(attestWith(expired), 'ERR_ATTESTATION_FAILED', /chain rejected: leaf certificate has expired/);
    });

    it('fail/leaf-is-a-ca', async () => {
      const caLeaf = await createLeaf(ca, { cn: 'sneaky', ca: true, keyUsage: ['digitalSignature'] });
      await expectRejection(attestWith(caLeaf), 'ERR_ATTESTATION_FAILED', /leaf certificate is a CA/);
    });

    it('fail/leaf-without-digitalSignature', async () => {
      const noSign = await createLeaf(ca, { cn: 'no-sign', keyUsage: ['keyEncipherment'] });
      await expectRejection(attestWith(noSign), 'ERR_ATTESTATION_FAILED', /digitalSignature/);
      const noUsage = await createLeaf(ca, { cn: 'no-usage', keyUsage: null });
      await expectRejection(attestWith(noUsage), 'ERR_ATTESTATION_FAILED', /digitalSignature/);
    });

    it('fail/rsa-leaf', async () => {
      const rsa = await createLeaf(ca, { cn: 'rsa', keyAlgorithm: 'RSA' });
      const payload = encodePayload([rsa.der, ca.der]);
      await expectRejection(server.attest(payload, vi.fn<Challenge>()), 'ERR_ATTESTATION_FAILED', /P-256 or Ed25519/);
    });

    const badNames: Array<[string, Parameters<typeof createLeaf>[1]]> = [
      ['slash', { cn: 'evil/../admin' }],
      ['dot-dot', { cn: '..' }],
      ['space', { cn: 'build farm' }],
      ['non-ascii', { cn: 'bäckerei' }],
      ['empty', { cn: '' }],
      ['two-common-names', { subject: [{ CN: ['build-farm'] }, { CN: ['admin'] }] }],
      ['no-common-name', { subject: [{ O: ['Tessera'] }] }],
    ];
    for (const [name, options] of badNames) {
      it(`fail/common-name-${name}`, async () => {
        const bad = await createLeaf(ca, options);
        const challenge = vi.fn<Challenge>();
        const client = clientFor(bad);
        await expectRejection(server.attest(await client.payload(), challenge), 'ERR_ATTESTATION_FAILED', /common name/);
        expect(challenge).not.toHaveBeenCalled();
      });
    }
  });

  describe('fail/proof', () => {
    it('fail/answered-with-the-wrong-key', async () => {
      const other = await createLeaf(ca, { cn: 'other' });
      const payload = encodePayload([leaf.der, ca.der]);
      await expectRejection(
        server.attest(payload, async (c) => respond(c, other.privateKey, leaf.der)),
        'ERR_ATTESTATION_FAILED',
        /does not verify with the leaf certificate key/,
      );
    });

    it('fail/client-refuses-a-key-that-does-not-match', async () => {
      const other = await createLeaf(ca, { cn: 'other' });
      await expectRejection(
        Promise.resolve().then(() => x509popClient({ certChain: [leaf.der], privateKey: other.privateKey })),
        'ERR_INVALID_ARGUMENT',
        /does not match/,
      );
    });

    it('fail/stale-answer-to-an-earlier-nonce', async () => {
      const client = clientFor(leaf);
      let earlier: Uint8Array | undefined;
      await server.attest(await client.payload(), async (c) => (earlier = await client.answer(c)));
      await expectRejection(server.attest(await client.payload(), async () => earlier!), 'ERR_ATTESTATION_FAILED', /does not verify/);
    });

    it('fail/answer-to-another-streams-nonce', async () => {
      const client = clientFor(leaf);
      const payload = await client.payload();
      // Two attestations in flight; each gets the answer to the other's challenge.
      const seen: Array<(answer: Uint8Array) => void> = [];
      const challenges: Uint8Array[] = [];
      const pending = [0, 1].map(() =>
        server.attest(payload, (c) => {
          challenges.push(c);
          return new Promise<Uint8Array>((resolve) => seen.push(resolve));
        }),
      );
      await vi.waitFor(() => expect(seen).toHaveLength(2));
      seen[0]!(await client.answer(challenges[1]!));
      seen[1]!(await client.answer(challenges[0]!));
      for (const attempt of pending) await expectRejection(attempt, 'ERR_ATTESTATION_FAILED', /does not verify/);
    });

    it('fail/signature-over-the-nonce-for-a-different-leaf', async () => {
      // One key certified twice: the proof for one certificate must not carry the other's name.
      const attacker = await createLeaf(ca, { cn: 'attacker' });
      const victim = await createLeaf(ca, { cn: 'victim', keyPair: attacker });
      const payload = encodePayload([victim.der, ca.der]);
      await expectRejection(
        server.attest(payload, async (c) => respond(c, attacker.privateKey, attacker.der)),
        'ERR_ATTESTATION_FAILED',
        /does not verify/,
      );
      // The same key over the right leaf passes, so the leaf binding is what refused it.
      await expect(server.attest(payload, async (c) => respond(c, attacker.privateKey, victim.der))).resolves.toEqual({ orchestrator: 'victim' });
    });

    it('fail/timeout-by-timer', async () => {
      const quick = x509popAttestor({ roots: [root.cert], clock, challengeTimeoutMs: 50 });
      const client = clientFor(leaf);
      await expectRejection(quick.attest(await client.payload(), () => new Promise<Uint8Array>(() => {})), 'ERR_TIMEOUT', /not answered in time/);
    });

    it('fail/timeout-by-clock', async () => {
      let now = Date.now();
      const fake: Clock = { now: () => now };
      const attestor = x509popAttestor({ roots: [root.cert], clock: fake });
      const client = clientFor(leaf);
      await expectRejection(
        attestor.attest(await client.payload(), async (c) => {
          now += 30_001;
          return client.answer(c);
        }),
        'ERR_TIMEOUT',
        /not answered in time/,
      );
    });

    it('fail/leaf-expires-during-the-challenge', async () => {
      let now = Date.now();
      const shortLived = await createLeaf(ca, { cn: 'short', notAfter: now + 10_000 });
      const attestor = x509popAttestor({ roots: [root.cert], clock: { now: () => now } });
      const client = clientFor(shortLived);
      await expectRejection(
        attestor.attest(await client.payload(), async (c) => {
          now += 20_000;
          return client.answer(c);
        }),
        'ERR_ATTESTATION_FAILED',
        /expired during the challenge/,
      );
    });

    const badResponses: Array<[string, (c: Uint8Array) => Uint8Array, RegExp]> = [
      ['not-json', () => Buffer.from('signature'), /not UTF-8 JSON/],
      ['extra-field', (c) => json({ ...JSON.parse(Buffer.from(respond(c, leaf.privateKey, leaf.der)).toString()), orchestrator: 'admin' }), /unexpected field/],
      ['not-base64', () => json({ signature: 'not base64!' }), /not base64/],
      ['number', () => json({ signature: 42 }), /not a base64 string/],
      ['oversize', () => json({ signature: b64(Buffer.alloc(2048)) }), /larger than/],
      ['garbage-signature', () => json({ signature: b64(Buffer.alloc(64, 1)) }), /does not verify/],
    ];
    for (const [name, answer, message] of badResponses) {
      it(`fail/response-${name}`, async () => {
        const payload = encodePayload([leaf.der, ca.der]);
        await expectRejection(server.attest(payload, async (c) => answer(c)), 'ERR_ATTESTATION_FAILED', message);
      });
    }
  });

  describe('fail/payload', () => {
    const good = { certChain: [b64(leaf.der), b64(ca.der)] };
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['bad-json', Buffer.from('{"certChain": ['), /not UTF-8 JSON/],
      ['invalid-utf8', Buffer.from([0x7b, 0xff, 0x7d]), /not UTF-8 JSON/],
      ['bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(good)]), /not UTF-8 JSON/],
      ['array', json([good]), /not a JSON object/],
      ['null', json(null), /not a JSON object/],
      ['string', json('certChain'), /not a JSON object/],
      ['unknown-field', json({ ...good, orchestrator: 'admin' }), /unexpected field/],
      ['proto-field', Buffer.from(`{"certChain":${JSON.stringify(good.certChain)},"__proto__":{"x":1}}`), /unexpected field/],
      ['missing-field', json({}), /missing certChain/],
      ['chain-not-array', json({ certChain: b64(leaf.der) }), /not an array/],
      ['chain-entry-number', json({ certChain: [1] }), /not a base64 string/],
      ['chain-entry-object', json({ certChain: [{ der: b64(leaf.der) }] }), /not a base64 string/],
      ['chain-entry-base64url', json({ certChain: [Buffer.from(leaf.der).toString('base64url')] }), /not base64/],
      ['chain-entry-non-canonical', json({ certChain: ['QR=='] }), /not canonical/],
      ['chain-entry-empty', json({ certChain: [''] }), /empty/],
      ['chain-empty', json({ certChain: [] }), /empty/],
      ['too-many-certs', json({ certChain: Array.from({ length: 9 }, () => b64(ca.der)) }), /more than 8/],
      ['oversize', json({ certChain: [b64(Buffer.alloc(MAX_PAYLOAD_BYTES))] }), /larger than 65536 bytes/],
      ['not-a-certificate', json({ certChain: [b64(Buffer.from('hello'))] }), /chain rejected: leaf certificate is not a well-formed/],
    ];
    for (const [name, payload, message] of cases) {
      it(`fail/${name}`, async () => {
        const challenge = vi.fn<Challenge>();
        await expectRejection(server.attest(payload, challenge), 'ERR_ATTESTATION_FAILED', message);
        expect(challenge).not.toHaveBeenCalled();
      });
    }
  });

  describe('fail/misuse', () => {
    it('fail/client-arguments', async () => {
      const reject = (fn: () => unknown) => Promise.resolve().then(fn);
      await expectRejection(reject(() => x509popClient({ certChain: [], privateKey: leaf.privateKey })), 'ERR_INVALID_ARGUMENT', /1 to 8/);
      await expectRejection(reject(() => x509popClient({ certChain: Array.from({ length: 9 }, () => leaf.der), privateKey: leaf.privateKey })), 'ERR_INVALID_ARGUMENT', /1 to 8/);
      await expectRejection(reject(() => x509popClient({ certChain: [leaf.der], privateKey: leaf.publicKey })), 'ERR_INVALID_ARGUMENT', /private KeyObject/);
      const rsa = await createLeaf(ca, { keyAlgorithm: 'RSA' });
      await expectRejection(reject(() => x509popClient({ certChain: [rsa.der], privateKey: rsa.privateKey })), 'ERR_INVALID_ARGUMENT', /P-256 or Ed25519/);
      await expectRejection(reject(() => x509popClient({ certChain: [Buffer.from('nope')], privateKey: leaf.privateKey })), 'ERR_INVALID_ARGUMENT', /not a DER certificate/);
    });

    it('fail/client-refuses-malformed-challenges', async () => {
      const client = clientFor(leaf);
      await expectRejection(client.answer(encodeChallenge(Buffer.alloc(32)).subarray(1)), 'ERR_ATTESTATION_FAILED', /challenge/);
      await expectRejection(client.answer(json({ nonce: b64(Buffer.alloc(16)) })), 'ERR_ATTESTATION_FAILED', /not 32 bytes/);
      await expectRejection(client.answer(json({ nonce: b64(Buffer.alloc(32)), sign: 'this' })), 'ERR_ATTESTATION_FAILED', /unexpected field/);
    });

    it('fail/server-configuration', () => {
      expect(() => x509popAttestor({ roots: [], clock })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
      expect(() => x509popAttestor({ roots: [root.cert], clock, challengeTimeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    });
  });
});
