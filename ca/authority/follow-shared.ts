/**
 * Keeps a replica's authorities in step with a database other replicas write:
 * on each wake-up (a commit to the authorities table anywhere, or a
 * reconnection after which notices may have been lost) it reads them again,
 * so a prepare, activation, taint or revocation made on any replica is in
 * force here too: signing, the bundle pushed to agents, the server SVID.
 */
import type { SharedStore } from '../store/store.js';
import { readOnWake } from '../store/read-on-wake.js';
import type { Authorities } from './authorities.js';
import { AUTHORITY_PREFIX } from './stored-authorities.js';

/**
 * Starts following; returns the stop function. `onFailed` gets read failures
 * (the database away, a key that does not open): the next wake-up retries.
 *
 * @example const stop = followSharedAuthorities(store, authorities, (err) => log.error({ err }, '...'));
 */
export function followSharedAuthorities(store: SharedStore, authorities: Authorities, onFailed: (err: unknown) => void): () => void {
  return store.watch(AUTHORITY_PREFIX, readOnWake(() => authorities.refresh(), onFailed));
}
