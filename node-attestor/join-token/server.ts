import { createHash, randomBytes } from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { AttestationResult, ServerAttestor } from '../types.js';

/** The plugin name both halves use. */
export const JOIN_TOKEN_ATTESTOR = 'join_token';

const TOKEN_BYTES = 32;
/** base64url of 32 bytes, unpadded. */
const TOKEN_CHARS = 43;

/**
 * Makes a new join token: 32 random bytes (256 bits), base64url without padding,
 * 43 characters. The CA shows it to the operator once and stores only its hash.
 *
 * @example
 * const token = newJoinToken();
 * await store.putJoinToken(hashJoinToken(token), { orchestrator: 'build-farm', expiresAtMs });
 */
export function newJoinToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * The SHA-256 of the token's text, in lowercase hex: what the CA stores and looks
 * tokens up by, so a leaked store does not leak usable tokens. Does not check the
 * shape; pass it a token that `parseJoinToken` accepted.
 *
 * @example hashJoinToken(token) // '3f1a...' (64 hex characters)
 */
export function hashJoinToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Checks that `text` has the shape of a join token and returns it: exactly 43
 * base64url characters that decode to 32 bytes and encode back to the same text
 * (a non-canonical spelling is refused, never normalised).
 *
 * @throws {TesseraError} `ERR_JOIN_TOKEN_INVALID`; the message never holds the text.
 * @example parseJoinToken(process.argv[2] ?? '')
 */
export function parseJoinToken(text: string): string {
  if (typeof text !== 'string' || text.length !== TOKEN_CHARS) {
    throw new TesseraError('ERR_JOIN_TOKEN_INVALID', `join token must be ${TOKEN_CHARS} base64url characters`);
  }
  for (let i = 0; i < text.length; i++) {
    if (!isBase64UrlChar(text.charCodeAt(i))) throw new TesseraError('ERR_JOIN_TOKEN_INVALID', 'join token has a character outside base64url');
  }
  // The last character carries two padding bits, which must be zero.
  if (Buffer.from(text, 'base64url').toString('base64url') !== text) {
    throw new TesseraError('ERR_JOIN_TOKEN_INVALID', 'join token is not in canonical base64url');
  }
  return text;
}

/**
 * The CA's half of the join_token plugin. The payload is the token's text as
 * ASCII bytes; the plugin checks its shape and hands it to `redeem`, which the CA
 * supplies and which consumes the token atomically in its store (so of many
 * concurrent uses exactly one succeeds) and says which orchestrator it was for.
 * It never challenges.
 *
 * @param params.redeem Consumes the token; throws ERR_JOIN_TOKEN_USED,
 *   ERR_JOIN_TOKEN_EXPIRED, ... which pass through unchanged.
 * @throws {TesseraError} `ERR_JOIN_TOKEN_INVALID` (from `attest`) for a payload that
 *   is not a token; the message never echoes the payload.
 * @example
 * const attestor = joinTokenAttestor({ redeem: (token) => authority.redeemJoinToken(hashJoinToken(token)) });
 */
export function joinTokenAttestor(params: { redeem(token: string): Promise<AttestationResult> }): ServerAttestor {
  const { redeem } = params;
  return {
    name: JOIN_TOKEN_ATTESTOR,
    async attest(payload: Uint8Array): Promise<AttestationResult> {
      // Check the bytes before making a string: a payload of any size or encoding is
      // refused without being decoded or copied.
      if (!(payload instanceof Uint8Array) || payload.length !== TOKEN_CHARS) {
        throw new TesseraError('ERR_JOIN_TOKEN_INVALID', `join token must be ${TOKEN_CHARS} base64url characters`);
      }
      for (const byte of payload) {
        if (!isBase64UrlChar(byte)) throw new TesseraError('ERR_JOIN_TOKEN_INVALID', 'join token has a character outside base64url');
      }
      const token = parseJoinToken(Buffer.from(payload).toString('latin1'));
      return redeem(token);
    },
  };
}

/** RFC 4648 section 5 alphabet: A-Z a-z 0-9 '-' '_'. */
function isBase64UrlChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
}
