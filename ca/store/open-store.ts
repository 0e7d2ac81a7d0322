import { join } from 'node:path';
import { LevelStore } from './level-store.js';
import { PostgresStore } from './postgres-store.js';
import type { Store } from './store.js';

/**
 * The store `config.store` names: PostgreSQL for a postgresql:// URL (shared
 * by replicas), else the embedded level store in `<dataDir>/store`.
 *
 * @throws {TesseraError} ERR_UNAVAILABLE when the database cannot be reached.
 * @example const store = await openStore({ dataDir, store: '' });
 */
export function openStore(config: { dataDir: string; store: string }): Promise<Store> {
  return config.store ? PostgresStore.create(config.store) : LevelStore.create(join(config.dataDir, 'store'));
}
