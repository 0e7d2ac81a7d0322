import { type KeyObject, sign } from 'node:crypto';
import { bitString, explicit, oid, sequence, smallInteger } from './der.js';
import { OID, subjectPublicKeyInfoOf } from './certificate.js';

/**
 * Makes a DER PKCS#10 certification request (RFC 2986) for an ECDSA P-256 key.
 * The CA takes only the public key from it, so the subject is empty and there are
 * no attributes: the request is just a signed proof that the caller holds the key.
 *
 * @example const csr = createCsr(generateP256Key());
 */
export function createCsr(privateKey: KeyObject): Buffer {
  const spki = subjectPublicKeyInfoOf(privateKey);
  const info = sequence(smallInteger(0), sequence(), spki, explicit(0));
  const signature = sign('sha256', info, { key: privateKey, dsaEncoding: 'der' });
  return sequence(info, sequence(oid(OID.ecdsaWithSha256)), bitString(signature));
}
