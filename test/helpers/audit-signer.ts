/**
 * Real ECDSA P-256 keys and certificates for audit checkpoint tests: a
 * self-signed root and an intermediate CA it issues, whose key signs
 * checkpoints exactly as the CA will (`crypto.sign('sha256', data, key)`).
 */
import 'reflect-metadata'; // @peculiar/x509 2.x needs the Reflect metadata polyfill first
import * as crypto from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CheckpointSigner } from '../../ca/audit/journal.js';

x509.cryptoProvider.set(globalThis.crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

export interface AuditPki {
  /** The trust bundle roots to pass to verifyAudit. */
  roots: crypto.X509Certificate[];
  /** Signs with the intermediate key; chain = [intermediate DER]. */
  signer: CheckpointSigner;
  /** A leaf (cA=false) issued by the intermediate, like an agent SVID; chain = [leaf, intermediate]. */
  leafSigner: CheckpointSigner;
}

/** A root, an intermediate CA and a leaf, valid from yesterday to a year from now. */
export async function createAuditPki(name = 'Tessera Test'): Promise<AuditPki> {
  const notBefore = new Date(Date.now() - DAY_MS);
  const notAfter = new Date(Date.now() + 365 * DAY_MS);
  const rootKeys = await globalThis.crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name} Root`, notBefore, notAfter, keys: rootKeys, signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const interKeys = await globalThis.crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const intermediate = await x509.X509CertificateGenerator.create({
    subject: `CN=${name} Intermediate`, issuer: root.subject, notBefore, notAfter,
    publicKey: interKeys.publicKey, signingKey: rootKeys.privateKey, signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const leafKeys = await globalThis.crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    subject: `CN=${name} Leaf`, issuer: intermediate.subject, notBefore, notAfter,
    publicKey: leafKeys.publicKey, signingKey: interKeys.privateKey, signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const intermediateKey = crypto.KeyObject.from(interKeys.privateKey);
  const leafKey = crypto.KeyObject.from(leafKeys.privateKey);
  return {
    roots: [new crypto.X509Certificate(Buffer.from(root.rawData))],
    signer: {
      sign: (data) => crypto.sign('sha256', data, intermediateKey),
      chain: [new Uint8Array(intermediate.rawData)],
    },
    leafSigner: {
      sign: (data) => crypto.sign('sha256', data, leafKey),
      chain: [new Uint8Array(leaf.rawData), new Uint8Array(intermediate.rawData)],
    },
  };
}
