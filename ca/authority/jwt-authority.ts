import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, calculateJwkThumbprint } from 'jose';
import { JwtBundle } from '../../agent-sdk/jwt-bundle.js';
import { JWT_SVID_ALGORITHM, type JwtSvidClaims } from '../../agent-sdk/jwt-svid.js';
import { writeAtomically } from './keys.js';

/**
 * The key that signs task tokens (JWT-SVIDs), kept beside the X.509 CA keys
 * in `<dataDir>/keys/jwt-key.pem` (0600). Its public half goes into the trust
 * bundle as a JWT authority, named by its RFC 7638 thumbprint (`kid`).
 */
export class JwtAuthority {
  readonly keyId: string;
  readonly bundle: JwtBundle;
  readonly #privateKey: KeyObject;

  private constructor(trustDomain: string, privateKey: KeyObject, keyId: string) {
    this.#privateKey = privateKey;
    this.keyId = keyId;
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    this.bundle = new JwtBundle(trustDomain, [{ keyId, publicKey: spki }], 1);
  }

  /**
   * Loads the JWT signing key from `<dataDir>/keys`, or makes one (P-256) on first start.
   *
   * @throws whatever the file system or crypto throws for an unreadable key.
   * @example const jwt = await JwtAuthority.loadOrCreate({ dataDir, trustDomain: 'tessera.local' });
   */
  static async loadOrCreate(params: { dataDir: string; trustDomain: string }): Promise<JwtAuthority> {
    const dir = join(params.dataDir, 'keys');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const path = join(dir, 'jwt-key.pem');
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(await readFile(path, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      await writeAtomically(path, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 0o600);
    }
    const keyId = await calculateJwkThumbprint(createPublicKey(privateKey).export({ format: 'jwk' }) as Parameters<typeof calculateJwkThumbprint>[0]);
    return new JwtAuthority(params.trustDomain, privateKey, keyId);
  }

  /**
   * Signs task token claims as a compact JWS with only alg (ES256), kid and
   * typ in the protected header (JWT-SVID 2). The caller decides the claims.
   *
   * @example const token = await jwt.sign({ iss, sub, aud, exp, iat, jti, ... });
   */
  sign(claims: JwtSvidClaims): Promise<string> {
    return new SignJWT({ ...claims } as unknown as Record<string, unknown>)
      .setProtectedHeader({ alg: JWT_SVID_ALGORITHM, kid: this.keyId, typ: 'JWT' })
      .sign(this.#privateKey);
  }
}
