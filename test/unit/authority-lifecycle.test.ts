import { describe, expect, it } from 'vitest';
import { type AuthorityRecord, checkPrepare, dueStep, planStep } from '../../ca/authority/lifecycle.js';

const record = (id: string, state: AuthorityRecord['state'], notBeforeMs = 0, notAfterMs = 6000): AuthorityRecord =>
  ({ kind: 'x509', id, state, file: `x509-${id}`, notBeforeMs, notAfterMs, changedAtMs: 0 });
const schedule = { prepareAt: 1 / 2, activateAt: 5 / 6 };

describe('authority lifecycle', () => {
  it('ok/activate makes the prepared one active and the active one old', () => {
    const changed = planStep([record('a', 'active'), record('b', 'prepared')], 'x509', 'activate', undefined, 42);
    expect(changed.map((r) => [r.id, r.state, r.changedAtMs])).toEqual([['b', 'active', 42], ['a', 'old', 42]]);
  });

  it('ok/taint an old one, then revoke it', () => {
    expect(planStep([record('a', 'old'), record('b', 'active')], 'x509', 'taint', 'a', 1)[0]!.state).toBe('tainted');
    expect(planStep([record('a', 'tainted'), record('b', 'active')], 'x509', 'revoke', 'a', 1)[0]!.state).toBe('revoked');
  });

  it.each([
    ['revoke the active one', [record('a', 'active')], 'revoke', 'a'],
    ['taint the active one (nothing prepared and activated)', [record('a', 'active')], 'taint', 'a'],
    ['revoke an old one that was never tainted', [record('a', 'old'), record('b', 'active')], 'revoke', 'a'],
    ['activate with nothing prepared', [record('a', 'active')], 'activate', undefined],
    ['taint a revoked one', [record('a', 'revoked'), record('b', 'active')], 'taint', 'a'],
  ] as const)('fail/%s is ERR_AUTHORITY_STATE', (_name, records, step, id) => {
    expect(() => planStep(records, 'x509', step, id, 1)).toThrow(expect.objectContaining({ code: 'ERR_AUTHORITY_STATE' }));
  });

  it('fail/an unknown id is ERR_NOT_FOUND; a second prepare is ERR_AUTHORITY_STATE', () => {
    expect(() => planStep([record('a', 'active')], 'x509', 'taint', 'zz', 1)).toThrow(expect.objectContaining({ code: 'ERR_NOT_FOUND' }));
    expect(() => checkPrepare([record('a', 'active'), record('b', 'prepared')], 'x509')).toThrow(expect.objectContaining({ code: 'ERR_AUTHORITY_STATE' }));
  });

  it('ok/the schedule prepares at 1/2 and activates at 5/6 of the active one\'s life', () => {
    expect(dueStep([record('a', 'active')], 'x509', schedule, 2999)).toBeUndefined();
    expect(dueStep([record('a', 'active')], 'x509', schedule, 3000)).toBe('prepare');
    expect(dueStep([record('a', 'active'), record('b', 'prepared')], 'x509', schedule, 4999)).toBeUndefined();
    expect(dueStep([record('a', 'active'), record('b', 'prepared')], 'x509', schedule, 5000)).toBe('activate');
    expect(dueStep([], 'x509', schedule, 0)).toBe('prepare');
    // The CA was down past the active one's end: replace it at once.
    expect(dueStep([record('a', 'active', 0, 100)], 'x509', { prepareAt: 0.9, activateAt: 0.99 }, 100)).toBe('prepare');
  });
});
