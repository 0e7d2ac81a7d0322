/**
 * Closing what a grpc-js server accepted from a peer whose leaf a revoked
 * authority signed. grpc-js shows the server only the leaf, so the check is
 * checkLeafIssuer's; this runs it again on every open connection and call
 * whenever the bundle changes or the revocation feed revokes an authority.
 */
import type { X509BundleSource } from './bundle.js';
import type { TesseraError } from './errors.js';
import { type RevocationEntry, type RevocationList, isAuthorityEntry } from './revocation-list.js';
import { checkLeafIssuer, withRevokedAuthoritiesOf } from './revoked-authority.js';
import { watchSources } from './source.js';
import { asPeerFailure } from './tls-material.js';

interface Watched {
  readonly trustDomain: string;
  readonly leaf: Uint8Array;
  readonly close: (error: TesseraError) => void;
}

/**
 * The open leaves of one server, each closed (once) when a bundle from
 * `bundles` or an entry of `revocations` revokes the authority that signed it.
 * Listens to its sources only while it watches something.
 */
export class RevokedIssuerWatch {
  readonly #bundles: X509BundleSource;
  readonly #revocations: RevocationList | undefined;
  readonly #watched = new Set<Watched>();
  #stop: (() => void) | undefined;

  constructor(bundles: X509BundleSource, revocations: RevocationList | undefined) {
    this.#bundles = bundles;
    this.#revocations = revocations;
  }

  /**
   * Calls `close` when the authority that signed `leaf` (of `trustDomain`) is
   * revoked. Returns the function that stops watching it. Never throws.
   *
   * @example const untrack = watch.track(td, leafDer, () => socket.destroy());
   */
  track(trustDomain: string, leaf: Uint8Array, close: (error: TesseraError) => void): () => void {
    const watched: Watched = { trustDomain, leaf, close };
    this.#watched.add(watched);
    this.#start();
    return () => {
      this.#watched.delete(watched);
      if (this.#watched.size === 0) this.#halt();
    };
  }

  #start(): void {
    if (this.#stop) return;
    const onRevoked = (entry: RevocationEntry) => {
      if (isAuthorityEntry(entry)) this.#recheck();
    };
    const unwatch = watchSources([this.#bundles], () => this.#recheck());
    this.#revocations?.on('revoked', onRevoked);
    this.#stop = () => {
      unwatch();
      this.#revocations?.off('revoked', onRevoked);
    };
  }

  #halt(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  #recheck(): void {
    const bundles = withRevokedAuthoritiesOf(this.#bundles, this.#revocations);
    for (const watched of [...this.#watched]) {
      const bundle = bundles.getX509BundleForTrustDomain(watched.trustDomain);
      try {
        if (bundle) checkLeafIssuer(bundle, watched.leaf);
      } catch (err) {
        this.#watched.delete(watched);
        watched.close(asPeerFailure(err));
      }
    }
    if (this.#watched.size === 0) this.#halt();
  }
}
