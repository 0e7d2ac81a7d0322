/**
 * Task tokens the gateway has verified, by their compact form: a returning
 * agent presents the same token on request after request, and its signature
 * and claims need checking once. Reused only for the very same token string,
 * on a connection with the very same peer certificate (the binding), against
 * the very same JWT bundle object (a changed bundle is a new object), until it
 * expires; the caller still checks scopes and revocation on every request.
 * Least recently used first out.
 */
import type { Clock } from '../agent-sdk/clock.js';
import type { JwtBundle, JwtBundleSource } from '../agent-sdk/jwt-bundle.js';
import type { JwtSvid } from '../agent-sdk/jwt-svid.js';

const MAX_ENTRIES = 4096;

export class VerifiedTokens {
  readonly #entries = new Map<string, { token: JwtSvid; leafDer: Buffer; bundle: JwtBundle | undefined }>();

  /** The verified token for `compact` presented by `leafDer`, when it may be reused now. Never throws. */
  get(compact: string, leafDer: Buffer, bundles: JwtBundleSource, clock: Clock): JwtSvid | undefined {
    const entry = this.#entries.get(compact);
    if (!entry) return undefined;
    if (clock.now() >= entry.token.expiresAtMs || !entry.leafDer.equals(leafDer)
      || bundles.getJwtBundleForTrustDomain(entry.token.id.trustDomain) !== entry.bundle) {
      this.#entries.delete(compact);
      return undefined;
    }
    this.#entries.delete(compact);
    this.#entries.set(compact, entry);
    return entry.token;
  }

  /** Remembers a token that validateJwtSvid accepted on a connection with `leafDer`. */
  remember(token: JwtSvid, leafDer: Buffer, bundles: JwtBundleSource): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token.token, { token, leafDer, bundle: bundles.getJwtBundleForTrustDomain(token.id.trustDomain) });
  }
}
