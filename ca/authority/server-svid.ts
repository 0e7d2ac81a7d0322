import { EventEmitter } from 'node:events';
import type { X509Bundle, X509BundleSource } from '../../agent-sdk/bundle.js';
import { subjectPublicKeyInfoOf } from '../../agent-sdk/certificate.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import type { X509Svid, X509SvidSource } from '../../agent-sdk/svid.js';
import { caId } from '../../agent-sdk/tessera-id.js';
import type { Journal } from '../audit/journal.js';
import type { Authority } from './authority.js';

/**
 * The CA's own server SVID (`spiffe://<td>/tessera/ca`) as a source the gRPC
 * credentials follow: renewed when a new intermediate becomes active (so no
 * client ever sees the CA through an authority it was told to leave) and at
 * half its lifetime. Its key never leaves memory. Emits `'update'` on each new
 * SVID and bundle.
 */
export class CaServerSvid extends EventEmitter implements X509SvidSource, X509BundleSource {
  readonly #authority: Authority;
  readonly #journal: Journal;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  #svid!: X509Svid;
  #timer: NodeJS.Timeout | undefined;

  private constructor(authority: Authority, journal: Journal, clock: Clock, ttlMs: number) {
    super();
    this.#authority = authority;
    this.#journal = journal;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /**
   * Signs the first server SVID (audited) and schedules its renewal.
   *
   * @throws whatever signing or the journal throws.
   * @example const svid = await CaServerSvid.create({ authority, journal, clock, ttlMs: config.ttl.caServerMs });
   */
  static async create(params: { authority: Authority; journal: Journal; clock: Clock; ttlMs: number }): Promise<CaServerSvid> {
    const source = new CaServerSvid(params.authority, params.journal, params.clock, params.ttlMs);
    await source.renew();
    return source;
  }

  getX509Svid(): X509Svid {
    return this.#svid;
  }

  getX509BundleForTrustDomain(trustDomain: string): X509Bundle | undefined {
    return trustDomain === this.#authority.trustDomain ? this.#authority.bundle : undefined;
  }

  /** Signs a new server SVID with the active intermediate, audited; then emits `'update'`. */
  async renew(): Promise<void> {
    const privateKey = generateP256Key();
    const issued = this.#authority.signX509Svid({
      spiffeId: caId(this.#authority.trustDomain),
      subjectPublicKeyInfo: subjectPublicKeyInfoOf(privateKey),
      notAfterMs: this.#clock.now() + this.#ttlMs,
    });
    await this.#journal.record({ operation: 'ca.server_svid', subject: issued.spiffeId, serial: issued.serialHex }, 'allowed');
    this.#svid = { id: caId(this.#authority.trustDomain), certificates: issued.certificates, privateKey, notBeforeMs: issued.notBeforeMs, expiresAtMs: issued.notAfterMs };
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.renew().catch((err: unknown) => this.emit('updateFailed', err)), (issued.notAfterMs - this.#clock.now()) / 2);
    this.#timer.unref();
    this.emit('update');
  }

  /** The bundle changed: new connections get it. */
  bundleChanged(): void {
    this.emit('update');
  }

  close(): void {
    clearTimeout(this.#timer);
  }
}
