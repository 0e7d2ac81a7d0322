/**
 * The signing authorities as the store holds them, read by the CA
 * (ca/authority/authorities.ts) and offline by tools (`tessera audit seal`):
 *
 *   authority/<kind>/<id>      the lifecycle record (lifecycle.ts)
 *   authority_key/<kind>/<id>  its key material: the PKCS#8 private key sealed
 *                              with the KEK (key-vault.ts), and for X.509 the certificate
 *                              with its upstream chain (an intermediate an operator brought)
 *   authority_key/x509-pending the key of the next intermediate, sealed, waiting for the
 *                              certificate the operator's CA signs (CreateIntermediateCsr)
 *   meta/bundle_sequence       raised by every change of the records
 *
 * So every replica on one database finds every authority's key, and the
 * database alone yields none. A CA from before kept each key as files in
 * `<dataDir>/keys` (the record names them); they are read from there until the
 * CA moves them into the store (Authorities.load).
 */
import { type KeyObject, createPrivateKey } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from '../../agent-sdk/errors.js';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { prefixRange } from '../audit/record.js';
import { decodeRecord, encodeRecord } from '../issuance/records.js';
import type { Store, StoreOp } from '../store/store.js';
import { JwtAuthority } from './jwt-authority.js';
import type { KeyVault, SealedKey } from './key-vault.js';
import { type CaCredential, type CaRoot, checkedCredentialOf, isIssuedBy, loadCredential, newIntermediate, signingRoot } from './keys.js';
import type { AuthorityKind, AuthorityRecord } from './lifecycle.js';
import type { Clock } from '../../agent-sdk/clock.js';

export const AUTHORITY_PREFIX = 'authority/';
export const AUTHORITY_KEY_PREFIX = 'authority_key/';
export const SEQUENCE_KEY = 'meta/bundle_sequence';
export const authorityKey = (kind: AuthorityKind, id: string): string => `${AUTHORITY_PREFIX}${kind}/${id}`;
const materialKey = (kind: AuthorityKind, id: string) => `${AUTHORITY_KEY_PREFIX}${kind}/${id}`;

/** Where the key of the next intermediate waits for its certificate. */
export const PENDING_X509_KEY = `${AUTHORITY_KEY_PREFIX}x509-pending`;
const PENDING_LABEL = 'x509-pending';

/** The write that keeps `privateKey` as the pending intermediate key, sealed with `vault` (replacing an earlier one). */
export async function pendingKeyOp(vault: KeyVault, privateKey: KeyObject): Promise<StoreOp> {
  const sealed = await vault.seal(PENDING_LABEL, privateKey.export({ format: 'der', type: 'pkcs8' }));
  return { type: 'put', key: PENDING_X509_KEY, value: encodeRecord({ sealed }) };
}

/**
 * The pending intermediate key, or undefined when there is none.
 *
 * @throws {TesseraError} ERR_KEYS_MISMATCH when it was sealed with another KEK.
 */
export async function readPendingKey(store: Pick<Store, 'get'>, vault: KeyVault): Promise<KeyObject | undefined> {
  const stored = decodeRecord<Pick<StoredMaterial, 'sealed'>>(await store.get(PENDING_X509_KEY));
  return stored && createPrivateKey({ key: await vault.open(PENDING_LABEL, stored.sealed), format: 'der', type: 'pkcs8' });
}

/** An authority's signing key in memory. */
export type KeyMaterial =
  | { readonly kind: 'x509'; readonly id: string; readonly privateKey: KeyObject; readonly credential: CaCredential }
  | { readonly kind: 'jwt'; readonly id: string; readonly privateKey: KeyObject; readonly jwt: JwtAuthority };

/** The value at `authority_key/<kind>/<id>`. */
interface StoredMaterial {
  readonly sealed: SealedKey;
  /** X.509: the certificate, base64 DER. */
  readonly certificate?: string;
  /** X.509: the upstream intermediates above it, nearest first, base64 DER; absent when the root signed it. */
  readonly chain?: readonly string[];
}

/**
 * The bundle sequence number and every authority record in `store`. The
 * number is read first: records committed after it are newer, never older,
 * and the change that raised it wakes the next read.
 *
 * @example const { sequence, records } = await readAuthorityRecords(store);
 */
export async function readAuthorityRecords(store: Pick<Store, 'get' | 'entries'>): Promise<{ sequence: number; records: AuthorityRecord[] }> {
  const sequence = decodeRecord<{ sequence: number }>(await store.get(SEQUENCE_KEY))?.sequence ?? 0;
  const records: AuthorityRecord[] = [];
  for await (const [, value] of store.entries(prefixRange(AUTHORITY_PREFIX))) records.push(decodeRecord<AuthorityRecord>(value)!);
  return { sequence, records };
}

/**
 * A new key of `kind`, in memory: for X.509 an intermediate signed by `root`
 * (its subject names its key), for JWT a P-256 key.
 *
 * @throws {TesseraError} ERR_AUTHORITY_STATE for X.509 when the root's key is offline.
 */
export async function newKeyMaterial(
  kind: KeyMaterial['kind'], root: CaRoot, params: { trustDomain: string; clock: Clock; intermediateTtlMs: number },
): Promise<KeyMaterial> {
  if (kind === 'x509') {
    const credential = newIntermediate(signingRoot(root), { ...params, distinctName: true });
    return { kind, id: credential.keyIdentifier.toString('hex'), privateKey: credential.privateKey, credential };
  }
  const privateKey = generateP256Key();
  const jwt = await JwtAuthority.fromPrivateKey(privateKey);
  return { kind, id: jwt.keyId, privateKey, jwt };
}

/** The write that keeps `material` in the store, its private key sealed with `vault`. */
export async function keyMaterialOp(vault: KeyVault, material: KeyMaterial): Promise<StoreOp> {
  const label = `${material.kind}/${material.id}`;
  const pkcs8 = material.privateKey.export({ format: 'der', type: 'pkcs8' });
  const stored: StoredMaterial = {
    sealed: await vault.seal(label, pkcs8),
    ...(material.kind === 'x509' && { certificate: material.credential.der.toString('base64') }),
    ...(material.kind === 'x509' && material.credential.chain.length > 0 && { chain: material.credential.chain.map((der) => der.toString('base64')) }),
  };
  return { type: 'put', key: materialKey(material.kind, material.id), value: encodeRecord(stored) };
}

/**
 * The key material of `record`, checked against the record and, for X.509,
 * against `roots` (one must have signed it): opened from the store, else read from the key files a CA
 * from before left in `keysDir` (`fromFile`), else undefined.
 *
 * @throws {TesseraError} ERR_KEYS_MISMATCH when the store's key was sealed with
 *   another KEK, or there is no KEK; ERR_CONFIG_INVALID for a key that does not
 *   open, or is not the record's, or an intermediate none of `roots` signed.
 */
export async function readKeyMaterial(
  store: Pick<Store, 'get'>, vault: KeyVault | undefined, keysDir: string, roots: readonly Pick<CaCredential, 'publicKey'>[], record: AuthorityRecord,
): Promise<{ material: KeyMaterial; fromFile: boolean } | undefined> {
  const label = `${record.kind}/${record.id}`;
  const { kind } = record;
  // Roots stay files in the keys folder (loadRoot); only signing authorities have stored keys.
  if (kind === 'root') throw new TesseraError('ERR_CONFIG_INVALID', `root ${record.id} has no key in the store`);
  const stored = decodeRecord<StoredMaterial>(await store.get(materialKey(kind, record.id)));
  let found: { material: KeyMaterial | undefined; fromFile: boolean };
  if (stored) {
    if (!vault) {
      throw new TesseraError('ERR_KEYS_MISMATCH', `the authorities' keys are sealed with key-encryption key ${stored.sealed.kek}, and ${join(keysDir, 'kek')} is missing: copy keys/kek from a running replica`);
    }
    const privateKey = createPrivateKey({ key: await vault.open(label, stored.sealed), format: 'der', type: 'pkcs8' });
    found = { material: await materialOf(kind, privateKey, stored, label), fromFile: false };
  } else {
    found = { material: record.file === undefined ? undefined : await readKeyFile(keysDir, kind, record.file), fromFile: true };
  }
  const { material } = found;
  if (!material) return undefined;
  if (material.id !== record.id) throw new TesseraError('ERR_CONFIG_INVALID', `the key stored for authority ${label} is another authority's (${material.id})`);
  if (material.kind === 'x509' && !roots.some((root) => isIssuedBy(material.credential, root))) {
    throw new TesseraError('ERR_CONFIG_INVALID', `the intermediate CA certificate of ${label} in ${found.fromFile ? keysDir : 'the store'} is not signed by any root of this CA`);
  }
  return { material, fromFile: found.fromFile };
}

/**
 * The key of a CA from before: `<name>-key.pem` (and for X.509 `<name>-cert.pem`)
 * in `keysDir`, or undefined when absent.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when the key is not its certificate's.
 */
export async function readKeyFile(keysDir: string, kind: KeyMaterial['kind'], name: string): Promise<KeyMaterial | undefined> {
  if (kind === 'x509') {
    const credential = await loadCredential(keysDir, name);
    return credential && { kind, id: credential.keyIdentifier.toString('hex'), privateKey: credential.privateKey, credential };
  }
  let pem: string;
  try {
    pem = await readFile(join(keysDir, `${name}-key.pem`), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return materialOf(kind, createPrivateKey(pem), undefined, name);
}

/** Deletes the key files `name` in `keysDir` (absent ones are fine): their key is sealed in the store now. */
export async function removeKeyFiles(keysDir: string, name: string): Promise<void> {
  await Promise.all(['key', 'cert'].map((part) => rm(join(keysDir, `${name}-${part}.pem`), { force: true })));
}

/**
 * The active X.509 authority in `store`, read offline (the CA stopped), for
 * tools that must sign as the CA does (`tessera audit seal`). Makes nothing.
 *
 * @throws {TesseraError} ERR_NOT_FOUND when the store has no active one (the CA
 *   never started); whatever readKeyMaterial throws; ERR_CONFIG_INVALID when its key is missing.
 * @example const intermediate = await readActiveIntermediate(store, vault, keysDir, roots);
 */
export async function readActiveIntermediate(
  store: Pick<Store, 'get' | 'entries'>, vault: KeyVault | undefined, keysDir: string, roots: readonly Pick<CaCredential, 'publicKey'>[],
): Promise<CaCredential> {
  const { records } = await readAuthorityRecords(store);
  const active = records.find((r) => r.kind === 'x509' && r.state === 'active');
  if (!active) throw new TesseraError('ERR_NOT_FOUND', 'the store has no active x509 authority: start the CA once');
  const found = await readKeyMaterial(store, vault, keysDir, roots, active);
  if (found?.material.kind !== 'x509') throw new TesseraError('ERR_CONFIG_INVALID', `the key of the active x509 authority ${active.id} is neither in the store nor in ${keysDir}`);
  return found.material.credential;
}

async function materialOf(kind: KeyMaterial['kind'], privateKey: KeyObject, stored: Omit<StoredMaterial, 'sealed'> | undefined, label: string): Promise<KeyMaterial> {
  if (kind === 'jwt') {
    const jwt = await JwtAuthority.fromPrivateKey(privateKey);
    return { kind, id: jwt.keyId, privateKey, jwt };
  }
  if (stored?.certificate === undefined) throw new TesseraError('ERR_CONFIG_INVALID', `the stored key of authority ${label} has no certificate`);
  const chain = (stored.chain ?? []).map((der) => Buffer.from(der, 'base64'));
  const credential = checkedCredentialOf(Buffer.from(stored.certificate, 'base64'), privateKey, chain, `the stored key of authority ${label} is not the key of its certificate`);
  return { kind, id: credential.keyIdentifier.toString('hex'), privateKey, credential };
}
