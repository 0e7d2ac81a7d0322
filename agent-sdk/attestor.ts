/**
 * The orchestrator half of a node-attestor plugin, as the SDK's orchestrator
 * helper drives it. The SDK defines it (it ships without the plugins); each
 * plugin in `tessera/node-attestor` implements it, so the caller picks the plugin.
 */
export interface OrchestratorAttestor {
  /** The plugin name, matching the CA's half, for example "join_token". */
  readonly name: string;
  /**
   * How many challenges the CA's half sends, when the plugin knows it. The SDK
   * half-closes the Attest stream after the last answer (with the payload when
   * 0), so the CA sends the status after the client is done and the stream ends
   * on the CA's side, even for a refusal. Left out, the stream stays open until
   * the result.
   */
  readonly challenges?: number;
  /** The opening payload. */
  payload(): Promise<Uint8Array>;
  /** The answer to one challenge from the CA's half. */
  answer(challenge: Uint8Array): Promise<Uint8Array>;
}
