import { type JsonWebKey, type KeyObject, createPublicKey } from 'node:crypto';
import { isP256PublicKeyInfo } from './certificate.js';
import { TesseraError } from './errors.js';
import { parseTrustDomain } from './spiffe-id.js';

/** One JWT authority: a key id and the DER SubjectPublicKeyInfo of an ECDSA P-256 key. */
export interface JwtAuthority {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The keys that sign JWT-SVIDs of one trust domain (the JWT half of a SPIFFE
 * trust bundle). Only ECDSA P-256 keys are accepted: Tessera signs ES256 and
 * validators accept nothing else.
 */
export class JwtBundle {
  readonly trustDomain: string;
  /** Public keys by key id ("kid"). */
  readonly authorities: ReadonlyMap<string, KeyObject>;
  /** The same keys as given: key id and DER SubjectPublicKeyInfo (the wire form). */
  readonly entries: readonly JwtAuthority[];
  /** Increases when the authorities change; 0 when unknown. */
  readonly sequenceNumber: number;

  /**
   * @throws {TesseraError} `ERR_BUNDLE_INVALID` for a key that is not P-256, a
   *   malformed or repeated key id; {SpiffeIdError} for a bad trust domain.
   * @example new JwtBundle('tessera.local', [{ keyId, publicKey: spkiDer }])
   */
  constructor(trustDomain: string, authorities: readonly JwtAuthority[], sequenceNumber = 0) {
    this.trustDomain = parseTrustDomain(trustDomain);
    const keys = new Map<string, KeyObject>();
    for (const { keyId, publicKey } of authorities) {
      if (!KEY_ID.test(keyId) || keys.has(keyId)) throw new TesseraError('ERR_BUNDLE_INVALID', 'a JWT authority has a malformed or repeated key id');
      if (!isP256PublicKeyInfo(publicKey)) throw new TesseraError('ERR_BUNDLE_INVALID', 'a JWT authority is not an ECDSA P-256 key');
      keys.set(keyId, createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }));
    }
    this.authorities = keys;
    this.entries = authorities.map(({ keyId, publicKey }) => ({ keyId, publicKey: Buffer.from(publicKey) }));
    this.sequenceNumber = sequenceNumber;
  }

  /** The key with id `keyId`, or undefined. Never throws. */
  findKey(keyId: string): KeyObject | undefined {
    return this.authorities.get(keyId);
  }

  /**
   * The authorities as a JWK Set (RFC 7517), each key with `use: "jwt-svid"`
   * as in a SPIFFE bundle, for tools that take JWKS.
   *
   * @example JSON.stringify(source.getJwtBundleForTrustDomain('tessera.local')!.toJwks())
   */
  toJwks(): { keys: JsonWebKey[] } {
    return {
      keys: [...this.authorities].map(([kid, key]) => ({ ...key.export({ format: 'jwk' }), kid, use: 'jwt-svid', alg: 'ES256' })),
    };
  }
}

/** Anything that can hand out the JWT bundle of a trust domain; a plain object satisfies it. */
export interface JwtBundleSource {
  /** The JWT bundle for `trustDomain`, or undefined when this source has none. Never blocks. */
  getJwtBundleForTrustDomain(trustDomain: string): JwtBundle | undefined;
}
