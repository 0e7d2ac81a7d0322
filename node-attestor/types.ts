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
  /** One-time state the proof uses up (a join token), consumed where the SVID is issued. */
  readonly claim?: AttestationClaim;
}

/**
 * One-time state an attestation uses up, which the CA consumes in the same
 * transaction that issues the SVID: a CA that stops in between has spent
 * nothing, and of concurrent uses exactly one gets an SVID. The CA makes it (it
 * hands the join_token plugin its `redeem`); plugins pass it through.
 */
export interface AttestationClaim {
  /** The store keys `consume` reads. */
  readonly read: readonly string[];
  /**
   * Checks the state as it is now and returns the writes that use it up.
   * Throws a TesseraError (ERR_JOIN_TOKEN_USED, ...) to refuse; synchronous.
   */
  consume(current: ReadonlyMap<string, Uint8Array | undefined>): readonly ClaimWrite[];
}

/** A write of a claim: a put of `value` at `key`, if `expected` is set only while the key still holds those bytes (null: absent). */
export interface ClaimWrite {
  readonly type: 'put';
  readonly key: string;
  readonly value: Uint8Array;
  readonly expected?: Uint8Array | null;
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
