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
