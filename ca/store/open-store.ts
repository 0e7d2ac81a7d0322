import { join } from 'node:path';
import type { Store } from './store.js';

/**
 * The store `config.store` names: PostgreSQL for a postgresql:// URL (shared
 * by replicas), else the embedded level store in `<dataDir>/store`. Each
 * driver is loaded only when it is the one named, so neither a CA on level nor
 * a `tessera` command that never opens a store pays for loading pg.
 *
 * @throws {TesseraError} ERR_UNAVAILABLE when the database cannot be reached.
 * @example const store = await openStore({ dataDir, store: '' });
 */
export async function openStore(config: { dataDir: string; store: string }): Promise<Store> {
  if (config.store) return (await import('./postgres-store.js')).PostgresStore.create(config.store);
  return (await import('./level-store.js')).LevelStore.create(join(config.dataDir, 'store'));
}
