/**
 * Real certificates for tests: roots, intermediates and leaves with chosen names,
 * extensions, validity and key types, made with @peculiar/x509 and handed back as
 * DER, Node X509Certificate and Node KeyObject.
 *
 * @example
 * const root = await createRoot();
 * const ca = await createIntermediate(root);
 * const leaf = await createLeaf(ca, { uris: ['spiffe://tessera.local/agent/o/t/i'] });
 * verifyCertificateChain([leaf.der, ca.der], [root.cert], Date.now());
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, X509Certificate, randomBytes, type webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(globalThis.crypto);

export type KeyAlgorithm = 'P-256' | 'Ed25519' | 'RSA';
export type KeyUsageName = keyof typeof x509.KeyUsageFlags;

export interface TestCert extends KeyPair {
  /** DER bytes. */
  readonly der: Buffer;
  /** The same certificate as node:crypto parses it. */
  readonly cert: X509Certificate;
  /** The @peculiar/x509 object, for its subject Name. */
  readonly x509: x509.X509Certificate;
}

/** A key pair as both WebCrypto and Node objects. */
export interface KeyPair {
  readonly keys: CryptoKeyPair;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyAlgorithm: KeyAlgorithm;
}

export interface CertOptions {
  /** Subject common name; default 'Test Root', 'Test Intermediate' or 'test-leaf'. */
  cn?: string;
  /** The whole subject in JSON name form, e.g. [{ CN: ['a', 'b'] }]; overrides cn. */
  subject?: x509.JsonName;
  /** URI SANs (for SVIDs: exactly one SPIFFE ID). */
  uris?: string[];
  /** basicConstraints cA; default true for CAs, false for leaves. */
  ca?: boolean;
  /** basicConstraints pathLenConstraint (only meaningful with ca). */
  pathLength?: number;
  /** Leave the basicConstraints extension out entirely. */
  omitBasicConstraints?: boolean;
  /**
   * Key usage bits, critical; null leaves the extension out. Default keyCertSign +
   * cRLSign for CAs, digitalSignature for leaves.
   */
  keyUsage?: KeyUsageName[] | null;
  notBefore?: Date | number;
  notAfter?: Date | number;
  /** The serial number in hex (a positive INTEGER); default 16 random bytes. */
  serialHex?: string;
  /** The subject key type; default P-256. */
  keyAlgorithm?: KeyAlgorithm;
  /** Certify this existing key pair (from generateKeyPair or another TestCert) instead of a new one. */
  keyPair?: KeyPair;
  /** More extensions, added as given. */
  extensions?: x509.Extension[];
}

const MINUTE = 60_000;

/**
 * A self-signed root CA (default P-256, valid from a minute ago for ten years).
 *
 * @example const root = await createRoot({ cn: 'Other Root' });
 */
export async function createRoot(options: CertOptions = {}): Promise<TestCert> {
  return issue(undefined, { cn: 'Test Root', ca: true, notAfter: Date.now() + 3650 * 24 * 60 * MINUTE, ...options });
}

/**
 * A CA certificate signed by `parent` (default valid for a year).
 *
 * @example const ca = await createIntermediate(root, { pathLength: 0 });
 */
export async function createIntermediate(parent: TestCert, options: CertOptions = {}): Promise<TestCert> {
  return issue(parent, { cn: 'Test Intermediate', ca: true, notAfter: Date.now() + 365 * 24 * 60 * MINUTE, ...options });
}

/**
 * An end-entity certificate signed by `parent`: by default cA=false (critical),
 * key usage digitalSignature (critical), EKU serverAuth + clientAuth, valid from a
 * minute ago for an hour.
 *
 * @example const leaf = await createLeaf(ca, { cn: 'orch-1', notAfter: Date.now() - 1 });
 */
export async function createLeaf(parent: TestCert, options: CertOptions = {}): Promise<TestCert> {
  return issue(parent, { cn: 'test-leaf', ca: false, notAfter: Date.now() + 60 * MINUTE, ...options });
}

/**
 * A fresh WebCrypto key pair of the given type, with its Node KeyObjects.
 *
 * @example const { privateKey } = await generateKeyPair('Ed25519');
 */
export async function generateKeyPair(algorithm: KeyAlgorithm = 'P-256'): Promise<KeyPair> {
  const params =
    algorithm === 'P-256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : algorithm === 'Ed25519'
        ? { name: 'Ed25519' }
        : { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const keys = (await globalThis.crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keys, privateKey: KeyObject.from(keys.privateKey), publicKey: KeyObject.from(keys.publicKey), keyAlgorithm: algorithm };
}

async function issue(parent: TestCert | undefined, options: CertOptions): Promise<TestCert> {
  const { keys, privateKey, publicKey, keyAlgorithm } = options.keyPair ?? (await generateKeyPair(options.keyAlgorithm));
  const ca = options.ca ?? false;
  const extensions: x509.Extension[] = [];
  if (!options.omitBasicConstraints) extensions.push(new x509.BasicConstraintsExtension(ca, options.pathLength, true));
  const usages = options.keyUsage === undefined ? (ca ? (['keyCertSign', 'cRLSign'] as const) : (['digitalSignature'] as const)) : options.keyUsage;
  if (usages !== null) {
    const flags = usages.reduce((acc, name) => acc | x509.KeyUsageFlags[name], 0);
    extensions.push(new x509.KeyUsagesExtension(flags, true));
  }
  if (!ca) extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]));
  if (options.uris?.length) extensions.push(new x509.SubjectAlternativeNameExtension(options.uris.map((value) => ({ type: 'url' as const, value }))));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  if (parent) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(parent.keys.publicKey));
  extensions.push(...(options.extensions ?? []));

  const signer = parent ?? { keys, keyAlgorithm };
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive INTEGER (RFC 5280 4.1.2.2)
  const base = {
    serialNumber: options.serialHex ?? serial.toString('hex'),
    notBefore: new Date(options.notBefore ?? Date.now() - MINUTE),
    notAfter: new Date(options.notAfter ?? Date.now() + 60 * MINUTE),
    extensions,
    signingAlgorithm: signingAlgorithm(signer.keyAlgorithm),
  };
  // The JSON name form encodes values without RFC 4514 escaping, so any CN can be tested.
  const subject: x509.JsonName = options.subject ?? [{ CN: [options.cn ?? 'test'] }];
  const made = parent
    ? await x509.X509CertificateGenerator.create({
        ...base,
        subject,
        // The parent's Name object, so the issuer DER equals the parent's subject DER.
        issuer: parent.x509.subjectName,
        publicKey: keys.publicKey,
        signingKey: parent.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...base, name: subject, keys });
  const der = Buffer.from(made.rawData);
  return { der, cert: new X509Certificate(der), privateKey, publicKey, keys, x509: made, keyAlgorithm };
}

function signingAlgorithm(algorithm: KeyAlgorithm): webcrypto.Algorithm | webcrypto.EcdsaParams {
  if (algorithm === 'P-256') return { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams;
  if (algorithm === 'Ed25519') return { name: 'Ed25519' };
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as webcrypto.Algorithm;
}
