import { describe, expect, it } from 'vitest';
import {
  PeerError,
  SpiffeId,
  authorizeAny,
  authorizeId,
  authorizeMatch,
  authorizeMemberOf,
  authorizeOneOf,
  authorizePeer,
  type Authorizer,
} from '../../agent-sdk/index.js';

const id = (s: string) => SpiffeId.parse(s);

function outcome(authorizer: Authorizer, peer: string): string {
  try {
    authorizePeer(authorizer, id(peer), []);
    return 'allow';
  } catch (err) {
    expect(err).toBeInstanceOf(PeerError);
    return (err as PeerError).code;
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('authorizers', () => {
  it('authorizeAny allows every verified peer', () => {
    expect(outcome(authorizeAny(), 'spiffe://td/anything')).toBe('allow');
  });

  it('authorizeId allows exactly one ID', () => {
    const a = authorizeId('spiffe://td/service/search');
    expect(outcome(a, 'spiffe://td/service/search')).toBe('allow');
    expect(outcome(a, 'spiffe://td/service/search2')).toBe('ERR_PEER_UNAUTHORIZED');
    expect(outcome(a, 'spiffe://td/service')).toBe('ERR_PEER_UNAUTHORIZED');
    expect(outcome(a, 'spiffe://td2/service/search')).toBe('ERR_PEER_UNAUTHORIZED');
    expect(outcome(authorizeId(id('spiffe://td/a')), 'spiffe://td/a')).toBe('allow');
    expect(codeOf(() => authorizeId('spiffe://td/a/'))).toBe('ERR_SPIFFE_ID_INVALID');
  });

  it('authorizeOneOf allows any of a list', () => {
    const a = authorizeOneOf('spiffe://td/a', id('spiffe://td/b'));
    expect(outcome(a, 'spiffe://td/a')).toBe('allow');
    expect(outcome(a, 'spiffe://td/b')).toBe('allow');
    expect(outcome(a, 'spiffe://td/c')).toBe('ERR_PEER_UNAUTHORIZED');
    expect(outcome(authorizeOneOf(), 'spiffe://td/a')).toBe('ERR_PEER_UNAUTHORIZED');
  });

  it('authorizeMemberOf compares the whole trust domain name', () => {
    const a = authorizeMemberOf('td');
    expect(outcome(a, 'spiffe://td/x')).toBe('allow');
    expect(outcome(a, 'spiffe://td')).toBe('allow');
    expect(outcome(a, 'spiffe://td2/x')).toBe('ERR_PEER_UNAUTHORIZED');
    expect(outcome(a, 'spiffe://xtd/x')).toBe('ERR_PEER_UNAUTHORIZED');
    expect(codeOf(() => authorizeMemberOf('TD'))).toBe('ERR_SPIFFE_ID_INVALID');
  });

  describe('authorizeMatch', () => {
    const a = authorizeMatch('spiffe://td/agent/orch-a/*/*');
    it.each([
      ['spiffe://td/agent/orch-a/t1/i1', 'allow'],
      ['spiffe://td/agent/orch-a/t2/5f3c0a', 'allow'],
      ['spiffe://td/agent/orch-ab/t1/i1', 'ERR_PEER_UNAUTHORIZED'],
      ['spiffe://td/agent/orch/t1/i1', 'ERR_PEER_UNAUTHORIZED'],
      ['spiffe://td/agent/orch-a/t1', 'ERR_PEER_UNAUTHORIZED'],
      ['spiffe://td/agent/orch-a/t1/i1/x', 'ERR_PEER_UNAUTHORIZED'],
      ['spiffe://td/agents/orch-a/t1/i1', 'ERR_PEER_UNAUTHORIZED'],
      ['spiffe://td2/agent/orch-a/t1/i1', 'ERR_PEER_UNAUTHORIZED'],
      ['spiffe://td/orchestrator/orch-a', 'ERR_PEER_UNAUTHORIZED'],
    ])('%s -> %s', (peer, want) => {
      expect(outcome(a, peer)).toBe(want);
    });

    it('a literal pattern matches only itself; a pattern of the trust domain matches only its ID', () => {
      expect(outcome(authorizeMatch('spiffe://td/a'), 'spiffe://td/a')).toBe('allow');
      expect(outcome(authorizeMatch('spiffe://td/a'), 'spiffe://td/ab')).toBe('ERR_PEER_UNAUTHORIZED');
      expect(outcome(authorizeMatch('spiffe://td'), 'spiffe://td')).toBe('allow');
      expect(outcome(authorizeMatch('spiffe://td'), 'spiffe://td/a')).toBe('ERR_PEER_UNAUTHORIZED');
      expect(outcome(authorizeMatch('spiffe://td/*'), 'spiffe://td/a')).toBe('allow');
      expect(outcome(authorizeMatch('spiffe://td/*'), 'spiffe://td')).toBe('ERR_PEER_UNAUTHORIZED');
    });

    it.each([
      'spiffe://td/agent/orch-*/t',
      'spiffe://td/agent/**',
      'spiffe://*/agent',
      'spiffe://TD/agent',
      'spiffe://td/agent/',
      'spiffe://td//agent',
      'spiffe://td/../agent',
      'spiffe://td/a%2Fb',
      'spiffe://td:443/a',
      'https://td/a',
      'spiffe://',
    ])('rejects the pattern %s when it is created', (pattern) => {
      expect(codeOf(() => authorizeMatch(pattern))).toBe('ERR_INVALID_ARGUMENT');
    });
  });

  it('authorizePeer fails closed: false and foreign throws deny', () => {
    const returnsFalse = (() => false) as unknown as Authorizer;
    expect(outcome(returnsFalse, 'spiffe://td/a')).toBe('ERR_PEER_UNAUTHORIZED');
    expect(outcome(() => { throw new Error('boom'); }, 'spiffe://td/a')).toBe('ERR_PEER_UNAUTHORIZED');
    const revoked: Authorizer = () => { throw new PeerError('ERR_REVOKED', 'revoked'); };
    expect(outcome(revoked, 'spiffe://td/a')).toBe('ERR_REVOKED');
  });
});
