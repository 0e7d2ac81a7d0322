import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { TesseraError, type ErrorCode } from '../../agent-sdk/errors.js';
import { hashJoinToken, joinTokenAttestor, newJoinToken, parseJoinToken } from '../../node-attestor/join-token/server.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { expectRejection } from '../helpers/rejection.js';

const noChallenge = async (): Promise<Uint8Array> => {
  throw new Error('join_token must not challenge');
};

function expectThrow(fn: () => unknown, code: ErrorCode, message: RegExp): Promise<TesseraError> {
  return expectRejection(Promise.resolve().then(fn), code, message);
}

describe('join_token', () => {
  it('ok/client-and-server', async () => {
    const token = newJoinToken();
    const redeem = vi.fn(async () => ({ orchestrator: 'build-farm' }));
    const server = joinTokenAttestor({ redeem });
    const client = joinTokenClient(token);
    expect(client.name).toBe(server.name);
    expect(server.name).toBe('join_token');
    const result = await server.attest(await client.payload(), noChallenge);
    expect(result).toEqual({ orchestrator: 'build-farm' });
    expect(redeem).toHaveBeenCalledExactlyOnceWith(token);
  });

  it('ok/new-token-shape-and-hash', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => newJoinToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(parseJoinToken(token)).toBe(token);
    }
    const token = [...tokens][0]!;
    expect(hashJoinToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashJoinToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fail/redeem-errors-pass-through', async () => {
    const server = joinTokenAttestor({
      redeem: async () => {
        throw new TesseraError('ERR_JOIN_TOKEN_USED', 'join token was already used');
      },
    });
    await expectRejection(server.attest(Buffer.from(newJoinToken()), noChallenge), 'ERR_JOIN_TOKEN_USED', /already used/);
  });

  describe('fail/wrong-shape', () => {
    const good = newJoinToken();
    // 43 characters whose last one has a padding bit set: decodes, but not canonically.
    const lastValue = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(good[42]!);
    const nonCanonical = good.slice(0, 42) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[(lastValue & ~3) | 1];
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['empty', Buffer.alloc(0), /43 base64url characters/],
      ['short', Buffer.from(good.slice(0, 42)), /43 base64url characters/],
      ['long', Buffer.from(good + 'A'), /43 base64url characters/],
      ['padded', Buffer.from(good + '='), /43 base64url characters/],
      ['standard-base64', Buffer.from('+' + good.slice(1)), /outside base64url/],
      ['space', Buffer.from(' ' + good.slice(1)), /outside base64url/],
      ['non-ascii', Buffer.concat([Buffer.from('é'), Buffer.from(good.slice(2))]), /outside base64url/],
      ['nul', Buffer.concat([Buffer.from(good.slice(0, 42)), Buffer.from([0])]), /outside base64url/],
      ['non-canonical', Buffer.from(nonCanonical), /canonical/],
      ['json', Buffer.from(JSON.stringify({ token: good })), /43 base64url characters/],
      ['huge', Buffer.alloc(64 * 1024, 0x41), /43 base64url characters/],
    ];
    for (const [name, payload, message] of cases) {
      it(`fail/${name}`, async () => {
        const redeem = vi.fn(async () => ({ orchestrator: 'x' }));
        const err = await expectRejection(joinTokenAttestor({ redeem }).attest(payload, noChallenge), 'ERR_JOIN_TOKEN_INVALID', message);
        expect(redeem).not.toHaveBeenCalled();
        // The secret (or what looks like it) is never echoed.
        expect(err.message).not.toContain(good.slice(0, 8));
        expect(err.message).not.toContain(good.slice(-8));
      });
    }
  });

  it('fail/client-refuses-wrong-shape-without-echoing', async () => {
    const token = newJoinToken();
    for (const bad of [token + 'x', token.slice(1), ` ${token.slice(1)}`, '', token.replace(/^./, '/')]) {
      const err = await expectThrow(() => joinTokenClient(bad), 'ERR_JOIN_TOKEN_INVALID', /join token/);
      expect(err.message).not.toContain(token.slice(2, 12));
    }
  });

  it('fail/client-refuses-challenges', async () => {
    await expectRejection(joinTokenClient(newJoinToken()).answer(new Uint8Array(32)), 'ERR_ATTESTATION_FAILED', /takes no challenges/);
  });
});
