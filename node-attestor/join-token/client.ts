import type { OrchestratorAttestor } from '../../agent-sdk/attestor.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { JOIN_TOKEN_ATTESTOR, parseJoinToken } from './server.js';

/**
 * The orchestrator's half of the join_token plugin: sends the token once. The
 * shape is checked here too, so a mistyped token fails before any network call.
 *
 * @throws {TesseraError} `ERR_JOIN_TOKEN_INVALID` when `token` does not have the shape
 *   of a join token (the message never holds it).
 * @example
 * const attestor = joinTokenClient(await readFile(tokenPath, 'utf8').then((t) => t.trim()));
 */
export function joinTokenClient(token: string): OrchestratorAttestor {
  const payload = Buffer.from(parseJoinToken(token), 'latin1');
  return {
    name: JOIN_TOKEN_ATTESTOR,
    challenges: 0,
    async payload(): Promise<Uint8Array> {
      return Uint8Array.from(payload);
    },
    async answer(): Promise<Uint8Array> {
      // The CA's half never challenges; a challenge means a confused or hostile peer.
      throw new TesseraError('ERR_ATTESTATION_FAILED', 'join_token attestation takes no challenges');
    },
  };
}
