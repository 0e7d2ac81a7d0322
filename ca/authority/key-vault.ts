/**
 * The key-encryption key (KEK) that seals the authorities' private keys in the
 * store: AES-256-GCM (Web Crypto), a fresh 96-bit IV for every seal, and the
 * authority's name as additional data, so a sealed key copied onto another
 * authority's entry does not open. Every replica holds the same KEK as the
 * file `<dataDir>/keys/kek` (base64 of 32 random bytes, 0600), made beside the
 * root and copied with it (docs/ha.md); the database holds only sealed keys,
 * so the database alone never yields a signing key.
 */
import { createHmac, randomBytes, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from '../../agent-sdk/errors.js';
import { writeAtomically } from './keys.js';

/** The KEK's file name in the keys folder. */
export const KEK_FILE = 'kek';
const KEK_BYTES = 32;
const IV_BYTES = 12;
const KEK_TEXT = /^[A-Za-z0-9+/]{43}=$/;

/** A private key sealed by a KeyVault, as the store keeps it (base64 fields). */
export interface SealedKey {
  /** The id of the KEK that sealed it (KeyVault.id). */
  readonly kek: string;
  readonly iv: string;
  /** AES-GCM ciphertext with its 16-byte tag appended. */
  readonly ciphertext: string;
}

export class KeyVault {
  /**
   * Names the KEK without revealing it (an HMAC under the KEK): stored with
   * every sealed key and in the replica pin, so a mismatch is reported as one.
   */
  readonly id: string;
  readonly #key: webcrypto.CryptoKey;

  private constructor(id: string, key: webcrypto.CryptoKey) {
    this.id = id;
    this.#key = key;
  }

  /**
   * The KEK in `keysDir`, or undefined when there is none (offline tools make nothing).
   *
   * @throws {TesseraError} ERR_CONFIG_INVALID when the file is not a KEK.
   * @example const vault = await KeyVault.load('/var/lib/tessera/keys');
   */
  static async load(keysDir: string): Promise<KeyVault | undefined> {
    const path = join(keysDir, KEK_FILE);
    let text: string;
    try {
      text = (await readFile(path, 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    if (!KEK_TEXT.test(text)) throw new TesseraError('ERR_CONFIG_INVALID', `${path} is not a key-encryption key (base64 of ${KEK_BYTES} bytes)`);
    return KeyVault.#of(Buffer.from(text, 'base64'));
  }

  /**
   * The KEK in `keysDir`, made (32 random bytes, 0600) when missing.
   *
   * @throws {TesseraError} ERR_CONFIG_INVALID when the file is not a KEK.
   * @example const vault = await KeyVault.loadOrCreate(await keysDir(dataDir));
   */
  static async loadOrCreate(keysDir: string): Promise<KeyVault> {
    const existing = await KeyVault.load(keysDir);
    if (existing) return existing;
    const kek = randomBytes(KEK_BYTES);
    await writeAtomically(join(keysDir, KEK_FILE), `${kek.toString('base64')}\n`, 0o600);
    return KeyVault.#of(kek);
  }

  static async #of(kek: Buffer): Promise<KeyVault> {
    const id = createHmac('sha256', kek).update('tessera key-encryption key id').digest('hex').slice(0, 16);
    const key = await webcrypto.subtle.importKey('raw', kek, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    return new KeyVault(id, key);
  }

  /**
   * Seals `plaintext` for the entry named `label` (the authority's name).
   *
   * @example const sealed = await vault.seal('x509/4f1c...', pkcs8);
   */
  async seal(label: string, plaintext: Uint8Array): Promise<SealedKey> {
    const iv = randomBytes(IV_BYTES);
    const ciphertext = await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(label) }, this.#key, plaintext);
    return { kek: this.id, iv: iv.toString('base64'), ciphertext: Buffer.from(ciphertext).toString('base64') };
  }

  /**
   * Opens what `seal` sealed for `label`.
   *
   * @throws {TesseraError} ERR_KEYS_MISMATCH when another KEK sealed it;
   *   ERR_CONFIG_INVALID when it does not open (altered, or sealed for another label).
   * @example const pkcs8 = await vault.open('x509/4f1c...', sealed);
   */
  async open(label: string, sealed: SealedKey): Promise<Buffer> {
    if (sealed.kek !== this.id) {
      throw new TesseraError('ERR_KEYS_MISMATCH', `the key of authority ${label} is sealed with key-encryption key ${sealed.kek}, this CA holds ${this.id}: copy keys/kek from a running replica`);
    }
    try {
      const iv = Buffer.from(sealed.iv, 'base64');
      return Buffer.from(await webcrypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: additionalData(label) }, this.#key, Buffer.from(sealed.ciphertext, 'base64'),
      ));
    } catch (err) {
      throw new TesseraError('ERR_CONFIG_INVALID', `the sealed key of authority ${label} does not open: it was altered or belongs to another authority`, { cause: err });
    }
  }
}

function additionalData(label: string): Buffer {
  return Buffer.from(`tessera authority key\0${label}`, 'utf8');
}
