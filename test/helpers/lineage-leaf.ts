import 'reflect-metadata';
import type { KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { TAG, bytesOf, children, explicit, oid, readOnly, sequence } from '../../agent-sdk/der.js';
import { LEGACY_LINEAGE_OID, type Lineage, encodeLineage } from '../../agent-sdk/lineage.js';
import { signCertificate } from '../../ca/authority/template.js';
import { type TestCert, createLeaf } from './pki.js';

// asn1js (under @peculiar/x509) cannot encode the legacy OID's 128-bit arc: a leaf is made with
// this unused OID in its place, which is then renamed.
const STAND_IN = '1.3.6.1.4.1.32473.12';
const EXTENSIONS = 0xa3; // [3] EXPLICIT, constructed

/**
 * The certificate `certificateDer` with every extension under `from` moved
 * to `to`, the rest unchanged, re-signed (ECDSA P-256/SHA-256) with `issuerKey`.
 *
 * @example const old = renameExtension(svid.certificates[0], LINEAGE_OID, LEGACY_LINEAGE_OID, intermediateKey);
 */
export function renameExtension(certificateDer: Uint8Array, from: string, to: string, issuerKey: KeyObject): Buffer {
  const der = Buffer.from(certificateDer);
  const [tbs] = children(der, readOnly(der, TAG.SEQUENCE));
  const fromDer = oid(from);
  const fields = children(der, tbs!).map((field) => {
    if (field.tag !== EXTENSIONS) return bytesOf(der, field);
    const extensions = children(der, children(der, field)[0]!).map((extension) => {
      const [id, ...rest] = children(der, extension);
      return bytesOf(der, id!).equals(fromDer) ? sequence(oid(to), ...rest.map((part) => bytesOf(der, part))) : bytesOf(der, extension);
    });
    return explicit(3, sequence(...extensions));
  });
  return signCertificate(sequence(...fields), issuerKey);
}

/**
 * A P-256 leaf under `parent` for spiffe://tessera.local/agent/host-1/task-1/a
 * carrying `lineage` under each of `oids` (LEGACY_LINEAGE_OID included), validly signed.
 */
export async function leafWithLineage(parent: TestCert, lineage: Lineage, oids: readonly string[]): Promise<Buffer> {
  const value = encodeLineage(lineage);
  const extensions = oids.map((id) => new x509.Extension(id === LEGACY_LINEAGE_OID ? STAND_IN : id, false, value));
  const leaf = await createLeaf(parent, { uris: ['spiffe://tessera.local/agent/host-1/task-1/a'], extensions });
  return renameExtension(leaf.der, STAND_IN, LEGACY_LINEAGE_OID, parent.privateKey);
}
