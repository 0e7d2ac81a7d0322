import { X509Certificate } from 'node:crypto';
import { TesseraError } from './errors.js';
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
  /**
   * Public keys (DER SubjectPublicKeyInfo) of intermediates the trust domain
   * revoked: no chain through a certificate with one of these keys, or a leaf
   * signed by one, is valid, though it chains to a root in `authorities`.
   */
  readonly revokedAuthorities: readonly Buffer[];
  /** Public keys of intermediates the trust domain tainted: an SVID one of them signed is renewed now. */
  readonly taintedAuthorities: readonly Buffer[];
  #parsed: X509Certificate[] | undefined;

  /**
   * @throws {SpiffeIdError} for a bad trust domain name.
   * @example new X509Bundle('tessera.local', [rootDer])
   */
  constructor(
    trustDomain: string, authorities: readonly Uint8Array[], sequenceNumber = 0,
    lifecycle: { revoked?: readonly Uint8Array[]; tainted?: readonly Uint8Array[] } = {},
  ) {
    this.trustDomain = parseTrustDomain(trustDomain);
    this.authorities = authorities.map((a) => Buffer.from(a));
    this.sequenceNumber = sequenceNumber;
    this.revokedAuthorities = (lifecycle.revoked ?? []).map((a) => Buffer.from(a));
    this.taintedAuthorities = (lifecycle.tainted ?? []).map((a) => Buffer.from(a));
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

/**
 * The DER certificates in PEM text, in order.
 *
 * @throws {TesseraError} ERR_BUNDLE_INVALID when there is none or one does not parse.
 * @example const roots = certificatesFromPem(readFileSync('bundle.pem', 'utf8'));
 */
export function certificatesFromPem(pem: string): Buffer[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new TesseraError('ERR_BUNDLE_INVALID', 'no certificate in the PEM text');
  try {
    return blocks.map((block) => new X509Certificate(block).raw);
  } catch (err) {
    throw new TesseraError('ERR_BUNDLE_INVALID', 'a certificate in the PEM text does not parse', { cause: err });
  }
}
