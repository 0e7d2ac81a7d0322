import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, calculateJwkThumbprint } from 'jose';
import { JWT_SVID_ALGORITHM, type StandardJwtSvidClaims } from '../../agent-sdk/jwt-svid.js';
import { writeAtomically } from './keys.js';

/**
 * One key that signs task tokens (JWT-SVIDs), kept in `<dataDir>/keys/<file>-key.pem`
 * (0600). Its public half goes into the trust bundle as a JWT authority, named by
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
   * Reads `<name>-key.pem` in `dir`; undefined when it does not exist.
   *
   * @throws whatever the file system or crypto throws for an unreadable key.
   * @example const jwt = await JwtAuthority.load(keysFolder, 'jwt');
   */
  static async load(dir: string, name: string): Promise<JwtAuthority | undefined> {
    try {
      return await JwtAuthority.#of(createPrivateKey(await readFile(join(dir, `${name}-key.pem`), 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Makes a new P-256 key and writes it as `<name>-key.pem` in `dir`.
   *
   * @example const jwt = await JwtAuthority.create(keysFolder, `jwt-${Date.now()}`);
   */
  static async create(dir: string, name: string): Promise<JwtAuthority> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeAtomically(join(dir, `${name}-key.pem`), privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 0o600);
    return JwtAuthority.#of(privateKey);
  }

  static async #of(privateKey: KeyObject): Promise<JwtAuthority> {
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
