/**
 * The keys every CA on one store must share, pinned in the store: the first
 * root's SHA-256 (keys/root-cert.pem, which root rotation never replaces) and
 * the key-encryption key's id, written by the first start and compared at
 * every start after. Roots prepared later (root-rotation.ts) are their own
 * files, checked against the store's root records when read (Authorities). A replica started with another root or KEK
 * is refused before it writes anything, with the mismatch named, instead of
 * serving a bundle the others do not or failing on the first sealed key.
 */
import { createHash } from 'node:crypto';
import { TesseraError, isTesseraError } from '../../agent-sdk/errors.js';
import { decodeRecord, encodeRecord } from '../issuance/records.js';
import type { Store } from '../store/store.js';
import type { KeyVault } from './key-vault.js';
import type { CaCredential } from './keys.js';
import { loadRecordedRoot } from './root-rotation.js';
import { readAuthorityRecords } from './stored-authorities.js';

const PIN_KEY = 'meta/replica_keys';

interface KeysPin {
  readonly rootSha256: string;
  readonly kek: string;
}

/**
 * Pins `root` and `vault` in `store` on first start; checks them against the pin after.
 *
 * @throws {TesseraError} ERR_KEYS_MISMATCH naming the root or KEK that differs;
 *   ERR_UNAVAILABLE when the store cannot be reached.
 * @example await checkReplicaKeys(store, root, vault);
 */
export async function checkReplicaKeys(store: Store, root: Pick<CaCredential, 'der'>, vault: KeyVault): Promise<void> {
  const mine: KeysPin = { rootSha256: createHash('sha256').update(root.der).digest('hex'), kek: vault.id };
  const stored = await store.get(PIN_KEY);
  if (!stored) {
    try {
      await store.write([{ type: 'put', key: PIN_KEY, value: encodeRecord(mine), expected: null }]);
      return;
    } catch (err) {
      // Lost the compare-and-set: a replica starting at the same moment pinned its keys; compare with those.
      if (isTesseraError(err)) throw err;
      return checkReplicaKeys(store, root, vault);
    }
  }
  const pinned = decodeRecord<KeysPin>(stored)!;
  if (pinned.rootSha256 !== mine.rootSha256) {
    throw new TesseraError('ERR_KEYS_MISMATCH', `this CA's root (keys/root-cert.pem, SHA-256 ${mine.rootSha256}) is not the root the store was made with ` +
      `(SHA-256 ${pinned.rootSha256}): copy keys/ from a running replica (docs/ha.md)`);
  }
  if (pinned.kek !== mine.kek) {
    throw new TesseraError('ERR_KEYS_MISMATCH', `this CA's key-encryption key (keys/kek, id ${mine.kek}) is not the one that seals the store's authority keys ` +
      `(id ${pinned.kek}): copy keys/kek from a running replica (docs/ha.md)`);
  }
}

/**
 * Checks that the keys folder `dir` holds every root the store's records name
 * (the roots root rotation added after the pinned first one), before anything
 * is read with them: a replica missing one, or given another, is refused.
 *
 * @throws {TesseraError} ERR_KEYS_MISMATCH naming the root; ERR_UNAVAILABLE when the store cannot be reached.
 * @example await checkRootFiles(store, keysDir);
 */
export async function checkRootFiles(store: Store, dir: string): Promise<void> {
  const { records } = await readAuthorityRecords(store);
  for (const record of records) if (record.kind === 'root') await loadRecordedRoot(dir, record);
}
