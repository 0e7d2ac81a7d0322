import { describe, expect, it } from 'vitest';
import { SpiffeId, isSpiffeId, parsePathSegment, parseSpiffeId, parseTrustDomain } from '../../agent-sdk/spiffe-id.js';
import { agentId, describeId } from '../../agent-sdk/tessera-id.js';

describe('SPIFFE ID parser', () => {
  it.each([
    'spiffe://tessera.local',
    'spiffe://tessera.local/orchestrator/orch-a',
    'spiffe://td/agent/o/Task_1/0123456789abcdef',
    'spiffe://a-b.c_d/x/y.z/.../a..b',
  ])('ok/%s round-trips', (id) => {
    expect(parseSpiffeId(id).toString()).toBe(id);
    expect(isSpiffeId(id)).toBe(true);
  });

  it.each([
    ['uppercase trust domain', 'spiffe://Tessera.local/a'],
    ['uppercase scheme', 'SPIFFE://tessera.local/a'],
    ['other scheme', 'https://tessera.local/a'],
    ['dot segment', 'spiffe://td/a/./b'],
    ['dot-dot segment', 'spiffe://td/a/../admin'],
    ['trailing dot-dot', 'spiffe://td/a/..'],
    ['percent-encoding', 'spiffe://td/a%2e%2e/b'],
    ['empty segment', 'spiffe://td/a//b'],
    ['trailing slash', 'spiffe://td/a/'],
    ['bare trailing slash', 'spiffe://td/'],
    ['port', 'spiffe://td:443/a'],
    ['userinfo', 'spiffe://user@td/a'],
    ['query', 'spiffe://td/a?x=1'],
    ['fragment', 'spiffe://td/a#x'],
    ['empty trust domain', 'spiffe:///a'],
    ['space', 'spiffe://td/a b'],
    ['non-ASCII', 'spiffe://td/ä'],
    ['smuggled SAN text', 'spiffe://td/x, URI:spiffe://td/admin'],
    ['trust domain over 255 bytes', `spiffe://${'a'.repeat(256)}/x`],
    ['over 2048 bytes', `spiffe://td/${'a'.repeat(2040)}`],
    ['empty string', ''],
  ])('fail/%s', (_name, id) => {
    expect(() => parseSpiffeId(id)).toThrowError(expect.objectContaining({ code: 'ERR_SPIFFE_ID_INVALID' }));
    expect(isSpiffeId(id)).toBe(false);
  });

  it('ok/the longest allowed ID parses', () => {
    const id = `spiffe://td/${'a'.repeat(2048 - 'spiffe://td/'.length)}`;
    expect(parseSpiffeId(id).toString().length).toBe(2048);
  });

  it('ok/segments and trust domain checks', () => {
    expect(parseTrustDomain('tessera.local')).toBe('tessera.local');
    expect(() => parseTrustDomain('Tessera')).toThrowError(expect.objectContaining({ code: 'ERR_SPIFFE_ID_INVALID' }));
    expect(() => parsePathSegment('a/b')).toThrowError(expect.objectContaining({ code: 'ERR_SPIFFE_ID_INVALID' }));
    expect(() => SpiffeId.fromSegments('td', 'a', '..')).toThrowError(expect.objectContaining({ code: 'ERR_SPIFFE_ID_INVALID' }));
    expect(SpiffeId.fromSegments('td', 'a', 'b').segments).toEqual(['a', 'b']);
  });

  it('ok/Tessera identity shapes', () => {
    const id = agentId('td', 'o1', 't1', 'abc');
    expect(describeId(id)).toEqual({ kind: 'agent', orchestrator: 'o1', task: 't1', instance: 'abc' });
    expect(describeId(parseSpiffeId('spiffe://td/orchestrator/o1'))).toEqual({ kind: 'orchestrator', orchestrator: 'o1' });
    expect(describeId(parseSpiffeId('spiffe://td/agent/o1/t1'))).toBeUndefined();
  });
});
