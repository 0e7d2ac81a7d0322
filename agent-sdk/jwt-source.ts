import { decodeJwt } from 'jose';
import type { CaClient } from './ca-client.js';
import { type Clock, systemClock } from './clock.js';
import { TesseraError } from './errors.js';
import { certificateThumbprint } from './jwt-svid.js';
import { parseScopes } from './scope.js';
import type { X509Svid } from './svid.js';

/** A task token as fetched, for the agent that presents it. */
export interface FetchedJwtSvid {
  /** The compact JWS; a bearer secret: never log it. */
  readonly token: string;
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly expiresAtMs: number;
  /** The x5t#S256 of the certificate it is bound to: present it only on connections made with that SVID. */
  readonly boundTo: string;
}

/** What fetching needs: the current SVID and a CA client that presents it. An X509Source is one. */
export interface JwtSvidFetcher {
  readonly caClient: CaClient;
  getX509Svid(): X509Svid;
}

interface Entry {
  readonly token: FetchedJwtSvid;
  readonly fetchedAtMs: number;
}

/**
 * Fetches task tokens for this agent and caches them per (certificate,
 * audience, scope set): a cached token is reused until `refreshAt` (default
 * half) of its lifetime has passed, then the next fetch mints a new one, so a
 * caller never gets one about to expire. Tokens are bound to the SVID the CA
 * connection presents, which is the current one: after a rotation the next
 * fetch mints for the new certificate. Concurrent fetches of one key share a call.
 *
 * @example
 * const tokens = new JwtSvidSource(source);
 * const { token } = await tokens.fetchJwtSvid({ audience: 'spiffe://tessera.local/service/search', scopes: ['search:query'] });
 */
export class JwtSvidSource {
  readonly #fetcher: JwtSvidFetcher;
  readonly #clock: Clock;
  readonly #refreshAt: number;
  readonly #cache = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<FetchedJwtSvid>>();

  constructor(fetcher: JwtSvidFetcher, options: { clock?: Clock; refreshAt?: number } = {}) {
    this.#fetcher = fetcher;
    this.#clock = options.clock ?? systemClock;
    this.#refreshAt = options.refreshAt ?? 0.5;
    if (!(this.#refreshAt > 0 && this.#refreshAt <= 1)) throw new TypeError('refreshAt must be in (0, 1]');
  }

  /**
   * A token for `audience` carrying `scopes` (a subset of the task scopes),
   * from the cache while it is fresh, else newly minted over mutual TLS.
   *
   * @throws {TesseraError} ERR_SCOPE_INVALID, ERR_SCOPE_NOT_GRANTED, ERR_INVALID_ARGUMENT, ERR_REVOKED, ERR_UNAVAILABLE.
   */
  async fetchJwtSvid(params: { audience: string; scopes?: readonly string[]; ttlMs?: number }): Promise<FetchedJwtSvid> {
    const scopes = parseScopes(params.scopes ?? []);
    const now = this.#clock.now();
    for (const [k, e] of this.#cache) if (e.token.expiresAtMs <= now) this.#cache.delete(k);
    const key = cacheKey(certificateThumbprint(this.#fetcher.getX509Svid().certificates[0]!), params.audience, scopes);
    const cached = this.#cache.get(key);
    if (cached && now < cached.fetchedAtMs + (cached.token.expiresAtMs - cached.fetchedAtMs) * this.#refreshAt) {
      return cached.token;
    }
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#mint(params.audience, scopes, params.ttlMs).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  /** Forgets every cached token. */
  clear(): void {
    this.#cache.clear();
  }

  async #mint(audience: string, scopes: readonly string[], ttlMs: number | undefined): Promise<FetchedJwtSvid> {
    const fetchedAtMs = this.#clock.now();
    const minted = await this.#fetcher.caClient.mintJwtSvid({ audience, scopes, ttlMs });
    // Cache under the certificate the CA actually bound it to (a rotation may have raced the call).
    const boundTo = (decodeJwt(minted.token).cnf as { 'x5t#S256'?: unknown } | undefined)?.['x5t#S256'];
    if (typeof boundTo !== 'string') throw new TesseraError('ERR_INTERNAL', 'the CA returned a token without a binding');
    const token: FetchedJwtSvid = { token: minted.token, audience, scopes, expiresAtMs: minted.expiresAtMs, boundTo };
    this.#cache.set(cacheKey(boundTo, audience, scopes), { token, fetchedAtMs });
    return token;
  }
}

function cacheKey(thumbprint: string, audience: string, scopes: readonly string[]): string {
  return `${thumbprint}\n${audience}\n${scopes.join(' ')}`;
}
