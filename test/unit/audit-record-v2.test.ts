import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, encodeRecord, hashRecord, parseRecord, sealRecord, toAuditEvent } from '../../ca/audit/record.js';

const base = { seq: 1, timeMs: 1_700_000_000_000, prevHash: GENESIS_HASH };

describe('audit record fields added after v1 (address, count)', () => {
  it('ok/a record without them hashes exactly as v1 did, so old logs still verify', () => {
    const r = sealRecord({ ...base, event: { operation: 'renew', caller: 'spiffe://tessera.local/agent/o/t/i' }, outcome: 'denied', reason: 'ERR_REVOKED' });
    const v1 = [r.prevHash, r.seq, r.timeMs, r.outcome, r.reason, r.operation, r.caller, null, null, null, null, null, null, null, null];
    expect(r.hash).toBe(createHash('sha256').update(`tessera-audit-record-v1\n${JSON.stringify(v1)}`).digest('hex'));
  });

  it('ok/a rate-limit summary round-trips through its stored form with its hash intact', () => {
    const r = sealRecord({ ...base, event: { operation: 'activate', address: '192.0.2.7', count: 41 }, outcome: 'denied', reason: 'ERR_RATE_LIMITED' });
    const back = parseRecord(encodeRecord(r));
    expect(back).toEqual(r);
    expect(hashRecord(back)).toBe(r.hash);
  });

  it('fail/removing or changing the count or the address changes the hash', () => {
    const r = sealRecord({ ...base, event: { operation: 'activate', address: '192.0.2.7', count: 41 }, outcome: 'denied', reason: 'ERR_RATE_LIMITED' });
    const { count: _count, ...withoutCount } = r;
    const { address: _address, ...withoutAddress } = r;
    for (const edited of [withoutCount, withoutAddress, { ...r, count: 40 }, { ...r, address: '192.0.2.8' }]) {
      expect(hashRecord(edited)).not.toBe(r.hash);
    }
  });

  it('fail/a count that is not a positive integer is refused', () => {
    for (const count of [0, -1, 1.5, Number.NaN]) {
      expect(() => toAuditEvent({ operation: 'renew', count })).toThrow(TypeError);
    }
  });
});
