/**
 * The authorities' keys of a stopped CA, read from its level store and opened
 * with its keys/kek: what an attacker holds who stole both, and what tests
 * need to sign as the CA would (a forged leaf, a token with another header).
 */
import { join } from 'node:path';
import { KeyVault } from '../../ca/authority/key-vault.js';
import { type CaCredential, loadCredential } from '../../ca/authority/keys.js';
import { type KeyMaterial, readAuthorityRecords, readKeyMaterial } from '../../ca/authority/stored-authorities.js';
import { LevelStore } from '../../ca/store/level-store.js';

/** Every authority's key by id, and the root, of the CA on `dataDir` (which must be stopped: LevelDB is one process). */
export async function readStoredKeys(dataDir: string): Promise<{ root: CaCredential; keys: Map<string, KeyMaterial> }> {
  const dir = join(dataDir, 'keys');
  const store = await LevelStore.create(join(dataDir, 'store'));
  try {
    const root = (await loadCredential(dir, 'root'))!;
    const vault = await KeyVault.load(dir);
    const keys = new Map<string, KeyMaterial>();
    for (const record of (await readAuthorityRecords(store)).records.filter((r) => r.kind !== 'root')) {
      const { material } = (await readKeyMaterial(store, vault, dir, [root], record))!;
      keys.set(material.id, material);
    }
    return { root, keys };
  } finally {
    await store.close();
  }
}
