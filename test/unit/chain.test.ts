import { describe, expect, it } from 'vitest';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { verifyCertificateChain, MAX_CHAIN_CERTS } from '../../agent-sdk/chain.js';
import { SvidError, type ErrorCode } from '../../agent-sdk/errors.js';
import { createIntermediate, createLeaf, createRoot, type TestCert } from '../helpers/pki.js';

const HOUR = 3_600_000;

/** Runs `fn`, expecting an SvidError: the code first, then the message. */
function expectFailure(fn: () => unknown, code: ErrorCode, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SvidError);
  expect((caught as SvidError).code).toBe(code);
  expect((caught as SvidError).message).toMatch(message);
}

describe('verifyCertificateChain', async () => {
  const root = await createRoot();
  const ca = await createIntermediate(root);
  const leaf = await createLeaf(ca);
  const now = Date.now();

  it('ok/leaf-intermediate-root', () => {
    const path = verifyCertificateChain([leaf.der, ca.der], [root.cert], now);
    expect(path).toHaveLength(3);
    expect(path[0]!.raw.equals(leaf.der)).toBe(true);
    expect(path[1]!.raw.equals(ca.der)).toBe(true);
    expect(path[2]).toBe(root.cert);
  });

  it('ok/leaf-directly-under-root', async () => {
    const direct = await createLeaf(root);
    const path = verifyCertificateChain([direct.der], [root.cert], now);
    expect(path.map((c) => c.raw)).toEqual([direct.der, root.der]);
  });

  it('ok/intermediates-in-any-order-extras-ignored', async () => {
    const upper = await createIntermediate(root, { cn: 'Upper' });
    const lower = await createIntermediate(upper, { cn: 'Lower' });
    const deep = await createLeaf(lower);
    const unrelated = await createIntermediate(await createRoot({ cn: 'Unrelated' }));
    const path = verifyCertificateChain([deep.der, unrelated.der, upper.der, lower.der], [root.cert], now);
    expect(path.map((c) => c.raw)).toEqual([deep.der, lower.der, upper.der, root.der]);
  });

  it('ok/root-also-presented-path-ends-at-configured-root', () => {
    const path = verifyCertificateChain([leaf.der, root.der, ca.der], [root.cert], now);
    expect(path).toHaveLength(3);
    expect(path[2]).toBe(root.cert);
  });

  it('ok/several-roots', async () => {
    const other = await createRoot({ cn: 'Other Root' });
    expect(verifyCertificateChain([leaf.der, ca.der], [other.cert, root.cert], now)[2]).toBe(root.cert);
  });

  it('ok/issuer-without-key-usage', async () => {
    const bare = await createIntermediate(root, { keyUsage: null });
    expect(verifyCertificateChain([(await createLeaf(bare)).der, bare.der], [root.cert], now)).toHaveLength(3);
  });

  it('ok/path-length-at-limit', async () => {
    const limited = await createRoot({ pathLength: 1 });
    const one = await createIntermediate(limited, { pathLength: 0 });
    expect(verifyCertificateChain([(await createLeaf(one)).der, one.der], [limited.cert], now)).toHaveLength(3);
  });

  it('fail/chain-to-another-root', async () => {
    const other = await createRoot({ cn: 'Other Root' });
    expectFailure(() => verifyCertificateChain([leaf.der, ca.der], [other.cert], now), 'ERR_SVID_INVALID', /does not lead to a trusted root/);
  });

  it('fail/another-root-with-the-same-name', async () => {
    const impostor = await createRoot(); // same subject DN, different key
    expectFailure(() => verifyCertificateChain([leaf.der, ca.der], [impostor.cert], now), 'ERR_SVID_INVALID', /signature of chain certificate 1 does not verify/);
  });

  it('fail/self-signed-root-in-chain-is-not-an-anchor', async () => {
    const rogue = await createRoot(); // same name as the trusted root
    const rogueCa = await createIntermediate(rogue);
    const rogueLeaf = await createLeaf(rogueCa);
    expectFailure(() => verifyCertificateChain([rogueLeaf.der, rogueCa.der, rogue.der], [root.cert], now), 'ERR_SVID_INVALID', /does not verify/);
  });

  it('fail/tampered-leaf-signature', () => {
    const tampered = Buffer.from(leaf.der);
    tampered[tampered.length - 1]! ^= 0x01;
    expectFailure(() => verifyCertificateChain([tampered, ca.der], [root.cert], now), 'ERR_SVID_INVALID', /signature of leaf certificate does not verify/);
  });

  it('fail/expired-leaf', async () => {
    const expired = await createLeaf(ca, { notBefore: now - 2 * HOUR, notAfter: now - 1000 });
    expectFailure(() => verifyCertificateChain([expired.der, ca.der], [root.cert], now), 'ERR_SVID_EXPIRED', /leaf certificate has expired/);
  });

  it('fail/leaf-not-yet-valid', async () => {
    const future = await createLeaf(ca, { notBefore: now + HOUR, notAfter: now + 2 * HOUR });
    expectFailure(() => verifyCertificateChain([future.der, ca.der], [root.cert], now), 'ERR_SVID_INVALID', /leaf certificate is not yet valid/);
  });

  it('fail/expired-intermediate', async () => {
    const old = await createIntermediate(root, { notBefore: now - 2 * HOUR, notAfter: now - 1000 });
    const under = await createLeaf(old, { notBefore: now - HOUR });
    expectFailure(() => verifyCertificateChain([under.der, old.der], [root.cert], now), 'ERR_SVID_EXPIRED', /chain certificate 1 has expired/);
  });

  it('fail/expired-root', async () => {
    const oldRoot = await createRoot({ notBefore: now - 2 * HOUR, notAfter: now - 1000 });
    const under = await createLeaf(oldRoot);
    expectFailure(() => verifyCertificateChain([under.der], [oldRoot.cert], now), 'ERR_SVID_EXPIRED', /trust root has expired/);
  });

  it('fail/intermediate-without-ca', async () => {
    const notCa = await createIntermediate(root, { ca: false, keyUsage: ['digitalSignature'] });
    const under = await createLeaf(notCa);
    expectFailure(() => verifyCertificateChain([under.der, notCa.der], [root.cert], now), 'ERR_SVID_INVALID', /chain certificate 1 is not a CA/);
  });

  it('fail/intermediate-without-basic-constraints', async () => {
    const noBc = await createIntermediate(root, { omitBasicConstraints: true });
    const under = await createLeaf(noBc);
    expectFailure(() => verifyCertificateChain([under.der, noBc.der], [root.cert], now), 'ERR_SVID_INVALID', /is not a CA/);
  });

  it('fail/intermediate-without-keyCertSign', async () => {
    const noSign = await createIntermediate(root, { keyUsage: ['digitalSignature', 'cRLSign'] });
    const under = await createLeaf(noSign);
    expectFailure(() => verifyCertificateChain([under.der, noSign.der], [root.cert], now), 'ERR_SVID_INVALID', /lacks the keyCertSign/);
  });

  it('fail/leaf-is-a-ca', async () => {
    const caLeaf = await createLeaf(ca, { ca: true, keyUsage: ['digitalSignature'] });
    expectFailure(() => verifyCertificateChain([caLeaf.der, ca.der], [root.cert], now), 'ERR_SVID_INVALID', /leaf certificate is a CA/);
  });

  it('fail/leaf-asserts-keyCertSign', async () => {
    const signer = await createLeaf(ca, { keyUsage: ['digitalSignature', 'keyCertSign'] });
    expectFailure(() => verifyCertificateChain([signer.der, ca.der], [root.cert], now), 'ERR_SVID_INVALID', /keyCertSign/);
  });

  it('fail/path-length-violated-by-intermediate', async () => {
    const upper = await createIntermediate(root, { cn: 'Upper', pathLength: 0 });
    const lower = await createIntermediate(upper, { cn: 'Lower' });
    const under = await createLeaf(lower);
    expectFailure(() => verifyCertificateChain([under.der, lower.der, upper.der], [root.cert], now), 'ERR_SVID_INVALID', /chain certificate 2 pathLenConstraint is exceeded/);
  });

  it('fail/path-length-violated-by-root', async () => {
    const strict = await createRoot({ pathLength: 0 });
    const mid = await createIntermediate(strict);
    const under = await createLeaf(mid);
    expectFailure(() => verifyCertificateChain([under.der, mid.der], [strict.cert], now), 'ERR_SVID_INVALID', /trust root pathLenConstraint is exceeded/);
  });

  it('fail/path-too-long', async () => {
    let parent: TestCert = root;
    const intermediates: TestCert[] = [];
    for (let i = 0; i < MAX_CHAIN_CERTS - 1; i++) {
      parent = await createIntermediate(parent, { cn: `Level ${i}` });
      intermediates.push(parent);
    }
    const under = await createLeaf(parent);
    const chain = [under.der, ...intermediates.reverse().map((c) => c.der)];
    expect(chain).toHaveLength(MAX_CHAIN_CERTS);
    expectFailure(() => verifyCertificateChain(chain, [root.cert], now), 'ERR_SVID_INVALID', /path is longer than/);
  });

  it('fail/too-many-certificates', () => {
    const chain = [leaf.der, ...Array.from({ length: MAX_CHAIN_CERTS }, () => ca.der)];
    expectFailure(() => verifyCertificateChain(chain, [root.cert], now), 'ERR_SVID_INVALID', /more than 8 certificates/);
  });

  it('fail/unprocessed-critical-extension', async () => {
    const odd = await createIntermediate(root, { extensions: [new x509.Extension('1.3.6.1.4.1.55555.1', true, new Uint8Array([5, 0]))] });
    const under = await createLeaf(odd);
    expectFailure(() => verifyCertificateChain([under.der, odd.der], [root.cert], now), 'ERR_SVID_INVALID', /unsupported critical extension/);
  });

  it('fail/malformed-input', () => {
    expectFailure(() => verifyCertificateChain([], [root.cert], now), 'ERR_SVID_INVALID', /empty/);
    expectFailure(() => verifyCertificateChain([Buffer.from('not a certificate')], [root.cert], now), 'ERR_SVID_INVALID', /leaf certificate is not a well-formed DER/);
    expectFailure(() => verifyCertificateChain([leaf.der.subarray(0, 100)], [root.cert], now), 'ERR_SVID_INVALID', /not a well-formed/);
    expectFailure(() => verifyCertificateChain([Buffer.alloc(17 * 1024)], [root.cert], now), 'ERR_SVID_INVALID', /larger than/);
    expectFailure(() => verifyCertificateChain([leaf.der], [], now), 'ERR_BUNDLE_INVALID', /no trust roots/);
    expect(() => verifyCertificateChain([leaf.der], [root.cert], Number.NaN)).toThrow(TypeError);
  });

  it('ok/messages-never-dump-certificates', () => {
    try {
      verifyCertificateChain([leaf.der, ca.der], [ca.cert], now + 10 * 365 * 24 * HOUR);
    } catch (err) {
      expect((err as Error).message).not.toMatch(/Test|BEGIN|[0-9a-f]{32}/);
      return;
    }
    throw new Error('expected a failure');
  });
});
