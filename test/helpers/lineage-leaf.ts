import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { oid } from '../../agent-sdk/der.js';
import { LEGACY_LINEAGE_OID, type Lineage, encodeLineage } from '../../agent-sdk/lineage.js';
import { type TestCert, createLeaf } from './pki.js';

// asn1js (under @peculiar/x509) cannot encode the legacy OID's 128-bit arc: the leaf is made with
// this stand-in of the same encoded length, whose bytes are then replaced.
const STAND_IN = ['1', '2', ...Array.from({ length: 19 }, (_, i) => String(i + 3))].join('.');

/**
 * A leaf under `parent` for spiffe://tessera.local/agent/host-1/task-1/a carrying `lineage` under
 * each of `oids`. With LEGACY_LINEAGE_OID among them, its bytes are patched after signing, so its
 * signature no longer verifies: such a leaf is for readers that parse, not for chain checks.
 */
export async function leafWithLineage(parent: TestCert, lineage: Lineage, oids: readonly string[]): Promise<Buffer> {
  const value = encodeLineage(lineage);
  const extensions = oids.map((id) => new x509.Extension(id === LEGACY_LINEAGE_OID ? STAND_IN : id, false, value));
  const der = Buffer.from((await createLeaf(parent, { uris: ['spiffe://tessera.local/agent/host-1/task-1/a'], extensions })).der);
  if (oids.includes(LEGACY_LINEAGE_OID)) {
    const [standIn, legacy] = [oid(STAND_IN), oid(LEGACY_LINEAGE_OID)];
    if (standIn.length !== legacy.length) throw new Error('the stand-in OID must encode to the legacy OID\'s length');
    legacy.copy(der, der.indexOf(standIn));
  }
  return der;
}
