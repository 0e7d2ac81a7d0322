import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { type KeyObject, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { expect } from 'vitest';

x509.cryptoProvider.set(globalThis.crypto);

/**
 * Checks an issued chain against the X509-SVID profile of DESIGN.md three ways:
 * Node's X509Certificate, @peculiar/x509, and `openssl verify` / `openssl x509 -text`.
 */
export async function expectX509SvidProfile(
  chain: readonly Uint8Array[],
  rootDer: Uint8Array,
  want: { spiffeId: string; privateKey?: KeyObject; notAfterMs?: number },
): Promise<void> {
  expect(chain.length).toBe(2);
  const [leafDer, intermediateDer] = chain as [Uint8Array, Uint8Array];
  const leaf = new X509Certificate(leafDer);
  const intermediate = new X509Certificate(intermediateDer);
  const root = new X509Certificate(rootDer);

  // Node
  expect(leaf.ca).toBe(false);
  expect(leaf.verify(intermediate.publicKey)).toBe(true);
  expect(intermediate.verify(root.publicKey)).toBe(true);
  expect(leaf.subjectAltName).toBe(`URI:${want.spiffeId}`);
  expect(leaf.publicKey.asymmetricKeyType).toBe('ec');
  expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  if (want.privateKey) expect(leaf.checkPrivateKey(want.privateKey)).toBe(true);
  expect(BigInt(`0x${leaf.serialNumber}`) >= 2n ** 127n).toBe(true);
  const notBefore = Date.parse(leaf.validFrom);
  const notAfter = Date.parse(leaf.validTo);
  expect(notBefore).toBeLessThan(Date.now());
  if (want.notAfterMs !== undefined) expect(notAfter).toBe(Math.floor(want.notAfterMs / 1000) * 1000);
  expect(notAfter).toBeLessThanOrEqual(Date.parse(intermediate.validTo));

  // @peculiar/x509
  const p = new x509.X509Certificate(leafDer);
  const bc = p.getExtension(x509.BasicConstraintsExtension);
  expect(bc?.critical).toBe(true);
  expect(bc?.ca).toBe(false);
  const ku = p.getExtension(x509.KeyUsagesExtension);
  expect(ku?.critical).toBe(true);
  expect(ku?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
  const eku = p.getExtension(x509.ExtendedKeyUsageExtension);
  expect([...(eku?.usages ?? [])].sort()).toEqual([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth].sort());
  const san = p.getExtension(x509.SubjectAlternativeNameExtension);
  expect(san?.names.items.map((n) => [n.type, n.value])).toEqual([['url', want.spiffeId]]);
  expect(await p.verify({ publicKey: await new x509.X509Certificate(intermediateDer).publicKey.export() })).toBe(true);

  // openssl
  const dir = mkdtempSync(join(tmpdir(), 'tessera-openssl-'));
  try {
    writeFileSync(join(dir, 'root.pem'), root.toString());
    writeFileSync(join(dir, 'intermediate.pem'), intermediate.toString());
    writeFileSync(join(dir, 'leaf.pem'), leaf.toString());
    const verified = execFileSync('openssl', [
      'verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'intermediate.pem'), join(dir, 'leaf.pem'),
    ]).toString();
    expect(verified.trim()).toBe(`${join(dir, 'leaf.pem')}: OK`);
    const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', join(dir, 'leaf.pem')]).toString();
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(text).toContain(`URI:${want.spiffeId}`);
    expect(text).toContain('ecdsa-with-SHA256');
    expect(text).toContain('NIST CURVE: P-256');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
