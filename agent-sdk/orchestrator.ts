import type { OrchestratorAttestor } from './attestor.js';
import type { X509Bundle } from './bundle.js';
import type { CaEndpoints, SpawnedAgent } from './ca-client.js';
import type { RevocationEntry } from './revocation-list.js';
import type { SpiffeId } from './spiffe-id.js';
import { derToPem } from './tls-material.js';
import { ENV, X509Source, type X509SourceOptions } from './x509-source.js';

/** What a child process needs to become the agent the CA allocated. */
export interface AgentSpawn {
  /** The SPIFFE ID the child will hold once it activates. */
  readonly id: SpiffeId;
  /**
   * Environment variables to merge into the child's environment; they hold the
   * one-time spawn ticket (valid for 30 s by default), so pass them to that child
   * only. `X509Source.fromEnv()` in the child reads and clears them.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly ticketExpiresAtMs: number;
}

/**
 * What a child process needs to activate the identity `spawned` (the ticket)
 * with the CA at `endpoints`, trusting `bundle`: Orchestrator.spawn and
 * delegateToSubAgent hand it over the same way.
 *
 * @example child_process.spawn(process.execPath, ['agent.js'], { env: { ...process.env, ...agentSpawn(spawned, endpoints, bundle).env } });
 */
export function agentSpawn(spawned: SpawnedAgent, endpoints: CaEndpoints, bundle: X509Bundle): AgentSpawn {
  return {
    id: spawned.id,
    ticketExpiresAtMs: spawned.ticketExpiresAtMs,
    env: {
      [ENV.ticket]: spawned.ticket,
      [ENV.address]: endpoints.address,
      [ENV.mtlsAddress]: endpoints.mtlsAddress,
      [ENV.trustDomain]: bundle.trustDomain,
      [ENV.bundle]: bundle.authorities.map(derToPem).join(''),
    },
  };
}

/**
 * An orchestrator: attests once with a node attestor, keeps its own SVID
 * current, and asks the CA for an identity for each agent it spawns.
 *
 * @example
 * const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints, bundle });
 * const agent = await orchestrator.spawn('task-7', { sponsor: 'user-42', scopes: ['search:query'] });
 * child_process.spawn(process.execPath, ['agent.js'], { env: { ...process.env, ...agent.env } });
 */
export class Orchestrator {
  /** The orchestrator's own SVID source (mutual TLS to the CA and to services). */
  readonly source: X509Source;
  readonly #endpoints: CaEndpoints;

  private constructor(source: X509Source, endpoints: CaEndpoints) {
    this.source = source;
    this.#endpoints = endpoints;
  }

  /**
   * Attests with the given plugin's orchestrator half; resolves once the SVID is in.
   *
   * @throws {TesseraError} the attestor's refusal or ERR_UNAVAILABLE.
   */
  static async attest(options: X509SourceOptions & { attestor: OrchestratorAttestor }): Promise<Orchestrator> {
    return new Orchestrator(await X509Source.fromAttestation(options), options.endpoints);
  }

  /** The orchestrator's SPIFFE ID. */
  get id(): SpiffeId {
    return this.source.getX509Svid().id;
  }

  /**
   * Allocates an agent instance for `taskId` and returns its ID and the
   * environment for its process.
   *
   * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad task id, ERR_SCOPE_INVALID for a bad scope,
   *   ERR_POLICY_DENIED beyond the policy ceiling (task id, scopes, TTL), ERR_UNAVAILABLE.
   */
  async spawn(taskId: string, options: { sponsor: string; scopes?: string[]; ttlMs?: number }): Promise<AgentSpawn> {
    const spawned = await this.source.caClient.spawn({ taskId, ...options });
    return agentSpawn(spawned, this.#endpoints, this.source.bundle);
  }

  /**
   * Ends one of this orchestrator's tasks (DESIGN flow 8): the CA revokes every
   * agent of it, and refuses new spawns, activations and delegations for it,
   * durably and audited before this resolves. Completing a completed task
   * returns no entries.
   *
   * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a bad task id, ERR_REVOKED when this orchestrator is revoked, ERR_UNAVAILABLE.
   * @example await orchestrator.completeTask('task-7');
   */
  async completeTask(taskId: string): Promise<RevocationEntry[]> {
    return this.source.caClient.completeTask(taskId);
  }

  /** Stops rotation and closes connections. */
  close(): void {
    this.source.close();
  }
}
