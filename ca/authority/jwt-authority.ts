import { type KeyObject, createPublicKey } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint } from 'jose';
import { JWT_SVID_ALGORITHM, type StandardJwtSvidClaims } from '../../agent-sdk/jwt-svid.js';

/**
 * One key that signs task tokens (JWT-SVIDs), sealed in the store
 * (ca/authority/stored-authorities.ts; a CA from before kept it in
 * `<dataDir>/keys/<file>-key.pem`). Its public half goes into the trust bundle as a JWT authority, named by
 * its RFC 7638 thumbprint (`kid`); ca/authority/authorities.ts decides which key signs.
 */
export class JwtAuthority {
  readonly keyId: string;
  /** The public key, DER SubjectPublicKeyInfo, as the bundle carries it. */
  readonly publicKey: Buffer;
  readonly #privateKey: KeyObject;

  private constructor(privateKey: KeyObject, keyId: string) {
    this.#privateKey = privateKey;
    this.keyId = keyId;
    this.publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  }

  /**
   * The authority of `privateKey` (a P-256 key), named by its thumbprint.
   *
   * @example const jwt = await JwtAuthority.fromPrivateKey(generateP256Key());
   */
  static async fromPrivateKey(privateKey: KeyObject): Promise<JwtAuthority> {
    const keyId = await calculateJwkThumbprint(createPublicKey(privateKey).export({ format: 'jwk' }) as Parameters<typeof calculateJwkThumbprint>[0]);
    return new JwtAuthority(privateKey, keyId);
  }

  /**
   * Signs JWT-SVID claims (a task token's, or a service's from `jwt mint`) as a
   * compact JWS with only alg (ES256), kid and typ in the protected header
   * (JWT-SVID 2). The caller decides the claims.
   *
   * @example const token = await jwt.sign({ iss, sub, aud, exp, iat, jti, ... });
   */
  sign(claims: StandardJwtSvidClaims): Promise<string> {
    return new SignJWT({ ...claims } as unknown as Record<string, unknown>)
      .setProtectedHeader({ alg: JWT_SVID_ALGORITHM, kid: this.keyId, typ: 'JWT' })
      .sign(this.#privateKey);
  }
}
