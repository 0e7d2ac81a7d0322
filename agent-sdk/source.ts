import { X509Bundle, type X509BundleSource } from './bundle.js';
import type { X509Svid, X509SvidSource } from './svid.js';

/**
 * A source that says when its content changed: `X509Source` is an EventEmitter
 * that emits `'update'` after each rotation or bundle change. The TLS and gRPC
 * helpers subscribe when a source has this shape and read it on each event; a
 * plain value without it simply never changes.
 */
export interface UpdatingSource {
  on(event: 'update', listener: () => void): unknown;
  off(event: 'update', listener: () => void): unknown;
}

/**
 * Whether `source` can notify about updates (has `on` and `off`).
 *
 * @example if (isUpdatingSource(source)) source.on('update', reload);
 */
export function isUpdatingSource(source: unknown): source is UpdatingSource {
  const s = source as Partial<UpdatingSource> | null;
  return typeof s === 'object' && s !== null && typeof s.on === 'function' && typeof s.off === 'function';
}

/**
 * Calls `listener` on every `'update'` of each distinct source given that can
 * notify; returns a function that unsubscribes from all of them. Sources that
 * cannot notify are skipped. Never throws.
 *
 * @example const stop = watchSources([svidSource, bundleSource], reload); ... stop();
 */
export function watchSources(sources: readonly unknown[], listener: () => void): () => void {
  const watched = [...new Set(sources)].filter(isUpdatingSource);
  for (const s of watched) s.on('update', listener);
  return () => {
    for (const s of watched) s.off('update', listener);
  };
}

/**
 * A source for fixed values: an SVID and the bundles of the trust domains to
 * trust. It never changes and never emits `'update'`.
 *
 * @throws {TypeError} when two bundles are for the same trust domain.
 * @example
 * const source = staticSource(svid, new X509Bundle('tessera.local', [rootDer]));
 * tls.connect({ host, port, ...mtlsClientOptions(source, source, authorizeAny()) });
 */
export function staticSource(svid: X509Svid, bundles: X509Bundle | readonly X509Bundle[]): X509SvidSource & X509BundleSource {
  const byTrustDomain = new Map<string, X509Bundle>();
  for (const bundle of bundles instanceof X509Bundle ? [bundles] : bundles) {
    if (byTrustDomain.has(bundle.trustDomain)) throw new TypeError(`two bundles for trust domain ${bundle.trustDomain}`);
    byTrustDomain.set(bundle.trustDomain, bundle);
  }
  return {
    getX509Svid: () => svid,
    getX509BundleForTrustDomain: (trustDomain) => byTrustDomain.get(trustDomain),
  };
}
