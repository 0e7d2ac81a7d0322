/**
 * Node attestation: how an orchestrator proves who it is before it gets an SVID.
 * A plugin has two halves. The server half runs inside the CA and never sees the
 * gRPC stream: it gets the opening payload and a function that sends one challenge
 * and waits for its answer. The orchestrator half produces the payload and
 * answers challenges; the SDK's orchestrator helper drives it through this
 * interface, so the caller picks the plugin.
 */

/** Sends one challenge to the orchestrator and resolves with its answer. */
export type Challenge = (challenge: Uint8Array) => Promise<Uint8Array>;

/** What a successful attestation proved. */
export interface AttestationResult {
  /** The orchestrator name, one SPIFFE path segment: its SPIFFE ID is spiffe://<td>/orchestrator/<name>. */
  readonly orchestrator: string;
}

/** The CA's half of a plugin. */
export interface ServerAttestor {
  /** The plugin name the orchestrator puts in AttestationParams.attestor. */
  readonly name: string;
  /**
   * Checks the orchestrator's payload, challenging it as often as the plugin needs.
   * Throws a TesseraError (ERR_ATTESTATION_FAILED, ERR_JOIN_TOKEN_USED, ...) to refuse;
   * its message goes back to the caller and must never hold the secret presented.
   */
  attest(payload: Uint8Array, challenge: Challenge): Promise<AttestationResult>;
}

/** The orchestrator's half of a plugin: defined by the SDK, which drives it. */
export type { OrchestratorAttestor } from '../agent-sdk/attestor.js';
