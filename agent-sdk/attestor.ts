/**
 * The orchestrator half of a node-attestor plugin, as the SDK's orchestrator
 * helper drives it. The SDK defines it (it ships without the plugins); each
 * plugin in `tessera/node-attestor` implements it, so the caller picks the plugin.
 */
export interface OrchestratorAttestor {
  /** The plugin name, matching the CA's half, for example "join_token". */
  readonly name: string;
  /** The opening payload. */
  payload(): Promise<Uint8Array>;
  /** The answer to one challenge from the CA's half. */
  answer(challenge: Uint8Array): Promise<Uint8Array>;
}
