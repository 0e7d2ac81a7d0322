/**
 * The certification request for the next intermediate when the operator's
 * offline root or an upstream CA signs it: the key is made and kept on the CA
 * host (sealed in the store as the pending key), only this request leaves.
 */
import { type KeyObject, sign } from 'node:crypto';
import { OID, subjectPublicKeyInfoOf } from '../../agent-sdk/certificate.js';
import { bitString, explicit, oid, sequence, set, smallInteger } from '../../agent-sdk/der.js';
import { pemOf } from '../../agent-sdk/tls-material.js';
import { caExtensions, distinguishedName, keyIdentifier } from './template.js';

// PKCS#9 extensionRequest (RFC 2986 4.1, RFC 2985 5.4.2): the extensions asked for.
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/**
 * A PEM PKCS#10 request (RFC 2986) for `privateKey` (EC P-256), with the
 * subject Tessera gives its intermediates (naming the key, so successive ones
 * never share a name) and asking for what a Tessera intermediate carries:
 * cA with pathlen 0, keyCertSign and cRLSign, its key identifier and the trust
 * domain's SPIFFE ID. An issuer that copies the requested extensions
 * (`openssl x509 -req -copy_extensions copyall`) makes a fitting intermediate;
 * `authority x509 prepare --cert` checks whatever it made.
 *
 * @example const pem = intermediateCsr(key, 'tessera.local');
 */
export function intermediateCsr(privateKey: KeyObject, trustDomain: string): string {
  const spki = subjectPublicKeyInfoOf(privateKey);
  const subject = distinguishedName(`Tessera intermediate CA ${trustDomain} ${keyIdentifier(spki).toString('hex').slice(0, 16)}`);
  const extensions = caExtensions({ subjectPublicKeyInfo: spki, trustDomainId: `spiffe://${trustDomain}`, pathLength: 0 });
  const attributes = explicit(0, sequence(oid(EXTENSION_REQUEST), set(sequence(...extensions))));
  // attributes [0] IMPLICIT SET OF Attribute: the context tag stands in for the SET's.
  const info = sequence(smallInteger(0), subject, spki, attributes);
  const signature = sign('sha256', info, { key: privateKey, dsaEncoding: 'der' });
  return pemOf(sequence(info, sequence(oid(OID.ecdsaWithSha256)), bitString(signature)), 'CERTIFICATE REQUEST');
}
