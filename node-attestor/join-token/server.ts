import { TesseraError } from '../../agent-sdk/errors.js';
import { ONE_TIME_SECRET_CHARS, hashOneTimeSecret, newOneTimeSecret, oneTimeSecretProblem } from '../../agent-sdk/one-time-secret.js';
import type { AttestationResult, ServerAttestor } from '../types.js';

/** The plugin name both halves use. */
export const JOIN_TOKEN_ATTESTOR = 'join_token';

/**
 * Makes a new join token: 32 random bytes (256 bits), base64url without padding,
 * 43 characters. The CA shows it to the operator once and stores only its hash.
 *
 * @example
 * const token = newJoinToken();
 * await store.putJoinToken(hashJoinToken(token), { orchestrator: 'build-farm', expiresAtMs });
 */
export const newJoinToken: () => string = newOneTimeSecret;

/**
 * The SHA-256 of the token's text, in lowercase hex: what the CA stores and looks
 * tokens up by. Does not check the shape; pass it a token that `parseJoinToken` accepted.
 *
 * @example hashJoinToken(token) // '3f1a...' (64 hex characters)
 */
export const hashJoinToken: (token: string) => string = hashOneTimeSecret;

/**
 * Checks that `text` has the shape of a join token and returns it: exactly 43
 * base64url characters that decode to 32 bytes and encode back to the same text
 * (a non-canonical spelling is refused, never normalised).
 *
 * @throws {TesseraError} `ERR_JOIN_TOKEN_INVALID`; the message never holds the text.
 * @example parseJoinToken(process.argv[2] ?? '')
 */
export function parseJoinToken(text: string): string {
  const problem = oneTimeSecretProblem(text);
  if (problem) throw new TesseraError('ERR_JOIN_TOKEN_INVALID', `join token ${problem}`);
  return text;
}

/**
 * The CA's half of the join_token plugin. The payload is the token's text as
 * ASCII bytes; the plugin checks its shape and hands it to `redeem`, which the CA
 * supplies: it says which orchestrator the token is for and returns the claim
 * (AttestationClaim) that uses the token up in the transaction issuing the SVID,
 * so of many concurrent uses exactly one succeeds. It never challenges.
 *
 * @param params.redeem Finds the token; throws ERR_JOIN_TOKEN_INVALID, ... which
 *   pass through unchanged (its claim throws ERR_JOIN_TOKEN_USED, ERR_JOIN_TOKEN_EXPIRED).
 * @throws {TesseraError} `ERR_JOIN_TOKEN_INVALID` (from `attest`) for a payload that
 *   is not a token; the message never echoes the payload.
 * @example
 * const attestor = joinTokenAttestor({ redeem: (token) => redeemJoinToken(ctx, token) });
 */
export function joinTokenAttestor(params: { redeem(token: string): Promise<AttestationResult> }): ServerAttestor {
  const { redeem } = params;
  return {
    name: JOIN_TOKEN_ATTESTOR,
    async attest(payload: Uint8Array): Promise<AttestationResult> {
      // Check the bytes before making a string: a payload of any size or encoding is
      // refused without being decoded or copied.
      if (!(payload instanceof Uint8Array) || payload.length !== ONE_TIME_SECRET_CHARS) {
        throw new TesseraError('ERR_JOIN_TOKEN_INVALID', `join token must be ${ONE_TIME_SECRET_CHARS} base64url characters`);
      }
      // latin1 maps each byte to one character, so a non-ASCII byte fails the alphabet check.
      const token = parseJoinToken(Buffer.from(payload).toString('latin1'));
      return redeem(token);
    },
  };
}
