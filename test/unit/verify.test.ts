import { beforeAll, describe, expect, it } from 'vitest';
import { X509Bundle, spiffeIdFromCertificate, staticSource, verifyX509Svid, type X509BundleSource } from '../../agent-sdk/index.js';
import { createLeaf } from '../helpers/pki.js';
import { createTrustDomain, issueSvid, type TestTrustDomain } from '../helpers/svid-pki.js';

const TD = 'td.test';
let td: TestTrustDomain;
let other: TestTrustDomain;
let bundles: X509BundleSource;

beforeAll(async () => {
  td = await createTrustDomain(TD);
  other = await createTrustDomain('other.test');
  bundles = staticSource((await issueSvid(td, `spiffe://${TD}/me`)), [td.bundle, other.bundle]);
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('verifyX509Svid', () => {
  it('ok: returns the ID and the path up to the root of the leaf trust domain', async () => {
    const svid = await issueSvid(td, `spiffe://${TD}/agent/o/t/i`);
    const { id, verifiedChain } = verifyX509Svid(svid.certificates, bundles);
    expect(id.toString()).toBe(`spiffe://${TD}/agent/o/t/i`);
    expect(verifiedChain).toHaveLength(3);
    expect(verifiedChain[2]!.raw.equals(td.root.der)).toBe(true);
  });

  it('fail/other-trust-domain: a leaf naming td.test signed by another trust domain CA is checked against td.test only', async () => {
    const forged = await issueSvid(other, `spiffe://${TD}/admin`);
    expect(codeOf(() => verifyX509Svid(forged.certificates, bundles))).toBe('ERR_SVID_INVALID');
  });

  it('fail/no-bundle: ERR_BUNDLE_INVALID when the leaf trust domain has no bundle', async () => {
    const svid = await issueSvid(other, 'spiffe://other.test/x');
    expect(codeOf(() => verifyX509Svid(svid.certificates, staticSource(svid, [td.bundle])))).toBe('ERR_BUNDLE_INVALID');
    expect(codeOf(() => verifyX509Svid(svid.certificates, staticSource(svid, [new X509Bundle('other.test', [])])))).toBe('ERR_BUNDLE_INVALID');
  });

  it('fail/expired and not-yet-valid', async () => {
    const expired = await issueSvid(td, `spiffe://${TD}/x`, { notBefore: Date.now() - 7_200_000, notAfter: Date.now() - 3_600_000 });
    expect(codeOf(() => verifyX509Svid(expired.certificates, bundles))).toBe('ERR_SVID_EXPIRED');
    const svid = await issueSvid(td, `spiffe://${TD}/x`);
    expect(codeOf(() => verifyX509Svid(svid.certificates, bundles, { nowMs: svid.expiresAtMs + 1 }))).toBe('ERR_SVID_EXPIRED');
    expect(codeOf(() => verifyX509Svid(svid.certificates, bundles, { nowMs: svid.notBeforeMs - 1 }))).toBe('ERR_SVID_INVALID');
  });

  it.each([
    ['a leaf that is a CA', { ca: true, keyUsage: ['digitalSignature'] }],
    ['no key usage', { keyUsage: null }],
    ['no digitalSignature', { keyUsage: ['keyEncipherment'] }],
    ['keyCertSign', { keyUsage: ['digitalSignature', 'keyCertSign'] }],
    ['cRLSign', { keyUsage: ['digitalSignature', 'cRLSign'] }],
  ] as const)('fail/leaf-rules: %s', async (_name, options) => {
    const svid = await issueSvid(td, `spiffe://${TD}/x`, { ...options, keyUsage: options.keyUsage === null ? null : [...options.keyUsage] });
    expect(codeOf(() => verifyX509Svid(svid.certificates, bundles))).toBe('ERR_SVID_INVALID');
  });

  it('fail/smuggled-san: one URI SAN whose text forges a second entry is not a SPIFFE ID', async () => {
    const svid = await issueSvid(td, `spiffe://${TD}/x, URI:spiffe://${TD}/admin`);
    expect(codeOf(() => verifyX509Svid(svid.certificates, bundles))).toBe('ERR_SVID_INVALID');
    expect(codeOf(() => spiffeIdFromCertificate(svid.certificates[0]!))).toBe('ERR_SVID_INVALID');
  });

  it.each([
    ['two URI SANs', [`spiffe://${TD}/a`, `spiffe://${TD}/b`]],
    ['no SAN', []],
    ['an uppercase trust domain', ['spiffe://TD.test/a']],
    ['a dot segment', [`spiffe://${TD}/a/../admin`]],
    ['percent-encoding', [`spiffe://${TD}/a%2Fb`]],
    ['another scheme', ['https://td.test/a']],
  ])('fail/san: %s', async (_name, uris) => {
    const leaf = await createLeaf(td.intermediate, { uris });
    expect(codeOf(() => spiffeIdFromCertificate(leaf.der))).toBe('ERR_SVID_INVALID');
    expect(codeOf(() => verifyX509Svid([leaf.der, td.intermediate.der], bundles))).toBe('ERR_SVID_INVALID');
  });

  it('fail/malformed: empty chain and bytes that are not a certificate', () => {
    expect(codeOf(() => verifyX509Svid([], bundles))).toBe('ERR_SVID_INVALID');
    expect(codeOf(() => verifyX509Svid([Buffer.from('not a certificate')], bundles))).toBe('ERR_SVID_INVALID');
    expect(codeOf(() => spiffeIdFromCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01])))).toBe('ERR_SVID_INVALID');
  });

  it('fail/missing-intermediate: the leaf alone does not chain to the root', async () => {
    const svid = await issueSvid(td, `spiffe://${TD}/x`);
    expect(codeOf(() => verifyX509Svid([svid.certificates[0]!], bundles))).toBe('ERR_SVID_INVALID');
  });
});

describe('spiffeIdFromCertificate', () => {
  it('reads the single URI SAN from the DER', async () => {
    const svid = await issueSvid(td, `spiffe://${TD}/service/search`);
    expect(spiffeIdFromCertificate(svid.certificates[0]!).toString()).toBe(`spiffe://${TD}/service/search`);
  });
});
