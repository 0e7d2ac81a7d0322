import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DerError, TAG, contentOf, decodeOid, oid, readOnly } from '../../agent-sdk/der.js';
import { LINEAGE_OID } from '../../agent-sdk/lineage.js';

const roundTrip = (dotted: string) => {
  const der = oid(dotted);
  return decodeOid(contentOf(der, readOnly(der, TAG.OID)));
};

describe('DER object identifiers', () => {
  it('ok/small and 128-bit arcs round-trip, and encode as openssl does', () => {
    const uuidArc = '2.25.216809620553209462374846218979358803697';
    for (const dotted of ['1.2.840.10045.4.3.2', '2.5.29.17', '0.9.2342.19200300.100.1.1', '2.999.3', uuidArc, LINEAGE_OID, '2.25.9007199254740993', '1.3.6.1.4.1.311.21.20']) {
      expect(roundTrip(dotted)).toBe(dotted);
    }
    const dir = mkdtempSync(join(tmpdir(), 'tessera-oid-'));
    try {
      // The lineage extension's OID, and the 2.25 one readers still accept.
      for (const dotted of [uuidArc, LINEAGE_OID]) {
        execFileSync('openssl', ['asn1parse', '-genstr', `OID:${dotted}`, '-out', join(dir, 'oid.der'), '-noout']);
        expect(oid(dotted).equals(readFileSync(join(dir, 'oid.der')))).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fail/non-minimal, truncated or oversized arcs', () => {
    for (const hex of ['2a8000', '2a86', '', `2a${'ff'.repeat(20)}01`]) {
      expect(() => decodeOid(Buffer.from(hex, 'hex'))).toThrow(DerError);
    }
  });
});
