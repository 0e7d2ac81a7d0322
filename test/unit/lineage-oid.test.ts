/**
 * The lineage extension's OID: derived from the UUID the documented way (a
 * GUID under Microsoft's 1.2.840.113556.1.8000.2554 arc), every arc small
 * enough for parsers that read arcs into machine integers (der-oid.test.ts
 * checks its encoding against openssl); readers accept the pre-0.2.0 2.25 OID during the transition.
 */
import { describe, expect, it } from 'vitest';
import { LEGACY_LINEAGE_OID, LINEAGE_OID, type Lineage, readLineageExtension } from '../../agent-sdk/lineage.js';
import { leafWithLineage } from '../helpers/lineage-leaf.js';
import { createRoot } from '../helpers/pki.js';

const GUID_ARC = '1.2.840.113556.1.8000.2554';
const lineage: Lineage = { orchestrator: 'host-1', task: 'task-1', sponsor: 'user-1', scopes: ['read:files'], hops: [] };

/** Microsoft's oidgen: aaaabbbb-cccc-dddd-eeee-ffffffgggggg -> <arc>.A.B.C.D.E.F.G, each group read as hexadecimal. */
function guidOid(guid: string): string {
  const hex = guid.replaceAll('-', '');
  const groups = [[0, 4], [4, 8], [8, 12], [12, 16], [16, 20], [20, 26], [26, 32]] as const;
  return [GUID_ARC, ...groups.map(([from, to]) => Number.parseInt(hex.slice(from, to), 16))].join('.');
}

const leafWith = async (...oids: string[]) => leafWithLineage(await createRoot(), lineage, oids);

describe('the lineage extension OID', () => {
  it('ok/derived from the same UUID as the 2.25 OID, every arc below 2^24', () => {
    const uuid = BigInt(LEGACY_LINEAGE_OID.slice('2.25.'.length)).toString(16).padStart(32, '0');
    const guid = `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`;
    expect(guid).toBe('a31c0398-7bd1-4d4f-9742-523a8cb806f1');
    expect(LINEAGE_OID).toBe(guidOid(guid));
    for (const arc of LINEAGE_OID.split('.')) expect(Number(arc)).toBeLessThan(2 ** 24);
  });

  it('ok/transition: a reader takes the lineage under either OID', async () => {
    expect(readLineageExtension(await leafWith(LINEAGE_OID))).toEqual(lineage);
    expect(readLineageExtension(await leafWith(LEGACY_LINEAGE_OID))).toEqual(lineage);
    expect(readLineageExtension(await leafWith())).toBeUndefined();
  });

  it('fail/both OIDs in one certificate: ERR_LINEAGE_INVALID', async () => {
    const both = await leafWith(LINEAGE_OID, LEGACY_LINEAGE_OID);
    expect(() => readLineageExtension(both)).toThrow(expect.objectContaining({ code: 'ERR_LINEAGE_INVALID', message: 'the certificate carries the lineage extension twice' }));
  });
});
