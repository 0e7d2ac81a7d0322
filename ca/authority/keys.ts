import { type KeyObject, X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from '../../agent-sdk/errors.js';
import { readCertificate, readSubjectAltNames } from '../../agent-sdk/certificate.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { caTbsCertificate, keyIdentifier, signCertificate } from './template.js';

/** One CA certificate with its key. */
export interface CaCredential {
  readonly der: Buffer;
  readonly subject: Buffer;
  readonly keyIdentifier: Buffer;
  readonly notAfterMs: number;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** The root (the trust bundle) and the intermediate that signs every SVID. */
export interface CaKeys {
  readonly root: CaCredential;
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
    intermediate = await createIntermediate(dir, 'intermediate', root, params);
  }
  checkIssuedBy(dir, intermediate, root);
  return { root, intermediate };
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
export async function loadOrCreateRoot(dir: string, params: { trustDomain: string; clock: Clock; rootTtlMs: number }): Promise<CaCredential> {
  const now = params.clock.now();
  const trustDomainId = `spiffe://${params.trustDomain}`;
  const root = await loadCredential(dir, 'root') ?? await create(dir, 'root', (spki) =>
    caTbsCertificate({
      commonName: `Tessera root CA ${params.trustDomain}`,
      subjectPublicKeyInfo: spki,
      notBeforeMs: now - BACKDATE_MS,
      notAfterMs: now + params.rootTtlMs,
      trustDomainId,
    }), undefined);
  const rootSans = readSubjectAltNames(readCertificate(root.der));
  if (rootSans?.uris[0] !== trustDomainId) {
    throw new TesseraError('ERR_CONFIG_INVALID', `the CA keys in ${dir} belong to another trust domain than ${params.trustDomain}`);
  }
  return root;
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

/** @throws {TesseraError} ERR_CONFIG_INVALID when `intermediate` does not carry a valid signature of `root`. */
export function checkIssuedBy(dir: string, intermediate: CaCredential, root: CaCredential): void {
  if (!new X509Certificate(intermediate.der).verify(root.publicKey)) {
    throw new TesseraError('ERR_CONFIG_INVALID', `the intermediate CA certificate in ${dir} is not signed by the root`);
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
  return credentialOf(new X509Certificate(certPem).raw, createPrivateKey(keyPem), `${name}-key.pem in ${dir} is not the key of ${name}-cert.pem`);
}

/**
 * A CA credential from its certificate (DER) and private key.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID with `mismatch` when the key is not the certificate's.
 */
export function credentialOf(der: Buffer, privateKey: KeyObject, mismatch = 'the key is not the key of its certificate'): CaCredential {
  const fields = readCertificate(der);
  const publicKey = createPublicKey(privateKey);
  if (!fields.subjectPublicKeyInfo.equals(publicKey.export({ format: 'der', type: 'spki' }))) {
    throw new TesseraError('ERR_CONFIG_INVALID', mismatch);
  }
  return {
    der,
    subject: fields.subject,
    keyIdentifier: keyIdentifier(fields.subjectPublicKeyInfo),
    notAfterMs: fields.notAfterMs,
    privateKey,
    publicKey,
  };
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
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return credentialOf(signCertificate(tbsFor(publicKey.export({ format: 'der', type: 'spki' })), issuerKey ?? privateKey), privateKey);
}

async function writeCredential(dir: string, name: string, credential: CaCredential): Promise<void> {
  await writeAtomically(join(dir, `${name}-key.pem`), credential.privateKey.export({ format: 'pem', type: 'pkcs8' }), 0o600);
  await writeAtomically(join(dir, `${name}-cert.pem`), new X509Certificate(credential.der).toString(), 0o644);
}

/**
 * Writes a file beside its final path, then renames it into place: a crash
 * never leaves half a key where a later start would read it.
 */
export async function writeAtomically(path: string, data: string | Buffer, mode: number): Promise<void> {
  await writeFile(`${path}.tmp`, data, { mode });
  await rename(`${path}.tmp`, path);
}
