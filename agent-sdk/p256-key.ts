import { type ECKeyPairKeyObjectOptions, type JsonWebKey, type KeyObject, createPrivateKey, generateKeyPairSync } from 'node:crypto';

type JwkEncoding = { type: 'spki' | 'pkcs8'; format: 'jwk' };
// Node returns JWKs for a JWK encoding; @types/node has no overload for it.
const generateJwkPair = generateKeyPairSync as unknown as (
  type: 'ec', options: ECKeyPairKeyObjectOptions & { publicKeyEncoding: JwkEncoding; privateKeyEncoding: JwkEncoding },
) => { publicKey: JsonWebKey; privateKey: JsonWebKey };

/**
 * A new ECDSA P-256 private key whose JWK can be exported safely on every Node
 * version we run on: make keys with this, not with `generateKeyPairSync`.
 *
 * Why: on Node 20, the KeyObjects that `generateKeyPairSync` returns share a
 * mutex with the generation job, and the garbage collector destroys that job
 * whenever it finds it unreachable. The job's destructor takes the mutex. A JWK
 * export holds the same mutex while it allocates its strings, so a collection
 * during the export waits on itself: the process hangs for good, every timer and
 * socket with it. A key imported from the generator's JWK has its own mutex and
 * no job. (Under forced collections, DER and PEM exports and signing never hung,
 * nor did anything on Node 22 and 24.) The import costs about 80 µs on Node 20.
 *
 * @example const csr = createCsr(generateP256Key());
 */
export function generateP256Key(): KeyObject {
  const { privateKey } = generateJwkPair('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'jwk' }, privateKeyEncoding: { type: 'pkcs8', format: 'jwk' } });
  return createPrivateKey({ key: privateKey, format: 'jwk' });
}
