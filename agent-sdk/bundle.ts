import { X509Certificate } from 'node:crypto';
import { parseTrustDomain } from './spiffe-id.js';

/**
 * The X.509 authorities (root certificates) of one trust domain: an SVID of that
 * trust domain is valid only if it chains to one of them.
 */
export class X509Bundle {
  readonly trustDomain: string;
  /** DER root certificates. */
  readonly authorities: readonly Buffer[];
  /** Increases when the authorities change; 0 when unknown. */
  readonly sequenceNumber: number;
  #parsed: X509Certificate[] | undefined;

  /**
   * @throws {SpiffeIdError} for a bad trust domain name.
   * @example new X509Bundle('tessera.local', [rootDer])
   */
  constructor(trustDomain: string, authorities: readonly Uint8Array[], sequenceNumber = 0) {
    this.trustDomain = parseTrustDomain(trustDomain);
    this.authorities = authorities.map((a) => Buffer.from(a));
    this.sequenceNumber = sequenceNumber;
  }

  /** The authorities as Node certificates, parsed once. */
  get certificates(): X509Certificate[] {
    this.#parsed ??= this.authorities.map((der) => new X509Certificate(der));
    return this.#parsed;
  }

  /** The authorities as one PEM string, as node:tls's `ca` option takes them. */
  toPem(): string {
    return this.certificates.map((c) => c.toString()).join('');
  }
}

/** Anything that can hand out the bundle of a trust domain; a plain object satisfies it. */
export interface X509BundleSource {
  /** The bundle for `trustDomain`, or undefined when this source has none. Never blocks. */
  getX509BundleForTrustDomain(trustDomain: string): X509Bundle | undefined;
}
