import { type KeyObject, X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from '../../agent-sdk/errors.js';
import { OID, readCertificate, readSubjectAltNames, subjectPublicKeyInfoOf } from '../../agent-sdk/certificate.js';
import { certificatesFromPem } from '../../agent-sdk/bundle.js';
import { TAG, contentOf, readOnly } from '../../agent-sdk/der.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { derToPem } from '../../agent-sdk/tls-material.js';
import { caTbsCertificate, keyIdentifier, signCertificate } from './template.js';

/** One CA certificate with its key. */
export interface CaCredential {
  readonly der: Buffer;
  readonly subject: Buffer;
  readonly keyIdentifier: Buffer;
  /** The end of its signing: its own notAfter, or an upstream intermediate's when that is sooner. */
  readonly notAfterMs: number;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /**
   * The intermediates above it up to the root, nearest first (DER): an upstream
   * CA's, sent with every SVID so verifiers can build the path. Empty when the
   * root signed it.
   */
  readonly chain: readonly Buffer[];
}

/** A root whose key may live elsewhere: an operator's offline root has no key on the CA host. */
export type CaRoot = Omit<CaCredential, 'privateKey'> & { readonly privateKey: KeyObject | undefined };

/** The root (the trust bundle) and the intermediate that signs every SVID. */
export interface CaKeys {
  readonly root: CaRoot;
  readonly intermediate: CaCredential;
}

const BACKDATE_MS = 60_000;

/**
 * Loads the root and intermediate from `<dataDir>/keys`, or makes them on first
 * start (P-256; private keys written with mode 0600 in a 0700 folder). A missing
 * or expired intermediate is replaced by a new one signed by the root.
 *
 * Stored keys are checked once here, so that leaves need no per-certificate
 * signature check: each private key must match its certificate's public key,
 * and the intermediate must carry a valid signature of the root.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when the stored root belongs to another trust domain,
 * a key does not match its certificate, or the intermediate is not signed by the root.
 * @example const keys = await loadOrCreateKeys({ dataDir, trustDomain: 'tessera.local', clock, rootTtlMs, intermediateTtlMs });
 */
export async function loadOrCreateKeys(params: {
  dataDir: string; trustDomain: string; clock: Clock; rootTtlMs: number; intermediateTtlMs: number;
}): Promise<CaKeys> {
  const dir = await keysDir(params.dataDir);
  const root = await loadOrCreateRoot(dir, params);
  let intermediate = await loadCredential(dir, 'intermediate');
  if (!intermediate || intermediate.notAfterMs <= params.clock.now()) {
    intermediate = await createIntermediate(dir, 'intermediate', signingRoot(root), params);
  }
  checkIssuedBy(dir, intermediate, root);
  return { root, intermediate };
}

/**
 * The root as a signer of intermediates.
 *
 * @throws {TesseraError} ERR_AUTHORITY_STATE when its key is not on this host
 *   (an operator's offline root): intermediates then come signed from outside.
 */
export function signingRoot(root: CaRoot): CaCredential {
  if (!root.privateKey) {
    throw new TesseraError('ERR_AUTHORITY_STATE', 'this CA holds no root key (an offline root): bring the next intermediate, signed by the root, with `tessera authority x509 prepare --cert FILE --key FILE`');
  }
  return root as CaCredential;
}

/** `<dataDir>/keys`, made 0700 if missing. */
export async function keysDir(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'keys');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/**
 * The root in `dir`, made on first start.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when it belongs to another trust domain or its key does not match.
 */
export async function loadOrCreateRoot(dir: string, params: { trustDomain: string; clock: Clock; rootTtlMs: number }): Promise<CaRoot> {
  const root = await loadRoot(dir, 'root') ?? await createRoot(dir, 'root', params);
  // An operator's root (tessera ca init --root-cert) names no trust domain of ours unless they chose to; ours always does.
  const uris = readSubjectAltNames(readCertificate(root.der))?.uris ?? [];
  if (uris.some((uri) => uri.startsWith('spiffe://') && uri !== `spiffe://${params.trustDomain}`)) {
    throw new TesseraError('ERR_CONFIG_INVALID', `the CA keys in ${dir} belong to another trust domain than ${params.trustDomain}`);
  }
  return root;
}

/**
 * The root `<name>-cert.pem` in `dir`, with `<name>-key.pem` when that is there
 * (without it, an operator's root whose key stays offline); undefined when absent.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when the key is not the certificate's.
 */
export async function loadRoot(dir: string, name: string): Promise<CaRoot | undefined> {
  const root = await loadCredential(dir, name);
  if (root) return root;
  const certPem = await readOptional(join(dir, `${name}-cert.pem`));
  if (certPem === undefined) return undefined;
  const certificate = new X509Certificate(certPem);
  return { ...credentialOf(certificate.raw, certificate.publicKey, []), privateKey: undefined };
}

/**
 * Makes a new self-signed root, written as `<name>-key.pem` and `<name>-cert.pem`
 * in `dir`, valid for `rootTtlMs`. With `distinctName`, its subject names its
 * key, so that roots that follow one another never share a name.
 */
export async function createRoot(
  dir: string, name: string, params: { trustDomain: string; clock: Clock; rootTtlMs: number; distinctName?: boolean },
): Promise<CaCredential> {
  const now = params.clock.now();
  return create(dir, name, (spki) =>
    caTbsCertificate({
      commonName: `Tessera root CA ${params.trustDomain}${params.distinctName ? ` ${keyIdentifier(spki).toString('hex').slice(0, 16)}` : ''}`,
      subjectPublicKeyInfo: spki,
      notBeforeMs: now - BACKDATE_MS,
      notAfterMs: now + params.rootTtlMs,
      trustDomainId: `spiffe://${params.trustDomain}`,
    }), undefined);
}

/**
 * Makes a new intermediate signed by `root`, written as `<name>-key.pem` and
 * `<name>-cert.pem` in `dir`, valid for `intermediateTtlMs` but never past the root.
 */
export async function createIntermediate(
  dir: string, name: string, root: CaCredential, params: { trustDomain: string; clock: Clock; intermediateTtlMs: number },
): Promise<CaCredential> {
  const credential = newIntermediate(root, params);
  await writeCredential(dir, name, credential);
  return credential;
}

/**
 * A new intermediate signed by `root`, in memory only (the authorities seal
 * its key into the store), valid for `intermediateTtlMs` but never past the root.
 * With `distinctName`, its subject names its key, so that intermediates that
 * follow one another never share a name (path building matches names first).
 */
export function newIntermediate(
  root: CaCredential, params: { trustDomain: string; clock: Clock; intermediateTtlMs: number; distinctName?: boolean },
): CaCredential {
  const now = params.clock.now();
  return generate((spki) =>
    caTbsCertificate({
      commonName: `Tessera intermediate CA ${params.trustDomain}${params.distinctName ? ` ${keyIdentifier(spki).toString('hex').slice(0, 16)}` : ''}`,
      subjectPublicKeyInfo: spki,
      notBeforeMs: now - BACKDATE_MS,
      notAfterMs: Math.min(now + params.intermediateTtlMs, root.notAfterMs),
      trustDomainId: `spiffe://${params.trustDomain}`,
      pathLength: 0,
      issuer: root,
    }), root.privateKey);
}

/**
 * @throws {TesseraError} ERR_CONFIG_INVALID when `intermediate` (through its
 * upstream chain, if any) does not carry a valid signature of `root`.
 */
export function checkIssuedBy(dir: string, intermediate: CaCredential, root: Pick<CaCredential, 'publicKey'>): void {
  if (!isIssuedBy(intermediate, root)) throw new TesseraError('ERR_CONFIG_INVALID', `the intermediate CA certificate in ${dir} is not signed by the root`);
}

/** Whether `intermediate`, through its upstream chain if any, carries a valid signature of `root`. */
export function isIssuedBy(intermediate: CaCredential, root: Pick<CaCredential, 'publicKey'>): boolean {
  const path = [intermediate.der, ...intermediate.chain].map((der) => new X509Certificate(der));
  return path.every((cert, i) => cert.verify(path[i + 1]?.publicKey ?? root.publicKey));
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The certificate and key `<name>-cert.pem` / `<name>-key.pem` in `dir`, or undefined when absent.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when the key is not the certificate's.
 */
export async function loadCredential(dir: string, name: string): Promise<CaCredential | undefined> {
  let keyPem: string;
  let certPem: string;
  try {
    [keyPem, certPem] = await Promise.all([readFile(join(dir, `${name}-key.pem`), 'utf8'), readFile(join(dir, `${name}-cert.pem`), 'utf8')]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const [der, ...chain] = certificatesFromPem(certPem);
  return checkedCredentialOf(der!, createPrivateKey(keyPem), chain, `${name}-key.pem in ${dir} is not the key of ${name}-cert.pem`);
}

/**
 * credentialOf, for a private key that must be the certificate's.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID with `mismatch` when it is not.
 */
export function checkedCredentialOf(der: Buffer, privateKey: KeyObject, chain: readonly Buffer[], mismatch: string): CaCredential {
  const credential = credentialOf(der, privateKey, chain);
  if (!readCertificate(der).subjectPublicKeyInfo.equals(credential.publicKey.export({ format: 'der', type: 'spki' }))) {
    throw new TesseraError('ERR_CONFIG_INVALID', mismatch);
  }
  return credential;
}

/**
 * A credential from its certificate, its key (a public key for a root without
 * one) and its upstream chain. The key identifier is the certificate's own
 * subjectKeyIdentifier when it has one (an operator's CA may compute it another
 * way: leaves must name the same one in authorityKeyIdentifier).
 */
export function credentialOf(der: Buffer, key: KeyObject, chain: readonly Buffer[]): CaCredential {
  const fields = readCertificate(der);
  const ski = fields.extensions.get(OID.subjectKeyIdentifier);
  return {
    der,
    subject: fields.subject,
    keyIdentifier: ski ? contentOf(ski.value, readOnly(ski.value, TAG.OCTET_STRING)) : keyIdentifier(fields.subjectPublicKeyInfo),
    notAfterMs: Math.min(fields.notAfterMs, ...chain.map((c) => readCertificate(c).notAfterMs)),
    privateKey: key,
    publicKey: key.type === 'public' ? key : createPublicKey(key),
    chain,
  };
}

/**
 * Writes an intermediate made elsewhere as `<name>-key.pem` (0600) and
 * `<name>-cert.pem` (the certificate, then its upstream chain) in `dir`.
 */
export async function writeCredential(dir: string, name: string, credential: CaCredential): Promise<void> {
  await writeAtomically(join(dir, `${name}-key.pem`), credential.privateKey.export({ format: 'pem', type: 'pkcs8' }), 0o600);
  await writeAtomically(join(dir, `${name}-cert.pem`), [credential.der, ...credential.chain].map(derToPem).join(''), 0o644);
}

async function create(
  dir: string, name: string, tbsFor: (spki: Buffer) => Buffer, issuerKey: KeyObject | undefined,
): Promise<CaCredential> {
  const credential = generate(tbsFor, issuerKey);
  await writeCredential(dir, name, credential);
  return credential;
}

/** A new P-256 key and its certificate, signed by `issuerKey` (itself when undefined). */
function generate(tbsFor: (spki: Buffer) => Buffer, issuerKey: KeyObject | undefined): CaCredential {
  const privateKey = generateP256Key();
  return credentialOf(signCertificate(tbsFor(subjectPublicKeyInfoOf(privateKey)), issuerKey ?? privateKey), privateKey, []);
}

/**
 * Writes a file beside its final path, then renames it into place: a crash
 * never leaves half a key where a later start would read it.
 */
export async function writeAtomically(path: string, data: string | Buffer, mode: number): Promise<void> {
  await writeFile(`${path}.tmp`, data, { mode });
  await rename(`${path}.tmp`, path);
}
