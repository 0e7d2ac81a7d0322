import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../agent-sdk/errors.js';
import type { AuditEvent } from '../../ca/audit/record.js';
import { DEFAULTS, validateConfig } from '../../ca/config.js';
import { BurstAudit } from '../../ca/limits/burst-audit.js';
import { addressKeyOf } from '../../ca/limits/peer-address.js';
import { RateLimiter } from '../../ca/limits/rate-limiter.js';

describe('RateLimiter', () => {
  it('ok/a burst at once, then the refill rate; keys are independent', () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, 100);
    expect([1, 2, 3, 4].map(() => limiter.take('a', 0))).toEqual([true, true, true, false]);
    expect(limiter.take('b', 0)).toBe(true);
    expect(limiter.waitMs('a', 0)).toBe(500);
    expect(limiter.take('a', 499)).toBe(false);
    expect(limiter.take('a', 500)).toBe(true);
    // Idle for long: never more than the burst.
    expect([1, 2, 3, 4].map(() => limiter.take('a', 3_600_000))).toEqual([true, true, true, false]);
  });

  it('fail/a clock that steps back refills nothing, and catching up does not refill twice', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, 100);
    expect(limiter.take('a', 10_000)).toBe(true);
    expect(limiter.take('a', 0)).toBe(false);
    expect(limiter.take('a', 10_999)).toBe(false);
    expect(limiter.take('a', 11_000)).toBe(true);
  });

  it('ok/remembers at most maxKeys, forgetting the least recently used (which only gives it a full bucket)', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('a', 0); // a is now the most recent
    limiter.take('c', 0); // forgets b
    expect(limiter.size).toBe(2);
    expect(limiter.take('a', 0)).toBe(false);
    expect(limiter.take('b', 0)).toBe(true);
  });

  it('fail/a limit that is not positive is API misuse', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 }, 1)).toThrow(TypeError);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0.5 }, 1)).toThrow(TypeError);
  });
});

describe('BurstAudit', () => {
  const setup = (intervalMs = 1000) => {
    let now = 0;
    const written: Array<AuditEvent & { reason?: ErrorCode }> = [];
    const bursts = new BurstAudit({
      clock: { now: () => now }, intervalMs,
      journal: { record: async (event: AuditEvent, _outcome: string, reason?: ErrorCode) => void written.push({ ...event, reason }) },
    });
    return { bursts, written, at: (ms: number) => (now = ms) };
  };
  const event = { operation: 'renew', caller: 'spiffe://td/agent/o/t/i' };
  const total = (records: AuditEvent[]) => records.reduce((n, r) => n + (r.count ?? 1), 0);

  it('ok/one record when a burst starts, the count when it ends quietly (on the next admitted call or the sweep)', async () => {
    const { bursts, written, at } = setup();
    for (let ms = 0; ms < 5000; ms += 100) {
      at(ms);
      await bursts.refused('k', event, 'ERR_RATE_LIMITED');
    }
    // 50 refusals so far, 100 ms apart: one record, and the summaries due every interval.
    expect(written[0]).toEqual({ ...event, reason: 'ERR_RATE_LIMITED' });
    expect(written.length).toBeLessThanOrEqual(6);
    at(5500);
    const before = written.length;
    await bursts.admitted('k', 'renew', 'ERR_RATE_LIMITED');
    expect(written).toHaveLength(before); // not quiet long enough yet
    at(6000);
    await bursts.admitted('k', 'renew', 'ERR_RATE_LIMITED');
    expect(total(written)).toBe(50);
    expect(bursts.size).toBe(0);
    await bursts.close();
  });

  it('ok/a long burst reports at most once per interval; the sweep and close write what is left', async () => {
    const { bursts, written, at } = setup(1000);
    for (let ms = 0; ms < 10_000; ms += 10) {
      at(ms);
      await bursts.refused('k', event, 'ERR_RATE_LIMITED');
    }
    // 1000 refusals in 10 s: the first, then one summary per second.
    expect(written).toHaveLength(10);
    expect(written.slice(1).every((r) => r.count === 100 || r.count === 99)).toBe(true);
    at(10_000);
    await bursts.sweep();
    expect(written).toHaveLength(11);
    expect(total(written)).toBe(1000);
    await bursts.close();
    expect(total(written)).toBe(1000);
  });

  it('ok/the sweep timer ends the burst of a key that never calls again, and stops when no burst is left', async () => {
    const { bursts, written, at } = setup(50);
    for (let n = 0; n < 3; n++) await bursts.refused('gone', event, 'ERR_RATE_LIMITED');
    at(60);
    await expect.poll(() => bursts.size, { timeout: 2_000, interval: 20 }).toBe(0);
    expect(written.map((r) => r.count)).toEqual([undefined, 2]);
    await bursts.close();
  });

  it('ok/keys, operations and codes are separate bursts; a refusal after a quiet interval starts a new one', async () => {
    const { bursts, written, at } = setup();
    await bursts.refused('a', event, 'ERR_RATE_LIMITED');
    await bursts.refused('b', { ...event, caller: 'spiffe://td/agent/o/t/j' }, 'ERR_RATE_LIMITED');
    await bursts.refused('a', { operation: 'token.mint', caller: event.caller }, 'ERR_RATE_LIMITED');
    await bursts.refused('a', { operation: 'revocation.watch', caller: event.caller }, 'ERR_LIMIT_EXCEEDED');
    await bursts.refused('a', event, 'ERR_RATE_LIMITED');
    expect(written).toHaveLength(4);
    at(2000);
    await bursts.refused('a', event, 'ERR_RATE_LIMITED');
    // The old burst's count (1 more), then the new burst's first record.
    expect(written.slice(4)).toEqual([{ ...event, count: 1, reason: 'ERR_RATE_LIMITED' }, { ...event, reason: 'ERR_RATE_LIMITED' }]);
    await bursts.close();
    expect(total(written)).toBe(6);
  });
});

describe('addressKeyOf', () => {
  it('ok/IPv4 without its port, IPv4-mapped IPv6 as IPv4, IPv6 as its /64, anything else "unknown"', () => {
    expect(addressKeyOf('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(addressKeyOf('::ffff:10.1.2.3:80')).toBe('10.1.2.3');
    expect(addressKeyOf('::1:5000')).toBe('0:0:0:0::/64');
    expect(addressKeyOf('[2001:db8::7]:4431')).toBe('2001:db8:0:0::/64');
    expect(addressKeyOf('2001:db8:1:2:3:4:5:6:443')).toBe('2001:db8:1:2::/64');
    expect(addressKeyOf('2001:db8:1:2:ffff:4:5:6:443')).toBe(addressKeyOf('2001:db8:1:2::9:443'));
    expect(addressKeyOf('fe80::1%eth0:22')).toBe('fe80:0:0:0::/64');
    for (const peer of ['unknown', 'garbage:12', '', 'unix:/tmp/x']) expect(addressKeyOf(peer)).toBe('unknown');
  });
});

describe('limits in the configuration', () => {
  it('ok/defaults, "off", and every problem reported at once', () => {
    const config = validateConfig({ dataDir: '/tmp/x' });
    expect(config.rateLimits).toEqual(DEFAULTS.rateLimits);
    expect(config.limits.maxMessageBytes).toBe(256 * 1024);
    expect(validateConfig({ dataDir: '/tmp/x', rateLimits: { renew: 'off', token: { perSecond: 0.5, burst: 3 } } }).rateLimits)
      .toMatchObject({ renew: null, token: { perSecond: 0.5, burst: 3 } });
    let message = '';
    try {
      validateConfig({
        dataDir: '/tmp/x',
        limits: { maxMessageBytes: 1024, maxCsrBytes: 'big', maxConcurrentStreams: 0, attestationTimeout: '1x' },
        rateLimits: { renew: { perSecond: 0, burst: 1 }, spawn: { perSecond: 1 }, renewal: 'off', auditInterval: '10ms' },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const setting of [
      'limits.maxMessageBytes', 'limits.maxCsrBytes', 'limits.maxConcurrentStreams', 'limits.attestationTimeout',
      'rateLimits.renew:', 'rateLimits.spawn:', 'rateLimits.renewal: unknown', 'rateLimits.auditInterval',
    ]) expect(message).toContain(setting);
  });
});
